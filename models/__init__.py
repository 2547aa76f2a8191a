from . import outlook_account
from . import res_config_settings
from . import res_users
