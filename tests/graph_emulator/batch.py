"""JSON batching: POST /v1.0/$batch with up to 20 requests.

Inner requests run one after the other through the same pipeline as single requests, so
each is counted under its own route and can meet an injected fault. `dependsOn` is
honoured: a request runs after the ones it names, and answers 424 if one of them failed.
"""

import base64
import json

from .errors import GraphError
from .http_messages import Request, Response

MAX_REQUESTS = 20
ROUTE = "/v1.0/$batch"
METHODS = ("GET", "POST", "PATCH", "PUT", "DELETE")


def register(router, app):
    router.add("POST", ROUTE, lambda request: run_batch(app, request), locked=False)


def _bad(message):
    return GraphError(400, "BadRequest", message)


def _parse(request):
    requests = request.json().get("requests")
    if not isinstance(requests, list) or not requests:
        raise _bad("Invalid batch payload format: 'requests' must be a non-empty array.")
    if len(requests) > MAX_REQUESTS:
        raise _bad(f"Number of batch request steps exceeds the maximum of {MAX_REQUESTS}.")
    seen = {}
    for item in requests:
        if not isinstance(item, dict) or not all(
                isinstance(item.get(k), str) and item.get(k) for k in ("id", "method", "url")):
            raise _bad("Each batch request needs a string id, method and url.")
        if item["method"].upper() not in METHODS:
            raise _bad(f"Batch request '{item['id']}' uses an unsupported method.")
        if "body" in item and not (item.get("headers") or {}):
            raise _bad(f"Batch request '{item['id']}' has a body but no Content-Type header.")
        key = item["id"].lower()
        if key in seen:
            raise _bad(f"Batch request id '{item['id']}' is used twice; ids must be unique.")
        seen[key] = item
    return requests, seen


def _order(requests, by_id):
    """Requests in an order where every one comes after those it depends on."""
    ordered, placed, visiting = [], set(), set()

    def place(item):
        key = item["id"].lower()
        if key in placed:
            return
        if key in visiting:
            raise _bad("The dependsOn values of this batch form a cycle.")
        visiting.add(key)
        for dependency in item.get("dependsOn") or []:
            if str(dependency).lower() not in by_id:
                raise _bad(f"Batch request '{item['id']}' depends on unknown id '{dependency}'.")
            place(by_id[str(dependency).lower()])
        visiting.discard(key)
        placed.add(key)
        ordered.append(item)

    for item in requests:
        place(item)
    return ordered


def run_batch(app, request):
    try:
        with app.state.lock:
            requests, by_id = _parse(request)
            ordered = _order(requests, by_id)
    except GraphError as exc:
        return exc.to_response(app.state.now())
    statuses, responses = {}, []
    for item in ordered:
        failed = [d for d in item.get("dependsOn") or [] if statuses.get(str(d).lower(), 200)
                  >= 400]
        if failed:
            answer = _failed_dependency(app, failed)
        else:
            answer = app.handle(_inner_request(request, item))
        statuses[item["id"].lower()] = answer.status
        responses.append(_shape(item["id"], answer))
    return Response.json(200, {"responses": responses})


def _inner_request(outer, item):
    url = item["url"] if item["url"].startswith("/") else "/" + item["url"]
    headers = {"authorization": outer.headers.get("authorization", "")}
    headers.update({k.lower(): str(v) for k, v in (item.get("headers") or {}).items()})
    body = item.get("body")
    if isinstance(body, (dict, list)):
        raw = json.dumps(body).encode()
    elif isinstance(body, str):
        raw = base64.b64decode(body)
    else:
        raw = b""
    return Request.from_target(item["method"], "/v1.0" + url, headers, raw, outer.base_url,
                               inner=True)


def _failed_dependency(app, failed):
    error = GraphError(424, "FailedDependency",
                       f"The request depends on '{failed[0]}', which failed.")
    return error.to_response(app.state.now())


def _shape(ident, answer):
    headers = dict(answer.headers)
    shaped = {"id": ident, "status": answer.status, "headers": headers}
    if answer.body:
        content_type = headers.get("Content-Type", "")
        shaped["body"] = (json.loads(answer.body) if "json" in content_type
                          else base64.b64encode(answer.body).decode())
    return shaped
