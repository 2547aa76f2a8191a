"""Deletions the mass-deletion guard holds until the user decides (outlook.held.deletion)."""

from ...engine.guard import ODOO_SIDE


class HeldDeletions:
    """Needs ``self.account``, ``self.env``, ``self.events`` (see OdooStore)."""

    def held_removals(self):
        held = self.env["outlook.held.deletion"].sudo().search(
            [("account_id", "=", self.account.id)])
        self._any_held = bool(held)
        return held.filtered(lambda h: h.side == ODOO_SIDE).mapped("graph_id")

    def hold(self, side, links, reason):
        Held = self.env["outlook.held.deletion"].sudo()
        Held.search([("account_id", "=", self.account.id)]).unlink()
        events = {e.id: e for e in self.events.browse([k.local_id for k in links]).exists()}
        Held.create([{
            "account_id": self.account.id, "side": side, "graph_id": link.remote_id,
            "local_id": link.local_id, "event_id": link.local_id if link.local_id in events
            else False, "name": events[link.local_id].name if link.local_id in events else "",
            "start": events[link.local_id].start if link.local_id in events else False,
            "reason": reason,
        } for link in links])

    def release_held(self):
        if not getattr(self, "_any_held", True):
            return  # nothing was held when the run began
        self.env["outlook.held.deletion"].sudo().search(
            [("account_id", "=", self.account.id)]).unlink()
