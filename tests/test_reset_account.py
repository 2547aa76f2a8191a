from datetime import UTC, datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import OutlookCase, graph_event

OUTLOOK_BORN, ODOO_BORN, PAST, BOBS = "Outlook-born", "Odoo-born", "Past", "Bob's meeting"
FRESH_ODOO, FRESH_OUTLOOK = "Fresh from Odoo", "Fresh from Outlook"
ALL_NAMES = [OUTLOOK_BORN, ODOO_BORN, PAST, BOBS, FRESH_ODOO, FRESH_OUTLOOK]


@tagged("post_install", "-at_install")
class TestResetAccount(OutlookCase):
    """Reset Account on Alice, who organizes three events and attends one of Bob's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.guest = cls.env["res.partner"].create({"name": "Guest",
                                                   "email": "guest@fabrikam.example"})

    def setUp(self):
        super().setUp()
        self.account = self.connect(self.alice)
        self.bob_account = self.connect(self.bob)
        last_week = datetime.now(UTC) - timedelta(days=7)
        # Everything below happened a week before the reset, on both sides.
        self.emulator.set_now(last_week)
        self.emulator.create_event(self.alice.email, graph_event(OUTLOOK_BORN, self.in_days(2)))
        Event = self.env["calendar.event"]
        Event.with_user(self.alice).create([
            {"name": ODOO_BORN, "start": self.in_days(3), "stop": self.in_days(3, 10),
             "partner_ids": [fields.Command.set([self.alice.partner_id.id, self.guest.id])]},
            {"name": PAST, "start": self.in_days(-5), "stop": self.in_days(-5, 10)},
        ])
        Event.with_user(self.bob).create({
            "name": BOBS, "start": self.in_days(4), "stop": self.in_days(4, 10),
            "partner_ids": [fields.Command.set([self.bob.partner_id.id,
                                                self.alice.partner_id.id])],
        })
        self.sync(self.bob_account)
        self.sync(self.account)
        self.emulator.set_now(None)
        self.env.flush_all()
        self.env.cr.execute("UPDATE calendar_event SET write_date = %s WHERE name = ANY(%s)",
                            [last_week.replace(tzinfo=None), ALL_NAMES])
        self.env.invalidate_all()
        self.assertEqual(self.outlook(self.alice), [BOBS, ODOO_BORN, OUTLOOK_BORN])
        self.assertEqual(self.odoo(), [BOBS, ODOO_BORN, OUTLOOK_BORN, PAST])

    # -- helpers -----------------------------------------------------------------------------

    def outlook(self, user):
        return sorted(event["subject"] for event in self.emulator.events(user.email))

    def odoo(self):
        """Every event of the scenario, archived ones included, once per copy."""
        events = self.env["calendar.event"].with_context(active_test=False).search(
            [("name", "in", ALL_NAMES)])
        return sorted(event.name for event in events)

    def wizard(self, existing, next_sync, account=None):
        action = (account or self.account).with_user(self.admin).action_reset_account()
        return self.env["outlook.account.reset"].with_user(self.admin).with_context(
            action["context"]).create({"existing_events": existing, "next_sync": next_sync})

    def reset(self, existing, next_sync):
        mails = self.env["mail.mail"].search_count([])
        self.wizard(existing, next_sync).action_confirm()
        self.assertEqual(self.env["mail.mail"].search_count([]), mails,
                         "a reset never makes Odoo mail the attendees")
        self.assertDisconnected()

    def assertDisconnected(self):
        account = self.account.sudo()
        self.assertEqual(account.state, "disconnected")
        self.assertFalse(account.token_cache or account.sign_in_flow or account.delta_link)
        self.assertFalse(account.first_sync_at, "the next connection is a first sync")
        self.assertFalse(self.env["outlook.event.link"].search([("account_id", "=", account.id)]))
        self.assertFalse(self.env["outlook.outbox"].search([("account_id", "=", account.id)]))

    def assertBobUntouched(self):
        bobs = self.env["calendar.event"].search([("name", "=", BOBS)])
        self.assertEqual(bobs.user_id, self.bob)
        self.assertIn(self.alice.partner_id, bobs.partner_ids)
        self.assertEqual(self.outlook(self.bob), [BOBS])

    def reconnect_and_sync(self, next_sync):
        if next_sync == "new":  # one event made on each side after the reset
            self.env["calendar.event"].with_user(self.alice).create({
                "name": FRESH_ODOO, "start": self.in_days(6), "stop": self.in_days(6, 10)})
            self.emulator.create_event(self.alice.email,
                                       graph_event(FRESH_OUTLOOK, self.in_days(7)))
        self.connect(self.alice)
        self.sync(self.account)

    def check(self, existing, next_sync, *, outlook_after_reset, odoo_after_reset,
              outlook_after_sync, odoo_after_sync):
        self.reset(existing, next_sync)
        self.assertEqual(self.outlook(self.alice), outlook_after_reset)
        self.assertEqual(self.odoo(), odoo_after_reset)
        self.assertBobUntouched()

        self.reconnect_and_sync(next_sync)
        self.assertEqual(self.outlook(self.alice), outlook_after_sync)
        self.assertEqual(self.odoo(), odoo_after_sync)
        self.assertBobUntouched()
        self.assertFalse(self.account.last_error)

    # -- the eight combinations ------------------------------------------------------------

    def test_untouched_then_all_existing_events(self):
        self.check("keep", "all",
                   outlook_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN],
                   odoo_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST],
                   outlook_after_sync=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST],
                   odoo_after_sync=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST])

    def test_untouched_then_only_new_events(self):
        self.check("keep", "new",
                   outlook_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN],
                   odoo_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST],
                   outlook_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK, ODOO_BORN,
                                       OUTLOOK_BORN],
                   odoo_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK, ODOO_BORN, OUTLOOK_BORN,
                                    PAST])

    def test_deleted_in_outlook_then_all_existing_events(self):
        self.check("outlook", "all",
                   outlook_after_reset=[BOBS],
                   odoo_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST],
                   outlook_after_sync=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST],
                   odoo_after_sync=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST])

    def test_deleted_in_outlook_then_only_new_events(self):
        self.check("outlook", "new",
                   outlook_after_reset=[BOBS],
                   odoo_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST],
                   outlook_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK],
                   odoo_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK, ODOO_BORN, OUTLOOK_BORN,
                                    PAST])

    # "Past" was never synchronized (it ended before the first sync): no reset deletes it.

    def test_deleted_in_odoo_then_all_existing_events(self):
        self.check("odoo", "all",
                   outlook_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN],
                   odoo_after_reset=[BOBS, PAST],
                   outlook_after_sync=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST],
                   odoo_after_sync=[BOBS, ODOO_BORN, OUTLOOK_BORN, PAST])

    def test_deleted_in_odoo_then_only_new_events(self):
        self.check("odoo", "new",
                   outlook_after_reset=[BOBS, ODOO_BORN, OUTLOOK_BORN],
                   odoo_after_reset=[BOBS, PAST],
                   outlook_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK, ODOO_BORN,
                                       OUTLOOK_BORN],
                   odoo_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK, PAST])

    def test_deleted_in_both_then_all_existing_events(self):
        self.check("both", "all",
                   outlook_after_reset=[BOBS],
                   odoo_after_reset=[BOBS, PAST],
                   outlook_after_sync=[BOBS, PAST],
                   odoo_after_sync=[BOBS, PAST])

    def test_deleted_in_both_then_only_new_events(self):
        self.check("both", "new",
                   outlook_after_reset=[BOBS],
                   odoo_after_reset=[BOBS, PAST],
                   outlook_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK],
                   odoo_after_sync=[BOBS, FRESH_ODOO, FRESH_OUTLOOK, PAST])

    # -- what the administrator sees and may do --------------------------------------------

    def test_the_preview_announces_what_the_reset_then_does(self):
        wizard = self.wizard("both", "all")
        self.assertIn("Events to delete in Outlook (alice@contoso.example): 2.", wizard.preview)
        self.assertIn("Events to delete in Odoo: 2,", wizard.preview)
        self.assertIn(f"• {ODOO_BORN} — ", wizard.preview)
        self.assertNotIn(PAST, wizard.preview.split("Then,")[0], "never synced: never deleted")
        wizard.write({"existing_events": "keep"})
        self.assertIn("Then, events to send to Outlook: 1,", wizard.preview)  # the past one
        self.assertIn("matched instead of duplicated: 2.", wizard.preview)

        self.wizard("both", "all").action_confirm()
        run = self.env["outlook.sync.run"].search(
            [("account_id", "=", self.account.id), ("trigger", "=", "reset")])
        self.assertEqual((run.deleted_in_outlook, run.deleted_in_odoo, run.state),
                         (2, 2, "done"))

    def test_a_recurring_series_is_deleted_in_outlook_with_one_request(self):
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Daily", "start": self.in_days(1), "stop": self.in_days(1, 10),
            "recurrency": True, "rrule_type": "daily", "interval": 1, "count": 4,
            "end_type": "count", "event_tz": "UTC",
        })
        self.sync(self.account)
        self.assertIn("Daily", self.outlook(self.alice))
        self.emulator.reset_counters()

        self.wizard("outlook", "new").action_confirm()

        self.assertNotIn("Daily", self.outlook(self.alice))
        self.assertEqual(self.emulator.counters()["requests"].get("POST /v1.0/$batch"), 1)
        run = self.env["outlook.sync.run"].search([("trigger", "=", "reset")])
        self.assertEqual(run.deleted_in_outlook, 3, "two single events and one series")

    def test_a_broken_connection_is_said_and_nothing_changes(self):
        self.emulator.revoke(self.alice.email)
        with self.assertRaises(UserError) as caught:
            self.wizard("both", "all").action_confirm()
        message = str(caught.exception)
        self.assertIn("could not be deleted in the Outlook calendar of Alice", message)
        self.assertIn("revoked", message, "Microsoft's explanation is given")
        self.assertIn("Nothing was changed. Ask Alice to connect Outlook again", message)
        self.assertEqual(self.odoo(), [BOBS, ODOO_BORN, OUTLOOK_BORN, PAST])
        self.assertEqual(self.outlook(self.alice), [BOBS, ODOO_BORN, OUTLOOK_BORN])
        self.assertEqual(self.account.state, "connected")

    def test_an_event_outlook_refuses_to_delete_is_listed_and_the_reset_goes_on(self):
        self.emulator.add_fault("DELETE", "/v1.0/me/events/*", kind="status", status=403)
        notification = self.wizard("outlook", "all").action_confirm()["params"]
        self.assertEqual(notification["type"], "warning")
        self.assertIn("Some events could not be deleted in Outlook", notification["message"])
        self.assertDisconnected()
        self.assertEqual(len(self.outlook(self.alice)), 2, "Bob's meeting and the refused one")
        run = self.env["outlook.sync.run"].search([("trigger", "=", "reset")])
        self.assertEqual((run.state, run.deleted_in_outlook, run.error_count),
                         ("partial", 1, 1))
        self.assertEqual(run.error_code, "generalException")
        name, _sep, message = run.errors.partition(": ")
        self.assertIn(name, (ODOO_BORN, OUTLOOK_BORN))
        self.assertIn("Not deleted in Outlook: An injected error occurred (generalException).",
                      message)

    def test_only_administrators_reset_accounts(self):
        with self.assertRaises(AccessError):
            self.account.with_user(self.alice).action_reset_account()
        with self.assertRaises(AccessError):
            self.env["outlook.account.reset"].with_user(self.alice).create(
                {"account_id": self.account.id})
        self.assertEqual(self.account.state, "connected")
