from . import (
    calendar_attendee,
    calendar_event,
    outlook_account,
    outlook_event_link,
    outlook_outbox,
    outlook_sync_run,
    res_config_settings,
    res_users,
)
