"""What a run may touch: the synchronized window, the first-sync and reset cut-offs, who
mails the invitations, and how an event leaves Odoo.

One decider per question, on plain values, used by the sync run, the first-sync preview,
the first sync's queue and Odoo's own invitation mails alike, so that what the user is
told beforehand is what happens.

- **Window.** Outlook is read over ``[window_start, window_end]`` around now.
- **First sync.** Odoo events that ended before the account's first synchronization (or
  before the window, whichever is later) are never sent to Outlook: sending them would make
  Outlook mail every attendee an invitation to a meeting long past. After a Reset Account
  asking for all existing events, the cut-off is the window's start instead.
- **Reset "only new events".** An event without link that nobody changed since the reset
  is created on neither side (copies still present on both sides are linked, which creates
  nothing).
- **Series.** A series travels through its first event (Outlook's series master); an
  occurrence goes on its own only once linked, and only when it differs from its series
  (an exception), since Outlook derives plain occurrences from the rule.
- **Invitations.** While the organizer's account sends Odoo's changes to Outlook, Outlook
  mails the attendees; Odoo must not mail them a second time.
- **Leaving Odoo.** A synchronization archives (nothing is lost, unarchiving brings the
  event back everywhere); only Reset Account's "Delete from Odoo" deletes.
"""

from dataclasses import dataclass
from datetime import datetime

from .planner import Direction
from .sync_state import LocalState

ARCHIVE = "archive"
DELETE = "delete"


@dataclass(frozen=True)
class Scope:
    direction: Direction
    window_start: datetime  # aware UTC
    window_end: datetime
    push_from: datetime  # events without link that ended before are never sent
    changed_since: datetime | None = None  # reset "only new": see the module docstring

    def __post_init__(self):
        # A first sync never reaches further back than the window.
        if self.push_from < self.window_start:
            object.__setattr__(self, "push_from", self.window_start)


def first_sync_cutoff(now, window_start, *, all_existing=False):
    """Where the first synchronization starts sending Odoo events to Outlook."""
    return window_start if all_existing else max(now, window_start)


def may_push(state: LocalState, linked: bool, scope: Scope) -> bool:
    """Whether this Odoo change goes to Outlook in this run.

    A change that may not go is done with: it will never go by itself (a later change of
    the event queues it again and is judged anew).
    """
    if scope.direction is Direction.TO_ODOO:
        return False
    if state.occurrence and (not linked or state.follows_series):
        return False  # the series master carries it
    if linked:
        return True
    if state.deleted or state.values_hash is None:
        return False  # never reached Outlook: nothing to delete there
    if state.ends_at is not None and state.ends_at < scope.push_from:
        return False
    return not left_out_after_reset(False, state.modified_at, scope)


def may_import(known: bool, modified_at: datetime | None, scope: Scope) -> bool:
    """Whether a new Outlook event is brought into Odoo (or linked) in this run."""
    return not left_out_after_reset(known, modified_at, scope)


def left_out_after_reset(linked: bool, modified_at: datetime | None, scope: Scope) -> bool:
    """After a reset keeping only new events, an event without link that nobody changed
    since the reset is created on neither side. Linked events and copies matched by
    iCalUId always go on: linking creates nothing."""
    since = scope.changed_since
    return bool(since and not linked and modified_at and modified_at < since)


def outlook_mails_invitations(
    direction: Direction | str,
    organizer_connected: bool,
    first_sync_at: datetime | None,
    event_stop: datetime,
) -> bool:
    """Whether Outlook, not Odoo, mails this event's attendees.

    True when the organizer's account sends Odoo's changes to Outlook and the event is one
    the synchronization sends (not one that ended before the first synchronization).
    Times are compared as given (both naive UTC, or both aware).
    """
    if Direction(direction) is Direction.TO_ODOO or not organizer_connected:
        return False
    return first_sync_at is None or event_stop >= first_sync_at


def local_removal(reason: str = "sync") -> str:
    """How an event leaves Odoo: archived by a synchronization, deleted by a reset."""
    return DELETE if reason == "reset" else ARCHIVE
