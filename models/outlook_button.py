"""What the Outlook button in Calendar asks the server: always the caller's own account.

Only internal users have an Outlook account; every method here acts on the account of the
user calling it, never on an id given by the browser.
"""

from datetime import UTC

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine import scope
from ..engine.errors import SyncError
from ..engine.sync_state import LocalState
from .outlook_account_sync import SyncAlreadyRunning
from .outlook_settings import read_settings


class OutlookButton(models.Model):
    _inherit = "outlook.account"

    @api.model
    def _own_account(self):
        if not self.env.user._is_internal():
            raise AccessError(self.env._("Only internal users can connect an Outlook calendar."))
        return self._for_user(self.env.user)

    @api.model
    def button_status(self):
        """What the Outlook button shows for the current user."""
        settings = read_settings(self.env)
        is_admin = self.env.user.has_group("base.group_system")
        if not settings.configured:
            return {"state": "not_configured", "is_admin": is_admin,
                    "settings_action": "calendar.calendar_settings_action"}
        account = self._own_account()
        status = {
            "state": "paused" if settings.paused and account.state == "connected"
            else account.state,
            "paused_by_admin": settings.paused,
            "is_admin": is_admin,
            "mailbox": account.mailbox or "",
            "last_sync": fields.Datetime.to_string(account.last_sync) or "",
            "last_error": account.last_error or "",
            "held_deletions": account._held_summary(),
            "refused": account.refused_count,
        }
        if account.state == "disconnected" and not account.first_sync_at:
            status["first_sync"] = account._first_sync_preview(settings)
        return status

    def _held_summary(self):
        held = self.held_deletion_ids
        if not held:
            return False
        return {"count": len(held), "side": held[0].side, "confirmed": self.confirm_deletions,
                "events": [{"name": h.name, "start": fields.Datetime.to_string(h.start)}
                           for h in held[:50]]}

    def _first_sync_preview(self, settings):
        """How many events the first sync will send to Outlook, and how many attendee
        invitations Outlook will mail for them: the same decision the run makes
        (engine/scope.py) on the same events."""
        window_start, window_end = settings.window()
        now = fields.Datetime.now()
        push_from = scope.first_sync_cutoff(now, window_start,
                                            all_existing=self.reset_next_sync == "all")
        changed_since = self.reset_at if self.reset_next_sync == "new" else None
        run_scope = scope.Scope(settings.direction, window_start.replace(tzinfo=UTC),
                                window_end.replace(tzinfo=UTC), push_from.replace(tzinfo=UTC),
                                changed_since and changed_since.replace(tzinfo=UTC))
        events = self.env["calendar.event"].sudo().browse(
            self._own_event_ids(window_start, window_end))
        partner = self.user_id.partner_id
        sent, invitations = 0, 0
        for event in events:
            base = event.recurrence_id.base_event_id
            state = LocalState(event.id, "values", event.write_date.replace(tzinfo=UTC),
                               ends_at=event.stop.replace(tzinfo=UTC),
                               occurrence=bool(base) and base != event, follows_series=True)
            if scope.may_push(state, False, run_scope):
                sent += 1
                invitations += len(event.attendee_ids.filtered(
                    lambda a: a.partner_id != partner and a.partner_id.email))
        return {"events": sent, "invitations": invitations}

    @api.model
    def button_connect(self, return_url=None):
        """Start the Microsoft sign-in; returns the URL to send the browser to."""
        account = self._own_account()
        try:
            return {"url": account._start_sign_in(return_url)}
        except SyncError as error:  # e.g. Microsoft unreachable, or a wrong setting
            raise UserError(self.env._(error.user_message)) from error

    @api.model
    def button_sync(self):
        """Synchronize the current user's calendar now."""
        account = self._own_account()
        try:
            report = account._sync(trigger="button",
                                   commit=not self.env.context.get("outlook_no_commit"))
        except SyncAlreadyRunning as busy:
            return dict(self.button_status(), busy=self.env._(busy.user_message))
        status = self.button_status()
        if report:
            status["report"] = {"counts": report.counts, "errors": len(report.errors),
                                "conflicts": len(report.conflicts),
                                "waiting": report.waiting}
        return status

    @api.model
    def button_pause(self):
        self._own_account().action_pause()
        return self.button_status()

    @api.model
    def button_resume(self):
        self._own_account().action_resume()
        return self.button_status()

    @api.model
    def button_confirm_deletions(self):
        self._own_account().action_confirm_deletions()
        return self.button_sync()

    @api.model
    def button_restore_deletions(self):
        self._own_account().action_restore_deletions()
        return self.button_sync()
