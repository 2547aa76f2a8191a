"""Reading event JSON sent by a client: validation and normalization, as Graph does it.

Unknown properties are refused like Graph's OData reader does; read-only properties
clients often echo back (id, changeKey, ...) are ignored.
"""

from datetime import UTC, time

from . import recurrence_expansion, timezones
from .errors import GraphError

WRITABLE = {
    "subject", "body", "start", "end", "isAllDay", "location", "locations", "attendees",
    "categories", "importance", "sensitivity", "showAs", "isReminderOn",
    "reminderMinutesBeforeStart", "responseRequested", "recurrence", "transactionId",
    "isOnlineMeeting", "onlineMeetingProvider", "allowNewTimeProposals", "hideAttendees",
    "organizer", "isDraft", "isCancelled",
}
READ_ONLY = {
    "id", "changeKey", "createdDateTime", "lastModifiedDateTime", "iCalUId", "uid", "type",
    "seriesMasterId", "webLink", "bodyPreview", "hasAttachments", "isOrganizer",
    "originalStartTimeZone", "originalEndTimeZone", "originalStart", "onlineMeetingUrl",
    "onlineMeeting", "responseStatus", "occurrenceId",
}
ENUMS = {
    "importance": ("low", "normal", "high"),
    "sensitivity": ("normal", "personal", "private", "confidential"),
    "showAs": ("free", "tentative", "busy", "oof", "workingElsewhere", "unknown"),
    "onlineMeetingProvider": ("unknown", "teamsForBusiness", "skypeForBusiness",
                              "skypeForConsumer"),
}
ATTENDEE_TYPES = ("required", "optional", "resource")


def _invalid(message, code="ErrorInvalidRequest"):
    return GraphError(400, code, message)


def check_properties(payload):
    for name in payload:
        if name.startswith("@") or name in WRITABLE or name in READ_ONLY:
            continue
        raise GraphError(400, "RequestBodyRead",
                         f"The property '{name}' does not exist on type "
                         "'microsoft.graph.event'. Make sure to only use property names "
                         "that are defined by the type or mark the type as open type.")


def normalize_fields(payload):
    """The plain (non time) properties of a payload, checked and completed."""
    fields = {}
    for name in ("subject", "transactionId"):
        if name in payload:
            fields[name] = _string(payload[name], name)
    for name in ("isReminderOn", "responseRequested", "isOnlineMeeting",
                 "allowNewTimeProposals", "hideAttendees", "isAllDay"):
        if name in payload:
            fields[name] = _boolean(payload[name], name)
    for name, allowed in ENUMS.items():
        if name in payload:
            fields[name] = _enum(payload[name], name, allowed)
    if "reminderMinutesBeforeStart" in payload:
        value = payload["reminderMinutesBeforeStart"]
        if not isinstance(value, int) or isinstance(value, bool) or value < 0:
            raise _invalid("reminderMinutesBeforeStart must be a positive whole number.")
        fields["reminderMinutesBeforeStart"] = value
    if "categories" in payload:
        value = payload["categories"]
        if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
            raise _invalid("categories must be a list of strings.")
        fields["categories"] = list(value)
    if "body" in payload:
        fields["body"] = _body(payload["body"])
    if "location" in payload:
        fields["location"] = _location(payload["location"])
    if "locations" in payload:
        if not isinstance(payload["locations"], list):
            raise _invalid("locations must be a list of locations.")
        fields["locations"] = [_location(item) for item in payload["locations"]]
    if "attendees" in payload:
        fields["attendees"] = _attendees(payload["attendees"])
    if "recurrence" in payload:
        value = payload["recurrence"]
        fields["recurrence"] = None if value is None else recurrence_expansion.normalize(value)
    return fields


def _string(value, name):
    if value is not None and not isinstance(value, str):
        raise _invalid(f"{name} must be a string.")
    return value


def _boolean(value, name):
    if not isinstance(value, bool):
        raise _invalid(f"{name} must be true or false.")
    return value


def _enum(value, name, allowed):
    match = {option.lower(): option for option in allowed}.get(str(value).lower())
    if match is None:
        raise GraphError(400, "RequestBodyRead",
                         f"Requested value '{value}' was not found for {name}; "
                         f"use one of {', '.join(allowed)}.")
    return match


def _body(value):
    if not isinstance(value, dict):
        raise _invalid("body must be an object with contentType and content.")
    kind = str(value.get("contentType") or "text").lower()
    if kind not in ("text", "html"):
        raise GraphError(400, "RequestBodyRead", "body.contentType must be text or html.")
    content = value.get("content") or ""
    if not isinstance(content, str):
        raise _invalid("body.content must be a string.")
    return {"contentType": kind, "content": content}


def _location(value):
    if value is None:
        return {"displayName": ""}
    if not isinstance(value, dict):
        raise _invalid("location must be an object with a displayName.")
    location = {"displayName": _string(value.get("displayName") or "", "displayName")}
    for key in ("locationType", "locationUri", "uniqueId", "uniqueIdType", "locationEmailAddress",
                "address", "coordinates"):
        if key in value:
            location[key] = value[key]
    return location


def _attendees(value):
    if not isinstance(value, list):
        raise _invalid("attendees must be a list.")
    attendees, seen = [], set()
    for item in value:
        email = (item or {}).get("emailAddress") if isinstance(item, dict) else None
        address = (email or {}).get("address") if isinstance(email, dict) else None
        if not isinstance(address, str) or "@" not in address:
            raise GraphError(400, "ErrorInvalidRecipients",
                             "At least one recipient isn't valid: each attendee needs an "
                             "emailAddress with an address.")
        kind = _enum(item.get("type") or "required", "attendee type", ATTENDEE_TYPES)
        if address.lower() in seen:
            continue
        seen.add(address.lower())
        status = item.get("status") or {}
        attendees.append({
            "type": kind,
            "status": {"response": status.get("response") or "none",
                       "time": status.get("time") or timezones.NULL_DATE},
            "emailAddress": {"name": email.get("name") or address, "address": address},
        })
    return attendees


def read_times(payload, current=None):
    """(start UTC, end UTC, start zone, end zone, all day) from start/end/isAllDay.

    `current` holds the stored values used when a PATCH leaves some of them out.
    """
    all_day = payload.get("isAllDay", current["isAllDay"] if current else False)
    start_tz, start = _read_point(payload, "start", current, all_day)
    end_tz, end = _read_point(payload, "end", current, all_day)
    if end < start:
        raise GraphError(400, "ErrorInvalidRequest",
                         "The end time must be later than the start time: check start and "
                         "end.")
    if all_day and (_not_midnight(start) or _not_midnight(end) or end == start):
        raise GraphError(400, "ErrorInvalidRequest",
                         "Your request can't be completed. If you make an event an all-day "
                         "event, you have to set its start and end times to midnight, and "
                         "the end at least one day after the start.")
    return start, end, start_tz, end_tz, all_day


def _read_point(payload, name, current, all_day):
    value = payload.get(name)
    if value is None:
        if current is None:
            raise _invalid(f"The event needs a {name}: an object with dateTime and timeZone.")
        return current[f"{name}_tz"], current[name]
    if not isinstance(value, dict) or not value.get("dateTime"):
        raise _invalid(f"{name} must be an object with dateTime and timeZone.")
    tz_name = value.get("timeZone") or "UTC"
    if all_day:
        # All-day times are wall-clock midnights, stored floating.
        timezones.zone(tz_name)
        naive, _offset = timezones.parse_local(value["dateTime"])
        return tz_name, naive.replace(tzinfo=UTC)
    return tz_name, timezones.to_utc(value["dateTime"], tz_name)


def _not_midnight(value):
    return value.time() != time.min

