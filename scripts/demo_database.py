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

# Two colleagues, each connected to their own Outlook mailbox and synchronized: the meetings
# they organize arrive with their true organizer, and the admin's copies join them.
colleagues = []
for item in get("OCS_DEMO_COLLEAGUES", "").split(","):
    email, name = item.split(":")
    login = email.split("@")[0]
    colleagues.append(env["res.users"].create({  # noqa: F821
        "name": name, "login": login, "password": login, "email": email, "tz": "UTC",
        "groups_id": [(6, 0, [env.ref("base.group_user").id])]}))  # noqa: F821

# A few meetings already in Odoo, whatever the weekday: two upcoming ones with guests (the
# first synchronization offers to send them, and says whom Outlook would invite), and one
# last month (never sent: it is over).
Partner = env["res.partner"]  # noqa: F821
guests = colleagues[0].partner_id | Partner.create([
    {"name": "Jordan Lee", "email": "jordan@contoso.example"},
    {"name": "Priya Shah", "email": "priya@fabrikam.example"},
])
today = datetime.now().replace(hour=0, minute=0, second=0, microsecond=0)
Event = env["calendar.event"].with_user(admin)  # noqa: F821
Event.with_context(no_mail_to_attendees=True).create([
    {"name": "1:1 with Maria", "start": today + timedelta(days=1, hours=11),
     "stop": today + timedelta(days=1, hours=11, minutes=30),
     "partner_ids": [(6, 0, [admin.partner_id.id, guests[0].id])]},
    {"name": "Interview: Jordan Lee", "start": today + timedelta(days=2, hours=15),
     "stop": today + timedelta(days=2, hours=16), "location": "Room 2",
     "partner_ids": [(6, 0, [admin.partner_id.id, guests[1].id, guests[2].id])]},
    {"name": "Quarter planning (last month)", "start": today - timedelta(days=30, hours=-9),
     "stop": today - timedelta(days=30, hours=-11),
     "partner_ids": [(6, 0, [admin.partner_id.id, guests[0].id])]},
])
env.cr.commit()  # noqa: F821

import sys  # noqa: E402
from urllib.parse import parse_qsl, urlsplit  # noqa: E402

import requests  # noqa: E402

sys.path.insert(0, get("OCS_DEMO_TESTS"))
from graph_emulator import EmulatorClient  # noqa: E402

emulator = EmulatorClient(get("OCS_DEMO_EMULATOR"))
for user in colleagues:
    account = env["outlook.account"]._for_user(user)  # noqa: F821
    emulator.set_consent(email=user.email, accept=True)
    answer = requests.get(account.with_user(user)._start_sign_in("/odoo/calendar"),
                          allow_redirects=False, timeout=30)
    account.with_user(user)._finish_sign_in(
        dict(parse_qsl(urlsplit(answer.headers["Location"]).query)))
    env.cr.commit()  # noqa: F821
    account._sync(trigger="manual")
emulator.set_consent(email=None)  # the admin signs in on the consent page
env.cr.commit()  # noqa: F821
