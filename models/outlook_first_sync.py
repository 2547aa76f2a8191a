"""The first synchronization's preview: which upcoming Odoo events it will send to Outlook and
whom Outlook will invite, before the user signs in. It asks the same decider the run asks
(engine/scope.py ``may_push``) about the same events, so what the user is told is what
happens.
"""

from datetime import UTC

from odoo import api, fields, models

from ..engine import scope
from ..engine.sync_state import LocalState
from .outlook_settings import read_settings

PREVIEW_LIMIT = 200  # events listed in the first-sync dialog (the counts cover them all)


class OutlookFirstSync(models.Model):
    _inherit = "outlook.account"

    def _first_sync_candidates(self, settings):
        """The Odoo events the first synchronization will send to Outlook: the same decision
        the run makes (engine/scope.py) on the same events."""
        window = settings.window()
        run_scope = self._scope_with(settings, window, self._first_sync_cutoff(window))
        events = self.env["calendar.event"].sudo().browse(self._own_event_ids(*window))
        for event in events:
            base = event.recurrence_id.base_event_id
            state = LocalState(event.id, "values", event.write_date.replace(tzinfo=UTC),
                               ends_at=event.stop.replace(tzinfo=UTC),
                               occurrence=bool(base) and base != event, follows_series=True)
            if scope.may_push(state, False, run_scope):
                yield event

    def _invitees(self, event):
        """The attendees Outlook will invite to `event`: everyone with an address but the
        organizer."""
        partner = self.user_id.partner_id
        return event.attendee_ids.filtered(
            lambda a: a.partner_id != partner and a.partner_id.email).partner_id

    def _first_sync_preview(self, settings):
        """How many events the first sync will send to Outlook, and how many attendee
        invitations Outlook will mail for them."""
        sent, invitations = 0, 0
        for event in self._first_sync_candidates(settings):
            sent += 1
            invitations += len(self._invitees(event))
        return {"events": sent, "invitations": invitations}

    @api.model
    def button_first_sync_preview(self):
        """The events the first synchronization will send, each with the attendees Outlook
        will invite: what the dialog before signing in lists."""
        account = self._own_account()
        settings = read_settings(self.env)
        rows, sent, invitations = [], 0, 0
        for event in account._first_sync_candidates(settings):
            invitees = account._invitees(event)
            sent += 1
            invitations += len(invitees)
            if len(rows) < PREVIEW_LIMIT:
                rows.append({
                    "id": event.id,
                    "name": event.display_name,
                    "allday": event.allday,
                    "start": fields.Datetime.to_string(event.start),
                    "recurring": bool(event.recurrency),
                    "invitees": [p.name or p.email for p in invitees],
                })
        return {"events": sent, "invitations": invitations, "rows": rows,
                "more": max(0, sent - len(rows))}
