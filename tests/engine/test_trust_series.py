"""Series whose occurrences Outlook sends in parts never lose an occurrence in Odoo.

Graph promises neither that a series stays on one delta page nor that an incremental round
re-sends every occurrence: every way the emulator can send them is tried.
"""

from datetime import timedelta

import pytest
from memory_store import MemoryStore
from sync_helpers import NOW, OWNER, graph_event, make_client, prepare, sync, weekly

PAGINGS = ("whole", "split", "split_reversed")
ROUNDS = ("whole", "master_only", "changed_only", "instance_only")
DELETIONS = ("absent", "removed", "cancelled")


@pytest.fixture
def outlook(emulator):
    return prepare(emulator)


def seed_series(outlook, series=8, occurrences=8, singles=20):
    masters = []
    for n in range(series):
        start = NOW + timedelta(days=1 + n, hours=n % 5)
        masters.append(outlook.create_event(OWNER, graph_event(
            f"Series {n}", start, recurrence=weekly(start, occurrences))))
    for n in range(singles):
        outlook.create_event(OWNER, graph_event(f"Single {n}", NOW + timedelta(days=n % 9)))
    return masters


def occurrence_counts(store):
    counts = {}
    for values in store.active_events().values():
        counts[values.subject] = counts.get(values.subject, 0) + 1
    return counts


def instances(outlook, master):
    return make_client(outlook).list_instances(master["id"], NOW - timedelta(days=30),
                                               NOW + timedelta(days=90))


@pytest.mark.parametrize("paging", PAGINGS)
def test_a_first_import_split_across_pages_keeps_every_occurrence(outlook, paging):
    outlook.set_options(series_paging=paging)
    seed_series(outlook)
    store = MemoryStore()
    report = sync(outlook, store, client=make_client(outlook, page_size=7))
    assert not report.errors
    counts = occurrence_counts(store)
    assert all(counts[f"Series {n}"] == 8 for n in range(8)), counts
    assert sum(1 for s in counts if s.startswith("Single")) == 20
    occurrence_links = [link for link in store.links.values() if link.series_master_id]
    assert len(occurrence_links) == 8 * 7  # every occurrence but the first is linked


@pytest.mark.parametrize("paging", PAGINGS)
@pytest.mark.parametrize("rounds", ROUNDS)
@pytest.mark.parametrize("deletion", DELETIONS)
def test_an_edited_and_a_deleted_occurrence_change_only_those(outlook, paging, rounds,
                                                              deletion):
    outlook.set_options(series_paging=paging, incremental_series=rounds,
                        deleted_occurrence=deletion)
    masters = seed_series(outlook, series=3)
    store = MemoryStore()
    first = sync(outlook, store)
    target = masters[1]
    listed = instances(outlook, target)
    outlook.update_event(OWNER, listed[2]["id"], {"subject": "Series 1 (moved)"})
    outlook.delete_event(OWNER, listed[5]["id"])

    report = sync(outlook, store, first.delta_link)

    assert not report.errors
    counts = occurrence_counts(store)
    assert counts["Series 0"] == 8 and counts["Series 2"] == 8
    assert counts["Series 1 (moved)"] == 1
    assert counts["Series 1"] == 6, "only the deleted occurrence leaves Odoo"
    # And once more with nothing changed: nothing moves.
    again = sync(outlook, store, report.delta_link)
    assert again.counts == {}
    assert occurrence_counts(store) == counts


@pytest.mark.parametrize("rounds", ROUNDS)
def test_a_master_edit_reaches_every_occurrence_and_deletes_none(outlook, rounds):
    outlook.set_options(incremental_series=rounds)
    (master,) = seed_series(outlook, series=1, singles=0)
    store = MemoryStore()
    first = sync(outlook, store)
    outlook.update_event(OWNER, master["id"], {"location": {"displayName": "Room 4"}})
    report = sync(outlook, store, first.delta_link)
    assert not report.errors
    assert occurrence_counts(store) == {"Series 0": 8}


@pytest.mark.parametrize("resend", (0.0, 1.0))
def test_resent_unchanged_events_change_nothing(outlook, resend):
    outlook.set_options(resend_unchanged=resend, incremental_series="changed_only")
    seed_series(outlook, series=2)
    store = MemoryStore()
    first = sync(outlook, store)
    before = occurrence_counts(store)
    outlook.create_event(OWNER, graph_event("New one", NOW + timedelta(days=3)))
    report = sync(outlook, store, first.delta_link)
    assert report.counts == {"created_in_odoo": 1}
    assert occurrence_counts(store) == {**before, "New one": 1}


def test_what_odoo_cannot_keep_of_a_repeat_rule_is_said(outlook):
    start = NOW + timedelta(days=2)
    outlook.create_event(OWNER, graph_event("Two Tuesdays", start, recurrence={
        "pattern": {"type": "relativeMonthly", "interval": 1, "index": "first",
                    "daysOfWeek": ["tuesday", "thursday"]},
        "range": {"type": "numbered", "startDate": start.strftime("%Y-%m-%d"),
                  "numberOfOccurrences": 3}}))
    store = MemoryStore()
    report = sync(outlook, store)
    (notice,) = report.notices
    assert notice.render() == ('"Two Tuesdays": Odoo repeats on one weekday only: it keeps '
                               "Tuesday of Tuesday, Thursday.")
    (base,) = [i for i, e in store.events.items() if e.series_of is None]
    assert store.notes[base] == ["Odoo repeats on one weekday only: it keeps Tuesday of "
                                 "Tuesday, Thursday."]
