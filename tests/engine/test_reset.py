"""Reset Account: the plan of a reset, and the first sync after one keeping only new events."""

from datetime import UTC, datetime, timedelta

import pytest
from memory_store import MemoryStore
from sync_helpers import sync as run_sync

from engine.event_values import EventValues
from engine.reset import ExistingEvents, NextSync, OwnedEvent, plan_reset

# -- the plan ----------------------------------------------------------------------------

T0 = datetime(2025, 3, 10, 9, 0)  # "now" of the planned resets
WINDOW = (T0 - timedelta(days=30), T0 + timedelta(days=365))


def owned(local_id, days=1, active=True, graph_id=None, master=None, carried=False):
    start = T0 + timedelta(days=days)
    return OwnedEvent(local_id, active, start, start + timedelta(hours=1), graph_id, master,
                      carried)


# Upcoming and linked, upcoming not linked, past and linked, archived and linked.
EVENTS = [owned(1, graph_id="g1"), owned(2), owned(3, days=-5, graph_id="g3"),
          owned(4, active=False, graph_id="g4")]


@pytest.mark.parametrize("existing, outlook, odoo", [
    ("keep", (), ()),
    ("outlook", ("g1", "g3", "g4"), ()),
    ("odoo", (), (1, 3, 4)),
    ("both", ("g1", "g3", "g4"), (1, 3, 4)),
])
def test_each_choice_deletes_on_the_side_it_names(existing, outlook, odoo):
    """Event 2 was never synced: no reset ever deletes it."""
    plan = plan_reset(EVENTS, existing, "new", *WINDOW)
    assert plan.delete_in_outlook == outlook
    assert plan.delete_in_odoo == odoo


def test_a_series_is_deleted_in_outlook_once_through_its_master():
    series = [owned(10, graph_id="master"),
              owned(11, days=8, graph_id="occ-2", master="master", carried=True),
              owned(12, days=15, graph_id="occ-3", master="master", carried=True)]
    plan = plan_reset(series, ExistingEvents.DELETE_IN_OUTLOOK, NextSync.ALL, *WINDOW)
    assert plan.delete_in_outlook == ("master",)
    assert plan.to_send == (10,), "the series goes back to Outlook once, with its rule"


def test_all_existing_events_go_back_past_ones_included():
    events = [*EVENTS, owned(5, days=-60), owned(6, days=400)]  # both outside the window
    kept = plan_reset(events, "keep", "all", *WINDOW)
    assert kept.to_match == (1, 3), "copies still in Outlook are linked again, not re-created"
    assert kept.to_send == (2,)

    deleted = plan_reset(events, "outlook", "all", *WINDOW)
    assert deleted.to_match == ()
    assert deleted.to_send == (1, 2, 3)
    assert deleted.counts() == {"delete_in_outlook": 3, "delete_in_odoo": 0, "to_match": 0,
                                "to_send": 3}


def test_only_new_events_sends_no_existing_event():
    assert plan_reset(EVENTS, "keep", "new", *WINDOW).to_send == ()
    assert plan_reset(EVENTS, "keep", "new", *WINDOW).to_match == (1, 3)
    assert plan_reset(EVENTS, "outlook", "new", *WINDOW).to_send == ()


@pytest.mark.parametrize("existing", ["odoo", "both"])
def test_deleting_in_odoo_leaves_only_the_never_synced_events_to_send(existing):
    plan = plan_reset(EVENTS, existing, "all", *WINDOW)
    assert plan.to_send == (2,) and plan.to_match == ()


# -- the first sync after a reset keeping only new events ----------------------------------

OWNER = "owner@contoso.example"
CLIENT_ID = "11111111-2222-3333-4444-555555555555"
NOW = datetime.now(UTC).replace(microsecond=0, second=0, minute=0)
LAST_WEEK = datetime.now(UTC) - timedelta(days=7)


@pytest.fixture
def outlook(emulator):
    emulator.add_app(CLIENT_ID, "secret", redirect_uris=["http://localhost/cb"])
    emulator.add_mailbox(OWNER)
    return emulator


def sync(emulator, store, delta_link=None, since=None):
    return run_sync(emulator, store, delta_link, since=since)


def graph_event(subject, days):
    start = NOW + timedelta(days=days)
    return {"subject": subject,
            "start": {"dateTime": start.strftime("%Y-%m-%dT%H:%M:%S"), "timeZone": "UTC"},
            "end": {"dateTime": (start + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S"),
                    "timeZone": "UTC"}}


def odoo_values(subject, days):
    start = NOW + timedelta(days=days)
    return EventValues(
        subject=subject, body_html="", all_day=False, start=start,
        end=start + timedelta(hours=1), timezone="UTC", location="", show_as="busy",
        privacy=None, reminder_minutes=None, attendees=(), organizer_email=OWNER,
        organizer_name="Owner", online_meeting_url="", recurrence=None,
    )


def add_local(store, subject, days, modified_at, ical_uid=None):
    """An Odoo event queued for the first sync, last changed at `modified_at`."""
    local_id = store.user_creates(odoo_values(subject, days))
    store.events[local_id].modified_at = modified_at
    store.events[local_id].ical_uid = ical_uid
    return local_id


def reset_with_old_events(outlook):
    """Both sides as a reset keeping only new events left them: returns (store, reset time).

    Before the reset: one event only in Outlook, one only in Odoo, one in both (same
    iCalUId). After it: one new event on each side.
    """
    outlook.set_now(LAST_WEEK)
    outlook.create_event(OWNER, graph_event("Old in Outlook", 1))
    shared = outlook.create_event(OWNER, graph_event("Old in both", 2))
    outlook.set_now(None)
    store = MemoryStore()
    add_local(store, "Old in Odoo", 3, LAST_WEEK)
    add_local(store, "Old in both", 2, LAST_WEEK, ical_uid=shared["iCalUId"])

    reset_at = datetime.now(UTC).replace(microsecond=0)  # stored to the second, as in Odoo
    outlook.create_event(OWNER, graph_event("New in Outlook", 4))
    add_local(store, "New in Odoo", 5, datetime.now(UTC))
    return store, reset_at


def outlook_subjects(outlook):
    return sorted(event["subject"] for event in outlook.events(OWNER))


def odoo_subjects(store):
    return sorted(values.subject for values in store.active_events().values())


def test_after_a_reset_keeping_only_new_events_only_new_events_flow(outlook):
    store, reset_at = reset_with_old_events(outlook)

    report = sync(outlook, store, since=reset_at)

    assert outlook_subjects(outlook) == ["New in Odoo", "New in Outlook", "Old in Outlook",
                                         "Old in both"]
    assert odoo_subjects(store) == ["New in Odoo", "New in Outlook", "Old in Odoo",
                                    "Old in both"]
    assert report.counts == {"created_in_outlook": 1, "created_in_odoo": 1, "matched": 1}
    linked = sorted(store.events[link.local_id].values.subject for link in store.links.values())
    assert linked == ["New in Odoo", "New in Outlook", "Old in both"]
    assert not store.outbox, "events left out are not tried again at every sync"


def test_without_the_reset_option_the_first_sync_takes_everything(outlook):
    store, _reset_at = reset_with_old_events(outlook)

    sync(outlook, store)

    everything = ["New in Odoo", "New in Outlook", "Old in Odoo", "Old in Outlook",
                  "Old in both"]
    assert outlook_subjects(outlook) == everything
    assert odoo_subjects(store) == everything


def test_an_old_event_changed_after_the_reset_flows_like_a_new_one(outlook):
    store, reset_at = reset_with_old_events(outlook)
    delta = sync(outlook, store, since=reset_at).delta_link
    old_outlook = next(e for e in outlook.events(OWNER) if e["subject"] == "Old in Outlook")
    old_odoo = next(i for i, e in store.events.items() if e.values.subject == "Old in Odoo")

    outlook.update_event(OWNER, old_outlook["id"], {"subject": "Old in Outlook, moved"})
    store.user_edits(old_odoo, subject="Old in Odoo, moved")
    sync(outlook, store, delta, since=reset_at)

    assert "Old in Odoo, moved" in outlook_subjects(outlook)
    assert "Old in Outlook, moved" in odoo_subjects(store)
