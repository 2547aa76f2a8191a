from odoo import _, api, fields, models


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
    delta_link = fields.Char(groups="base.group_system", copy=False)
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

    def _state_label(self):
        return dict(self._fields["state"]._description_selection(self.env)).get(
            self.state, _("Unknown"))
