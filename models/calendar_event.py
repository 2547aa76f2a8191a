from datetime import UTC, datetime, time

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine import ownership, scope
from ..engine.event_values import Attendee, EventValues, sorted_attendees
from ..engine.html_body import sanitize_html
from ..engine.recurrence import odoo_recurrence_values, recurrence_from_odoo
from .outlook_settings import read_settings

# Changing any of these in Odoo means Outlook must hear about it.
SYNCED_FIELDS = frozenset({
    "name", "description", "start", "stop", "start_date", "stop_date", "allday", "location",
    "show_as", "privacy", "alarm_ids", "partner_ids", "attendee_ids", "user_id",
    "videocall_location", "active", "recurrency", "rrule", "rrule_type", "interval", "count",
    "until", "end_type", "mon", "tue", "wed", "thu", "fri", "sat", "sun", "month_by", "day",
    "weekday", "byday", "event_tz",
})
RECURRENCE_FIELDS = ("rrule_type", "interval", "end_type", "count", "until", "mon", "tue", "wed",
                     "thu", "fri", "sat", "sun", "month_by", "day", "weekday", "byday")
ALL_DAY_START, ALL_DAY_STOP = time(8), time(18)  # the hours Odoo itself gives all-day events


def sync_context(env, account):
    """Context for writes coming from Outlook: Outlook already mailed the attendees, and
    the change must not be queued back to Outlook."""
    return dict(env.context, outlook_sync_account=account.id, no_mail_to_attendees=True,
                dont_notify=True, mail_create_nolog=True, mail_notrack=True,
                tracking_disable=True, mail_auto_subscribe_no_notify=True,
                mail_create_nosubscribe=True)


class CalendarEvent(models.Model):
    _inherit = "calendar.event"

    outlook_ical_uid = fields.Char("Outlook iCalUId", index=True, copy=False, readonly=True)
    outlook_organizer_email = fields.Char(
        "Outlook Organizer Address", readonly=True, copy=False, index=True,
        help="The organizer's address as Outlook gives it: the owner of the meeting.")
    outlook_organizer_id = fields.Many2one(
        "res.partner", string="Organizer in Outlook", readonly=True, copy=False,
        help="The meeting's organizer when they are not an Odoo user (they organize it in "
             "Outlook; only they can change it).")
    outlook_note = fields.Text(
        "Outlook Note", readonly=True, copy=False,
        help="What Odoo could not keep exactly of this event's Outlook repeat rule.")
    outlook_link_ids = fields.One2many("outlook.event.link", "event_id", readonly=True,
                                       groups="base.group_system")

    # -- queueing Odoo changes for Outlook ---------------------------------------------------

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events._outlook_enqueue()
        return events

    def write(self, vals):
        self._outlook_check_owner(vals)
        result = super().write(vals)
        if SYNCED_FIELDS.intersection(vals):
            self._outlook_enqueue()
        return result

    def unlink(self):
        self._outlook_check_owner({"active": False})
        self._outlook_enqueue()
        return super().unlink()

    def _outlook_check_owner(self, vals):
        """Only a meeting's organizer changes what Outlook owns of it (time, subject, place,
        attendees, repetition): anything else would be undone by the organizer's next
        change, or sent from a mailbox that does not organize it."""
        if self.env.su or self.env.context.get("outlook_sync_account") or not (
                ownership.OUTLOOK_OWNED_FIELDS.intersection(vals)):
            return
        synced = self._outlook_synced_ids()
        for event in self:
            editor_is_organizer = bool(event.user_id) and event.user_id == self.env.user
            if not ownership.may_change(vals, editor_is_organizer, event.id in synced):
                organizer = (event.user_id.name or event.outlook_organizer_id.display_name
                             or event.outlook_organizer_email or _("its organizer"))
                raise UserError(_(
                    "\"%(event)s\" is organized by %(organizer)s in Outlook: only they can "
                    "change or delete it, and its time, subject, place, attendees or "
                    "repetition. You can still answer it (decline it if you will not come) "
                    "and set your own reminders here.",
                    event=event.name, organizer=organizer))

    def _outlook_synced_ids(self):
        """The ids of these events that some mailbox has linked."""
        self.env["outlook.event.link"].flush_model(["event_id"])
        self.env.cr.execute("SELECT DISTINCT event_id FROM outlook_event_link "
                            "WHERE event_id = ANY(%s)", [list(self.ids)])
        return {row[0] for row in self.env.cr.fetchall()}

    def _outlook_enqueue(self):
        """Queue these events for the Outlook account of their organizer.

        Only the organizer's mailbox receives Odoo's changes: Outlook itself then updates
        every attendee's copy. Changes that come from Outlook are not queued back.
        """
        if not self or self.env.context.get("outlook_sync_account"):
            return
        self.flush_recordset(["user_id"])
        self.env["outlook.account"].flush_model(["user_id", "state"])
        self.env.cr.execute(
            "SELECT e.id, a.id FROM calendar_event e "
            "JOIN outlook_account a ON a.user_id = e.user_id AND a.state != 'disconnected' "
            "WHERE e.id = ANY(%s)", [list(self.ids)])
        pairs = [(account_id, event_id) for event_id, account_id in self.env.cr.fetchall()]
        self.env["outlook.outbox"]._enqueue(pairs)

    def _skip_send_mail_status_update(self):
        """Outlook mails the attendees of the events it receives from an organizer whose
        account is synchronized: Odoo must not send a second invitation."""
        return self._outlook_sends_invitations() or super()._skip_send_mail_status_update()

    def _outlook_sends_invitations(self):
        self.ensure_one()
        if not self.user_id or self.env.context.get("outlook_sync_account"):
            return False
        account = self.env["outlook.account"].sudo().search(
            [("user_id", "=", self.user_id.id), ("state", "!=", "disconnected")], limit=1)
        return scope.outlook_mails_invitations(
            read_settings(self.env).direction, bool(account), account.first_sync_at or None,
            self.stop)

    # -- Odoo event -> neutral values ---------------------------------------------------------

    def _outlook_values(self):
        """This event as neutral values (what Outlook should show)."""
        self.ensure_one()
        tz = self.event_tz or self.user_id.tz or "UTC"
        organizer = self.user_id.partner_id or self.outlook_organizer_id
        if self.allday:
            start, end = self.start_date, self.stop_date
        else:
            start, end = self.start.replace(tzinfo=UTC), self.stop.replace(tzinfo=UTC)
        alarms = [alarm.duration_minutes for alarm in self.alarm_ids]
        return EventValues(
            subject=self.name or "",
            body_html=sanitize_html(str(self.description or "")),
            all_day=self.allday,
            start=start,
            end=end,
            timezone=tz,
            location=self.location or "",
            show_as=self.show_as or "busy",
            privacy=self.privacy or None,
            reminder_minutes=min(alarms) if alarms else None,
            attendees=sorted_attendees(
                Attendee(att.partner_id.email, att.partner_id.name or "", att.state)
                for att in self.attendee_ids
                if att.partner_id != organizer and att.partner_id.email
            ),
            organizer_email=(organizer.email or "").lower(),
            organizer_name=organizer.name or "",
            online_meeting_url=self.videocall_location or "",
            recurrence=self._outlook_recurrence(tz),
        )

    def _outlook_recurrence(self, tz):
        recurrence = self.recurrence_id
        if not recurrence or recurrence.base_event_id != self:
            return None
        values = recurrence.read(list(RECURRENCE_FIELDS))[0]
        start = self.start_date if self.allday else self.start.replace(tzinfo=UTC)
        return recurrence_from_odoo(values, start, tz)

    # -- neutral values -> Odoo event ---------------------------------------------------------

    @api.model
    def _outlook_vals(self, values, partners_by_email, organizer=None, attendee=None,
                      alarms=None):
        """calendar.event values for neutral `values` (attendees as partners). `organizer`
        is the organizer's partner, `attendee` the partner of the mailbox the event was read
        from: both are always among the attendees. Who organizes it in Odoo (user_id) is
        not decided here (see models/sync_store/events.py)."""
        vals = {
            "name": values.subject or "(no subject)",
            "description": values.body_html or False,
            "allday": values.all_day,
            "location": values.location or False,
            "show_as": values.show_as,
            "privacy": values.privacy or False,
            "videocall_location": values.online_meeting_url or False,
            "alarm_ids": [fields.Command.set(
                self._outlook_alarms(values.reminder_minutes, alarms).ids)],
        }
        if values.all_day:
            vals["start"] = datetime.combine(values.start, ALL_DAY_START)
            vals["stop"] = datetime.combine(values.end, ALL_DAY_STOP)
        else:
            vals["start"] = values.start.astimezone(UTC).replace(tzinfo=None)
            vals["stop"] = values.end.astimezone(UTC).replace(tzinfo=None)
        partners = [partners_by_email[a.email] for a in values.attendees]
        partners += [partner for partner in (organizer, attendee) if partner]
        vals["partner_ids"] = [fields.Command.set(sorted({p.id for p in partners}))]
        if values.recurrence:
            # event_tz is one of Odoo's recurrence fields: it is written with the rule only.
            vals.update(recurrency=True, **odoo_recurrence_values(
                values.recurrence, values.start, values.timezone))
        return vals

    @api.model
    def _outlook_alarms(self, minutes, cache=None):
        """The notification alarm for Outlook's reminder, created when Odoo has none alike.
        `cache` (minutes -> alarm) spares a search per event during a sync run."""
        Alarm = self.env["calendar.alarm"].sudo()
        if minutes is None:
            return Alarm
        if cache is not None:
            if minutes not in cache:
                cache[minutes] = self._outlook_alarms(minutes)
            return cache[minutes]
        alarm = Alarm.search([("alarm_type", "=", "notification"),
                              ("duration_minutes", "=", minutes)], limit=1)
        if not alarm:
            unit, duration = ("minutes", minutes)
            if minutes and minutes % 1440 == 0:
                unit, duration = "days", minutes // 1440
            elif minutes and minutes % 60 == 0:
                unit, duration = "hours", minutes // 60
            alarm = Alarm.create({
                "name": f"Outlook reminder {minutes} min",
                "alarm_type": "notification", "interval": unit, "duration": duration,
            })
        return alarm
