# Run inside `odoo shell` by scripts/demo.py: configures the demo database for the emulator.
# `env` is given by the shell; settings come from the environment (never from a file).
import os
from datetime import datetime, timedelta

get = os.environ.get
params = env["ir.config_parameter"].sudo()  # noqa: F821 - provided by odoo shell
params.set_param("web.base.url", get("OCS_DEMO_BASE_URL"))
params.set_param("web.base.url.freeze", "True")
for key, value in {
    "enabled": "True",
    "client_id": get("OCS_DEMO_CLIENT_ID"),
    "client_secret": get("OCS_DEMO_CLIENT_SECRET"),
    "authority_url": get("OCS_DEMO_AUTHORITY"),
    "graph_url": get("OCS_DEMO_GRAPH"),
    "allow_custom_hosts": "True",
    "ca_bundle": get("OCS_DEMO_CA"),
}.items():
    params.set_param(f"outlook_calendar_sync.{key}", value)

admin = env.ref("base.user_admin")  # noqa: F821
admin.write({"email": get("OCS_DEMO_MAILBOX"), "tz": "UTC"})

# A few meetings already in Odoo, one of them last month.
Partner = env["res.partner"]  # noqa: F821
guests = Partner.create([
    {"name": "Maria Lopez", "email": "maria@demo.example"},
    {"name": "Jordan Lee", "email": "jordan@contoso.example"},
])
today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
monday = today - timedelta(days=today.weekday())
Event = env["calendar.event"].with_user(admin)  # noqa: F821
Event.with_context(no_mail_to_attendees=True).create([
    {"name": "1:1 with Maria", "start": monday + timedelta(days=1, hours=11),
     "stop": monday + timedelta(days=1, hours=11, minutes=30),
     "partner_ids": [(6, 0, [admin.partner_id.id, guests[0].id])]},
    {"name": "Interview: Jordan Lee", "start": monday + timedelta(days=2, hours=15),
     "stop": monday + timedelta(days=2, hours=16), "location": "Room 2",
     "partner_ids": [(6, 0, [admin.partner_id.id, guests[1].id])]},
    {"name": "Quarter planning (last month)", "start": monday - timedelta(days=30, hours=-9),
     "stop": monday - timedelta(days=30, hours=-11),
     "partner_ids": [(6, 0, [admin.partner_id.id, guests[0].id])]},
])
env.cr.commit()  # noqa: F821
