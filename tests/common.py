"""Shared set-up of the Odoo tests: a running Graph emulator and users connected to it."""

from datetime import datetime, timedelta
from urllib.parse import parse_qsl, urlsplit

import requests

from odoo import fields
from odoo.tests import TransactionCase

from .graph_emulator import GraphEmulator

CLIENT_ID = "0d1c2b3a-4f5e-4a6b-8c7d-9e0f1a2b3c4d"
CLIENT_SECRET = "emulated-client-secret"
BASE_URL = "http://odoo.test"


def register_app(emulator, base_url=BASE_URL):
    """The administrator's app registration in Microsoft Entra ID."""
    emulator.add_app(CLIENT_ID, CLIENT_SECRET,
                     redirect_uris=[f"{base_url}/microsoft_account/authentication"])


def configure_outlook(env, emulator, base_url=BASE_URL):
    """Point the addon at the emulator, as an administrator would in Calendar settings."""
    params = env["ir.config_parameter"].sudo()
    params.set_param("web.base.url", base_url)
    for key, value in {
        "enabled": "True",
        "client_id": CLIENT_ID,
        "client_secret": CLIENT_SECRET,
        "authority_url": emulator.https_url,
        "graph_url": emulator.graph_url,
        "allow_custom_hosts": "True",
        "ca_bundle": emulator.ca_bundle,
    }.items():
        params.set_param(f"outlook_calendar_sync.{key}", value)


def sign_in(account, emulator, email):
    """The user signs in at Microsoft (auto-consent) and comes back to Odoo."""
    emulator.set_consent(email, accept=True)
    url = account.with_user(account.user_id)._start_sign_in("/odoo/calendar")
    answer = requests.get(url, allow_redirects=False, timeout=10)
    params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
    return account.with_user(account.user_id)._finish_sign_in(params)


def graph_event(subject, start, hours=1, attendees=(), **extra):
    """A Graph event body as an Outlook user would create it (UTC times)."""
    end = start + timedelta(hours=hours)
    return {
        "subject": subject,
        "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "end": {"dateTime": end.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "attendees": [{"emailAddress": {"address": a, "name": a.split("@")[0].title()},
                       "type": "required"} for a in attendees],
        **extra,
    }


class EmulatorRequestsMixin:
    """Odoo's test harness only lets requests reach 127.0.0.1 and expects a single number as
    timeout; the engine uses (connect, read) timeouts, given here as the longest one."""

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        if isinstance(kwargs.get("timeout"), tuple):
            kwargs["timeout"] = max(kwargs["timeout"])
        return super()._request_handler(session, request, **kwargs)


class OutlookCase(EmulatorRequestsMixin, TransactionCase):
    """A database configured for the emulator, with connected users Alice and Bob."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emulator = GraphEmulator(seed=0).start(port=0)
        cls.addClassCleanup(cls.emulator.stop)
        cls.env = cls.env(context=dict(cls.env.context, outlook_no_commit=True,
                                       tracking_disable=True))
        configure_outlook(cls.env, cls.emulator)
        cls.alice = cls._internal_user("alice", "alice@contoso.example")
        cls.bob = cls._internal_user("bob", "bob@contoso.example")
        cls.now = fields.Datetime.now().replace(minute=0, second=0, microsecond=0)

    @classmethod
    def _internal_user(cls, login, email):
        return cls.env["res.users"].create({
            "name": login.title(), "login": login, "email": email, "tz": "UTC",
            "groups_id": [fields.Command.set([cls.env.ref("base.group_user").id])],
        })

    def setUp(self):
        super().setUp()
        # Odoo's side is rolled back after each test; Outlook's side starts afresh too.
        self.emulator.reset()
        register_app(self.emulator)
        for user in (self.alice, self.bob):
            self.emulator.add_mailbox(user.email, display_name=user.name)

    def connect(self, user):
        account = self.env["outlook.account"]._for_user(user)
        sign_in(account, self.emulator, user.email)
        return account

    def sync(self, account):
        report = account._sync(trigger="test", commit=False)
        self.assertTrue(report, f"the sync did not run: {account.last_error}")
        return report

    def graph_get(self, email, path, **params):
        """Read Graph as the mailbox owner would, e.g. a series' instances."""
        token = self.emulator.issue_tokens(email, CLIENT_ID)["access_token"]
        answer = requests.get(f"{self.emulator.graph_url}{path}", params=params, timeout=10,
                              headers={"Authorization": f"Bearer {token}"})
        answer.raise_for_status()
        return answer.json()

    def events(self, domain=()):
        return self.env["calendar.event"].search(list(domain), order="start, id")

    def in_days(self, days, hour=9):
        return datetime.combine((self.now + timedelta(days=days)).date(),
                                datetime.min.time()).replace(hour=hour)
