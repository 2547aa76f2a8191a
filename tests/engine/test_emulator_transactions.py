"""transactionId: a retry gets the first event back; after its deletion, each choice the
live service may make (transaction_id_after_delete)."""

import pytest


def event(subject="Planning", transaction="odoo-7-create"):
    return {"subject": subject, "transactionId": transaction,
            "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"}}


def created_then_deleted(mailbox):
    first = mailbox.post("/me/events", json=event()).json()
    assert mailbox.delete(f"/me/events/{first['id']}").status_code == 204
    return first


def listed(mailbox):
    return mailbox.get("/me/events").json()["value"]


def test_by_default_the_id_of_a_deleted_event_creates_a_new_one(mailbox, emulator):
    assert emulator.options()["transaction_id_after_delete"] == "creates_new"
    first = created_then_deleted(mailbox)
    again = mailbox.post("/me/events", json=event("Planning, again"))
    assert again.status_code == 201 and again.json()["id"] != first["id"]
    assert [e["subject"] for e in listed(mailbox)] == ["Planning, again"]


def test_returns_deleted_answers_the_former_event_that_no_longer_exists(mailbox, emulator):
    emulator.set_options(transaction_id_after_delete="returns_deleted")
    first = created_then_deleted(mailbox)
    again = mailbox.post("/me/events", json=event("Planning, again"))
    assert again.status_code == 201
    body = again.json()
    assert body["id"] == first["id"] and body["subject"] == "Planning"
    assert body["changeKey"] == first["changeKey"]
    assert mailbox.get(f"/me/events/{first['id']}").status_code == 404
    assert listed(mailbox) == []


def test_conflict_refuses_the_id(mailbox, emulator):
    emulator.set_options(transaction_id_after_delete="conflict")
    created_then_deleted(mailbox)
    again = mailbox.post("/me/events", json=event("Planning, again"))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "ErrorDuplicateTransactionId"
    assert listed(mailbox) == []


@pytest.mark.parametrize("choice", ["creates_new", "returns_deleted", "conflict"])
def test_a_live_event_is_returned_whatever_the_choice(mailbox, emulator, choice):
    emulator.set_options(transaction_id_after_delete=choice)
    first = mailbox.post("/me/events", json=event()).json()
    retry = mailbox.post("/me/events", json=event("Retry"))
    assert retry.status_code == 201 and retry.json()["id"] == first["id"]
    assert len(listed(mailbox)) == 1


def test_the_python_api_follows_the_same_choice(mailbox, emulator):
    emulator.set_options(transaction_id_after_delete="returns_deleted")
    first = emulator.create_event(mailbox.email, event())
    emulator.delete_event(mailbox.email, first["id"])
    assert emulator.create_event(mailbox.email, event("Other"))["id"] == first["id"]
    assert emulator.events(mailbox.email) == []
