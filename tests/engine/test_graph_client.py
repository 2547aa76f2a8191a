"""The Graph client against the emulator: retries, throttling, delta, $batch, tokens."""

from datetime import UTC, datetime, timedelta

import pytest
from conftest import EMULATOR_CLIENT_ID

from engine.endpoints import endpoints_for
from engine.errors import (
    ConnectionFailed,
    ConsentRevoked,
    NotFound,
    RejectedPayload,
    ServiceUnavailable,
    SyncError,
    SyncStateExpired,
    Throttled,
)
from engine.graph_client import BatchRequest, GraphClient

EVENTS = "/v1.0/me/events"
ONE_EVENT = "/v1.0/me/events/*"
DELTA_ROUTE = "GET /me/calendarView/delta"


class Waits(list):
    """Stands in for time.sleep: records what the client would have waited."""

    def __call__(self, seconds):
        self.append(seconds)


class TokenSource:
    """Hands out the mailbox's token; a forced refresh asks the emulator for a new one."""

    def __init__(self, emulator, email, token):
        self.emulator, self.email, self.token = emulator, email, token
        self.forced = 0

    def __call__(self, force_refresh=False):
        if force_refresh:
            self.forced += 1
            self.token = self.emulator.issue_tokens(self.email, EMULATOR_CLIENT_ID)["access_token"]
        return self.token


@pytest.fixture
def waits():
    return Waits()


@pytest.fixture
def tokens(emulator, mailbox):
    return TokenSource(emulator, mailbox.email, mailbox.token)


@pytest.fixture
def make_client(emulator, tokens, waits):
    endpoints = endpoints_for(graph_base=emulator.graph_url, allow_custom_hosts=True)

    def make(token_provider=tokens, **options):
        options.setdefault("timeout", (5, 10))
        return GraphClient(endpoints, token_provider, sleep=waits, **options)

    return make


@pytest.fixture
def client(make_client):
    return make_client()


def event_payload(subject, day=1, hours=1):
    start = datetime(2030, 5, day, 9, 0)
    end = start + timedelta(hours=hours)
    return {
        "subject": subject,
        "start": {"dateTime": start.isoformat(), "timeZone": "UTC"},
        "end": {"dateTime": end.isoformat(), "timeZone": "UTC"},
    }


def emulator_requests(emulator, route):
    return emulator.counters()["requests"].get(route, 0)


# --- retries --------------------------------------------------------------------------


def test_throttled_call_waits_exactly_what_outlook_said(emulator, mailbox, client, waits):
    emulator.add_fault("GET", "/v1.0/me", kind="status", status=429, retry_after=2, times=2)

    assert client.me()["mail"] == mailbox.email
    assert waits == [2, 2]
    assert client.stats["GET /me"] == 3


def test_retries_never_exceed_max_retries(emulator, mailbox, make_client, waits):
    client = make_client(max_retries=2)
    emulator.add_fault("GET", "/v1.0/me", kind="status", status=429, retry_after=1, times=None)

    with pytest.raises(Throttled) as info:
        client.me()
    assert info.value.retry_after == 1
    assert waits == [1, 1]
    assert emulator_requests(emulator, "GET /v1.0/me") == 3


def test_retry_after_longer_than_max_wait_is_left_to_the_caller(
    emulator, mailbox, make_client, waits
):
    client = make_client(max_wait=60)
    emulator.add_fault("GET", "/v1.0/me", kind="status", status=429, retry_after=300)

    with pytest.raises(Throttled) as info:
        client.me()
    assert info.value.retry_after == 300  # the sync run can come back to this user later
    assert waits == []


def test_server_errors_then_success_back_off_exponentially(emulator, mailbox, client, waits):
    emulator.add_fault("GET", "/v1.0/me", kind="status", status=503, times=1)
    emulator.add_fault("GET", "/v1.0/me", kind="status", status=504, times=1)

    assert client.me()["mail"] == mailbox.email
    assert waits == [0.5, 1.0]


def test_persistent_unavailability_becomes_service_unavailable(emulator, mailbox, client, waits):
    emulator.add_fault("GET", "/v1.0/me", kind="status", status=503, times=None)

    with pytest.raises(ServiceUnavailable) as info:
        client.me()
    assert waits == [0.5, 1.0, 2.0]
    assert "tried again automatically" in info.value.user_message


def test_internal_server_error_is_not_retried(emulator, mailbox, client, waits):
    emulator.add_fault("GET", "/v1.0/me", kind="status", status=500)

    with pytest.raises(ServiceUnavailable):
        client.me()
    assert waits == []


def test_lost_answer_to_a_create_leaves_exactly_one_event(emulator, mailbox, client, waits):
    # Outlook creates the event, then the connection drops before the answer arrives.
    emulator.add_fault("POST", "/v1.0/$batch", kind="drop", after_apply=True)

    (created,) = client.batch([BatchRequest.create("1", event_payload("Board meeting"),
                                                   "tx-board")])

    subjects = [event["subject"] for event in emulator.events(mailbox.email)]
    assert subjects == ["Board meeting"]
    assert emulator.get_event(mailbox.email, created.body["id"])["subject"] == "Board meeting"
    assert client.stats["POST /$batch"] == 2
    assert waits == [0.5]


def test_dropped_connections_give_up_after_max_retries(emulator, mailbox, client, waits):
    emulator.add_fault("GET", "/v1.0/me", kind="drop", times=None)

    with pytest.raises(ConnectionFailed) as info:
        client.me()
    assert len(waits) == 3
    assert "could not reach Microsoft" in info.value.user_message


def test_answer_to_an_invitation_is_not_repeated_after_a_lost_answer(
    emulator, mailbox, client, waits
):
    event = emulator.create_event(mailbox.email, event_payload("Invitation"))
    emulator.add_fault("POST", ONE_EVENT + "/accept", kind="drop", after_apply=True)

    with pytest.raises(ConnectionFailed):
        client.respond(event["id"], "accept")
    assert client.stats["POST /me/events/{id}/accept"] == 1
    assert waits == []


# --- tokens ---------------------------------------------------------------------------


def test_expired_token_is_refreshed_once_and_the_call_succeeds(emulator, mailbox, client, tokens):
    emulator.expire_access_tokens(mailbox.email)

    assert client.me()["mail"] == mailbox.email
    assert tokens.forced == 1
    assert client.stats["GET /me"] == 2


def test_revoked_consent_raises_consent_revoked(emulator, mailbox, make_client):
    # A token source that cannot get a better token (its refresh grant is revoked too).
    client = make_client(lambda force_refresh=False: mailbox.token)
    emulator.revoke(mailbox.email)

    with pytest.raises(ConsentRevoked) as info:
        client.me()
    assert "Reconnect your Outlook calendar with the Outlook button" in info.value.user_message
    assert client.stats["GET /me"] == 2  # one refresh attempt, then the error


def test_token_is_asked_for_every_request(emulator, mailbox, make_client):
    asked = []

    def provider(force_refresh=False):
        asked.append(force_refresh)
        return mailbox.token

    client = make_client(provider)
    client.me()
    client.me()
    assert asked == [False, False]


# --- events ---------------------------------------------------------------------------


def test_answers_use_utc_and_immutable_ids(emulator, mailbox, client):
    payload = event_payload("Lunch in Paris")
    payload["start"] = {"dateTime": "2030-05-01T12:00:00", "timeZone": "Romance Standard Time"}
    payload["end"] = {"dateTime": "2030-05-01T13:00:00", "timeZone": "Romance Standard Time"}

    (answer,) = client.batch([BatchRequest.create("1", payload, "tx-paris")])
    created = answer.body

    assert created["start"] == {"dateTime": "2030-05-01T10:00:00.0000000", "timeZone": "UTC"}
    # Immutable ids keep the link alive when the user moves the event to another folder.
    assert created["id"].startswith("AAkALgAA")


def test_same_transaction_id_returns_the_first_event(emulator, mailbox, client):
    (first,) = client.batch([BatchRequest.create("1", event_payload("Once"), "tx-once")])
    (again,) = client.batch([BatchRequest.create("1", event_payload("Once"), "tx-once")])
    assert again.body["id"] == first.body["id"]
    assert len(emulator.events(mailbox.email)) == 1


def test_refused_payload_carries_outlooks_reason(emulator, mailbox, client, waits):
    payload = event_payload("Backwards")
    payload["end"], payload["start"] = payload["start"], payload["end"]

    (answer,) = client.batch([BatchRequest.create("1", payload, "tx-backwards")])
    assert isinstance(answer.error, RejectedPayload)
    answer.error.subject = "Backwards"
    assert answer.error.status == 400
    assert answer.error.user_message.startswith('The event "Backwards" was refused by Outlook:')
    assert "end time must be later" in answer.error.user_message
    assert waits == []


def test_recurring_instances_are_listed_across_pages(emulator, mailbox, client):
    payload = event_payload("Daily stand-up")
    payload["recurrence"] = {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2030-05-01", "numberOfOccurrences": 15},
    }
    series = emulator.create_event(mailbox.email, payload)

    instances = client.list_instances(
        series["id"], datetime(2030, 4, 1, tzinfo=UTC), datetime(2030, 6, 1, tzinfo=UTC)
    )
    assert len(instances) == 15  # more than Graph's page of 10
    assert len({item["seriesMasterId"] for item in instances}) == 1
    assert client.stats["GET /me/events/{id}/instances"] == 2


# --- delta ----------------------------------------------------------------------------

WINDOW = (datetime(2029, 12, 1, tzinfo=UTC), datetime(2031, 1, 1, tzinfo=UTC))


def seed_singles(emulator, email, count):
    emulator.seed(email, count, mix={"single": 1.0}, start="2030-01-01", span_days=300)


def read_round(client, delta_link=None):
    return list(client.calendar_delta(delta_link, *WINDOW))


def test_first_round_pages_to_the_end_and_ends_with_a_delta_link(emulator, mailbox, make_client):
    seed_singles(emulator, mailbox.email, 25)
    client = make_client(page_size=10)

    pages = read_round(client)

    assert [len(page.items) for page in pages] == [10, 10, 5]
    assert all(page.full for page in pages)
    assert [bool(page.delta_link) for page in pages] == [False, False, True]
    assert len({item["id"] for page in pages for item in page.items}) == 25
    assert client.stats[DELTA_ROUTE] == 3


def test_incremental_round_returns_only_changes(emulator, mailbox, make_client):
    seed_singles(emulator, mailbox.email, 12)
    client = make_client(page_size=5)
    first = read_round(client)
    known = [item["id"] for page in first for item in page.items]
    emulator.update_event(mailbox.email, known[0], {"subject": "Renamed in Outlook"})
    emulator.delete_event(mailbox.email, known[1])
    emulator.create_event(mailbox.email, event_payload("Added in Outlook", day=3))

    pages = read_round(client, first[-1].delta_link)

    items = [item for page in pages for item in page.items]
    assert not any(page.full for page in pages)
    assert pages[-1].delta_link and pages[-1].delta_link != first[-1].delta_link
    changed = {item["id"]: item for item in items}
    assert len(changed) == 3
    assert changed.pop(known[0])["subject"] == "Renamed in Outlook"
    assert changed.pop(known[1])["@removed"] == {"reason": "deleted"}
    assert [item["subject"] for item in changed.values()] == ["Added in Outlook"]
    # Nothing changed since: the next round is empty.
    assert [item for page in read_round(client, pages[-1].delta_link) for item in page.items] == []


def test_forgotten_delta_state_restarts_in_full_without_duplicates(emulator, mailbox, make_client):
    seed_singles(emulator, mailbox.email, 8)
    client = make_client(page_size=5)
    first = read_round(client)
    linked = {item["id"]: item["subject"] for page in first for item in page.items}
    emulator.create_event(mailbox.email, event_payload("Made while forgotten", day=4))
    emulator.expire_delta_tokens(mailbox.email)

    pages = read_round(client, first[-1].delta_link)

    assert all(page.full for page in pages)  # the caller matches instead of creating
    for page in pages:
        for item in page.items:
            linked.setdefault(item["id"], item["subject"])
    assert len(linked) == 9
    assert sorted(linked.values()).count("Made while forgotten") == 1
    # The new link works again as an incremental one.
    assert read_round(client, pages[-1].delta_link)[-1].full is False


def test_a_second_forgotten_state_in_the_same_round_is_an_error(emulator, mailbox, client):
    seed_singles(emulator, mailbox.email, 3)
    link = read_round(client)[-1].delta_link
    # Both the stored link and the fresh start are answered 410.
    emulator.add_fault("GET", "/v1.0/me/calendarView/delta", kind="status", status=410, times=2)

    with pytest.raises(SyncStateExpired):
        read_round(client, link)
    assert client.stats[DELTA_ROUTE] == 1 + 2


def test_links_to_another_host_are_not_followed(emulator, mailbox, client):
    with pytest.raises(SyncError) as info:
        read_round(client, "https://attacker.example/v1.0/me/calendarView/delta?$deltatoken=x")
    assert "attacker.example" in str(info.value)
    assert "deltatoken" not in str(info.value)
    assert client.stats[DELTA_ROUTE] == 0


# --- $batch ---------------------------------------------------------------------------


def test_batch_of_45_creates_is_3_requests_and_one_failure_spares_the_others(
    emulator, mailbox, client
):
    requests_ = [
        BatchRequest.create(str(n), event_payload(f"Batch {n}", day=1 + n % 28), f"tx-b{n}")
        for n in range(45)
    ]
    bad = requests_[17].body
    bad["start"], bad["end"] = bad["end"], bad["start"]

    results = client.batch(requests_)

    assert client.stats["POST /$batch"] == 3
    assert [result.id for result in results] == [str(n) for n in range(45)]
    assert isinstance(results[17].error, RejectedPayload)
    assert all(r.status == 201 and r.error is None for r in results if r.id != "17")
    assert all(r.body["id"].startswith("AAkALgAA") for r in results if r.id != "17")
    assert len(emulator.events(mailbox.email)) == 44


def test_throttled_batch_items_are_retried_after_their_retry_after(
    emulator, mailbox, client, waits
):
    # Outlook throttles two of the requests inside the batch (its 4-per-mailbox limit).
    emulator.add_fault("POST", EVENTS, kind="status", status=429, retry_after=3, times=2)
    requests_ = [BatchRequest.create(str(n), event_payload(f"B{n}"), f"tx-t{n}") for n in range(5)]

    results = client.batch(requests_)

    assert [result.status for result in results] == [201] * 5
    assert waits == [3]
    assert client.stats["POST /$batch"] == 2
    assert len(emulator.events(mailbox.email)) == 5


def test_batch_items_still_throttled_after_max_retries_come_back_as_errors(
    emulator, mailbox, make_client, waits
):
    client = make_client(max_retries=1)
    emulator.add_fault("POST", EVENTS, kind="status", status=429, retry_after=1, times=None)

    results = client.batch([BatchRequest.create("a", event_payload("A"), "tx-a")])

    assert isinstance(results[0].error, Throttled)
    assert waits == [1]


def test_batch_updates_and_deletes(emulator, mailbox, client):
    keep = emulator.create_event(mailbox.email, event_payload("Keep"))
    drop = emulator.create_event(mailbox.email, event_payload("Drop"))

    results = client.batch(
        [
            BatchRequest.update("u", keep["id"], {"subject": "Kept"}),
            BatchRequest.delete("d", drop["id"]),
            BatchRequest.delete("gone", "AAMkNotThere"),  # already deleted: fine
            BatchRequest.update("missing", "AAMkNotThere", {"subject": "x"}),
        ]
    )

    by_id = {result.id: result for result in results}
    assert by_id["u"].body["subject"] == "Kept"
    assert by_id["d"].status == 204 and by_id["gone"].error is None
    assert isinstance(by_id["missing"].error, NotFound)
    assert [e["subject"] for e in emulator.events(mailbox.email)] == ["Kept"]


def test_batch_ids_must_be_unique(client):
    with pytest.raises(ValueError):
        client.batch([BatchRequest.delete("x", "1"), BatchRequest.delete("x", "2")])
