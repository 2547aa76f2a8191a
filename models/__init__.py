from . import (
    calendar_event,
    outlook_account,
    outlook_event_link,
    outlook_outbox,
    res_config_settings,
    res_users,
)
