"""JSON batching on the emulated Graph."""


def event(subject, transaction=None):
    payload = {"subject": subject,
               "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
               "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"}}
    if transaction:
        payload["transactionId"] = transaction
    return payload


def create_request(ident, subject, **extra):
    return {"id": ident, "method": "POST", "url": "/me/events", "body": event(subject),
            "headers": {"Content-Type": "application/json"}, **extra}


def batch(mailbox, requests):
    return mailbox.post("/$batch", json={"requests": requests})


def by_id(answer):
    return {item["id"]: item for item in answer.json()["responses"]}


def test_batch_runs_each_request_and_answers_per_id(mailbox):
    answer = batch(mailbox, [create_request("1", "A"), create_request("2", "B"),
                             {"id": "3", "method": "GET", "url": "/me/events/unknown"}])
    assert answer.status_code == 200
    responses = by_id(answer)
    assert responses["1"]["status"] == 201 and responses["1"]["body"]["subject"] == "A"
    assert responses["2"]["status"] == 201
    assert responses["3"]["status"] == 404
    assert responses["3"]["body"]["error"]["code"] == "ErrorItemNotFound"
    assert sorted(e["subject"] for e in mailbox.get("/me/events").json()["value"]) == ["A", "B"]


def test_batch_counts_itself_and_each_inner_route(mailbox, emulator):
    emulator.reset_counters()
    batch(mailbox, [create_request("1", "A"), {"id": "2", "method": "GET", "url": "/me"}])
    requests = emulator.counters()["requests"]
    assert requests["POST /v1.0/$batch"] == 1
    assert requests["POST /v1.0/me/events"] == 1
    assert requests["GET /v1.0/me"] == 1


def test_more_than_twenty_requests_is_refused(mailbox):
    answer = batch(mailbox, [create_request(str(n), f"E{n}") for n in range(21)])
    assert answer.status_code == 400
    assert mailbox.get("/me/events").json()["value"] == []


def test_duplicate_ids_are_refused(mailbox):
    answer = batch(mailbox, [create_request("1", "A"), create_request("1", "B")])
    assert answer.status_code == 400


def test_depends_on_orders_and_fails_dependents(mailbox):
    answer = batch(mailbox, [
        create_request("2", "Second", dependsOn=["1"]),
        {"id": "1", "method": "PATCH", "url": "/me/events/unknown",
         "body": {"subject": "x"}, "headers": {"Content-Type": "application/json"}},
        create_request("3", "Third"),
    ])
    responses = by_id(answer)
    assert responses["1"]["status"] == 404
    assert responses["2"]["status"] == 424
    assert responses["3"]["status"] == 201
    assert [r["id"] for r in answer.json()["responses"]] == ["1", "2", "3"]


def test_depends_on_an_unknown_id_is_refused(mailbox):
    assert batch(mailbox, [create_request("1", "A", dependsOn=["9"])]).status_code == 400


def test_a_fault_can_hit_one_inner_request(mailbox, emulator):
    emulator.add_fault("POST", "/v1.0/me/events", "status", status=429, retry_after=7)
    responses = by_id(batch(mailbox, [create_request("1", "A"), create_request("2", "B")]))
    assert responses["1"]["status"] == 429
    assert responses["1"]["headers"]["Retry-After"] == "7"
    assert responses["2"]["status"] == 201


def test_inner_requests_use_the_batch_token(mailbox, emulator):
    emulator.expire_access_tokens(mailbox.email)
    answer = batch(mailbox, [create_request("1", "A")])
    assert answer.status_code == 200
    assert by_id(answer)["1"]["status"] == 401
