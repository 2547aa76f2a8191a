"""Graph events <-> neutral EventValues.

``from_graph`` reads an event as Graph returns it (ideally with
``Prefer: outlook.timezone="UTC"``, but any zone works); ``to_graph`` and ``graph_patch``
write the payloads for creating and updating one. The vocabulary decisions (what collapses
into what) are listed in ``event_values``.
"""

import html
from dataclasses import replace
from datetime import date, datetime, time, timedelta

import pytz

from . import recurrence as recurrences
from .event_values import (
    PRIVACY,
    SHOW_AS,
    Attendee,
    EventValues,
    MappingError,
    sorted_attendees,
)
from .html_body import body_to_html
from .i18n import Text, _lt
from .timezones import graph_time_zone, to_iana, tzinfo

__all__ = [
    "MappingError", "from_graph", "graph_instant", "graph_patch", "respond_action",
    "response_to_graph", "response_to_odoo", "same_email", "to_graph", "without_invitations",
]

_RESPONSES_TO_ODOO = {
    "none": "needsAction",
    "notresponded": "needsAction",
    "organizer": "accepted",
    "accepted": "accepted",
    "tentativelyaccepted": "tentative",
    "declined": "declined",
}
_RESPONSES_TO_GRAPH = {
    "needsAction": "notResponded",
    "accepted": "accepted",
    "tentative": "tentativelyAccepted",
    "declined": "declined",
}
# Graph's answer actions (POST /me/events/{id}/accept ...) for an Odoo response.
_RESPOND_ACTIONS = {"accepted": "accept", "tentative": "tentativelyAccept", "declined": "decline"}
_SENSITIVITY_TO_ODOO = {
    "normal": "public", "personal": "private", "private": "private",
    "confidential": "confidential",
}
_PRIVACY_TO_SENSITIVITY = {
    None: "normal", "public": "normal", "private": "private", "confidential": "confidential",
}
# Graph properties that must travel together in a PATCH.
_PATCH_GROUPS = (
    ("start", "end", "isAllDay"),
    ("isReminderOn", "reminderMinutesBeforeStart"),
)


def response_to_odoo(graph_response):
    """Odoo's attendee state for a Graph response status (unknown values: needsAction)."""
    return _RESPONSES_TO_ODOO.get((graph_response or "none").lower(), "needsAction")


def response_to_graph(odoo_response):
    """Graph's response status for an Odoo attendee state."""
    return _RESPONSES_TO_GRAPH.get(odoo_response, "notResponded")


def respond_action(odoo_response):
    """The Graph answer action ("accept", "decline", "tentativelyAccept") or None."""
    return _RESPOND_ACTIONS.get(odoo_response)


def same_email(first, second):
    """Whether two e-mail addresses are the same mailbox (case-insensitive)."""
    return (first or "").strip().lower() == (second or "").strip().lower()


# ---------------------------------------------------------------- Graph -> neutral


def from_graph(event, *, owner_email=None):
    """Neutral values of a Graph event.

    ``owner_email`` is the mailbox the event was read from: when that person is an invitee,
    their own answer (Graph's ``responseStatus``) is set on their attendee entry.
    Raises MappingError naming the event when the payload cannot be read.
    """
    if not isinstance(event, dict):
        raise MappingError(Text(_lt("An Outlook event could not be read: Outlook sent no "
                                    "event data.")))
    try:
        return _from_graph(event, owner_email)
    except MappingError as error:
        raise MappingError(_unreadable(event, error.user_text)) from None
    except (AttributeError, TypeError, ValueError):
        # A property of an unexpected type (a string where Graph documents an object...).
        raise MappingError(_unreadable(event, Text(_lt(
            "Outlook sent it in an unexpected shape. Open it in Outlook and save it again; if "
            "this persists, tell your administrator.")))) from None


def _unreadable(event, problem):
    """The sentence naming the event that could not be read, and why."""
    subject = event.get("subject")
    if subject and isinstance(subject, str):
        return Text(_lt('The Outlook event "%(subject)s" could not be read: %(problem)s'),
                    subject=subject, problem=problem)
    return Text(_lt("An Outlook event without a subject (id %(id)s) could not be read: "
                    "%(problem)s"), id=str(event.get("id") or "?"), problem=problem)


def _from_graph(event, owner_email):
    all_day = bool(event.get("isAllDay"))
    zone = _event_zone(event)
    start = _read_time(event.get("start"), "start", all_day, zone)
    end = _read_time(event.get("end"), "end", all_day, zone)
    if all_day:
        end = max(start, end - timedelta(days=1))  # Graph's end is exclusive
    elif end < start:
        raise MappingError(Text(_lt("it ends before it starts. Fix its times in Outlook.")))
    organizer = (event.get("organizer") or {}).get("emailAddress") or {}
    organizer_email = (organizer.get("address") or "").strip().lower()
    recurrence = event.get("recurrence")
    return EventValues(
        subject=event.get("subject") or "",
        body_html=body_to_html(event.get("body")),
        all_day=all_day,
        start=start,
        end=end,
        timezone=zone,
        location=((event.get("location") or {}).get("displayName") or "").strip(),
        show_as="free" if (event.get("showAs") or "").lower() == "free" else "busy",
        privacy=_SENSITIVITY_TO_ODOO.get((event.get("sensitivity") or "").lower()),
        reminder_minutes=_reminder(event),
        attendees=_attendees(event, organizer_email, owner_email),
        organizer_email=organizer_email,
        organizer_name=organizer.get("name") or "",
        online_meeting_url=_online_meeting_url(event),
        recurrence=recurrences.from_graph(recurrence) if recurrence else None,
        series_master_id=event.get("seriesMasterId") or None,
        original_start=_original_start(event, all_day, zone),
        is_cancelled=bool(event.get("isCancelled")),
        is_organizer=event.get("isOrganizer") is not False,
        own_response=_own_response(event),
    )


def _event_zone(event):
    """The event's own zone: where it was created, else the zone its times are written in.

    Outlook's custom zones ("Customized Time Zone") have no IANA name; the times stay exact,
    only the zone shown in Odoo falls back.
    """
    for name in (event.get("originalStartTimeZone"), (event.get("start") or {}).get("timeZone")):
        try:
            return to_iana(name)
        except MappingError:
            continue
    return "UTC"


# Whole sentences for each time of an event, so that each language words them its own way.
_MISSING_TIME = {
    "start": _lt("it has no start time. Open it in Outlook and set one."),
    "end": _lt("it has no end time. Open it in Outlook and set one."),
}
_INVALID_TIME = {
    "start": _lt('its start time "%(value)s" is not a valid date and time. Open it in Outlook, '
                 "correct it and save."),
    "end": _lt('its end time "%(value)s" is not a valid date and time. Open it in Outlook, '
               "correct it and save."),
    "original start": _lt('the original start time "%(value)s" of this occurrence is not a '
                          "valid date and time. Open the series in Outlook and save it again."),
}


def _read_time(value, what, all_day, event_zone):
    """A Graph dateTimeTimeZone as an aware UTC datetime, or a date for all-day events."""
    if not isinstance(value, dict) or not value.get("dateTime"):
        raise MappingError(Text(_MISSING_TIME[what]))
    text = value["dateTime"]
    moment = graph_instant(text, value.get("timeZone") or "UTC")
    if moment is None:
        raise MappingError(Text(_INVALID_TIME[what], value=str(text)))
    if not all_day:
        return moment.astimezone(pytz.utc)
    if moment.time() == time(0, 0):
        return moment.date()  # all-day dates are floating: midnight in whatever zone
    # An all-day event converted to another zone: its date is the one in its own zone.
    return moment.astimezone(tzinfo(event_zone)).date()


def graph_instant(text, zone="UTC"):
    """A time as Graph writes it ("2025-01-06T09:00:00.0000000", with "Z" or an offset, or
    naive in ``zone``) as an aware datetime; None when it is not a time."""
    if not isinstance(text, str):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    if moment.tzinfo is None:
        return tzinfo(zone).localize(moment)
    return moment


# Outlook offers reminders up to a few weeks ahead; a year is already far beyond.
MAX_REMINDER_MINUTES = 366 * 24 * 60


def _reminder(event):
    if not event.get("isReminderOn"):
        return None
    minutes = int(event.get("reminderMinutesBeforeStart") or 0)
    if not 0 <= minutes <= MAX_REMINDER_MINUTES:
        raise MappingError(Text(_lt("its reminder (%(minutes)s minutes before) is out of "
                                    "range. Set a shorter reminder in Outlook."),
                                minutes=minutes))
    return minutes


def _attendees(event, organizer_email, owner_email):
    owner = (owner_email or "").strip().lower()
    own_answer = (event.get("responseStatus") or {}).get("response")
    attendees = []
    for item in event.get("attendees") or ():
        address = ((item or {}).get("emailAddress") or {})
        email = (address.get("address") or "").strip().lower()
        if not email or email == organizer_email:
            continue
        response = ((item.get("status") or {}).get("response"))
        if email == owner and own_answer and own_answer != "organizer":
            response = own_answer  # an invitee's copy holds their answer here
        attendees.append(Attendee(email, address.get("name") or "", response_to_odoo(response)))
    return sorted_attendees(attendees)


def _own_response(event):
    """The mailbox's own answer, when its copy is an invitation (None for the organizer)."""
    answer = (event.get("responseStatus") or {}).get("response")
    if event.get("isOrganizer") is not False or not answer:
        return None
    return response_to_odoo(answer)


def _online_meeting_url(event):
    join_url = (event.get("onlineMeeting") or {}).get("joinUrl")
    return join_url or event.get("onlineMeetingUrl") or ""


def _original_start(event, all_day, zone):
    text = event.get("originalStart")
    if not text:
        return None
    return _read_time({"dateTime": text, "timeZone": "UTC"}, "original start", all_day, zone)


# ---------------------------------------------------------------- neutral -> Graph


def to_graph(values, *, include_attendees=True):
    """The payload for POST /me/events (or a series master) from neutral values."""
    _check_writable(values)
    zone_name = graph_time_zone(values.timezone)
    start, end = _write_times(values)
    payload = {
        "subject": values.subject,
        "body": {"contentType": "html", "content": values.body_html},
        "isAllDay": values.all_day,
        "start": {"dateTime": start, "timeZone": zone_name},
        "end": {"dateTime": end, "timeZone": zone_name},
        "location": {"displayName": values.location},
        "showAs": values.show_as,
        "sensitivity": _PRIVACY_TO_SENSITIVITY[values.privacy],
        "isReminderOn": values.reminder_minutes is not None,
    }
    if values.reminder_minutes is not None:
        payload["reminderMinutesBeforeStart"] = values.reminder_minutes
    if include_attendees:
        payload["attendees"] = [_write_attendee(attendee) for attendee in values.attendees]
    if values.recurrence is not None:
        payload["recurrence"] = recurrences.to_graph(values.recurrence, values.timezone)
    return payload


def without_invitations(values, label):
    """The event as sent to Outlook when its attendees must not be invited: no attendee list
    (Outlook mails whoever is on it); the list is written at the end of the body instead,
    under ``label``, so that the organizer still sees who comes."""
    if not values.attendees:
        return values
    people = ", ".join(html.escape(f"{a.name} <{a.email}>" if a.name else a.email)
                       for a in values.attendees)
    body = f"{values.body_html}<p>{html.escape(label)}: {people}</p>"
    return replace(values, attendees=(), body_html=body)


def _check_writable(values):
    if values.show_as not in SHOW_AS:
        raise MappingError(Text(_lt(
            'The event "%(subject)s" has an availability Outlook does not know (%(value)s). '
            'Set "Show as" to Available or Busy and save it again.'),
            subject=values.subject, value=str(values.show_as)))
    if values.privacy is not None and values.privacy not in PRIVACY:
        raise MappingError(Text(_lt(
            'The event "%(subject)s" has a privacy setting Outlook does not know (%(value)s). '
            'Set "Privacy" to Public, Private or Only internal users and save it again.'),
            subject=values.subject, value=str(values.privacy)))
    timed = isinstance(values.start, datetime) and isinstance(values.end, datetime)
    naive = timed and (values.start.tzinfo is None or values.end.tzinfo is None)
    if values.all_day == timed or naive:
        raise MappingError(Text(_lt(
            'The event "%(subject)s" has start and end values that do not match its all-day '
            "setting. Open it, check its dates and save it again."), subject=values.subject))


def _write_times(values):
    """Start and end as local "YYYY-MM-DDTHH:MM:SS" in the event's own zone."""
    if values.all_day:
        # Graph's all-day end is the midnight after the last day.
        last_day = values.end if isinstance(values.end, date) else values.start
        return _midnight(values.start), _midnight(last_day + timedelta(days=1))
    zone = tzinfo(values.timezone)
    return tuple(
        moment.astimezone(zone).replace(tzinfo=None).isoformat(timespec="seconds")
        for moment in (values.start, values.end)
    )


def _midnight(day):
    return datetime.combine(day, time(0, 0)).isoformat(timespec="seconds")


def _write_attendee(attendee):
    return {
        "emailAddress": {"address": attendee.email, "name": attendee.name},
        "type": "required",
    }


def graph_patch(old, new):
    """Only the Graph properties that differ between ``old`` and ``new`` (all when old is None).

    The attendee list is sent only when its set of addresses changed: Outlook mails every
    attendee whenever it receives the list, and answers or display names cannot be written
    by the organizer anyway.
    """
    payload = to_graph(new)
    if old is None:
        return payload
    before = to_graph(old)
    changed = {key for key, value in payload.items() if before.get(key) != value}
    changed |= {key for key in before if key not in payload}
    changed.discard("attendees")
    if {attendee.email for attendee in old.attendees} != {a.email for a in new.attendees}:
        changed.add("attendees")
    for group in _PATCH_GROUPS:
        if changed & set(group):
            changed |= set(group)
    patch = {key: payload[key] for key in payload if key in changed}
    if "recurrence" in changed and "recurrence" not in payload:
        patch["recurrence"] = None  # the series became a single event
    return patch
