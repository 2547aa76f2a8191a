"""Plain request/response values passed between the HTTP server and the route handlers.

Handlers never touch sockets: they get a Request and return a Response, so `$batch` can
run inner requests through the very same handlers.
"""

import json
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, quote, unquote, urlsplit


@dataclass
class Request:
    method: str
    path: str                      # percent-decoded, without the query string
    query: dict                    # query parameters, names lower-cased
    headers: dict                  # header names lower-cased
    body: bytes = b""
    base_url: str = ""             # scheme://host:port the client used
    params: dict = field(default_factory=dict)   # values captured from the route template
    inner: bool = False            # True for a request inside a $batch

    @classmethod
    def from_target(cls, method, target, headers, body, base_url, inner=False):
        """Build a request from an HTTP request target such as "/v1.0/me?$top=5"."""
        parts = urlsplit(target)
        query = {name.lower(): value for name, value in parse_qsl(parts.query, True)}
        lowered = {name.lower(): value for name, value in headers.items()}
        return cls(method.upper(), unquote(parts.path), query, lowered, body, base_url,
                   inner=inner)

    def json(self):
        """The body as a JSON object; malformed bodies are the caller's 400."""
        from .errors import GraphError

        if not self.body:
            return {}
        try:
            value = json.loads(self.body)
        except ValueError as exc:
            raise GraphError(400, "BadRequest", "Unable to read JSON request payload. "
                             "Please ensure Content-Type header is set and payload is of "
                             "valid JSON format.") from exc
        if not isinstance(value, dict):
            raise GraphError(400, "BadRequest", "The request body must be a JSON object.")
        return value

    def form(self):
        return dict(parse_qsl(self.body.decode("utf-8", "replace"), True))


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict = field(default_factory=dict)
    drop: bool = False             # close the connection without answering

    @classmethod
    def json(cls, status, payload, headers=None):
        all_headers = {"Content-Type": "application/json; odata.metadata=minimal; "
                       "odata.streaming=true; IEEE754Compatible=false; charset=utf-8"}
        all_headers.update(headers or {})
        return cls(status, json.dumps(payload, separators=(",", ":")).encode(), all_headers)

    @classmethod
    def html(cls, status, text):
        return cls(status, text.encode(), {"Content-Type": "text/html; charset=utf-8"})

    @classmethod
    def redirect(cls, url):
        return cls(302, b"", {"Location": url})

    @classmethod
    def empty(cls, status, headers=None):
        return cls(status, b"", dict(headers or {}))

    def json_body(self):
        return json.loads(self.body) if self.body else None


def url_with_query(base, path, params):
    """base + path + ?params, with Graph's "$" names left readable."""
    query = "&".join(f"{quote(str(k), safe='$')}={quote(str(v), safe='')}"
                     for k, v in params.items())
    return f"{base}{path}?{query}" if query else f"{base}{path}"
