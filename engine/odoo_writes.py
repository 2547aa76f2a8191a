"""Carrying Outlook's changes into Odoo, in chunks, one bad event never stopping the rest.

Each chunk of Odoo writes is one isolated step (a savepoint): an event and its link are
saved together or not at all. When a chunk fails, its actions are replayed one by one, so
the event at fault becomes an item error naming it, and the others go on; an Outlook
change that failed is read again at the next run. Part of ``engine.sync_run.SyncRun``.
"""

import logging
from dataclasses import replace

from . import recurrence as recurrences
from .errors import ConsentRevoked, SyncError
from .event_values import MappingError, values_hash
from .i18n import Text, _lt
from .inbound import ItemError
from .ownership import ORGANIZER
from .planner import (
    CreateLocal,
    DeclineLocal,
    DeleteLocal,
    LinkExisting,
    RecordConflict,
    RefreshLink,
    RestoreLocal,
    Unlink,
    UpdateAnswer,
    UpdateLocal,
    local_id_of,
    remote_id_of,
)
from .sync_state import MASTER, Link, RemoteState

_logger = logging.getLogger(__name__)


class OdooWrites:
    """Needs the attributes SyncRun sets up (store, client, report, ...)."""

    def _fetch_missing_values(self, actions, inbound):
        """Read the Outlook events an action needs but the round did not carry (an event
        restored from Outlook, for instance)."""
        wanted = {remote_id_of(a) for a in actions
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
            values = self._keep_withheld(action.link, inbound.values[action.remote_id])
            if not store.exists(action.link.local_id):
                store.drop_link(action.link)  # an occurrence Odoo rebuilt: paired anew
                return
            store.update_local(action.link.local_id, values, action.link.role)
            store.save_link(self._link(action.link.local_id, inbound.states[action.remote_id],
                                       values, action.link.series_master_id, action.link.role,
                                       action.link.withheld))
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
                                 link.series_master_id, link.role, link.withheld))
        elif isinstance(action, Unlink):
            store.drop_link(action.link)
        elif isinstance(action, RecordConflict):
            self.report.conflicts.append(action)

    def _keep_withheld(self, link, values):
        """An event sent without its attendees keeps Odoo's attendees and body: Outlook's
        copy has none, and the list written into its body is ours."""
        if not link.withheld or not self.store.exists(link.local_id):
            return values
        odoo = self.store.local_values(link.local_id)
        return replace(values, attendees=odoo.attendees, body_html=odoo.body_html)

    def _restore_local(self, link, inbound):
        values = inbound.values.get(link.remote_id)
        if values is not None:
            values = self._keep_withheld(link, values)
        if link.remote_id in inbound.missing:
            self.store.drop_link(link)  # gone on both sides
            return
        if values is None:
            raise SyncError("no values to restore the event with", text=Text(_lt(
                "The Outlook event could not be read to bring it back in Odoo. It will be "
                "tried again at the next synchronization.")))
        state = inbound.states[link.remote_id]
        if self.store.exists(link.local_id):
            self.store.update_local(link.local_id, values, link.role)
            local_id = link.local_id
        else:
            self.store.drop_link(link)
            (local_id,) = self.store.create_local([(state, values, link.role)])
        self.store.save_link(self._link(local_id, state, values, link.series_master_id,
                                        link.role, link.withheld))
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
              role=ORGANIZER, withheld=False):
        """The link once both sides agree: Odoo's hash as Odoo reads the event now, and
        Outlook's as Outlook sent it (when its values came along)."""
        return Link(local_id, state.remote_id, state.ical_uid, state.change_key,
                    self.store.local_hash(local_id), values_hash(values) if values else None,
                    series_master_id or state.series_master_id, role, withheld)

    def _fail(self, action, error, inbound):
        """Record one event that could not be synchronized; its queued change stays."""
        local_id = local_id_of(action)
        remote_id = remote_id_of(action)
        values = inbound.values.get(remote_id) if remote_id else None
        subject = values.subject if values else ""
        if local_id is not None:
            self._outcome[local_id] = False
        if remote_id is not None and not isinstance(error, MappingError):
            self._retry.add(remote_id)
        text = getattr(error, "user_text", None) or Text(
            _lt("Odoo could not save this event: %(reason)s"), reason=str(error)[:300])
        self.report.errors.append(ItemError(subject, text, getattr(error, "code", None),
                                            local_id=local_id, remote_id=remote_id))
        _logger.info("Outlook sync skipped an event (%s): %s", type(error).__name__, error)
