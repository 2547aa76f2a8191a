import base64
import json
import time
from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from odoo.tests import HttpCase, tagged
from odoo.tools.misc import hmac as odoo_hmac

from .common import EmulatorRequestsMixin, configure_outlook, register_app
from .graph_emulator import GraphEmulator

CALLBACK = "/microsoft_account/authentication"


@tagged("post_install", "-at_install")
class TestSignIn(EmulatorRequestsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = GraphEmulator(seed=1).start(port=0)
        cls.addClassCleanup(cls.emulator.stop)
        configure_outlook(cls.env, cls.emulator, base_url=cls.base_url())
        cls.users = {}
        for login in ("alice", "bob"):
            cls.users[login] = cls.env["res.users"].create({
                "name": login.title(), "login": login, "password": f"{login}-password-1",
                "email": f"{login}@contoso.example",
                "groups_id": [(6, 0, [cls.env.ref("base.group_user").id])],
            })

    def setUp(self):
        super().setUp()
        self.emulator.reset()
        register_app(self.emulator, base_url=self.base_url())
        for user in self.users.values():
            self.emulator.add_mailbox(user.email)

    def account(self, login):
        return self.env["outlook.account"]._for_user(self.users[login])

    def microsoft_answer(self, login, accept=True):
        """Start the sign-in as `login` and return what Microsoft sends back."""
        self.emulator.set_consent(self.users[login].email, accept=accept)
        url = self.account(login).with_user(self.users[login])._start_sign_in("/odoo/calendar")
        answer = requests.get(url, allow_redirects=False, timeout=10)
        return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))

    def come_back(self, login, params):
        self.authenticate(login, f"{login}-password-1")
        return self.url_open(f"{CALLBACK}?{urlencode(params)}", allow_redirects=False)

    def assertFailurePage(self, response, words):
        self.assertEqual(response.status_code, 400)
        self.assertIn(words, response.text)
        self.assertNotIn("Traceback", response.text)

    def test_sign_in_connects_and_returns_to_the_calendar(self):
        response = self.come_back("alice", self.microsoft_answer("alice"))
        self.assertEqual(response.status_code, 303)
        self.assertTrue(response.headers["Location"].endswith("/odoo/calendar"))
        account = self.account("alice")
        self.assertEqual(account.state, "connected")
        self.assertEqual(account.mailbox, "alice@contoso.example")
        self.assertTrue(account.sudo().token_cache)

    def test_forged_state_is_refused(self):
        params = self.microsoft_answer("alice")
        payload, _sep, _signature = params["state"].partition(".")
        params["state"] = f"{payload}.{'0' * 64}"
        response = self.come_back("alice", params)
        self.assertFailurePage(response, "Click the Outlook button in Calendar again")
        self.assertEqual(self.account("alice").state, "disconnected")

    def test_replayed_answer_is_refused(self):
        params = self.microsoft_answer("alice")
        self.assertEqual(self.come_back("alice", params).status_code, 303)
        self.assertFailurePage(self.come_back("alice", params), "Outlook button")

    def test_expired_state_is_refused(self):
        params = self.microsoft_answer("alice")
        content = json.loads(base64.urlsafe_b64decode(params["state"].partition(".")[0]))
        content["exp"] = int(time.time()) - 1
        payload = base64.urlsafe_b64encode(json.dumps(content).encode()).decode()
        signature = odoo_hmac(self.env(su=True), "outlook_calendar_sync.sign_in", payload)
        params["state"] = f"{payload}.{signature}"
        self.assertFailurePage(self.come_back("alice", params), "Outlook button")

    def test_another_users_answer_is_refused(self):
        params = self.microsoft_answer("alice")
        self.assertFailurePage(self.come_back("bob", params), "Outlook button")
        self.assertEqual(self.account("bob").state, "disconnected")

    def test_refused_consent_says_what_to_do(self):
        params = self.microsoft_answer("alice", accept=False)
        self.assertEqual(params.get("error"), "access_denied")
        self.assertFailurePage(self.come_back("alice", params), "accept the requested permissions")

    def test_wrong_client_secret_says_what_to_do(self):
        params = self.microsoft_answer("alice")
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.client_secret", "wrong")
        self.assertFailurePage(self.come_back("alice", params), "client secret")

    def test_garbage_state_is_refused(self):
        self.assertFailurePage(self.come_back("alice", {"code": "x", "state": "%%%"}),
                               "Outlook button")

    def test_only_same_origin_return_urls(self):
        account = self.account("alice")
        state = account._make_state("https://evil.example/phish")
        self.assertEqual(account._read_state(state)["return"], "/odoo/calendar")
        state = account._make_state("//evil.example/x")
        self.assertEqual(account._read_state(state)["return"], "/odoo/calendar")
