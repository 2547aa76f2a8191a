"""The settings' secrets: only system administrators read or change them, and they are
stored encrypted (models/secret_box.py).

- res.config.settings: the secret fields (declared in res_config_settings.py) are restricted
  to system administrators and stored encrypted in the settings screen's own rows;
  ``default_get`` gives them to no one else, whatever is asked; ``set_values`` is for system
  administrators only (Odoo's ``execute`` checks it, ``set_values`` alone did not).
- ir.config_parameter: the parameters behind them are stored encrypted, however they are
  written (the settings, a script, the System Parameters menu).
"""

from odoo import api, models
from odoo.exceptions import AccessError

from .outlook_settings import PARAM
from .secret_box import SealedChar, is_sealed, seal_or_raise, unseal_or_false

SECRET_FIELDS = ("outlook_client_secret",)
SECRET_PARAMS = frozenset({PARAM % "client_secret"})


class ResConfigSettingsSecrets(models.TransientModel):
    _inherit = "res.config.settings"

    outlook_client_secret = SealedChar(groups="base.group_system")

    @api.model
    def default_get(self, fields_list):
        hidden = {name for name in fields_list or () if name in SECRET_FIELDS
                  and not self._fields[name].is_accessible(self.env)}
        values = super().default_get([name for name in fields_list or () if name not in hidden])
        for name in SECRET_FIELDS:
            if values.get(name):  # as the parameter stores it: encrypted
                values[name] = unseal_or_false(self.env, values[name])
        return values

    def set_values(self):
        if not (self.env.su or self.env.user._is_system()):
            raise AccessError(self.env._("Only administrators can change the settings."))
        return super().set_values()


class IrConfigParameterSecrets(models.Model):
    _inherit = "ir.config_parameter"

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("key") in SECRET_PARAMS and vals.get("value"):
                vals["value"] = seal_or_raise(self.env, str(vals["value"]))
        return super().create(vals_list)

    def write(self, vals):
        value = vals.get("value")
        secret = self.filtered(lambda param: vals.get("key", param.key) in SECRET_PARAMS)
        if not value or not secret or is_sealed(value):
            return super().write(vals)
        others = self - secret
        if others:
            super(IrConfigParameterSecrets, others).write(vals)
        # The same secret again (Odoo compares it with the encrypted value): left as it is.
        same = secret.filtered(lambda param: unseal_or_false(self.env, param.value) == value)
        rest = {name: val for name, val in vals.items() if name != "value"}
        if same and rest:
            super(IrConfigParameterSecrets, same).write(rest)
        if secret - same:
            super(IrConfigParameterSecrets, secret - same).write(
                dict(vals, value=seal_or_raise(self.env, str(value))))
        return True
