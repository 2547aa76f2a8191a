"""Recurring series on the emulated Graph: patterns, ranges, occurrences and exceptions."""

import pytest

WINDOW = {"startDateTime": "2024-01-01T00:00:00Z", "endDateTime": "2027-01-01T00:00:00Z"}


def series(pattern, span, start="2025-01-01T09:00:00", end="2025-01-01T10:00:00", tz="UTC",
           subject="Series"):
    return {"subject": subject, "start": {"dateTime": start, "timeZone": tz},
            "end": {"dateTime": end, "timeZone": tz},
            "recurrence": {"pattern": pattern, "range": span}}


def create(mailbox, payload):
    answer = mailbox.post("/me/events", json=payload)
    assert answer.status_code == 201, answer.text
    return answer.json()


def instances(mailbox, master_id, window=WINDOW):
    answer = mailbox.get(f"/me/events/{master_id}/instances",
                         params={**window, "$top": 100})
    assert answer.status_code == 200, answer.text
    return answer.json()["value"]


def start_days(items):
    return [item["start"]["dateTime"][:10] for item in items]


def numbered(start_date, count):
    return {"type": "numbered", "startDate": start_date, "numberOfOccurrences": count}


@pytest.mark.parametrize(("pattern", "span", "expected"), [
    ({"type": "daily", "interval": 2}, numbered("2025-01-01", 3),
     ["2025-01-01", "2025-01-03", "2025-01-05"]),
    ({"type": "weekly", "interval": 1, "daysOfWeek": ["monday", "wednesday"],
      "firstDayOfWeek": "monday"},
     {"type": "endDate", "startDate": "2025-01-01", "endDate": "2025-01-13"},
     ["2025-01-01", "2025-01-06", "2025-01-08", "2025-01-13"]),
    ({"type": "weekly", "interval": 2, "daysOfWeek": ["friday"]}, numbered("2025-01-01", 3),
     ["2025-01-03", "2025-01-17", "2025-01-31"]),
    ({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 31}, numbered("2025-01-01", 3),
     ["2025-01-31", "2025-02-28", "2025-03-31"]),
    ({"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["thursday"], "index": "last"},
     numbered("2025-01-01", 2), ["2025-01-30", "2025-02-27"]),
    ({"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["thursday", "friday"],
      "index": "second"}, numbered("2025-01-01", 2), ["2025-01-03", "2025-02-07"]),
    ({"type": "absoluteYearly", "interval": 1, "month": 2, "dayOfMonth": 29},
     numbered("2024-01-01", 2), ["2024-02-29", "2025-02-28"]),
    ({"type": "relativeYearly", "interval": 1, "month": 11, "daysOfWeek": ["thursday"],
      "index": "fourth"}, numbered("2025-01-01", 2), ["2025-11-27", "2026-11-26"]),
])
def test_patterns_and_ranges_expand_like_outlook(mailbox, pattern, span, expected):
    master = create(mailbox, series(pattern, span))
    assert master["type"] == "seriesMaster"
    assert start_days(instances(mailbox, master["id"])) == expected


def test_no_end_series_is_cut_by_the_window(mailbox):
    master = create(mailbox, series({"type": "daily", "interval": 1},
                                    {"type": "noEnd", "startDate": "2025-01-01"}))
    window = {"startDateTime": "2025-06-01T00:00:00Z", "endDateTime": "2025-06-04T00:00:00Z"}
    assert start_days(instances(mailbox, master["id"], window)) == [
        "2025-06-01", "2025-06-02", "2025-06-03"]


def test_master_moves_to_the_first_occurrence_and_echoes_the_full_recurrence(mailbox):
    master = create(mailbox, series({"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
                                    numbered("2025-01-01", 2), tz="Romance Standard Time"))
    assert master["start"]["dateTime"] == "2025-01-06T08:00:00.0000000"   # 09:00 in Paris
    assert master["recurrence"] == {
        "pattern": {"type": "weekly", "interval": 1, "month": 0, "dayOfMonth": 0,
                    "daysOfWeek": ["monday"], "firstDayOfWeek": "sunday", "index": "first"},
        "range": {"type": "numbered", "startDate": "2025-01-01", "endDate": "0001-01-01",
                  "recurrenceTimeZone": "Romance Standard Time", "numberOfOccurrences": 2}}


def test_occurrences_keep_wall_time_across_daylight_saving(mailbox):
    master = create(mailbox, series({"type": "weekly", "interval": 1, "daysOfWeek": ["monday"]},
                                    numbered("2025-03-24", 2), start="2025-03-24T09:00:00",
                                    end="2025-03-24T10:00:00", tz="Europe/Berlin"))
    hours = [item["start"]["dateTime"][11:13] for item in instances(mailbox, master["id"])]
    assert hours == ["08", "07"]          # UTC+1 before 30 March, UTC+2 after


def test_occurrence_shape_and_lookup(mailbox):
    master = create(mailbox, series({"type": "daily", "interval": 1}, numbered("2025-01-01", 2)))
    occurrence = instances(mailbox, master["id"])[1]
    assert occurrence["type"] == "occurrence"
    assert occurrence["seriesMasterId"] == master["id"]
    assert occurrence["recurrence"] is None
    assert occurrence["originalStart"] == "2025-01-02T09:00:00Z"
    assert occurrence["iCalUId"] != master["iCalUId"]
    assert occurrence["subject"] == "Series"
    fetched = mailbox.get(f"/me/events/{occurrence['id']}").json()
    assert fetched["start"] == occurrence["start"]


def test_editing_an_occurrence_makes_an_exception(mailbox):
    master = create(mailbox, series({"type": "daily", "interval": 1}, numbered("2025-01-01", 3)))
    second = instances(mailbox, master["id"])[1]
    edited = mailbox.patch(f"/me/events/{second['id']}", json={
        "subject": "Moved", "start": {"dateTime": "2025-01-02T15:00:00", "timeZone": "UTC"},
        "end": {"dateTime": "2025-01-02T16:00:00", "timeZone": "UTC"}}).json()
    assert edited["type"] == "exception" and edited["id"] == second["id"]
    assert edited["seriesMasterId"] == master["id"]
    assert edited["originalStart"] == "2025-01-02T09:00:00Z"
    listed = instances(mailbox, master["id"])
    assert [(i["type"], i["subject"]) for i in listed] == [
        ("occurrence", "Series"), ("exception", "Moved"), ("occurrence", "Series")]
    assert mailbox.get(f"/me/events/{master['id']}").json()["changeKey"] != master["changeKey"]


def test_deleting_an_occurrence_removes_it_from_instances(mailbox):
    master = create(mailbox, series({"type": "daily", "interval": 1}, numbered("2025-01-01", 3)))
    second = instances(mailbox, master["id"])[1]
    assert mailbox.delete(f"/me/events/{second['id']}").status_code == 204
    assert start_days(instances(mailbox, master["id"])) == ["2025-01-01", "2025-01-03"]
    assert mailbox.get(f"/me/events/{second['id']}").status_code == 404


def test_a_new_pattern_drops_exceptions(mailbox):
    master = create(mailbox, series({"type": "daily", "interval": 1}, numbered("2025-01-01", 3)))
    second = instances(mailbox, master["id"])[1]
    mailbox.patch(f"/me/events/{second['id']}", json={"subject": "Special"})
    mailbox.patch(f"/me/events/{master['id']}", json={"recurrence": {
        "pattern": {"type": "daily", "interval": 1}, "range": numbered("2025-01-01", 2)}})
    assert [i["type"] for i in instances(mailbox, master["id"])] == ["occurrence"] * 2


def test_calendar_view_shows_occurrences_not_the_master(mailbox):
    create(mailbox, series({"type": "daily", "interval": 1}, numbered("2025-01-01", 2)))
    view = mailbox.get("/me/calendarView", params=WINDOW).json()["value"]
    assert [item["type"] for item in view] == ["occurrence", "occurrence"]


@pytest.mark.parametrize(("pattern", "span"), [
    ({"type": "weekly", "interval": 1}, numbered("2025-01-01", 2)),
    ({"type": "daily", "interval": 1}, {"type": "numbered", "startDate": "2025-01-01"}),
    ({"type": "hourly", "interval": 1}, numbered("2025-01-01", 2)),
    ({"type": "daily", "interval": 1}, {"type": "endDate", "startDate": "2025-01-01",
                                        "endDate": "2024-12-01"}),
])
def test_invalid_recurrence_is_refused(mailbox, pattern, span):
    answer = mailbox.post("/me/events", json=series(pattern, span))
    assert answer.status_code == 400
    assert answer.json()["error"]["code"] == "ErrorPropertyValidationFailure"
