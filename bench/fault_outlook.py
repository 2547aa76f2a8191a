"""The Outlook side of the fault benchmark: the emulated mailboxes, the faults injected
into Graph, and what a mailbox holds, read as its owner would read it."""

import os
import subprocess
import sys
from collections import Counter
from contextlib import contextmanager
from datetime import timedelta

import emulator_process
import requests
import workload
from fault_check import outlook_key
from graph_emulator import EmulatorClient

# Both faults meet every Graph request, each request of a $batch on its own. A lost
# answer met inside a batch loses the whole batch's answer after the requests before it
# (and that one) were carried out: Outlook did part of the work, Odoo heard nothing.
FAULTY_PATHS = "/v1.0/*"
READS_OF_THE_BENCHMARK = "GET /v1.0/me/calendarView"
CREATE_ROUTE = "POST /v1.0/me/events"  # each creation a $batch carries counts here too


@contextmanager
def running_emulator(log_path, seed):
    """An EmulatorClient for a fresh emulator process with this seed (the seed draws the
    chance faults: the same seed, the same faults for the same requests), stopped on
    leaving."""
    port = emulator_process.free_port()
    env = dict(os.environ, PYTHONPATH=str(emulator_process.ROOT / "tests"))
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "graph_emulator", "--port", str(port), "--seed", str(seed)],
            env=env, cwd=emulator_process.ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        emulator_process._wait_until_up(base_url, process)
        yield EmulatorClient(base_url, timeout=600)
    finally:
        process.terminate()
        process.wait(timeout=30)


def prepare(client, secret, mailboxes):
    """An empty emulator with the app registered and one empty mailbox per address."""
    client.reset()
    client.add_app(client_id=workload.CLIENT_ID, client_secret=secret,
                   redirect_uris=[workload.REDIRECT_URI])
    for email, name in mailboxes:
        client.add_mailbox(email=email, display_name=name)


def seed(client, email, n):
    """n events in the mailbox, the mix and period of the other benchmark."""
    start = workload.seed_start(workload.utc_now())
    client.seed(email=email, n=n, mix=workload.MIX, start=start.isoformat(),
                span_days=workload.SEED_SPAN_DAYS)


def add_throttling_and_lost_answers(client, throttled=0.3, lost=0.1, retry_after=1):
    """`lost` of the answers lost after the request was carried out, and a 429 on
    `throttled` of the Graph requests (the lost answers are drawn first)."""
    client.add_fault(method="*", path_pattern=FAULTY_PATHS, kind="drop",
                     after_apply=True, probability=lost, times=None)
    client.add_fault(method="*", path_pattern=FAULTY_PATHS, kind="status", status=429,
                     retry_after=retry_after, probability=throttled, times=None)


def injected(client):
    """What the emulator counted so far: faults by kind, the Graph requests the sync made
    (a $batch and each of its requests count; the benchmark's own reads of the mailboxes,
    through calendarView, which the sync never uses, are left out), the creations Outlook
    received (a creation sent again after a lost answer counts again) and the mail Outlook
    sent."""
    counters = client.counters()
    routes = counters["requests"]
    return {"faults": counters.get("faults", {}),
            "graph_requests": sum(n for route, n in routes.items()
                                  if " /v1.0/" in route and route != READS_OF_THE_BENCHMARK),
            "creations": routes.get(CREATE_ROUTE, 0), "mail": counters["mail"]}


def mailbox_keys(client, email):
    """Counter of the keys of every event and occurrence in the mailbox, from 60 days back
    to 400 ahead (wider than the synchronized period), read through Graph's calendarView."""
    token = client.issue_tokens(email=email, client_id=workload.CLIENT_ID)["access_token"]
    now = workload.utc_now()
    url = f"{client.graph_url}/me/calendarView"
    params = {"startDateTime": _iso(now - timedelta(days=60)),
              "endDateTime": _iso(now + timedelta(days=400)), "$top": 1000}
    headers = {"Authorization": f"Bearer {token}", "Prefer": 'outlook.timezone="UTC"'}
    keys = Counter()
    while url:
        answer = requests.get(url, params=params, headers=headers, timeout=120)
        answer.raise_for_status()
        page = answer.json()
        keys.update(outlook_key(email, item) for item in page["value"])
        url, params = page.get("@odata.nextLink"), None
    return keys


def create_events(client, email, names_and_starts):
    """The Outlook user creates one-hour events (no attendees), as in Outlook."""
    for name, start in names_and_starts:
        end = start + timedelta(hours=1)
        client.create_event(email=email, graph_json={
            "subject": name,
            "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
            "end": {"dateTime": end.isoformat(), "timeZone": "UTC"},
        })


def _iso(moment):
    return moment.replace(microsecond=0).isoformat() + "Z"
