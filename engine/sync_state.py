"""What the sync planner compares: the remembered link and the two sides' current states.

Plain frozen records with no behaviour and no I/O. The Odoo layer builds them from its
link table, from the calendar events changed since the last run and from the Graph delta
(or a full listing); ``engine.planner.plan`` turns them into actions.

A "values hash" is a hash of the neutral event values that are synchronised (the same
function on both sides), so equal hashes mean Odoo and Outlook show the same event.
"""

from dataclasses import dataclass
from datetime import datetime


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


@dataclass(frozen=True)
class LocalState:
    """An Odoo event changed since the last sync (or every event, on a full pass)."""

    local_id: int
    values_hash: str | None  # None when deleted or archived
    modified_at: datetime  # aware UTC (write_date)
    deleted: bool = False  # deleted or archived in Odoo
    ical_uid: str | None = None


@dataclass(frozen=True)
class RemoteState:
    """An Outlook event as reported by the delta query (or a full listing)."""

    remote_id: str
    values_hash: str | None  # None when removed
    change_key: str | None
    modified_at: datetime | None  # lastModifiedDateTime, aware UTC
    removed: bool = False  # "@removed" in the delta, or cancelled
    ical_uid: str | None = None
