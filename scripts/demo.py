"""`python3 scripts/dev.py run`: the product, ready to click, against the Graph emulator.

Starts PostgreSQL, the Microsoft Graph emulator (as "Outlook") and Odoo with the addon
installed and configured, with a realistic week of meetings on both sides.
"""

import os
import secrets
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

import local_postgres
import requests
from odoo_runtime import ADDON, ROOT, STATE, find_odoo, odoo_command, write_config

DB_NAME = os.environ.get("OCS_DEMO_DB", "outlook_demo")
ODOO_PORT = int(os.environ.get("OCS_DEMO_ODOO_PORT", "8069"))
EMULATOR_PORT = int(os.environ.get("OCS_DEMO_EMULATOR_PORT", "8765"))
CLIENT_ID = "5f6e7d8c-9b0a-4c1d-8e2f-3a4b5c6d7e8f"
ADMIN_MAILBOX = "admin@demo.example"
COLLEAGUES = (("maria@demo.example", "Maria Lopez"), ("tom@demo.example", "Tom Becker"))


def start_emulator(secret, redirect_uri):
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"), GRAPH_EMULATOR_CLIENT_SECRET=secret)
    process = subprocess.Popen(
        [sys.executable, "-m", "graph_emulator", "--port", str(EMULATOR_PORT),
         "--client-id", CLIENT_ID, "--redirect-uri", redirect_uri],
        env=env, cwd=ROOT)
    base_url = f"http://127.0.0.1:{EMULATOR_PORT}"
    for _ in range(100):
        try:
            requests.get(f"{base_url}/_emulator/", timeout=1)
            return process, base_url
        except requests.ConnectionError:
            time.sleep(0.1)
    process.terminate()
    sys.exit(f"The Graph emulator did not start on port {EMULATOR_PORT}.")


def _graph_time(moment):
    return {"dateTime": moment.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"}


def outlook_week(owner, colleagues):
    """(mailbox, Graph event) pairs: a plausible working week in Outlook."""
    monday = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    monday -= timedelta(days=monday.weekday())
    meetings = [
        (owner, "Weekly team meeting", 0, 9, 1, colleagues, "weekly"),
        (owner, "Customer call: Fabrikam", 1, 14, 1, ["buyer@fabrikam.example"], None),
        (colleagues[0], "Budget review", 2, 10, 2, [owner], None),
        (owner, "Focus time", 3, 8, 3, [], None),
        (colleagues[1], "Product demo", 4, 15, 1, [owner, colleagues[0]], None),
    ]
    for mailbox, subject, day, hour, hours, attendees, repeat in meetings:
        start = monday + timedelta(days=day, hours=hour)
        event = {
            "subject": subject,
            "body": {"contentType": "html", "content": f"<p>{subject}</p>"},
            "start": _graph_time(start),
            "end": _graph_time(start + timedelta(hours=hours)),
            "location": {"displayName": "Teams" if attendees else ""},
            "attendees": [{"emailAddress": {"address": a}, "type": "required"}
                          for a in attendees],
        }
        if repeat:
            event["recurrence"] = {
                "pattern": {"type": "weekly", "interval": 1,
                            "daysOfWeek": [start.strftime("%A").lower()]},
                "range": {"type": "numbered", "startDate": start.strftime("%Y-%m-%d"),
                          "numberOfOccurrences": 8},
            }
        yield mailbox, event
    yield owner, {
        "subject": "Company offsite", "isAllDay": True,
        "start": {"dateTime": (monday + timedelta(days=4)).strftime("%Y-%m-%dT00:00:00"),
                  "timeZone": "UTC"},
        "end": {"dateTime": (monday + timedelta(days=5)).strftime("%Y-%m-%dT00:00:00"),
                "timeZone": "UTC"},
    }


def seed_outlook(base_url):
    sys.path.insert(0, str(ROOT / "tests"))
    from graph_emulator import EmulatorClient

    client = EmulatorClient(base_url)
    client.add_mailbox(email=ADMIN_MAILBOX, display_name="Mitchell Admin")
    for email, name in COLLEAGUES:
        client.add_mailbox(email=email, display_name=name)
    for mailbox, event in outlook_week(ADMIN_MAILBOX, [email for email, _n in COLLEAGUES]):
        client.create_event(email=mailbox, graph_json=event)
    ca_file = STATE / "emulator-ca.pem"
    ca_file.write_text(client.ca_pem(), encoding="utf-8")
    return client, ca_file


def prepare_database(source, conf, emulator, ca_file, secret):
    """A fresh database for each run: the emulator's mailboxes are new each time too."""
    local_postgres.start()
    local_postgres.drop_database(DB_NAME)
    cmd, env = odoo_command(source, conf, "-d", DB_NAME, "--stop-after-init", "-i", ADDON)
    subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
    script = ROOT / "scripts" / "demo_database.py"
    cmd, env = odoo_command(source, conf, "-d", DB_NAME, "--no-http", command="shell")
    env.update(OCS_DEMO_GRAPH=emulator.graph_url, OCS_DEMO_AUTHORITY=emulator.https_url,
               OCS_DEMO_CA=str(ca_file), OCS_DEMO_CLIENT_ID=CLIENT_ID,
               OCS_DEMO_CLIENT_SECRET=secret, OCS_DEMO_BASE_URL=f"http://127.0.0.1:{ODOO_PORT}",
               OCS_DEMO_MAILBOX=ADMIN_MAILBOX, OCS_DEMO_EMULATOR=emulator.base_url,
               OCS_DEMO_TESTS=str(ROOT / "tests"),
               OCS_DEMO_COLLEAGUES=",".join(f"{email}:{name}" for email, name in COLLEAGUES))
    with open(script, encoding="utf-8") as stdin:
        subprocess.run(cmd, env=env, check=True, stdin=stdin, stdout=subprocess.DEVNULL)


def run_demo():
    source, reason = find_odoo()
    if not source:
        sys.exit(f"Odoo 18 not found ({reason}): see the README, 'How Odoo 18 is found'.")
    STATE.mkdir(exist_ok=True)
    secret = secrets.token_urlsafe(24)
    odoo_url = f"http://127.0.0.1:{ODOO_PORT}"
    emulator_process, emulator_url = start_emulator(
        secret, f"{odoo_url}/microsoft_account/authentication")
    try:
        client, ca_file = seed_outlook(emulator_url)
        conf = write_config(source, ODOO_PORT, db_name=DB_NAME)
        prepare_database(source, conf, client, ca_file, secret)
        print(f"""
Outlook Calendar Sync is running.

  Odoo:     {odoo_url}   (log in as admin / admin)
  Outlook:  {emulator_url}/_emulator/   (the emulated mailboxes and their events)

  1. In Odoo, open Calendar and click "Synchronize with Outlook" above the calendar. Odoo
     lists the upcoming events it would send to Outlook: choose what to do with them.
  2. Odoo sends you to the (emulated) Microsoft sign-in: pick {ADMIN_MAILBOX}, click Accept.
  3. Back in Odoo, the first synchronization runs in the background and reports when done:
     this week's Outlook meetings appear beside the Odoo ones, and the Odoo meetings appear
     in Outlook's page. Edit either side and click the Outlook button again.
  Maria and Tom (log in as maria / maria, tom / tom) are connected too: "Budget review" is
  Maria's meeting and "Product demo" Tom's, shown with their true organizer in every
  attendee's calendar; only the organizer can change them.
  Settings: Calendar > Configuration > Settings > Outlook Calendar.

Stop with Ctrl+C.
""", flush=True)
        # One cron worker: the first synchronization runs in the background, in the cron.
        cmd, env = odoo_command(source, conf, "-d", DB_NAME, "--max-cron-threads", "1")
        return subprocess.run(cmd, env=env, check=False).returncode
    except KeyboardInterrupt:
        return 0
    finally:
        emulator_process.terminate()

