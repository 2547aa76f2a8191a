"""Driving the emulator: HTTP control routes, HTML view, clock, counters, determinism, CLI."""

import os
import re
import select
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from graph_emulator import EmulatorClient, GraphEmulator

TESTS_DIR = Path(__file__).resolve().parents[1]


def meeting(subject="Demo meeting"):
    return {"subject": subject,
            "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"},
            "attendees": [{"emailAddress": {"address": "bob@example.com"}}]}


def test_http_control_drives_the_same_emulator(emulator):
    client = EmulatorClient(emulator.base_url)
    client.add_app(client_id="app", client_secret="s3cret", redirect_uris=["http://x/cb"])
    assert client.add_mailbox(email="alice@example.com")["email"] == "alice@example.com"
    created = client.create_event(email="alice@example.com", graph_json=meeting())
    assert emulator.get_event("alice@example.com", created["id"])["subject"] == "Demo meeting"
    assert client.counters()["mail"]["invitation"] == 1
    token = client.issue_tokens(email="alice@example.com", client_id="app")["access_token"]
    me = requests.get(client.graph_url + "/me", headers={"Authorization": f"Bearer {token}"},
                      timeout=10)
    assert me.json()["mail"] == "alice@example.com"
    client.reset()
    assert emulator.counters() == {"requests": {}, "mail": {"invitation": 0,
                                                            "cancellation": 0, "update": 0}}


def test_control_errors_say_what_to_do(emulator):
    unknown = requests.post(f"{emulator.base_url}/_emulator/drop_database", timeout=10)
    assert unknown.status_code == 404 and "add_mailbox" in unknown.json()["error"]
    missing = requests.post(f"{emulator.base_url}/_emulator/create_event",
                            json={"email": "nobody@example.com", "graph_json": meeting()},
                            timeout=10)
    assert missing.status_code == 400 and "add_mailbox" in missing.json()["error"]


def test_html_view_shows_each_mailbox_events(emulator):
    emulator.add_mailbox("alice@example.com", "Alice Martin")
    emulator.add_mailbox("bob@example.com", "Bob Durand")
    created = emulator.create_event("alice@example.com", meeting("Budget & plans"))
    copy = emulator.events("bob@example.com")[0]
    emulator.respond("bob@example.com", copy["id"], "accept")
    page = requests.get(f"{emulator.base_url}/_emulator/", timeout=10)
    assert page.headers["Content-Type"].startswith("text/html")
    assert "Budget &amp; plans" in page.text and "Bob Durand" in page.text
    assert "bob@example.com (accepted)" in page.text
    assert created["type"] in page.text


def test_ca_bundle_is_served_for_other_processes(emulator):
    pem = requests.get(f"{emulator.base_url}/_emulator/ca.pem", timeout=10).text
    assert pem == Path(emulator.ca_bundle).read_text()
    assert pem.startswith("-----BEGIN CERTIFICATE-----")


def test_settable_clock(emulator):
    emulator.add_mailbox("alice@example.com")
    emulator.set_now(datetime(2030, 5, 1, 12, 0, tzinfo=UTC))
    created = emulator.create_event("alice@example.com", meeting())
    assert created["createdDateTime"] == "2030-05-01T12:00:00.0000000Z"
    emulator.set_now(None)
    later = emulator.create_event("alice@example.com", meeting())
    assert not later["createdDateTime"].startswith("2030")


def test_requests_are_counted_by_route_template(mailbox, emulator):
    first = mailbox.post("/me/events", json=meeting("A")).json()
    second = mailbox.post("/me/events", json=meeting("B")).json()
    mailbox.get(f"/me/events/{first['id']}")
    mailbox.get(f"/me/events/{second['id']}")
    requests_seen = emulator.counters()["requests"]
    assert requests_seen["GET /v1.0/me/events/{id}"] == 2
    assert requests_seen["POST /v1.0/me/events"] == 2


def test_reset_forgets_apps_mailboxes_and_tokens(mailbox, emulator):
    emulator.reset()
    assert mailbox.get("/me").status_code == 401
    with pytest.raises(ValueError):
        emulator.events(mailbox.email)


def run_script(seed):
    emulator = GraphEmulator(seed=seed)       # not started: the Python API works alone
    emulator.set_now(datetime(2025, 1, 1, tzinfo=UTC))
    emulator.add_mailbox("alice@example.com")
    return emulator.create_event("alice@example.com", meeting())


def test_same_seed_same_ids(emulator):
    first, again, other = run_script(7), run_script(7), run_script(8)
    assert (first["id"], first["changeKey"], first["iCalUId"]) == (
        again["id"], again["changeKey"], again["iCalUId"])
    assert other["id"] != first["id"]


def test_command_line_serves_a_seeded_demo():
    env = dict(os.environ, PYTHONPATH=str(TESTS_DIR))
    process = subprocess.Popen([sys.executable, "-m", "graph_emulator", "--port", "0",
                                "--seed-demo"], stdout=subprocess.PIPE, text=True, env=env)
    try:
        ready, _, _ = select.select([process.stdout], [], [], 30)
        assert ready, "the emulator printed nothing"
        url = re.search(r"listening on (http://127\.0\.0\.1:\d+)", process.stdout.readline())
        page = requests.get(f"{url.group(1)}/_emulator/", timeout=10)
        assert "alice@example.com" in page.text and "Seeded" in page.text
    finally:
        process.terminate()
        process.wait(timeout=10)
