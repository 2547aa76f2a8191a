from odoo import fields, models


class OutlookEventLink(models.Model):
    """What the last sync remembers about one Odoo event in one user's Outlook calendar.

    A Graph event id is per mailbox, so the link is per account: two Odoo users invited to
    the same meeting have two links to ONE Odoo event (matched by iCalUId).
    """

    _name = "outlook.event.link"
    _description = "Outlook Event Link"

    account_id = fields.Many2one("outlook.account", required=True, ondelete="cascade", index=True)
    event_id = fields.Many2one("calendar.event", ondelete="set null", index=True)
    local_id = fields.Integer(required=True, index=True,
                              help="The Odoo event's id, kept after the event is deleted so "
                                   "that the deletion can still reach Outlook.")
    graph_id = fields.Char(required=True, index=True)
    ical_uid = fields.Char(index=True)
    change_key = fields.Char()
    synced_hash = fields.Char(help="Hash of the values last synced, as Odoo reads them.")
    remote_hash = fields.Char(help="Hash of the same values as Outlook last sent them.")
    series_master_graph_id = fields.Char(index=True,
                                         help="Set on the occurrences of a recurring series.")
    withheld = fields.Boolean(
        help="Sent to Outlook without its attendees (the user chose not to invite them): "
             "Odoo keeps the attendee list, Outlook's copy lists them in its description.")
    role = fields.Selection(
        [("organizer", "Organizer"), ("relay", "Invitation from an outside organizer"),
         ("attendee", "Invitation"), ("copy", "Copy")],
        default="organizer", required=True,
        help="What this mailbox's copy is to the meeting (see engine/ownership.py): the "
             "organizer's copy drives it both ways; an invitation only brings its answer.")

    _sql_constraints = [
        ("graph_id_unique", "unique(account_id, graph_id)",
         "An Outlook event is linked only once per account."),
    ]

    def _set_roles_of_older_links(self):
        """Links made before roles existed (an upgrade): a mailbox whose user does not
        organize the Odoo event holds an invitation, which from now on only answers; the
        organizer's link names the meeting's owner."""
        self.env.flush_all()
        self.env.cr.execute(
            """UPDATE outlook_event_link l SET role = 'attendee'
                 FROM outlook_account a, calendar_event e
                WHERE a.id = l.account_id AND e.id = l.event_id AND l.role = 'organizer'
                  AND e.user_id IS DISTINCT FROM a.user_id""")
        self.env.cr.execute(
            """UPDATE calendar_event e SET outlook_organizer_email = lower(a.mailbox)
                 FROM outlook_event_link l JOIN outlook_account a ON a.id = l.account_id
                WHERE l.event_id = e.id AND l.role = 'organizer' AND a.mailbox IS NOT NULL
                  AND e.outlook_organizer_email IS NULL""")
        self.env.invalidate_all()
