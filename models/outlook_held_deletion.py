from odoo import fields, models

from ..engine.guard import ODOO_SIDE, OUTLOOK_SIDE


class OutlookHeldDeletion(models.Model):
    """A deletion the mass-deletion guard holds until the user decides.

    When a sync would delete too much at once (see engine/guard.py), nothing is deleted:
    each event it would delete is listed here, and the account shows the choice. Confirming
    lets the next sync carry the deletions out; restoring brings the events back on the side
    where they were deleted (see outlook_account_sync.py).
    """

    _name = "outlook.held.deletion"
    _description = "Outlook Deletion Waiting for Confirmation"
    _order = "start, id"

    account_id = fields.Many2one("outlook.account", required=True, ondelete="cascade", index=True)
    user_id = fields.Many2one(related="account_id.user_id", store=True, index=True)
    side = fields.Selection(
        [(ODOO_SIDE, "Deleted in Outlook, would be deleted in Odoo"),
         (OUTLOOK_SIDE, "Deleted in Odoo, would be deleted in Outlook")],
        required=True, string="What Happened")
    graph_id = fields.Char(required=True)
    local_id = fields.Integer(required=True)
    event_id = fields.Many2one("calendar.event", string="Event", ondelete="set null")
    name = fields.Char("Event Name")
    start = fields.Datetime()
    reason = fields.Char()

    _sql_constraints = [
        ("held_unique", "unique(account_id, graph_id)", "This deletion is already held."),
    ]
