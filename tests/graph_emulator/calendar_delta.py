"""calendarView delta rounds over a mailbox's change log.

What the live service does, and so does this by default:
- a round's first request carries startDateTime/endDateTime; the window is kept in the
  state token, later pages and rounds only carry $skiptoken / $deltatoken;
- single events and exceptions come in full, a series master in full, its plain
  occurrences as stubs (@odata.type, @odata.etag, id, seriesMasterId, type, start, end);
- a series is never split across pages, so a page can hold more than maxpagesize items;
- a later round returns the current state of what changed, and {"@removed": {"reason":
  "deleted"}} for deleted events and for changed events that are now outside the window;
- deleting one occurrence reports no @removed: the series comes again without it.

Where the documentation leaves the service a choice, ServiceOptions picks the branch:
series_paging (split a series across pages, occurrences before their master),
incremental_series (what of a changed series a later round sends), deleted_occurrence
(how a deleted occurrence is reported) and resend_unchanged (unchanged events sent again).

A round is a run of positions: in the initial round the mailbox's events in creation
order, in a later round the change log since the last round, then the events re-sent.
"""

import random
from dataclasses import dataclass, replace

from . import calendar_store
from .event_model import Event, Instance
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
    cursor: int             # next position: index into mailbox.order or mailbox.log.keys
    upto: int               # last change sequence this round covers
    limit: int = 0          # initial phase: events created before the round began
    since: int = 0          # changes phase: the change sequence the round starts after
    resend: tuple = ()      # changes phase: unchanged events sent again after the log
    pending: tuple = ()     # items of a series cut off by the previous page


def first_round(mailbox, window):
    return DeltaState(window, "initial", 0, mailbox.log.seq, len(mailbox.order))


def next_round(state):
    """The state a deltaLink holds: read changes after what this round covered."""
    return DeltaState(state.window, "changes", state.upto, state.upto, since=state.upto)


def begin_changes(mailbox, state, service, seed):
    """A deltaLink was followed: the new round covers changes up to now."""
    upto = mailbox.log.seq
    resend = _pick_resend(mailbox, state, upto, service.resend_unchanged, seed)
    return replace(state, upto=upto, resend=resend)


def read_page(mailbox, state, size, options, service):
    """(items, state of the next page or None when the round is complete)."""
    items, index, end = list(state.pending), state.cursor, _end(state)
    while index < end and len(items) < size:
        items.extend(_position(mailbox, state, index, options, service))
        index += 1
    pending = ()
    if service.series_paging != "whole" and len(items) > size:
        items, pending = items[:size], tuple(items[size:])
    if index >= end and not pending:
        return items, None
    return items, replace(state, cursor=index, pending=pending)


def _end(state):
    if state.phase == "initial":
        return state.limit
    return state.upto + len(state.resend)


def _position(mailbox, state, index, options, service):
    """The items one position of the round stands for (often none)."""
    if state.phase == "initial":
        return _current(mailbox.events.get(mailbox.order[index]), state, options, service)
    if index < state.upto:
        return _logged_change(mailbox, state, index, options, service)
    event = mailbox.events.get(state.resend[index - state.upto])
    # An event changed since the round began is the change log's (or next round's) to send.
    if event is None or event.seq > state.since:
        return []
    return _current(event, state, options, service)


def _current(event, state, options, service):
    """An event as it is now with all it has in the window, or nothing."""
    units = calendar_store.in_window(event, *state.window) if event else None
    if units is None:
        return []
    return _unit(event, _instance_items(units, options), options, service)


def _logged_change(mailbox, state, index, options, service):
    """An event's latest change (earlier log entries of the same event send nothing)."""
    key, seq = mailbox.log.keys[index], index + 1
    event = mailbox.events.get(key)
    if event is None:
        gone = mailbox.log.deleted.get(key) == seq
        return [render_removed(event_id(key, options.immutable))] if gone else []
    if event.seq != seq:
        return []
    units = calendar_store.in_window(event, *state.window)
    if units is None:
        return [render_removed(event_id(key, options.immutable))]
    if event.kind == "seriesMaster":
        return _series_change(event, units, state, options, service)
    return _unit(event, [], options, service)


def _series_change(master, instances, state, options, service):
    """What a later round sends for a changed series, as incremental_series says."""
    mode, since = service.incremental_series, state.since
    if mode == "whole":
        chosen = instances
    elif mode == "master_only":
        chosen = []
    else:
        chosen = [item for item in instances
                  if _instance_changed(master, item.original_start, since)]
    parts = _instance_items(chosen, options) + _deleted_notices(master, state, options,
                                                                service)
    with_master = mode != "instance_only" or master.master_seq > since
    return _unit(master, parts, options, service, with_master)


def _instance_changed(master, original_start, since):
    return (master.all_seq > since
            or master.instance_seqs.get(original_start, 0) > since)


def _deleted_notices(master, state, options, service):
    """Occurrences deleted during the round, reported as deleted_occurrence says."""
    choice = service.deleted_occurrence
    if choice == "absent" or (choice == "cancelled"
                              and service.incremental_series == "master_only"):
        return []           # master_only sends no exception items, cancelled ones neither
    length = master.end - master.start
    start, end = state.window
    deleted = sorted(original for original in master.cancelled
                     if master.instance_seqs.get(original, 0) > state.since
                     and calendar_store.overlaps(original, original + length, start, end))
    if choice == "removed":
        return [render_removed(event_id(master.core, options.immutable, original))
                for original in deleted]
    return [with_type(render_instance(_cancelled(master, original, length), options))
            for original in deleted]


def _cancelled(master, original, length):
    """A deleted occurrence shaped as a cancelled exception of its series."""
    fields = dict(master.fields, isCancelled=True, recurrence=None)
    exc = Event(core=master.core, kind="exception", fields=fields, start=original,
                end=original + length, created=master.created, modified=master.modified,
                change_key=master.change_key, original_start=original)
    return Instance(master, original, original, original + length, exc)


def _instance_items(instances, options):
    """Exceptions in full, plain occurrences as stubs."""
    return [with_type(render_instance(item, options)) if item.exception
            else render_occurrence_stub(item, options) for item in instances]


def _unit(event, parts, options, service, with_master=True):
    """An event with the items of its instances; its master first, unless occurrences
    come before their master (split_reversed)."""
    if not with_master:
        return parts
    master = with_type(render_event(event, options))
    if service.series_paging == "split_reversed":
        return [*parts, master]
    return [master, *parts]


def _pick_resend(mailbox, state, upto, fraction, seed):
    """Unchanged events in the window to send again, drawn from the emulator seed."""
    if not fraction:
        return ()
    start, end = state.window
    unchanged = [core for core in mailbox.order
                 if (event := mailbox.events.get(core)) is not None
                 and event.seq <= state.since
                 and calendar_store.in_window(event, start, end) is not None]
    draw = random.Random(f"{seed}|{mailbox.email.lower()}|{state.since}|{upto}")
    picked = set(draw.sample(unchanged, round(fraction * len(unchanged))))
    return tuple(core for core in unchanged if core in picked)

