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

from dataclasses import dataclass, field

from . import guard, scope, series
from .graph_client import BATCH_LIMIT, BatchRequest, GraphClient, chunked
from .inbound import Inbound, collect, read_items
from .odoo_writes import OdooWrites
from .outlook_writes import OutlookWrites
from .planner import (
    ConflictPolicy,
    CreateRemote,
    DeleteRemote,
    Direction,
    Plan,
    UpdateRemote,
    plan,
)
from .scope import Scope
from .series_pairing import SeriesPairing
from .store import LocalStore
from .sync_state import MASTER

LOCAL_CHUNK = 50  # Odoo writes per isolated step and checkpoint
_REMOTE_WRITES = (CreateRemote, UpdateRemote, DeleteRemote)


@dataclass(frozen=True)
class SyncSettings:
    scope: Scope
    policy: ConflictPolicy
    confirmed_deletions: bool = False  # the user confirmed the deletions the guard held
    # Heads the attendee list written into the body of events sent without invitations.
    withheld_label: str = "Attendees"

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


class SyncRun(OdooWrites, OutlookWrites, SeriesPairing):
    """One run. Its rooms: collecting and planning here; Odoo's writes in odoo_writes.py,
    Outlook's in outlook_writes.py, series pairing in series_pairing.py."""

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
        self._withhold = set()  # local ids to create in Outlook without inviting anyone
        self._retried = []  # Outlook ids this run read again after an earlier failure

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
        if self.settings.direction is Direction.TO_OUTLOOK and delta_link:
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
        self._retried = self.store.inbound_retries()
        self._read_events([rid for rid in self._retried if rid not in inbound.states], inbound)
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
        local = self.store.pending()
        if not (inbound.full or inbound.states or inbound.listings or local):
            return Plan(), local  # nothing changed on either side: nothing to weigh
        links = self.store.all_links()
        linked_local = {link.local_id for link in links}
        linked_remote = {link.remote_id for link in links}
        pushable = [s for s in local if scope.may_push(s, s.local_id in linked_local, self.scope)]
        self._withhold = {s.local_id for s in pushable if s.withhold_invitations}
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
        by_remote = {link.remote_id: link for link in links}
        by_master = {}
        for link in links:
            if link.series_master_id:
                by_master.setdefault(link.series_master_id, []).append(link)
        for master_id, listing in inbound.listings.items():
            master, state = by_remote.get(master_id), states.get(master_id)
            if listing.complete and master and not (state and state.removed):
                for removed in self._series_removals(master, listing,
                                                     by_master.get(master_id, ())):
                    states.setdefault(removed.remote_id, removed)
        return list(states.values())

    def _series_removals(self, master, listing, occurrence_links):
        """Linked occurrences a complete listing no longer shows."""
        odoo_series = self.store.series(master.local_id)
        if not odoo_series:
            return ()
        decision = series.reconcile(odoo_series, listing, occurrence_links,
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

    # -- 5. the queue -----------------------------------------------------------------------

    def _settle_queue(self, local):
        """Confirm the queued Odoo changes this run is done with (those with nothing to send;
        sent ones were confirmed with their batch). Changes that failed, wait for Outlook,
        or whose deletion the guard holds stay queued. Outlook changes that failed in Odoo
        are read again at the next run."""
        held = {a.link.local_id for a in (self.report.held.held if self.report.held else ())}
        done = [s.local_id for s in local if s.local_id not in self._pushed
                and self._outcome.get(s.local_id, True) and s.local_id not in held]
        retries = sorted(self._retry)
        if not done and retries == sorted(self._retried):
            return  # nothing to record: no step, no checkpoint
        with self.store.isolated():
            self.store.confirm(done)
            self.store.retry_inbound(retries)
        self.store.checkpoint()
