"""calendarView/delta and series, in every shape the live service may send them.

The options: series_paging (a page boundary inside a series, occurrences before their
master), incremental_series (what a later round sends for a changed series),
deleted_occurrence (how a deleted occurrence is reported), resend_unchanged.
"""

import pytest

WINDOW = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2025-02-01T00:00:00Z"}


def event(subject, day=2, hour=9, **extra):
    return {"subject": subject,
            "start": {"dateTime": f"2025-01-{day:02d}T{hour:02d}:00:00", "timeZone": "UTC"},
            "end": {"dateTime": f"2025-01-{day:02d}T{hour + 1:02d}:00:00", "timeZone": "UTC"},
            **extra}


def daily(subject, day, count):
    return event(subject, day=day, recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": f"2025-01-{day:02d}",
                  "numberOfOccurrences": count}})


def create(mailbox, payload):
    answer = mailbox.post("/me/events", json=payload)
    assert answer.status_code == 201, answer.text
    return answer.json()


def run_round(mailbox, url="/me/calendarView/delta", page_size=None, params=None):
    """Follow nextLinks to the end; returns (pages, deltaLink)."""
    headers = {"Prefer": f"odata.maxpagesize={page_size}"} if page_size else {}
    pages = []
    answer = mailbox.get(url, params=params if params is not None else WINDOW,
                         headers=headers)
    while True:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body["value"])
        if "@odata.deltaLink" in body:
            return pages, body["@odata.deltaLink"]
        answer = mailbox.get(body["@odata.nextLink"], headers=headers)


def next_round(mailbox, delta_link, page_size=None):
    return run_round(mailbox, delta_link, page_size, params={})


def flat(pages):
    return [item for page in pages for item in page]


def page_of(pages, predicate):
    return next(n for n, page in enumerate(pages) for item in page if predicate(item))


def instances(mailbox, master_id):
    return mailbox.get(f"/me/events/{master_id}/instances", params=WINDOW).json()["value"]


# --- series_paging -------------------------------------------------------------------------

def test_split_paging_honours_maxpagesize_inside_a_series(mailbox, emulator):
    emulator.set_options(series_paging="split")
    create(mailbox, event("Single"))
    master = create(mailbox, daily("Daily", 10, 6))
    pages, _ = run_round(mailbox, page_size=3)
    assert [len(page) for page in pages] == [3, 3, 2]      # 1 + master + 6 stubs
    items = flat(pages)
    assert len({item["id"] for item in items}) == 8
    # The series starts on the first page and its occurrences go on over the next ones.
    assert page_of(pages, lambda item: item["id"] == master["id"]) == 0
    assert all(item.get("seriesMasterId") == master["id"] for item in pages[2])


def test_split_paging_applies_to_incremental_rounds(mailbox, emulator):
    emulator.set_options(series_paging="split")
    master = create(mailbox, daily("Daily", 10, 5))
    _pages, delta_link = run_round(mailbox)
    mailbox.patch(f"/me/events/{master['id']}", json={"subject": "Daily, renamed"})
    pages, _ = next_round(mailbox, delta_link, page_size=2)
    assert [len(page) for page in pages] == [2, 2, 2]       # master + 5 stubs
    assert pages[0][0]["subject"] == "Daily, renamed"


def test_split_reversed_sends_occurrences_before_their_master(mailbox, emulator):
    emulator.set_options(series_paging="split_reversed")
    master = create(mailbox, daily("Daily", 10, 4))
    pages, _ = run_round(mailbox, page_size=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    first_stub = page_of(pages, lambda item: item.get("seriesMasterId") == master["id"])
    master_page = page_of(pages, lambda item: item["id"] == master["id"])
    assert first_stub == 0 and master_page == 2
    assert flat(pages)[-1]["type"] == "seriesMaster"


def test_whole_series_paging_stays_the_default(mailbox, emulator):
    assert emulator.options()["series_paging"] == "whole"
    create(mailbox, daily("Daily", 10, 4))
    pages, _ = run_round(mailbox, page_size=2)
    assert [len(page) for page in pages] == [5]


# --- incremental_series and deleted_occurrence ---------------------------------------------

@pytest.fixture
def edited_series(mailbox):
    """A series of 5 seen by a full round, then its 2nd occurrence edited and its 4th
    deleted. Returns (master, [the 5 instances as first seen], deltaLink)."""
    master = create(mailbox, daily("Daily", 10, 5))
    seen = instances(mailbox, master["id"])
    _pages, delta_link = run_round(mailbox)
    mailbox.patch(f"/me/events/{seen[1]['id']}", json={"subject": "Special"})
    assert mailbox.delete(f"/me/events/{seen[3]['id']}").status_code == 204
    return master, seen, delta_link


def shapes(items):
    """(type, id) pairs, @removed entries as ("removed", id)."""
    return [("removed" if "@removed" in item else item["type"], item["id"]) for item in items]


@pytest.mark.parametrize(("mode", "expected"), [
    ("whole", ["master", 0, 1, 2, 4]),
    ("master_only", ["master"]),
    ("changed_only", ["master", 1]),
    ("instance_only", [1]),
])
def test_incremental_series_modes(mailbox, emulator, edited_series, mode, expected):
    emulator.set_options(incremental_series=mode)
    master, seen, delta_link = edited_series
    items = flat(next_round(mailbox, delta_link)[0])
    ids = [master["id"] if n == "master" else seen[n]["id"] for n in expected]
    assert [item["id"] for item in items] == ids
    assert all("@removed" not in item for item in items)       # deleted_occurrence=absent
    special = [item for item in items if item["id"] == seen[1]["id"]]
    assert all(item["type"] == "exception" and item["subject"] == "Special"
               for item in special)


@pytest.mark.parametrize("mode", ["changed_only", "instance_only"])
def test_a_changed_master_comes_without_unchanged_instances(mailbox, emulator, mode):
    emulator.set_options(incremental_series=mode)
    master = create(mailbox, daily("Daily", 10, 3))
    _pages, delta_link = run_round(mailbox)
    mailbox.patch(f"/me/events/{master['id']}", json={"subject": "Renamed"})
    items = flat(next_round(mailbox, delta_link)[0])
    assert [(item["type"], item["subject"]) for item in items] == [("seriesMaster",
                                                                     "Renamed")]


@pytest.mark.parametrize("mode", ["changed_only", "instance_only", "master_only"])
def test_a_new_series_comes_whole_in_every_mode(mailbox, emulator, mode):
    emulator.set_options(incremental_series=mode)
    _pages, delta_link = run_round(mailbox)
    create(mailbox, daily("Daily", 10, 3))
    items = flat(next_round(mailbox, delta_link)[0])
    expected = 1 if mode == "master_only" else 4
    assert len(items) == expected and items[0]["type"] == "seriesMaster"


def test_new_times_make_every_instance_changed(mailbox, emulator):
    emulator.set_options(incremental_series="changed_only")
    master = create(mailbox, daily("Daily", 10, 3))
    _pages, delta_link = run_round(mailbox)
    mailbox.patch(f"/me/events/{master['id']}", json={
        "start": {"dateTime": "2025-01-10T14:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-01-10T15:00:00", "timeZone": "UTC"}})
    items = flat(next_round(mailbox, delta_link)[0])
    assert [item["type"] for item in items] == ["seriesMaster"] + ["occurrence"] * 3
    assert items[1]["start"]["dateTime"].startswith("2025-01-10T14:00")


def test_deleted_occurrence_reported_as_removed(mailbox, emulator, edited_series):
    emulator.set_options(deleted_occurrence="removed")
    master, seen, delta_link = edited_series
    items = flat(next_round(mailbox, delta_link)[0])
    removed = [item for item in items if "@removed" in item]
    assert removed == [{"@odata.type": "#microsoft.graph.event", "id": seen[3]["id"],
                        "@removed": {"reason": "deleted"}}]
    assert items[0]["id"] == master["id"]
    assert len(items) == 6                   # master, 4 remaining instances, the removal


def test_deleted_occurrence_reported_as_a_cancelled_exception(mailbox, emulator,
                                                              edited_series):
    emulator.set_options(deleted_occurrence="cancelled")
    master, seen, delta_link = edited_series
    pages, later_link = next_round(mailbox, delta_link)
    cancelled = [item for item in flat(pages) if item["id"] == seen[3]["id"]]
    assert len(cancelled) == 1
    assert cancelled[0]["type"] == "exception" and cancelled[0]["isCancelled"] is True
    assert cancelled[0]["seriesMasterId"] == master["id"]
    assert cancelled[0]["originalStart"] == "2025-01-13T09:00:00Z"
    assert cancelled[0]["start"]["dateTime"].startswith("2025-01-13T09:00")
    # Once reported, a deletion is not reported again.
    assert flat(next_round(mailbox, later_link)[0]) == []


@pytest.mark.parametrize(("mode", "deleted", "expected"), [
    ("master_only", "removed", [("seriesMaster", "master"), ("removed", 3)]),
    ("master_only", "cancelled", [("seriesMaster", "master")]),
    ("changed_only", "removed", [("seriesMaster", "master"), ("exception", 1),
                                 ("removed", 3)]),
    ("changed_only", "cancelled", [("seriesMaster", "master"), ("exception", 1),
                                   ("exception", 3)]),
    ("instance_only", "removed", [("exception", 1), ("removed", 3)]),
    ("instance_only", "cancelled", [("exception", 1), ("exception", 3)]),
])
def test_deleted_occurrence_combines_with_incremental_series(mailbox, emulator, edited_series,
                                                             mode, deleted, expected):
    emulator.set_options(incremental_series=mode, deleted_occurrence=deleted)
    master, seen, delta_link = edited_series
    items = flat(next_round(mailbox, delta_link)[0])
    assert shapes(items) == [(kind, master["id"] if n == "master" else seen[n]["id"])
                             for kind, n in expected]


def test_only_a_deletion_with_instance_only_and_absent_sends_nothing(mailbox, emulator):
    emulator.set_options(incremental_series="instance_only")
    master = create(mailbox, daily("Daily", 10, 3))
    seen = instances(mailbox, master["id"])
    _pages, delta_link = run_round(mailbox)
    mailbox.delete(f"/me/events/{seen[1]['id']}")
    assert flat(next_round(mailbox, delta_link)[0]) == []


def test_attendee_copies_report_the_organizers_occurrence_changes(graph_user, emulator):
    alice, bob = graph_user("alice@example.com"), graph_user("bob@example.com")
    emulator.set_options(incremental_series="instance_only", deleted_occurrence="removed")
    master = create(alice, daily("Weekly sync", 10, 3) | {
        "attendees": [{"emailAddress": {"address": "bob@example.com"}}]})
    bob_copy = emulator.events("bob@example.com")[0]
    bob_third = instances(bob, bob_copy["id"])[2]
    _pages, delta_link = run_round(bob)
    alice.delete(f"/me/events/{instances(alice, master['id'])[2]['id']}")
    assert shapes(flat(next_round(bob, delta_link)[0])) == [("removed", bob_third["id"])]


# --- resend_unchanged ----------------------------------------------------------------------

def test_every_unchanged_event_is_sent_again_at_fraction_one(mailbox, emulator):
    emulator.set_options(resend_unchanged=1.0)
    changed = create(mailbox, event("Changed"))
    create(mailbox, event("Quiet", day=3))
    create(mailbox, daily("Daily", 10, 2))
    create(mailbox, event("Outside", day=2) | {
        "start": {"dateTime": "2025-03-02T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-02T10:00:00", "timeZone": "UTC"}})
    _pages, delta_link = run_round(mailbox)
    mailbox.patch(f"/me/events/{changed['id']}", json={"subject": "Changed again"})
    items = flat(next_round(mailbox, delta_link)[0])
    assert [item.get("subject") for item in items] == [
        "Changed again", "Quiet", "Daily", None, None]      # the series comes whole
    assert len({item["id"] for item in items}) == len(items)


def resent_subjects(mailbox, emulator):
    emulator.set_options(resend_unchanged=0.5)
    for day in range(2, 12):
        create(mailbox, event(f"E{day}", day=day))
    _pages, delta_link = run_round(mailbox)
    return [item["subject"] for item in flat(next_round(mailbox, delta_link)[0])]


def test_resent_events_are_drawn_from_the_seed(graph_user, emulator):
    first = resent_subjects(graph_user("alice@example.com"), emulator)
    assert len(first) == 5 and len(set(first)) == 5
    emulator.reset()
    assert resent_subjects(graph_user("alice@example.com"), emulator) == first


def test_nothing_is_resent_by_default(mailbox, emulator):
    create(mailbox, event("Quiet"))
    _pages, delta_link = run_round(mailbox)
    assert flat(next_round(mailbox, delta_link)[0]) == []
