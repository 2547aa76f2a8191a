import logging
import re
from dataclasses import replace
from urllib.parse import urlsplit

import requests

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine.errors import ConfigurationError
from .outlook_settings import PARAM, REDIRECT_PATH, read_settings

_logger = logging.getLogger(__name__)

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)
TENANT_WORDS = frozenset({"common", "organizations", "consumers"})
CHECK_TIMEOUT = (5, 15)  # seconds: connecting, then waiting for Microsoft's answer

# Microsoft's identity platform error codes (AADSTS) the secret check can act on.
SECRET_WRONG = {7000215, 7000218}  # not a secret of this app (often the secret's ID)
SECRET_EXPIRED = {7000222}
CLIENT_UNKNOWN = {700016}  # no such application in the tenant
TENANT_UNKNOWN = {90002}


def secret_check_answer(status, body, tenant):
    """What Microsoft's answer to a client-credentials token request says about the
    settings: None when it accepted them or says nothing sure, else a keyword:
    "secret_wrong", "secret_expired", "client_unknown", "tenant_unknown".

    With "common", "organizations" or "consumers" Microsoft cannot issue an application
    token at all, so only an answer about the secret itself is taken as sure.
    """
    if status == 200 or not isinstance(body, dict):
        return None
    codes = set(body.get("error_codes") or ())
    match = re.search(r"AADSTS(\d+)", str(body.get("error_description") or ""))
    if match:
        codes.add(int(match[1]))
    if codes & SECRET_EXPIRED:
        return "secret_expired"
    if codes & SECRET_WRONG:
        return "secret_wrong"
    if tenant.lower() in TENANT_WORDS:
        return None
    if codes & CLIENT_UNKNOWN:
        return "client_unknown"
    if codes & TENANT_UNKNOWN:
        return "tenant_unknown"
    return None


def ask_microsoft(endpoints, client_id, client_secret):
    """Ask Microsoft for an application token with these credentials: (status, body), or
    None when Microsoft could not be reached."""
    graph_root = endpoints.graph_base.rsplit("/", 1)[0]
    try:
        answer = requests.post(
            f"{endpoints.authority}/oauth2/v2.0/token",
            data={"grant_type": "client_credentials", "client_id": client_id,
                  "client_secret": client_secret, "scope": f"{graph_root}/.default"},
            timeout=CHECK_TIMEOUT, verify=endpoints.verify)
    except requests.RequestException as error:
        _logger.info("Outlook settings: the client secret could not be checked (%s)",
                     type(error).__name__)
        return None
    try:
        body = answer.json()
    except ValueError:
        body = None
    return answer.status_code, body


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    outlook_enabled = fields.Boolean(
        "Outlook Calendar", config_parameter=PARAM % "enabled",
        help="Synchronize each user's calendar with Outlook, both ways. Register an app in "
             "Microsoft Entra ID first: the documentation link shows how.")
    outlook_client_id = fields.Char(
        "Client ID", config_parameter=PARAM % "client_id",
        help="The Application (client) ID shown on the Overview page of your app in "
             "Microsoft Entra ID.")
    outlook_client_secret = fields.Char(
        "Client Secret", config_parameter=PARAM % "client_secret",
        help="The Value of a client secret of your app (under Certificates and secrets in "
             "Microsoft Entra ID), not its ID. It is checked with Microsoft when the settings "
             "are saved.")
    outlook_tenant = fields.Char(
        "Tenant", config_parameter=PARAM % "tenant", default="common",
        help="'common' lets work, school and personal accounts sign in; use your tenant ID or "
             "domain to accept only your organization's accounts.")
    outlook_redirect_uri = fields.Char(
        "Redirect URI", compute="_compute_outlook_redirect_uri",
        help="Add this address as a redirect URI of platform \"Web\" in your app in Microsoft "
             "Entra ID. It starts with the web.base.url system parameter, which must be this "
             "Odoo's public address.")
    outlook_sync_direction = fields.Selection(
        [("both", "Both ways"),
         ("odoo_to_outlook", "Odoo to Outlook"),
         ("outlook_to_odoo", "Outlook to Odoo")],
        "Sync Direction", config_parameter=PARAM % "sync_direction", default="both",
        help="Which way events move: both ways, or only from one side to the other.")
    outlook_conflict_policy = fields.Selection(
        [("recent", "Most recent edit wins"),
         ("odoo", "Odoo wins"),
         ("outlook", "Outlook wins")],
        "Conflict Resolution", config_parameter=PARAM % "conflict_policy", default="recent",
        help="What to keep when the same event changed in Odoo and in Outlook since the last "
             "synchronization.")
    outlook_sync_interval = fields.Integer(
        "Sync Interval (minutes)", config_parameter=PARAM % "sync_interval", default=15,
        help="How often, in minutes, every connected calendar is synchronized by itself.")
    outlook_days_back = fields.Integer(
        "Days Back", config_parameter=PARAM % "days_back", default=30,
        help="Events that ended more than this many days ago are not synchronized.")
    outlook_days_ahead = fields.Integer(
        "Days Ahead", config_parameter=PARAM % "days_ahead", default=365,
        help="Events that start more than this many days from now are not synchronized.")
    outlook_paused = fields.Boolean(
        "Pause All Synchronization", config_parameter=PARAM % "paused",
        help="Stops every synchronization, for every user, until it is unticked. Nothing is "
             "lost: changes made meanwhile are synchronized then.")

    @api.depends("outlook_enabled")
    def _compute_outlook_redirect_uri(self):
        base_url = self.env["ir.config_parameter"].sudo().get_param("web.base.url", "")
        for settings in self:
            settings.outlook_redirect_uri = base_url.rstrip("/") + REDIRECT_PATH

    def set_values(self):
        if self.outlook_enabled:
            self._check_outlook_settings()
        super().set_values()
        cron = self.env.ref("outlook_calendar_sync.ir_cron_outlook_sync", raise_if_not_found=False)
        if cron:
            cron.sudo().write({
                "interval_number": max(1, self.outlook_sync_interval or 15),
                "interval_type": "minutes",
                "active": bool(self.outlook_enabled),
            })

    def _check_outlook_settings(self):
        """Say what is wrong before saving, in words an administrator can act on."""
        problems = []
        client_id = (self.outlook_client_id or "").strip()
        secret = (self.outlook_client_secret or "").strip()
        if not client_id:
            problems.append(_("Client ID is empty: paste the Application (client) ID shown on "
                              "the Overview page of your app in Microsoft Entra ID."))
        elif not GUID.match(client_id):
            problems.append(_("Client ID does not look like an Application (client) ID, which "
                              "reads like 00000000-0000-0000-0000-000000000000."))
        if not secret:
            problems.append(_("Client Secret is empty: create one under Certificates & secrets "
                              "in Microsoft Entra ID and paste its Value (not its ID)."))
        elif GUID.match(secret):
            problems.append(_("Client Secret looks like the secret's ID: paste its Value "
                              "instead."))
        if (self.outlook_sync_interval or 0) < 1:
            problems.append(_("Sync Interval must be at least 1 minute."))
        if (self.outlook_days_back or 0) < 0 or (self.outlook_days_ahead or 0) < 1:
            problems.append(_("Days Back cannot be negative and Days Ahead must be at least 1."))
        endpoints = None
        tenant = (self.outlook_tenant or "common").strip()
        try:
            endpoints = replace(read_settings(self.env), tenant=tenant).endpoints()
        except ConfigurationError as error:
            problems.append(error.message(self.env._))
        base_url = urlsplit(self.outlook_redirect_uri or "")
        if base_url.scheme != "https" and base_url.hostname not in ("localhost", "127.0.0.1"):
            problems.append(_("Microsoft accepts only https redirect URIs (except for localhost): "
                              "set the web.base.url system parameter to this Odoo's https "
                              "address."))
        if not problems and endpoints and self._outlook_credentials_changed(client_id, secret,
                                                                            tenant):
            problem = self._check_outlook_secret(endpoints, client_id, secret, tenant)
            if problem:
                problems.append(problem)
        if problems:
            raise UserError(_("Outlook Calendar settings were not saved:\n- %s",
                              "\n- ".join(problems)))

    def _outlook_credentials_changed(self, client_id, secret, tenant):
        """Only new credentials are checked with Microsoft: saving other settings does not
        wait for Microsoft."""
        saved = read_settings(self.env)
        return (saved.client_id, saved.client_secret, saved.tenant) != (client_id, secret,
                                                                         tenant)

    def _check_outlook_secret(self, endpoints, client_id, secret, tenant):
        """Ask Microsoft whether it accepts these credentials (a real token request): a
        sentence saying what is wrong, or None (accepted, or nothing sure to say)."""
        answer = ask_microsoft(endpoints, client_id, secret)
        verdict = answer and secret_check_answer(*answer, tenant)
        if verdict == "secret_expired":
            return _("Microsoft says this Client Secret has expired: create a new one under "
                     "Certificates & secrets in Microsoft Entra ID and paste its Value.")
        if verdict == "secret_wrong":
            return _("Microsoft refused the Client Secret: it is not a secret of the app "
                     "%(client_id)s. Paste the secret's Value (not its ID), copied from "
                     "Certificates & secrets of that same app.", client_id=client_id)
        if verdict == "client_unknown":
            return _("Microsoft does not know the Client ID %(client_id)s in the tenant "
                     "\"%(tenant)s\": check the Application (client) ID and the Tenant.",
                     client_id=client_id, tenant=tenant)
        if verdict == "tenant_unknown":
            return _("Microsoft does not know the tenant \"%(tenant)s\": use your directory "
                     "(tenant) ID or domain, or \"common\".", tenant=tenant)
        return None
