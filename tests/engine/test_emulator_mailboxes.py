"""Meetings across emulated mailboxes, and the mail Outlook would send for them."""

import pytest

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@partner.example"
WINDOW = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2025-02-01T00:00:00Z"}


def meeting(subject="Review", attendees=(BOB, CAROL), **extra):
    return {"subject": subject,
            "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"},
            "attendees": [{"emailAddress": {"address": a}, "type": "required"}
                          for a in attendees], **extra}


@pytest.fixture
def alice(mailbox):
    return mailbox


@pytest.fixture
def bob(graph_user):
    return graph_user(BOB, "Bob Durand")


def mail(emulator):
    return emulator.counters()["mail"]


def bob_copy(emulator, organizer_event):
    copies = [e for e in emulator.events(BOB) if e["iCalUId"] == organizer_event["iCalUId"]]
    assert len(copies) == 1
    return copies[0]


def test_invitees_with_a_mailbox_get_their_own_copy(alice, bob, emulator):
    created = alice.post("/me/events", json=meeting(attendees=(BOB, CAROL, ALICE))).json()
    assert mail(emulator) == {"invitation": 2, "cancellation": 0, "update": 0}
    copy = bob_copy(emulator, created)
    assert copy["id"] != created["id"]
    assert copy["isOrganizer"] is False
    assert copy["responseStatus"]["response"] == "none"
    assert copy["organizer"]["emailAddress"]["address"] == ALICE
    assert bob.get(f"/me/events/{copy['id']}").json()["subject"] == "Review"


def test_time_change_mails_an_update_and_moves_the_copies(alice, bob, emulator):
    created = alice.post("/me/events", json=meeting()).json()
    emulator.reset_counters()
    alice.patch(f"/me/events/{created['id']}", json={
        "start": {"dateTime": "2025-01-03T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-01-03T10:00:00", "timeZone": "UTC"}})
    assert mail(emulator) == {"invitation": 0, "cancellation": 0, "update": 2}
    assert bob_copy(emulator, created)["start"]["dateTime"].startswith("2025-01-03")


def test_subject_only_change_mails_nobody_but_reaches_the_copies(alice, bob, emulator):
    created = alice.post("/me/events", json=meeting()).json()
    emulator.reset_counters()
    alice.patch(f"/me/events/{created['id']}", json={"subject": "Review (agenda inside)"})
    assert mail(emulator) == {"invitation": 0, "cancellation": 0, "update": 0}
    assert bob_copy(emulator, created)["subject"] == "Review (agenda inside)"


def test_added_and_removed_attendees(alice, bob, emulator):
    created = alice.post("/me/events", json=meeting(attendees=(CAROL,))).json()
    emulator.reset_counters()
    alice.patch(f"/me/events/{created['id']}", json=meeting(attendees=(BOB,)))
    assert mail(emulator) == {"invitation": 1, "cancellation": 1, "update": 0}
    assert {(m["kind"], m["to"]) for m in emulator.sent_mail()} == {
        ("invitation", BOB), ("cancellation", CAROL)}
    alice.patch(f"/me/events/{created['id']}", json={"attendees": []})
    copy = bob_copy(emulator, created)
    assert copy["isCancelled"] is True and copy["subject"].startswith("Canceled: ")


def test_organizer_deleting_cancels_for_everyone(alice, bob, emulator):
    created = alice.post("/me/events", json=meeting()).json()
    emulator.reset_counters()
    assert alice.delete(f"/me/events/{created['id']}").status_code == 204
    assert mail(emulator) == {"invitation": 0, "cancellation": 2, "update": 0}
    assert bob_copy(emulator, created)["isCancelled"] is True


def test_attendee_answer_reaches_the_organizer(alice, bob, emulator):
    created = alice.post("/me/events", json=meeting()).json()
    copy = bob_copy(emulator, created)
    delta_link = alice.get("/me/calendarView/delta", params=WINDOW).json()["@odata.deltaLink"]
    answer = bob.post(f"/me/events/{copy['id']}/accept",
                      json={"comment": "See you", "sendResponse": True})
    assert answer.status_code == 202
    assert bob.get(f"/me/events/{copy['id']}").json()["responseStatus"]["response"] == (
        "accepted")
    organizer_view = alice.get(f"/me/events/{created['id']}").json()
    statuses = {a["emailAddress"]["address"]: a["status"]["response"]
                for a in organizer_view["attendees"]}
    assert statuses == {BOB: "accepted", CAROL: "none"}
    changed = alice.get(delta_link).json()["value"]
    assert [item["id"] for item in changed] == [created["id"]]


def test_decline_and_tentative_through_the_python_api(alice, bob, emulator):
    created = alice.post("/me/events", json=meeting()).json()
    copy = bob_copy(emulator, created)
    emulator.respond(BOB, copy["id"], "tentativelyAccept")
    assert emulator.get_event(BOB, copy["id"])["responseStatus"]["response"] == (
        "tentativelyAccepted")
    emulator.respond(BOB, copy["id"], "decline")
    assert emulator.get_event(BOB, copy["id"])["responseStatus"]["response"] == "declined"
    organizer_view = emulator.get_event(ALICE, created["id"])
    assert organizer_view["attendees"][0]["status"]["response"] == "declined"


def test_the_organizer_cannot_answer_their_own_meeting(alice, emulator):
    created = alice.post("/me/events", json=meeting()).json()
    assert alice.post(f"/me/events/{created['id']}/decline", json={}).status_code == 400


def test_python_api_writes_count_mail_and_seeding_does_not(alice, emulator):
    emulator.seed(ALICE, 50)
    assert mail(emulator) == {"invitation": 0, "cancellation": 0, "update": 0}
    created = emulator.create_event(ALICE, meeting())
    emulator.update_event(ALICE, created["id"], {"location": {"displayName": "Room 2"}})
    emulator.delete_event(ALICE, created["id"])
    assert mail(emulator) == {"invitation": 2, "cancellation": 2, "update": 2}


def test_mailbox_addresses_compare_case_insensitively(alice, emulator):
    emulator.add_mailbox("Bob@Example.com")
    created = alice.post("/me/events", json=meeting(attendees=(BOB,))).json()
    assert bob_copy(emulator, created)["isOrganizer"] is False


def test_occurrence_changes_mail_and_reach_the_copies(alice, bob, emulator):
    master = alice.post("/me/events", json=meeting(recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2025-01-02", "numberOfOccurrences": 3}})
    ).json()
    occurrences = alice.get(f"/me/events/{master['id']}/instances", params=WINDOW).json()
    emulator.reset_counters()
    alice.patch(f"/me/events/{occurrences['value'][1]['id']}", json={
        "start": {"dateTime": "2025-01-03T15:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-01-03T16:00:00", "timeZone": "UTC"}})
    alice.delete(f"/me/events/{occurrences['value'][2]['id']}")
    assert mail(emulator) == {"invitation": 0, "cancellation": 2, "update": 2}
    copy = bob_copy(emulator, master)
    bob_instances = bob.get(f"/me/events/{copy['id']}/instances", params=WINDOW).json()
    assert [(i["type"], i["start"]["dateTime"][:13]) for i in bob_instances["value"]] == [
        ("occurrence", "2025-01-02T09"), ("exception", "2025-01-03T15")]
