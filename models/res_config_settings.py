from odoo import api, fields, models

PARAM = "outlook_calendar_sync.%s"
REDIRECT_PATH = "/microsoft_account/authentication"


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
