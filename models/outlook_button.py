"""What the Outlook button in Calendar asks the server: always the caller's own account.

Only internal users have an Outlook account; every method here acts on the account of the
user calling it, never on an id given by the browser.

Besides the button's calls, this file keeps what the button shows between two visits:
the user's choice for the first synchronization's upcoming events, whether a first
synchronization asked from the button is still on its way (it runs in the background, in
the synchronization cron), and what fixes the last failure (reconnect, try again, or the
settings). At the end of every run the user's browser is told (bus message
``outlook_sync_done``), so that the button and the calendar refresh by themselves.
"""


from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.errors import (
    SyncAlreadyRunning,
    SyncError,
)
from .outlook_settings import read_settings

FIRST_SYNC_CHOICES = [
    ("invite", "Send them, and let Outlook invite their attendees"),
    ("no_invite", "Send them without inviting anyone"),
    ("keep", "Don't send them"),
]


class OutlookButton(models.Model):
    _inherit = "outlook.account"

    first_sync_choice = fields.Selection(
        FIRST_SYNC_CHOICES, string="Upcoming Odoo Events at the First Synchronization",
        readonly=True, copy=False,
        help="What the user chose, before connecting, for the upcoming Odoo events the first "
             "synchronization would send to Outlook.")
    first_sync_requested = fields.Boolean(
        readonly=True, copy=False,
        help="The user started the first synchronization and it has not ended yet: it runs "
             "in the background, and the user is told when it ends.")
    error_action = fields.Selection(
        [("reconnect", "Reconnect"), ("retry", "Try again"), ("settings", "Check the settings")],
        string="What Fixes the Error", readonly=True, copy=False)
    sync_run_count = fields.Integer("Synchronizations", compute="_compute_sync_run_count")
    next_sync = fields.Datetime(
        "Next Synchronization", compute="_compute_next_sync",
        help="When the automatic synchronization runs next.")
    synced_calendar = fields.Char(
        "Outlook Calendar", compute="_compute_synced_calendar",
        help="The Outlook calendar that is synchronized with this user's Odoo calendar.")

    def _compute_sync_run_count(self):
        counts = dict(self.env["outlook.sync.run"].sudo()._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]))
        for account in self:
            account.sync_run_count = counts.get(account._origin, 0)

    def _compute_next_sync(self):
        settings = read_settings(self.env)
        cron = self.env.ref("outlook_calendar_sync.ir_cron_outlook_sync",
                            raise_if_not_found=False)
        nextcall = cron.sudo().nextcall if cron and cron.sudo().active else False
        for account in self:
            runs = settings.configured and not settings.paused and account.state in (
                "connected", "error")
            account.next_sync = nextcall if runs else False

    def _compute_synced_calendar(self):
        for account in self:
            account.synced_calendar = (
                self.env._("Main calendar of %(mailbox)s", mailbox=account.mailbox)
                if account.mailbox else False)

    # -- the button's calls -----------------------------------------------------------------

    @api.model
    def _own_account(self):
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only internal users can connect an Outlook calendar."))
        return self._for_user(self.env.user)

    @api.model
    def button_status(self):
        """What the Outlook button shows for the current user."""
        settings = read_settings(self.env)
        is_admin = self.env.user.has_group("base.group_system")
        common = {"is_admin": is_admin, "settings_action": "calendar.calendar_settings_action",
                  "history_action": "outlook_calendar_sync.outlook_sync_run_action_my"}
        if not settings.configured:
            # Set up once, then turned off: not the same words as never set up.
            state = "turned_off" if settings.client_id and not settings.enabled \
                else "not_configured"
            return dict(common, state=state)
        account = self._own_account()
        state = account.state
        if settings.paused:
            state = "admin_paused"
        running = bool(account.state == "connected" and (
            account.first_sync_requested or self.env["outlook.sync.run"].sudo().search_count(
                [("account_id", "=", account.id), ("state", "=", "running")], limit=1)))
        status = dict(
            common,
            state=state,
            paused_by_admin=settings.paused,
            account_id=account.id,
            account_state=account.state,
            mailbox=account.mailbox or "",
            calendar=account.synced_calendar or "",
            last_sync=fields.Datetime.to_string(account.last_sync) or "",
            next_sync=fields.Datetime.to_string(account.next_sync) or "",
            last_error=account.last_error or "",
            error_action=(account.error_action or "retry") if account.state == "error" else "",
            held_deletions=account._held_summary(),
            refused=account.refused_count,
            running=running,
            first_sync_pending=bool(account.state == "connected" and not account.last_sync),
        )
        if account.state == "disconnected" and not account.first_sync_at:
            status["first_sync"] = account._first_sync_preview(settings)
        return status

    def _held_summary(self):
        held = self.held_deletion_ids
        if not held:
            return False
        return {"count": len(held), "side": held[0].side, "confirmed": self.confirm_deletions,
                "events": [{"name": h.name, "start": fields.Datetime.to_string(h.start)}
                           for h in held[:50]]}

    @api.model
    def button_connect(self, return_url=None, first_sync_choice=None):
        """Start the Microsoft sign-in; returns the URL to send the browser to.

        ``first_sync_choice`` is what the user chose for the upcoming Odoo events the first
        synchronization would send (see FIRST_SYNC_CHOICES)."""
        account = self._own_account()
        if first_sync_choice and first_sync_choice not in dict(FIRST_SYNC_CHOICES):
            raise UserError(self.env._("Unknown choice for the first synchronization."))
        if not account.first_sync_at:
            account.sudo().first_sync_choice = first_sync_choice or "invite"
        try:
            return {"url": account._start_sign_in(return_url)}
        except SyncError as error:  # e.g. Microsoft unreachable, or a wrong setting
            raise UserError(error.message(self.env._)) from error

    @api.model
    def button_start_first_sync(self):
        """Start the first synchronization in the background and return at once: it can
        take a while with thousands of events. The browser follows it through the bus
        (``outlook_sync_progress``, then ``outlook_sync_done``)."""
        account = self._own_account()
        if account.state == "connected" and not account.last_sync:
            account.sudo().first_sync_requested = True
            account._trigger_sync()
        return self.button_status()

    @api.model
    def button_sync(self):
        """Synchronize the current user's calendar now."""
        account = self._own_account()
        try:
            report = account._sync(trigger="button",
                                   commit=not self.env.context.get("outlook_no_commit"))
        except SyncAlreadyRunning as busy:
            return dict(self.button_status(), busy=busy.message(self.env._))
        status = self.button_status()
        if report:
            status["report"] = account._report_summary(report)
        return status

    @api.model
    def button_pause(self):
        self._own_account().action_pause()
        return self.button_status()

    @api.model
    def button_resume(self):
        self._own_account().action_resume()
        return self.button_status()

    @api.model
    def button_confirm_deletions(self):
        self._own_account().action_confirm_deletions()
        return self.button_sync()

    @api.model
    def button_restore_deletions(self):
        self._own_account().action_restore_deletions()
        return self.button_sync()

    # -- after each run ---------------------------------------------------------------------

    def _report_summary(self, report):
        return {"counts": dict(report.counts), "errors": len(report.errors),
                "conflicts": len(report.conflicts), "waiting": report.waiting,
                "held": report.held.deletions if report.held else 0}

    def _tell_browser(self, report):
        """Bus message to the user at the end of each run: the button refreshes, and a first
        synchronization the user started from the button ends with a summary."""
        notify = self.first_sync_requested
        if notify:
            self.first_sync_requested = False
        self.env["bus.bus"]._sendone(self.user_id.partner_id, "outlook_sync_done", {
            "account_id": self.id,
            "notify": notify,
            "state": self.state,
            "last_error": self.last_error or "",
            "error_action": (self.error_action or "retry") if self.state == "error" else "",
            "report": self._report_summary(report) if report else False,
        })
