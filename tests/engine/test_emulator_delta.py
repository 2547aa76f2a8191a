"""calendarView/delta rounds on the emulated Graph: pages, changes, removals, expiry."""

from urllib.parse import parse_qs, urlsplit

WINDOW = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2025-02-01T00:00:00Z"}
STUB_KEYS = {"@odata.type", "@odata.etag", "id", "seriesMasterId", "type", "start", "end"}


def event(subject, day=2, hour=9, **extra):
    return {"subject": subject,
            "start": {"dateTime": f"2025-01-{day:02d}T{hour:02d}:00:00", "timeZone": "UTC"},
            "end": {"dateTime": f"2025-01-{day:02d}T{hour + 1:02d}:00:00", "timeZone": "UTC"},
            **extra}


def create(mailbox, payload):
    answer = mailbox.post("/me/events", json=payload)
    assert answer.status_code == 201, answer.text
    return answer.json()


def run_round(mailbox, url="/me/calendarView/delta", page_size=None, params=None):
    """Follow nextLinks to the end; returns (pages, deltaLink)."""
    headers = {"Prefer": f"odata.maxpagesize={page_size}"} if page_size else {}
    pages = []
    answer = mailbox.get(url, params=params if params is not None else WINDOW,
                         headers=headers)
    while True:
        assert answer.status_code == 200, answer.text
        body = answer.json()
        pages.append(body["value"])
        if "@odata.deltaLink" in body:
            return pages, body["@odata.deltaLink"]
        answer = mailbox.get(body["@odata.nextLink"], headers=headers)


def flat(pages):
    return [item for page in pages for item in page]


def test_full_round_pages_every_event_once(mailbox):
    for day in range(2, 7):
        create(mailbox, event(f"E{day}", day=day))
    first = mailbox.get("/me/calendarView/delta", params=WINDOW,
                        headers={"Prefer": "odata.maxpagesize=2"})
    assert "odata.maxpagesize=2" in first.headers["Preference-Applied"]
    assert "$skiptoken" in parse_qs(urlsplit(first.json()["@odata.nextLink"]).query)
    pages, delta_link = run_round(mailbox, page_size=2)
    assert [len(page) for page in pages] == [2, 2, 1]
    assert sorted(item["subject"] for item in flat(pages)) == ["E2", "E3", "E4", "E5", "E6"]
    assert "$deltatoken" in parse_qs(urlsplit(delta_link).query)


def test_next_round_returns_only_changes_and_removals(mailbox):
    kept = create(mailbox, event("Kept"))
    changed = create(mailbox, event("Changed", day=3))
    deleted = create(mailbox, event("Deleted", day=4))
    _pages, delta_link = run_round(mailbox)

    mailbox.patch(f"/me/events/{changed['id']}", json={"subject": "Changed twice"})
    mailbox.delete(f"/me/events/{deleted['id']}")
    added = create(mailbox, event("Added", day=5))
    pages, delta_link = run_round(mailbox, delta_link, params={})
    items = {item["id"]: item for item in flat(pages)}
    assert set(items) == {changed["id"], deleted["id"], added["id"]}
    assert items[changed["id"]]["subject"] == "Changed twice"
    assert items[deleted["id"]] == {"@odata.type": "#microsoft.graph.event",
                                    "id": deleted["id"], "@removed": {"reason": "deleted"}}
    assert kept["id"] not in items

    quiet_pages, _ = run_round(mailbox, delta_link, params={})
    assert flat(quiet_pages) == []


def test_event_moved_out_of_the_window_is_reported_removed(mailbox):
    moving = create(mailbox, event("Moving"))
    _pages, delta_link = run_round(mailbox)
    mailbox.patch(f"/me/events/{moving['id']}", json={
        "start": {"dateTime": "2025-03-02T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-02T10:00:00", "timeZone": "UTC"}})
    pages, _ = run_round(mailbox, delta_link, params={})
    assert flat(pages) == [{"@odata.type": "#microsoft.graph.event", "id": moving["id"],
                            "@removed": {"reason": "deleted"}}]


def test_change_during_a_round_is_not_lost(mailbox):
    first = create(mailbox, event("First"))
    create(mailbox, event("Second", day=3))
    answer = mailbox.get("/me/calendarView/delta", params=WINDOW,
                         headers={"Prefer": "odata.maxpagesize=1"}).json()
    mailbox.patch(f"/me/events/{first['id']}", json={"subject": "First, edited mid-round"})
    _pages, delta_link = run_round(mailbox, answer["@odata.nextLink"], 1, params={})
    pages, _ = run_round(mailbox, delta_link, params={})
    assert [item["subject"] for item in flat(pages)] == ["First, edited mid-round"]


def test_series_comes_whole_with_occurrence_stubs(mailbox):
    create(mailbox, event("Single"))
    create(mailbox, {**event("Daily", day=10), "recurrence": {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2025-01-10", "numberOfOccurrences": 4}}})
    pages, _ = run_round(mailbox, page_size=2)
    assert [len(page) for page in pages] == [6]   # 1 + master + 4 stubs: never split
    master, *stubs = [item for item in flat(pages) if item.get("subject") != "Single"]
    assert master["type"] == "seriesMaster" and master["recurrence"]["pattern"]["type"] == (
        "daily")
    assert all(set(stub) == STUB_KEYS for stub in stubs)
    assert {stub["seriesMasterId"] for stub in stubs} == {master["id"]}


def test_deleted_occurrence_sends_the_series_again_without_removal(mailbox):
    master = create(mailbox, {**event("Daily", day=10), "recurrence": {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2025-01-10", "numberOfOccurrences": 3}}})
    pages, delta_link = run_round(mailbox)
    second = flat(pages)[2]
    mailbox.delete(f"/me/events/{second['id']}")
    pages, _ = run_round(mailbox, delta_link, params={})
    items = flat(pages)
    assert all("@removed" not in item for item in items)
    assert items[0]["id"] == master["id"]
    assert second["id"] not in [item["id"] for item in items]


def test_edited_occurrence_comes_in_full(mailbox):
    master = create(mailbox, {**event("Daily", day=10), "recurrence": {
        "pattern": {"type": "daily", "interval": 1},
        "range": {"type": "numbered", "startDate": "2025-01-10", "numberOfOccurrences": 2}}})
    pages, delta_link = run_round(mailbox)
    occurrence = flat(pages)[1]
    mailbox.patch(f"/me/events/{occurrence['id']}", json={"subject": "Special"})
    items = flat(run_round(mailbox, delta_link, params={})[0])
    exception = next(item for item in items if item["id"] == occurrence["id"])
    assert exception["type"] == "exception" and exception["subject"] == "Special"
    assert exception["seriesMasterId"] == master["id"]


def test_unknown_token_is_410_sync_state_not_found(mailbox):
    answer = mailbox.get("/me/calendarView/delta", params={"$deltatoken": "made-up"})
    assert answer.status_code == 410
    assert answer.json()["error"]["code"] == "SyncStateNotFound"


def test_expired_tokens_answer_410_with_a_fresh_start_location(mailbox, emulator):
    create(mailbox, event("E"))
    _pages, delta_link = run_round(mailbox)
    emulator.expire_delta_tokens(mailbox.email)
    answer = mailbox.get(delta_link)
    assert answer.status_code == 410
    restart = mailbox.get(answer.headers["Location"])
    assert restart.status_code == 200
    assert [item["subject"] for item in restart.json()["value"]] == ["E"]


def test_first_request_needs_a_window(mailbox):
    assert mailbox.get("/me/calendarView/delta").status_code == 400


def test_delta_honours_prefer_timezone(mailbox):
    create(mailbox, event("E"))
    answer = mailbox.get("/me/calendarView/delta", params=WINDOW,
                         headers={"Prefer": 'outlook.timezone="Eastern Standard Time"'})
    assert answer.json()["value"][0]["start"] == {
        "dateTime": "2025-01-02T04:00:00.0000000", "timeZone": "Eastern Standard Time"}
