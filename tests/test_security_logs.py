"""Logs at full DEBUG: the addon's own loggers never write a token, an authorization code, a
PKCE verifier, the Client Secret or a delta token; and since these are stored encrypted,
Odoo's own SQL debug lines do not show them either."""

import json
import logging
from urllib.parse import parse_qsl, urlsplit

import requests

from odoo.tests import tagged

from ..engine.errors import SignInFailed
from ..models import secret_box
from .common import CLIENT_ID, CLIENT_SECRET, OutlookCase, graph_event

WATCHED = ("odoo.addons.outlook_calendar_sync", "odoo.sql_db")


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@tagged("post_install", "-at_install")
class TestLogs(OutlookCase):
    def capture(self):
        handler = Capture()
        for name in WATCHED:
            logger = logging.getLogger(name)
            level = logger.level
            logger.setLevel(logging.DEBUG)
            logger.addHandler(handler)
            self.addCleanup(logger.setLevel, level)
            self.addCleanup(logger.removeHandler, handler)
        sql = logging.getLogger("odoo.sql_db")  # thousands of lines: kept off the test output
        sql.propagate = False
        self.addCleanup(setattr, sql, "propagate", True)
        return handler

    def remember(self, account):
        """What the account holds right now that must never be logged."""
        account.invalidate_recordset()
        cache = account.sudo().token_cache
        if cache:
            for kind in ("AccessToken", "RefreshToken", "IdToken"):
                for entry in json.loads(cache).get(kind, {}).values():
                    self.needles[f"{kind} {len(self.needles)}"] = entry["secret"]
        if account.sudo().delta_link:
            query = dict(parse_qsl(urlsplit(account.sudo().delta_link).query))
            self.needles[f"delta token {len(self.needles)}"] = query["$deltatoken"]

    def test_no_secret_reaches_the_log_at_debug_level(self):
        self.needles = {"client secret": CLIENT_SECRET}
        logs = self.capture()
        # The administrator saves the settings.
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        self.env["res.config.settings"].create({
            "outlook_enabled": True, "outlook_client_id": CLIENT_ID,
            "outlook_client_secret": CLIENT_SECRET}).execute()
        self.env["ir.config_parameter"].set_param("web.base.url", "http://odoo.test")

        # Alice signs in, after two forged answers.
        account = self.env["outlook.account"]._for_user(self.alice).with_user(self.alice)
        self.emulator.set_consent(self.alice.email, accept=True)
        url = account._start_sign_in("/odoo/calendar")
        self.needles["code verifier"] = json.loads(account.sudo().sign_in_flow)["code_verifier"]
        answer = requests.get(url, allow_redirects=False, timeout=10)
        params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
        self.needles["authorization code"] = params["code"]
        for forged in ({"code": params["code"], "state": "forged.0"},
                       {"code": params["code"], "state": params["state"][:-2] + "00"}):
            with self.assertRaises(SignInFailed):
                account._finish_sign_in(forged)
        account._finish_sign_in(params)
        account = account.sudo()
        self.remember(account)

        # Synchronizations: both ways, a refreshed token, a forgotten delta state, a revoked
        # consent.
        self.emulator.create_event(self.alice.email, graph_event("Planning", self.in_days(1)))
        self.env["calendar.event"].with_user(self.alice).create({
            "name": "Review", "start": self.in_days(2), "stop": self.in_days(2, 10)})
        self.sync(account)
        self.remember(account)
        self.emulator.expire_access_tokens(self.alice.email)
        self.emulator.expire_delta_tokens(self.alice.email)
        self.sync(account)
        self.remember(account)
        self.emulator.revoke(self.alice.email)
        self.assertIsNone(account._sync(trigger="test", commit=False))

        self.assertGreaterEqual(len(self.needles), 9, self.needles.keys())
        ours = [line for line in logs.lines if line.startswith(WATCHED[0])]
        self.assertTrue(any("connected" in line for line in ours))
        # Odoo's SQL lines were captured, the encrypted writes among them.
        self.assertTrue(any(line.startswith("odoo.sql_db DEBUG") and secret_box.PREFIX in line
                            for line in logs.lines))
        leaks = {what: [line[:200] for line in logs.lines if needle in line]
                 for what, needle in self.needles.items()}
        self.assertEqual({what: lines for what, lines in leaks.items() if lines}, {})
