from . import (
    calendar_attendee,
    calendar_event,
    outlook_account,
    outlook_account_sign_in,
    outlook_account_sync,
    outlook_button,
    outlook_event_link,
    outlook_held_deletion,
    outlook_outbox,
    outlook_sync_run,
    res_config_settings,
    res_users,
)
