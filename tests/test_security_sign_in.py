"""The sign-in callback under attack: a pending sign-in survives every answer that is not its
own, the return URL stays on this Odoo, odd input never makes a server error, and only
internal users come through."""

from urllib.parse import parse_qsl, urlencode, urlsplit

import requests

from odoo import Command
from odoo.tests import HttpCase, tagged

from ..models.outlook_account_sign_in import safe_return_url
from .common import EmulatorRequestsMixin, configure_outlook, register_app
from .graph_emulator import GraphEmulator

CALLBACK = "/microsoft_account/authentication"
CALENDAR = "/odoo/calendar"


@tagged("post_install", "-at_install")
class TestSignInCallback(EmulatorRequestsMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = GraphEmulator(seed=2).start(port=0)
        cls.addClassCleanup(cls.emulator.stop)
        configure_outlook(cls.env, cls.emulator, base_url=cls.base_url())
        cls.alice = cls.env["res.users"].create({
            "name": "Alice", "login": "alice", "password": "alice-password-1",
            "email": "alice@contoso.example",
            "groups_id": [Command.set([cls.env.ref("base.group_user").id])],
        })
        cls.carol = cls.env["res.users"].create({
            "name": "Carol", "login": "carol", "password": "carol-password-1",
            "email": "carol@partner.example",
            "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
        })

    def setUp(self):
        super().setUp()
        self.emulator.reset()
        register_app(self.emulator, base_url=self.base_url())
        self.emulator.add_mailbox(self.alice.email)
        self.emulator.add_mailbox(self.carol.email)

    def account(self):
        return self.env["outlook.account"]._for_user(self.alice)

    def microsoft_answer(self, return_url=CALENDAR):
        """Alice starts a sign-in; what Microsoft sends back."""
        self.emulator.set_consent(self.alice.email, accept=True)
        url = self.account().with_user(self.alice)._start_sign_in(return_url)
        answer = requests.get(url, allow_redirects=False, timeout=10)
        return dict(parse_qsl(urlsplit(answer.headers["Location"]).query))

    def come_back(self, query, login="alice"):
        self.authenticate(login, f"{login}-password-1")
        query = query if isinstance(query, str) else urlencode(query)
        return self.url_open(f"{CALLBACK}?{query}", allow_redirects=False)

    def assertConnected(self, response, return_url=CALENDAR):
        self.assertEqual(response.status_code, 303, response.text[:300])
        self.assertEqual(urlsplit(response.headers["Location"]).path, return_url)
        self.assertEqual(self.account().state, "connected")

    # -- the pending sign-in -----------------------------------------------------------------

    def test_a_cross_site_answer_with_a_junk_state_leaves_the_sign_in_pending(self):
        genuine = self.microsoft_answer()
        for junk in ({"code": "x", "state": "junk"},
                     {"code": genuine["code"], "state": "a.b"},
                     {"code": genuine["code"]},
                     {"error": "access_denied", "state": genuine["state"] + "x"}):
            with self.subTest(junk=junk):
                self.assertEqual(self.come_back(junk).status_code, 400)
                self.assertTrue(self.account().sudo().sign_in_flow, "still pending")
        self.assertConnected(self.come_back(genuine))

    def test_an_older_genuine_answer_leaves_the_newer_sign_in_pending(self):
        older = self.microsoft_answer()
        newer = self.microsoft_answer()
        self.assertEqual(self.come_back(older).status_code, 400)
        self.assertTrue(self.account().sudo().sign_in_flow)
        self.assertConnected(self.come_back(newer))
        self.assertEqual(self.come_back(newer).status_code, 400, "used once only")

    # -- the return URL ----------------------------------------------------------------------

    def test_return_urls_are_same_origin_paths_only(self):
        for url, expected in [
            ("/odoo/calendar?view=week#top", "/odoo/calendar?view=week#top"),
            ("  /odoo/calendar  ", "/odoo/calendar"),
            ("/\t/evil.example", CALENDAR),
            ("/\n/evil.example", CALENDAR),
            ("/\r\nLocation: https://evil.example", CALENDAR),
            ("/\x00/evil.example", CALENDAR),
            ("/\u200b/evil.example", CALENDAR),
            ("/\u3000/evil.example", CALENDAR),
            ("//evil.example", CALENDAR),
            ("/\\evil.example", CALENDAR),
            ("\\\\evil.example", CALENDAR),
            ("https://evil.example/x", CALENDAR),
            ("https:/evil.example", CALENDAR),
            ("javascript:alert(1)", CALENDAR),
            ("evil.example/x", CALENDAR),
            ("", CALENDAR),
            (None, CALENDAR),
            (["/odoo"], CALENDAR),
            ("/" + "a" * 5000, CALENDAR),
        ]:
            with self.subTest(url=url):
                self.assertEqual(safe_return_url(url), expected)

    def test_the_redirect_after_signing_in_stays_on_this_odoo(self):
        for url in ("/\t/evil.example", "/\n/evil.example", "/odoo/calendar?x=1"):
            with self.subTest(url=url):
                response = self.come_back(self.microsoft_answer(url))
                self.assertEqual(response.status_code, 303)
                location = urlsplit(response.headers["Location"])
                self.assertIn(location.netloc, ("", urlsplit(self.base_url()).netloc))
                self.assertFalse(location.scheme and location.scheme not in ("http", "https"))
                self.assertEqual(location.path, "/odoo/calendar")

    # -- odd input ---------------------------------------------------------------------------

    def test_odd_input_never_makes_a_server_error(self):
        genuine = self.microsoft_answer()
        payload, _sep, _signature = genuine["state"].partition(".")
        for query in [
            "", "state=", "code=&state=", "state=%ff%fe", "state=%00", "state=.",
            "state=" + "a" * 20000, "state=%E2%80%AE.%E2%80%AE", "state=é.é",
            f"state={payload}", f"state={payload}.", f"state=.{payload}",
            "state=W10=.00", "code=x&code=y&state=a&state=b",
            "error=x&error_description=%0d%0aSet-Cookie:x", "session_state=x&state=%5B%5D",
        ]:
            with self.subTest(query=query[:60]):
                response = self.come_back(query)
                self.assertEqual(response.status_code, 400, response.text[:300])
                self.assertNotIn("Traceback", response.text)
        self.assertTrue(self.account().sudo().sign_in_flow, "still pending")
        self.assertConnected(self.come_back(genuine))

    # -- who comes through ------------------------------------------------------------------

    def test_portal_users_are_refused_and_get_no_account(self):
        response = self.come_back({"code": "x", "state": "y"}, login="carol")
        self.assertEqual(response.status_code, 403)
        self.assertIn("Only internal users can connect an Outlook calendar", response.text)
        self.assertFalse(self.env["outlook.account"].search([("user_id", "=", self.carol.id)]))

    def test_visitors_are_sent_to_the_login_page(self):
        self.authenticate(None, None)
        response = self.url_open(f"{CALLBACK}?code=x&state=y", allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])
