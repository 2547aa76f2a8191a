"""What users and administrators see: the settings' checks, the sign-in result page, the
first-sync preview, the account and history screens."""

import json
from urllib.parse import urlencode

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from ..models.res_config_settings import secret_check_answer
from .common import CLIENT_ID, CLIENT_SECRET, EmulatorRequestsMixin, OutlookCase, configure_outlook
from .graph_emulator import GraphEmulator

TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"


@tagged("post_install", "-at_install")
class TestSettingsCheck(OutlookCase):
    """Saving Calendar settings asks Microsoft whether it accepts the Client Secret."""

    def save(self, secret, tenant="common", client_id=CLIENT_ID):
        with Form(self.env["res.config.settings"]) as settings:
            settings.outlook_enabled = True
            settings.outlook_client_id = client_id
            settings.outlook_client_secret = secret
            settings.outlook_tenant = tenant
        settings.save().execute()

    def setUp(self):
        super().setUp()
        # A new secret each time: only changed credentials are checked with Microsoft.
        self.env["ir.config_parameter"].sudo().set_param(
            "outlook_calendar_sync.client_secret", "previous")
        self.env["ir.config_parameter"].sudo().set_param("web.base.url", "https://odoo.test")

    def test_a_wrong_secret_is_refused_with_what_to_do(self):
        with self.assertRaisesRegex(UserError, "Microsoft refused the Client Secret.*Value"):
            self.save("well-formed-but-wrong-secret", tenant=TENANT)

    def test_a_wrong_secret_is_refused_with_the_common_tenant_too(self):
        with self.assertRaisesRegex(UserError, "Microsoft refused the Client Secret"):
            self.save("well-formed-but-wrong-secret")

    def test_an_unknown_client_id_is_named(self):
        other = "11111111-2222-4333-8444-555555555555"
        with self.assertRaisesRegex(UserError, f"does not know the Client ID {other}"):
            self.save(CLIENT_SECRET, tenant=TENANT, client_id=other)

    def test_the_right_secret_is_saved(self):
        self.save(CLIENT_SECRET, tenant=TENANT)
        self.assertEqual(self.env["ir.config_parameter"].sudo().get_param(
            "outlook_calendar_sync.tenant"), TENANT)

    def test_only_sure_answers_block_saving(self):
        expired = {"error": "invalid_client", "error_codes": [7000222]}
        unknown_app = {"error": "unauthorized_client", "error_description": "AADSTS700016: x"}
        self.assertEqual(secret_check_answer(401, expired, "common"), "secret_expired")
        self.assertEqual(secret_check_answer(400, unknown_app, TENANT), "client_unknown")
        # With "common" Microsoft cannot issue an application token: nothing sure to say.
        self.assertIsNone(secret_check_answer(400, unknown_app, "common"))
        self.assertIsNone(secret_check_answer(200, {"access_token": "x"}, TENANT))
        self.assertIsNone(secret_check_answer(500, None, TENANT))


@tagged("post_install", "-at_install")
class TestScreens(OutlookCase):
    def test_the_preview_lists_events_and_whom_outlook_invites(self):
        guest = self.env["res.partner"].create({"name": "Lee Wong", "email": "lee@fab.example"})
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Design review", "start": self.in_days(2), "stop": self.in_days(2, 10),
            "partner_ids": [fields.Command.set((guest | self.alice.partner_id).ids)]})
        preview = self.env["outlook.account"].with_user(self.alice).button_first_sync_preview()
        self.assertEqual((preview["events"], preview["invitations"]), (1, 1))
        self.assertEqual(preview["rows"][0]["name"], "Design review")
        self.assertEqual(preview["rows"][0]["invitees"], ["Lee Wong"])

    def test_keeping_the_events_in_odoo_sends_none_of_them(self):
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Stays in Odoo", "start": self.in_days(2), "stop": self.in_days(2, 10)})
        account = self.env["outlook.account"]._for_user(self.alice)
        account.first_sync_choice = "keep"
        self.connect(self.alice)
        self.sync(account)
        self.assertEqual(self.emulator.events(self.alice.email), [])
        later = self.env["calendar.event"].with_user(self.alice).create({
            "name": "Made afterwards", "start": self.in_days(3), "stop": self.in_days(3, 10)})
        self.sync(account)
        self.assertEqual([e["subject"] for e in self.emulator.events(self.alice.email)],
                         [later.name], "new events go to Outlook as usual")

    def test_status_names_the_calendar_and_the_next_sync(self):
        account = self.connect(self.alice)
        self.sync(account)
        status = self.env["outlook.account"].with_user(self.alice).button_status()
        self.assertEqual(status["state"], "connected")
        self.assertEqual(status["calendar"], f"Main calendar of {self.alice.email}")
        self.assertTrue(status["next_sync"])
        self.assertFalse(status["running"])
        self.assertEqual(account.sync_run_count, 1)

    def test_a_turned_off_sync_and_an_admin_pause_are_told_apart(self):
        self.connect(self.alice)
        params = self.env["ir.config_parameter"].sudo()
        params.set_param("outlook_calendar_sync.paused", True)
        button = self.env["outlook.account"].with_user(self.alice)
        self.assertEqual(button.button_status()["state"], "admin_paused")
        params.set_param("outlook_calendar_sync.enabled", False)
        self.assertEqual(button.button_status()["state"], "turned_off")
        params.set_param("outlook_calendar_sync.client_id", False)
        self.assertEqual(button.button_status()["state"], "not_configured")

    def test_a_withdrawn_permission_asks_to_reconnect(self):
        account = self.connect(self.alice)
        self.sync(account)
        self.emulator.revoke(self.alice.email)
        account._sync(trigger="test", commit=False)
        status = self.env["outlook.account"].with_user(self.alice).button_status()
        self.assertEqual((status["state"], status["error_action"]), ("error", "reconnect"))

    def test_the_end_of_a_run_is_told_to_the_browser(self):
        account = self.connect(self.alice)
        account.first_sync_requested = True
        self.env["bus.bus"].search([]).unlink()
        self.sync(account)
        self.env.cr.precommit.run()  # the bus messages are written at commit
        messages = [json.loads(m.message) for m in self.env["bus.bus"].search([])]
        done = [m["payload"] for m in messages if m["type"] == "outlook_sync_done"]
        self.assertEqual([(d["notify"], d["state"]) for d in done], [(True, "connected")])
        self.assertFalse(account.first_sync_requested)

    def test_a_run_reads_in_the_users_words(self):
        account = self.connect(self.alice)
        self.sync(account)
        run = self.env["outlook.sync.run"].search([("account_id", "=", account.id)])
        self.assertTrue(run.display_name.startswith("Synchronization of "))
        self.assertNotIn(fields.Datetime.to_string(run.started_at), run.display_name)
        self.assertEqual(run.mailbox, self.alice.email)
        run.created_in_odoo, run.deleted_in_outlook = 2, 1
        self.assertEqual((run.from_outlook, run.to_outlook), ("2 new", "1 removed"))

    def test_the_users_calendar_tab_shows_the_account(self):
        account = self.connect(self.alice)
        self.sync(account)
        self.assertEqual(self.alice.outlook_account_id, account)
        self.assertEqual(self.alice.outlook_mailbox, self.alice.email)
        self.assertEqual(self.alice.outlook_state, "connected")
        action = self.alice.action_outlook_history()
        self.assertEqual(self.env["outlook.sync.run"].search_count(action["domain"]), 1)


@tagged("post_install", "-at_install")
class TestSignInPage(EmulatorRequestsMixin, HttpCase):
    def test_the_failure_page_is_clean(self):
        emulator = GraphEmulator(seed=2).start(port=0)
        self.addCleanup(emulator.stop)
        configure_outlook(self.env, emulator, base_url=self.base_url())
        new_test_user(self.env, "erin", password="erin-password-1", groups="base.group_user")
        self.authenticate("erin", "erin-password-1")
        page = self.url_open("/microsoft_account/authentication?" + urlencode(
            {"state": "forged.state", "code": "x"}))
        self.assertEqual(page.status_code, 400)
        self.assertIn("Outlook could not be connected", page.text)
        self.assertIn("Back to Calendar", page.text)
        self.assertNotIn("/web/database/manager", page.text)
        self.assertNotIn("/web/binary/company_logo", page.text,
                         "no placeholder logo: the company has no logo of its own")
        self.assertIn(self.env.company.name, page.text)
