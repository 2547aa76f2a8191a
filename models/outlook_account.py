import base64
import json
import logging
import secrets
import time
from contextlib import nullcontext
from datetime import UTC

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac as odoo_hmac

from ..engine.auth import MicrosoftSignIn
from ..engine.errors import SignInFailed, SyncError
from ..engine.graph_client import GraphClient
from ..engine.sync_run import SyncRun, SyncSettings
from .outlook_settings import read_settings
from .outlook_store import OdooStore

_logger = logging.getLogger(__name__)

SIGN_IN_TTL = 600  # seconds a sign-in started in Odoo may take at Microsoft
STATE_SCOPE = "outlook_calendar_sync.sign_in"


def safe_return_url(url):
    """Only a path of this Odoo (same origin) may be returned to after signing in."""
    url = (url or "").strip()
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        return "/odoo/calendar"
    return url


class OutlookAccount(models.Model):
    """One user's connection to their Microsoft mailbox and where their sync stands."""

    _name = "outlook.account"
    _description = "Outlook Calendar Account"
    _rec_name = "user_id"

    user_id = fields.Many2one(
        "res.users", string="User", required=True, ondelete="cascade", index=True)
    state = fields.Selection(
        [("disconnected", "Not connected"),
         ("connected", "Connected"),
         ("paused", "Paused"),
         ("error", "Error")],
        default="disconnected", required=True, string="Status")
    mailbox = fields.Char(string="Microsoft Account", readonly=True,
                          help="The Microsoft mailbox this user signed in with.")
    token_cache = fields.Text(groups="base.group_system", copy=False,
                              help="Microsoft sign-in tokens (system administrators only).")
    sign_in_flow = fields.Text(groups="base.group_system", copy=False,
                               help="A sign-in started in Odoo and not finished yet.")
    delta_link = fields.Char(groups="base.group_system", copy=False)
    first_sync_at = fields.Datetime(
        readonly=True, copy=False,
        help="When this account first synchronized: Odoo events that ended before are "
             "never sent to Outlook, so their attendees get no invitation.")
    last_sync = fields.Datetime(string="Last Synchronization", readonly=True)
    last_error = fields.Text(string="Last Error", readonly=True)

    _sql_constraints = [
        ("user_unique", "unique(user_id)", "A user can have only one Outlook account."),
    ]

    @api.model
    def for_user(self, user):
        """The account of `user`, created on first use."""
        account = self.sudo().search([("user_id", "=", user.id)], limit=1)
        return account or self.sudo().create({"user_id": user.id})

    def action_pause(self):
        self.write({"state": "paused"})

    def action_resume(self):
        self.filtered(lambda a: a.state == "paused").write({"state": "connected"})

    # -- sign-in ------------------------------------------------------------------------------

    def _sign_in_client(self, settings=None):
        settings = settings or read_settings(self.env)
        if not settings.configured:
            raise UserError(_("Outlook synchronization is not configured yet: an administrator "
                              "must enter the Client ID and Client Secret in Calendar settings."))
        return MicrosoftSignIn(
            settings.client_id, settings.client_secret, settings.endpoints(),
            token_cache=self.sudo().token_cache or None,
        ), settings

    def _make_state(self, return_url):
        """A sign-in state only this database can make, for this user, valid a few minutes."""
        payload = base64.urlsafe_b64encode(json.dumps({
            "uid": self.user_id.id,
            "exp": int(time.time()) + SIGN_IN_TTL,
            "nonce": secrets.token_urlsafe(12),
            "return": safe_return_url(return_url),
        }).encode()).decode()
        return f"{payload}.{odoo_hmac(self.env(su=True), STATE_SCOPE, payload)}"

    def _read_state(self, state):
        """The state's content when it is genuine, fresh and this account's; else SignInFailed."""
        payload, _sep, signature = (state or "").partition(".")
        expected = odoo_hmac(self.env(su=True), STATE_SCOPE, payload)
        if not signature or not consteq(signature, expected):
            raise SignInFailed("the sign-in state was not issued by this database")
        content = json.loads(base64.urlsafe_b64decode(payload.encode()))
        if content.get("uid") != self.user_id.id:
            raise SignInFailed("the sign-in was started by another user")
        if content.get("exp", 0) < time.time():
            raise SignInFailed("the sign-in took too long")
        return content

    def _start_sign_in(self, return_url=None):
        """The Microsoft sign-in URL for this account's user; remembers the pending flow."""
        self.ensure_one()
        client, settings = self._sign_in_client()
        auth_uri, flow = client.start(settings.redirect_uri, self._make_state(return_url),
                                      login_hint=self.mailbox or None)
        self.sudo().sign_in_flow = json.dumps(flow)
        return auth_uri

    def _finish_sign_in(self, params):
        """Complete the sign-in from Microsoft's redirect; returns the URL to go back to.

        Raises SyncError subclasses whose user_message says what to do.
        """
        self.ensure_one()
        account = self.sudo()
        flow_text, account.sign_in_flow = account.sign_in_flow, False  # one use only
        content = self._read_state(params.get("state"))
        if not flow_text:
            raise SignInFailed("no sign-in is pending for this user (already used?)")
        client, _settings = self._sign_in_client()
        identity = client.finish(json.loads(flow_text), params)
        account.write({
            "token_cache": client.serialized_cache() or account.token_cache,
            "mailbox": identity.get("username") or account.mailbox,
            "state": "connected",
            "last_error": False,
        })
        _logger.info("Outlook account of user %s connected", self.user_id.id)
        return content["return"]

    # -- synchronization ---------------------------------------------------------------------

    def _sync(self, trigger="manual", commit=True):
        """Synchronize this account now; returns the engine's report, or None when the
        account cannot sync. Every run is written to the sync history; failures are
        recorded there and on the account, never raised."""
        self.ensure_one()
        account = self.sudo()
        settings = read_settings(self.env)
        if not settings.configured or settings.paused or account.state in (
                "disconnected", "paused"):
            return None
        history = self.env["outlook.sync.run"].sudo().create(
            {"account_id": account.id, "trigger": trigger})
        try:
            sign_in, report = account._run_engine(settings, commit)
        except (SyncError, UserError) as error:
            history._finish(error=error)
            account._record_error(error)
            return None
        history._finish(report=report)
        account.write({
            "delta_link": report.delta_link or account.delta_link,
            "token_cache": sign_in.serialized_cache() or account.token_cache,
            "last_sync": fields.Datetime.now(),
            "state": "connected",
            "last_error": history.errors if report.errors else False,
        })
        _logger.info("Outlook sync of account %s (%s): %s", account.id, trigger, report.counts)
        return report

    def _run_engine(self, settings, commit):
        sign_in, _settings = self._sign_in_client(settings)
        # Large delta pages: a sync right after pushing hundreds of events reads their
        # echoes in one request.
        client = GraphClient(settings.endpoints(), sign_in.access_token, page_size=1000)
        window_start, window_end = settings.window()
        if not self.first_sync_at:
            self.first_sync_at = fields.Datetime.now()
            self._queue_existing_events(window_end)
            self._queue_past_events_after_reset(window_start, window_end)
        store = OdooStore(self, window_start=window_start, commit=commit)
        run = SyncRun(client, store, SyncSettings(
            settings.direction, settings.policy,
            window_start.replace(tzinfo=UTC), window_end.replace(tzinfo=UTC),
            only_changed_since=self._only_changed_since(),
        ), account_key=f"{self.env.cr.dbname}/{self.id}/{self.mailbox or ''}",
            owner_email=self.mailbox or "")
        return sign_in, run.run(self.delta_link or None)

    def _queue_existing_events(self, window_end):
        """On the first sync, queue the user's upcoming Odoo events for Outlook."""
        self.env["calendar.event"].flush_model(["user_id", "active", "start", "stop"])
        self.env.cr.execute(
            "SELECT id FROM calendar_event WHERE user_id = %s AND active AND stop >= %s "
            "AND start <= %s", [self.user_id.id, fields.Datetime.now(), window_end])
        self.env["outlook.outbox"].enqueue([(self.id, row[0]) for row in self.env.cr.fetchall()])

    def _record_error(self, error):
        message = self.env._(error.user_message) if isinstance(error, SyncError) else str(error)
        self.sudo().write({"last_error": message, "state": "error"})
        _logger.warning("Outlook sync of account %s failed: %s", self.id, error)

    @api.model
    def _cron_sync(self):
        """Synchronize every connected account; one account's failure never stops the others.

        Each account is claimed with FOR UPDATE SKIP LOCKED, so several Odoo workers or
        servers share the work without syncing the same account twice.
        """
        if read_settings(self.env).paused:
            return
        commit = not self.env.context.get("outlook_no_commit")
        self.flush_model(["state", "last_sync"])
        self.env.cr.execute("SELECT id FROM outlook_account WHERE state IN ('connected', 'error') "
                            "ORDER BY last_sync NULLS FIRST, id")
        for account_id in [row[0] for row in self.env.cr.fetchall()]:
            self.env.cr.execute("SELECT id FROM outlook_account WHERE id = %s "
                                "FOR UPDATE SKIP LOCKED", [account_id])
            if not self.env.cr.fetchone():
                continue  # another worker is on it
            try:
                with nullcontext() if commit else self.env.cr.savepoint():
                    self.browse(account_id)._sync(trigger="cron", commit=commit)
            except Exception:  # noqa: BLE001 - a bug on one account must not stop the others
                if commit:
                    self.env.cr.rollback()
                _logger.exception("Outlook sync of account %s failed", account_id)
                self.browse(account_id).sudo().write({
                    "state": "error",
                    "last_error": _("The synchronization stopped on an unexpected error; it "
                                    "will be tried again. If it persists, ask your "
                                    "administrator to check the server log."),
                })
            if commit:
                self.env.cr.commit()

    # -- the Outlook button (called from the calendar view, always on the user's own account) --

    @api.model
    def button_status(self):
        """What the Outlook button shows for the current user."""
        settings = read_settings(self.env)
        is_admin = self.env.user.has_group("base.group_system")
        if not settings.configured:
            return {"state": "not_configured", "is_admin": is_admin,
                    "settings_action": "calendar.calendar_settings_action"}
        account = self.for_user(self.env.user)
        status = {
            "state": "paused" if settings.paused and account.state == "connected"
            else account.state,
            "paused_by_admin": settings.paused,
            "is_admin": is_admin,
            "mailbox": account.mailbox or "",
            "last_sync": fields.Datetime.to_string(account.last_sync) or "",
            "last_error": account.last_error or "",
        }
        if account.state == "disconnected" and not account.first_sync_at:
            status["first_sync"] = account._first_sync_preview(settings)
        return status

    def _first_sync_preview(self, settings):
        """How many events the first sync will send to Outlook, and how many attendee
        invitations Outlook will mail for them: upcoming events only, unless a Reset Account
        asked for all existing events, or for only those changed since the reset."""
        window_start, window_end = settings.window()
        ends_after = window_start if self.reset_next_sync == "all" else fields.Datetime.now()
        changed_since = self.reset_at if self.reset_next_sync == "new" else None
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT count(DISTINCT e.id),
                      count(a.id) FILTER (WHERE a.partner_id != u.partner_id
                                          AND coalesce(p.email, '') != '')
                 FROM calendar_event e
                 JOIN res_users u ON u.id = e.user_id
                 LEFT JOIN calendar_attendee a ON a.event_id = e.id
                 LEFT JOIN res_partner p ON p.id = a.partner_id
                WHERE e.user_id = %s AND e.active AND e.stop >= %s AND e.start <= %s
                  AND (%s::timestamp IS NULL OR e.write_date >= %s)
                  AND (e.recurrence_id IS NULL OR e.id IN (
                        SELECT base_event_id FROM calendar_recurrence
                         WHERE base_event_id IS NOT NULL))""",
            [self.user_id.id, ends_after, window_end, changed_since, changed_since])
        events, invitations = self.env.cr.fetchone()
        return {"events": events, "invitations": invitations}

    @api.model
    def button_connect(self, return_url=None):
        """Start the Microsoft sign-in; returns the URL to send the browser to."""
        account = self.for_user(self.env.user)
        try:
            return {"url": account._start_sign_in(return_url)}
        except SyncError as error:  # e.g. Microsoft unreachable, or a wrong setting
            raise UserError(self.env._(error.user_message)) from error

    @api.model
    def button_sync(self):
        """Synchronize the current user's calendar now."""
        account = self.for_user(self.env.user)
        report = account._sync(trigger="button",
                               commit=not self.env.context.get("outlook_no_commit"))
        status = self.button_status()
        if report:
            status["report"] = {"counts": report.counts, "errors": len(report.errors),
                                "conflicts": len(report.conflicts)}
        return status

    @api.model
    def button_pause(self):
        self.for_user(self.env.user).filtered(
            lambda a: a.state in ("connected", "error")).write({"state": "paused"})
        return self.button_status()

    @api.model
    def button_resume(self):
        self.for_user(self.env.user).action_resume()
        return self.button_status()

    # -- reset --------------------------------------------------------------------------------
    # What Reset Account (wizard/reset_account.py), "Sync now" and the administrators' views
    # need from the account.

    reset_next_sync = fields.Selection(
        [("new", "Synchronize only new events"), ("all", "Synchronize all existing events")],
        string="Next Synchronization After Reset", readonly=True, copy=False,
        help="What the last Reset Account chose for the synchronizations that follow it.")
    reset_at = fields.Datetime("Last Reset", readonly=True, copy=False)

    def action_sync_now(self):
        """Synchronize now: the user for their own account, administrators for anyone's."""
        self.ensure_one()
        self.check_access("read")
        report = self._sync(trigger="button",
                            commit=not self.env.context.get("outlook_no_commit"))
        title, message, kind = self._sync_now_outcome(report)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind,
                       "sticky": kind != "success",
                       "next": {"type": "ir.actions.client", "tag": "soft_reload"}},
        }

    def _sync_now_outcome(self, report):
        """(title, message, notification type) telling what "Sync now" did."""
        name = self.user_id.name
        if report is not None:
            counts = report.counts
            message = _("Changes from Outlook: %(into_odoo)s. Changes sent to Outlook: "
                        "%(into_outlook)s.",
                        into_odoo=sum(counts.get(k, 0) for k in (
                            "created_in_odoo", "updated_in_odoo", "deleted_in_odoo")),
                        into_outlook=sum(counts.get(k, 0) for k in (
                            "created_in_outlook", "updated_in_outlook", "deleted_in_outlook")))
            if report.errors:
                return (_("Synchronized with errors"), _(
                    "%(summary)s %(count)s events could not be synchronized: open the Sync "
                    "History to see why and what to do.",
                    summary=message, count=len(report.errors)), "warning")
            return _("Synchronized"), message, "success"
        settings = read_settings(self.env)
        if not settings.configured:
            message = _("Outlook synchronization is not configured: enter the Client ID and "
                        "Client Secret in Calendar settings.")
        elif settings.paused:
            message = _("Synchronization is paused for everyone: untick Pause All "
                        "Synchronization in Calendar settings to resume it.")
        elif self.state == "disconnected":
            message = _("%(user)s has not connected an Outlook calendar: they connect it with "
                        "the Outlook button in Calendar.", user=name)
        elif self.state == "paused":
            message = _("%(user)s paused their synchronization: they resume it with the "
                        "Outlook button in Calendar.", user=name)
        else:
            return _("Synchronization failed"), self.last_error or "", "danger"
        return _("Nothing was synchronized"), message, "warning"

    def action_reset_account(self):
        """Open Reset Account for this account."""
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators can reset an Outlook account."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Reset Account"),
            "res_model": "outlook.account.reset",
            "view_mode": "form",
            "target": "new",
            "context": {"default_account_id": self.id},
        }

    def _forget_connection(self, next_sync):
        """Disconnect after a reset: the next connection starts as a first synchronization.

        Links and queued changes go (the Graph ids of one mailbox mean nothing to the next),
        events keep their iCalUId so that copies still in Outlook are found again.
        """
        self.ensure_one()
        account = self.sudo()
        self.env["outlook.event.link"].sudo().search([("account_id", "=", account.id)]).unlink()
        self.env["outlook.outbox"].sudo().search([("account_id", "=", account.id)]).unlink()
        account.write({
            "token_cache": False, "sign_in_flow": False, "delta_link": False,
            "state": "disconnected", "mailbox": False, "first_sync_at": False,
            "last_error": False, "reset_next_sync": next_sync, "reset_at": self.env.cr.now(),
        })

    def _queue_past_events_after_reset(self, window_start, window_end):
        """First sync after a reset asking for all existing events: the user's past events
        of the synchronized window go to Outlook too (a first sync sends upcoming ones)."""
        if self.reset_next_sync != "all":
            return
        self.first_sync_at = window_start  # events ended before it are never sent
        self.env["calendar.event"].flush_model(["user_id", "active", "start", "stop"])
        self.env.cr.execute(
            "SELECT id FROM calendar_event WHERE user_id = %s AND active AND stop >= %s "
            "AND start <= %s", [self.user_id.id, window_start, window_end])
        self.env["outlook.outbox"].enqueue([(self.id, row[0]) for row in self.env.cr.fetchall()])

    def _only_changed_since(self):
        """After a reset keeping only new events: events nobody changed since stay out."""
        if self.reset_next_sync != "new" or not self.reset_at:
            return None
        # To the second, as Outlook gives its times: a change right after the reset goes on.
        return self.reset_at.replace(microsecond=0, tzinfo=UTC)
