"""The Outlook side of the fault benchmark: the emulated mailboxes, the faults injected
into Graph, and what a mailbox holds, read as its owner would read it."""

from collections import Counter
from datetime import timedelta

import requests
import workload
from fault_check import outlook_key

# Graph answers as the scenarios see them. A lost answer is a whole HTTP answer: the
# $batch envelope (its requests carried out, the answer never arriving) or a read the
# sync makes on its own. Throttling meets every Graph request, a $batch's inner requests
# one by one, as Graph throttles them.
LOST_ANSWER_PATHS = r"re:/v1\.0/(\$batch|me|me/calendarView/delta|me/events/[^/]+/instances)"
THROTTLED_PATHS = "/v1.0/*"


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
    client.add_fault(method="*", path_pattern=LOST_ANSWER_PATHS, kind="drop",
                     after_apply=True, probability=lost, times=None)
    client.add_fault(method="*", path_pattern=THROTTLED_PATHS, kind="status", status=429,
                     retry_after=retry_after, probability=throttled, times=None)


def faults_injected(client):
    """Faults the emulator injected so far, by kind."""
    return client.counters().get("faults", {})


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
