"""Events of a mailbox: building, storing, expanding series, finding by id.

Functions here change one mailbox and log the change; what Outlook does around a change
(mail, attendee copies) lives in meetings.py and calendar_actions.py.
"""

import base64
import bisect
import copy
from datetime import UTC, timedelta

from . import event_payload, recurrence_expansion, timezones
from .errors import GraphError, not_found
from .event_model import Event, Instance
from .event_render import GOID_PREFIX
from .ids import parse_event_id

SHARED_FIELDS = (
    "subject", "body", "location", "locations", "attendees", "importance", "sensitivity",
    "isAllDay", "recurrence", "isOnlineMeeting", "onlineMeetingProvider",
    "allowNewTimeProposals", "hideAttendees", "originalStartTimeZone", "originalEndTimeZone",
    "responseRequested", "organizer",
)


def default_fields(mailbox):
    return {
        "subject": "", "body": {"contentType": "html", "content": ""}, "categories": [],
        "importance": "normal", "sensitivity": "normal", "showAs": "busy",
        "isReminderOn": True, "reminderMinutesBeforeStart": 15, "responseRequested": True,
        "isOnlineMeeting": False, "onlineMeetingProvider": "unknown",
        "allowNewTimeProposals": True, "hideAttendees": False, "isCancelled": False,
        "isAllDay": False, "location": {"displayName": ""}, "locations": [], "attendees": [],
        "recurrence": None, "transactionId": None, "isOrganizer": True,
        "responseStatus": {"response": "organizer", "time": timezones.NULL_DATE},
        "organizer": {"emailAddress": {"name": mailbox.display_name,
                                       "address": mailbox.email}},
    }


def new_ical_uid(core, created_no):
    """An Exchange-style global object id: fixed prefix, date bytes, stamp, unique part."""
    unique = base64.urlsafe_b64decode(core[:32]).hex().upper()[:32]
    return f"{GOID_PREFIX}00000000{created_no:016X}{'0' * 16}10000000{unique}"


def build_event(state, mailbox, payload):
    """A new top-level event from a client payload, not stored yet."""
    event_payload.check_properties(payload)
    fields = default_fields(mailbox)
    fields.update(event_payload.normalize_fields(payload))
    _pair_locations(fields, payload)
    start, end, start_tz, end_tz, all_day = event_payload.read_times(payload)
    core, created_no, now = state.ids.core("event"), state.next_created_no(), state.now()
    fields.update(isAllDay=all_day, originalStartTimeZone=start_tz, originalEndTimeZone=end_tz,
                  iCalUId=new_ical_uid(core, created_no))
    event = Event(core=core, kind="singleInstance", fields=fields, start=start, end=end,
                  created=now, modified=now, change_key=state.ids.change_key(),
                  created_no=created_no)
    if fields["recurrence"]:
        make_series(event)
    return event


def _pair_locations(fields, payload):
    """Graph keeps location and locations in step: setting one rewrites the other."""
    if "location" in payload and "locations" not in payload:
        name = fields["location"].get("displayName")
        fields["locations"] = [dict(fields["location"])] if name else []
    elif "locations" in payload and "location" not in payload:
        names = "; ".join(item.get("displayName", "") for item in fields["locations"])
        fields["location"] = {"displayName": names}


def series_zone(master):
    return UTC if master.is_all_day else timezones.zone(master.fields["originalStartTimeZone"])


def _wall_time(master):
    return master.start.astimezone(series_zone(master)).time().replace(tzinfo=None)


def make_series(event):
    """Turn an event with a recurrence into a series master starting on its first occurrence."""
    recurrence = event.fields["recurrence"]
    if not recurrence["range"]["recurrenceTimeZone"]:
        recurrence["range"]["recurrenceTimeZone"] = event.fields["originalStartTimeZone"]
    event.kind = "seriesMaster"
    length = event.end - event.start
    rule = recurrence_expansion.build_rule(recurrence, _wall_time(event))
    first = recurrence_expansion.first_start(rule)
    if first is None:
        raise GraphError(400, "ErrorPropertyValidationFailure",
                         "At least one property failed validation: recurrence. The "
                         "recurrence has no occurrence: check its range.")
    event.start = _to_utc(first, series_zone(event))
    event.end = event.start + length
    event.cache.clear()


def _to_utc(local, zone):
    return local.replace(tzinfo=zone).astimezone(UTC)


def _series(master):
    """(rule, zone, duration, UTC starts or None when endless), cached per version.

    A bounded series keeps the list of its original starts, so later windows are a
    binary search instead of a new expansion.
    """
    cached = master.cache.get("series")
    if cached and cached[0] == master.change_key:
        return cached[1]
    recurrence = master.fields["recurrence"]
    zone = series_zone(master)
    rule = recurrence_expansion.build_rule(recurrence, _wall_time(master))
    starts = None
    if recurrence["range"]["type"] != "noEnd":
        starts = [_to_utc(local, zone) for local in rule]
    value = (rule, zone, master.end - master.start, starts)
    master.cache["series"] = (master.change_key, value)
    return value


def _original_starts(master, low, high):
    """Original starts s of the series with low <= s < high."""
    rule, zone, _length, starts = _series(master)
    if starts is not None:
        return starts[bisect.bisect_left(starts, low):bisect.bisect_left(starts, high)]
    after = low.astimezone(zone).replace(tzinfo=None) - timedelta(days=1)
    before = high.astimezone(zone).replace(tzinfo=None) + timedelta(days=1)
    found = (_to_utc(local, zone)
             for local in recurrence_expansion.starts_between(rule, after, before))
    return [start for start in found if low <= start < high]


def overlaps(start, end, window_start, window_end):
    if start == end:
        return window_start <= start < window_end
    return start < window_end and end > window_start


def expand(master, window_start, window_end):
    """Occurrences and exceptions of a series overlapping the window, by start time."""
    length = _series(master)[2]
    instances = [Instance(master, original, exc.start, exc.end, exc)
                 for original, exc in master.exceptions.items()
                 if overlaps(exc.start, exc.end, window_start, window_end)]
    for original in _original_starts(master, window_start - length, window_end):
        if original in master.cancelled or original in master.exceptions:
            continue
        if overlaps(original, original + length, window_start, window_end):
            instances.append(Instance(master, original, original, original + length))
    instances.sort(key=lambda item: (item.start, item.original_start))
    return instances


def in_window(event, window_start, window_end):
    """None when the event has nothing in the window; else [] (single) or its instances."""
    if event.kind == "singleInstance":
        return [] if overlaps(event.start, event.end, window_start, window_end) else None
    return expand(event, window_start, window_end) or None


def find_occurrence(master, original_start):
    """The instance of a series that originally started at original_start, or None."""
    if master.kind != "seriesMaster" or original_start in master.cancelled:
        return None
    if original_start in master.exceptions:
        exc = master.exceptions[original_start]
        return Instance(master, original_start, exc.start, exc.end, exc)
    length = _series(master)[2]
    if _original_starts(master, original_start, original_start + timedelta(seconds=1)):
        return Instance(master, original_start, original_start, original_start + length)
    return None


def resolve(mailbox, ident):
    """(top-level event, instance or None) for any id form; GraphError 404 if unknown."""
    parsed = parse_event_id(ident or "")
    event = mailbox.events.get(parsed[0]) if parsed else None
    if event is None:
        raise not_found()
    if parsed[1] is None:
        return event, None
    instance = find_occurrence(event, parsed[1])
    if instance is None:
        raise not_found()
    return event, instance


# --- storing ---------------------------------------------------------------------------

def insert(state, mailbox, event):
    mailbox.events[event.core] = event
    mailbox.order.append(event.core)
    mailbox.by_ical[event.ical_uid] = event.core
    if event.fields.get("transactionId"):
        mailbox.by_transaction[event.fields["transactionId"]] = event.core
    mailbox.touch(event)
    track_series_changes(event)
    state.changed(mailbox, "created", ("events", event.core))


def save(state, mailbox, event, bump_modified=True):
    """Record a change: new changeKey, new position in the change log."""
    event.change_key = state.ids.change_key()
    if bump_modified:
        event.modified = state.now()
    event.cache.clear()
    mailbox.touch(event)
    track_series_changes(event)
    state.changed(mailbox, "updated", ("events", event.core))


def remove(state, mailbox, event):
    mailbox.events.pop(event.core, None)
    mailbox.by_ical.pop(event.ical_uid, None)
    transaction = event.fields.get("transactionId")
    mailbox.by_transaction.pop(transaction, None)
    if transaction:
        # Kept for the transaction_id_after_delete option: a retry may meet it again.
        mailbox.deleted_transactions[transaction] = event
    mailbox.log.record_delete(event.core)
    state.changed(mailbox, "deleted", ("events", event.core))


def track_series_changes(event):
    """Note what of a series changed at its new log position (event.seq): its own values,
    every instance (new times or pattern), or single instances (edited or deleted)."""
    if event.kind != "seriesMaster":
        event.shape = None
        return
    before, after, seq = event.shape, _series_shape(event), event.seq
    if before is None or before[0] != after[0]:
        event.master_seq = seq
    if before is None or before[1] != after[1]:
        event.all_seq = seq
    else:
        for original in _changed_instances(before, after):
            event.instance_seqs[original] = seq
    event.shape = after


def _series_shape(event):
    """(master values, series times and pattern, exception versions, deleted starts)."""
    return (repr((event.fields, event.start, event.end)),
            (event.start, event.end, repr(event.fields.get("recurrence"))),
            {original: exc.change_key for original, exc in event.exceptions.items()},
            frozenset(event.cancelled))


def _changed_instances(before, after):
    old, new = before[2], after[2]
    edited = {original for original in old.keys() | new.keys()
              if old.get(original) != new.get(original)}
    return edited | (before[3] ^ after[3])


def apply_patch(event, payload):
    """Apply a PATCH to a stored top-level event or exception; returns what changed."""
    event_payload.check_properties(payload)
    before = snapshot(event)
    changes = event_payload.normalize_fields(payload)
    if event.kind == "exception" and "recurrence" in changes:
        raise GraphError(400, "ErrorInvalidRequest",
                         "An occurrence of a series can't get its own recurrence.")
    event.fields.update(changes)
    _pair_locations(event.fields, payload)
    if {"start", "end", "isAllDay"} & set(payload):
        current = {"start": event.start, "end": event.end, "isAllDay": event.is_all_day,
                   "start_tz": event.fields["originalStartTimeZone"],
                   "end_tz": event.fields["originalEndTimeZone"]}
        start, end, start_tz, end_tz, all_day = event_payload.read_times(payload, current)
        event.start, event.end = start, end
        event.fields.update(isAllDay=all_day, originalStartTimeZone=start_tz,
                            originalEndTimeZone=end_tz)
    if event.kind != "exception":
        _apply_series_change(event, before)
    return diff(before, snapshot(event))


def _apply_series_change(event, before):
    """A new pattern or new series times drops every exception, as Outlook warns."""
    recurrence = event.fields.get("recurrence")
    if recurrence:
        if before["recurrence"] != recurrence or before["times"] != (event.start, event.end):
            event.exceptions.clear()
            event.cancelled.clear()
        make_series(event)
    elif event.kind == "seriesMaster":
        event.kind = "singleInstance"
        event.exceptions.clear()
        event.cancelled.clear()


def snapshot(event):
    fields = event.fields
    return {
        "times": (event.start, event.end),
        "location": (fields.get("location") or {}).get("displayName", ""),
        "recurrence": copy.deepcopy(fields.get("recurrence")),
        "attendees": event.attendee_addresses,
        "subject": fields.get("subject"),
    }


def diff(before, after):
    """What a meeting change means for attendees."""
    return {
        "schedule": any(before[k] != after[k] for k in ("times", "location", "recurrence")),
        "added": [a for a in after["attendees"] if a not in before["attendees"]],
        "removed": [a for a in before["attendees"] if a not in after["attendees"]],
    }


def make_exception(state, instance):
    """Materialize an occurrence as an exception so it can carry its own values."""
    master = instance.master
    if instance.exception:
        return instance.exception
    fields = copy.deepcopy(master.fields)
    fields["recurrence"] = None
    exc = Event(core=master.core, kind="exception", fields=fields, start=instance.start,
                end=instance.end, created=master.created, modified=state.now(),
                change_key=state.ids.change_key(), original_start=instance.original_start)
    master.exceptions[instance.original_start] = exc
    instance.exception = exc
    return exc


def copy_shared(source, target):
    """Copy what every attendee sees from an organizer's event onto a copy."""
    for name in SHARED_FIELDS:
        target.fields[name] = copy.deepcopy(source.fields.get(name))
    target.start, target.end = source.start, source.end
    target.kind = source.kind
