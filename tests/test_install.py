from odoo.exceptions import UserError
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    def test_settings_show_outlook_fields_instead_of_stock_module(self):
        arch = self.env["res.config.settings"].get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn('name="outlook_client_id"', arch)
        self.assertIn('name="outlook_client_secret"', arch)
        self.assertNotIn('name="module_microsoft_calendar"', arch,
                         "the stock checkbox would install Odoo's own Outlook module")

    def test_redirect_uri_follows_web_base_url(self):
        self.env["ir.config_parameter"].set_param("web.base.url", "https://odoo.example.com/")
        settings = self.env["res.config.settings"].create({})
        self.assertEqual(settings.outlook_redirect_uri,
                         "https://odoo.example.com/microsoft_account/authentication")

    def test_account_views_load(self):
        for view_type in ("list", "form"):
            views = self.env["outlook.account"].get_views([(False, view_type)])
            self.assertIn("state", views["views"][view_type]["arch"])
        full_form = self.env.ref("base.view_users_form").id
        user_form = self.env["res.users"].get_views([(full_form, "form")])["views"]["form"]["arch"]
        self.assertIn("outlook_account_ids", user_form)

    def test_one_account_per_user(self):
        account = self.env["outlook.account"]._for_user(self.env.user)
        self.assertEqual(self.env["outlook.account"]._for_user(self.env.user), account)
        self.assertEqual(account.state, "disconnected")

    def test_odoo_outlook_module_cannot_be_installed_beside(self):
        stock = self.env["ir.module.module"].search([("name", "=", "microsoft_calendar")])
        self.assertTrue(stock, "Odoo's own Outlook module should be known to the database")
        with self.assertRaisesRegex(UserError, "incompatible"):
            stock.button_install()
