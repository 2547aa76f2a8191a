"""Every text of the addon is translated, and users read it in their language."""

import importlib.util
from pathlib import Path

from odoo.tests import HttpCase, new_test_user, tagged

from ..engine import mapping
from ..engine.errors import RejectedPayload, SyncAlreadyRunning
from ..engine.event_values import MappingError
from ..engine.inbound import ItemError
from ..engine.sync_run import SyncReport

ROOT = Path(__file__).resolve().parent.parent


def i18n_tool():
    spec = importlib.util.spec_from_file_location("ocs_i18n", ROOT / "scripts" / "i18n.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def unreadable_event():
    """The error of an Outlook event whose reminder is out of range."""
    try:
        mapping.from_graph({
            "id": "AAMk1", "subject": "Budget 2026", "isReminderOn": True,
            "reminderMinutesBeforeStart": 10**9,
            "start": {"dateTime": "2025-03-24T08:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-03-24T09:00:00", "timeZone": "UTC"}})
    except MappingError as error:
        return error
    raise AssertionError("the event should not be readable")


@tagged("post_install", "-at_install")
class TestTranslations(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.env["ir.module.module"]._load_module_terms(
            ["outlook_calendar_sync"], ["it_IT"], overwrite=True)

    def test_every_language_translates_every_text(self):
        tool = i18n_tool()
        self.assertEqual(sorted(tool.LANGUAGES),
                         ["de", "es", "fr", "it", "ja", "nl", "pt_BR", "zh_CN"])
        self.assertEqual(tool.check(), [])

    def test_messages_built_from_details_are_translated(self):
        italian = self.env(context={"lang": "it_IT"})
        self.assertEqual(italian._("Main calendar of %(mailbox)s", mailbox="a@b.example"),
                         "Calendario principale di a@b.example")
        # An engine message: marked in the engine, translated when shown.
        self.assertIn("già in corso", italian._(SyncAlreadyRunning.hint))

    def test_engine_errors_in_the_sync_history_are_translated_with_their_details(self):
        user = new_test_user(self.env, "marco", groups="base.group_user", lang="it_IT")
        account = self.env["outlook.account"]._for_user(user)
        run = self.env["outlook.sync.run"].sudo().create({"account_id": account.id})
        refused = RejectedPayload("The end time must be later than the start time.",
                                  subject="Riunione")
        report = SyncReport(errors=[ItemError.from_error("Budget 2026", unreadable_event()),
                                    ItemError.from_error("Riunione", refused)])
        run.with_context(lang="it_IT")._finish(report=report)
        unreadable, refusal = run.errors.split("\n")
        # The sentences in Italian, nested ones too; the details as they were.
        self.assertTrue(unreadable.startswith('Budget 2026: L\'evento Outlook "Budget 2026"'),
                        unreadable)
        self.assertIn("1000000000 minuti prima", unreadable)
        self.assertTrue(refusal.startswith("Riunione: "), refusal)
        self.assertIn("rifiutato da Outlook: The end time must be later than the start time",
                      refusal)
        self.assertIn("Correggilo in Odoo", refusal)

    def test_views_are_translated(self):
        arch = self.env["outlook.account"].with_context(lang="it_IT").get_views(
            [(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Sincronizza ora", arch)

    def test_an_italian_user_sees_the_button_in_italian(self):
        self.env["ir.config_parameter"].sudo().set_param("outlook_calendar_sync.enabled", True)
        self.env["ir.config_parameter"].sudo().set_param(
            "outlook_calendar_sync.client_id", "0d1c2b3a-4f5e-4a6b-8c7d-9e0f1a2b3c4d")
        self.env["ir.config_parameter"].sudo().set_param(
            "outlook_calendar_sync.client_secret", "secret")
        new_test_user(self.env, "giulia", groups="base.group_user", lang="it_IT", tz="UTC")
        self.start_tour("/odoo/calendar", "outlook_calendar_sync_italian", login="giulia")
