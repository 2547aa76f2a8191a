from odoo import fields, models


class ResUsers(models.Model):
    """The user form's Calendar tab shows where the user's Outlook synchronization stands
    (administrators only): one account per user, so plain fields rather than a list."""

    _inherit = "res.users"

    outlook_account_id = fields.Many2one(
        "outlook.account", string="Outlook Account", compute="_compute_outlook_account_id",
        groups="base.group_system")
    outlook_state = fields.Selection(related="outlook_account_id.state", string="Outlook Status",
                                     groups="base.group_system")
    outlook_mailbox = fields.Char(related="outlook_account_id.mailbox",
                                  groups="base.group_system")
    outlook_synced_calendar = fields.Char(related="outlook_account_id.synced_calendar",
                                          groups="base.group_system")
    outlook_last_sync = fields.Datetime(related="outlook_account_id.last_sync",
                                        groups="base.group_system")
    outlook_next_sync = fields.Datetime(related="outlook_account_id.next_sync",
                                        groups="base.group_system")
    outlook_last_error = fields.Text(related="outlook_account_id.last_error",
                                     groups="base.group_system")
    outlook_sync_run_count = fields.Integer(related="outlook_account_id.sync_run_count",
                                            groups="base.group_system")
    outlook_held_deletion_count = fields.Integer(
        related="outlook_account_id.held_deletion_count", groups="base.group_system")
    outlook_confirm_deletions = fields.Boolean(
        related="outlook_account_id.confirm_deletions", groups="base.group_system")

    def _compute_outlook_account_id(self):
        accounts = {account.user_id.id: account
                    for account in self.env["outlook.account"].sudo().search(
                        [("user_id", "in", self.ids)])}
        for user in self:
            user.outlook_account_id = accounts.get(user.id, False)

    def action_outlook_sync_now(self):
        self.ensure_one()
        return self.outlook_account_id.action_sync_now()

    def action_outlook_confirm_deletions(self):
        self.ensure_one()
        return self.outlook_account_id.action_confirm_deletions()

    def action_outlook_restore_deletions(self):
        self.ensure_one()
        return self.outlook_account_id.action_restore_deletions()

    def action_outlook_reset_account(self):
        self.ensure_one()
        return self.outlook_account_id.action_reset_account()

    def action_outlook_open_account(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "outlook.account",
            "res_id": self.outlook_account_id.id,
            "views": [[False, "form"]],
        }

    def action_outlook_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "outlook_calendar_sync.outlook_sync_run_action")
        action["domain"] = [("account_id", "=", self.outlook_account_id.id)]
        action["context"] = {}
        return action
