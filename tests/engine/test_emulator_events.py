"""Events CRUD on the emulated Graph: shapes, validation, time zones, ids, idempotency."""

import pytest

REQUIRED_KEYS = {
    "@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories",
    "transactionId", "originalStartTimeZone", "originalEndTimeZone", "iCalUId",
    "reminderMinutesBeforeStart", "isReminderOn", "subject", "bodyPreview", "importance",
    "sensitivity", "isAllDay", "isCancelled", "isOrganizer", "responseRequested",
    "seriesMasterId", "showAs", "type", "webLink", "onlineMeetingUrl", "isOnlineMeeting",
    "onlineMeeting", "responseStatus", "body", "start", "end", "location", "locations",
    "recurrence", "attendees", "organizer",
}


def event(subject="Planning", start="2025-01-02T09:00:00", end="2025-01-02T10:00:00",
          tz="UTC", **extra):
    return {"subject": subject, "start": {"dateTime": start, "timeZone": tz},
            "end": {"dateTime": end, "timeZone": tz}, **extra}


def created(mailbox, payload, **kwargs):
    answer = mailbox.post("/me/events", json=payload, **kwargs)
    assert answer.status_code == 201, answer.text
    return answer.json()


def error_code(answer):
    return answer.json()["error"]["code"]


def test_created_event_has_graphs_full_shape(mailbox):
    shaped = created(mailbox, event(body={"contentType": "text", "content": "Agenda"}))
    assert REQUIRED_KEYS <= set(shaped)
    assert shaped["@odata.etag"] == f'W/"{shaped["changeKey"]}"'
    assert shaped["type"] == "singleInstance" and shaped["isOrganizer"] is True
    assert shaped["start"] == {"dateTime": "2025-01-02T09:00:00.0000000", "timeZone": "UTC"}
    assert shaped["responseStatus"] == {"response": "organizer",
                                        "time": "0001-01-01T00:00:00Z"}
    assert shaped["organizer"]["emailAddress"]["address"] == "alice@example.com"
    assert shaped["body"]["contentType"] == "html" and "Agenda" in shaped["body"]["content"]
    assert shaped["bodyPreview"] == "Agenda"


def test_get_patch_delete_round_trip(mailbox):
    shaped = created(mailbox, event())
    path = f"/me/events/{shaped['id']}"
    assert mailbox.get(path).json()["subject"] == "Planning"

    changed = mailbox.patch(path, json={"subject": "Planning v2"})
    assert changed.status_code == 200
    assert changed.json()["subject"] == "Planning v2"
    assert changed.json()["changeKey"] != shaped["changeKey"]

    assert mailbox.delete(path).status_code == 204
    gone = mailbox.get(path)
    assert gone.status_code == 404 and error_code(gone) == "ErrorItemNotFound"


def test_unknown_ids_answer_404(mailbox):
    assert error_code(mailbox.get("/me/events/AAMkAnotanid=")) == "ErrorItemNotFound"
    assert mailbox.patch("/me/events/nope", json={"subject": "x"}).status_code == 404
    assert mailbox.delete("/me/events/nope").status_code == 404


@pytest.mark.parametrize(("payload", "code"), [
    ({"subject": "No times"}, "ErrorInvalidRequest"),
    (event(end="2025-01-02T08:00:00"), "ErrorInvalidRequest"),
    (event(tz="Mars/Olympus_Mons"), "TimeZoneNotSupportedException"),
    (event(color="red"), "RequestBodyRead"),
    (event(attendees=[{"emailAddress": {"name": "No address"}}]), "ErrorInvalidRecipients"),
    (event(importance="urgent"), "RequestBodyRead"),
    (event(start="next tuesday"), "ErrorInvalidRequest"),
])
def test_malformed_payloads_answer_400(mailbox, payload, code):
    answer = mailbox.post("/me/events", json=payload)
    assert answer.status_code == 400
    assert error_code(answer) == code


def test_invalid_json_answers_400(mailbox):
    answer = mailbox.post("/me/events", data="{not json",
                          headers={"Content-Type": "application/json"})
    assert answer.status_code == 400


def test_same_transaction_id_returns_the_same_event(mailbox):
    first = created(mailbox, event(transactionId="odoo-42-create"))
    second = created(mailbox, event(subject="Retry", transactionId="odoo-42-create"))
    assert second["id"] == first["id"]
    assert len(mailbox.get("/me/events").json()["value"]) == 1


def test_windows_zone_on_write_and_prefer_timezone_on_read(mailbox):
    shaped = created(mailbox, event(tz="W. Europe Standard Time"))
    assert shaped["start"]["dateTime"] == "2025-01-02T08:00:00.0000000"
    assert shaped["originalStartTimeZone"] == "W. Europe Standard Time"
    answer = mailbox.get(f"/me/events/{shaped['id']}",
                         headers={"Prefer": 'outlook.timezone="Pacific Standard Time"'})
    assert answer.json()["start"] == {"dateTime": "2025-01-02T00:00:00.0000000",
                                      "timeZone": "Pacific Standard Time"}
    assert answer.headers["Preference-Applied"] == 'outlook.timezone="Pacific Standard Time"'
    iana = mailbox.get(f"/me/events/{shaped['id']}",
                       headers={"Prefer": 'outlook.timezone="Asia/Tokyo"'}).json()
    assert iana["end"]["dateTime"] == "2025-01-02T18:00:00.0000000"


def test_all_day_events_stay_on_their_dates_in_any_zone(mailbox):
    shaped = created(mailbox, event(start="2025-03-10T00:00:00", end="2025-03-11T00:00:00",
                                    tz="Pacific Standard Time", isAllDay=True))
    assert shaped["isAllDay"] is True
    tokyo = mailbox.get(f"/me/events/{shaped['id']}",
                        headers={"Prefer": 'outlook.timezone="Tokyo Standard Time"'}).json()
    assert tokyo["start"]["dateTime"] == "2025-03-10T00:00:00.0000000"
    assert tokyo["end"]["dateTime"] == "2025-03-11T00:00:00.0000000"


def test_all_day_event_not_at_midnight_is_refused(mailbox):
    answer = mailbox.post("/me/events", json=event(isAllDay=True))
    assert answer.status_code == 400
    assert "midnight" in answer.json()["error"]["message"]


def test_immutable_ids_are_distinct_and_both_forms_work(mailbox):
    prefer = {"Prefer": 'IdType="ImmutableId"'}
    answer = mailbox.post("/me/events", json=event(), headers=prefer)
    assert answer.headers["Preference-Applied"] == 'IdType="ImmutableId"'
    immutable = answer.json()["id"]
    regular = mailbox.get("/me/events").json()["value"][0]["id"]
    assert immutable != regular
    assert mailbox.get(f"/me/events/{immutable}").json()["id"] == regular
    assert mailbox.get(f"/me/events/{regular}", headers=prefer).json()["id"] == immutable


def test_filter_by_ical_uid_select_and_paging(mailbox):
    shapes = [created(mailbox, event(subject=f"E{n}")) for n in range(12)]
    target = shapes[5]
    found = mailbox.get("/me/events",
                        params={"$filter": f"iCalUId eq '{target['iCalUId']}'"}).json()
    assert [e["id"] for e in found["value"]] == [target["id"]]

    first = mailbox.get("/me/events", params={"$select": "subject"}).json()
    assert len(first["value"]) == 10                       # Graph's default page size
    assert set(first["value"][0]) == {"@odata.etag", "id", "subject"}
    rest = mailbox.get(first["@odata.nextLink"]).json()
    assert [e["subject"] for e in rest["value"]] == ["E10", "E11"]
    assert "@odata.nextLink" not in rest


def test_unsupported_filter_is_refused(mailbox):
    answer = mailbox.get("/me/events", params={"$filter": "startswith(subject,'a')"})
    assert answer.status_code == 400


def test_if_match_with_a_stale_etag_is_412(mailbox):
    shaped = created(mailbox, event())
    mailbox.patch(f"/me/events/{shaped['id']}", json={"subject": "changed elsewhere"})
    stale = mailbox.patch(f"/me/events/{shaped['id']}", json={"subject": "mine"},
                          headers={"If-Match": shaped["@odata.etag"]})
    assert stale.status_code == 412


def test_location_and_locations_follow_each_other(mailbox):
    shaped = created(mailbox, event(location={"displayName": "Room 1"}))
    assert [loc["displayName"] for loc in shaped["locations"]] == ["Room 1"]
    moved = mailbox.patch(f"/me/events/{shaped['id']}",
                          json={"locations": [{"displayName": "A"}, {"displayName": "B"}]})
    assert moved.json()["location"]["displayName"] == "A; B"


def test_text_body_preference(mailbox):
    shaped = created(mailbox, event(body={"contentType": "html",
                                          "content": "<p>Hi <b>all</b></p>"}))
    text = mailbox.get(f"/me/events/{shaped['id']}",
                       headers={"Prefer": 'outlook.body-content-type="text"'}).json()
    assert text["body"] == {"contentType": "text", "content": "Hi all"}


def test_calendar_routes(mailbox):
    calendar = mailbox.get("/me/calendar").json()
    assert calendar["isDefaultCalendar"] is True and calendar["owner"]["address"] == (
        "alice@example.com")
    assert mailbox.get("/me/calendars").json()["value"][0]["id"] == calendar["id"]
    shaped = mailbox.post("/me/calendar/events", json=event()).json()
    assert mailbox.get(f"/me/calendar/events/{shaped['id']}").status_code == 200


def test_calendar_view_lists_what_overlaps_the_window(mailbox):
    created(mailbox, event(subject="Before", start="2025-01-01T09:00:00",
                           end="2025-01-01T10:00:00"))
    created(mailbox, event(subject="Inside", start="2025-01-05T09:00:00",
                           end="2025-01-05T10:00:00"))
    created(mailbox, event(subject="Overlapping", start="2025-01-09T23:00:00",
                           end="2025-01-10T01:00:00"))
    view = mailbox.get("/me/calendarView", params={"startDateTime": "2025-01-02T00:00:00Z",
                                                   "endDateTime": "2025-01-10T00:00:00Z"})
    assert [e["subject"] for e in view.json()["value"]] == ["Inside", "Overlapping"]


def test_calendar_view_needs_a_window(mailbox):
    answer = mailbox.get("/me/calendarView")
    assert answer.status_code == 400 and error_code(answer) == "ErrorInvalidParameter"


def test_me_describes_the_signed_in_user(mailbox):
    me = mailbox.get("/me").json()
    assert me["mail"] == "alice@example.com" and me["displayName"] == "Alice Martin"
