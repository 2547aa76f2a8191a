"""The Outlook button of the calendar view, driven in a real browser.

Microsoft's side is the Graph emulator of tests/graph_emulator, running in this process:
the browser really goes to its sign-in page and comes back to Odoo.
"""

from datetime import datetime, timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

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


@tagged("post_install", "-at_install")
class TestOutlookButtonTour(EmulatorRequestsMixin, HttpCase):

    # -- not configured ---------------------------------------------------------------------

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

    # -- with Microsoft's side --------------------------------------------------------------

    def _start_emulator(self):
        emulator = GraphEmulator(seed=0).start(port=0)
        self.addCleanup(emulator.stop)
        register_app(emulator, base_url=self.base_url())
        configure_outlook(self.env, emulator, base_url=self.base_url())
        emulator.add_mailbox(MAILBOX)
        emulator.set_consent(MAILBOX, accept=True)
        return emulator

    def _dana(self):
        return new_test_user(self.env, "dana", email=MAILBOX, groups="base.group_user",
                             tz="UTC")

    def test_connect_brings_the_outlook_meeting_into_the_calendar(self):
        emulator = self._start_emulator()
        tomorrow = fields.Datetime.now().date() + timedelta(days=1)
        planning_start = datetime.combine(tomorrow, datetime.min.time()).replace(hour=10)
        emulator.create_event(MAILBOX, graph_event("Quarterly planning", planning_start))
        dana = self._dana()
        guest = self.env["res.partner"].create({"name": "Lee Wong", "email": GUEST})
        review_day = datetime.combine(tomorrow + timedelta(days=2), datetime.min.time())
        self.env["calendar.event"].with_user(dana).create({
            "name": "Design review",
            "start": review_day.replace(hour=14),
            "stop": review_day.replace(hour=15),
            "partner_ids": [(6, 0, [dana.partner_id.id, guest.id])],
        })
        # What the dialog before signing in announces; the tour checks it is shown.
        status = self.env["outlook.account"].with_user(dana).button_status()
        self.assertEqual(status["first_sync"], {"events": 1, "invitations": 1})

        self.start_tour("/odoo/calendar", "outlook_calendar_sync_connect", login="dana")

        self.env.invalidate_all()
        planning = self.env["calendar.event"].search([("name", "=", "Quarterly planning")])
        self.assertEqual(len(planning), 1, "the Outlook meeting must come in exactly once")
        self.assertEqual(planning.start, planning_start)
        account = self.env["outlook.account"].search([("user_id", "=", dana.id)])
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.mailbox, MAILBOX)
        outlook_subjects = [event["subject"] for event in emulator.events(MAILBOX)]
        self.assertCountEqual(outlook_subjects, ["Quarterly planning", "Design review"])
        invitations = [(m["to"], m["subject"]) for m in emulator.sent_mail()
                       if m["kind"] == "invitation"]
        self.assertEqual(invitations, [(GUEST, "Design review")],
                         "Outlook mailed exactly the invitations the dialog announced")

    def test_withdrawn_access_is_shown_and_fixed_by_reconnecting(self):
        emulator = self._start_emulator()
        dana = self._dana()
        account = self.env["outlook.account"]._for_user(dana)
        sign_in(account, emulator, MAILBOX)
        self.assertTrue(account._sync(trigger="test", commit=False))
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
        account = self.env["outlook.account"]._for_user(self._dana())
        sign_in(account, emulator, MAILBOX)
        self.env["ir.config_parameter"].sudo().set_param("outlook_calendar_sync.paused", True)

        self.start_tour("/odoo/calendar", "outlook_calendar_sync_paused_by_admin", login="dana")
