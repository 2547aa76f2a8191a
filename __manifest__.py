{
    "name": "Outlook Calendar Sync",
    "version": "18.0.1.1.0",
    "summary": "Two-way sync between Odoo Calendar and Microsoft Outlook Calendar",
    "description": """
Keeps each user's Odoo Calendar and Outlook Calendar in two-way sync through Microsoft Graph:
no duplicated events, no invitation storm on the first sync, and every failure visible.
""",
    "category": "Productivity/Calendar",
    "author": "Outlook Calendar Sync",
    "license": "LGPL-3",
    "depends": ["calendar"],
    "excludes": ["microsoft_calendar", "microsoft_account"],
    "external_dependencies": {"python": ["msal", "requests", "python-dateutil", "pytz"]},
    "data": [
        "security/outlook_security.xml",
        "security/ir.model.access.csv",
        "data/outlook_cron.xml",
        "views/outlook_account_views.xml",
        "views/calendar_event_views.xml",
        "views/outlook_templates.xml",
        "views/res_config_settings_views.xml",
        "views/res_users_views.xml",
        "views/outlook_sync_run_views.xml",
        "wizard/reset_account_views.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "outlook_calendar_sync/static/src/**/*.js",
            "outlook_calendar_sync/static/src/**/*.scss",
            "outlook_calendar_sync/static/src/**/*.xml",
        ],
        "web.assets_tests": [
            "outlook_calendar_sync/static/tests/tours/**/*",
        ],
    },
    "installable": True,
    "application": False,
}
