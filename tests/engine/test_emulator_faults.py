"""Injected faults: throttling, server errors, lost connections, slow answers."""

import pytest
import requests


def event(subject="Fault test", transaction=None):
    payload = {"subject": subject,
               "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
               "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"}}
    if transaction:
        payload["transactionId"] = transaction
    return payload


def subjects(mailbox):
    return [e["subject"] for e in mailbox.get("/me/events").json()["value"]]


def test_throttling_answers_429_with_retry_after_once(mailbox, emulator):
    emulator.add_fault("GET", "/v1.0/me/events", "status", status=429, retry_after=3)
    throttled = mailbox.get("/me/events")
    assert throttled.status_code == 429
    assert throttled.headers["Retry-After"] == "3"
    assert throttled.json()["error"]["code"] == "ApplicationThrottled"
    assert mailbox.get("/me/events").status_code == 200


@pytest.mark.parametrize("status", [500, 503, 504])
def test_server_errors_for_the_given_number_of_times(mailbox, emulator, status):
    emulator.add_fault("POST", "/v1.0/me/events", "status", times=2, status=status)
    assert [mailbox.post("/me/events", json=event()).status_code for _ in range(3)] == [
        status, status, 201]
    assert subjects(mailbox) == ["Fault test"]


def test_dropped_connection_before_the_write_changes_nothing(mailbox, emulator):
    emulator.add_fault("POST", "/v1.0/me/events", "drop")
    with pytest.raises(requests.ConnectionError):
        mailbox.post("/me/events", json=event())
    assert subjects(mailbox) == []


def test_lost_response_after_the_write_and_an_idempotent_retry(mailbox, emulator):
    emulator.add_fault("POST", "/v1.0/me/events", "drop", after_apply=True)
    with pytest.raises(requests.ConnectionError):
        mailbox.post("/me/events", json=event(transaction="odoo-7"))
    assert subjects(mailbox) == ["Fault test"]           # the write happened
    retry = mailbox.post("/me/events", json=event(transaction="odoo-7"))
    assert retry.status_code == 201
    assert subjects(mailbox) == ["Fault test"]           # and was not made twice


def test_a_slow_answer_times_a_client_out(mailbox, emulator):
    emulator.add_fault("GET", "/v1.0/me", "delay", delay=1.0)
    with pytest.raises(requests.Timeout):
        mailbox.session.get(mailbox.url("/me"), timeout=0.2)


def test_glob_regex_and_any_method_patterns(mailbox, emulator):
    created = mailbox.post("/me/events", json=event()).json()
    emulator.add_fault("*", "/v1.0/me/events/*", "status", status=503, times=None)
    assert mailbox.get(f"/me/events/{created['id']}").status_code == 503
    assert mailbox.patch(f"/me/events/{created['id']}", json={"subject": "x"}).status_code == (
        503)
    assert mailbox.get("/me/events").status_code == 200
    emulator.clear_faults()
    emulator.add_fault("GET", r"re:/v1\.0/me/calendarView(/delta)?", "status", status=500)
    assert mailbox.get("/me/calendarView/delta").status_code == 500


def test_faulted_requests_are_still_counted(mailbox, emulator):
    emulator.reset_counters()
    emulator.add_fault("GET", "/v1.0/me", "status", status=503)
    mailbox.get("/me")
    mailbox.get("/me")
    assert emulator.counters()["requests"]["GET /v1.0/me"] == 2


def test_the_token_endpoint_can_fail_too(emulator):
    emulator.add_fault("POST", "/*/oauth2/v2.0/token", "status", status=503, retry_after=1)
    answer = requests.post(f"{emulator.base_url}/common/oauth2/v2.0/token", timeout=10,
                           data={"grant_type": "refresh_token"})
    assert answer.status_code == 503


def test_faults_never_touch_the_control_routes(emulator):
    emulator.add_fault("*", "*", "status", status=500, times=None)
    assert requests.get(f"{emulator.base_url}/_emulator/counters", timeout=10).status_code == 200


def test_unknown_fault_kind_is_refused(emulator):
    with pytest.raises(ValueError):
        emulator.add_fault("GET", "/v1.0/me", "explode")


def test_mangle_sends_a_malformed_payload_for_the_chosen_event_only(mailbox, emulator):
    mailbox.post("/me/events", json=event("Broken"))
    mailbox.post("/me/events", json=event("Fine"))
    emulator.add_fault("GET", "/v1.0/me/events", "mangle", subject="Broken",
                       replace={"start": {"dateTime": "not a time"}})
    listed = {e["subject"]: e for e in mailbox.get("/me/events").json()["value"]}
    assert listed["Broken"]["start"] == {"dateTime": "not a time"}
    assert listed["Fine"]["start"]["dateTime"].startswith("2025-01-02T09:00:00")
    stored = {e["subject"]: e for e in mailbox.get("/me/events").json()["value"]}
    assert stored["Broken"]["start"]["dateTime"].startswith("2025-01-02T09:00:00")


def test_mangle_needs_the_properties_to_write(emulator):
    with pytest.raises(ValueError, match="replace"):
        emulator.add_fault("GET", "/v1.0/me/events", "mangle")
