"""Encryption at rest: what opens a mailbox is never stored plain, a copied database cannot
reach any mailbox and says so, and values stored plain before are encrypted on upgrade."""

import importlib.util
import json
import os
from pathlib import Path
from unittest.mock import patch
from urllib.parse import parse_qsl, urlsplit

import requests

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import SQL, config

from ..models import secret_box
from ..models.outlook_settings import read_settings
from .common import CLIENT_SECRET, OutlookCase, graph_event

MIGRATION = Path(__file__).resolve().parent.parent / "migrations" / "18.0.1.1.0" / "post-migrate.py"
OTHER_SERVER_KEY = "another-server-key-" + "x" * 40


def token_secrets(token_cache):
    """Every credential msal keeps: access, refresh and ID tokens."""
    cache = json.loads(token_cache)
    return [entry["secret"] for kind in ("AccessToken", "RefreshToken", "IdToken")
            for entry in cache.get(kind, {}).values()]


def delta_token(delta_link):
    return dict(parse_qsl(urlsplit(delta_link).query))["$deltatoken"]


class SecretsCase(OutlookCase):
    def setUp(self):
        super().setUp()
        secret_box.forget_cached_keys()
        self.addCleanup(secret_box.forget_cached_keys)

    def raw(self, account, column):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT %s FROM outlook_account WHERE id = %s",
                                SQL.identifier(column), account.id))
        return self.env.cr.fetchone()[0]

    def raw_param(self, key):
        self.env.flush_all()
        self.env.cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
        row = self.env.cr.fetchone()
        return row and row[0]

    def sign_in_by_hand(self, user):
        """The sign-in of common.sign_in, keeping what goes through the browser."""
        account = self.env["outlook.account"]._for_user(user)
        self.emulator.set_consent(user.email, accept=True)
        url = account.with_user(user)._start_sign_in("/odoo/calendar")
        verifier = json.loads(account.sudo().sign_in_flow)["code_verifier"]
        answer = requests.get(url, allow_redirects=False, timeout=10)
        params = dict(parse_qsl(urlsplit(answer.headers["Location"]).query))
        account.with_user(user)._finish_sign_in(params)
        return account, params["code"], verifier

    def as_other_server(self, key=OTHER_SERVER_KEY):
        """This database, opened by a server with another key (a copy taken elsewhere)."""
        for patcher in (patch.dict(config.options, {secret_box.CONFIG_OPTION: key}),
                        patch.dict(os.environ)):
            patcher.start()
            self.addCleanup(patcher.stop)
        os.environ.pop(secret_box.ENV_VARIABLE, None)
        secret_box.forget_cached_keys()
        self.env.invalidate_all()
        self.env.registry.clear_cache()


@tagged("post_install", "-at_install")
class TestEncryptedAtRest(SecretsCase):
    def test_tokens_pending_sign_in_delta_link_and_client_secret_are_stored_encrypted(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        bob = self.env["outlook.account"]._for_user(self.bob)
        bob.with_user(self.bob)._start_sign_in("/odoo/calendar")
        for account, column in ((alice, "token_cache"), (alice, "delta_link"),
                                (bob, "sign_in_flow")):
            with self.subTest(column=column):
                stored = self.raw(account, column)
                self.assertTrue(stored.startswith(secret_box.PREFIX), stored[:30])
                # Plain for the addon's code, as before.
                self.assertTrue(secret_box.unseal(self.env, stored))
                self.assertEqual(account.sudo()[column], secret_box.unseal(self.env, stored))
        self.assertIn("RefreshToken", alice.sudo().token_cache)
        self.assertIn("$deltatoken", alice.sudo().delta_link)
        self.assertIn("code_verifier", bob.sudo().sign_in_flow)

        stored_secret = self.raw_param("outlook_calendar_sync.client_secret")
        self.assertTrue(stored_secret.startswith(secret_box.PREFIX))
        self.assertNotIn(CLIENT_SECRET, stored_secret)
        self.assertEqual(read_settings(self.env).client_secret, CLIENT_SECRET)

    def test_a_database_dump_holds_no_token_and_no_secret(self):
        alice, code, verifier = self.sign_in_by_hand(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("Planning", self.in_days(1)))
        self.sync(alice)
        bob = self.env["outlook.account"]._for_user(self.bob)
        bob.with_user(self.bob)._start_sign_in("/odoo/calendar")  # pending: holds a verifier
        # The administrator saved the settings screen with the secret (its row stays).
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com")
        settings = self.env["res.config.settings"].create({
            "outlook_enabled": True, "outlook_client_id": "0d1c2b3a-4f5e-4a6b-8c7d-9e0f1a2b3c4d",
            "outlook_client_secret": CLIENT_SECRET,
        })
        settings.execute()
        needles = {
            "client secret": CLIENT_SECRET,
            "authorization code": code,
            "code verifier (used)": verifier,
            "code verifier (pending)": json.loads(bob.sudo().sign_in_flow)["code_verifier"],
            "delta token": delta_token(alice.sudo().delta_link),
        }
        for index, secret in enumerate(token_secrets(alice.sudo().token_cache)):
            needles[f"token {index}"] = secret
        self.assertGreaterEqual(len(needles), 8)
        self.assertEqual(self.tables_holding(needles), {})
        # The search itself finds what is there.
        self.alice.partner_id.comment = f"<p>{needles['token 0'][5:25]}</p>"
        self.assertEqual(self.tables_holding({"probe": needles["token 0"][5:25]}),
                         {"probe": ["res_partner.comment"]})

    def tables_holding(self, needles):
        """{what: [table.column, ...]} for every needle found in a text column of the database,
        as a plain-text dump would show it."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute("""
            SELECT c.table_name, array_agg(c.column_name::text)
              FROM information_schema.columns c
              JOIN information_schema.tables t
                ON t.table_schema = c.table_schema AND t.table_name = c.table_name
             WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
               AND c.data_type IN ('text', 'character varying', 'jsonb', 'json', 'character')
             GROUP BY c.table_name""")
        found = {}
        values = list(needles.values())
        for table, columns in cr.fetchall():
            for column in columns:
                cr.execute(SQL(
                    "SELECT DISTINCT n FROM %s, unnest(%s::text[]) AS n "
                    "WHERE strpos(%s::text, n) > 0",
                    SQL.identifier(table), values, SQL.identifier(column)))
                for (needle,) in cr.fetchall():
                    what = next(k for k, v in needles.items() if v == needle)
                    found.setdefault(what, []).append(f"{table}.{column}")
        return found


@tagged("post_install", "-at_install")
class TestCopiedDatabase(SecretsCase):
    def test_without_the_key_no_mailbox_is_reached_and_it_says_so(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.emulator.create_event(self.alice.email, graph_event("Unread", self.in_days(1)))
        self.emulator.reset_counters()

        self.as_other_server()
        self.assertIsNone(alice._sync(trigger="test", commit=False))
        self.assertEqual(alice.state, "error")
        self.assertIn("Client Secret saved in this database cannot be read", alice.last_error)
        self.assertIn("copied from another server", alice.last_error)
        run = self.env["outlook.sync.run"].search([("account_id", "=", alice.id)], limit=1)
        self.assertEqual((run.state, run.errors), ("failed", alice.last_error))

        # The administrator enters the Client Secret again: now the user must reconnect.
        self.env["ir.config_parameter"].set_param("outlook_calendar_sync.client_secret",
                                                  CLIENT_SECRET)
        self.assertIsNone(alice._sync(trigger="test", commit=False))
        self.assertIn("Outlook connection saved in this database cannot be read",
                      alice.last_error)
        self.assertIn("Reconnect your Outlook calendar", alice.last_error)
        self.assertEqual(self.emulator.counters()["requests"], {},
                         "nothing may reach Microsoft with what a copy holds")
        self.assertFalse(self.events([("name", "=", "Unread")]))

        # Reconnecting works on this server, and the sync goes on from where it was.
        self.connect(self.alice)
        self.sync(alice)
        self.assertEqual(len(self.events([("name", "=", "Unread")])), 1)

    def test_a_duplicate_on_the_same_server_cannot_decrypt_either(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        self.env.cr.execute("UPDATE ir_config_parameter SET value = 'another-uuid' "
                            "WHERE key = 'database.uuid'")  # what a duplicate gets
        secret_box.forget_cached_keys()
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        self.emulator.reset_counters()
        self.assertIsNone(alice._sync(trigger="test", commit=False))
        self.assertIn("cannot be read", alice.last_error)
        self.assertEqual(self.emulator.counters()["requests"], {})

    def test_several_keys_let_the_key_be_replaced(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        old_key = secret_box.server_keys()[0]
        self.as_other_server(f"{OTHER_SERVER_KEY},{old_key}")
        self.sync(alice)  # the old key still decrypts
        alice.sudo().token_cache = alice.sudo().token_cache + " "  # written with the new key
        stored = self.raw(alice, "token_cache")
        self.as_other_server(OTHER_SERVER_KEY)
        self.assertTrue(secret_box.unseal(self.env, stored))

    def test_a_short_key_or_no_key_at_all_stores_nothing_and_says_what_to_set(self):
        account = self.env["outlook.account"]._for_user(self.alice)
        self.as_other_server("too-short")
        with self.assertRaises(UserError) as caught:
            account.with_user(self.alice).button_connect("/odoo/calendar")
        self.assertIn("outlook_sync_key", str(caught.exception))
        self.assertFalse(account.sudo().sign_in_flow)

        self.as_other_server("")
        with patch.object(secret_box, "key_file_path", return_value=None):
            secret_box.forget_cached_keys()
            with self.assertRaises(UserError) as caught:
                self.env["ir.config_parameter"].set_param(
                    "outlook_calendar_sync.client_secret", "a-new-secret")
            self.assertIn("OUTLOOK_SYNC_KEY", str(caught.exception))
            self.assertNotIn(config["data_dir"], str(caught.exception))

    def test_the_key_file_is_created_once_outside_the_database_for_the_server_only(self):
        self.as_other_server("")
        secret_box.server_keys()
        path = Path(secret_box.key_file_path())
        self.assertTrue(path.is_file())
        self.assertEqual(path.stat().st_mode & 0o077, 0, "readable by the server's user only")
        self.assertNotIn(str(Path(config.filestore(self.env.cr.dbname))), str(path))
        key = path.read_text().strip()
        self.assertGreaterEqual(len(key), secret_box.MIN_KEY_LENGTH)
        secret_box.forget_cached_keys()
        self.assertEqual(secret_box.server_keys(), (key,))


@tagged("post_install", "-at_install")
class TestUpgrade(SecretsCase):
    def run_migration(self):
        spec = importlib.util.spec_from_file_location("outlook_post_migrate", MIGRATION)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        module.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()

    def test_plain_values_of_earlier_versions_are_encrypted_on_upgrade(self):
        alice = self.connect(self.alice)
        self.sync(alice)
        plain = {column: alice.sudo()[column] for column in ("token_cache", "delta_link")}
        flow = json.dumps({"state": "x", "code_verifier": "a-plain-verifier"})
        # As an earlier version stored them.
        self.env.cr.execute(
            "UPDATE outlook_account SET token_cache = %s, delta_link = %s, sign_in_flow = %s "
            "WHERE id = %s", [plain["token_cache"], plain["delta_link"], flow, alice.id])
        self.env.cr.execute("UPDATE ir_config_parameter SET value = %s WHERE key = %s",
                            [CLIENT_SECRET, "outlook_calendar_sync.client_secret"])
        settings = self.env["res.config.settings"].create({"outlook_enabled": True})
        self.env.cr.execute("UPDATE res_config_settings SET outlook_client_secret = %s "
                            "WHERE id = %s", [CLIENT_SECRET, settings.id])
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        # Plain values are still read as they are until then.
        self.assertEqual(read_settings(self.env).client_secret, CLIENT_SECRET)
        self.assertEqual(alice.sudo().token_cache, plain["token_cache"])

        self.run_migration()

        for column in ("token_cache", "delta_link", "sign_in_flow"):
            self.assertTrue(self.raw(alice, column).startswith(secret_box.PREFIX), column)
        self.assertEqual(alice.sudo().token_cache, plain["token_cache"])
        self.assertEqual(alice.sudo().delta_link, plain["delta_link"])
        self.assertEqual(alice.sudo().sign_in_flow, flow)
        self.assertTrue(self.raw_param("outlook_calendar_sync.client_secret").startswith(
            secret_box.PREFIX))
        self.assertEqual(read_settings(self.env).client_secret, CLIENT_SECRET)
        self.env.cr.execute("SELECT outlook_client_secret FROM res_config_settings "
                            "WHERE outlook_client_secret = %s", [CLIENT_SECRET])
        self.assertFalse(self.env.cr.fetchall())
        # And the synchronization goes on with them.
        self.emulator.create_event(self.alice.email, graph_event("After", self.in_days(1)))
        self.sync(alice)
        self.assertEqual(len(self.events([("name", "=", "After")])), 1)

    def test_the_upgrade_pauses_accounts_of_users_who_may_not_synchronize(self):
        alice = self.connect(self.alice)
        # An earlier version let a user keep syncing once archived: the state says connected.
        self.env.cr.execute("UPDATE res_users SET active = FALSE WHERE id = %s", [self.alice.id])
        self.env.invalidate_all()
        self.run_migration()
        self.assertEqual(alice.state, "paused")
        self.assertFalse(alice.sudo().token_cache)
