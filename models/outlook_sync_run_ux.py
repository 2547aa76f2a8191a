from odoo import api, fields, models
from odoo.tools import format_datetime


class OutlookSyncRun(models.Model):
    """How a synchronization reads in lists and forms: its date in the user's format, the
    mailbox it ran for, and what moved each way in a few words."""

    _inherit = "outlook.sync.run"

    mailbox = fields.Char(related="account_id.mailbox", string="Microsoft Account")
    from_outlook = fields.Char("From Outlook", compute="_compute_moves",
                               help="What this synchronization changed in Odoo.")
    to_outlook = fields.Char("To Outlook", compute="_compute_moves",
                             help="What this synchronization changed in Outlook.")

    @api.depends("started_at")
    def _compute_display_name(self):
        for run in self:
            when = run.started_at and format_datetime(self.env, run.started_at, dt_format=False)
            run.display_name = self.env._("Synchronization of %(date)s", date=when) if when \
                else self.env._("Synchronization")

    @api.depends("created_in_odoo", "updated_in_odoo", "deleted_in_odoo",
                 "created_in_outlook", "updated_in_outlook", "deleted_in_outlook")
    def _compute_moves(self):
        for run in self:
            run.from_outlook = run._moves(run.created_in_odoo, run.updated_in_odoo,
                                          run.deleted_in_odoo)
            run.to_outlook = run._moves(run.created_in_outlook, run.updated_in_outlook,
                                        run.deleted_in_outlook)

    def _moves(self, created, updated, deleted):
        parts = []
        if created:
            parts.append(self.env._("%(count)s new", count=created))
        if updated:
            parts.append(self.env._("%(count)s changed", count=updated))
        if deleted:
            parts.append(self.env._("%(count)s removed", count=deleted))
        return ", ".join(parts) or self.env._("Nothing")
