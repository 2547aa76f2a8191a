"""Recurring series: which Outlook instance is which Odoo occurrence, and what may go.

Outlook keeps a series as a master plus instances: plain occurrences (computed from the
rule, each with its own id) and exceptions (edited occurrences). Odoo keeps a series as a
``calendar.recurrence`` whose first event is the "base" and whose other events are its
occurrences. The sync links the base to the master and each other occurrence to its
instance, matched by the time it was planned for (its original start).

What Outlook tells about a series is often partial: a delta page boundary may fall inside
a series, and an incremental round may send a master without its occurrences, or one
changed occurrence without its master. So:

- an instance is paired with an Odoo occurrence only by original start, and only when
  neither is linked yet;
- an occurrence is removed only on an explicit signal: an ``@removed`` entry or a
  cancelled instance for it, or its absence from a *complete listing* of the series over
  the synchronized window (a full delta round, or ``/instances``). Absence from a delta
  page or an incremental round never removes anything.

Everything here is decided on plain values; no I/O.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from .mapping import graph_instant
from .sync_state import EXCEPTION, Instance, Link, RemoteState

Key = datetime | date


def instance_key(instance: Instance, all_day: bool) -> Key | None:
    """The original start of an instance keyed as Odoo keys its occurrences: an aware UTC
    datetime (to the second), or the day for all-day series (Graph gives them at midnight)."""
    text = instance.original_start or ""
    if all_day:
        try:
            return date.fromisoformat(text[:10])
        except ValueError:
            return None
    moment = graph_instant(text)
    return moment.astimezone(UTC).replace(microsecond=0) if moment else None


def within(key: Key, window_start: datetime, window_end: datetime) -> bool:
    """Whether an occurrence planned at ``key`` falls in the synchronized window."""
    if isinstance(key, datetime):
        return window_start <= key <= window_end
    return window_start.date() <= key <= window_end.date()


@dataclass
class Listing:
    """The instances of one series that Outlook showed in this run.

    ``complete`` says Outlook listed every instance of the window (a full delta round, or
    ``/instances``): only then may an occurrence missing from it be taken as deleted.
    """

    master_id: str
    instances: dict[str, Instance] = field(default_factory=dict)  # by remote id
    complete: bool = False

    def add(self, instance: Instance):
        self.instances[instance.remote_id] = instance

    def live(self) -> list[Instance]:
        return [i for i in self.instances.values() if not i.cancelled]


@dataclass(frozen=True)
class OdooSeries:
    """Odoo's side of one series: its base event and its occurrences by original start."""

    master_local_id: int
    all_day: bool
    occurrences: Mapping[Key, int]  # original start -> calendar.event id (base included)


@dataclass(frozen=True)
class SeriesDecision:
    pairs: tuple[tuple[int, Instance], ...] = ()  # (Odoo occurrence, Outlook instance) to link
    removed: tuple[RemoteState, ...] = ()  # linked instances Outlook no longer has
    unmatched: tuple[int, ...] = ()  # unlinked Odoo occurrences Outlook never had


def reconcile(
    series: OdooSeries,
    listing: Listing,
    links: Iterable[Link],
    window_start: datetime,
    window_end: datetime,
) -> SeriesDecision:
    """What this run learns about one series Odoo and Outlook both have.

    ``links`` are the series' occurrence links in this mailbox. Pairs are made for unlinked
    instances whose original start matches an unlinked Odoo occurrence. With a complete
    listing, linked instances missing from it are removed (planned like any removal, so
    the mass-deletion guard counts them), and unlinked Odoo occurrences of the window that
    Outlook does not have (Odoo's rule gave more than Outlook's) are reported as unmatched.
    """
    links = list(links)
    live_local = set(series.occurrences.values())
    linked_local = {link.local_id for link in links if link.local_id in live_local}
    linked_remote = {link.remote_id for link in links}
    free = {key: local_id for key, local_id in series.occurrences.items()
            if local_id not in linked_local and local_id != series.master_local_id}

    pairs = []
    for instance in sorted(listing.live(), key=lambda i: i.remote_id):
        if instance.remote_id in linked_remote:
            continue
        local_id = free.pop(instance_key(instance, series.all_day), None)
        if local_id is not None:
            pairs.append((local_id, instance))

    removed, unmatched = [], []
    if listing.complete:
        listed = {i.remote_id for i in listing.live()}
        local_key = {local_id: key for key, local_id in series.occurrences.items()}
        for link in links:
            key = local_key.get(link.local_id)
            if link.remote_id not in listed and key is not None and within(
                    key, window_start, window_end):
                removed.append(removal(link.remote_id, listing.master_id))
        unmatched = sorted(local_id for key, local_id in free.items()
                           if within(key, window_start, window_end))
    return SeriesDecision(tuple(pairs), tuple(removed), tuple(unmatched))


def removal(remote_id: str, master_id: str | None = None) -> RemoteState:
    """An explicit removal of an Outlook event or instance, as the planner takes it."""
    kind = EXCEPTION if master_id else "singleInstance"
    return RemoteState(remote_id, None, None, None, removed=True, kind=kind,
                       series_master_id=master_id)
