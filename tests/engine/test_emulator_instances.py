"""/me/events/{id}/instances as the live service pages and filters it."""

from urllib.parse import parse_qs, urlsplit

WINDOW = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2025-02-01T00:00:00Z"}


def daily(count, subject="Daily"):
    return {"subject": subject,
            "start": {"dateTime": "2025-01-01T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-01T10:00:00", "timeZone": "UTC"},
            "recurrence": {"pattern": {"type": "daily", "interval": 1},
                           "range": {"type": "numbered", "startDate": "2025-01-01",
                                     "numberOfOccurrences": count}}}


def create(mailbox, payload):
    answer = mailbox.post("/me/events", json=payload)
    assert answer.status_code == 201, answer.text
    return answer.json()


def all_pages(mailbox, master_id, params):
    pages = [mailbox.get(f"/me/events/{master_id}/instances", params=params).json()]
    while "@odata.nextLink" in pages[-1]:
        pages.append(mailbox.get(pages[-1]["@odata.nextLink"]).json())
    return pages


def days(items):
    return [item["start"]["dateTime"][:10] for item in items]


def test_instances_come_ten_per_page_by_default(mailbox):
    master = create(mailbox, daily(12))
    pages = all_pages(mailbox, master["id"], WINDOW)
    assert [len(page["value"]) for page in pages] == [10, 2]
    # Query names are case-insensitive in Graph; the window goes on in the nextLink.
    next_query = {name.lower(): value for name, value in
                  parse_qs(urlsplit(pages[0]["@odata.nextLink"]).query).items()}
    assert next_query["startdatetime"] == [WINDOW["startDateTime"]]
    assert next_query["enddatetime"] == [WINDOW["endDateTime"]]
    every = [item for page in pages for item in page["value"]]
    assert days(every) == [f"2025-01-{day:02d}" for day in range(1, 13)]


def test_top_sets_the_page_size(mailbox):
    master = create(mailbox, daily(12))
    pages = all_pages(mailbox, master["id"], {**WINDOW, "$top": 5})
    assert [len(page["value"]) for page in pages] == [5, 5, 2]


def test_the_window_bounds_the_instances(mailbox):
    master = create(mailbox, daily(12))
    window = {"startDateTime": "2025-01-04T00:00:00Z", "endDateTime": "2025-01-07T00:00:00Z"}
    assert days(all_pages(mailbox, master["id"], window)[0]["value"]) == [
        "2025-01-04", "2025-01-05", "2025-01-06"]


def test_a_window_is_required(mailbox):
    master = create(mailbox, daily(3))
    answer = mailbox.get(f"/me/events/{master['id']}/instances")
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ErrorInvalidParameter"


def test_cancelled_occurrences_are_absent_and_exceptions_come_in_full(mailbox):
    master = create(mailbox, daily(4))
    first = all_pages(mailbox, master["id"], WINDOW)[0]["value"]
    mailbox.delete(f"/me/events/{first[1]['id']}")
    mailbox.patch(f"/me/events/{first[2]['id']}", json={
        "subject": "Moved", "start": {"dateTime": "2025-01-03T15:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-01-03T16:00:00", "timeZone": "UTC"}})
    listed = all_pages(mailbox, master["id"], WINDOW)[0]["value"]
    assert first[1]["id"] not in [item["id"] for item in listed]
    exception = next(item for item in listed if item["type"] == "exception")
    assert exception["subject"] == "Moved" and exception["originalStart"] == (
        "2025-01-03T09:00:00Z")
    assert exception["start"]["dateTime"].startswith("2025-01-03T15:00")
    assert exception["seriesMasterId"] == master["id"]
    assert {"body", "attendees", "organizer", "iCalUId"} <= set(exception)


def test_an_exception_counts_where_it_was_moved(mailbox):
    master = create(mailbox, daily(3))
    first = all_pages(mailbox, master["id"], WINDOW)[0]["value"]
    mailbox.patch(f"/me/events/{first[0]['id']}", json={
        "start": {"dateTime": "2025-01-10T09:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-01-10T10:00:00", "timeZone": "UTC"}})
    early = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2025-01-04T00:00:00Z"}
    assert days(all_pages(mailbox, master["id"], early)[0]["value"]) == [
        "2025-01-02", "2025-01-03"]
    late = {"startDateTime": "2025-01-09T00:00:00Z", "endDateTime": "2025-01-11T00:00:00Z"}
    moved = all_pages(mailbox, master["id"], late)[0]["value"]
    assert [(item["type"], item["id"]) for item in moved] == [("exception", first[0]["id"])]
