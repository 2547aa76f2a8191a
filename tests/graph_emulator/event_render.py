"""Writing events the way Graph returns them (property order included)."""

import html
import re
from dataclasses import dataclass

from . import timezones
from .ids import etag, event_id

GOID_PREFIX = "040000008200E00074C5B7101A82E008"
_BREAK = re.compile(r"<br\s*/?>|</(p|div|li|tr|h\d)>", re.IGNORECASE)
_HEAD = re.compile(r"<head>.*?</head>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
_BLANKS = re.compile(r"[ \t]+")


@dataclass
class RenderOptions:
    tz: str = "UTC"                 # Prefer: outlook.timezone
    immutable: bool = False         # Prefer: IdType="ImmutableId"
    body_type: str | None = None    # Prefer: outlook.body-content-type
    select: tuple = ()              # $select


def occurrence_ical_uid(ical_uid, original_start):
    """Exchange puts the occurrence date into bytes 16-19 of the global object id."""
    if not ical_uid.startswith(GOID_PREFIX) or len(ical_uid) < 40:
        return ical_uid
    day = original_start.date()
    return ical_uid[:32] + f"{day.year:04X}{day.month:02X}{day.day:02X}" + ical_uid[40:]


def html_body(body):
    if body["contentType"] == "html":
        content = body["content"]
        if content and not content.lstrip().lower().startswith("<html"):
            content = f"<html><head></head><body>{content}</body></html>"
        return content
    text = html.escape(body["content"]).replace("\n", "<br>")
    return f"<html><head></head><body>{text}</body></html>" if body["content"] else ""


def text_of(body):
    """The plain text of a body, line breaks kept where the HTML had blocks."""
    if body["contentType"] == "text" or not body["content"]:
        return body["content"]
    content = _BREAK.sub("\n", _HEAD.sub("", body["content"]))
    lines = (_BLANKS.sub(" ", line).strip() for line in html.unescape(_TAG.sub("", content))
             .split("\n"))
    return "\n".join(line for line in lines if line)


def _render_body(body, options):
    if options.body_type == "text":
        return {"contentType": "text", "content": text_of(body)}
    return {"contentType": "html", "content": html_body(body)}


def _location(value):
    name = value.get("displayName", "")
    if not name and len(value) <= 1:
        return {"displayName": "", "locationType": "default", "uniqueIdType": "unknown",
                "address": {}, "coordinates": {}}
    shaped = {"displayName": name, "locationType": value.get("locationType", "default"),
              "uniqueId": value.get("uniqueId", name), "uniqueIdType": "private"}
    for key in ("locationUri", "locationEmailAddress", "address", "coordinates"):
        if key in value:
            shaped[key] = value[key]
    return shaped


def _locations(values):
    return [{"displayName": v.get("displayName", ""), "locationType": "default",
             "uniqueIdType": "unknown", **{k: v[k] for k in ("address", "coordinates")
                                           if k in v}} for v in values]


def _online_meeting(fields, core):
    if not fields.get("isOnlineMeeting"):
        return None
    return {"joinUrl": f"https://teams.microsoft.com/l/meetup-join/19%3ameeting_{core[:24]}"}


_STAMPS = {}


def _stamp(value):
    """timezones.timestamp, remembered: many events share creation times (seeding, clock)."""
    text = _STAMPS.get(value)
    if text is None:
        if len(_STAMPS) > 4096:
            _STAMPS.clear()
        text = _STAMPS[value] = timezones.timestamp(value)
    return text


def _point(value, options, floating):
    return timezones.graph_datetime(value, options.tz, floating=floating)


def _common(fields, *, ident, change_key, created, modified, ical, kind, master_id,
            start, end, recurrence, options, core, original_start=None):
    """The full property list, in Graph's order."""
    floating = bool(fields.get("isAllDay"))
    body = fields["body"]
    shaped = {
        "@odata.etag": etag(change_key),
        "id": ident,
        "createdDateTime": _stamp(created),
        "lastModifiedDateTime": _stamp(modified),
        "changeKey": change_key,
        "categories": list(fields.get("categories", [])),
        "transactionId": fields.get("transactionId"),
        "originalStartTimeZone": fields["originalStartTimeZone"],
        "originalEndTimeZone": fields["originalEndTimeZone"],
        "iCalUId": ical,
        "reminderMinutesBeforeStart": fields["reminderMinutesBeforeStart"],
        "isReminderOn": fields["isReminderOn"],
        "hasAttachments": False,
        "subject": fields.get("subject") or "",
        "bodyPreview": _SPACE.sub(" ", text_of(body)).strip()[:255] if body["content"] else "",
        "importance": fields["importance"],
        "sensitivity": fields["sensitivity"],
        "isAllDay": floating,
        "isCancelled": fields.get("isCancelled", False),
        "isOrganizer": fields["isOrganizer"],
        "responseRequested": fields["responseRequested"],
        "seriesMasterId": master_id,
        "showAs": fields["showAs"],
        "type": kind,
        "webLink": "https://outlook.office365.com/owa/?itemid="
                   f"{ident.replace('=', '%3D')}&exvsurl=1&path=/calendar/item",
        "onlineMeetingUrl": None,
        "isOnlineMeeting": fields.get("isOnlineMeeting", False),
        "onlineMeetingProvider": fields.get("onlineMeetingProvider", "unknown"),
        "allowNewTimeProposals": fields.get("allowNewTimeProposals", True),
        "isDraft": False,
        "hideAttendees": fields.get("hideAttendees", False),
    }
    if original_start is not None:
        shaped["originalStart"] = timezones.short_timestamp(original_start)
    shaped.update({
        "responseStatus": dict(fields["responseStatus"]),
        "body": _render_body(body, options),
        "start": _point(start, options, floating),
        "end": _point(end, options, floating),
        "location": _location(fields.get("location") or {"displayName": ""}),
        "locations": _locations(fields.get("locations", [])),
        "recurrence": recurrence,
        "attendees": [dict(a, status=dict(a["status"]),
                           emailAddress=dict(a["emailAddress"]))
                      for a in fields.get("attendees", [])],
        "organizer": {"emailAddress": dict(fields["organizer"]["emailAddress"])},
        "onlineMeeting": _online_meeting(fields, core),
    })
    return _select(shaped, options.select)


def _select(shaped, select):
    if not select:
        return shaped
    keep = {name.lower() for name in select} | {"id", "@odata.etag"}
    return {k: v for k, v in shaped.items() if k.lower() in keep}


def render_event(event, options):
    """A singleInstance or seriesMaster."""
    recurrence = event.fields.get("recurrence")
    if recurrence:
        recurrence = {"pattern": dict(recurrence["pattern"]), "range": dict(recurrence["range"])}
    return _common(event.fields, ident=event_id(event.core, options.immutable),
                   change_key=event.change_key, created=event.created,
                   modified=event.modified, ical=event.ical_uid, kind=event.kind,
                   master_id=None, start=event.start, end=event.end,
                   recurrence=recurrence, options=options, core=event.core)


def instance_id(instance, options):
    return event_id(instance.master.core, options.immutable, instance.original_start)


def render_instance(instance, options):
    """An occurrence (values from its master) or an exception (its own values)."""
    master = instance.master
    source = instance.exception or master
    return _common(source.fields, ident=instance_id(instance, options),
                   change_key=source.change_key, created=source.created,
                   modified=source.modified,
                   ical=occurrence_ical_uid(master.ical_uid, instance.original_start),
                   kind=instance.kind, master_id=event_id(master.core, options.immutable),
                   start=instance.start, end=instance.end, recurrence=None,
                   options=options, core=master.core, original_start=instance.original_start)


def render_occurrence_stub(instance, options):
    """What calendarView/delta returns for a plain occurrence: ids and times only."""
    floating = instance.master.is_all_day
    return {
        "@odata.type": "#microsoft.graph.event",
        "@odata.etag": etag(instance.master.change_key),
        "seriesMasterId": event_id(instance.master.core, options.immutable),
        "type": "occurrence",
        "id": instance_id(instance, options),
        "start": _point(instance.start, options, floating),
        "end": _point(instance.end, options, floating),
    }


def render_removed(ident):
    return {"@odata.type": "#microsoft.graph.event", "id": ident,
            "@removed": {"reason": "deleted"}}


def with_type(shaped):
    return {"@odata.type": "#microsoft.graph.event", **shaped}
