import re
from dataclasses import replace
from urllib.parse import urlsplit

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from ..engine.errors import ConfigurationError
from .outlook_settings import PARAM, REDIRECT_PATH, read_settings

GUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", re.I)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    outlook_enabled = fields.Boolean(
        "Outlook Calendar", config_parameter=PARAM % "enabled",
        help="Synchronize your users' calendars with Outlook.")
    outlook_client_id = fields.Char("Client ID", config_parameter=PARAM % "client_id")
    outlook_client_secret = fields.Char("Client Secret", config_parameter=PARAM % "client_secret")
    outlook_tenant = fields.Char(
        "Tenant", config_parameter=PARAM % "tenant", default="common",
        help="'common' lets work, school and personal accounts sign in; use your tenant ID or "
             "domain to accept only your organization's accounts.")
    outlook_redirect_uri = fields.Char("Redirect URI", compute="_compute_outlook_redirect_uri")
    outlook_sync_direction = fields.Selection(
        [("both", "Both ways"),
         ("odoo_to_outlook", "Odoo to Outlook"),
         ("outlook_to_odoo", "Outlook to Odoo")],
        "Sync Direction", config_parameter=PARAM % "sync_direction", default="both")
    outlook_conflict_policy = fields.Selection(
        [("recent", "Most recent edit wins"),
         ("odoo", "Odoo wins"),
         ("outlook", "Outlook wins")],
        "Conflict Resolution", config_parameter=PARAM % "conflict_policy", default="recent",
        help="What to keep when the same event changed in Odoo and in Outlook since the last "
             "synchronization.")
    outlook_sync_interval = fields.Integer(
        "Sync Interval (minutes)", config_parameter=PARAM % "sync_interval", default=15)
    outlook_days_back = fields.Integer(
        "Days Back", config_parameter=PARAM % "days_back", default=30)
    outlook_days_ahead = fields.Integer(
        "Days Ahead", config_parameter=PARAM % "days_ahead", default=365)
    outlook_paused = fields.Boolean(
        "Pause All Synchronization", config_parameter=PARAM % "paused")

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
        if not client_id:
            problems.append(_("Client ID is empty: paste the Application (client) ID shown on "
                              "the Overview page of your app in Microsoft Entra ID."))
        elif not GUID.match(client_id):
            problems.append(_("Client ID does not look like an Application (client) ID, which "
                              "reads like 00000000-0000-0000-0000-000000000000."))
        if not (self.outlook_client_secret or "").strip():
            problems.append(_("Client Secret is empty: create one under Certificates & secrets "
                              "in Microsoft Entra ID and paste its Value (not its ID)."))
        elif GUID.match(self.outlook_client_secret.strip()):
            problems.append(_("Client Secret looks like the secret's ID: paste its Value "
                              "instead."))
        if (self.outlook_sync_interval or 0) < 1:
            problems.append(_("Sync Interval must be at least 1 minute."))
        if (self.outlook_days_back or 0) < 0 or (self.outlook_days_ahead or 0) < 1:
            problems.append(_("Days Back cannot be negative and Days Ahead must be at least 1."))
        try:
            tenant = (self.outlook_tenant or "common").strip()
            replace(read_settings(self.env), tenant=tenant).endpoints()
        except ConfigurationError as error:
            problems.append(error.user_message)
        base_url = urlsplit(self.outlook_redirect_uri or "")
        if base_url.scheme != "https" and base_url.hostname not in ("localhost", "127.0.0.1"):
            problems.append(_("Microsoft accepts only https redirect URIs (except for localhost): "
                              "set the web.base.url system parameter to this Odoo's https "
                              "address."))
        if problems:
            raise UserError(_("Outlook Calendar settings were not saved:\n- %s",
                              "\n- ".join(problems)))
