"""Over JSON-RPC, as a portal user and as another internal user, with Alice's ids: every public
method of every model of the addon serves the caller or refuses; no setting secret, no token
and nothing of Alice's is read or changed."""

import json

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException

from .common import CLIENT_SECRET, OutlookCase, graph_event

ADDON = "odoo.addons.outlook_calendar_sync."
SECRET_PARAM = "outlook_calendar_sync.client_secret"

# The verdicts of the audit. A public method is callable by any logged-in user over RPC, so
# each one either acts only on what belongs to the caller (OWN), or refuses what the caller
# may not do (REFUSED), or is an Odoo method whose own access checks run first and which
# the addon only follows (ODOO). A new public method must be added here, with its verdict.
OWN, REFUSED, ODOO, ACTION = "own", "refused", "odoo", "action"
AUDIT = {
    # The Outlook button (models/outlook_button.py): the caller's own account, internal
    # users only (_own_account); never an id given by the browser.
    ("outlook.account", "button_status"): OWN,
    ("outlook.account", "button_connect"): OWN,
    ("outlook.account", "button_sync"): OWN,
    ("outlook.account", "button_pause"): OWN,
    ("outlook.account", "button_resume"): OWN,
    ("outlook.account", "button_confirm_deletions"): OWN,
    ("outlook.account", "button_restore_deletions"): OWN,
    ("outlook.account", "button_first_sync_preview"): OWN,
    ("outlook.account", "button_start_first_sync"): OWN,
    # The account's buttons: check_access("read") on the records (own account by the record
    # rule, or administrators), or administrators only.
    ("outlook.account", "action_pause"): REFUSED,
    ("outlook.account", "action_resume"): REFUSED,
    ("outlook.account", "action_sync_now"): REFUSED,
    ("outlook.account", "action_confirm_deletions"): REFUSED,
    ("outlook.account", "action_restore_deletions"): REFUSED,
    ("outlook.account", "action_reset_account"): REFUSED,
    ("outlook.outbox", "action_retry"): REFUSED,
    ("outlook.account.reset", "action_confirm"): REFUSED,
    # The user form (administrators): each goes through the account's own checks above;
    # opening the account is a window action whose reading follows the record rules.
    ("res.users", "action_outlook_sync_now"): REFUSED,
    ("res.users", "action_outlook_reset_account"): REFUSED,
    ("res.users", "action_outlook_confirm_deletions"): REFUSED,
    ("res.users", "action_outlook_restore_deletions"): REFUSED,
    ("res.users", "action_outlook_open_account"): ACTION,
    ("res.users", "action_outlook_history"): ACTION,
    # Settings: system administrators only (res_config_settings_secrets.py).
    ("res.config.settings", "set_values"): REFUSED,
    ("res.config.settings", "default_get"): OWN,  # never a secret (see the settings test)
    # Odoo's own methods, overridden: Odoo's checks run first (super), then the addon queues
    # the change for the organizer's Outlook, encrypts the secret, or pauses accounts.
    ("calendar.event", "create"): ODOO,
    ("calendar.event", "write"): ODOO,
    ("calendar.event", "unlink"): ODOO,
    ("calendar.attendee", "write"): ODOO,
    ("res.users", "write"): ODOO,
    ("ir.config_parameter", "create"): ODOO,
    ("ir.config_parameter", "write"): ODOO,
}


def callable_over_rpc(model, name):
    """Odoo's own rule for RPC: public, and not @api.private anywhere."""
    try:
        get_public_method(model, name)
    except AccessError:
        return False
    return True


def addon_public_methods(env):
    """(model, method) for every method defined by the addon's Python classes that RPC can
    call."""
    found = set()
    for model_name in env.registry:
        model = env[model_name]
        for cls in type(model).__mro__:
            if not cls.__module__.startswith(ADDON):
                continue
            for name, value in vars(cls).items():
                if not name.startswith("_") and callable(value) \
                        and not isinstance(value, fields.Field) \
                        and callable_over_rpc(model, name):
                    found.add((model_name, name))
    return found


@tagged("post_install", "-at_install")
class TestPublicMethodsOverRpc(OutlookCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.admin = cls.env.ref("base.user_admin")
        cls.carol = cls.env["res.users"].create({
            "name": "Carol", "login": "carol", "email": "carol@partner.example",
            "groups_id": [Command.set([cls.env.ref("base.group_portal").id])],
        })
        for user in (cls.bob, cls.carol):
            user.password = f"{user.login}-password-1"

    def setUp(self):
        super().setUp()
        self.emulator.add_mailbox(self.carol.email)
        alice = self.account = self.connect(self.alice)
        self.emulator.create_event(self.alice.email, graph_event("Alice's", self.in_days(1)))
        self.sync(alice)
        Event = self.env["calendar.event"].with_user(self.alice)
        self.private_event = Event.create({
            "name": "Alice's private", "privacy": "private", "start": self.in_days(2),
            "stop": self.in_days(2, 10), "partner_ids": [Command.set([self.alice.partner_id.id])],
        })
        self.sync(alice)
        self.env["outlook.outbox"].create({
            "account_id": alice.id, "event_id": self.private_event.id, "kind": "response",
            "state": "refused", "error": "Refused"})
        self.env["outlook.held.deletion"].create({
            "account_id": alice.id, "side": "odoo", "graph_id": "held-1",
            "local_id": self.private_event.id, "name": "Held"})
        self.wizard = self.env["outlook.account.reset"].with_user(self.admin).create(
            {"account_id": alice.id, "existing_events": "both"})
        self.settings = self.env["res.config.settings"].with_user(self.admin).create({})
        self.alice_ids = {
            "outlook.account": alice.ids,
            "outlook.outbox": self.env["outlook.outbox"].search(
                [("account_id", "=", alice.id)]).ids,
            "outlook.held.deletion": alice.held_deletion_ids.ids,
            "outlook.sync.run": self.env["outlook.sync.run"].search(
                [("account_id", "=", alice.id)]).ids,
            "outlook.event.link": self.env["outlook.event.link"].search(
                [("account_id", "=", alice.id)]).ids,
            "outlook.account.reset": self.wizard.ids,
            "calendar.event": self.private_event.ids,
            "calendar.attendee": self.private_event.attendee_ids.ids,
            "res.users": self.alice.ids,
            "res.config.settings": self.settings.ids,
            "ir.config_parameter": self.env["ir.config_parameter"].search(
                [("key", "=", SECRET_PARAM)]).ids,
        }

    # -- helpers -------------------------------------------------------------------------------

    def call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(f"/web/dataset/call_kw/{model}/{method}", {
            "model": model, "method": method, "args": list(args), "kwargs": kwargs})

    def alice_snapshot(self):
        """Everything of Alice's that a caller could try to read or change."""
        self.env.flush_all()
        self.env.invalidate_all()
        account = self.account.sudo()
        snapshot = {name: account[name] for name in (
            "state", "mailbox", "token_cache", "sign_in_flow", "delta_link", "last_error",
            "confirm_deletions", "first_sync_at", "reset_next_sync", "last_sync")}
        for model in ("outlook.outbox", "outlook.held.deletion", "outlook.event.link",
                      "outlook.sync.run"):
            records = self.env[model].sudo().search([("account_id", "=", account.id)])
            snapshot[model] = json.dumps(records.read([
                name for name, field in records._fields.items()
                if field.store and name not in ("write_date", "__last_update")]), default=str)
        events = self.env["calendar.event"].sudo().with_context(active_test=False).search(
            [("partner_ids", "in", self.alice.partner_id.id)])
        snapshot["events"] = sorted((e.id, e.name, e.active, e.privacy) for e in events)
        snapshot["user"] = (self.alice.active, self.alice.groups_id.ids)
        snapshot["params"] = dict(self.env["ir.config_parameter"].sudo().search(
            [("key", "like", "outlook_calendar_sync.")]).mapped(lambda p: (p.key, p.value)))
        return snapshot

    def arguments(self, model, method):
        """What a caller sends to reach Alice's records with `method`."""
        func = getattr(type(self.env[model]), method)
        api = getattr(func, "_api", None)
        ids = self.alice_ids.get(model, [])
        if method == "create":
            vals = {
                "calendar.event": {"name": "Planted", "user_id": self.alice.id,
                                   "privacy": "private", "start": str(self.in_days(4)),
                                   "stop": str(self.in_days(4, 10)),
                                   "partner_ids": [[6, 0, [self.alice.partner_id.id]]]},
                "ir.config_parameter": {"key": "outlook_calendar_sync.graph_url",
                                        "value": "https://evil.example/v1.0"},
            }[model]
            return [vals], {}
        if method == "write":
            vals = {
                "calendar.event": {"name": "Renamed"},
                "calendar.attendee": {"state": "declined"},
                "res.users": {"active": False},
                "ir.config_parameter": {"value": "stolen"},
            }[model]
            return [ids, vals], {}
        if method == "default_get":
            return [["outlook_client_secret"]], {}
        if api in ("model", "model_create"):
            return [], {}
        if model == "res.config.settings" and method == "set_values":
            return [[]], {}  # no record at all: every setting would read as empty
        return [ids], {}

    def odoo_allows(self, caller, model, method):
        """Whether Odoo itself (without the addon) lets `caller` do this to Alice's records."""
        operation = {"create": "create", "write": "write", "unlink": "unlink"}[method]
        records = self.env[model].browse(self.alice_ids.get(model, [])).with_user(caller)
        if operation == "create":
            return records.browse().has_access("create") and model != "calendar.event"
        return records.has_access(operation)

    # -- the audit -----------------------------------------------------------------------------

    def test_every_public_method_has_a_verdict(self):
        missing = addon_public_methods(self.env) - set(AUDIT)
        self.assertFalse(missing, "public methods without a verdict: audit them, then add "
                                  "them to AUDIT (or make them private)")

    def test_public_methods_neither_read_nor_change_another_users_data(self):
        methods = sorted(addon_public_methods(self.env) & set(AUDIT))
        before = self.alice_snapshot()
        self.emulator.reset_counters()
        for caller in (self.carol, self.bob):
            self.authenticate(caller.login, f"{caller.login}-password-1")
            for model, method in methods:
                verdict = AUDIT[model, method]
                if verdict == ODOO and self.odoo_allows(caller, model, method):
                    continue  # Odoo lets this user do it anyway: nothing the addon adds
                args, kwargs = self.arguments(model, method)
                with self.subTest(caller=caller.login, method=f"{model}.{method}"):
                    self.check_call(caller, verdict, model, method, args, kwargs)
        self.assertEqual(self.alice_snapshot(), before)
        graph = [route for route in self.emulator.counters()["requests"] if "/v1.0/" in route]
        self.assertEqual(graph, [], "nobody reached Alice's mailbox")

    def check_call(self, caller, verdict, model, method, args, kwargs):
        portal = not caller._is_internal()
        if verdict in (REFUSED, ODOO) or (
                verdict == OWN and portal and model != "res.config.settings"):
            with self.assertRaises(JsonRpcException) as caught:
                self.call(model, method, *args, **kwargs)
            self.assertIn(str(caught.exception), ("odoo.exceptions.AccessError",
                                                  "odoo.exceptions.UserError"))
            return
        if verdict == ACTION:
            try:
                result = self.call(model, method, *args, **kwargs)
            except JsonRpcException as error:
                self.assertIn(str(error), ("odoo.exceptions.AccessError",
                                           "odoo.exceptions.UserError"))
                return
        else:
            result = self.call(model, method, *args, **kwargs)
        if verdict == ACTION:
            # The action names no more than an id: reading through it is refused.
            res_model = result.get("res_model")
            if result.get("res_id"):
                with self.assertRaises(JsonRpcException):
                    self.call(res_model, "read", [result["res_id"]], ["state", "mailbox"])
            elif result.get("domain"):
                try:
                    found = self.call(res_model, "search_read", result["domain"], ["id"])
                except JsonRpcException:
                    found = []
                self.assertFalse(found)
            return
        if model == "outlook.account":  # the caller's own account, never Alice's
            self.assertNotIn(self.alice.email, json.dumps(result, default=str))
            self.assertNotEqual(result.get("account_id"), self.account.id)
        if method == "default_get":
            self.assertNotIn("outlook_client_secret", result)

    def test_the_outbox_queue_is_private(self):
        for caller in (self.carol, self.bob):
            self.authenticate(caller.login, f"{caller.login}-password-1")
            with self.subTest(caller=caller.login), self.assertRaises(JsonRpcException) as caught:
                self.call("outlook.outbox", "_enqueue", [[self.account.id, 1]])
            self.assertEqual(str(caught.exception), "odoo.exceptions.AccessError")
        self.assertFalse(hasattr(type(self.env["outlook.outbox"]), "enqueue"))
        self.assertFalse(callable_over_rpc(self.env["outlook.outbox"], "_enqueue"))
        self.assertFalse(self.env["outlook.outbox"].search(
            [("account_id", "=", self.account.id), ("event_id", "=", 1)]))

    def test_the_addons_own_records_are_refused_or_hidden(self):
        before = self.alice_snapshot()
        for caller in (self.carol, self.bob):
            self.authenticate(caller.login, f"{caller.login}-password-1")
            for model in ("outlook.account", "outlook.outbox", "outlook.held.deletion",
                          "outlook.sync.run", "outlook.event.link", "outlook.account.reset"):
                ids = self.alice_ids[model]
                with self.subTest(caller=caller.login, model=model):
                    for method, args in (("read", [ids, ["id"]]), ("write", [ids, {}]),
                                         ("unlink", [ids]), ("copy", [ids]),
                                         ("create", [{"account_id": self.account.id}])):
                        with self.assertRaises(JsonRpcException, msg=method):
                            self.call(model, method, *args)
                    try:
                        found = self.call(model, "search", [])
                    except JsonRpcException:
                        found = []
                    self.assertFalse(set(found) & set(ids))
        self.assertEqual(self.alice_snapshot(), before)

    # -- the settings' secrets ---------------------------------------------------------------

    def test_no_settings_read_gives_the_client_secret_to_anyone_but_system_administrators(self):
        spec = {"outlook_client_secret": {}, "outlook_client_id": {}}
        for caller in (self.carol, self.bob):
            self.authenticate(caller.login, f"{caller.login}-password-1")
            with self.subTest(caller=caller.login):
                self.assertEqual(self.call("res.config.settings", "default_get",
                                           ["outlook_client_secret"]), {})
                everything = self.call("res.config.settings", "default_get",
                                       ["outlook_client_secret", "outlook_client_id"])
                self.assertNotIn("outlook_client_secret", everything)
                for method, args in (("onchange", [[], {}, [], spec]), ("fields_get", []),
                                     ("get_values", [[]])):
                    try:
                        answer = self.call("res.config.settings", method, *args)
                    except JsonRpcException as error:
                        self.assertEqual(str(error), "odoo.exceptions.AccessError", method)
                    else:
                        self.assertNotIn(CLIENT_SECRET, json.dumps(answer, default=str), method)
                        self.assertNotIn("outlook_client_secret", json.dumps(answer), method)
                for method, args in (("read", [self.settings.ids, ["outlook_client_secret"]]),
                                     ("web_read", [self.settings.ids, spec]),
                                     ("search_read", [[], ["outlook_client_secret"]]),
                                     ("set_values", [[]]), ("execute", [self.settings.ids])):
                    with self.assertRaises(JsonRpcException, msg=method):
                        self.call("res.config.settings", method, *args)
                with self.assertRaises(JsonRpcException):
                    self.call("ir.config_parameter", "get_param", SECRET_PARAM)
        # System administrators still see and change it.
        self.admin.password = "admin-password-1"
        self.authenticate("admin", "admin-password-1")
        values = self.call("res.config.settings", "default_get", ["outlook_client_secret"])
        self.assertEqual(values, {"outlook_client_secret": CLIENT_SECRET})
