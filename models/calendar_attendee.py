from odoo import models


class CalendarAttendee(models.Model):
    _inherit = "calendar.attendee"

    def write(self, vals):
        result = super().write(vals)
        if "state" in vals and not self.env.context.get("outlook_sync_account"):
            self._outlook_enqueue_answers()
        return result

    def _outlook_enqueue_answers(self):
        """Queue the answers users gave in Odoo for their own Outlook mailbox.

        Only invitees answer: the organizer's own attendance is not an answer in Outlook.
        """
        self.flush_recordset(["partner_id", "event_id", "state"])
        self.env["outlook.account"].flush_model(["user_id", "state"])
        self.env.cr.execute(
            """SELECT a.id, att.event_id FROM calendar_attendee att
                 JOIN res_users u ON u.partner_id = att.partner_id
                 JOIN outlook_account a ON a.user_id = u.id AND a.state != 'disconnected'
                 JOIN calendar_event e ON e.id = att.event_id
                WHERE att.id = ANY(%s) AND e.user_id IS DISTINCT FROM u.id""",
            [list(self.ids)])
        self.env["outlook.outbox"]._enqueue(self.env.cr.fetchall(), kind="response")
