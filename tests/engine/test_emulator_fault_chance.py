"""Faults met by chance: a seeded draw per request, so a run repeats exactly."""

import pytest
import requests


def event(subject, transaction=None):
    payload = {"subject": subject,
               "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
               "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"}}
    if transaction:
        payload["transactionId"] = transaction
    return payload


def statuses(mailbox, count=100):
    return [mailbox.get("/me").status_code for _ in range(count)]


def test_a_fault_with_a_probability_hits_some_requests_forever(mailbox, emulator):
    emulator.add_fault("GET", "/v1.0/me", "status", status=503, probability=0.3, times=None)
    seen = statuses(mailbox, 200)
    failed = seen.count(503)
    assert 30 <= failed <= 90 and seen.count(200) == 200 - failed
    assert 503 in seen[150:]                          # still there after many requests
    assert emulator.counters()["faults"] == {"status": failed}


def test_the_same_seed_draws_the_same_faults(graph_user, emulator):
    def run():
        mailbox = graph_user("alice@example.com")
        emulator.add_fault("GET", "/v1.0/me", "status", status=429, probability=0.5,
                           times=None)
        return statuses(mailbox, 40)

    first = run()
    emulator.reset()
    assert run() == first
    assert 0 < first.count(429) < 40


def test_times_caps_the_faults_met_by_chance(mailbox, emulator):
    emulator.add_fault("GET", "/v1.0/me", "status", status=503, probability=0.5, times=2)
    seen = statuses(mailbox, 60)
    assert seen.count(503) == 2
    assert 503 not in seen[seen.index(503, seen.index(503) + 1) + 1:]


def test_lost_answers_after_the_write_by_chance(mailbox, emulator):
    emulator.add_fault("POST", "/v1.0/me/events", "drop", after_apply=True, probability=0.4,
                       times=None)
    lost = 0
    for number in range(30):
        try:
            answer = mailbox.post("/me/events", json=event(f"E{number}", f"odoo-{number}"))
            assert answer.status_code == 201
        except requests.ConnectionError:
            lost += 1
    assert 0 < lost < 30
    listed = emulator.events(mailbox.email)
    assert sorted(e["subject"] for e in listed) == sorted(f"E{n}" for n in range(30))
    assert emulator.counters()["faults"] == {"drop": lost}


def test_inner_batch_requests_meet_429_one_by_one(mailbox, emulator):
    emulator.add_fault("POST", "/v1.0/me/events", "status", status=429, retry_after=2,
                       probability=0.5, times=None)
    answer = mailbox.post("/$batch", json={"requests": [
        {"id": str(n), "method": "POST", "url": "/me/events", "body": event(f"E{n}"),
         "headers": {"Content-Type": "application/json"}} for n in range(20)]})
    assert answer.status_code == 200
    codes = [item["status"] for item in answer.json()["responses"]]
    assert set(codes) == {201, 429} and codes.count(429) == (
        emulator.counters()["faults"]["status"])
    throttled = next(item for item in answer.json()["responses"] if item["status"] == 429)
    assert throttled["headers"]["Retry-After"] == "2"
    assert len(emulator.events(mailbox.email)) == codes.count(201)


def test_no_faults_entry_until_a_fault_is_met(mailbox, emulator):
    emulator.add_fault("GET", "/v1.0/me/calendar", "status", status=500)
    mailbox.get("/me")
    assert "faults" not in emulator.counters()
    mailbox.get("/me/calendar")
    assert emulator.counters()["faults"] == {"status": 1}
    emulator.reset_counters()
    assert "faults" not in emulator.counters()


@pytest.mark.parametrize("probability", [0, -0.1, 1.5, "often", True])
def test_a_probability_is_above_zero_and_at_most_one(emulator, probability):
    with pytest.raises(ValueError, match="probability"):
        emulator.add_fault("GET", "/v1.0/me", "status", status=503, probability=probability)


def test_probability_over_http(mailbox, emulator):
    answer = requests.post(f"{emulator.base_url}/_emulator/add_fault", timeout=10, json={
        "method": "GET", "path_pattern": "/v1.0/me", "kind": "status", "status": 503,
        "probability": 1, "times": 3})
    assert answer.status_code == 200
    assert statuses(mailbox, 4) == [503, 503, 503, 200]


def test_a_throttled_answer_after_the_write(mailbox, emulator):
    emulator.add_fault("POST", "/v1.0/me/events", "status", status=429, after_apply=True)
    answer = mailbox.post("/me/events", json=event("Done anyway", "odoo-9"))
    assert answer.status_code == 429
    assert [e["subject"] for e in emulator.events(mailbox.email)] == ["Done anyway"]
