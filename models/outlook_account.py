"""The per-user Outlook account: where its connection and its synchronization stand.

The same model is spread over files by role:
- outlook_account.py (this file): the fields, pause and resume, the administrators' actions;
- outlook_account_sign_in.py: the Microsoft sign-in (OAuth state, msal);
- outlook_account_sync.py: one synchronization run, its lock, the cron;
- outlook_account_held.py: the user's choice about deletions the guard held back;
- outlook_button.py: what the Outlook button in Calendar asks for.
"""

from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from ..engine.errors import SyncAlreadyRunning
from .outlook_settings import read_settings


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
    inbound_retries = fields.Text(
        groups="base.group_system", copy=False,
        help="Outlook events whose change could not be saved in Odoo: read again next run.")
    first_sync_at = fields.Datetime(
        readonly=True, copy=False,
        help="Odoo events that ended before this moment are never sent to Outlook, so their "
             "attendees get no invitation (the first synchronization, or the start of the "
             "synchronized period after a Reset Account asking for all existing events).")
    last_sync = fields.Datetime(string="Last Synchronization", readonly=True)
    last_error = fields.Text(string="Last Error", readonly=True)
    reset_next_sync = fields.Selection(
        [("new", "Synchronize only new events"), ("all", "Synchronize all existing events")],
        string="Next Synchronization After Reset", readonly=True, copy=False,
        help="What the last Reset Account chose for the synchronizations that follow it.")
    reset_at = fields.Datetime("Last Reset", readonly=True, copy=False)
    held_deletion_ids = fields.One2many("outlook.held.deletion", "account_id",
                                        string="Deletions Waiting for Confirmation")
    held_deletion_count = fields.Integer(compute="_compute_waiting_counts")
    confirm_deletions = fields.Boolean(
        copy=False, readonly=True,
        help="The user confirmed the deletions the synchronization held back: the next "
             "synchronization carries them out.")
    refused_ids = fields.One2many("outlook.outbox", "account_id", string="Refused Changes",
                                  domain=[("state", "=", "refused")])
    refused_count = fields.Integer(compute="_compute_waiting_counts")

    _sql_constraints = [
        ("user_unique", "unique(user_id)", "A user can have only one Outlook account."),
    ]

    @api.depends("held_deletion_ids", "refused_ids")
    def _compute_waiting_counts(self):
        for account in self:
            account.held_deletion_count = len(account.held_deletion_ids)
            account.refused_count = len(account.refused_ids)

    @api.model
    def _for_user(self, user):
        """The account of `user`, created on first use."""
        account = self.sudo().search([("user_id", "=", user.id)], limit=1)
        return account or self.sudo().create({"user_id": user.id})

    def action_pause(self):
        self.check_access("read")
        self.sudo().filtered(lambda a: a.state in ("connected", "error")).write(
            {"state": "paused"})

    def action_resume(self):
        self.check_access("read")
        self.sudo().filtered(lambda a: a.state == "paused").write({"state": "connected"})

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
        for model in ("outlook.event.link", "outlook.outbox", "outlook.held.deletion"):
            self.env[model].sudo().search([("account_id", "=", account.id)]).unlink()
        account.write({
            "token_cache": False, "sign_in_flow": False, "delta_link": False,
            "inbound_retries": False, "state": "disconnected", "mailbox": False,
            "first_sync_at": False, "last_error": False, "confirm_deletions": False,
            "reset_next_sync": next_sync, "reset_at": self.env.cr.now(),
        })

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
            if report.held:
                return (_("Deletions waiting for confirmation"), _(
                    "%(summary)s The synchronization held back %(count)s deletions: confirm "
                    "or restore them from the Outlook button.", summary=message,
                    count=report.held.deletions), "warning")
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

    def action_sync_now(self):
        """Synchronize now: the user for their own account, administrators for anyone's."""
        self.ensure_one()
        self.check_access("read")
        try:
            report = self._sync(trigger="button",
                                commit=not self.env.context.get("outlook_no_commit"))
        except SyncAlreadyRunning as busy:
            title, message, kind = _("Already running"), busy.message(self.env._), "info"
        else:
            title, message, kind = self._sync_now_outcome(report)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": title, "message": message, "type": kind,
                       "sticky": kind != "success",
                       "next": {"type": "ir.actions.client", "tag": "soft_reload"}},
        }
