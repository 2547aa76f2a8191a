"""Graph v1.0 calendar routes: /me, calendars, events, instances, calendarView and delta."""

import re

from . import calendar_actions, calendar_delta, calendar_store, preferences, timezones
from .errors import GraphError, bad_request
from .event_render import render_event, render_instance
from .gc_pause import paused_collection
from .graph_common import applied_header, caller, context_url, paged, prefs, render_options
from .http_messages import Response, url_with_query

DEFAULT_PAGE = 10          # Graph's page size for events and calendarView lists
DEFAULT_DELTA_PAGE = 100   # calendarView/delta without Prefer: odata.maxpagesize
_FILTER = re.compile(r"^\s*(\w+)\s+eq\s+'((?:[^']|'')*)'\s*$", re.IGNORECASE)
FILTERABLE = {"icaluid": "iCalUId", "transactionid": "transactionId", "subject": "subject",
              "type": "type"}


def register(router, state):
    api = CalendarApi(state)
    router.add("GET", "/v1.0/me", api.me)
    router.add("GET", "/v1.0/me/calendar", api.calendar)
    router.add("GET", "/v1.0/me/calendars", api.calendars)
    for prefix in ("/v1.0/me", "/v1.0/me/calendar"):
        router.add("GET", f"{prefix}/events", api.list_events)
        router.add("POST", f"{prefix}/events", api.create_event)
        router.add("GET", f"{prefix}/events/{{id}}", api.get_event)
        router.add("PATCH", f"{prefix}/events/{{id}}", api.update_event)
        router.add("DELETE", f"{prefix}/events/{{id}}", api.delete_event)
        router.add("GET", f"{prefix}/events/{{id}}/instances", api.instances)
        for action in ("accept", "decline", "tentativelyAccept"):
            router.add("POST", f"{prefix}/events/{{id}}/{action}", api.responder(action))
        router.add("GET", f"{prefix}/calendarView/delta", api.delta)
        router.add("GET", f"{prefix}/calendarView", api.calendar_view)
    return api


def window(request):
    start, end = request.query.get("startdatetime"), request.query.get("enddatetime")
    if not start or not end:
        raise GraphError(400, "ErrorInvalidParameter",
                         "This request requires a time window specified by the query string "
                         "parameters StartDateTime and EndDateTime.")
    return (timezones.parse_query_datetime(start, "startDateTime"),
            timezones.parse_query_datetime(end, "endDateTime"))


class CalendarApi:
    def __init__(self, state):
        self.state = state

    # --- user and calendar -----------------------------------------------------------------

    def me(self, request):
        mailbox, _ = caller(self.state, request)
        given, _, surname = mailbox.display_name.partition(" ")
        return Response.json(200, {
            "@odata.context": context_url(request, "users/$entity"),
            "businessPhones": [], "displayName": mailbox.display_name, "givenName": given,
            "jobTitle": None, "mail": mailbox.email, "mobilePhone": None,
            "officeLocation": None, "preferredLanguage": "en-US", "surname": surname or None,
            "userPrincipalName": mailbox.email, "id": mailbox.oid})

    def _calendar(self, mailbox):
        return {"id": f"AAMkA{mailbox.oid.replace('-', '')}AAA=", "name": "Calendar",
                "color": "auto", "hexColor": "", "isDefaultCalendar": True,
                "changeKey": "DxYSthXJXEWwAQSYQnXvIgAAAAAAAA==", "canShare": True,
                "canViewPrivateItems": True, "canEdit": True,
                "allowedOnlineMeetingProviders": ["teamsForBusiness"],
                "defaultOnlineMeetingProvider": "teamsForBusiness",
                "isTallyingResponses": True, "isRemovable": False,
                "owner": {"name": mailbox.display_name, "address": mailbox.email}}

    def calendar(self, request):
        mailbox, _ = caller(self.state, request)
        return Response.json(200, {"@odata.context": context_url(request, "users/calendar"),
                                   **self._calendar(mailbox)})

    def calendars(self, request):
        mailbox, _ = caller(self.state, request)
        return Response.json(200, {"@odata.context": context_url(request, "users/calendars"),
                                   "value": [self._calendar(mailbox)]})

    # --- events ----------------------------------------------------------------------------

    def list_events(self, request):
        mailbox, _ = caller(self.state, request)
        options, applied = render_options(request)
        events = [mailbox.events[core] for core in mailbox.order if core in mailbox.events]
        if "$filter" in request.query:
            events = _filtered(events, request.query["$filter"])
        items = [render_event(event, options) for event in events]
        return paged(request, items, DEFAULT_PAGE, "users/events", applied)

    def create_event(self, request):
        mailbox, _ = caller(self.state, request)
        options, applied = render_options(request)
        event = calendar_actions.create(self.state, mailbox, request.json())
        body = {"@odata.context": context_url(request, "users/events/$entity"),
                **render_event(event, options)}
        return Response.json(201, body, applied_header(applied))

    def get_event(self, request):
        mailbox, _ = caller(self.state, request)
        options, applied = render_options(request)
        event, instance = calendar_store.resolve(mailbox, request.params["id"])
        shaped = render_instance(instance, options) if instance else render_event(event,
                                                                                  options)
        body = {"@odata.context": context_url(request, "users/events/$entity"), **shaped}
        return Response.json(200, body, applied_header(applied))

    def update_event(self, request):
        mailbox, _ = caller(self.state, request)
        options, applied = render_options(request)
        event, instance = calendar_actions.update(
            self.state, mailbox, request.params["id"], request.json(),
            if_match=request.headers.get("if-match"))
        shaped = render_instance(instance, options) if instance else render_event(event,
                                                                                  options)
        body = {"@odata.context": context_url(request, "users/events/$entity"), **shaped}
        return Response.json(200, body, applied_header(applied))

    def delete_event(self, request):
        mailbox, _ = caller(self.state, request)
        calendar_actions.delete(self.state, mailbox, request.params["id"])
        return Response.empty(204)

    def responder(self, action):
        def respond(request):
            mailbox, _ = caller(self.state, request)
            body = request.json()
            send = body.get("sendResponse", True)
            if not isinstance(send, bool) or not isinstance(body.get("comment", ""), str):
                raise bad_request("sendResponse must be true or false and comment a string.")
            calendar_actions.respond(self.state, mailbox, request.params["id"], action, send)
            return Response.empty(202)
        return respond

    def instances(self, request):
        mailbox, _ = caller(self.state, request)
        options, applied = render_options(request)
        start, end = window(request)
        event, instance = calendar_store.resolve(mailbox, request.params["id"])
        found = [] if instance or event.kind != "seriesMaster" else calendar_store.expand(
            event, start, end)
        items = [render_instance(item, options) for item in found]
        return paged(request, items, DEFAULT_PAGE, "users/events/instances", applied)

    # --- calendarView ----------------------------------------------------------------------

    def calendar_view(self, request):
        mailbox, _ = caller(self.state, request)
        options, applied = render_options(request)
        start, end = window(request)
        rows = []
        for core in mailbox.order:
            event = mailbox.events.get(core)
            units = calendar_store.in_window(event, start, end) if event else None
            if units is None:
                continue
            if event.kind == "singleInstance":
                rows.append((event.start, render_event(event, options)))
            rows.extend((item.start, render_instance(item, options)) for item in units)
        rows.sort(key=lambda row: row[0])
        return paged(request, [shaped for _, shaped in rows], DEFAULT_PAGE,
                     "users/calendarView", applied)

    def delta(self, request):
        mailbox, _ = caller(self.state, request)
        options, applied = render_options(request)
        options.select = ()                       # $select is not supported on delta
        round_state = self._delta_state(request, mailbox)
        wanted = prefs(request)
        size = preferences.page_size(wanted, DEFAULT_DELTA_PAGE)
        with paused_collection():
            items, following = calendar_delta.read_page(mailbox, round_state, size, options,
                                                         self.state.options)
        body = {"@odata.context": context_url(request, "Collection(event)"), "value": items}
        if following is not None:
            token = mailbox.tokens.issue(following)
            body["@odata.nextLink"] = url_with_query(request.base_url, request.path,
                                                     {"$skiptoken": token})
        else:
            token = mailbox.tokens.issue(calendar_delta.next_round(round_state))
            body["@odata.deltaLink"] = url_with_query(request.base_url, request.path,
                                                      {"$deltatoken": token})
        applied = ["odata.track-changes", *applied]
        if "odata.maxpagesize" in wanted:
            applied.append(f"odata.maxpagesize={size}")
        with paused_collection():
            return Response.json(200, body, applied_header(applied))

    def _delta_state(self, request, mailbox):
        token = request.query.get("$skiptoken") or request.query.get("$deltatoken")
        if not token:
            return calendar_delta.first_round(mailbox, window(request))
        found = mailbox.tokens.get(token)
        if not isinstance(found, calendar_delta.DeltaState):
            raise _sync_state_not_found(request, mailbox.tokens.gone_state(token))
        if "$deltatoken" in request.query:
            found = calendar_delta.begin_changes(mailbox, found, self.state.options,
                                                 self.state.seed)
        return found


def _sync_state_not_found(request, gone):
    """The 410 the live service answers (code "SyncStateNotFound") for a dead token."""
    headers = {}
    if gone is not None:
        start, end = gone.window
        headers["Location"] = url_with_query(request.base_url, request.path, {
            "startDateTime": timezones.short_timestamp(start),
            "endDateTime": timezones.short_timestamp(end)})
    return GraphError(410, "SyncStateNotFound",
                      "The sync state generation is not found. The delta token has expired: "
                      "start a new full synchronization without a token.", headers)


def _filtered(events, expression):
    match = _FILTER.match(expression)
    if not match or match.group(1).lower() not in FILTERABLE:
        raise GraphError(400, "ErrorInvalidUrlQueryFilter",
                         "The query filter contains one or more invalid nodes: only "
                         "iCalUId, transactionId, subject or type eq '...' is understood.")
    name, value = FILTERABLE[match.group(1).lower()], match.group(2).replace("''", "'")
    if name == "type":
        return [e for e in events if e.kind == value]
    return [e for e in events if (e.fields.get(name) or "") == value]
