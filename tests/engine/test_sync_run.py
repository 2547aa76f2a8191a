"""A whole sync run against the emulator, with an in-memory Odoo side."""

from dataclasses import replace
from datetime import timedelta

import pytest
from memory_store import MemoryStore
from sync_helpers import NOW, OWNER, graph_event, odoo_values, prepare
from sync_helpers import sync as run_sync

from engine.event_values import Attendee
from engine.planner import ConflictPolicy, Direction


@pytest.fixture
def outlook(emulator):
    return prepare(emulator)


def sync(emulator, store, delta_link=None, *, direction=Direction.BOTH,
         policy=ConflictPolicy.MOST_RECENT, waits=None):
    return run_sync(emulator, store, delta_link, direction=direction, policy=policy,
                    waits=waits)


def subjects(store):
    return sorted(values.subject for values in store.active_events().values())


def test_first_sync_imports_every_event_and_a_second_sync_changes_nothing(outlook):
    for day in range(12):
        outlook.create_event(OWNER, graph_event(f"Meeting {day:02}", NOW + timedelta(days=day)))
    store = MemoryStore()
    report = sync(outlook, store)
    assert report.full
    assert subjects(store) == [f"Meeting {day:02}" for day in range(12)]
    first = min(store.active_events().values(), key=lambda values: values.subject)
    assert first.start == NOW and first.end == NOW + timedelta(hours=1)

    outlook.reset_counters()
    again = sync(outlook, store, report.delta_link)
    assert not again.full
    assert again.counts == {}
    requests = outlook.counters()["requests"]
    assert sum(requests.values()) == 1, requests


def test_outlook_edits_and_deletions_reach_odoo(outlook):
    kept = outlook.create_event(OWNER, graph_event("Budget", NOW + timedelta(days=1)))
    gone = outlook.create_event(OWNER, graph_event("Cancelled soon", NOW + timedelta(days=2)))
    store = MemoryStore()
    delta = sync(outlook, store).delta_link

    outlook.update_event(OWNER, kept["id"], {"subject": "Budget review"})
    outlook.delete_event(OWNER, gone["id"])
    report = sync(outlook, store, delta)
    assert subjects(store) == ["Budget review"]
    assert report.counts.get("updated_in_odoo") == 1
    assert report.counts.get("deleted_in_odoo") == 1


def test_new_odoo_events_are_pushed_in_batches_of_twenty(outlook):
    store = MemoryStore()
    delta = sync(outlook, store).delta_link
    for index in range(45):
        store.user_creates(odoo_values(f"Odoo {index:02}", NOW + timedelta(hours=index)))
    outlook.reset_counters()
    report = sync(outlook, store, delta)
    assert report.counts.get("created_in_outlook") == 45
    assert len(outlook.events(OWNER)) == 45
    requests = outlook.counters()["requests"]
    assert requests.get("POST /v1.0/$batch") == 3, requests
    assert all(link.change_key for link in store.links.values())
    # Outlook's echo of our own creations is not a change.
    outlook.reset_counters()
    echo = sync(outlook, store, report.delta_link)
    assert echo.counts.get("updated_in_odoo", 0) == 0
    assert echo.counts.get("created_in_odoo", 0) == 0
    assert len(store.active_events()) == 45


def test_an_odoo_edit_sends_only_what_changed(outlook):
    store = MemoryStore()
    delta = sync(outlook, store).delta_link
    local_id = store.user_creates(
        odoo_values("Review", NOW + timedelta(days=1), attendees=[
            Attendee("guest@fabrikam.example", "Guest", "needsAction")]))
    delta = sync(outlook, store, delta).delta_link
    invitations = outlook.counters()["mail"]["invitation"]
    assert invitations == 1

    store.user_edits(local_id, location="Room 4")
    outlook.reset_counters()
    sync(outlook, store, delta)
    (event,) = outlook.events(OWNER)
    assert event["location"]["displayName"] == "Room 4"
    assert outlook.counters()["mail"]["invitation"] == 0


def test_odoo_deletion_removes_the_outlook_copy(outlook):
    store = MemoryStore()
    delta = sync(outlook, store).delta_link
    local_id = store.user_creates(odoo_values("Temporary", NOW + timedelta(days=3)))
    delta = sync(outlook, store, delta).delta_link
    assert len(outlook.events(OWNER)) == 1
    store.user_deletes(local_id)
    report = sync(outlook, store, delta)
    assert outlook.events(OWNER) == []
    assert report.counts.get("deleted_in_outlook") == 1
    assert store.links == {}


@pytest.mark.parametrize("policy, expected", [
    (ConflictPolicy.ODOO_WINS, "Odoo title"),
    (ConflictPolicy.OUTLOOK_WINS, "Outlook title"),
])
def test_a_conflict_is_settled_by_the_policy(outlook, policy, expected):
    remote = outlook.create_event(OWNER, graph_event("Original", NOW + timedelta(days=1)))
    store = MemoryStore()
    delta = sync(outlook, store).delta_link
    (local_id,) = store.active_events()
    store.user_edits(local_id, subject="Odoo title")
    outlook.update_event(OWNER, remote["id"], {"subject": "Outlook title"})
    report = sync(outlook, store, delta, policy=policy)
    assert store.active_events()[local_id].subject == expected
    assert outlook.get_event(OWNER, remote["id"])["subject"] == expected
    assert len(report.conflicts) == 1


def test_a_lost_answer_on_create_never_duplicates_the_event(outlook):
    store = MemoryStore()
    delta = sync(outlook, store).delta_link
    store.user_creates(odoo_values("Only once", NOW + timedelta(days=1)))
    outlook.add_fault("POST", "/v1.0/$batch", kind="drop", times=1, after_apply=True)
    sync(outlook, store, delta)
    assert [e["subject"] for e in outlook.events(OWNER)] == ["Only once"]
    assert len(store.links) == 1


def test_an_expired_delta_link_resyncs_without_duplicates(outlook):
    for day in range(5):
        outlook.create_event(OWNER, graph_event(f"Standup {day}", NOW + timedelta(days=day)))
    store = MemoryStore()
    delta = sync(outlook, store).delta_link
    outlook.expire_delta_tokens(OWNER)
    report = sync(outlook, store, delta)
    assert report.full
    assert subjects(store) == [f"Standup {day}" for day in range(5)]
    assert report.counts.get("created_in_odoo", 0) == 0


def test_a_malformed_event_is_reported_and_the_others_still_arrive(outlook):
    outlook.create_event(OWNER, graph_event("Fine", NOW + timedelta(days=1)))
    outlook.create_event(OWNER, graph_event("Broken", NOW + timedelta(days=2)))
    outlook.add_fault("GET", "/v1.0/me/calendarView/delta", kind="mangle", subject="Broken",
                      replace={"start": {"dateTime": "not a time", "timeZone": "UTC"}})
    store = MemoryStore()
    report = sync(outlook, store)
    assert subjects(store) == ["Fine"]
    assert len(report.errors) == 1
    assert "Broken" in report.errors[0].text()


def test_throttling_is_waited_out(outlook):
    outlook.create_event(OWNER, graph_event("Busy day", NOW + timedelta(days=1)))
    outlook.add_fault("GET", "/v1.0/me/calendarView/delta", kind="status", status=429,
                      retry_after=7, times=2)
    waits = []
    store = MemoryStore()
    sync(outlook, store, waits=waits)
    assert waits == [7, 7]
    assert subjects(store) == ["Busy day"]


def test_one_way_to_outlook_never_writes_odoo(outlook):
    outlook.create_event(OWNER, graph_event("From Outlook", NOW + timedelta(days=1)))
    store = MemoryStore()
    store.user_creates(odoo_values("From Odoo", NOW + timedelta(days=2)))
    sync(outlook, store, direction=Direction.TO_OUTLOOK)
    assert subjects(store) == ["From Odoo"]
    assert sorted(e["subject"] for e in outlook.events(OWNER)) == ["From Odoo", "From Outlook"]


def test_shared_meeting_links_to_the_existing_odoo_event(outlook):
    outlook.add_mailbox("colleague@contoso.example")
    outlook.create_event("colleague@contoso.example", graph_event(
        "Shared", NOW + timedelta(days=1), attendees=[OWNER]))
    store = MemoryStore()
    existing = store.user_creates(
        replace(odoo_values("Shared", NOW), organizer_email="colleague@contoso.example"),
        ical_uid=outlook.events(OWNER)[0]["iCalUId"])
    store.state.outbox.clear()  # another user's meeting: nothing of it to send
    report = sync(outlook, store)
    assert report.counts.get("matched") == 1
    assert list(store.active_events()) == [existing]
