"""One synchronization run of an Outlook account, whoever starts it.

Every entry point (the cron, the Outlook button, Sync now, the first synchronization in the
background) goes through ``_sync``: one run per account at a time, across Odoo workers and
servers, held by a PostgreSQL advisory lock for the whole run; a run a crash cut short is
closed as "interrupted" by the next one. The engine decides everything (engine/sync_run.py);
this file opens the run, hands it the account's state and records how it ended.
"""

import logging
from contextlib import contextmanager
from datetime import UTC

from odoo import api, fields, models, sql_db
from odoo.exceptions import UserError

from ..engine import scope
from ..engine.errors import SyncAlreadyRunning, SyncError, fix_for
from ..engine.graph_client import GraphClient
from ..engine.i18n import Text, _lt
from ..engine.sync_run import SyncRun, SyncSettings
from .outlook_settings import read_settings
from .sync_store import OdooStore

_logger = logging.getLogger(__name__)

# Advisory locks of this addon: (namespace, account id). The namespace keeps them apart from
# any other module's locks.
LOCK_NAMESPACE = 0x0C5_5E7C


class OutlookAccountSync(models.Model):
    _inherit = "outlook.account"

    # -- one run ----------------------------------------------------------------------------

    def _sync(self, trigger="manual", commit=True):
        """Synchronize this account now; returns the engine's report, or None when the
        account cannot sync or the run failed. Raises SyncAlreadyRunning when another run
        holds the account. Every run is written to the sync history; failures are recorded
        there and on the account."""
        self.ensure_one()
        account = self.sudo()
        settings = read_settings(self.env)
        if not account._may_run(settings):
            return None
        with account._run_lock():
            if commit:
                # A fresh snapshot: what the run before this one committed is seen (a
                # transaction started before the lock would see the account as it was).
                self.env.cr.commit()
                self.env.invalidate_all()
            account._close_interrupted_runs()
            history = self.env["outlook.sync.run"].sudo().create(
                {"account_id": account.id, "trigger": trigger})
            if commit:
                self.env.cr.commit()  # visible as running, and as interrupted after a crash
            report = account._sync_locked(settings, history, commit)
            account._tell_browser(report)  # the Outlook button and the calendar refresh
            if commit:
                self.env.cr.commit()  # how the run ended, the new delta link: while held
        return report

    def _may_run(self, settings):
        """Whether this account synchronizes now: the addon configured and not paused, the
        account connected, its user still allowed to synchronize (else the account is
        paused on the spot) and a sign-in to use (else the user is asked to reconnect)."""
        if not settings.configured or settings.paused or self.state in (
                "disconnected", "paused"):
            return False
        if not self._user_may_sync():
            self._outlook_stop()
            return False
        if not self._stored("token_cache"):
            self._outlook_offer_reconnect(self.env._(
                "Reconnect your Outlook calendar with the Outlook button in Calendar: Odoo no "
                "longer holds a connection to it."))
            return False
        return True

    def _sync_locked(self, settings, history, commit):
        sign_in = None
        try:
            sign_in, _ = self._sign_in_client(settings)
            report = self._run_engine(sign_in, settings, commit)
        except (SyncError, UserError) as error:
            self._end_failed(history, error, sign_in, commit)
            return None
        except Exception as error:
            _logger.exception("Outlook sync of account %s stopped on an unexpected error",
                              self.id)
            self._end_failed(history, error, sign_in, commit, unexpected=True)
            return None
        history._finish(report=report)
        self.write({
            "delta_link": report.delta_link or self.delta_link,
            "last_sync": fields.Datetime.now(),
            "state": "connected",
            "last_error": history.errors if report.errors else False,
            "confirm_deletions": False,
        })
        self._keep_tokens(sign_in)
        _logger.info("Outlook sync of account %s (%s): %s", self.id, history.trigger,
                     report.counts)
        return report

    def _end_failed(self, history, error, sign_in, commit, unexpected=False):
        """Record a failed run. What the run had already checkpointed stays done."""
        if commit:
            self.env.cr.rollback()
        else:
            self.env.invalidate_all()
        if unexpected:
            error = SyncError(_lt("The synchronization stopped on an unexpected error; it "
                                  "will be tried again. If it persists, ask your "
                                  "administrator to check the server log."))
        history._finish(error=error)
        message = error.message(self.env._) if isinstance(error, SyncError) else str(error)
        self.write({"last_error": message, "state": "error",
                    "error_action": "settings" if isinstance(error, UserError)
                    else fix_for(error)})
        self._keep_tokens(sign_in)
        _logger.warning("Outlook sync of account %s failed: %s", self.id, error)

    def _run_engine(self, sign_in, settings, commit):
        # Large delta pages: a sync right after pushing hundreds of events reads their
        # echoes in one request (a system parameter, for proxies that cut long answers).
        page_size = self.env["ir.config_parameter"].sudo().get_param(
            "outlook_calendar_sync.delta_page_size") or 1000
        endpoints = settings.endpoints()
        client = GraphClient(endpoints, sign_in.access_token, page_size=int(page_size))
        try:
            run = SyncRun(client, OdooStore(self, commit=commit), SyncSettings(
                self._scope(settings), settings.policy,
                confirmed_deletions=self.confirm_deletions,
                withheld_label=self._in_user_language(_lt("Attendees, not invited")),
            ), owner_email=self.mailbox or "", progress=self._progress)
            delta_link = self._usable_delta_link(endpoints)
            report = run.run(delta_link)
            if self.delta_link and not delta_link:
                report.notices.append(Text(_lt(
                    "The Microsoft Graph address changed in the settings: Outlook was listed "
                    "again in full and matched to the events already linked; nothing was "
                    "duplicated.")))
            return report
        finally:
            client.close()

    def _in_user_language(self, text):
        return self.env(context=dict(self.env.context, lang=self.user_id.lang))._(text)

    def _usable_delta_link(self, endpoints):
        """The stored delta link, unless it points to another Graph address than the one
        configured now (the setting changed): then Outlook is listed again in full, and the
        listing is matched to the existing links, so nothing is duplicated."""
        link = self.delta_link or None
        if link and not link.lower().startswith(endpoints.graph_base.lower() + "/"):
            _logger.info("Outlook account %s: the Graph address changed, listing again",
                         self.id)
            return None
        return link

    def _scope(self, settings):
        """What this run may touch (engine/scope.py); the first run queues the user's
        Odoo events of the synchronized period, which the scope then sorts out."""
        window = settings.window()
        if not self.first_sync_at:
            self.first_sync_at = self._first_sync_cutoff(window)
            self._queue_own_events(*window)
        return self._scope_with(settings, window, self.first_sync_at)

    def _first_sync_cutoff(self, window):
        """Where a first synchronization starting now starts sending Odoo events."""
        return scope.first_sync_cutoff(fields.Datetime.now(), window[0],
                                       all_existing=self.reset_next_sync == "all")

    def _scope_with(self, settings, window, push_from):
        """The run's scope over ``window`` (naive UTC), sending events that end after
        ``push_from``: the run and the first-sync preview ask the same one."""
        changed_since = None
        if self.reset_next_sync == "new" and self.reset_at:
            # To the second, as Outlook gives its times: a change right after the reset goes.
            changed_since = self.reset_at.replace(microsecond=0, tzinfo=UTC)
        window_start, window_end = window
        return scope.Scope(settings.direction, window_start.replace(tzinfo=UTC),
                           window_end.replace(tzinfo=UTC), push_from.replace(tzinfo=UTC),
                           changed_since)

    def _queue_own_events(self, window_start, window_end):
        """The user chose, before connecting, what happens to their existing events: sent
        (Outlook invites their attendees), sent without inviting anyone, or kept in Odoo
        only (a later change of one sends it then, as for any event)."""
        if self.first_sync_choice == "keep":
            return
        self.env["outlook.outbox"]._enqueue(
            [(self.id, event_id) for event_id in self._own_event_ids(window_start, window_end)],
            withhold=self.first_sync_choice == "no_invite")

    def _own_event_ids(self, window_start, window_end):
        """The user's Odoo events of the synchronized period: what a first sync considers."""
        self.env["calendar.event"].flush_model(["user_id", "active", "start", "stop"])
        self.env.cr.execute(
            "SELECT id FROM calendar_event WHERE user_id = %s AND active AND stop >= %s "
            "AND start <= %s ORDER BY id", [self.user_id.id, window_start, window_end])
        return [row[0] for row in self.env.cr.fetchall()]

    def _progress(self, stage, done, total):
        """Tell the user's browser how far the run is (the Outlook button shows it)."""
        if total and (done == total or done % 200 == 0):
            self.env["bus.bus"]._sendone(self.user_id.partner_id, "outlook_sync_progress", {
                "account_id": self.id, "stage": stage, "done": done, "total": total})

    # -- one run at a time ------------------------------------------------------------------

    @contextmanager
    def _run_lock(self):
        """Hold this account for the whole run, across workers and servers.

        The lock lives on a database connection of its own (not a registry cursor, which
        tests share), so that the run's commits and rollbacks never touch it; a crashed
        process loses its connection, and the lock with it.
        """
        with sql_db.db_connect(self.env.cr.dbname).cursor() as lock_cr:
            lock_cr.execute("SELECT pg_try_advisory_lock(%s, %s)", [LOCK_NAMESPACE, self.id])
            if not lock_cr.fetchone()[0]:
                raise SyncAlreadyRunning(f"account {self.id}")
            try:
                yield
            finally:
                lock_cr.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, self.id])

    def _close_interrupted_runs(self):
        """Runs still "running" while we hold the lock were cut short by a crash."""
        self.env["outlook.sync.run"].sudo().search(
            [("account_id", "=", self.id), ("state", "=", "running")]).write(
            {"state": "interrupted", "ended_at": fields.Datetime.now()})

    # -- the cron ---------------------------------------------------------------------------

    @api.model
    def _cron_sync(self):
        """Synchronize every connected account; one account's failure never stops the
        others, and an account another worker is synchronizing is skipped."""
        if read_settings(self.env).paused:
            return
        commit = not self.env.context.get("outlook_no_commit")
        accounts = self.sudo().search([("state", "in", ("connected", "error"))],
                                      order="last_sync asc nulls first, id")
        for account in accounts:
            try:
                account._sync(trigger="cron", commit=commit)
            except SyncAlreadyRunning:
                continue

    def _trigger_sync(self):
        """Ask the cron to synchronize soon (e.g. after the user confirmed something)."""
        self.env.ref("outlook_calendar_sync.ir_cron_outlook_sync").sudo()._trigger()
