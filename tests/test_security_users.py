"""Who may synchronize: active internal users only. Archived users and portal users are never
synchronized, whatever starts the run; a user who is back reconnects. And a changed Graph
address never leaves stale delta links behind."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import OutlookCase, graph_event


class UsersCase(OutlookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.carol = cls.env["res.users"].create({
            "name": "Carol", "login": "carol", "email": "carol@partner.example", "tz": "UTC",
            "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
        })

    def setUp(self):
        super().setUp()
        self.emulator.add_mailbox(self.carol.email, display_name="Carol")

    def stored(self, account, column):
        self.env.flush_all()
        self.env.cr.execute(f"SELECT {column} FROM outlook_account WHERE id = %s",  # noqa: S608
                            [account.id])
        return self.env.cr.fetchone()[0]

    def try_every_trigger(self, account):
        """The cron, Sync now (an administrator), the Outlook button (the user)."""
        Account = self.env["outlook.account"]
        Account._cron_sync()
        account.with_user(self.admin).action_sync_now()
        user = account.user_id
        if user.active and user._is_internal():
            Account.with_user(user).button_sync()

    def graph_requests(self):
        return {route: n for route, n in self.emulator.counters()["requests"].items()
                if "/v1.0/" in route or "/token" in route}


@tagged("post_install", "-at_install")
class TestArchivedUsers(UsersCase):
    def test_archiving_pauses_drops_tokens_and_nothing_syncs_until_reconnected(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        bob = self.env["outlook.account"]._for_user(self.bob)
        alice.with_user(self.alice)._start_sign_in("/odoo/calendar")  # a pending sign-in too
        self.emulator.create_event(self.alice.email, graph_event("While away", self.in_days(1)))
        self.emulator.reset_counters()

        self.alice.action_archive()

        self.assertEqual(alice.state, "paused")
        self.assertFalse(self.stored(alice, "token_cache"))
        self.assertFalse(self.stored(alice, "sign_in_flow"))
        self.assertIn("archived", alice.last_error)
        self.assertEqual(bob.state, "disconnected", "other users' accounts are untouched")
        self.env.cr.execute("UPDATE outlook_account SET state = 'connected' WHERE id = %s",
                            [alice.id])  # even when something sets it back
        self.env.invalidate_all()
        self.try_every_trigger(alice)
        self.assertEqual(self.graph_requests(), {})
        self.assertFalse(self.events([("name", "=", "While away")]))
        self.assertEqual(alice.state, "paused")

        # Back: the user is asked to reconnect (nothing syncs, nothing fails, until then).
        self.alice.action_unarchive()
        self.assertEqual(alice.state, "error")
        self.assertIn("Reconnect your Outlook calendar with the Outlook button", alice.last_error)
        if "error_action" in alice._fields:
            self.assertEqual(alice.error_action, "reconnect")
        runs = self.env["outlook.sync.run"].search_count([("account_id", "=", alice.id)])
        self.env["outlook.account"]._cron_sync()
        self.assertEqual(
            self.env["outlook.sync.run"].search_count([("account_id", "=", alice.id)]), runs)
        self.assertEqual(self.graph_requests(), {})

        self.connect(self.alice)
        self.sync(alice)
        self.assertEqual(len(self.events([("name", "=", "While away")])), 1)
        self.assertEqual([e["subject"] for e in self.emulator.events(self.alice.email)],
                         ["While away"], "nothing duplicated in Outlook either")

    def test_a_user_made_portal_is_paused_and_dropped_too(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.alice.write({"groups_id": [Command.set([self.env.ref("base.group_portal").id])]})
        self.assertEqual(alice.state, "paused")
        self.assertFalse(self.stored(alice, "token_cache"))
        with self.assertRaises(AccessError):
            alice.with_user(self.alice)._start_sign_in("/odoo/calendar")

    def test_a_deleted_user_takes_their_account_and_tokens_along(self):
        alice = self.connect(self.alice)
        account_id = alice.id
        self.alice.unlink()
        self.env.cr.execute("SELECT count(*) FROM outlook_account WHERE id = %s", [account_id])
        self.assertEqual(self.env.cr.fetchone()[0], 0)


@tagged("post_install", "-at_install")
class TestPortalUsers(UsersCase):
    def test_a_portal_user_cannot_connect(self):
        Account = self.env["outlook.account"].with_user(self.carol)
        for method in ("button_status", "button_connect", "button_sync"):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(Account, method)()
        with self.assertRaises(AccessError):
            self.env["outlook.account"]._for_user(self.carol).with_user(
                self.carol)._start_sign_in("/odoo/calendar")

    def test_a_portal_users_account_forced_to_connected_is_never_synchronized(self):
        # Signed in the way an earlier version let them, then forced "connected".
        account = self.env["outlook.account"]._for_user(self.carol)
        self.carol.write({"groups_id": [Command.set([self.env.ref("base.group_user").id])]})
        self.connect(self.carol)
        self.env.flush_all()
        self.env.cr.execute("DELETE FROM res_groups_users_rel WHERE uid = %s", [self.carol.id])
        self.env.cr.execute("INSERT INTO res_groups_users_rel (gid, uid) VALUES (%s, %s)",
                            [self.env.ref("base.group_portal").id, self.carol.id])
        self.env.cr.execute("UPDATE res_users SET share = TRUE WHERE id = %s", [self.carol.id])
        self.env.cr.execute("UPDATE outlook_account SET state = 'connected' WHERE id = %s",
                            [account.id])
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.assertFalse(self.carol._is_internal())
        self.assertTrue(self.stored(account, "token_cache"))
        self.emulator.create_event(self.carol.email, graph_event("Portal's", self.in_days(1)))
        self.emulator.reset_counters()
        partners = self.env["res.partner"].search_count([])

        self.try_every_trigger(account)

        self.assertEqual(self.graph_requests(), {})
        self.assertFalse(self.events([("name", "=", "Portal's")]))
        self.assertEqual(self.env["res.partner"].search_count([]), partners)
        self.assertFalse(self.env["outlook.sync.run"].search([("account_id", "=", account.id)]))
        self.assertEqual(account.state, "paused")
        self.assertFalse(self.stored(account, "token_cache"))


@tagged("post_install", "-at_install")
class TestGraphAddressChange(UsersCase):
    def test_changing_the_graph_address_and_back_duplicates_nothing(self):
        alice = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("From Outlook", self.in_days(1)))
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "From Odoo", "start": self.in_days(2), "stop": self.in_days(2, 10)})
        self.sync(alice)
        params = self.env["ir.config_parameter"]
        first_address = params.get_param("outlook_calendar_sync.graph_url")
        other_address = self.emulator.https_url + "/v1.0"
        self.assertNotEqual(first_address, other_address)

        for address in (other_address, first_address):
            with self.subTest(address=address):
                params.set_param("outlook_calendar_sync.graph_url", address)
                self.emulator.create_event(self.alice.email, graph_event(
                    f"Outlook via {address}", self.in_days(3)))
                report = self.sync(alice)
                self.assertTrue(report.full)
                self.assertTrue(alice.sudo().delta_link.startswith(address + "/"))
                run = self.env["outlook.sync.run"].search([("account_id", "=", alice.id)],
                                                          limit=1)
                self.assertIn("Microsoft Graph address changed", run.notes or "")
                self.assertIn("nothing was duplicated", run.notes)

        expected = sorted(["From Outlook", "From Odoo", f"Outlook via {other_address}",
                           f"Outlook via {first_address}"])
        subjects = sorted(e["subject"] for e in self.emulator.events(self.alice.email))
        names = sorted(self.events([("name", "in", expected)]).mapped("name"))
        self.assertEqual(subjects, expected, "one copy of each event in Outlook")
        self.assertEqual(names, expected, "one copy of each event in Odoo")
        report = self.sync(alice)
        self.assertEqual(report.counts, {})
