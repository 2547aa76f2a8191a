"""Reset Account: an administrator starts one user's Outlook synchronization over.

The engine decides (engine/reset.py); this wizard shows its plan before anything happens,
then deletes what was asked, disconnects the account and writes the reset to the sync
history.
"""

import logging

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from ..engine.errors import SyncAlreadyRunning, SyncError
from ..engine.graph_client import GraphClient
from ..engine.inbound import ItemError
from ..engine.reset import ExistingEvents, NextSync, OwnedEvent, delete_in_outlook, plan_reset
from ..engine.sync_run import SyncReport
from ..models.calendar_event import sync_context
from ..models.outlook_settings import read_settings

_logger = logging.getLogger(__name__)


class OutlookAccountReset(models.TransientModel):
    _name = "outlook.account.reset"
    _description = "Reset Outlook Account"

    account_id = fields.Many2one("outlook.account", required=True, readonly=True,
                                 ondelete="cascade")
    user_id = fields.Many2one(related="account_id.user_id")
    mailbox = fields.Char(related="account_id.mailbox")
    existing_events = fields.Selection(
        [(ExistingEvents.KEEP.value, "Leave them untouched"),
         (ExistingEvents.DELETE_IN_OUTLOOK.value,
          "Delete from the current Microsoft Calendar account"),
         (ExistingEvents.DELETE_IN_ODOO.value, "Delete from Odoo"),
         (ExistingEvents.DELETE_IN_BOTH.value, "Delete from both")],
        string="User's Existing Events", required=True, default=ExistingEvents.KEEP.value,
        help="Only the events this user organizes: meetings organized by others stay as "
             "they are.")
    next_sync = fields.Selection(
        [(NextSync.NEW_ONLY.value, "Synchronize only new events"),
         (NextSync.ALL.value, "Synchronize all existing events")],
        string="Next Synchronization", required=True, default=NextSync.NEW_ONLY.value)
    preview = fields.Text("What Will Happen", compute="_compute_preview")

    @api.depends("account_id", "existing_events", "next_sync")
    def _compute_preview(self):
        for wizard in self:
            if not wizard.account_id:
                wizard.preview = False
                continue
            events, names = wizard._owned_events()
            wizard.preview = wizard._describe(wizard._plan(events), events, names)

    # -- deciding ----------------------------------------------------------------------------

    def _owned_events(self):
        """The events the user organizes, archived ones included, with their Outlook copy
        when this mailbox organizes it (an invitation is never the user's to delete); and,
        per event, (name, start, organizer) for the preview and the history."""
        self.env["calendar.event"].flush_model(
            ["user_id", "active", "start", "stop", "name", "recurrence_id"])
        self.env["calendar.recurrence"].flush_model(["base_event_id"])
        self.env["outlook.event.link"].flush_model()
        self.env.cr.execute(
            """SELECT e.id, e.active, e.start, e.stop, l.graph_id, l.series_master_graph_id,
                      r.id IS NOT NULL AND r.base_event_id IS DISTINCT FROM e.id, e.name
                 FROM calendar_event e
                 LEFT JOIN outlook_event_link l ON l.event_id = e.id AND l.account_id = %s
                                                AND l.role = 'organizer'
                 LEFT JOIN calendar_recurrence r ON r.id = e.recurrence_id
                WHERE e.user_id = %s""",
            [self.account_id.id, self.account_id.user_id.id])
        rows = self.env.cr.fetchall()
        events = [OwnedEvent(*row[:7]) for row in rows]
        organizer = self.account_id.user_id.name
        names = {row[0]: (row[7], row[2], organizer) for row in rows}
        return events, names

    def _plan(self, events):
        window_start, window_end = read_settings(self.env).window()
        return plan_reset(events, self.existing_events, self.next_sync, window_start,
                          window_end)

    def _listed(self, local_ids, names):
        """One line per event: subject, date, organizer (the first 30, then a count)."""
        lines = []
        for local_id in list(local_ids)[:30]:
            name, start, organizer = names[local_id]
            lines.append(f"  • {name} — {fields.Datetime.to_string(start)} — {organizer}")
        if len(local_ids) > 30:
            lines.append("  " + _("… and %(count)s more.", count=len(local_ids) - 30))
        return lines

    def _describe(self, plan, events, names):
        """The plan in sentences and lists, shown before the administrator confirms: the
        same plan the confirmation carries out."""
        existing = ExistingEvents(self.existing_events)
        user_name, counts = self.user_id.name, plan.counts()
        lines = []
        if existing.deletes_in_outlook:
            lines.append(_("Events to delete in Outlook (%(mailbox)s): %(count)s. Outlook "
                           "sends their attendees a cancellation; a recurring series counts "
                           "once.", mailbox=self.mailbox or _("not connected"),
                           count=counts["delete_in_outlook"]))
            by_graph_id = {event.graph_id: event.local_id for event in events}
            lines += self._listed([by_graph_id[g] for g in plan.delete_in_outlook], names)
            if self.account_id.state == "error":
                lines.append(_("Warning: the last synchronization failed (%(error)s). If "
                               "Odoo can no longer reach this Microsoft account, nothing can "
                               "be deleted there and the reset will say so.",
                               error=self.account_id.last_error or ""))
        else:
            lines.append(_("Nothing is deleted in Outlook."))
        if existing.deletes_in_odoo:
            lines.append(_("Events to delete in Odoo: %(count)s, archived ones included. "
                           "Nobody is mailed.", count=counts["delete_in_odoo"]))
            lines += self._listed(plan.delete_in_odoo, names)
        else:
            lines.append(_("Nothing is deleted in Odoo."))
        lines.append(_("Only meetings %(user)s organizes in Outlook and that were synchronized "
                       "are deleted: meetings organized by others (even those %(user)s "
                       "attends) and events never synchronized stay as they are.",
                       user=user_name))
        lines.append(_("%(user)s is disconnected from Outlook and connects again with the "
                       "Outlook button in Calendar.", user=user_name))
        if plan.next_sync is NextSync.ALL:
            lines.append(_("Then, events to send to Outlook: %(send)s, past ones of the "
                           "synchronized period included (Outlook invites their attendees). "
                           "Events still in Outlook, matched instead of duplicated: "
                           "%(match)s. Outlook events missing in Odoo are added to Odoo.",
                           send=counts["to_send"], match=counts["to_match"]))
        else:
            lines.append(_("Then, only events created or changed after the reset are "
                           "synchronized. Events still in Outlook, matched instead of "
                           "duplicated: %(match)s. No other existing event is sent to "
                           "Outlook or added to Odoo.", match=counts["to_match"]))
        return "\n".join(lines)

    # -- doing -------------------------------------------------------------------------------

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators can reset an Outlook account."))
        account = self.account_id.sudo()
        try:
            with account._run_lock():  # never while a synchronization of it runs
                return self._reset(account)
        except SyncAlreadyRunning as busy:
            raise UserError(busy.message(self.env._) + " " + _(
                "Reset the account again once it has ended.")) from None

    def _reset(self, account):
        events, names = self._owned_events()
        plan = self._plan(events)
        # Odoo first: when Outlook cannot be reached at all, the error undoes these too.
        self._delete_in_odoo(plan.delete_in_odoo)
        subjects = {event.graph_id: names[event.local_id][0] for event in events
                    if event.graph_id}
        deleted_in_outlook, failures = self._delete_in_outlook(plan.delete_in_outlook,
                                                               subjects)
        account._forget_connection(plan.next_sync.value)
        report = SyncReport(counts={"deleted_in_odoo": len(plan.delete_in_odoo),
                                    "deleted_in_outlook": deleted_in_outlook}, errors=failures)
        self.env["outlook.sync.run"].sudo().create(
            {"account_id": account.id, "trigger": "reset"})._finish(report=report)
        _logger.info("Outlook account %s reset by user %s: %s", account.id, self.env.uid,
                     report.counts)
        return self._done_notification(report)

    def _delete_in_odoo(self, event_ids):
        if not event_ids:
            return
        # The sync context: attendees are not mailed and nothing is queued for Outlook.
        events = self.env["calendar.event"].sudo().with_context(
            sync_context(self.env, self.account_id), active_test=False).browse(event_ids)
        recurrences = events.recurrence_id
        events.unlink()
        recurrences.exists().filtered(
            lambda r: not r.with_context(active_test=False).calendar_event_ids).unlink()

    def _delete_in_outlook(self, graph_ids, names):
        """Delete these copies in the user's mailbox: (number deleted, failures).

        Raises UserError, before anything is deleted, when the mailbox cannot be reached or
        Microsoft refuses the user's sign-in (revoked, expired).
        """
        if not graph_ids:
            return 0, []
        client = self._outlook_client()
        try:
            done = delete_in_outlook(client, graph_ids)
        finally:
            client.close()
        if done.stopped and not done.deleted:
            raise UserError(self._unreachable(done.stopped))
        failures = [ItemError(names.get(graph_id, ""), _(
            "Not deleted in Outlook: %(reason)s Delete it there by hand if it should go.",
            reason=_reason(error, self.env._)), error.code) for graph_id, error in done.failed]
        if done.stopped:
            failures.append(ItemError("", _(
                "%(count)s events were not deleted in Outlook: %(reason)s Delete them there "
                "by hand if they should go.", count=len(done.not_tried),
                reason=_reason(done.stopped, self.env._))))
        return len(done.deleted), failures

    def _outlook_client(self):
        """A Graph client on the user's current Microsoft connection."""
        try:
            sign_in, settings = self.account_id.sudo()._sign_in_client()
            return GraphClient(settings.endpoints(), sign_in.access_token)
        except (SyncError, UserError) as error:
            raise UserError(self._unreachable(error)) from None

    def _unreachable(self, error):
        reason = _reason(error, self.env._) if isinstance(error, SyncError) else str(error)
        return _(
            "The events could not be deleted in the Outlook calendar of %(user)s: %(reason)s\n"
            "Nothing was changed. Ask %(user)s to connect Outlook again with the Outlook "
            "button in Calendar, then reset again; or choose \"Leave them untouched\" or "
            "\"Delete from Odoo\" and delete the events in Outlook by hand.",
            user=self.user_id.name, reason=reason)

    def _done_notification(self, report):
        user_name = self.user_id.name
        message = _("Deleted in Odoo: %(odoo)s. Deleted in Outlook: %(outlook)s. %(user)s "
                    "now connects again with the Outlook button in Calendar.",
                    odoo=report.counts["deleted_in_odoo"],
                    outlook=report.counts["deleted_in_outlook"], user=user_name)
        if report.errors:
            message += " " + _("Some events could not be deleted in Outlook: the Sync History "
                               "of %(user)s lists them.", user=user_name)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Outlook account of %(user)s reset", user=user_name),
                       "message": message, "type": "warning" if report.errors else "success",
                       "sticky": bool(report.errors),
                       "next": {"type": "ir.actions.act_window_close"}},
        }


def _reason(error, translate):
    """Microsoft's explanation and code as one sentence, for administrators (errors never
    hold a token or a URL query); without one, the error's own sentence, translated."""
    detail = (error.detail or error.message(translate)).rstrip(". ")
    return f"{detail} ({error.code})." if error.code else f"{detail}."
