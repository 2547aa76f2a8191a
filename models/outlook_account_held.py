"""Deletions the mass-deletion guard held back: the user's two choices.

A run that would delete too much at once holds those deletions (engine/guard.py) and lists
them (outlook.held.deletion). The user, or an administrator, then either confirms them (the
next run carries them out) or restores the events on the side where they were deleted.
"""

from odoo import models

from .calendar_event import sync_context


class OutlookAccountHeld(models.Model):
    _inherit = "outlook.account"

    def action_confirm_deletions(self):
        """Delete on the other side too: the next synchronization carries them out."""
        self.check_access("read")  # the user's own account, or an administrator
        for account in self.sudo().filtered("held_deletion_ids"):
            account.confirm_deletions = True
            account._trigger_sync()
        return True

    def action_restore_deletions(self):
        """Bring the events back on the side where they were deleted."""
        self.check_access("read")
        for account in self.sudo().filtered("held_deletion_ids"):
            held = account.held_deletion_ids
            account._restore_in_outlook(held.filtered(lambda h: h.side == "odoo"))
            account._restore_in_odoo(held.filtered(lambda h: h.side == "outlook"))
            held.unlink()
            account.confirm_deletions = False
            account._trigger_sync()
        return True

    def _restore_in_outlook(self, held):
        """Deleted in Outlook: the Odoo events go to Outlook again, as new events."""
        if not held:
            return
        links = self.env["outlook.event.link"].sudo().search(
            [("account_id", "=", self.id), ("graph_id", "in", held.mapped("graph_id"))])
        links.unlink()
        outbox = self.env["outlook.outbox"].sudo()
        outbox.search([("account_id", "=", self.id), ("event_id", "in", held.mapped("local_id")),
                       ("kind", "=", "event")]).write({"transaction_id": False})
        outbox._enqueue([(self.id, local_id) for local_id in held.mapped("local_id")])

    def _restore_in_odoo(self, held):
        """Deleted in Odoo: the events come back in Odoo, as they still are in Outlook."""
        if not held:
            return
        events = self.env["calendar.event"].sudo().with_context(
            sync_context(self.env, self), active_test=False).browse(held.mapped("local_id"))
        events.exists().write({"active": True})
        self.env["outlook.outbox"].sudo().search(
            [("account_id", "=", self.id), ("event_id", "in", held.mapped("local_id")),
             ("kind", "=", "event")]).unlink()

