"""One synchronization run of one account: pull Outlook's changes, push Odoo's.

The run streams the delta pages (never the whole mailbox in memory), asks the planner what
to do for each page, carries the actions out through a ``LocalStore`` (the Odoo side, or
an in-memory store in tests) and the ``GraphClient``, and checkpoints after each page so a
run cut short resumes without duplicating anything. Odoo's changes are then pushed in
``$batch`` requests of 20.

Recurring series: Outlook's delta lists a series master in full and its occurrences as
stubs (id, seriesMasterId, start) on the same page; the store keeps Odoo's own occurrences
and the run links them by start time, applies exceptions to them, and removes the ones
Outlook no longer has.
"""

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import Protocol

from . import mapping
from .errors import RejectedPayload, SyncError
from .event_values import EventValues, MappingError, values_hash
from .graph_client import BatchRequest, GraphClient
from .planner import (
    ConflictPolicy,
    CreateLocal,
    CreateRemote,
    DeleteLocal,
    DeleteRemote,
    Direction,
    LinkExisting,
    RecordConflict,
    RefreshLink,
    Unlink,
    UpdateLocal,
    UpdateRemote,
    plan,
)
from .sync_state import Link, LocalState, RemoteState

_logger = logging.getLogger(__name__)
_GRAPH_TIME = re.compile(
    r"^(?P<base>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(?P<offset>Z|[+-]\d\d:\d\d)?$")


@dataclass(frozen=True)
class SyncSettings:
    direction: Direction
    policy: ConflictPolicy
    window_start: datetime  # aware UTC
    window_end: datetime
    allow_mass_deletion: bool = False
    # After a reset keeping only new events (aware UTC): an event without link that nobody
    # changed since then is left out, on both sides. See engine/reset.py.
    only_changed_since: datetime | None = None


@dataclass
class ItemError:
    """One event that could not be synchronized; the run went on without it."""

    subject: str
    message: str
    code: str | None = None


@dataclass
class SyncReport:
    full: bool = False
    pulled: int = 0
    counts: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)
    errors: list = field(default_factory=list)
    delta_link: str | None = None

    def count(self, kind, number=1):
        self.counts[kind] = self.counts.get(kind, 0) + number


class LocalStore(Protocol):
    """What the run needs from the Odoo side. Local ids are calendar.event ids."""

    def links_by_remote(self, remote_ids: Iterable[str]) -> dict[str, Link]: ...
    def links_by_local(self, local_ids: Iterable[int]) -> dict[int, Link]: ...
    def all_links(self) -> list[Link]: ...
    def local_by_ical_uid(self, ical_uids: Iterable[str]) -> dict[str, int]: ...
    def pending_changes(self, local_ids: Iterable[int] | None = None) -> list[LocalState]: ...
    def local_values(self, local_id: int) -> EventValues: ...
    def local_hash(self, local_id: int) -> str: ...
    def create_local(self, items: list[tuple[dict, EventValues]]) -> list[int]: ...
    def update_local(self, local_id: int, values: EventValues) -> None: ...
    def delete_local(self, local_id: int) -> None: ...
    def save_link(self, link: Link, series_master_id: str | None = None) -> None: ...
    def drop_link(self, link: Link) -> None: ...
    def series_occurrences(self, local_id: int) -> dict[datetime | date, int]: ...
    def done_changes(self, local_ids: Iterable[int]) -> None: ...
    def pending_answers(self) -> list[tuple[Link, str]]: ...
    def done_answers(self, local_ids: Iterable[int]) -> None: ...
    def checkpoint(self) -> None: ...


class SyncRun:
    def __init__(self, client: GraphClient, store: LocalStore, settings: SyncSettings,
                 account_key: str, owner_email: str = ""):
        self.client = client
        self.owner_email = owner_email  # the mailbox: its own answers are read from its copy
        self.store = store
        self.settings = settings
        self.account_key = account_key  # makes transaction ids unique per mailbox
        self.report = SyncReport()
        self._to_push = []  # (action, values) waiting for the next $batch

    # -- the run --------------------------------------------------------------------------

    def run(self, delta_link: str | None) -> SyncReport:
        seen = set()
        if self.settings.direction != Direction.TO_OUTLOOK or delta_link is None:
            for page in self.client.calendar_delta(
                    delta_link, self.settings.window_start, self.settings.window_end):
                self.report.full = self.report.full or page.full
                self._pull_page(page.items, seen)
                self._push_queued()
                self.store.checkpoint()
                if page.delta_link:
                    self.report.delta_link = page.delta_link
            if self.report.full:
                self._missing_after_full_listing(seen)
        self._push_local_changes()
        self._push_answers()
        return self.report

    # -- pulling ---------------------------------------------------------------------------

    def _pull_page(self, items, seen):
        remote_values, states, stubs = {}, [], []
        for item in items:
            remote_id = item.get("id")
            if not remote_id:
                continue
            self.report.pulled += 1
            seen.add(remote_id)
            if "@removed" in item:
                states.append(RemoteState(remote_id, None, None, None, removed=True))
            elif item.get("type") == "occurrence":
                stubs.append(item)
            else:
                state = self._remote_state(item, remote_values)
                if state:
                    states.append(state)
        if not states and not stubs:
            return
        links = self.store.links_by_remote(state.remote_id for state in states)
        local = self.store.pending_changes([link.local_id for link in links.values()])
        unknown_uids = {s.ical_uid for s in states if s.remote_id not in links and s.ical_uid}
        known_uids = self.store.local_by_ical_uid(unknown_uids)
        states = [s for s in states if not self._left_out(
            s.remote_id in links or s.ical_uid in known_uids, s.modified_at)]
        actions = plan(
            links.values(), local, states,
            direction=self.settings.direction, policy=self.settings.policy,
            local_by_ical_uid=known_uids,
            allow_mass_deletion=self.settings.allow_mass_deletion,
        )
        self._carry_out(actions, remote_values)
        self.store.done_changes([state.local_id for state in local])
        self._link_series(items, remote_values, stubs)

    def _remote_state(self, item, remote_values):
        try:
            values = mapping.from_graph(item, owner_email=self.owner_email)
        except MappingError as error:
            self._item_error(item.get("subject") or item.get("id"), str(error))
            return None
        if values.is_cancelled:
            return RemoteState(item["id"], None, item.get("changeKey"), None, removed=True,
                               ical_uid=item.get("iCalUId"))
        remote_values[item["id"]] = (item, values)
        return RemoteState(
            item["id"], values_hash(values), item.get("changeKey"),
            _graph_time(item.get("lastModifiedDateTime")), ical_uid=item.get("iCalUId"),
        )

    def _missing_after_full_listing(self, seen):
        """After a full listing, a linked event Outlook did not list was deleted there."""
        links = self.store.all_links()
        missing = [link for link in links if link.remote_id not in seen]
        if not missing:
            return
        present = [RemoteState(link.remote_id, link.synced_hash, link.change_key, None)
                   for link in links if link.remote_id in seen]
        local = self.store.pending_changes([link.local_id for link in missing])
        actions = plan(
            links, local, present, direction=self.settings.direction,
            policy=self.settings.policy, full_remote=True,
            allow_mass_deletion=self.settings.allow_mass_deletion,
        )
        self._carry_out(actions, {})
        self.store.done_changes([state.local_id for state in local])
        self._push_queued()
        self.store.checkpoint()

    # -- pushing ---------------------------------------------------------------------------

    def _push_local_changes(self):
        if self.settings.direction == Direction.TO_ODOO:
            return
        local = self.store.pending_changes()
        if not local:
            return
        links = self.store.links_by_local(state.local_id for state in local)
        kept = [s for s in local if not self._left_out(s.local_id in links, s.modified_at)]
        actions = plan(
            links.values(), kept, [], direction=self.settings.direction,
            policy=self.settings.policy,
            allow_mass_deletion=self.settings.allow_mass_deletion,
        )
        self._carry_out(actions, {})
        self._push_queued()
        self.store.done_changes([state.local_id for state in local])
        self.store.checkpoint()

    def _left_out(self, linked, modified_at):
        """After a reset keeping only new events, an event without link that nobody changed
        since the reset is created on neither side. Linked events and copies matched by
        iCalUId always go on: linking creates nothing."""
        since = self.settings.only_changed_since
        return bool(since and not linked and modified_at and modified_at < since)

    def _push_answers(self):
        """The user's own answers to invitations (accept, decline, maybe) go to Outlook,
        which tells the organizer."""
        if self.settings.direction == Direction.TO_ODOO:
            return
        answered = []
        for link, response in self.store.pending_answers():
            action = mapping.respond_action(response)
            try:
                if action:
                    self.client.respond(link.remote_id, action)
                    self.report.count("answered_in_outlook")
            except SyncError as error:
                self._item_error("", error.user_message, error.code)
                continue
            answered.append(link.local_id)
        self.store.done_answers(answered)
        self.store.checkpoint()

    def _push_queued(self):
        """Send the queued Outlook writes in $batch requests and record their links.

        Updates send only what changed (Outlook mails attendees whenever it receives the
        attendee list), so the current Outlook copies are read first, also in $batch.
        """
        if not self._to_push:
            return
        queued, self._to_push = self._to_push, []
        before = self._current_remote_values(
            [action.link.remote_id for action, _v in queued if isinstance(action, UpdateRemote)])
        sending, requests = [], []
        for action, values in queued:
            request = self._batch_request(str(len(requests)), action, values, before)
            if request is None:  # nothing Outlook shows differs: only the link moves on
                link = action.link
                self.store.save_link(Link(link.local_id, link.remote_id, link.ical_uid,
                                          link.change_key, self.store.local_hash(link.local_id),
                                          link.remote_hash))
                continue
            sending.append((action, values))
            requests.append(request)
        for (action, values), result in zip(sending, self.client.batch(requests), strict=True):
            if result.error:
                subject = values.subject if values else ""
                if isinstance(result.error, RejectedPayload):
                    result.error.subject = subject  # so the message names the event
                self._item_error(subject, result.error.user_message, result.error.code)
                continue
            self._after_push(action, values, result.body or {})

    def _current_remote_values(self, remote_ids):
        if not remote_ids:
            return {}
        reads = [BatchRequest(str(i), "GET", f"/me/events/{remote_id}")
                 for i, remote_id in enumerate(remote_ids)]
        current = {}
        for remote_id, result in zip(remote_ids, self.client.batch(reads), strict=True):
            if result.body and not result.error:
                try:
                    current[remote_id] = mapping.from_graph(result.body,
                                                            owner_email=self.owner_email)
                except MappingError:
                    pass  # unreadable: the whole event is sent instead
        return current

    def _hash_of_answer(self, body):
        """Outlook's values hash of an event it answered with (None when unreadable)."""
        try:
            return values_hash(mapping.from_graph(body, owner_email=self.owner_email))
        except MappingError:
            return None

    def _batch_request(self, request_id, action, values, before):
        if isinstance(action, CreateRemote):
            transaction_id = GraphClient.transaction_id(
                self.account_key, action.local_id, values_hash(values))
            return BatchRequest.create(request_id, mapping.to_graph(values), transaction_id)
        if isinstance(action, UpdateRemote):
            patch = mapping.graph_patch(before.get(action.link.remote_id), values)
            if not patch:
                return None
            return BatchRequest.update(request_id, action.link.remote_id, patch)
        return BatchRequest.delete(request_id, action.link.remote_id)

    def _after_push(self, action, values, body):
        if isinstance(action, DeleteRemote):
            self.store.drop_link(action.link)
            self.report.count("deleted_in_outlook")
            return
        if isinstance(action, CreateRemote):
            local_id, kind = action.local_id, "created_in_outlook"
        else:
            local_id, kind = action.link.local_id, "updated_in_outlook"
        link = Link(local_id, body.get("id") or action.link.remote_id, body.get("iCalUId"),
                    body.get("changeKey"), self.store.local_hash(local_id),
                    self._hash_of_answer(body))
        self.store.save_link(link)
        self.report.count(kind)
        if isinstance(action, CreateRemote) and values.recurrence:
            self._link_pushed_series(link, values.all_day)

    # -- actions ---------------------------------------------------------------------------

    def _carry_out(self, actions, remote_values):
        creates = []
        for action in actions:
            try:
                self._carry_out_one(action, remote_values, creates)
            except (SyncError, MappingError) as error:
                self._item_error(getattr(error, "subject", "") or "", _message(error))
        if creates:
            self._create_locals(creates)

    def _carry_out_one(self, action, remote_values, creates):
        store = self.store
        if isinstance(action, CreateLocal):
            creates.append(remote_values[action.remote_id])
        elif isinstance(action, UpdateLocal):
            item, values = remote_values[action.remote_id]
            store.update_local(action.link.local_id, values)
            store.save_link(self._link_for(action.link.local_id, item, values))
            self.report.count("updated_in_odoo")
        elif isinstance(action, DeleteLocal):
            store.delete_local(action.link.local_id)
            store.drop_link(action.link)
            self.report.count("deleted_in_odoo")
        elif isinstance(action, LinkExisting):
            item, values = remote_values[action.remote_id]
            store.save_link(self._link_for(action.local_id, item, values))
            self.report.count("matched")
        elif isinstance(action, RefreshLink):
            link = action.link
            seen = remote_values.get(link.remote_id)
            store.save_link(Link(link.local_id, link.remote_id, link.ical_uid, action.change_key,
                                 action.synced_hash,
                                 values_hash(seen[1]) if seen else link.remote_hash))
        elif isinstance(action, Unlink):
            store.drop_link(action.link)
        elif isinstance(action, RecordConflict):
            self.report.conflicts.append(action)
        elif isinstance(action, (CreateRemote, UpdateRemote)):
            local_id = action.local_id if isinstance(action, CreateRemote) else action.link.local_id
            self._to_push.append((action, store.local_values(local_id)))
        elif isinstance(action, DeleteRemote):
            self._to_push.append((action, None))

    def _create_locals(self, creates):
        local_ids = self.store.create_local(creates)
        for (item, values), local_id in zip(creates, local_ids, strict=True):
            self.store.save_link(self._link_for(local_id, item, values))
        self.report.count("created_in_odoo", len(local_ids))

    def _link_for(self, local_id, item, values=None):
        """The link after both sides agree: Odoo's hash as Odoo reads the event now, and
        Outlook's as Outlook sent it (when the item carried its values)."""
        return Link(local_id, item["id"], item.get("iCalUId"), item.get("changeKey"),
                    self.store.local_hash(local_id), values_hash(values) if values else None)

    # -- recurring series ------------------------------------------------------------------

    def _link_series(self, items, remote_values, stubs):
        """Link Odoo's occurrences of the series on this page to Outlook's instances."""
        masters = {item["id"] for item in items if item.get("type") == "seriesMaster"}
        if not masters:
            return
        instances = {master: [] for master in masters}
        for item in stubs:
            instances.setdefault(item.get("seriesMasterId"), []).append(item)
        for item, _values in remote_values.values():
            if item.get("type") == "exception":
                instances.setdefault(item.get("seriesMasterId"), []).append(item)
        links = self.store.links_by_remote(masters)
        for master_id, master_instances in instances.items():
            if master_id in links:
                master = remote_values.get(master_id)
                all_day = bool(master and master[1].all_day)
                self._reconcile_series(links[master_id], master_instances, remote_values, all_day)

    def _link_pushed_series(self, master_link, all_day):
        """After creating a series in Outlook, link its instances to Odoo's occurrences."""
        instances = self.client.list_instances(
            master_link.remote_id, self.settings.window_start, self.settings.window_end)
        self._reconcile_series(master_link, instances, {}, all_day)

    def _reconcile_series(self, master_link, instances, remote_values, all_day):
        occurrences = self.store.series_occurrences(master_link.local_id)
        known = self._live_instance_links(instances, set(occurrences.values()))
        matched = set()
        for item in instances:
            link = known.get(item["id"])
            # Linked instances keep their Odoo event even when an exception moved it.
            local_id = link.local_id if link else occurrences.get(_instance_start(item, all_day))
            if local_id is None or local_id == master_link.local_id:
                continue  # Odoo's first occurrence is the series itself, linked to the master
            matched.add(local_id)
            if link:
                continue  # linked before: the planner weighed its changes on both sides
            values = None
            if item["id"] in remote_values and item.get("type") == "exception":
                values = remote_values[item["id"]][1]
                self.store.update_local(local_id, values)
            self.store.save_link(self._link_for(local_id, item, values),
                                 series_master_id=master_link.remote_id)
        window_ids = {local_id for start, local_id in occurrences.items()
                      if _within(start, self.settings)}
        for local_id in sorted(window_ids - matched - {master_link.local_id}):
            # Outlook has no instance at that time any more: the occurrence was deleted.
            self.store.delete_local(local_id)
            self.report.count("deleted_in_odoo")

    def _live_instance_links(self, instances, live):
        """Links of these instances whose Odoo occurrence still exists. A link to an
        occurrence Odoo rebuilt (a changed rule) is dropped, to be matched anew by time; one
        to an occurrence deleted in Odoo stays for the push to delete it in Outlook."""
        known = self.store.links_by_remote(item["id"] for item in instances)
        dead = {link.local_id: link for link in known.values() if link.local_id not in live}
        queued = {state.local_id for state in self.store.pending_changes(list(dead))}
        for local_id, link in dead.items():
            del known[link.remote_id]
            if local_id not in queued:
                self.store.drop_link(link)
        return known

    def _item_error(self, subject, message, code=None):
        self.report.errors.append(ItemError(subject or "", message, code))
        _logger.info("Outlook sync skipped %r: %s", subject, message)


def _message(error):
    return getattr(error, "user_message", None) or str(error)


def _graph_time(text):
    """A Graph time as aware UTC: "2025-01-06T09:00:00.0000000" (UTC, as the client asks
    for), "2025-01-06T09:00:00Z" or with an offset; None when unreadable."""
    match = _GRAPH_TIME.match(text or "")
    if not match:
        return None
    moment = datetime.fromisoformat(match["base"]).replace(microsecond=0)
    offset = match["offset"]
    if not offset or offset == "Z":
        return moment.replace(tzinfo=UTC)
    return datetime.fromisoformat(match["base"] + offset).astimezone(UTC)


def _instance_start(item, all_day):
    """The original start of an Outlook instance, keyed as Odoo keys its occurrences:
    a UTC datetime, or the day for all-day series (Graph gives their start at midnight)."""
    text = (item.get("start") or {}).get("dateTime") or ""
    if item.get("type") == "exception" and item.get("originalStart"):
        text = item["originalStart"]
    if all_day:
        return date.fromisoformat(text[:10])
    return _graph_time(text)


def _within(start, settings):
    if isinstance(start, datetime):
        return settings.window_start <= start <= settings.window_end
    return settings.window_start.date() <= start <= settings.window_end.date()
