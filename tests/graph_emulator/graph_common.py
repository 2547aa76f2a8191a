"""Helpers every Graph route uses: who is calling, Prefer options, collection pages."""

from . import preferences, timezones
from .event_render import RenderOptions
from .http_messages import Response, url_with_query


def caller(state, request):
    """(mailbox, token record) of the bearer token; GraphError 401 otherwise."""
    return state.identity_api.mailbox_for(request)


def prefs(request):
    return preferences.parse(request.headers.get("prefer", ""))


def render_options(request):
    """RenderOptions from Prefer and $select, plus the Preference-Applied header value."""
    wanted = prefs(request)
    applied = []
    tz = wanted.get("outlook.timezone") or "UTC"
    if "outlook.timezone" in wanted:
        timezones.zone(tz)
        applied.append(f'outlook.timezone="{tz}"')
    immutable = wanted.get("idtype", "").lower() == "immutableid"
    if immutable:
        applied.append('IdType="ImmutableId"')
    body_type = (wanted.get("outlook.body-content-type") or "").lower() or None
    if body_type:
        applied.append(f'outlook.body-content-type="{body_type}"')
    select = tuple(s.strip() for s in request.query.get("$select", "").split(",") if s.strip())
    return RenderOptions(tz, immutable, body_type, select), applied


def applied_header(applied):
    return {"Preference-Applied": ", ".join(applied)} if applied else {}


def context_url(request, fragment):
    return f"{request.base_url}/v1.0/$metadata#{fragment}"


def paged(request, items, default_size, context, applied=()):
    """A collection page with $top/$skip (or Prefer: odata.maxpagesize) and a nextLink."""
    wanted = prefs(request)
    size = preferences.page_size(wanted, default_size, request.query)
    skip_text = request.query.get("$skip", "0")
    skip = int(skip_text) if skip_text.isdigit() else 0
    page = items[skip:skip + size]
    body = {"@odata.context": context_url(request, context), "value": page}
    if skip + size < len(items):
        query = {k: v for k, v in request.query.items() if k not in ("$skip", "$top")}
        query.update({"$top": size, "$skip": skip + size})
        body["@odata.nextLink"] = url_with_query(request.base_url, request.path, query)
    applied = list(applied)
    if "odata.maxpagesize" in wanted:
        applied.append(f"odata.maxpagesize={size}")
    return Response.json(200, body, applied_header(applied))
