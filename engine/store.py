"""What a sync run needs from the Odoo side, by role.

The Odoo layer implements it with the ORM (``models/sync_store/``); the engine tests with
an in-memory store. Both pass the same contract tests (``tests/engine/store_contract.py``).

- ``Links`` (the binder): which Odoo event is which Outlook event in this mailbox.
- ``Events`` (the adapter): Odoo's calendar events as neutral values, and the writes that
  bring Outlook's changes in. Every write carries the sync context: Odoo mails nobody and
  queues nothing back to Outlook.
- ``Outbox``: Odoo's changes waiting for Outlook, and the user's answers to invitations.
  Reading it changes nothing; a change leaves it only when confirmed.
- ``Held``: deletions the mass-deletion guard holds until the user decides.
- ``Work``: all-or-nothing steps (``isolated``) and durable checkpoints.
"""

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Protocol

from .event_values import EventValues
from .i18n import Text
from .inbound import ItemError
from .ownership import Meeting
from .series import OdooSeries
from .sync_state import Link, LocalState, RemoteState


class Links(Protocol):
    def all_links(self) -> list[Link]: ...
    def links_by_remote(self, remote_ids: Iterable[str]) -> dict[str, Link]: ...
    def links_by_local(self, local_ids: Iterable[int]) -> dict[int, Link]: ...
    def series_links(self, master_remote_id: str) -> list[Link]: ...
    def within_window(self, links: Iterable[Link], start, end) -> set[str]:
        """Remote ids of these links whose Odoo event (a series: any occurrence) meets the
        window: only those can be missing from a complete listing of that window."""
    def meetings(self, ical_uids: Iterable[str]) -> dict[str, list[Meeting]]:
        """The Odoo events carrying these iCalUIds, as engine.ownership matches them."""
    def save_link(self, link: Link) -> None: ...
    def drop_link(self, link: Link) -> None: ...


class Events(Protocol):
    def exists(self, local_id: int) -> bool: ...
    def local_values(self, local_id: int) -> EventValues: ...
    def local_hash(self, local_id: int) -> str: ...
    def create_local(self, items: list[tuple[RemoteState, EventValues, str]]) -> list[int]:
        """Create Odoo events from Outlook copies; the role (engine.ownership) says who
        organizes each: this mailbox's user, or an outside organizer shown as such."""
    def join_meeting(self, local_id: int, role: str, values: EventValues | None) -> None:
        """This mailbox's user attends the meeting (with their answer); as its organizer
        they take it over (organizer role)."""
    def set_answer(self, local_id: int, response: str | None) -> None:
        """This mailbox's user's answer to the meeting (an Odoo attendee state)."""
    def update_local(self, local_id: int, values: EventValues, role: str = "organizer") -> None:
        """Write Outlook's values; an archived event comes back (unarchived). ``role``: the
        copy's (engine.ownership): only the organizer's copy knows everyone's answers."""
    def remove_local(self, local_id: int) -> None:
        """Take the event out of Odoo (archived: see engine.scope.local_removal); a series'
        first event takes its whole series with it."""
    def series(self, local_id: int) -> OdooSeries | None:
        """The Odoo series this event is the first event of, or None."""
    def note_approximation(self, local_id: int, problems: list[Text]) -> None:
        """Show on the event what of Outlook's repeat rule Odoo could not keep."""


class Outbox(Protocol):
    def pending(self) -> list[LocalState]: ...
    def transaction_ids(self, local_ids: Iterable[int]) -> dict[int, str]:
        """The transactionId of each queued creation, made once and kept until confirmed:
        a retry after a crash or a lost answer sends the same one, whatever changed."""
    def queue(self, local_ids: Iterable[int]) -> None:
        """Queue these events again (e.g. to create them anew in Outlook)."""
    def confirm(self, local_ids: Iterable[int]) -> None:
        """These changes reached Outlook (or need not go): out of the queue, unless the
        event changed again since it was read."""
    def refuse(self, local_id: int, error: ItemError) -> None:
        """Outlook will never take this change as it is: out of the queue, kept for the
        user to see and retry."""
    def pending_answers(self) -> list[tuple[Link, str]]: ...
    def confirm_answers(self, local_ids: Iterable[int]) -> None: ...
    def has_unsendable_answers(self) -> bool:
        """Whether answers are queued that cannot go (no copy in this mailbox)."""
    def inbound_retries(self) -> list[str]:
        """Outlook events whose change could not be saved in Odoo: read again next run."""
    def retry_inbound(self, remote_ids: Iterable[str]) -> None:
        """From now on, exactly these are the Outlook events to read again."""


class Held(Protocol):
    def held_removals(self) -> list[str]:
        """Outlook ids whose removal in Outlook waits for the user's decision."""
    def hold(self, side: str, links: list[Link], reason: str) -> None: ...
    def release_held(self) -> None: ...


class Work(Protocol):
    def isolated(self) -> AbstractContextManager:
        """Everything written inside is undone if it raises (a savepoint)."""
    def checkpoint(self) -> None:
        """Make everything written so far durable (a commit)."""


class LocalStore(Links, Events, Outbox, Held, Work, Protocol):
    """The Odoo side of one account, as one object."""
