"""The sync core with real commits, as the cron and the Outlook button run it: two runs of
one account at once, two cron workers over several users, a run that dies part way.

Everything here is written and committed through real database connections (the usual
tests roll back a single transaction, which hides what commits and locks do), and removed
again at the end of each test.
"""

import threading
from collections import Counter
from contextlib import contextmanager
from datetime import datetime, timedelta

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged

from ..engine.errors import SyncAlreadyRunning
from ..models.outlook_account_sync import LOCK_NAMESPACE
from ..models.sync_store import OdooStore
from .common import (
    EmulatorRequestsMixin,
    configure_outlook,
    graph_event,
    register_app,
    sign_in,
)
from .graph_emulator import GraphEmulator

PREFIX = "rc-"  # logins, e-mails and subjects of this module: easy to find and remove


class Died(BaseException):  # noqa: N818 - what happens to the process, not an error
    """The Odoo process died here (nothing after the last commit survives)."""


@tagged("post_install", "-at_install")
class RealCommitCase(EmulatorRequestsMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = GraphEmulator(seed=3).start(port=0)
        cls.addClassCleanup(cls.emulator.stop)

    def setUp(self):
        super().setUp()
        self.emulator.reset()
        register_app(self.emulator)
        with self.transaction() as env:
            configure_outlook(env, self.emulator)
        self.addCleanup(self.remove_everything)

    @contextmanager
    def transaction(self):
        """A real transaction on its own connection, committed at the end."""
        with self.registry.cursor() as cr:
            # The registry is known already: threads must not wait for the registry lock,
            # which the test runner holds.
            cr.transaction = api.Transaction(self.registry)
            yield api.Environment(cr, SUPERUSER_ID, {})

    def connected_users(self, count):
        """`count` internal users, each connected to their own Outlook mailbox."""
        accounts = []
        for n in range(count):
            email = f"{PREFIX}user{n}@contoso.example"
            self.emulator.add_mailbox(email)
            with self.transaction() as env:
                user = env["res.users"].create({
                    "name": f"RC User {n}", "login": f"{PREFIX}user{n}", "email": email,
                    "tz": "UTC",
                    "groups_id": [fields.Command.set([env.ref("base.group_user").id])]})
                account = env["outlook.account"]._for_user(user)
                sign_in(account, self.emulator, email)
                accounts.append(account.id)
        return accounts

    def run_sync(self, account_id, trigger="cron"):
        with self.transaction() as env:
            return env["outlook.account"].browse(account_id)._sync(trigger=trigger)

    def in_days(self, days):
        now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)
        return now + timedelta(days=days)

    def odoo_subjects(self, account_id):
        with self.transaction() as env:
            user = env["outlook.account"].browse(account_id).user_id
            events = env["calendar.event"].search([("partner_ids", "in", user.partner_id.ids)])
            return Counter(events.mapped("name"))

    def outlook_subjects(self, email):
        return Counter(e["subject"] for e in self.emulator.events(email))

    def history(self, account_id):
        with self.transaction() as env:
            runs = env["outlook.sync.run"].search([("account_id", "=", account_id)])
            return [(run.state, run.started_at, run.ended_at) for run in runs]

    def run_together(self, calls):
        """Start the calls in threads at the same moment; their results or exceptions."""
        barrier, outcomes = threading.Barrier(len(calls)), [None] * len(calls)

        def work(index, call):
            barrier.wait()
            try:
                outcomes[index] = call()
            except Exception as error:  # noqa: BLE001 - returned to the test
                outcomes[index] = error

        threads = [threading.Thread(target=work, args=(i, c)) for i, c in enumerate(calls)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(120)
        return outcomes

    def assert_runs_never_overlapped(self, account_id):
        runs = sorted(self.history(account_id), key=lambda run: run[1])
        self.assertTrue(runs)
        self.assertNotIn("running", [state for state, _s, _e in runs])
        for (_s1, _start1, end1), (_s2, start2, _e2) in zip(runs, runs[1:], strict=False):
            self.assertLessEqual(end1, start2 + timedelta(seconds=1))

    def remove_everything(self):
        with self.transaction() as env:
            users = env["res.users"].with_context(active_test=False).search(
                [("login", "=like", f"{PREFIX}%")])
            env["calendar.event"].with_context(active_test=False).search(
                ["|", ("user_id", "in", users.ids),
                 ("partner_ids", "in", users.partner_id.ids)]).unlink()
            env["calendar.recurrence"].search([("calendar_event_ids", "=", False)]).unlink()
            env["outlook.account"].search([("user_id", "in", users.ids)]).unlink()
            partners = users.partner_id
            users.unlink()
            partners.unlink()
            env["ir.config_parameter"].search(
                [("key", "=like", "outlook_calendar_sync.%")]).unlink()


class TestOneRunPerAccount(RealCommitCase):
    def test_a_second_run_of_a_busy_account_says_so_and_changes_nothing(self):
        (account_id,) = self.connected_users(1)
        with sql_db.db_connect(self.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, account_id])
            with self.transaction() as env:
                account = env["outlook.account"].browse(account_id)
                with self.assertRaises(SyncAlreadyRunning):
                    account._sync(trigger="cron")
                status = account.with_user(account.user_id).button_sync()
                self.assertIn("already running", status["busy"])
            other.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, account_id])
        self.assertEqual(self.history(account_id), [], "nothing ran, nothing recorded")
        self.assertTrue(self.run_sync(account_id) is not None, "free again once released")

    def test_two_runs_of_one_account_at_once_never_duplicate(self):
        (account_id,) = self.connected_users(1)
        email = f"{PREFIX}user0@contoso.example"
        for n in range(20):
            self.emulator.create_event(email, graph_event(f"{PREFIX}outlook {n}", self.in_days(1)))
        with self.transaction() as env:
            user = env["outlook.account"].browse(account_id).user_id
            env["calendar.event"].with_user(user).create([{
                "name": f"{PREFIX}odoo {n}", "start": self.in_days(2),
                "stop": self.in_days(2) + timedelta(hours=1)} for n in range(20)])
        # A slow Outlook keeps the first run busy while the second one starts.
        self.emulator.add_fault("GET", "/v1.0/me/calendarView/delta", "delay", delay=1,
                                times=None)
        outcomes = self.run_together([lambda: self.run_sync(account_id),
                                      lambda: self.run_sync(account_id, "button")])
        self.emulator.clear_faults()
        self.run_sync(account_id)
        expected = Counter({f"{PREFIX}outlook {n}": 1 for n in range(20)}
                           | {f"{PREFIX}odoo {n}": 1 for n in range(20)})
        self.assertEqual(self.odoo_subjects(account_id), expected)
        self.assertEqual(self.outlook_subjects(email), expected)
        self.assertIn(SyncAlreadyRunning, [type(o) for o in outcomes])
        self.assert_runs_never_overlapped(account_id)

class TestCronWorkers(RealCommitCase):
    def test_two_cron_workers_over_several_users(self):
        accounts = self.connected_users(4)
        for n in range(4):
            email = f"{PREFIX}user{n}@contoso.example"
            for k in range(5):
                self.emulator.create_event(email, graph_event(f"{PREFIX}{n}-{k}", self.in_days(k)))

        def cron():
            with self.transaction() as env:
                env["outlook.account"]._cron_sync()

        for _round in range(2):
            outcomes = self.run_together([cron, cron])
            self.assertEqual([o for o in outcomes if o is not None], [], outcomes)
        for n, account_id in enumerate(accounts):
            expected = Counter({f"{PREFIX}{n}-{k}": 1 for k in range(5)})
            self.assertEqual(self.odoo_subjects(account_id), expected)
            self.assert_runs_never_overlapped(account_id)


class TestDeathPartWay(RealCommitCase):
    def test_a_run_that_dies_before_sending_a_batch_is_finished_by_the_next(self):
        self.die_then_sync_again(commits=3)

    def test_a_run_that_dies_after_a_batch_was_sent_is_finished_by_the_next(self):
        self.die_then_sync_again(commits=4)

    def die_then_sync_again(self, commits):
        (account_id,) = self.connected_users(1)
        email = f"{PREFIX}user0@contoso.example"
        with self.transaction() as env:
            user = env["outlook.account"].browse(account_id).user_id
            env["calendar.event"].with_user(user).create([{
                "name": f"{PREFIX}odoo {n:02}", "start": self.in_days(1) + timedelta(hours=n),
                "stop": self.in_days(1) + timedelta(hours=n, minutes=30)} for n in range(45)])
        for n in range(5):
            self.emulator.create_event(email, graph_event(f"{PREFIX}outlook {n}", self.in_days(3)))
        died_at = self.die_after_commits(account_id, commits)
        self.assertEqual(self.history(account_id)[0][0], "running", "it died part way")
        # Meanwhile the user edits one of the events whose creation may have been sent.
        with self.transaction() as env:
            env["calendar.event"].search([("name", "=", f"{PREFIX}odoo 21")]).location = "R9"
        self.run_sync(account_id)
        self.run_sync(account_id)
        expected = Counter({f"{PREFIX}odoo {n:02}": 1 for n in range(45)}
                           | {f"{PREFIX}outlook {n}": 1 for n in range(5)})
        self.assertEqual(self.odoo_subjects(account_id), expected, died_at)
        self.assertEqual(self.outlook_subjects(email), expected, died_at)
        states = [state for state, _s, _e in self.history(account_id)]
        self.assertIn("interrupted", states)
        self.assertNotIn("running", states)

    def die_after_commits(self, account_id, commits):
        """Run a sync whose process dies right after its `commits`-th checkpoint."""
        original, seen = OdooStore.checkpoint, []

        def checkpoint(store):
            original(store)
            seen.append(datetime.now())
            if len(seen) == commits:
                raise Died(f"died after commit {commits}")

        OdooStore.checkpoint = checkpoint
        try:
            with self.assertRaises(Died), self.transaction() as env:
                env["outlook.account"].browse(account_id)._sync(trigger="cron")
        finally:
            OdooStore.checkpoint = original
        return len(seen)


class TestResetWaitsForTheRun(RealCommitCase):
    def test_a_reset_during_a_run_is_refused_and_deletes_nothing(self):
        (account_id,) = self.connected_users(1)
        with sql_db.db_connect(self.cr.dbname).cursor() as other:
            other.execute("SELECT pg_advisory_lock(%s, %s)", [LOCK_NAMESPACE, account_id])
            with self.transaction() as env:
                account = env["outlook.account"].browse(account_id)
                wizard = env["outlook.account.reset"].with_context(
                    default_account_id=account_id).create(
                    {"existing_events": "both", "next_sync": "new"})
                with self.assertRaisesRegex(UserError, "already running"):
                    wizard.action_confirm()
                self.assertEqual(account.state, "connected")
            other.execute("SELECT pg_advisory_unlock(%s, %s)", [LOCK_NAMESPACE, account_id])
