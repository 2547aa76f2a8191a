"""Collecting Outlook's side of a run: the delta pages as compact per-event states.

A run first reads the whole delta round, page after page, before deciding anything: a page
boundary may fall inside a series, and an event may come twice in a round (the last word
counts). Each item becomes a small ``RemoteState``; its values are kept only when the event
may have to be written into Odoo (new, or changed since the link's changeKey), so memory
stays bounded by what actually changed. Series instances are gathered per series master.

Nothing is written here, and the delta link of the round is only handed back: the caller
stores it once everything the round brought has been carried out.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC

from . import mapping
from .event_values import EventValues, MappingError, values_hash
from .i18n import Text
from .series import Listing, removal
from .sync_state import EXCEPTION, INSTANCE_KINDS, MASTER, OCCURRENCE, Instance, RemoteState


@dataclass(frozen=True)
class ItemError:
    """One event that could not be synchronized; the run went on without it.

    ``message`` is a ``Text`` (its details filled in once translated, nested sentences
    too), or an English sentence that may hold ``%(name)s`` placeholders filled from
    ``params``, so that the Odoo layer can translate it before filling it in.
    """

    subject: str
    message: str | Text
    code: str | None = None
    params: tuple = ()  # ((name, value), ...): frozen, so errors can be compared
    local_id: int | None = None
    remote_id: str | None = None

    @classmethod
    def from_error(cls, subject, error, *, local_id=None, remote_id=None):
        """The item error showing ``error``'s own sentence for users (a SyncError's or a
        MappingError's ``user_text``)."""
        text = getattr(error, "user_text", None) or Text(str(error))
        return cls(subject, text, getattr(error, "code", None), local_id=local_id,
                   remote_id=remote_id)

    def text(self, translate=lambda message: message) -> str:
        if isinstance(self.message, Text):
            return self.message.render(translate)
        message = translate(self.message)
        return message % dict(self.params) if self.params else message


@dataclass
class Inbound:
    """What one delta round (or the part of it read so far) said."""

    full: bool = False  # the round listed every event of the window
    delta_link: str | None = None  # set once the round's last page was read
    pulled: int = 0
    states: dict[str, RemoteState] = field(default_factory=dict)  # not plain occurrences
    values: dict[str, EventValues] = field(default_factory=dict)
    listings: dict[str, Listing] = field(default_factory=dict)  # series master id -> instances
    errors: list[ItemError] = field(default_factory=list)
    missing: set[str] = field(default_factory=set)  # read by id, and Outlook no longer has it

    @property
    def listed_nothing(self) -> bool:
        """A complete listing without a single live event (a wrong or emptied calendar?)."""
        return self.full and not any(not s.removed for s in self.states.values())

    def listing(self, master_id: str) -> Listing:
        if master_id not in self.listings:
            self.listings[master_id] = Listing(master_id, complete=self.full)
        return self.listings[master_id]


def collect(
    pages: Iterable,
    owner_email: str,
    known_change_keys: Callable[[list[str]], dict[str, str | None]],
) -> Inbound:
    """Read every page of a delta round into an ``Inbound``.

    ``known_change_keys(remote_ids)`` gives the changeKey remembered for the linked ones:
    an item still at that changeKey did not change, so its values are not kept.
    """
    inbound = Inbound()
    for page in pages:
        inbound.full = inbound.full or page.full
        read_items(inbound, page.items, owner_email, known_change_keys)
        if page.delta_link:
            inbound.delta_link = page.delta_link
    return inbound


def read_items(inbound, items, owner_email, known_change_keys):
    """Add one page (or listing) of Graph items to ``inbound``."""
    states, values = {}, {}
    for item in items:
        if not isinstance(item, dict) or not item.get("id"):
            continue
        inbound.pulled += 1
        read_item(inbound, item, owner_email, states, values)
    known = known_change_keys(list(values)) if values else {}
    for remote_id, state in states.items():
        inbound.states[remote_id] = state
        unchanged = remote_id in known and known[remote_id] == state.change_key
        if remote_id in values and not unchanged:
            inbound.values[remote_id] = values[remote_id]
        else:
            inbound.values.pop(remote_id, None)


def read_item(inbound, item, owner_email, states, values):
    remote_id = item["id"]
    kind = item.get("type") or ""
    if "@removed" in item:
        states[remote_id] = removal(remote_id)
        return
    if kind == OCCURRENCE:
        inbound.listing(item.get("seriesMasterId") or "").add(_instance(item))
        return
    try:
        event = mapping.from_graph(item, owner_email=owner_email)
    except MappingError as error:
        subject = item.get("subject") if isinstance(item.get("subject"), str) else ""
        inbound.errors.append(ItemError.from_error(subject, error, remote_id=remote_id))
        return
    if kind in INSTANCE_KINDS:
        inbound.listing(event.series_master_id or "").add(_instance(item, event.is_cancelled))
    owner = (owner_email or "").lower()
    common = {
        "ical_uid": item.get("iCalUId"), "kind": kind or "singleInstance",
        "series_master_id": event.series_master_id, "is_organizer": event.is_organizer,
        "organizer_email": event.organizer_email,
        "attends": any(a.email == owner for a in event.attendees),
    }
    if event.is_cancelled:
        states[remote_id] = RemoteState(remote_id, None, item.get("changeKey"), None,
                                        removed=True, cancelled=True, **common)
        return
    states[remote_id] = RemoteState(
        remote_id, values_hash(event), item.get("changeKey"),
        _utc(mapping.graph_instant(item.get("lastModifiedDateTime"))),
        transaction_id=item.get("transactionId") or None, **common)
    values[remote_id] = event
    if kind == MASTER:
        inbound.listing(remote_id)  # known, even when no instance came with it


def _instance(item, cancelled=False):
    kind = item.get("type") or OCCURRENCE
    original = item.get("originalStart") if kind == EXCEPTION else None
    start = original or (item.get("start") or {}).get("dateTime") or ""
    return Instance(item["id"], item.get("seriesMasterId") or "", start, kind,
                    cancelled or bool(item.get("isCancelled")))


def _utc(moment):
    return moment.astimezone(UTC).replace(microsecond=0) if moment else None
