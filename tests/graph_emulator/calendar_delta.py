"""calendarView delta rounds over a mailbox's change log.

What the live service does, and so does this:
- a round's first request carries startDateTime/endDateTime; the window is kept in the
  state token, later pages and rounds only carry $skiptoken / $deltatoken;
- single events and exceptions come in full, a series master in full, its plain
  occurrences as stubs (@odata.type, @odata.etag, id, seriesMasterId, type, start, end);
- a series is never split across pages, so a page can hold more than maxpagesize items;
- a later round returns the current state of what changed, and {"@removed": {"reason":
  "deleted"}} for deleted events and for changed events that are now outside the window;
- deleting one occurrence reports no @removed: the series comes again without it.
"""

from dataclasses import dataclass, replace

from . import calendar_store
from .event_render import (
    render_event,
    render_instance,
    render_occurrence_stub,
    render_removed,
    with_type,
)
from .ids import event_id


@dataclass(frozen=True)
class DeltaState:
    window: tuple           # (start, end) aware UTC datetimes
    phase: str              # "initial" (full sync pages) or "changes"
    cursor: int             # next index into mailbox.order or mailbox.log.keys
    upto: int               # last change sequence this round covers
    limit: int = 0          # initial phase: events created before the round began


def first_round(mailbox, window):
    return DeltaState(window, "initial", 0, mailbox.log.seq, len(mailbox.order))


def next_round(state):
    """The state a deltaLink holds: read changes after what this round covered."""
    return DeltaState(state.window, "changes", state.upto, state.upto)


def begin_changes(mailbox, state):
    """A deltaLink was followed: the new round covers changes up to now."""
    return replace(state, upto=mailbox.log.seq)


def read_page(mailbox, state, size, options):
    """(items, state of the next page or None when the round is complete)."""
    if state.phase == "initial":
        return _initial_page(mailbox, state, size, options)
    return _changes_page(mailbox, state, size, options)


def _initial_page(mailbox, state, size, options):
    items, index = [], state.cursor
    start, end = state.window
    while index < state.limit and len(items) < size:
        event = mailbox.events.get(mailbox.order[index])
        index += 1
        if event is not None:
            units = calendar_store.in_window(event, start, end)
            if units is not None:
                items.extend(_unit(event, units, options))
    return items, (replace(state, cursor=index) if index < state.limit else None)


def _changes_page(mailbox, state, size, options):
    items, index = [], state.cursor
    start, end = state.window
    keys, deleted = mailbox.log.keys, mailbox.log.deleted
    while index < state.upto and len(items) < size:
        key, seq = keys[index], index + 1
        index += 1
        event = mailbox.events.get(key)
        if event is not None and event.seq == seq:
            units = calendar_store.in_window(event, start, end)
            if units is None:
                items.append(render_removed(event_id(key, options.immutable)))
            else:
                items.extend(_unit(event, units, options))
        elif event is None and deleted.get(key) == seq:
            items.append(render_removed(event_id(key, options.immutable)))
    return items, (replace(state, cursor=index) if index < state.upto else None)


def _unit(event, instances, options):
    """An event with everything of it that falls in the window, kept together."""
    items = [with_type(render_event(event, options))]
    for instance in instances:
        if instance.exception:
            items.append(with_type(render_instance(instance, options)))
        else:
            items.append(render_occurrence_stub(instance, options))
    return items
