"""One synchronization run of one account: collect, plan once, carry out in chunks.

1. **Collect.** Read the whole delta round (``engine.inbound``): compact states, values
   kept only for what changed, series instances gathered per series. In an incremental
   round, a series that changed is listed completely (``/instances``) so that its
   occurrences are judged on the whole truth, never on a partial page.
2. **Plan once** over every link of the account, every queued Odoo change and every Outlook
   change (``engine.planner``), within what the run may touch (``engine.scope``), then let
   the mass-deletion guard (``engine.guard``) hold back a wipe.
3. **Carry out** Odoo's writes in chunks: each chunk in one isolated step, replayed event by
   event when it fails, so one bad event becomes an item error and the others go on; a
   checkpoint after each chunk. Outlook's writes go in ``$batch`` requests of 20; each
   answer is recorded (links of created events, queue confirmations) in the same
   checkpoint as the batch's outcome, and creations carry the transactionId the outbox
   keeps for them, so a crash anywhere never loses nor duplicates anything.
4. **Series**: instances are paired with Odoo's occurrences (``engine.series``).
5. The user's answers to invitations go to their mailbox.

The delta link is handed back in the report; the caller stores it only when the run went
through to the end. A run cut short at any point is simply done again.
"""

import logging
from dataclasses import dataclass, field

from . import guard, mapping, scope, series
from . import recurrence as recurrences
from .errors import ConsentRevoked, SyncError
from .event_values import MappingError, values_hash
from .graph_client import BATCH_LIMIT, BatchRequest, GraphClient, chunked
from .i18n import Text, _lt
from .inbound import Inbound, ItemError, collect, read_items
from .outbound import (
    DONE,
    GONE,
    LATER,
    REFUSED,
    STOP,
    outcome_of,
    outcome_of_failure,
    request_for,
)
from .ownership import ORGANIZER
from .planner import (
    ConflictPolicy,
    CreateLocal,
    CreateRemote,
    DeclineLocal,
    DeleteLocal,
    DeleteRemote,
    LinkExisting,
    Plan,
    RecordConflict,
    RefreshLink,
    RestoreLocal,
    Unlink,
    UpdateAnswer,
    UpdateLocal,
    UpdateRemote,
    plan,
)
from .scope import Scope
from .store import LocalStore
from .sync_state import MASTER, Link, RemoteState

_logger = logging.getLogger(__name__)

LOCAL_CHUNK = 50  # Odoo writes per isolated step and checkpoint
_REMOTE_WRITES = (CreateRemote, UpdateRemote, DeleteRemote)


@dataclass(frozen=True)
class SyncSettings:
    scope: Scope
    policy: ConflictPolicy
    confirmed_deletions: bool = False  # the user confirmed the deletions the guard held

    @property
    def direction(self):
        return self.scope.direction


@dataclass
class SyncReport:
    full: bool = False
    pulled: int = 0
    counts: dict = field(default_factory=dict)
    conflicts: list = field(default_factory=list)
    errors: list = field(default_factory=list)  # ItemError
    delta_link: str | None = None
    waiting: int = 0  # Odoo changes kept queued because Outlook could not take them now
    held: guard.Verdict | None = None  # deletions waiting for the user
    notices: list = field(default_factory=list)  # i18n.Text sentences for the history

    def count(self, kind, number=1):
        if number:
            self.counts[kind] = self.counts.get(kind, 0) + number


class SyncRun:
    def __init__(self, client: GraphClient, store: LocalStore, settings: SyncSettings,
                 owner_email: str = "", progress=None):
        self.client = client
        self.store = store
        self.settings = settings
        self.scope = settings.scope
        self.owner_email = owner_email  # the mailbox: its own answers are read from its copy
        self.progress = progress or (lambda stage, done, total: None)
        self.report = SyncReport()
        self._outcome = {}  # local id -> False once one of its actions failed or waits
        self._pushed = set()  # local ids whose queued change Outlook confirmed
        self._created_series = set()  # Outlook series masters created in Odoo by this run
        self._pushed_series = []  # links of series created or changed in Outlook
        self._retry = set()  # Outlook ids whose change failed in Odoo: read again next run

    # -- the run --------------------------------------------------------------------------

    def run(self, delta_link: str | None) -> SyncReport:
        inbound = self._collect(delta_link)
        decided, local = self._plan(inbound)
        self._carry_out(decided, inbound)
        self._pair_series(inbound)
        self._settle_queue(local)
        self._push_answers()
        self.report.delta_link = inbound.delta_link
        return self.report

    # -- 1. collect -----------------------------------------------------------------------

    def _collect(self, delta_link):
        if self.settings.direction.value == "odoo_to_outlook" and delta_link:
            return Inbound(delta_link=delta_link)  # Outlook's changes are not read
        pages = self.client.calendar_delta(
            delta_link, self.scope.window_start, self.scope.window_end)
        inbound = collect(pages, self.owner_email, self._known_change_keys)
        self.report.full, self.report.pulled = inbound.full, inbound.pulled
        self.report.errors.extend(inbound.errors)
        self.progress("read", inbound.pulled, inbound.pulled)
        if not inbound.full:
            self._list_changed_series(inbound)
        for remote_id in self.store.held_removals():
            if remote_id not in inbound.states:
                inbound.states[remote_id] = series.removal(remote_id)
        retries = [rid for rid in self.store.inbound_retries() if rid not in inbound.states]
        self._read_events(retries, inbound)
        return inbound

    def _read_events(self, remote_ids, inbound):
        """Read these Outlook events into ``inbound`` ($batch); those Outlook no longer has
        are noted in ``inbound.missing``."""
        for chunk in chunked(remote_ids, BATCH_LIMIT):
            reads = [BatchRequest.read(str(i), rid) for i, rid in enumerate(chunk)]
            for remote_id, result in zip(chunk, self.client.batch(reads), strict=True):
                if result.status == 404:
                    inbound.missing.add(remote_id)
                elif result.body and not result.error:
                    read_items(inbound, [result.body], self.owner_email,
                               self._known_change_keys)

    def _known_change_keys(self, remote_ids):
        return {rid: link.change_key
                for rid, link in self.store.links_by_remote(remote_ids).items()}

    def _list_changed_series(self, inbound):
        """An incremental round may carry a series only in part: list each changed series
        completely, so that its occurrences are judged on the whole truth."""
        links = self.store.links_by_remote(inbound.listings)
        for master_id, listing in list(inbound.listings.items()):
            state, link = inbound.states.get(master_id), links.get(master_id)
            if not self._needs_listing(listing, state, link):
                continue
            items = self.client.list_instances(
                master_id, self.scope.window_start, self.scope.window_end)
            listing.instances.clear()
            listing.complete = True
            read_items(inbound, items, self.owner_email, self._known_change_keys)

    def _needs_listing(self, listing, state, link):
        if state is not None and state.removed:
            return False  # the whole series is gone
        if link is None and (state is None or state.kind != MASTER):
            return False  # instances of a series this mailbox does not sync
        echo = state is None or (link is not None and state.change_key == link.change_key)
        stubs_only = all(i.kind == "occurrence" and not i.cancelled
                         for i in listing.instances.values())
        known = self.store.links_by_remote(listing.instances)
        return not (echo and stubs_only and len(known) == len(listing.instances))

    # -- 2. plan --------------------------------------------------------------------------

    def _plan(self, inbound):
        links = self.store.all_links()
        linked_local = {link.local_id for link in links}
        linked_remote = {link.remote_id for link in links}
        local = self.store.pending()
        pushable = [s for s in local if scope.may_push(s, s.local_id in linked_local, self.scope)]
        remote = self._remote_states(inbound, links)
        meetings = self.store.meetings(
            {s.ical_uid for s in remote if s.ical_uid and s.remote_id not in linked_remote})
        remote = [s for s in remote if scope.may_import(
            s.remote_id in linked_remote or s.ical_uid in meetings, s.modified_at,
            self.scope)]
        decided = plan(links, pushable, remote, direction=self.settings.direction,
                       policy=self.settings.policy, meetings=meetings,
                       mailbox=self.owner_email)
        verdict = guard.check(decided, links, listed_nothing=inbound.listed_nothing,
                              confirmed=self.settings.confirmed_deletions)
        if verdict.held:
            self.report.held = verdict
            self.store.hold(verdict.side, [action.link for action in verdict.held],
                            verdict.reason)
        else:
            self.store.release_held()
        return verdict.allowed, local

    def _remote_states(self, inbound, links):
        """Outlook's states, plus the removals a complete listing proves: a linked event
        of the window that a full round did not list was deleted in Outlook."""
        states = dict(inbound.states)
        if inbound.full:
            singles = [link for link in links if not link.series_master_id]
            listed = set(states) | {i for lst in inbound.listings.values() for i in lst.instances}
            for remote_id in self.store.within_window(
                    singles, self.scope.window_start, self.scope.window_end):
                if remote_id not in listed:
                    states[remote_id] = series.removal(remote_id)
        for master_id, listing in inbound.listings.items():
            master = states.get(master_id)
            if listing.complete and not (master and master.removed):
                for state in self._series_removals(master_id, listing):
                    states.setdefault(state.remote_id, state)
        return list(states.values())

    def _series_removals(self, master_id, listing):
        """Linked occurrences a complete listing no longer shows."""
        master = self.store.links_by_remote([master_id]).get(master_id)
        odoo_series = master and self.store.series(master.local_id)
        if not odoo_series:
            return ()
        decision = series.reconcile(odoo_series, listing, self.store.series_links(master_id),
                                    self.scope.window_start, self.scope.window_end)
        return decision.removed

    # -- 3. carry out ---------------------------------------------------------------------

    def _carry_out(self, decided: Plan, inbound):
        local_actions, remote_actions = [], []
        for action in decided:
            (remote_actions if isinstance(action, _REMOTE_WRITES) else local_actions).append(
                action)
        self._fetch_missing_values(local_actions, inbound)
        done = 0
        for chunk in chunked(local_actions, LOCAL_CHUNK):
            self._local_chunk(chunk, inbound)
            self.store.checkpoint()
            done += len(chunk)
            self.progress("write_odoo", done, len(local_actions))
        self._push(remote_actions)

    def _fetch_missing_values(self, actions, inbound):
        """Read the Outlook events an action needs but the round did not carry (an event
        restored from Outlook, for instance)."""
        wanted = {_remote_id(a) for a in actions
                  if isinstance(a, (CreateLocal, UpdateLocal, RestoreLocal, LinkExisting,
                                    UpdateAnswer))}
        self._read_events(sorted(rid for rid in wanted if rid not in inbound.values), inbound)

    def _local_chunk(self, chunk, inbound):
        """One isolated step; when it fails, each action again on its own."""
        try:
            with self.store.isolated():
                self._apply_local(chunk, inbound)
            return
        except ConsentRevoked:
            raise
        except Exception:  # noqa: BLE001 - replayed one by one below, to find which one
            if len(chunk) == 1:
                raise
        for action in chunk:
            try:
                with self.store.isolated():
                    self._apply_local([action], inbound)
            except ConsentRevoked:
                raise
            except Exception as error:  # noqa: BLE001 - one event must not stop the run
                self._fail(action, error, inbound)

    def _apply_local(self, actions, inbound):
        creates = []
        for action in actions:
            if isinstance(action, CreateLocal):
                creates.append(action)
            else:
                self._apply_one(action, inbound)
        if creates:
            self._create_locals(creates, inbound)

    def _apply_one(self, action, inbound):
        store = self.store
        if isinstance(action, UpdateLocal):
            values = inbound.values[action.remote_id]
            if not store.exists(action.link.local_id):
                store.drop_link(action.link)  # an occurrence Odoo rebuilt: paired anew
                return
            store.update_local(action.link.local_id, values, action.link.role)
            store.save_link(self._link(action.link.local_id, inbound.states[action.remote_id],
                                       values, action.link.series_master_id, action.link.role))
            self._note_rule_loss(action.link.local_id, values)
            self.report.count("updated_in_odoo")
        elif isinstance(action, RestoreLocal):
            self._restore_local(action.link, inbound)
        elif isinstance(action, DeleteLocal):
            if store.exists(action.link.local_id):
                store.remove_local(action.link.local_id)
            store.drop_link(action.link)
            self.report.count("deleted_in_odoo")
        elif isinstance(action, LinkExisting):
            state, values = inbound.states[action.remote_id], inbound.values.get(
                action.remote_id)
            store.join_meeting(action.local_id, action.role, values)
            store.save_link(self._link(action.local_id, state, values, role=action.role))
            self.report.count("matched")
        elif isinstance(action, UpdateAnswer):
            values = inbound.values[action.remote_id]
            store.set_answer(action.link.local_id, values.own_response)
            store.save_link(self._link(action.link.local_id, inbound.states[action.remote_id],
                                       values, role=action.link.role))
            self.report.count("answers_in_odoo")
        elif isinstance(action, DeclineLocal):
            store.set_answer(action.link.local_id, "declined")
            store.drop_link(action.link)
            self.report.count("answers_in_odoo")
        elif isinstance(action, RefreshLink):
            link = action.link
            seen = inbound.values.get(link.remote_id)
            store.save_link(Link(link.local_id, link.remote_id, link.ical_uid,
                                 action.change_key, action.synced_hash,
                                 values_hash(seen) if seen else link.remote_hash,
                                 link.series_master_id, link.role))
        elif isinstance(action, Unlink):
            store.drop_link(action.link)
        elif isinstance(action, RecordConflict):
            self.report.conflicts.append(action)

    def _restore_local(self, link, inbound):
        values = inbound.values.get(link.remote_id)
        if link.remote_id in inbound.missing:
            self.store.drop_link(link)  # gone on both sides
            return
        if values is None:
            raise SyncError(_lt("The Outlook event could not be read to restore it."))
        state = inbound.states[link.remote_id]
        if self.store.exists(link.local_id):
            self.store.update_local(link.local_id, values, link.role)
            local_id = link.local_id
        else:
            self.store.drop_link(link)
            (local_id,) = self.store.create_local([(state, values, link.role)])
        self.store.save_link(self._link(local_id, state, values, link.series_master_id,
                                        link.role))
        self.report.count("created_in_odoo")

    def _create_locals(self, actions, inbound):
        items = [(inbound.states[a.remote_id], inbound.values[a.remote_id], a.role)
                 for a in actions]
        local_ids = self.store.create_local(items)
        for (state, values, role), local_id in zip(items, local_ids, strict=True):
            self.store.save_link(self._link(local_id, state, values, role=role))
            if state.kind == MASTER:
                self._created_series.add(state.remote_id)
                self._note_rule_loss(local_id, values)
        self.report.count("created_in_odoo", len(local_ids))

    def _note_rule_loss(self, local_id, values):
        """Say in plain words what of Outlook's repeat rule Odoo could not keep, on the
        event and in the sync history: never silently different."""
        if values.recurrence is None:
            return
        problems = recurrences.odoo_recurrence_loss(values.recurrence, values.start,
                                                   values.timezone)
        if problems:
            self.store.note_approximation(local_id, problems)
            self.report.notices += [Text(_lt('"%(event)s": %(problem)s'), event=values.subject,
                                         problem=problem) for problem in problems]

    def _link(self, local_id, state: RemoteState, values=None, series_master_id=None,
              role=ORGANIZER):
        """The link once both sides agree: Odoo's hash as Odoo reads the event now, and
        Outlook's as Outlook sent it (when its values came along)."""
        return Link(local_id, state.remote_id, state.ical_uid, state.change_key,
                    self.store.local_hash(local_id), values_hash(values) if values else None,
                    series_master_id or state.series_master_id, role)

    def _fail(self, action, error, inbound):
        """Record one event that could not be synchronized; its queued change stays."""
        local_id = _local_id(action)
        remote_id = _remote_id(action)
        values = inbound.values.get(remote_id) if remote_id else None
        subject = values.subject if values else ""
        if local_id is not None:
            self._outcome[local_id] = False
        if remote_id is not None and not isinstance(error, MappingError):
            self._retry.add(remote_id)
        message = getattr(error, "user_message", None) or _lt(
            "Odoo could not save this event: %(reason)s")
        params = () if hasattr(error, "user_message") else (("reason", str(error)[:300]),)
        self.report.errors.append(ItemError(subject, message, getattr(error, "code", None),
                                            params, local_id, remote_id))
        _logger.info("Outlook sync skipped an event (%s): %s", type(error).__name__, error)

    # -- 3b. Outlook's writes -------------------------------------------------------------

    def _push(self, actions):
        """Send Odoo's changes; each $batch's outcome is recorded and checkpointed."""
        done, gone = 0, []
        for chunk in chunked(actions, BATCH_LIMIT):
            gone += self._push_batch(chunk)
            done += len(chunk)
            self.progress("write_outlook", done, len(actions))
            self._pair_pushed_series()
        if gone:
            self._replan_gone(gone)

    def _push_batch(self, actions):
        ready = self._payloads(actions)
        creates = [a.local_id for a, _r in ready if isinstance(a, CreateRemote)]
        transaction_ids = self.store.transaction_ids(creates) if creates else {}
        if creates:
            self.store.checkpoint()  # the ids exist durably before Outlook sees them
        requests = [request_for(str(index), action, payload,
                                transaction_ids.get(_local_id(action)))
                    for index, (action, (payload, _values)) in enumerate(ready)]
        if not requests:
            return []
        try:
            outcomes = [outcome_of(a, r) for (a, _i), r in
                        zip(ready, self.client.batch(requests), strict=True)]
        except SyncError as error:
            outcomes = [outcome_of_failure(error)] * len(ready)
        gone = self._record_pushes(ready, outcomes)
        self.store.checkpoint()
        stop = next((o.error for o in outcomes if o.kind == STOP), None)
        if stop is not None:
            raise stop
        return gone

    def _payloads(self, actions):
        """(action, (payload, values)) for each write worth sending; updates send only what
        Outlook shows differently (Outlook mails attendees when it gets their list)."""
        before = self._current_remote_values(
            [a.link.remote_id for a in actions if isinstance(a, UpdateRemote)])
        ready = []
        for action in actions:
            if isinstance(action, DeleteRemote):
                ready.append((action, (None, None)))
                continue
            local_id = _local_id(action)
            try:
                values = self.store.local_values(local_id)
                if isinstance(action, CreateRemote):
                    payload = mapping.to_graph(values)
                else:
                    payload = mapping.graph_patch(before.get(action.link.remote_id), values)
            except MappingError as error:
                self._refuse(local_id, "", error)
                continue
            if payload:
                ready.append((action, (payload, values)))
            else:  # nothing Outlook shows differs: only the link moves on
                link = action.link
                self.store.save_link(Link(link.local_id, link.remote_id, link.ical_uid,
                                          link.change_key, values_hash(values),
                                          link.remote_hash, link.series_master_id))
        return ready

    def _current_remote_values(self, remote_ids):
        current = {}
        for chunk in chunked(remote_ids, BATCH_LIMIT):
            reads = [BatchRequest.read(str(i), rid) for i, rid in enumerate(chunk)]
            for remote_id, result in zip(chunk, self.client.batch(reads), strict=True):
                if result.body and not result.error:
                    try:
                        current[remote_id] = mapping.from_graph(result.body,
                                                                owner_email=self.owner_email)
                    except MappingError:
                        pass  # unreadable: the whole event is sent instead
        return current

    def _record_pushes(self, ready, outcomes):
        """Record every answer of one batch, in one step: the links of what Outlook
        created and the queue's confirmations. Returns the updates Outlook no longer had."""
        gone = []
        with self.store.isolated():
            for (action, (_payload, values)), outcome in zip(ready, outcomes, strict=True):
                local_id = _local_id(action)
                if outcome.kind == DONE:
                    self._record_push(action, values, outcome.body or {})
                elif outcome.kind == REFUSED:
                    self._refuse(local_id, values.subject if values else "", outcome.error)
                elif outcome.kind == GONE:
                    gone.append(action)
                else:  # LATER or STOP: stays queued
                    self._outcome[local_id] = False
                    self.report.waiting += outcome.kind == LATER
        return gone

    def _record_push(self, action, values, body):
        store, local_id = self.store, _local_id(action)
        store.confirm([local_id])
        self._pushed.add(local_id)
        if isinstance(action, DeleteRemote):
            store.drop_link(action.link)
            self.report.count("deleted_in_outlook")
            return
        old = getattr(action, "link", None)
        link = Link(local_id, body.get("id") or old.remote_id,
                    body.get("iCalUId") or (old and old.ical_uid),
                    body.get("changeKey"), values_hash(values), self._hash_of(body),
                    old.series_master_id if old else None)
        store.save_link(link)
        self.report.count("created_in_outlook" if old is None else "updated_in_outlook")
        if values.recurrence is not None:
            self._pushed_series.append(link)

    def _hash_of(self, body):
        """Outlook's values hash of an event it answered with (None when unreadable)."""
        try:
            return values_hash(mapping.from_graph(body, owner_email=self.owner_email))
        except MappingError:
            return None

    def _refuse(self, local_id, subject, error):
        item = ItemError(subject, getattr(error, "user_message", None) or str(error),
                         getattr(error, "code", None), local_id=local_id)
        self.report.errors.append(item)
        self.store.refuse(local_id, item)
        self._outcome[local_id] = False

    def _replan_gone(self, actions):
        """Updates Outlook answered 404: the event was deleted there meanwhile. Planned
        again as removed in Outlook (under most recent, the Odoo edit brings it back)."""
        links = [a.link for a in actions]
        local = [s for s in self.store.pending() if s.local_id in {k.local_id for k in links}]
        removed = [series.removal(link.remote_id, link.series_master_id) for link in links]
        again = plan(links, local, removed, direction=self.settings.direction,
                     policy=self.settings.policy)
        for local_id in {link.local_id for link in links}:
            self._outcome.pop(local_id, None)
        self._carry_out(again, Inbound())

    # -- 4. series ------------------------------------------------------------------------

    def _pair_series(self, inbound):
        """Pair the instances Outlook showed with Odoo's occurrences of the same start."""
        links = self.store.links_by_remote(inbound.listings)
        for master_id, listing in inbound.listings.items():
            if master_id in links:
                self._pair_safely(links[master_id], listing, inbound,
                                  created=master_id in self._created_series)
        self.store.checkpoint()

    def _pair_safely(self, master, listing, inbound, created, stale=False):
        try:
            with self.store.isolated():
                if stale:  # Outlook made new instances for a new rule: pair them anew
                    for link in self.store.series_links(master.remote_id):
                        if link.remote_id not in listing.instances:
                            self.store.drop_link(link)
                self._pair(master, listing, inbound, created)
        except ConsentRevoked:
            raise
        except Exception as error:  # noqa: BLE001 - one series must not stop the run
            self._fail(Unlink(master), error, inbound)

    def _pair_pushed_series(self):
        """After creating or changing series in Outlook, link their instances; Odoo's own
        occurrences are never deleted for lack of an Outlook instance."""
        masters, self._pushed_series = self._pushed_series, []
        for master in masters:
            inbound = Inbound()
            items = self.client.list_instances(
                master.remote_id, self.scope.window_start, self.scope.window_end)
            read_items(inbound, items, self.owner_email, lambda ids: {})
            listing = inbound.listing(master.remote_id)
            listing.complete = True
            self._pair_safely(master, listing, inbound, created=False, stale=True)
        self.store.checkpoint()

    def _pair(self, master, listing, inbound, created):
        odoo_series = self.store.series(master.local_id)
        if odoo_series is None:
            return
        live = set(odoo_series.occurrences.values())
        links = []
        for link in self.store.series_links(master.remote_id):
            if link.local_id in live or self.store.exists(link.local_id):
                links.append(link)
            else:
                self.store.drop_link(link)  # Odoo rebuilt this occurrence: paired anew
        decision = series.reconcile(odoo_series, listing, links, self.scope.window_start,
                                    self.scope.window_end)
        for local_id, instance in decision.pairs:
            if instance.cancelled:
                self.store.remove_local(local_id)
                self.report.count("deleted_in_odoo")
                continue
            state = inbound.states.get(instance.remote_id) or RemoteState(
                instance.remote_id, None, None, None, kind=instance.kind,
                series_master_id=master.remote_id)
            values = inbound.values.get(instance.remote_id)
            if values is not None and instance.kind == "exception":
                self.store.update_local(local_id, values, master.role)
            self.store.save_link(self._link(local_id, state, values, master.remote_id,
                                            master.role))
        if created and listing.complete:
            for local_id in decision.unmatched:  # Odoo's rule gave more than Outlook has
                self.store.remove_local(local_id)

    # -- 5. the queue and the answers -----------------------------------------------------

    def _settle_queue(self, local):
        """Confirm the queued Odoo changes this run is done with (those with nothing to send;
        sent ones were confirmed with their batch). Changes that failed, wait for Outlook,
        or whose deletion the guard holds stay queued. Outlook changes that failed in Odoo
        are read again at the next run."""
        held = {a.link.local_id for a in (self.report.held.held if self.report.held else ())}
        done = [s.local_id for s in local if s.local_id not in self._pushed
                and self._outcome.get(s.local_id, True) and s.local_id not in held]
        with self.store.isolated():
            self.store.confirm(done)
            self.store.retry_inbound(sorted(self._retry))
        self.store.checkpoint()

    def _push_answers(self):
        """The user's own answers to invitations (accept, decline, maybe) go to Outlook,
        which tells the organizer."""
        if self.settings.direction.value == "outlook_to_odoo":
            return
        answered = []
        for link, response in self.store.pending_answers():
            action = mapping.respond_action(response)
            try:
                if action:
                    self.client.respond(link.remote_id, action)
                    self.report.count("answered_in_outlook")
            except ConsentRevoked:
                raise
            except SyncError as error:
                self.report.errors.append(ItemError("", error.user_message, error.code,
                                                    local_id=link.local_id))
                continue
            answered.append(link.local_id)
        with self.store.isolated():
            self.store.confirm_answers(answered)
        self.store.checkpoint()


def _local_id(action):
    if isinstance(action, CreateRemote):
        return action.local_id
    link = getattr(action, "link", None)
    if link is not None:
        return link.local_id
    return getattr(action, "local_id", None)


def _remote_id(action):
    remote_id = getattr(action, "remote_id", None)
    if remote_id is None and getattr(action, "link", None) is not None:
        return action.link.remote_id
    return remote_id
