"""Logs at full DEBUG: the addon's own loggers never write a token, an authorization code, a
PKCE verifier, the Client Secret or a delta token. Since these are stored encrypted, Odoo's
SQL debug lines do not show them either; and the lines of msal, urllib3, Odoo's RPC calls
(odoo.api) and Odoo's access log (werkzeug) have them hidden."""

import json
import logging
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from odoo.tests import HttpCase, tagged

from ..engine.errors import SignInFailed
from ..models import secret_box
from .common import CLIENT_ID, CLIENT_SECRET, OutlookCase, graph_event

ADDON = "odoo.addons.outlook_calendar_sync"
WATCHED = (ADDON, "odoo.sql_db", "odoo.api", "msal", "urllib3", "werkzeug")
QUIET = ("odoo.sql_db", "odoo.api", "msal", "urllib3")  # thousands of lines: off the output


class Capture(logging.Handler):
    def __init__(self):
        super().__init__(logging.DEBUG)
        self.setFormatter(logging.Formatter("%(name)s %(levelname)s %(message)s"))
        self.lines = []

    def emit(self, record):
        self.lines.append(self.format(record))


@tagged("post_install", "-at_install")
class TestLogs(OutlookCase, HttpCase):
    def capture(self):
        handler = Capture()
        for name in WATCHED:
            logger = logging.getLogger(name)
            level, propagate = logger.level, logger.propagate
            logger.setLevel(logging.DEBUG)
            logger.addHandler(handler)
            logger.propagate = name not in QUIET
            self.addCleanup(logger.setLevel, level)
            self.addCleanup(setattr, logger, "propagate", propagate)
            self.addCleanup(logger.removeHandler, handler)
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

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs})

    def test_no_secret_reaches_the_log_at_debug_level(self):
        self.needles = {"client secret": CLIENT_SECRET}
        logs = self.capture()
        # The administrator saves the settings in the browser.
        admin = self.env.ref("base.user_admin")
        admin.password = "admin-password-1"
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        self.authenticate("admin", "admin-password-1")
        values = self.call("res.config.settings", "onchange", [], {}, [],
                           {"outlook_client_secret": {}, "outlook_client_id": {}})["value"]
        self.assertEqual(values["outlook_client_secret"], CLIENT_SECRET)
        saved = self.call("res.config.settings", "web_save", [], {
            "outlook_enabled": True, "outlook_client_id": CLIENT_ID,
            "outlook_client_secret": CLIENT_SECRET}, specification={"outlook_client_secret": {}})
        self.call("res.config.settings", "execute", [saved[0]["id"]])
        self.env["ir.config_parameter"].set_param("web.base.url", "http://odoo.test")

        # Alice signs in, after two forged answers; Microsoft sends her back through the
        # browser.
        self.alice.password = "alice-password-1"
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
        self.authenticate("alice", "alice-password-1")
        response = self.url_open(f"/microsoft_account/authentication?{urlencode(params)}",
                                 allow_redirects=False)
        self.assertEqual(response.status_code, 303)
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
        self.emulator.create_event(self.alice.email, graph_event("Later", self.in_days(3)))
        self.sync(account)  # from the last delta link
        self.emulator.revoke(self.alice.email)
        self.assertIsNone(account._sync(trigger="test", commit=False))

        self.assertGreaterEqual(len(self.needles), 10, self.needles.keys())
        self.assertTrue(any(line.startswith(f"{ADDON}.models.outlook_account_sign_in INFO")
                            and "connected" in line for line in logs.lines))
        for logger, sign in (("odoo.sql_db", secret_box.PREFIX),  # the encrypted writes
                             ("odoo.api", "web_save"), ("msal", "event="),
                             ("urllib3", "/v1.0/me/calendarView/delta"),
                             ("werkzeug", "/microsoft_account/authentication")):
            self.assertTrue(any(line.startswith(logger) and sign in line
                                for line in logs.lines), f"{logger} lines were captured")
        leaks = {what: [line[:200] for line in logs.lines if needle in line]
                 for what, needle in self.needles.items()}
        self.assertEqual({what: lines for what, lines in leaks.items() if lines}, {})
