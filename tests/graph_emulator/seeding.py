"""Filling a mailbox with many events quickly, without mailing anyone."""

import random
from datetime import UTC, datetime, timedelta

from . import calendar_store, meetings, recurrence_expansion
from .event_model import Event
from .gc_pause import paused_collection

DEFAULT_MIX = {"single": 0.7, "allday": 0.1, "weekly": 0.1, "attendees": 0.1}
DAYS = recurrence_expansion.DAYS


def seed(state, mailbox, count, mix=None, start=None, span_days=365):
    """Create `count` events spread over [start, start + span_days): single timed events,
    all-day events, weekly series of 10 occurrences and meetings with 3 attendees."""
    mix = mix or DEFAULT_MIX
    kinds, weights = list(mix), list(mix.values())
    rng = random.Random(f"{state.seed}|{mailbox.email}|{count}|{state.created_no}")
    first_day = _first_day(state, start)
    with paused_collection():
        for number in range(1, count + 1):
            kind = rng.choices(kinds, weights)[0]
            day = first_day + timedelta(days=rng.randrange(span_days))
            event = _event(state, mailbox, kind, day, rng, number)
            calendar_store.insert(state, mailbox, event)
            if kind == "attendees":
                meetings.announce_new(state, mailbox, event, count_mail=False)
    return count


def _first_day(state, start):
    if start is None:
        start = state.now() - timedelta(days=30)
    if isinstance(start, str):
        start = datetime.fromisoformat(start)
    if start.tzinfo is None:
        start = start.replace(tzinfo=UTC)
    return start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)


def _event(state, mailbox, kind, day, rng, number):
    core, created_no = state.ids.core("event"), state.next_created_no()
    fields = calendar_store.default_fields(mailbox)
    fields.update(subject=f"Seeded {kind} event #{number}", originalStartTimeZone="UTC",
                  originalEndTimeZone="UTC",
                  iCalUId=calendar_store.new_ical_uid(core, created_no))
    if kind == "allday":
        fields.update(isAllDay=True, showAs="free")
        start, end = day, day + timedelta(days=1)
    else:
        start = day + timedelta(hours=rng.randrange(7, 18), minutes=rng.choice((0, 30)))
        end = start + timedelta(minutes=rng.choice((30, 60, 90)))
    if kind == "attendees":
        fields["attendees"] = [_attendee(f"guest{number}.{k}@example.net") for k in (1, 2, 3)]
    now = state.now()
    event = Event(core=core, kind="singleInstance", fields=fields, start=start, end=end,
                  created=now, modified=now, change_key=state.ids.change_key(),
                  created_no=created_no)
    if kind == "weekly":
        fields["recurrence"] = recurrence_expansion.normalize({
            "pattern": {"type": "weekly", "interval": 1,
                        "daysOfWeek": [DAYS[start.weekday()]]},
            "range": {"type": "numbered", "startDate": start.date().isoformat(),
                      "numberOfOccurrences": 10}})
        calendar_store.make_series(event)
    return event


def _attendee(address):
    return {"type": "required", "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
            "emailAddress": {"name": address.split("@")[0], "address": address}}
