"""The event adapter: Odoo's calendar events as neutral values, and Outlook's changes in.

Every write here carries the sync context (models/calendar_event.py): Odoo mails nobody,
since Outlook already did, and queues nothing back to Outlook.
"""

from dataclasses import replace
from datetime import UTC

from odoo import Command

from ...engine import scope
from ...engine.event_values import values_hash
from ...engine.ownership import ORGANIZER
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
        values_list = [values for _state, values, _role in items]
        partners = self._partners(values_list, organizers=True)
        vals_list = []
        for _state, values, role in items:
            vals = self.events._outlook_vals(
                values, partners, self._organizer_partner(values, role, partners),
                attendee=self.user.partner_id, alarms=self._alarms)
            vals.update(self._organizer_vals(values, role, partners))
            vals_list.append(vals)
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
        for local_id, (_state, values, role) in zip(ids, items, strict=True):
            self._take_answers(local_id, values, role)
        return ids

    def _take_answers(self, local_id, values, role):
        """The organizer's copy knows every attendee's answer; an invitation only its
        mailbox's own (the others' answers it shows are not kept up to date)."""
        if role == ORGANIZER:
            self._set_answers(self._event(local_id), values)
        else:
            self.set_answer(local_id, values.own_response)

    def _organizer_partner(self, values, role, partners):
        if role == ORGANIZER:
            return self.user.partner_id
        return partners.get(values.organizer_email)

    def _organizer_vals(self, values, role, partners):
        """Who organizes a meeting Odoo gets from this copy: this mailbox's user when it
        organizes it; else nobody in Odoo (the organizer an invitation names is a claim,
        not a proof), the outside organizer being shown as such (engine/ownership.py)."""
        if role == ORGANIZER:
            return {"user_id": self.user.id,
                    "outlook_organizer_email": (self.account.mailbox or "").lower(),
                    "outlook_organizer_id": False}
        return {"user_id": False, "outlook_organizer_email": values.organizer_email or False,
                "outlook_organizer_id": partners[values.organizer_email].id
                if values.organizer_email in partners else False}

    def join_meeting(self, local_id, role, values):
        """This mailbox's user attends the meeting, with their answer; as its organizer,
        the meeting is theirs from now on, and other invitations of it only answer."""
        event = self.events.browse(local_id)
        if role == ORGANIZER and not event.user_id and values is not None:
            # It came through an invitation: the organizer's own copy is the truth.
            self.update_local(local_id, values, ORGANIZER)
        vals = {}
        if self.user.partner_id not in event.partner_ids:
            vals["partner_ids"] = [Command.link(self.user.partner_id.id)]
        if role == ORGANIZER:
            vals.update(user_id=self.user.id, outlook_organizer_id=False,
                        outlook_organizer_email=(self.account.mailbox or "").lower())
            self.cr.execute(
                "UPDATE outlook_event_link SET role = 'attendee' "
                "WHERE event_id = %s AND role = 'relay' AND account_id != %s",
                [local_id, self.account.id])
        if vals:
            event.write(vals)
        if values is not None and values.own_response:
            self.set_answer(local_id, values.own_response)

    def set_answer(self, local_id, response):
        attendee = self.events.browse(local_id).attendee_ids.filtered(
            lambda a: a.partner_id == self.user.partner_id)
        if response and attendee and attendee.state != response:
            attendee.with_context(self.events.env.context).write({"state": response})

    def update_local(self, local_id, values, role=ORGANIZER):
        event = self.events.browse(local_id)
        partners = self._partners([values], organizers=True)
        organizer = event.user_id.partner_id or partners.get(values.organizer_email)
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
        self._take_answers(local_id, values, role)

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

    def _partners(self, values_list, organizers=False):
        """Partners for every attendee e-mail (and organizer's, with ``organizers``),
        case-insensitive, created when unknown."""
        wanted = {a.email: a.name for values in values_list for a in values.attendees}
        if organizers:
            wanted.update({v.organizer_email: v.organizer_name for v in values_list
                           if v.organizer_email and v.organizer_email not in wanted})
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

    def _set_answers(self, event, values):
        """Attendees' answers as Outlook shows them (the organizer attends)."""
        answers = {a.email: a.response for a in values.attendees}
        if values.organizer_email:
            answers.setdefault(values.organizer_email, "accepted")
        for attendee in event.attendee_ids:
            email = (attendee.partner_id.email or "").lower()
            if email in answers and attendee.state != answers[email]:
                attendee.state = answers[email]
