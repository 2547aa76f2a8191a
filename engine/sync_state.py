"""What the sync planner compares: the remembered link and the two sides' current states.

Plain frozen records with no behaviour and no I/O. The Odoo layer builds them from its
link table and its outbox; ``engine.inbound`` builds the Outlook side from the delta pages;
``engine.planner.plan`` turns them into actions.

A "values hash" is a hash of the neutral event values that are synchronised (the same
function on both sides), so equal hashes mean Odoo and Outlook show the same event.
"""

from dataclasses import dataclass
from datetime import datetime

# Graph's event types. Occurrences and exceptions belong to a series master.
SINGLE = "singleInstance"
MASTER = "seriesMaster"
OCCURRENCE = "occurrence"
EXCEPTION = "exception"
INSTANCE_KINDS = frozenset({OCCURRENCE, EXCEPTION})


@dataclass(frozen=True)
class Link:
    """What was remembered about one Odoo event and its Outlook copy after the last sync."""

    local_id: int
    remote_id: str
    ical_uid: str | None
    change_key: str | None  # Outlook's changeKey when the sync last wrote or read the event
    synced_hash: str  # values hash both sides agreed on at the last sync, as Odoo reads them
    # The same values as Outlook read them back, when known. Odoo and Outlook do not keep
    # every value alike (Odoo has no "normal" privacy, sanitizes HTML its own way...), so
    # Outlook's changes are detected against what Outlook itself said last time.
    remote_hash: str | None = None
    # Set on the links of a series' occurrences: the Outlook id of their series master.
    series_master_id: str | None = None
    role: str = "organizer"  # what this mailbox's copy may do: see engine.ownership
    withheld: bool = False  # sent without its attendees (the user chose not to invite them)

    @property
    def unit(self) -> str:
        """What counts as one event for the user: a series counts once."""
        return self.series_master_id or self.remote_id


@dataclass(frozen=True)
class LocalState:
    """An Odoo event changed since the last sync (or every event, on a full pass)."""

    local_id: int
    values_hash: str | None  # None when deleted or archived
    modified_at: datetime  # aware UTC (write_date)
    deleted: bool = False  # deleted or archived in Odoo
    ical_uid: str | None = None
    # What decides whether the change may go to Outlook (see engine.scope):
    ends_at: datetime | None = None  # aware UTC end; None when deleted
    occurrence: bool = False  # one of a series' occurrences (not its first, "base" event)
    follows_series: bool = False  # an occurrence showing just what its series says
    # Set once a creation in Outlook was sent: Outlook's copy carries it too, which is how
    # a copy whose answer was lost (a crash, a dropped connection) is recognised.
    transaction_id: str | None = None
    # The user chose to send it without inviting its attendees (first synchronization).
    withhold_invitations: bool = False


@dataclass(frozen=True)
class RemoteState:
    """An Outlook event as reported by the delta query, a listing or a read."""

    remote_id: str
    values_hash: str | None  # None when removed
    change_key: str | None
    modified_at: datetime | None  # lastModifiedDateTime, aware UTC
    removed: bool = False  # "@removed", cancelled, or missing from a complete listing
    ical_uid: str | None = None
    kind: str = SINGLE  # one of Graph's event types
    series_master_id: str | None = None  # occurrences and exceptions
    transaction_id: str | None = None  # set by whoever created it, when they gave one
    # Who organizes it, as this mailbox's copy says (see engine.ownership):
    is_organizer: bool = True  # this mailbox organizes the meeting
    organizer_email: str = ""
    attends: bool = False  # this mailbox is among the copy's attendees
    cancelled: bool = False  # the organizer cancelled it (not this mailbox deleting it)

    @property
    def is_instance(self) -> bool:
        return self.kind in INSTANCE_KINDS


@dataclass(frozen=True)
class Instance:
    """One occurrence or exception of an Outlook series, as a delta page or a listing gave it.

    ``original_start`` is the Graph time the instance was planned for (an exception's
    ``originalStart``, an occurrence's start); ``engine.series.instance_key`` turns it into
    the key Odoo's occurrences are matched by.
    """

    remote_id: str
    series_master_id: str
    original_start: str
    kind: str = OCCURRENCE
    cancelled: bool = False
