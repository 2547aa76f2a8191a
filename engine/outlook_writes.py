"""Sending Odoo's changes to Outlook in ``$batch`` requests of 20, crash-safely.

Creations carry the transactionId the outbox keeps for them, made durable before Outlook
sees it; each batch's answers (links of created events, queue confirmations, refusals)
are recorded in one isolated step and checkpointed right away, so a crash anywhere loses
and duplicates nothing. What each answer means is ``engine.outbound``'s question. Part of
``engine.sync_run.SyncRun``.
"""

from . import mapping, series
from .errors import ConsentRevoked, SyncError
from .event_values import MappingError, values_hash
from .graph_client import BATCH_LIMIT, BatchRequest, chunked
from .inbound import Inbound, ItemError
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
from .planner import CreateRemote, DeleteRemote, Direction, UpdateRemote, local_id_of, plan
from .sync_state import Link


class OutlookWrites:
    """Needs the attributes SyncRun sets up (store, client, report, ...)."""

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
                                transaction_ids.get(local_id_of(action)))
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
            local_id = local_id_of(action)
            try:
                values = self.store.local_values(local_id)
                sent = self._as_sent(action, values)
                if isinstance(action, CreateRemote):
                    payload = mapping.to_graph(sent)
                else:
                    payload = mapping.graph_patch(before.get(action.link.remote_id), sent)
            except MappingError as error:
                self._refuse(local_id, "", error)
                continue
            if payload:
                ready.append((action, (payload, values)))
            else:  # nothing Outlook shows differs: only the link moves on
                link = action.link
                self.store.save_link(Link(link.local_id, link.remote_id, link.ical_uid,
                                          link.change_key, values_hash(values),
                                          link.remote_hash, link.series_master_id,
                                          link.role, link.withheld))
        return ready

    def _withheld(self, action):
        if isinstance(action, CreateRemote):
            return action.local_id in self._withhold
        return action.link.withheld

    def _as_sent(self, action, values):
        """What Outlook gets: an event whose attendees must not be invited goes without
        them (their list in its body), now and at every later update."""
        if self._withheld(action):
            return mapping.without_invitations(values, self.settings.withheld_label)
        return values

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
                local_id = local_id_of(action)
                if outcome.kind == DONE:
                    self._record_push(action, values, outcome.body or {})
                elif outcome.kind == REFUSED:
                    self._refuse(local_id, values.subject if values else "", outcome.error)
                elif outcome.kind == GONE:
                    gone.append(action)
                else:  # LATER or STOP: stays queued
                    self._outcome[local_id] = False
                    self.report.waiting += outcome.kind == LATER
            self.store.confirm([local_id_of(action) for (action, _r), outcome
                                in zip(ready, outcomes, strict=True) if outcome.kind == DONE])
        return gone

    def _record_push(self, action, values, body):
        store, local_id = self.store, local_id_of(action)
        self._pushed.add(local_id)  # its queue row is confirmed with the batch's others
        if isinstance(action, DeleteRemote):
            store.drop_link(action.link)
            self.report.count("deleted_in_outlook")
            return
        old = getattr(action, "link", None)
        link = Link(local_id, body.get("id") or old.remote_id,
                    body.get("iCalUId") or (old and old.ical_uid),
                    body.get("changeKey"), values_hash(values), self._hash_of(body),
                    old.series_master_id if old else None,
                    withheld=self._withheld(action))
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
        item = ItemError.from_error(subject, error, local_id=local_id)
        self.report.errors.append(item)
        self.store.refuse(local_id, item)
        self._outcome[local_id] = False

    def _replan_gone(self, actions):
        """Updates Outlook answered 404: the event was deleted there meanwhile. Planned
        again as removed in Outlook (under most recent, the Odoo edit brings it back)."""
        links = [a.link for a in actions]
        local_ids = {link.local_id for link in links}
        local = [s for s in self.store.pending() if s.local_id in local_ids]
        removed = [series.removal(link.remote_id, link.series_master_id) for link in links]
        again = plan(links, local, removed, direction=self.settings.direction,
                     policy=self.settings.policy)
        for local_id in local_ids:
            self._outcome.pop(local_id, None)
        self._carry_out(again, Inbound())

    def _push_answers(self):
        """The user's own answers to invitations (accept, decline, maybe) go to Outlook,
        which tells the organizer."""
        if self.settings.direction is Direction.TO_ODOO:
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
                self.report.errors.append(ItemError.from_error("", error,
                                                               local_id=link.local_id))
                continue
            answered.append(link.local_id)
        if answered or self.store.has_unsendable_answers():
            with self.store.isolated():
                self.store.confirm_answers(answered)
            self.store.checkpoint()
