"""Meetings a mailbox holds without being their organizer: an imported copy of another
mailbox's meeting, and an invitation from an outside or claimed organizer."""

import pytest
from graph_emulator import EmulatorClient

ALICE, BOB, CAROL = "alice@example.com", "bob@example.com", "carol@partner.example"
NO_MAIL = {"invitation": 0, "cancellation": 0, "update": 0}


def meeting(subject="Review", attendees=(CAROL,), **extra):
    return {"subject": subject,
            "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"},
            "attendees": [{"emailAddress": {"address": a}} for a in attendees], **extra}


def addresses(shaped):
    return [a["emailAddress"]["address"].lower() for a in shaped["attendees"]]


@pytest.fixture
def two_mailboxes(emulator):
    emulator.add_mailbox(ALICE, "Alice Martin")
    emulator.add_mailbox(BOB, "Bob Durand")
    return emulator


def test_an_imported_copy_is_neither_organized_nor_attended(two_mailboxes):
    emulator = two_mailboxes
    original = emulator.create_event(ALICE, meeting())
    emulator.reset_counters()
    copy = emulator.import_copy(BOB, ALICE, original["id"])
    assert copy["iCalUId"] == original["iCalUId"] and copy["id"] != original["id"]
    assert copy["isOrganizer"] is False
    assert copy["organizer"]["emailAddress"]["address"] == ALICE
    assert BOB not in addresses(copy) and addresses(copy) == [CAROL]
    assert emulator.counters()["mail"] == NO_MAIL
    assert [e["id"] for e in emulator.events(BOB)] == [copy["id"]]


def test_later_changes_to_the_original_never_reach_the_copy(two_mailboxes):
    emulator = two_mailboxes
    original = emulator.create_event(ALICE, meeting())
    copy = emulator.import_copy(BOB, ALICE, original["id"])
    emulator.update_event(ALICE, original["id"], {"subject": "Review, moved"})
    emulator.delete_event(ALICE, original["id"])
    kept = emulator.get_event(BOB, copy["id"])
    assert kept["subject"] == "Review" and kept["isCancelled"] is False


def test_an_imported_series_keeps_its_exceptions(two_mailboxes):
    emulator = two_mailboxes
    original = emulator.create_event(ALICE, meeting(recurrence={
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2025-01-02", "numberOfOccurrences": 3}}))
    occurrence = original["id"][:-4] + "OCC20250103090000AAA="
    emulator.update_event(ALICE, occurrence, {"subject": "Special"})
    copy = emulator.import_copy(BOB, ALICE, original["id"])
    assert copy["type"] == "seriesMaster"
    special = emulator.get_event(BOB, copy["id"][:-4] + "OCC20250103090000AAA=")
    assert special["type"] == "exception" and special["subject"] == "Special"


def test_an_attendee_or_the_organizer_cannot_import(two_mailboxes):
    emulator = two_mailboxes
    original = emulator.create_event(ALICE, meeting(attendees=(BOB,)))
    with pytest.raises(ValueError, match="own copy"):
        emulator.import_copy(BOB, ALICE, original["id"])
    with pytest.raises(ValueError, match="own copy"):
        emulator.import_copy(ALICE, ALICE, original["id"])


def test_an_invitation_from_an_outside_organizer(two_mailboxes):
    emulator = two_mailboxes
    invited = emulator.deliver_invitation(BOB, meeting("Partner call"), "ceo@partner.example",
                                          organizer_name="Partner CEO")
    assert invited["isOrganizer"] is False
    assert invited["responseStatus"]["response"] == "none"
    assert invited["organizer"]["emailAddress"] == {"name": "Partner CEO",
                                                    "address": "ceo@partner.example"}
    assert BOB in addresses(invited) and CAROL in addresses(invited)
    assert emulator.counters()["mail"] == NO_MAIL
    emulator.respond(BOB, invited["id"], "accept")
    assert emulator.sent_mail()[-1] == {"kind": "response", "to": "ceo@partner.example",
                                        "subject": "Partner call"}


def test_an_invitation_claiming_an_emulated_organizer_who_holds_no_such_meeting(
        two_mailboxes, graph_user):
    emulator = two_mailboxes
    ical = "040000008200E00074C5B7101A82E00800000000SPOOFED0000000000000000000000000001"
    invited = emulator.deliver_invitation(BOB, meeting("Claimed"), ALICE, ical_uid=ical)
    assert invited["iCalUId"] == ical
    assert invited["organizer"]["emailAddress"]["address"] == ALICE
    assert emulator.events(ALICE) == []
    bob = graph_user(BOB)
    assert bob.post(f"/me/events/{invited['id']}/decline", json={}).status_code == 202
    assert emulator.events(ALICE) == []
    with pytest.raises(ValueError, match="iCalUId"):
        emulator.deliver_invitation(BOB, meeting("Again"), ALICE, ical_uid=ical)


def test_shared_meeting_shapes_over_http(two_mailboxes):
    emulator = two_mailboxes
    client = EmulatorClient(emulator.base_url)
    original = client.create_event(email=ALICE, graph_json=meeting())
    copy = client.import_copy(email=BOB, source_email=ALICE, event_id=original["id"])
    invited = client.deliver_invitation(email=BOB, graph_json=meeting("Outside"),
                                        organizer_email="someone@elsewhere.example")
    assert {e["id"] for e in emulator.events(BOB)} == {copy["id"], invited["id"]}
