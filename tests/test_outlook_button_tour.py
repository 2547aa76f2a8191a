"""The Outlook button of the calendar view, driven in a real browser.

Microsoft's side is the Graph emulator of tests/graph_emulator, running in this process:
the browser really goes to its sign-in page and comes back to Odoo. The tests run without
Odoo's cron workers and without committing: ``BackgroundWorker`` stands in for the cron
worker that runs the first synchronization, and delivers the bus messages a committed
transaction would.
"""

import threading
import time
from datetime import datetime, timedelta
from unittest.mock import patch

from odoo import SUPERUSER_ID, api, fields, sql_db
from odoo.addons.bus.models.bus import ODOO_NOTIFY_FUNCTION, get_notify_payloads
from odoo.addons.bus.websocket import WebsocketConnectionHandler
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from .common import (
    EmulatorRequestsMixin,
    configure_outlook,
    graph_event,
    register_app,
    sign_in,
)
from .graph_emulator import GraphEmulator

MAILBOX = "dana.fischer@contoso.com"
GUEST = "lee.wong@fabrikam.com"


class BackgroundWorker:
    """Odoo's cron worker, for a tour: runs the synchronization cron when the button asks
    for it, in its own transactions, while the browser goes on; and sends the bus
    notifications of each commit, as PostgreSQL's NOTIFY would after a real commit."""

    def __init__(self, case):
        self.case = case
        self.threads = []
        self.errors = []

    def __enter__(self):
        worker = self
        original_commit = sql_db.TestCursor.commit

        def commit(cursor):
            channels = list(cursor.postcommit.data.get("bus.bus.channels", ()))
            original_commit(cursor)
            if channels:
                with sql_db.db_connect("postgres").cursor() as cr:
                    for payload in get_notify_payloads(channels):
                        cr.execute(SQL("SELECT %s('imbus', %s)",
                                       SQL.identifier(ODOO_NOTIFY_FUNCTION), payload))

        def trigger_sync(account):
            thread = threading.Thread(target=worker.run_cron, args=(account.id,))
            worker.threads.append(thread)
            thread.start()

        self.patches = [
            # Odoo closes the bus' websocket during tests; the browser needs it here.
            patch.object(WebsocketConnectionHandler, "websocket_allowed", return_value=True),
            patch.object(sql_db.TestCursor, "commit", commit),
            patch.object(type(self.case.env["outlook.account"]), "_trigger_sync", trigger_sync),
        ]
        for each in self.patches:
            each.start()
        return self

    def __exit__(self, *exc):
        for thread in self.threads:
            thread.join(60)
        for each in reversed(self.patches):
            each.stop()
        if self.errors and not exc[0]:
            raise self.errors[0]

    def run_cron(self, account_id):
        try:
            time.sleep(0.5)  # the button's request answers first, as with a real worker
            with self.case.registry.cursor() as cr:
                # A first checkpoint of a long run, before the run itself.
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["outlook.account"].browse(account_id)._progress("write_outlook", 0, 1)
                cr.commit()
            time.sleep(2)  # long enough for the tour to see the progress
            with self.case.registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                env["outlook.account"]._cron_sync()
                cr.commit()
        except Exception as error:  # reported by __exit__, in the test's thread
            self.errors.append(error)


class ButtonTourCase(EmulatorRequestsMixin, HttpCase):
    def _start_emulator(self):
        emulator = GraphEmulator(seed=0).start(port=0)
        self.addCleanup(emulator.stop)
        register_app(emulator, base_url=self.base_url())
        configure_outlook(self.env, emulator, base_url=self.base_url())
        emulator.add_mailbox(MAILBOX)
        emulator.set_consent(MAILBOX, accept=True)
        return emulator

    def _dana(self, **values):
        return new_test_user(self.env, "dana", email=MAILBOX, groups="base.group_user",
                             tz="UTC", **values)

    def _connected_dana(self, emulator, **values):
        dana = self._dana(**values)
        account = self.env["outlook.account"]._for_user(dana)
        sign_in(account, emulator, MAILBOX)
        self.assertTrue(account._sync(trigger="test", commit=False))
        return dana, account

    def _upcoming_meeting_with_guest(self, user, name="Design review", days=3):
        guest = self.env["res.partner"].create({"name": "Lee Wong", "email": GUEST})
        day = datetime.combine(fields.Date.today() + timedelta(days=days), datetime.min.time())
        return self.env["calendar.event"].with_user(user).create({
            "name": name,
            "start": day.replace(hour=14),
            "stop": day.replace(hour=15),
            "partner_ids": [(6, 0, [user.partner_id.id, guest.id])],
        })

    def _invitations(self, emulator):
        return [(m["to"], m["subject"]) for m in emulator.sent_mail()
                if m["kind"] == "invitation"]


@tagged("post_install", "-at_install")
class TestOutlookButtonTour(ButtonTourCase):

    # -- not set up, turned off ---------------------------------------------------------------

    def _not_configured(self):
        self.env["ir.config_parameter"].sudo().set_param("outlook_calendar_sync.enabled", False)

    def test_not_configured_admin_is_offered_the_settings(self):
        self._not_configured()
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_not_configured_admin",
                        login="admin")

    def test_not_configured_user_is_told_to_ask_an_administrator(self):
        self._not_configured()
        new_test_user(self.env, "outlook_tour_user", groups="base.group_user")
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_not_configured_user",
                        login="outlook_tour_user")

    def test_turned_off_by_the_administrator_is_said_so(self):
        emulator = self._start_emulator()
        self._connected_dana(emulator)
        self._not_configured()  # the administrator unticks Outlook Calendar
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_turned_off", login="dana")

    # -- connecting: the preview, the first synchronization in the background ----------------

    def test_connect_brings_the_outlook_meeting_into_the_calendar(self):
        emulator = self._start_emulator()
        tomorrow = fields.Datetime.now().date() + timedelta(days=1)
        planning_start = datetime.combine(tomorrow, datetime.min.time()).replace(hour=10)
        emulator.create_event(MAILBOX, graph_event("Quarterly planning", planning_start))
        dana = self._dana()
        self._upcoming_meeting_with_guest(dana)
        # What the dialog before signing in announces; the tour checks it is shown.
        status = self.env["outlook.account"].with_user(dana).button_status()
        self.assertEqual(status["first_sync"], {"events": 1, "invitations": 1})

        with BackgroundWorker(self):
            self.start_tour("/odoo/calendar", "outlook_calendar_sync_connect", login="dana")

        self.env.invalidate_all()
        planning = self.env["calendar.event"].search([("name", "=", "Quarterly planning")])
        self.assertEqual(len(planning), 1, "the Outlook meeting must come in exactly once")
        self.assertEqual(planning.start, planning_start)
        account = self.env["outlook.account"].search([("user_id", "=", dana.id)])
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.mailbox, MAILBOX)
        self.assertEqual(account.first_sync_choice, "invite")
        self.assertFalse(account.first_sync_requested)
        outlook_subjects = [event["subject"] for event in emulator.events(MAILBOX)]
        self.assertCountEqual(outlook_subjects, ["Quarterly planning", "Design review"])
        self.assertEqual(self._invitations(emulator), [(GUEST, "Design review")],
                         "Outlook mailed exactly the invitations the dialog announced")

    def test_the_preview_lets_the_user_keep_the_events_in_odoo(self):
        emulator = self._start_emulator()
        dana = self._dana()
        self._upcoming_meeting_with_guest(dana)
        with BackgroundWorker(self):
            self.start_tour("/odoo/calendar", "outlook_calendar_sync_preview_keep", login="dana")
        self.env.invalidate_all()
        account = self.env["outlook.account"].search([("user_id", "=", dana.id)])
        self.assertEqual(account.first_sync_choice, "keep")
        self.assertTrue(account.last_sync, "the first synchronization ran")
        self.assertEqual(emulator.events(MAILBOX), [], "nothing was sent to Outlook")
        self.assertEqual(self._invitations(emulator), [], "nobody was invited")

    def test_the_preview_offers_to_send_without_inviting(self):
        self._start_emulator()
        dana = self._dana()
        self._upcoming_meeting_with_guest(dana)
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_preview_no_invite",
                        login="dana")
        self.env.invalidate_all()
        account = self.env["outlook.account"].search([("user_id", "=", dana.id)])
        self.assertEqual(account.first_sync_choice, "no_invite")

    # -- connected: pause, errors, held deletions ---------------------------------------------

    def test_pause_and_resume_by_the_user(self):
        emulator = self._start_emulator()
        self._connected_dana(emulator)
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_pause_resume", login="dana")

    def test_withdrawn_access_is_shown_and_fixed_by_reconnecting(self):
        emulator = self._start_emulator()
        _dana, account = self._connected_dana(emulator)
        emulator.revoke(MAILBOX)  # the user withdrew Odoo's access at Microsoft
        emulator.create_event(MAILBOX, graph_event(
            "Budget review", datetime.combine(fields.Date.today(), datetime.min.time())
            .replace(hour=15)))

        self.start_tour("/odoo/calendar", "outlook_calendar_sync_reconnect", login="dana")

        self.env.invalidate_all()
        self.assertEqual(account.state, "connected")
        self.assertFalse(account.last_error)
        self.assertEqual(
            self.env["calendar.event"].search_count([("name", "=", "Budget review")]), 1,
            "the synchronization after reconnecting brought the new Outlook event")

    def test_pause_by_the_administrator_is_explained(self):
        emulator = self._start_emulator()
        self._connected_dana(emulator)
        self.env["ir.config_parameter"].sudo().set_param("outlook_calendar_sync.paused", True)

        self.start_tour("/odoo/calendar", "outlook_calendar_sync_paused_by_admin", login="dana")

    def test_held_deletions_are_offered_in_the_menu(self):
        emulator = self._start_emulator()
        _dana, account = self._connected_dana(emulator)
        event = self._upcoming_meeting_with_guest(account.user_id, name="Offsite")
        self.env["outlook.held.deletion"].create({
            "account_id": account.id, "side": "odoo", "graph_id": "held-1",
            "local_id": event.id, "event_id": event.id, "name": "Offsite",
            "start": event.start})
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_held_deletions", login="dana")


@tagged("post_install", "-at_install")
class TestOutlookButtonOnAPhone(ButtonTourCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_the_button_is_in_the_control_panel_on_a_phone(self):
        self._start_emulator()
        self._upcoming_meeting_with_guest(self._dana())
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_phone", login="dana")
