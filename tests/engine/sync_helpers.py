"""Running the engine's sync against the emulator, with an in-memory Odoo side."""

from datetime import UTC, datetime, timedelta

from engine.endpoints import endpoints_for
from engine.event_values import EventValues
from engine.graph_client import GraphClient
from engine.planner import ConflictPolicy, Direction
from engine.scope import Scope
from engine.sync_run import SyncRun, SyncSettings

OWNER = "owner@contoso.example"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
NOW = datetime.now(UTC).replace(microsecond=0, second=0, minute=0)


def prepare(emulator, *mailboxes):
    emulator.add_app(CLIENT_ID, "secret", redirect_uris=["http://localhost/cb"])
    for email in mailboxes or (OWNER,):
        emulator.add_mailbox(email)
    return emulator


def make_client(emulator, owner=OWNER, waits=None, **options):
    token = emulator.issue_tokens(owner, CLIENT_ID)["access_token"]
    endpoints = endpoints_for(authority_base=emulator.https_url, graph_base=emulator.graph_url,
                              allow_custom_hosts=True, verify=emulator.ca_bundle)
    recorded = [] if waits is None else waits
    return GraphClient(endpoints, lambda force_refresh=False: token, sleep=recorded.append,
                       **options)


def settings(direction=Direction.BOTH, policy=ConflictPolicy.MOST_RECENT, *,
             since=None, confirmed=False, push_from=None, days_back=30, days_ahead=90):
    window_start, window_end = NOW - timedelta(days=days_back), NOW + timedelta(days=days_ahead)
    scope = Scope(Direction(direction), window_start, window_end, push_from or window_start,
                  changed_since=since)
    return SyncSettings(scope, ConflictPolicy(policy), confirmed_deletions=confirmed)


def sync(emulator, store, delta_link=None, *, owner=OWNER, client=None, waits=None,
         **options):
    """One run; returns its report (the caller keeps ``report.delta_link``)."""
    client = client or make_client(emulator, owner, waits)
    return SyncRun(client, store, settings(**options), owner_email=owner).run(delta_link)


def graph_event(subject, start, hours=1, attendees=(), **extra):
    return {
        "subject": subject,
        "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
        "end": {"dateTime": (start + timedelta(hours=hours)).strftime("%Y-%m-%dT%H:%M:%S"),
                "timeZone": "UTC"},
        "attendees": [{"emailAddress": {"address": a, "name": a}, "type": "required"}
                      for a in attendees],
        **extra,
    }


def weekly(start, count):
    """A Graph recurrence: weekly on the start's weekday, ``count`` occurrences."""
    return {"pattern": {"type": "weekly", "interval": 1,
                        "daysOfWeek": [start.strftime("%A").lower()]},
            "range": {"type": "numbered", "startDate": start.strftime("%Y-%m-%d"),
                      "numberOfOccurrences": count}}


def odoo_values(subject, start, attendees=(), reminder=15, **changes):
    values = EventValues(
        subject=subject, body_html="", all_day=False, start=start,
        end=start + timedelta(hours=1), timezone="UTC", location="", show_as="busy",
        privacy=None, reminder_minutes=reminder, attendees=tuple(attendees),
        organizer_email=OWNER, organizer_name="Owner", online_meeting_url="", recurrence=None,
    )
    return values.__class__(**{**values.__dict__, **changes})
