from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import OutlookCase, graph_event


# HttpCase too: the access checks are also made over RPC, as a browser would.
@tagged("post_install", "-at_install")
class TestSyncHistory(OutlookCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")

    def runs(self, account):
        return self.env["outlook.sync.run"].search([("account_id", "=", account.id)])

    def create_in_odoo(self, name, days=1):
        return self.env["calendar.event"].with_user(self.alice).create({
            "name": name, "start": self.in_days(days), "stop": self.in_days(days, 10)})

    # -- what a run records ----------------------------------------------------------------

    def test_a_run_records_who_when_why_and_what_moved_each_way(self):
        alice = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("From Outlook", self.in_days(1)))
        self.create_in_odoo("From Odoo", 2)
        self.sync(alice)
        run = self.runs(alice)
        self.assertEqual(len(run), 1)
        self.assertEqual((run.user_id, run.trigger, run.state), (self.alice, "test", "done"))
        self.assertTrue(run.started_at <= run.ended_at)
        self.assertEqual((run.created_in_odoo, run.created_in_outlook), (1, 1))
        self.assertEqual((run.error_count, run.conflict_count), (0, 0))

    def test_an_event_refused_by_microsoft_shows_code_and_explanation(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.create_in_odoo("Refused")
        self.emulator.add_fault("POST", "/v1.0/me/events", kind="status", status=400)
        self.sync(alice)
        run = self.runs(alice)[0]
        self.assertEqual((run.state, run.error_count), ("partial", 1))
        self.assertEqual(run.error_code, "generalException")
        self.assertTrue(run.errors.startswith("Refused: "), run.errors)
        self.assertIn("refused by Outlook: An injected error occurred", run.errors)
        self.assertIn("Correct it in Odoo", run.errors)
        # The user's Calendar tab shows it too.
        self.assertEqual(self.alice.outlook_account_ids.last_error, run.errors)

    def test_a_revoked_consent_fails_the_run_and_says_to_reconnect(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.emulator.revoke(self.alice.email)
        self.assertIsNone(alice._sync(trigger="cron", commit=False))
        run = self.runs(alice)[0]
        self.assertEqual((run.trigger, run.state, run.error_code), ("cron", "failed",
                                                                    "invalid_grant"))
        self.assertIn("Reconnect your Outlook calendar with the Outlook button", run.errors)
        self.assertEqual(self.alice.outlook_account_ids.state, "error")
        self.assertEqual(self.alice.outlook_account_ids.last_error, run.errors)

        notification = alice.with_user(self.admin).action_sync_now()["params"]
        self.assertEqual((notification["title"], notification["type"]),
                         ("Synchronization failed", "danger"))
        self.assertIn("Reconnect your Outlook calendar", notification["message"])

    # -- "Sync now" on the user's Calendar tab -------------------------------------------------

    def test_an_administrator_syncs_another_users_account_now(self):
        bob = self.connect(self.bob)
        self.emulator.create_event(self.bob.email, graph_event("Bob's", self.in_days(1)))
        notification = bob.with_user(self.admin).action_sync_now()["params"]
        self.assertEqual(notification["type"], "success")
        self.assertIn("Changes from Outlook: 1.", notification["message"])
        run = self.runs(bob)
        self.assertEqual((run.trigger, run.user_id), ("button", self.bob))
        self.assertTrue(self.env["calendar.event"].search([("name", "=", "Bob's")]))

        with self.assertRaises(AccessError):
            bob.with_user(self.alice).action_sync_now()
        self.assertEqual(len(self.runs(bob)), 1)

    def test_sync_now_says_why_nothing_happened(self):
        account = self.env["outlook.account"]._for_user(self.bob)
        notification = account.with_user(self.admin).action_sync_now()["params"]
        self.assertEqual(notification["type"], "warning")
        self.assertIn("Bob has not connected an Outlook calendar", notification["message"])
        self.assertFalse(self.runs(account))

    # -- who sees what -------------------------------------------------------------------------

    def test_users_read_only_their_own_runs_and_no_secret(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.sync(alice)
        self.sync(bob)
        Run = self.env["outlook.sync.run"].with_user(self.alice)
        self.assertEqual(Run.search([]).user_id, self.alice)
        with self.assertRaises(AccessError):
            Run.browse(self.runs(bob).id).read(["errors"])
        with self.assertRaises(AccessError):
            alice.with_user(self.alice).read(["token_cache"])
        with self.assertRaises(AccessError):
            self.env["ir.config_parameter"].with_user(self.alice).get_param(
                "outlook_calendar_sync.client_secret")
        self.assertEqual(self.env["outlook.sync.run"].with_user(self.admin).search_count(
            [("id", "in", (self.runs(alice) | self.runs(bob)).ids)]), 2)

    def test_over_rpc_a_user_reads_neither_others_history_nor_tokens(self):
        alice, bob = self.connect(self.alice), self.connect(self.bob)
        self.sync(alice)
        self.sync(bob)
        self.alice.password = "alice-password-1"
        self.authenticate("alice", "alice-password-1")

        def call(model, method, *args, **kwargs):
            return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
                "model": model, "method": method, "args": list(args), "kwargs": kwargs})

        runs = call("outlook.sync.run", "search_read", [], fields=["user_id", "errors"])
        self.assertEqual([run["user_id"][0] for run in runs], [self.alice.id])
        for model, method, args, kwargs in [
            ("outlook.sync.run", "read", ([self.runs(bob).id], ["errors"]), {}),
            ("outlook.account", "search_read", ([],), {"fields": ["token_cache"]}),
            ("outlook.account", "read", ([alice.id], ["token_cache", "delta_link"]), {}),
            ("ir.config_parameter", "get_param", ("outlook_calendar_sync.client_secret",), {}),
        ]:
            with self.subTest(model=model, method=method), \
                    self.assertRaises(JsonRpcException) as caught:
                call(model, method, *args, **kwargs)
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")

    # -- pruning -------------------------------------------------------------------------------

    def test_old_history_is_pruned_by_the_daily_cron(self):
        account = self.env["outlook.account"]._for_user(self.alice)
        now = fields.Datetime.now()
        Run = self.env["outlook.sync.run"]
        ancient, recent, today = (Run.create({"account_id": account.id,
                                              "started_at": now - timedelta(days=days)})
                                  for days in (120, 10, 0))
        Run._cron_prune()
        self.assertEqual(self.runs(account), recent | today, "90 days are kept by default")
        self.assertFalse(ancient.exists())

        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.history_days", "5")
        self.env.ref("outlook_calendar_sync.ir_cron_outlook_prune_history").method_direct_trigger()
        self.assertEqual(self.runs(account), today)
