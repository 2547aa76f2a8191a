from datetime import timedelta

from odoo import api, fields, models

HISTORY_DAYS = 90  # default; system parameter outlook_calendar_sync.history_days

COUNT_FIELDS = ("created_in_odoo", "updated_in_odoo", "deleted_in_odoo", "created_in_outlook",
                "updated_in_outlook", "deleted_in_outlook", "matched", "answered_in_outlook")


class OutlookSyncRun(models.Model):
    """One synchronization of one account: what moved, what clashed, what failed and why."""

    _name = "outlook.sync.run"
    _description = "Outlook Synchronization"
    _order = "started_at desc, id desc"
    _rec_name = "started_at"

    account_id = fields.Many2one("outlook.account", required=True, ondelete="cascade",
                                 index=True)
    user_id = fields.Many2one(related="account_id.user_id", store=True, index=True)
    trigger = fields.Selection(
        [("button", "Outlook button"), ("cron", "Scheduled"), ("notification", "Outlook change"),
         ("reset", "Reset Account"), ("manual", "Manual"), ("test", "Test")],
        required=True, default="manual")
    started_at = fields.Datetime(required=True, default=fields.Datetime.now)
    ended_at = fields.Datetime()
    state = fields.Selection([("running", "Running"), ("done", "Done"),
                              ("partial", "Done with errors"), ("failed", "Failed"),
                              ("interrupted", "Interrupted")],
                             default="running", required=True,
                             help="Interrupted: the run was cut short (the server stopped); "
                                  "the next run picked up where it stood.")
    full_listing = fields.Boolean(help="Outlook listed every event (first sync or a resync).")
    pulled = fields.Integer("Read from Outlook")
    created_in_odoo = fields.Integer()
    updated_in_odoo = fields.Integer()
    deleted_in_odoo = fields.Integer()
    created_in_outlook = fields.Integer()
    updated_in_outlook = fields.Integer()
    deleted_in_outlook = fields.Integer()
    matched = fields.Integer(help="Outlook events found already in Odoo, linked instead of "
                                  "created again.")
    answered_in_outlook = fields.Integer()
    conflict_count = fields.Integer("Conflicts")
    conflicts = fields.Text("Conflict Details",
                            help="Events changed on both sides, and whose change was kept.")
    held_deletions = fields.Integer(
        "Deletions Held", help="Deletions held back until the user confirms them: the run "
                               "would have deleted too much at once.")
    waiting = fields.Integer(
        "Changes Waiting", help="Odoo changes Outlook could not take during this run "
                                "(busy, unreachable): they go at the next one.")
    notes = fields.Text(help="What else the run did and why.")
    error_count = fields.Integer("Errors")
    error_code = fields.Char(help="Microsoft's error code, when Microsoft gave one.")
    errors = fields.Text("Error Details", help="What failed, and what to do about it.")

    def _finish(self, report=None, error=None):
        """Record how the run ended (report: engine SyncReport; error: what stopped it)."""
        values = {"ended_at": fields.Datetime.now()}
        if report is not None:
            values.update({name: report.counts.get(name, 0) for name in COUNT_FIELDS})
            values.update(
                full_listing=report.full, pulled=report.pulled,
                conflict_count=len(report.conflicts),
                conflicts="\n".join(self._conflict_line(c) for c in report.conflicts) or False,
                held_deletions=report.held.deletions if report.held else 0,
                notes="\n".join(note.render(self.env._) for note in report.notices) or False,
                waiting=report.waiting,
                error_count=len(report.errors),
                errors="\n".join(self._error_line(e) for e in report.errors) or False,
                error_code=next((e.code for e in report.errors if e.code), False),
                state="partial" if report.errors or report.held or report.waiting else "done",
            )
        if error is not None:
            values.update(state="failed", error_count=values.get("error_count", 0) + 1,
                          error_code=getattr(error, "code", None) or False,
                          errors=error.message(self.env._) if hasattr(error, "user_text")
                          else str(error))
        self.sudo().write(values)

    def _conflict_line(self, conflict):
        """The event's name, then whose change was kept and why, in the reader's language."""
        event = self.env["calendar.event"].sudo().with_context(active_test=False).browse(
            conflict.link.local_id).exists()
        reason = conflict.reason.render(self.env._)
        return f"{event.name}: {reason}" if event else reason

    def _error_line(self, error):
        text = error.text(self.env._)
        return f"{error.subject}: {text}" if error.subject else text

    @api.model
    def _cron_prune(self):
        days = int(self.env["ir.config_parameter"].sudo().get_param(
            "outlook_calendar_sync.history_days", HISTORY_DAYS))
        limit = fields.Datetime.now() - timedelta(days=max(days, 1))
        self.sudo().search([("started_at", "<", limit)]).unlink()
