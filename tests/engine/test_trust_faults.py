"""Nothing lost, nothing duplicated, nothing wrongly deleted: under throttling, lost answers,
refusals, a withdrawn sign-in, a crash at any step, a poisoned event and a wipe."""

from collections import Counter
from datetime import timedelta

import pytest
from memory_store import Crash, MemoryStore
from sync_helpers import NOW, OWNER, graph_event, make_client, odoo_values, prepare, sync, weekly

from engine.errors import ConsentRevoked
from engine.event_values import Attendee


@pytest.fixture
def outlook(emulator):
    return prepare(emulator)


def outlook_subjects(outlook):
    return Counter(event["subject"] for event in outlook.events(OWNER))


def odoo_subjects(store):
    return Counter(values.subject for values in store.active_events().values())


def assert_in_step(outlook, store, expected, in_odoo=None):
    """Both sides hold exactly these subjects once each (Outlook lists a series once, Odoo
    has an event per occurrence: ``in_odoo``), and every Odoo event is linked."""
    assert outlook_subjects(outlook) == Counter(expected)
    assert odoo_subjects(store) == Counter(in_odoo or expected)
    linked = {link.local_id for link in store.links.values()}
    assert set(store.active_events()) <= linked


def sync_until_done(outlook, store, delta_link=None, runs=12, **options):
    for _ in range(runs):
        report = sync(outlook, store, delta_link, **options)
        delta_link = report.delta_link
        if not store.outbox:
            return report
    raise AssertionError(f"{len(store.outbox)} changes still queued after {runs} runs")


def create_in_odoo(store, count, prefix="Odoo"):
    return [store.user_creates(odoo_values(f"{prefix} {n:03}", NOW + timedelta(hours=n + 1)))
            for n in range(count)]


# -- Outlook says "later" or "never" ------------------------------------------------------


def test_throttling_and_lost_answers_lose_and_duplicate_nothing(outlook):
    outlook.add_fault("POST", "/v1.0/me/events", "status", status=429, retry_after=0,
                      times=None, probability=0.3)
    outlook.add_fault("POST", "/v1.0/$batch", "drop", after_apply=True, times=None,
                      probability=0.1)
    store = MemoryStore()
    create_in_odoo(store, 200)
    sync_until_done(outlook, store)
    outlook.clear_faults()
    assert_in_step(outlook, store, [f"Odoo {n:03}" for n in range(200)])
    assert outlook.counters()["faults"], "faults were injected"


def test_a_change_outlook_cannot_take_now_stays_queued_and_goes_later(outlook):
    outlook.add_fault("POST", "/v1.0/me/events", "status", status=503, times=None)
    store = MemoryStore()
    create_in_odoo(store, 3)
    report = sync(outlook, store, waits=[])
    assert report.waiting == 3 and len(store.outbox) == 3
    assert outlook_subjects(outlook) == Counter()
    outlook.clear_faults()
    sync(outlook, store, report.delta_link)
    assert_in_step(outlook, store, ["Odoo 000", "Odoo 001", "Odoo 002"])


def test_a_refused_change_is_shown_kept_apart_and_goes_once_fixed(outlook):
    store = MemoryStore()
    nobody = Attendee("not an address", "X", "needsAction")
    bad = store.user_creates(odoo_values("Broken invitation", NOW + timedelta(days=1),
                                         attendees=[nobody]))
    create_in_odoo(store, 2)
    report = sync(outlook, store)
    (error,) = report.errors
    assert error.subject == "Broken invitation" and error.local_id == bad
    assert bad in store.refused() and bad not in store.outbox
    assert outlook_subjects(outlook) == Counter(["Odoo 000", "Odoo 001"])
    again = sync(outlook, store, report.delta_link)
    assert again.counts == {} and not again.errors, "a refused change is not sent again as is"
    store.user_edits(bad, attendees=())
    sync(outlook, store, again.delta_link)
    assert_in_step(outlook, store, ["Broken invitation", "Odoo 000", "Odoo 001"])


def test_a_sign_in_withdrawn_during_a_push_stops_the_run_and_loses_nothing(outlook):
    store = MemoryStore()
    create_in_odoo(store, 200)
    outlook.add_fault("*", "/v1.0/*", "revoke", after_requests=4, email=OWNER)
    with pytest.raises(ConsentRevoked):
        sync(outlook, store)
    pushed = outlook_subjects(outlook)
    assert 0 < sum(pushed.values()) < 200
    assert len(store.outbox) == 200 - sum(pushed.values()), "what reached Outlook is linked"
    assert len(store.links) == sum(pushed.values())
    outlook.clear_faults()
    sync_until_done(outlook, store)  # the user signed in again: a new token
    assert_in_step(outlook, store, [f"Odoo {n:03}" for n in range(200)])


# -- A crash anywhere ---------------------------------------------------------------------


def crash_scenario(outlook):
    """A mailbox with events and a series, and Odoo events waiting to go."""
    outlook.reset()
    prepare(outlook)
    start = NOW + timedelta(days=2)
    outlook.create_event(OWNER, graph_event("Series", start, recurrence=weekly(start, 3)))
    for n in range(2):
        outlook.create_event(OWNER, graph_event(f"Outlook {n}", NOW + timedelta(days=n + 1)))
    store = MemoryStore()
    create_in_odoo(store, 21)  # two batches
    return store


def expected_after_crash(occurrences=1):
    return ["Series"] * occurrences + [f"Outlook {n}" for n in range(2)] + [
        f"Odoo {n:03}" for n in range(21)]


def store_calls_of_one_run(outlook):
    store = crash_scenario(outlook)
    sync(outlook, store)
    return store.calls


def test_a_crash_at_any_step_then_a_new_run_loses_and_duplicates_nothing(outlook):
    total = store_calls_of_one_run(outlook)
    for crash_at in range(1, total + 1):
        store = crash_scenario(outlook)
        store.crash_at = crash_at
        with pytest.raises(Crash):
            sync(outlook, store)
        store.recover()
        # The user edits an event meanwhile: a retried creation must not become a second one.
        store.user_edits(1, location="Room 9")
        sync_until_done(outlook, store)
        assert_in_step(outlook, store, expected_after_crash(), expected_after_crash(3))


def test_an_edit_made_while_its_event_is_being_sent_is_not_lost(outlook):
    store = MemoryStore()
    (local_id,) = create_in_odoo(store, 1)
    # The user renames the event right after the run read it, before Outlook has it.
    store.during_run = ("transaction_ids", lambda s: s.user_edits(local_id, subject="Renamed"))
    report = sync(outlook, store)
    assert outlook_subjects(outlook) == Counter(["Odoo 000"])
    assert store.outbox == {local_id}, "the newer edit is still queued"
    sync(outlook, store, report.delta_link)
    assert_in_step(outlook, store, ["Renamed"])


# -- One bad event ---------------------------------------------------------------------------


class PoisonStore(MemoryStore):
    """Odoo refuses to save one event (a constraint, a bad value...)."""

    poison = "Poison"

    def create_local(self, items):
        if any(values.subject == self.poison for _state, values, _role in items):
            self._step()
            raise ValueError("this value is out of range")
        return super().create_local(items)


def test_one_event_odoo_cannot_save_is_reported_and_the_others_arrive(outlook):
    for n in range(5):
        outlook.create_event(OWNER, graph_event(f"Fine {n}", NOW + timedelta(days=n)))
    outlook.create_event(OWNER, graph_event("Poison", NOW + timedelta(days=2)))
    store = PoisonStore()
    report = sync(outlook, store)
    (error,) = report.errors
    assert error.subject == "Poison" and "out of range" in error.text()
    assert sorted(odoo_subjects(store)) == [f"Fine {n}" for n in range(5)]
    assert set(store.active_events()) == {link.local_id for link in store.links.values()}
    store.poison = None  # fixed: the next run reads the event again and brings it in
    sync(outlook, store, report.delta_link)
    assert "Poison" in odoo_subjects(store)


def test_an_out_of_range_value_from_outlook_is_reported_and_the_others_arrive(outlook):
    outlook.create_event(OWNER, graph_event("Fine", NOW + timedelta(days=1)))
    outlook.create_event(OWNER, graph_event("Far reminder", NOW + timedelta(days=1),
                                            isReminderOn=True,
                                            reminderMinutesBeforeStart=10**12))
    store = MemoryStore()
    report = sync(outlook, store)
    (error,) = report.errors
    assert error.subject == "Far reminder" and "reminder" in error.text()
    assert odoo_subjects(store) == Counter(["Fine"])


# -- The mass-deletion guard -----------------------------------------------------------------


def linked_calendar(outlook, count):
    store = MemoryStore()
    ids = create_in_odoo(store, count)
    report = sync(outlook, store)
    return store, ids, report.delta_link


def test_deleting_a_few_of_many_events_in_odoo_reaches_outlook(outlook):
    store, ids, delta_link = linked_calendar(outlook, 200)
    for local_id in ids[:11]:
        store.user_deletes(local_id)
    report = sync(outlook, store, delta_link)
    assert report.held is None
    assert report.counts["deleted_in_outlook"] == 11
    assert sum(outlook_subjects(outlook).values()) == 189


def test_a_wipe_in_outlook_is_held_until_the_user_confirms(outlook):
    store, _ids, delta_link = linked_calendar(outlook, 30)
    for event in outlook.events(OWNER)[:20]:
        outlook.delete_event(OWNER, event["id"])
    report = sync(outlook, store, delta_link)
    assert report.held.side == "odoo" and report.held.deletions == 20
    assert len(store.active_events()) == 30, "nothing deleted in Odoo yet"
    assert len(store.held()) == 20
    again = sync(outlook, store, report.delta_link)
    assert again.held.deletions == 20, "still held at the next run"
    confirmed = sync(outlook, store, again.delta_link, confirmed=True)
    assert confirmed.counts["deleted_in_odoo"] == 20 and not store.held()
    assert len(store.active_events()) == 10


def test_an_edit_beats_a_deletion_and_comes_back_as_a_new_outlook_event(outlook):
    for branch in ("creates_new", "returns_deleted", "conflict"):
        outlook.reset()
        prepare(outlook)
        outlook.set_options(transaction_id_after_delete=branch)
        store, (local_id,), delta_link = linked_calendar(outlook, 1)
        (event,) = outlook.events(OWNER)
        outlook.delete_event(OWNER, event["id"])
        store.user_edits(local_id, location="Room 2")
        sync(outlook, store, delta_link)
        assert_in_step(outlook, store, ["Odoo 000"])
        (again,) = outlook.events(OWNER)
        assert again["location"]["displayName"] == "Room 2", branch


def test_a_client_without_retries_still_converges(outlook):
    outlook.add_fault("POST", "/v1.0/me/events", "status", status=429, retry_after=0,
                      times=None, probability=0.5)
    store = MemoryStore()
    create_in_odoo(store, 40)
    delta_link = None
    for _ in range(15):
        report = sync(outlook, store, delta_link, client=make_client(outlook, max_retries=0))
        delta_link = report.delta_link
        if not store.outbox:
            break
    outlook.clear_faults()
    assert_in_step(outlook, store, [f"Odoo {n:03}" for n in range(40)])


# -- Sent without inviting anyone ---------------------------------------------------------------


def test_events_sent_without_invitations_never_invite_and_keep_their_attendees(outlook):
    store = MemoryStore()
    guests = [Attendee("ann@fabrikam.example", "Ann", "needsAction")]
    local_id = store.user_creates(odoo_values("Kick-off", NOW + timedelta(days=2),
                                              attendees=guests), withhold=True)
    report = sync(outlook, store)
    (event,) = outlook.events(OWNER)
    assert event["attendees"] == []
    assert "Ann &lt;ann@fabrikam.example&gt;" in event["body"]["content"]
    assert outlook.counters()["mail"]["invitation"] == 0
    # Moved in Outlook: Odoo takes the time and keeps its attendees and description.
    outlook.update_event(OWNER, event["id"], graph_event("Kick-off", NOW + timedelta(days=3)))
    again = sync(outlook, store, report.delta_link)
    assert store.events[local_id].values.attendees == tuple(guests)
    assert store.events[local_id].values.start == NOW + timedelta(days=3)
    # A guest added in Odoo: Outlook's description follows, still nobody is invited.
    store.user_edits(local_id, attendees=(*guests, Attendee("bo@fabrikam.example", "Bo",
                                                            "needsAction")))
    sync(outlook, store, again.delta_link)
    (event,) = outlook.events(OWNER)
    assert event["attendees"] == [] and "Bo &lt;bo@fabrikam.example&gt;" in event["body"][
        "content"]
    assert outlook.counters()["mail"]["invitation"] == 0
