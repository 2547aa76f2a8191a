from odoo import api, fields, models


class OutlookOutbox(models.Model):
    """Odoo changes waiting to reach Outlook, and answers waiting to reach the organizer.

    Rows are written in the same transaction as the change itself, so a change is never lost
    when Odoo stops before the next sync. A row leaves only when Outlook confirmed the change,
    or when Outlook refused it for good: it then stays, "refused", for the user to see and
    retry. ``version`` grows with every new change of the event, so a sync that read an older
    version never removes a newer change. ``transaction_id`` is given once, before Outlook
    first receives the creation, and kept: a creation sent again (after a crash, a lost
    answer, an edit meanwhile) carries the same one, and Outlook returns the event it made.
    """

    _name = "outlook.outbox"
    _description = "Outlook Outbox"
    _log_access = False
    _order = "queued_at, id"

    account_id = fields.Many2one("outlook.account", required=True, ondelete="cascade", index=True)
    event_id = fields.Integer(required=True, help="Kept as a number: the event may be deleted.")
    kind = fields.Selection([("event", "Event"), ("response", "Answer")], required=True,
                            default="event")
    queued_at = fields.Datetime(default=fields.Datetime.now, required=True)
    version = fields.Integer(default=1, required=True)
    transaction_id = fields.Char(copy=False)
    state = fields.Selection([("pending", "Waiting"), ("refused", "Refused by Outlook")],
                             default="pending", required=True)
    error = fields.Text(help="Why Outlook refused the change, and what to do.")
    withhold_invitations = fields.Boolean(
        help="Send it without inviting its attendees: the user chose so for the events the "
             "first synchronization sends.")
    name = fields.Char("Event", compute="_compute_name")

    _sql_constraints = [
        ("pending_unique", "unique(account_id, event_id, kind)", "Already queued."),
    ]

    def _compute_name(self):
        events = self.env["calendar.event"].sudo().with_context(active_test=False).browse(
            self.mapped("event_id")).exists()
        names = {event.id: event.display_name for event in events}
        for row in self:
            row.name = names.get(row.event_id) or self.env._("(deleted event)")

    @api.model
    def _enqueue(self, pairs, kind="event", withhold=False):
        """Queue (account_id, event_id) pairs. A pair already queued gets a new version (and
        a refused change is tried again): its new change must not be taken for the old one.
        ``withhold``: send them without inviting their attendees."""
        pairs = sorted(set(pairs))
        if not pairs:
            return
        self.env.cr.execute(
            "INSERT INTO outlook_outbox (account_id, event_id, kind, queued_at, version, state, "
            "withhold_invitations) "
            "SELECT a, e, %s, now() AT TIME ZONE 'UTC', 1, 'pending', %s "
            "FROM unnest(%s::int[], %s::int[]) AS t(a, e) "
            "ON CONFLICT (account_id, event_id, kind) DO UPDATE "
            "SET version = outlook_outbox.version + 1, state = 'pending', error = NULL, "
            "withhold_invitations = outlook_outbox.withhold_invitations "
            "OR EXCLUDED.withhold_invitations",
            [kind, withhold, [a for a, _e in pairs], [e for _a, e in pairs]],
        )
        self.invalidate_model()

    def action_retry(self):
        """Send a refused change again at the next synchronization."""
        self.check_access("read")  # the user's own account, or an administrator
        self.sudo().write({"state": "pending", "error": False})
        for account in self.account_id:
            account.sudo()._trigger_sync()
