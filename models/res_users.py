from odoo import fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    outlook_account_ids = fields.One2many("outlook.account", "user_id", string="Outlook Account")
