"""A "revoke" fault: consent withdrawn after a number of a mailbox's Graph requests, as if
the user revoked the app in the middle of a push."""

import pytest
import requests
from conftest import EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET


def event(subject):
    return {"subject": subject,
            "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"}}


def refresh(emulator, refresh_token):
    return requests.post(f"{emulator.base_url}/common/oauth2/v2.0/token", timeout=10, data={
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": EMULATOR_CLIENT_ID, "client_secret": EMULATOR_CLIENT_SECRET})


def test_consent_is_revoked_after_the_given_number_of_requests(mailbox, emulator):
    mailbox.get("/me")                           # before the fault: not counted
    emulator.add_fault("*", "/v1.0/*", "revoke", email=mailbox.email, after_requests=2)
    assert [mailbox.get("/me").status_code for _ in range(3)] == [200, 200, 401]
    assert mailbox.get("/me").json()["error"]["code"] == "InvalidAuthenticationToken"
    refused = refresh(emulator, mailbox.refresh_token)
    assert refused.status_code == 400
    assert refused.json()["error"] == "invalid_grant"
    assert "AADSTS50173" in refused.json()["error_description"]
    assert emulator.counters()["faults"] == {"revoke": 1}


def test_only_matching_requests_of_that_mailbox_count(graph_user, emulator):
    alice, bob = graph_user("alice@example.com"), graph_user("bob@example.com")
    emulator.add_fault("POST", "/v1.0/me/events", "revoke", email="Alice@Example.com",
                       after_requests=1)
    assert bob.post("/me/events", json=event("Bob's")).status_code == 201
    assert alice.get("/me").status_code == 200
    assert alice.post("/me/events", json=event("Alice's")).status_code == 201
    assert alice.get("/me").status_code == 401
    assert bob.get("/me").status_code == 200


def test_inner_batch_requests_after_the_revocation_answer_401(mailbox, emulator):
    emulator.add_fault("POST", "/v1.0/me/events", "revoke", email=mailbox.email,
                       after_requests=2)
    answer = mailbox.post("/$batch", json={"requests": [
        {"id": str(n), "method": "POST", "url": "/me/events", "body": event(f"E{n}"),
         "headers": {"Content-Type": "application/json"}} for n in range(4)]})
    assert answer.status_code == 200
    assert [item["status"] for item in answer.json()["responses"]] == [201, 201, 401, 401]
    assert sorted(e["subject"] for e in emulator.events(mailbox.email)) == ["E0", "E1"]


def test_zero_requests_revokes_at_once(mailbox, emulator):
    emulator.add_fault("*", "*", "revoke", email=mailbox.email, after_requests=0)
    assert mailbox.get("/me").status_code == 401


@pytest.mark.parametrize("arguments", [
    {"after_requests": 2},
    {"email": "alice@example.com"},
    {"email": "alice@example.com", "after_requests": -1},
    {"email": "alice@example.com", "after_requests": 2, "probability": 0.5},
])
def test_a_revoke_fault_needs_a_mailbox_and_a_count(emulator, arguments):
    with pytest.raises(ValueError):
        emulator.add_fault("*", "*", "revoke", **arguments)
