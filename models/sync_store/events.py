"""The event adapter: Odoo's calendar events as neutral values, and Outlook's changes in.

Every write here carries the sync context (models/calendar_event.py): Odoo mails nobody,
since Outlook already did, and queues nothing back to Outlook.
"""

from dataclasses import replace
from datetime import UTC

from ...engine import scope
from ...engine.event_values import values_hash
from ...engine.series import OdooSeries
from ..calendar_event import RECURRENCE_FIELDS


class EventAdapter:
    """Needs ``self.account``, ``self.env``, ``self.cr``, ``self.events`` (see OdooStore)."""

    def _init_events(self):
        self._prefetch_ids = ()  # the events being synchronized together
        self._alarms = {}  # reminder minutes -> calendar.alarm, for this run

    def _event(self, local_id):
        return self.events.browse(local_id).with_prefetch(self._prefetch_ids or (local_id,))

    def exists(self, local_id):
        return bool(self.events.browse(local_id).exists())

    def local_values(self, local_id):
        return self._event(local_id)._outlook_values()

    def local_hash(self, local_id):
        return values_hash(self.local_values(local_id))

    def create_local(self, items):
        values_list = [values for _state, values in items]
        partners = self._partners(values_list)
        organizers = self._organizers(values_list)
        vals_list = [self.events._outlook_vals(
            values, partners, organizers.get(values.organizer_email),
            attendee=self.user.partner_id, alarms=self._alarms) for values in values_list]
        # Odoo creates recurring events after the others, whatever the order given: create
        # the single events together and each series apart, so ids match their items.
        ids = [None] * len(vals_list)
        singles = [i for i, vals in enumerate(vals_list) if not vals.get("recurrency")]
        created = self.events.create([vals_list[i] for i in singles])
        for index, event in zip(singles, created, strict=True):
            ids[index] = event.id
        for index, vals in enumerate(vals_list):
            if ids[index] is None:
                ids[index] = self.events.create(vals).id
        self._prefetch_ids = tuple(ids)
        for local_id, values in zip(ids, values_list, strict=True):
            self._set_answers(self._event(local_id), values)
        return ids

    def update_local(self, local_id, values):
        event = self.events.browse(local_id)
        partners = self._partners([values])
        organizer = self._organizers([values]).get(values.organizer_email)
        vals = self.events._outlook_vals(values, partners, organizer,
                                         attendee=self.user.partner_id, alarms=self._alarms)
        vals["active"] = True
        if event.recurrence_id:
            recurring = bool(values.recurrence) and event.recurrence_id.base_event_id == event
            vals["recurrence_update"] = "all_events" if recurring else "self_only"
            if not recurring:
                vals.pop("recurrency", None)
            self._keep_only_changes(event, vals)
        event.write(vals)
        self._set_answers(event, values)

    def remove_local(self, local_id):
        event = self.events.browse(local_id).exists()
        if event.recurrence_id and event.recurrence_id.base_event_id == event:
            event |= event.with_context(active_test=True).recurrence_id.calendar_event_ids
        if scope.local_removal() == scope.DELETE:
            event.unlink()
        else:
            event.write({"active": False})

    def series(self, local_id):
        event = self.events.browse(local_id).exists()
        recurrence = event.recurrence_id
        if not recurrence or recurrence.base_event_id != event:
            return None
        occurrences = recurrence.calendar_event_ids.filtered("active") | event
        self._prefetch_ids = tuple(set(self._prefetch_ids) | set(occurrences.ids))
        return OdooSeries(event.id, event.allday, {
            (occ.start_date if occ.allday else occ.start.replace(tzinfo=UTC)): occ.id
            for occ in occurrences
        })

    def note_approximation(self, local_id, problems):
        translate = self.env(context=dict(self.env.context, lang=self.user.lang))._
        note = "\n".join(problem.render(translate) for problem in problems)
        self.events.browse(local_id).write({"outlook_note": note})

    # -- helpers ---------------------------------------------------------------------------

    @staticmethod
    def _keep_only_changes(event, vals):
        """Leave out of `vals` the rule and times a series already has: rewriting them
        makes Odoo rebuild every occurrence (and lose their links)."""
        recurrence = event.recurrence_id
        for name in RECURRENCE_FIELDS + ("event_tz",):
            if name in vals and recurrence[name] == (vals[name] or False):
                del vals[name]
        for name in ("start", "stop"):
            if name in vals and event[name] == vals[name]:
                del vals[name]

    @staticmethod
    def _follows_series(occurrence):
        """Whether an occurrence shows just what its series says (not an exception)."""
        if not occurrence.follow_recurrence:
            return False  # Odoo marks occurrences whose times were moved
        base = occurrence.recurrence_id.base_event_id
        if not base:
            return True
        mine, theirs = occurrence._outlook_values(), base._outlook_values()
        return replace(mine, start=theirs.start, end=theirs.end, recurrence=None) == replace(
            theirs, recurrence=None)

    def _partners(self, values_list):
        """Partners for every attendee e-mail (case-insensitive), created when unknown."""
        wanted = {a.email: a.name for values in values_list for a in values.attendees}
        Partner = self.env["res.partner"].sudo().with_context(
            mail_create_nolog=True, mail_create_nosubscribe=True, tracking_disable=True)
        found = {}
        if wanted:
            Partner.flush_model(["email", "active"])
            self.cr.execute("SELECT lower(email), min(id) FROM res_partner "
                            "WHERE lower(email) = ANY(%s) AND active GROUP BY lower(email)",
                            [list(wanted)])
            found = {email: Partner.browse(pid) for email, pid in self.cr.fetchall()}
        missing = [email for email in wanted if email not in found]
        if missing:
            created = Partner.create([{"name": wanted[e] or e, "email": e} for e in missing])
            found.update(zip(missing, created, strict=True))
        return found

    def _organizers(self, values_list):
        """Odoo users organizing these events, by e-mail; this account's mailbox is its user."""
        emails = {values.organizer_email for values in values_list if values.organizer_email}
        result = {}
        mailbox = (self.account.mailbox or "").lower()
        if mailbox in emails:
            result[mailbox] = self.user
        others = emails - set(result)
        if others:
            self.env["res.users"].flush_model(["active", "share", "partner_id"])
            self.env["res.partner"].flush_model(["email"])
            self.cr.execute(
                "SELECT lower(p.email), min(u.id) FROM res_users u "
                "JOIN res_partner p ON p.id = u.partner_id "
                "WHERE lower(p.email) = ANY(%s) AND u.active AND u.share IS NOT TRUE "
                "GROUP BY lower(p.email)", [list(others)])
            users = self.env["res.users"].sudo()
            result.update({email: users.browse(uid) for email, uid in self.cr.fetchall()})
        return result

    def _set_answers(self, event, values):
        """Attendees' answers as Outlook shows them (the organizer attends)."""
        answers = {a.email: a.response for a in values.attendees}
        if values.organizer_email:
            answers.setdefault(values.organizer_email, "accepted")
        for attendee in event.attendee_ids:
            email = (attendee.partner_id.email or "").lower()
            if email in answers and attendee.state != answers[email]:
                attendee.state = answers[email]
