from odoo.modules.neutralize import neutralize_database
from odoo.tests import tagged

from .common import OutlookCase, graph_event


@tagged("post_install", "-at_install")
class TestNeutralize(OutlookCase):
    def neutralize(self):
        """What `odoo neutralize` does to a copied database, on the test's transaction."""
        self.env.flush_all()
        neutralize_database(self.env.cr)
        # A neutralized database is then started afresh: nothing cached survives.
        self.env.invalidate_all()
        self.env.registry.clear_cache()

    def try_every_trigger(self):
        admin = self.env.ref("base.user_admin")
        Account = self.env["outlook.account"]
        Account._cron_sync()
        Account.with_user(self.alice).button_sync()
        Account._for_user(self.bob).with_user(admin).action_sync_now()

    def test_a_neutralized_database_never_calls_microsoft(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.sync(alice)
        self.sync(bob)
        # Work waiting on both sides: an Odoo change queued, an Outlook change unread.
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Queued", "start": self.in_days(1), "stop": self.in_days(1, 10)})
        self.emulator.create_event(self.bob.email, graph_event("Unread", self.in_days(2)))
        self.emulator.reset_counters()

        self.neutralize()
        self.try_every_trigger()

        self.assertEqual(self.emulator.counters()["requests"], {})
        for account in (alice, bob):
            self.assertEqual(account.state, "disconnected")
            self.assertFalse(account.sudo().token_cache)
        self.assertFalse(self.env["outlook.outbox"].search([]))
        crons = (self.env.ref("outlook_calendar_sync.ir_cron_outlook_sync")
                 | self.env.ref("outlook_calendar_sync.ir_cron_outlook_prune_history"))
        self.assertEqual(crons.mapped("active"), [False, False])

        # Even once an administrator lifts the pause, nothing reaches the old mailboxes.
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.paused", False)
        self.try_every_trigger()
        self.assertEqual(self.emulator.counters()["requests"], {})
