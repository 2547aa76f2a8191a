from odoo import api, fields, models


class OutlookOutbox(models.Model):
    """Odoo changes waiting to reach Outlook.

    Rows are written in the same transaction as the change itself, so a change is never lost
    when Odoo stops before the next sync; the sync removes a row once Outlook has it.
    """

    _name = "outlook.outbox"
    _description = "Outlook Outbox"
    _log_access = False

    account_id = fields.Many2one("outlook.account", required=True, ondelete="cascade", index=True)
    event_id = fields.Integer(required=True, help="Kept as a number: the event may be deleted.")
    kind = fields.Selection([("event", "Event"), ("response", "Answer")], required=True,
                            default="event")
    queued_at = fields.Datetime(default=fields.Datetime.now, required=True)

    _sql_constraints = [
        ("pending_unique", "unique(account_id, event_id, kind)", "Already queued."),
    ]

    @api.model
    def enqueue(self, pairs, kind="event"):
        """Queue (account_id, event_id) pairs; pairs already waiting stay as they are."""
        pairs = sorted(set(pairs))
        if not pairs:
            return
        self.env.cr.execute(
            "INSERT INTO outlook_outbox (account_id, event_id, kind, queued_at) "
            "SELECT a, e, %s, now() AT TIME ZONE 'UTC' "
            "FROM unnest(%s::int[], %s::int[]) AS t(a, e) "
            "ON CONFLICT (account_id, event_id, kind) DO NOTHING",
            [kind, [a for a, _e in pairs], [e for _a, e in pairs]],
        )
