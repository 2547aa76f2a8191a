"""An in-memory LocalStore: the Odoo side of a sync run, without Odoo, for engine tests.

It behaves like the Odoo store where the run can tell (the contract tests in
``store_contract.py`` run against both): series expand into occurrences like Odoo's
recurrences, the outbox keeps a change until it is confirmed, answers are queued, and
writes are undone by ``isolated`` when they fail.

It can also be "crashed": ``crash_at = n`` makes the n-th store call raise ``Crash`` (like
the Odoo process killed there); ``recover()`` then brings back what the last checkpoint
made durable, as a restarted Odoo would find it.
"""

import sys
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from itertools import islice

from graph_emulator.recurrence_expansion import build_rule, normalize

from engine import recurrence as recurrences
from engine.event_values import values_hash
from engine.ownership import ORGANIZER, RELAY, Meeting
from engine.series import OdooSeries
from engine.sync_state import LocalState
from engine.timezones import tzinfo

EPOCH = datetime(2000, 1, 1, tzinfo=UTC)


class Crash(BaseException):  # noqa: N818 - what happened, not an error to handle
    """The Odoo process died here: nothing after the last checkpoint survives."""


@dataclass
class LocalEvent:
    values: object  # EventValues
    active: bool = True
    modified_at: datetime = EPOCH
    ical_uid: str | None = None
    series_of: int | None = None  # the series' first event, on its occurrences
    key: object = None  # an occurrence's original start (UTC datetime, or day if all-day)
    follows_series: bool = True
    answer: str | None = None  # the account user's own answer, when they are invited


@dataclass
class QueuedChange:
    version: int
    transaction_id: str | None = None
    refused: str | None = None  # the message, once Outlook refused it
    withhold: bool = False  # to be sent without inviting its attendees


@dataclass
class State:
    events: dict = field(default_factory=dict)  # local id -> LocalEvent
    links: dict = field(default_factory=dict)  # remote id -> Link
    outbox: dict = field(default_factory=dict)  # local id -> QueuedChange
    answers: dict = field(default_factory=dict)  # local id -> Odoo response
    held: dict = field(default_factory=dict)  # remote id -> (side, local id, reason)
    retries: list = field(default_factory=list)
    next_id: int = 1
    version: int = 0

    def clone(self):
        """A copy to roll back to; event values and links are immutable, so shared."""
        return State({i: replace(e) for i, e in self.events.items()}, dict(self.links),
                     {i: replace(c) for i, c in self.outbox.items()}, dict(self.answers),
                     dict(self.held), list(self.retries), self.next_id, self.version)


class MemoryStore:
    def __init__(self):
        self.state = State()
        self._durable = self.state.clone()
        self._read_versions = {}
        self.checkpoints = 0
        self.notes = {}  # local id -> what Odoo could not keep of Outlook's repeat rule
        self.calls = 0
        self.crash_at = None  # crash at this store call (1 = the first)
        self.during_run = None  # (store method, action(store)): a user acting meanwhile

    # -- crashes and durability --------------------------------------------------------------

    def _step(self):
        self.calls += 1
        if self.crash_at is not None and self.calls == self.crash_at:
            raise Crash(f"crashed at store call {self.calls}")
        if self.during_run is not None and sys._getframe(1).f_code.co_name == self.during_run[0]:
            (_at, action), self.during_run = self.during_run, None
            action(self)

    def recover(self):
        """Odoo restarted: only what was checkpointed is there (ids are never reused, as
        PostgreSQL sequences are not rolled back)."""
        live = self.state
        self.state = self._durable.clone()
        self.state.next_id = max(live.next_id, self.state.next_id)
        self.state.version = max(live.version, self.state.version)
        self.crash_at = None
        self._read_versions = {}

    def _user(self, change):
        """A user's change is a transaction of its own: it commits at once, whatever a run
        holds uncommitted. ``change(state)`` is applied to both."""
        self.state.next_id = self._durable.next_id = max(self.state.next_id,
                                                         self._durable.next_id)
        self.state.version = self._durable.version = max(self.state.version,
                                                         self._durable.version)
        result = change(self.state)
        change(self._durable)
        return result

    # -- what a user does in "Odoo" ----------------------------------------------------------

    def user_creates(self, values, ical_uid=None, withhold=False):
        def change(state):
            local_id = _new_event(state, values, datetime.now(UTC), ical_uid)
            _expand(state, local_id)
            _queue(state, [local_id])
            state.outbox[local_id].withhold = withhold
            return local_id
        return self._user(change)

    def user_edits(self, local_id, **changes):
        now = datetime.now(UTC)

        def change(state):
            event = state.events[local_id]
            event.values = replace(event.values, **changes)
            event.modified_at = now
            if event.series_of is not None:
                event.follows_series = False
            elif event.values.recurrence and ({"start", "end", "recurrence"} & set(changes)):
                _expand(state, local_id)
            _queue(state, [local_id])
        self._user(change)

    def user_deletes(self, local_id):
        now = datetime.now(UTC)

        def change(state):
            _archive(state, local_id)
            state.events[local_id].modified_at = now
            _queue(state, [local_id])
        self._user(change)

    def user_answers(self, local_id, response):
        def change(state):
            state.answers[local_id] = response
        self._user(change)

    # -- what tests read ----------------------------------------------------------------------

    def active_events(self):
        return {i: e.values for i, e in self.state.events.items() if e.active}

    def subjects(self):
        return sorted(values.subject for values in self.active_events().values())

    @property
    def events(self):
        return self.state.events

    @property
    def links(self):
        return self.state.links

    @property
    def outbox(self):
        return {i for i, c in self.state.outbox.items() if c.refused is None}

    def refused(self):
        return {i: c.refused for i, c in self.state.outbox.items() if c.refused is not None}

    def held(self):
        return dict(self.state.held)

    # -- Links ----------------------------------------------------------------------------------

    def all_links(self):
        self._step()
        return list(self.state.links.values())

    def links_by_remote(self, remote_ids):
        self._step()
        return {rid: self.state.links[rid] for rid in remote_ids if rid in self.state.links}

    def links_by_local(self, local_ids):
        self._step()
        wanted = set(local_ids)
        return {link.local_id: link for link in self.state.links.values()
                if link.local_id in wanted}

    def series_links(self, master_remote_id):
        self._step()
        return [link for link in self.state.links.values()
                if link.series_master_id == master_remote_id]

    def within_window(self, links, start, end):
        self._step()
        inside = set()
        for link in links:
            span = self._span(link.local_id)
            if span and span[1] >= start and span[0] <= end:
                inside.add(link.remote_id)
        return inside

    def meetings(self, ical_uids):
        self._step()
        wanted = {uid for uid in ical_uids if uid}
        roles = {link.local_id: link.role for link in self.state.links.values()}
        found = {}
        for local_id, event in sorted(self.state.events.items()):
            if event.ical_uid in wanted and event.active and event.series_of is None:
                role = roles.get(local_id)
                organizer = event.values.organizer_email
                found.setdefault(event.ical_uid, []).append(Meeting(
                    local_id, organizer, driven=role in (ORGANIZER, RELAY),
                    owner_mailbox=organizer if role == ORGANIZER else ""))
        return found

    def save_link(self, link):
        self._step()
        for remote_id, old in list(self.state.links.items()):
            if old.local_id == link.local_id and remote_id != link.remote_id:
                del self.state.links[remote_id]
        self.state.links[link.remote_id] = link
        event = self.state.events.get(link.local_id)
        if event is not None and link.ical_uid and not event.ical_uid and not link.series_master_id:
            event.ical_uid = link.ical_uid

    def drop_link(self, link):
        self._step()
        self.state.links.pop(link.remote_id, None)
        for remote_id, other in list(self.state.links.items()):
            if other.series_master_id == link.remote_id:
                del self.state.links[remote_id]

    # -- Events ---------------------------------------------------------------------------------

    def exists(self, local_id):
        self._step()
        return local_id in self.state.events

    def local_values(self, local_id):
        self._step()
        return self.state.events[local_id].values

    def local_hash(self, local_id):
        self._step()
        return values_hash(self.state.events[local_id].values)

    def create_local(self, items):
        self._step()
        ids = []
        for state, values, _role in items:
            local_id = _new_event(self.state, values, ical_uid=state.ical_uid)
            self.state.events[local_id].answer = values.own_response
            _expand(self.state, local_id)
            ids.append(local_id)
        return ids

    def join_meeting(self, local_id, role, values):
        self._step()
        if values is not None and values.own_response:
            self.state.events[local_id].answer = values.own_response

    def set_answer(self, local_id, response):
        self._step()
        self.state.events[local_id].answer = response

    def update_local(self, local_id, values, role="organizer"):
        self._step()
        event = self.state.events[local_id]
        rebuild = event.series_of is None and values.recurrence and (
            values.recurrence != event.values.recurrence or values.start != event.values.start)
        event.values = replace(values, series_master_id=None, original_start=None)
        event.active = True
        if event.series_of is not None:
            event.follows_series = False
        if rebuild:
            _expand(self.state, local_id)

    def remove_local(self, local_id):
        self._step()
        _archive(self.state, local_id)

    def series(self, local_id):
        self._step()
        event = self.state.events.get(local_id)
        if event is None or event.series_of is not None or not event.values.recurrence:
            return None
        occurrences = {e.key: i for i, e in self.state.events.items()
                       if e.active and (i == local_id or e.series_of == local_id)}
        return OdooSeries(local_id, event.values.all_day, occurrences)

    def note_approximation(self, local_id, problems):
        self._step()
        self.notes[local_id] = [problem.render() for problem in problems]

    # -- Outbox ---------------------------------------------------------------------------------

    def pending(self):
        self._step()
        states = []
        self._read_versions = {}
        for local_id, change in sorted(self.state.outbox.items()):
            if change.refused is not None:
                continue
            self._read_versions[local_id] = change.version
            event = self.state.events.get(local_id)
            if event is None or not event.active:
                when = event.modified_at if event else EPOCH
                states.append(LocalState(local_id, None, when, deleted=True,
                                         occurrence=bool(event and event.series_of)))
                continue
            states.append(LocalState(
                local_id, values_hash(event.values), event.modified_at,
                ical_uid=event.ical_uid, ends_at=_end(event.values),
                occurrence=event.series_of is not None,
                follows_series=event.follows_series, transaction_id=change.transaction_id,
                withhold_invitations=change.withhold))
        return states

    def transaction_ids(self, local_ids):
        self._step()
        ids = {}
        for local_id in local_ids:
            change = self.state.outbox.get(local_id)
            if change is None:
                self.state.version += 1
                change = self.state.outbox[local_id] = QueuedChange(self.state.version)
                self._read_versions[local_id] = change.version
            if change.transaction_id is None:
                change.transaction_id = str(uuid.uuid4())
            ids[local_id] = change.transaction_id
        return ids

    def queue(self, local_ids):
        self._step()
        _queue(self.state, local_ids)

    def confirm(self, local_ids):
        self._step()
        for local_id in local_ids:
            change = self.state.outbox.get(local_id)
            if change and change.version == self._read_versions.get(local_id, change.version):
                del self.state.outbox[local_id]

    def refuse(self, local_id, error):
        self._step()
        change = self.state.outbox.get(local_id)
        if change is not None and change.version == self._read_versions.get(
                local_id, change.version):
            change.refused = error.text()

    def pending_answers(self):
        self._step()
        links = {link.local_id: link for link in self.state.links.values()}
        return [(links[i], r) for i, r in sorted(self.state.answers.items()) if i in links]

    def has_unsendable_answers(self):
        self._step()
        links = {link.local_id for link in self.state.links.values()}
        return any(local_id not in links for local_id in self.state.answers)

    def confirm_answers(self, local_ids):
        self._step()
        links = {link.local_id for link in self.state.links.values()}
        for local_id in [*local_ids, *(i for i in self.state.answers if i not in links)]:
            self.state.answers.pop(local_id, None)

    def inbound_retries(self):
        self._step()
        return list(self.state.retries)

    def retry_inbound(self, remote_ids):
        self._step()
        self.state.retries = list(remote_ids)

    # -- Held -----------------------------------------------------------------------------------

    def held_removals(self):
        self._step()
        return [rid for rid, (side, _l, _r) in self.state.held.items() if side == "odoo"]

    def hold(self, side, links, reason):
        self._step()
        self.state.held = {link.remote_id: (side, link.local_id, reason) for link in links}

    def release_held(self):
        self._step()
        self.state.held = {}

    # -- Work -----------------------------------------------------------------------------------

    @contextmanager
    def isolated(self):
        self._step()
        before = self.state.clone()
        try:
            yield
        except Exception:
            self.state = before
            raise

    def checkpoint(self):
        self._step()
        self.checkpoints += 1
        self._durable = self.state.clone()

    def _span(self, local_id):
        event = self.state.events.get(local_id)
        if event is None:
            return None
        members = [e for e in self.state.events.values() if e.series_of == local_id] + [event]
        return (min(_as_datetime(e.values.start) for e in members),
                max(_end(e.values) for e in members))


# -- what Odoo does to its events, on one state ---------------------------------------------


def _new_event(state, values, modified_at=EPOCH, ical_uid=None, series_of=None):
    local_id = state.next_id
    state.next_id += 1
    values = replace(values, series_master_id=None, original_start=None)
    state.events[local_id] = LocalEvent(values, True, modified_at, ical_uid, series_of,
                                        _key(values))
    return local_id


def _expand(state, local_id):
    """Odoo makes one event per occurrence; a new rule or new times rebuild them."""
    base = state.events[local_id]
    for other_id, other in list(state.events.items()):
        if other.series_of == local_id:
            del state.events[other_id]
    values = base.values
    if values.recurrence is None:
        return
    for start in _occurrence_starts(values)[1:]:
        shift = start - _as_datetime(values.start)
        occurrence = replace(values, recurrence=None, start=_shift(values.start, shift),
                             end=_shift(values.end, shift))
        _new_event(state, occurrence, base.modified_at, None, local_id)


def _archive(state, local_id):
    event = state.events[local_id]
    event.active = False
    if event.series_of is None and event.values.recurrence:
        for other in state.events.values():
            if other.series_of == local_id:
                other.active = False


def _queue(state, local_ids):
    for local_id in local_ids:
        state.version += 1
        change = state.outbox.get(local_id)
        if change is None:
            state.outbox[local_id] = QueuedChange(state.version)
        else:
            change.version, change.refused = state.version, None


def _occurrence_starts(values):
    """The occurrence starts Odoo would make for a series (at most 720, as Odoo)."""
    graph = normalize(recurrences.to_graph(values.recurrence, values.timezone))
    if values.all_day:
        rule = build_rule(graph, time(0, 0))
        return [start.replace(tzinfo=UTC) for start in islice(rule, 720)]
    zone = tzinfo(values.timezone)
    rule = build_rule(graph, values.start.astimezone(zone).time())
    return [zone.localize(start).astimezone(UTC) for start in islice(rule, 720)]


def _as_datetime(value):
    if isinstance(value, datetime):
        return value
    return datetime.combine(value, time(0, 0), tzinfo=UTC)


def _shift(value, delta):
    if isinstance(value, datetime):
        return value + delta
    return value + timedelta(days=delta.days)


def _key(values):
    return values.start if isinstance(values.start, date) and not isinstance(
        values.start, datetime) else values.start.astimezone(UTC).replace(microsecond=0)


def _end(values):
    return _as_datetime(values.end) if not values.all_day else _as_datetime(
        values.end) + timedelta(days=1)
