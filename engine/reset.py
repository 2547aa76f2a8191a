"""Reset Account: what a reset deletes, where, and what the next synchronization does.

An administrator resets a user's Outlook connection when their synchronization went wrong.
Two choices drive the reset (the values are the wizard's):

User's existing events                         Next synchronization
  keep     Leave them untouched                  new  Synchronize only new events
  outlook  Delete from the current Microsoft     all  Synchronize all existing events
           Calendar account
  odoo     Delete from Odoo
  both     Delete from both

Only the events the synchronization linked for this user and that the user organizes per
Outlook (their own mailbox's copy organizes it) are deleted: an Odoo event never synced, a
meeting another person organizes (even one this user attends), an invitation from outside
all stay as they are on both sides.

Deleting in Outlook reaches those copies in the user's mailbox; a recurring series is
deleted once, through its series master. Deleting in Odoo removes the same events,
archived ones included.

After the reset the next synchronization starts from scratch. With "all", every event kept
in Odoo within the synchronized window, past ones included, goes to Outlook, except those
whose Outlook copy is still there: the first synchronization finds that copy by its
iCalUId and links it instead of creating a second one. With "new", events nobody changes
after the reset stay out of the synchronization (their copies still in Outlook are linked,
nothing is created on either side); see ``SyncSettings.only_changed_since``.

Everything here is a decision on plain values; the Odoo side reads the events and carries
the plan out.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from .errors import ConsentRevoked, SyncError
from .graph_client import BATCH_LIMIT, BatchRequest, GraphClient, chunked


class ExistingEvents(StrEnum):
    KEEP = "keep"
    DELETE_IN_OUTLOOK = "outlook"
    DELETE_IN_ODOO = "odoo"
    DELETE_IN_BOTH = "both"

    @property
    def deletes_in_outlook(self) -> bool:
        return self in (ExistingEvents.DELETE_IN_OUTLOOK, ExistingEvents.DELETE_IN_BOTH)

    @property
    def deletes_in_odoo(self) -> bool:
        return self in (ExistingEvents.DELETE_IN_ODOO, ExistingEvents.DELETE_IN_BOTH)


class NextSync(StrEnum):
    NEW_ONLY = "new"
    ALL = "all"


@dataclass(frozen=True)
class OwnedEvent:
    """One Odoo event the user organizes, as the reset sees it (times naive UTC)."""

    local_id: int
    active: bool
    start: datetime
    stop: datetime
    graph_id: str | None = None  # its copy in the user's mailbox, when that copy organizes it
    series_master_graph_id: str | None = None  # set when that copy is a series' occurrence
    carried_by_series: bool = False  # a recurring occurrence: the series' first event carries it


@dataclass(frozen=True)
class ResetPlan:
    next_sync: NextSync
    delete_in_outlook: tuple[str, ...] = ()  # Graph ids, one per single event or series
    delete_in_odoo: tuple[int, ...] = ()  # Odoo event ids
    to_match: tuple[int, ...] = ()  # kept events the next sync links to their Outlook copy
    to_send: tuple[int, ...] = ()  # kept events the next sync creates in Outlook

    def counts(self) -> dict[str, int]:
        """What the wizard shows before the administrator confirms."""
        return {
            "delete_in_outlook": len(self.delete_in_outlook),
            "delete_in_odoo": len(self.delete_in_odoo),
            "to_match": len(self.to_match),
            "to_send": len(self.to_send),
        }


def plan_reset(
    events: Iterable[OwnedEvent],
    existing: ExistingEvents | str,
    next_sync: NextSync | str,
    window_start: datetime,
    window_end: datetime,
) -> ResetPlan:
    """Decide a reset of one user's synchronization; ``events`` are the ones they organize."""
    existing, next_sync = ExistingEvents(existing), NextSync(next_sync)
    events = sorted(events, key=lambda event: event.local_id)

    synced = [event.local_id for event in events if event.graph_id]
    delete_in_outlook = _outlook_deletions(events) if existing.deletes_in_outlook else ()
    delete_in_odoo = tuple(synced) if existing.deletes_in_odoo else ()

    to_match, to_send = [], []
    for event in events:
        if event.local_id in delete_in_odoo or not (
                event.active and not event.carried_by_series
                and event.stop >= window_start and event.start <= window_end):
            continue  # gone, or never sent by the synchronization
        if event.graph_id and not existing.deletes_in_outlook:
            to_match.append(event.local_id)
        elif next_sync is NextSync.ALL:
            to_send.append(event.local_id)
    return ResetPlan(next_sync, delete_in_outlook, delete_in_odoo, tuple(to_match),
                     tuple(to_send))


def _outlook_deletions(events):
    """The linked copies to delete; deleting a series master deletes its occurrences too."""
    linked = {event.graph_id for event in events if event.graph_id}
    return tuple(sorted(
        event.graph_id for event in events
        if event.graph_id and event.series_master_graph_id not in linked
    ))


@dataclass
class OutlookDeletions:
    """What deleting a reset's events in Outlook did."""

    deleted: list[str] = field(default_factory=list)
    failed: list[tuple[str, SyncError]] = field(default_factory=list)  # Outlook refused
    stopped: SyncError | None = None  # Outlook could not be reached, or the sign-in is gone
    not_tried: list[str] = field(default_factory=list)


def delete_in_outlook(client: GraphClient, graph_ids: Iterable[str]) -> OutlookDeletions:
    """Delete these events in the mailbox, in $batch requests; stop at the first sign that
    the mailbox cannot be reached at all (an event already gone counts as deleted)."""
    result, graph_ids = OutlookDeletions(), list(graph_ids)
    for start, chunk in enumerate(chunked(graph_ids, BATCH_LIMIT)):
        try:
            answers = client.batch(
                [BatchRequest.delete(str(i), gid) for i, gid in enumerate(chunk)])
        except SyncError as error:
            result.stopped, result.not_tried = error, graph_ids[start * BATCH_LIMIT:]
            return result
        for graph_id, answer in zip(chunk, answers, strict=True):
            if answer.error is None:
                result.deleted.append(graph_id)
            elif isinstance(answer.error, ConsentRevoked):
                result.stopped = answer.error
                result.not_tried.append(graph_id)
            else:
                result.failed.append((graph_id, answer.error))
        if result.stopped:
            result.not_tried += graph_ids[(start + 1) * BATCH_LIMIT:]
            return result
    return result
