"""Graph events <-> neutral values, without a server (the emulator round trips are apart)."""

from dataclasses import replace
from datetime import date, datetime

import pytest
import pytz

from engine import mapping
from engine.event_values import Attendee, EventValues, MappingError, values_hash
from engine.recurrence import make_recurrence

UTC = pytz.utc


def aware(zone, *args):
    return pytz.timezone(zone).localize(datetime(*args)).astimezone(UTC)


def neutral(**changes):
    values = EventValues(
        subject="Project review",
        body_html="<p>Agenda</p>",
        all_day=False,
        start=aware("Europe/Brussels", 2025, 3, 24, 9),
        end=aware("Europe/Brussels", 2025, 3, 24, 10),
        timezone="Europe/Brussels",
        location="Room 1",
        show_as="busy",
        privacy="public",
        reminder_minutes=15,
        attendees=(Attendee("bob@example.com", "Bob", "needsAction"),),
        organizer_email="alice@example.com",
        organizer_name="Alice",
        online_meeting_url="",
        recurrence=None,
    )
    return replace(values, **changes)


def graph_event(**changes):
    """An event shaped as Graph returns it with Prefer: outlook.timezone="UTC"."""
    event = {
        "id": "AAMkAGI2",
        "subject": "Project review",
        "body": {"contentType": "html",
                 "content": "<html><head></head><body><p>Agenda</p></body></html>"},
        "isAllDay": False,
        "start": {"dateTime": "2025-03-24T08:00:00.0000000", "timeZone": "UTC"},
        "end": {"dateTime": "2025-03-24T09:00:00.0000000", "timeZone": "UTC"},
        "originalStartTimeZone": "Europe/Brussels",
        "originalEndTimeZone": "Europe/Brussels",
        "location": {"displayName": "Room 1", "locationType": "default"},
        "showAs": "busy",
        "sensitivity": "normal",
        "isReminderOn": True,
        "reminderMinutesBeforeStart": 15,
        "isCancelled": False,
        "type": "singleInstance",
        "seriesMasterId": None,
        "recurrence": None,
        "onlineMeeting": None,
        "onlineMeetingUrl": None,
        "responseStatus": {"response": "organizer", "time": "0001-01-01T00:00:00Z"},
        "attendees": [{"type": "required",
                       "status": {"response": "none", "time": "0001-01-01T00:00:00Z"},
                       "emailAddress": {"name": "Bob", "address": "bob@example.com"}}],
        "organizer": {"emailAddress": {"name": "Alice", "address": "alice@example.com"}},
    }
    event.update(changes)
    return event


def test_graph_event_reads_as_neutral_values():
    assert mapping.from_graph(graph_event()) == neutral()


def test_neutral_values_write_a_create_payload():
    assert mapping.to_graph(neutral()) == {
        "subject": "Project review",
        "body": {"contentType": "html", "content": "<p>Agenda</p>"},
        "isAllDay": False,
        "start": {"dateTime": "2025-03-24T09:00:00", "timeZone": "Europe/Brussels"},
        "end": {"dateTime": "2025-03-24T10:00:00", "timeZone": "Europe/Brussels"},
        "location": {"displayName": "Room 1"},
        "showAs": "busy",
        "sensitivity": "normal",
        "isReminderOn": True,
        "reminderMinutesBeforeStart": 15,
        "attendees": [{"emailAddress": {"address": "bob@example.com", "name": "Bob"},
                       "type": "required"}],
    }


def test_zone_with_a_windows_name_is_written_with_it():
    payload = mapping.to_graph(neutral(timezone="Europe/Paris"))
    assert payload["start"] == {"dateTime": "2025-03-24T09:00:00",
                                "timeZone": "Romance Standard Time"}


def test_attendees_can_be_left_out_of_a_create():
    assert "attendees" not in mapping.to_graph(neutral(), include_attendees=False)


def test_times_in_other_zones_and_seven_digit_fractions_are_read_exactly():
    event = graph_event(
        start={"dateTime": "2025-01-02T09:00:00.0000000", "timeZone": "Pacific Standard Time"},
        end={"dateTime": "2025-01-02T09:30:00.5000000", "timeZone": "America/Los_Angeles"},
        originalStartTimeZone="Pacific Standard Time",
    )
    values = mapping.from_graph(event)
    assert values.start == aware("UTC", 2025, 1, 2, 17)
    assert values.end == datetime(2025, 1, 2, 17, 30, 0, 500000, tzinfo=UTC)
    assert values.timezone == "America/Los_Angeles"


def test_new_york_nine_o_clock_is_written_as_nine_o_clock():
    values = neutral(start=aware("America/New_York", 2025, 7, 1, 9),
                     end=aware("America/New_York", 2025, 7, 1, 10), timezone="America/New_York")
    payload = mapping.to_graph(values)
    assert payload["start"] == {"dateTime": "2025-07-01T09:00:00",
                                "timeZone": "Eastern Standard Time"}
    assert values.start.hour == 13  # UTC-4 in summer
    event = graph_event(start={"dateTime": "2025-07-01T13:00:00.0000000", "timeZone": "UTC"},
                        end={"dateTime": "2025-07-01T14:00:00.0000000", "timeZone": "UTC"},
                        originalStartTimeZone="Eastern Standard Time")
    assert mapping.from_graph(event).start == values.start


def test_unknown_custom_zone_of_origin_keeps_exact_times():
    values = mapping.from_graph(graph_event(originalStartTimeZone="Customized Time Zone"))
    assert values.timezone == "UTC"
    assert values.start == aware("UTC", 2025, 3, 24, 8)


# ---------------------------------------------------------------- all-day events


def all_day_event(start, end, zone="UTC", origin="New Zealand Standard Time"):
    return graph_event(isAllDay=True, originalStartTimeZone=origin,
                       start={"dateTime": start, "timeZone": zone},
                       end={"dateTime": end, "timeZone": zone})


def test_all_day_event_reads_as_its_dates_with_an_inclusive_last_day():
    values = mapping.from_graph(all_day_event("2025-01-06T00:00:00.0000000",
                                              "2025-01-08T00:00:00.0000000"))
    assert (values.all_day, values.start, values.end) == (True, date(2025, 1, 6),
                                                          date(2025, 1, 7))
    assert values.timezone == "Pacific/Auckland"


def test_auckland_all_day_event_converted_to_utc_keeps_its_dates():
    # Midnight in Auckland (UTC+13 in January) is 11:00 UTC the day before.
    values = mapping.from_graph(all_day_event("2025-01-05T11:00:00.0000000",
                                              "2025-01-06T11:00:00.0000000"))
    assert (values.start, values.end) == (date(2025, 1, 6), date(2025, 1, 6))


def test_all_day_event_is_written_midnight_to_midnight_in_its_zone():
    values = neutral(all_day=True, start=date(2025, 1, 6), end=date(2025, 1, 7),
                     timezone="Pacific/Auckland")
    payload = mapping.to_graph(values)
    assert payload["isAllDay"] is True
    assert payload["start"] == {"dateTime": "2025-01-06T00:00:00",
                                "timeZone": "New Zealand Standard Time"}
    assert payload["end"] == {"dateTime": "2025-01-08T00:00:00",
                              "timeZone": "New Zealand Standard Time"}


@pytest.mark.parametrize("zone", ["Pacific/Auckland", "America/Los_Angeles", "Europe/Brussels",
                                  "Pacific/Kiritimati", "Etc/GMT+12"])
def test_all_day_dates_never_shift_whatever_the_zone(zone):
    values = neutral(all_day=True, start=date(2025, 3, 30), end=date(2025, 3, 31),
                     timezone=zone)
    payload = mapping.to_graph(values)
    written_zone = payload["start"]["timeZone"]
    # Graph may answer with the floating midnights as written...
    floating = all_day_event(payload["start"]["dateTime"] + ".0000000",
                             payload["end"]["dateTime"] + ".0000000",
                             zone=written_zone, origin=written_zone)
    # ... or with those midnights converted to UTC.
    utc_text = "%Y-%m-%dT%H:%M:%S.0000000"
    converted = all_day_event(aware(zone, 2025, 3, 30).strftime(utc_text),
                              aware(zone, 2025, 4, 1).strftime(utc_text),
                              zone="UTC", origin=written_zone)
    for event in (floating, converted):
        back = mapping.from_graph(event)
        assert (back.start, back.end, back.timezone) == (values.start, values.end, zone)


# ---------------------------------------------------------------- collapsed vocabularies


@pytest.mark.parametrize(("show_as", "expected"), [
    ("free", "free"), ("busy", "busy"), ("tentative", "busy"), ("oof", "busy"),
    ("workingElsewhere", "busy"), ("unknown", "busy"),
])
def test_availability_collapses_to_free_or_busy(show_as, expected):
    assert mapping.from_graph(graph_event(showAs=show_as)).show_as == expected


@pytest.mark.parametrize(("sensitivity", "expected"), [
    ("normal", "public"), ("personal", "private"), ("private", "private"),
    ("confidential", "confidential"),
])
def test_sensitivity_collapses_to_odoo_privacy(sensitivity, expected):
    assert mapping.from_graph(graph_event(sensitivity=sensitivity)).privacy == expected


@pytest.mark.parametrize(("privacy", "sensitivity"), [
    ("public", "normal"), ("private", "private"), ("confidential", "confidential"),
    (None, "normal"),
])
def test_privacy_is_written_as_sensitivity(privacy, sensitivity):
    assert mapping.to_graph(neutral(privacy=privacy))["sensitivity"] == sensitivity


@pytest.mark.parametrize(("graph_response", "odoo"), [
    ("none", "needsAction"), ("notResponded", "needsAction"), ("accepted", "accepted"),
    ("declined", "declined"), ("tentativelyAccepted", "tentative"), ("organizer", "accepted"),
    (None, "needsAction"),
])
def test_attendee_answers_in_odoo_words(graph_response, odoo):
    assert mapping.response_to_odoo(graph_response) == odoo


@pytest.mark.parametrize(("odoo", "graph_response", "action"), [
    ("needsAction", "notResponded", None), ("accepted", "accepted", "accept"),
    ("declined", "declined", "decline"), ("tentative", "tentativelyAccepted",
                                          "tentativelyAccept"),
])
def test_odoo_answers_in_graph_words(odoo, graph_response, action):
    assert mapping.response_to_graph(odoo) == graph_response
    assert mapping.response_to_odoo(graph_response) == odoo
    assert mapping.respond_action(odoo) == action


def test_reminder_off_reads_as_none_and_is_written_off():
    values = mapping.from_graph(graph_event(isReminderOn=False, reminderMinutesBeforeStart=15))
    assert values.reminder_minutes is None
    payload = mapping.to_graph(values)
    assert payload["isReminderOn"] is False
    assert "reminderMinutesBeforeStart" not in payload


def test_online_meeting_url_prefers_the_join_url():
    teams = {"joinUrl": "https://teams.example/join/1"}
    assert mapping.from_graph(graph_event(
        onlineMeeting=teams, onlineMeetingUrl="https://old.example/1")).online_meeting_url == (
        "https://teams.example/join/1")
    assert mapping.from_graph(graph_event(
        onlineMeetingUrl="https://old.example/1")).online_meeting_url == "https://old.example/1"
    assert mapping.from_graph(graph_event()).online_meeting_url == ""


def test_plain_text_body_becomes_html():
    event = graph_event(body={"contentType": "text", "content": "line 1\nline <2>"})
    assert mapping.from_graph(event).body_html == "line 1<br>line &lt;2&gt;"


# ---------------------------------------------------------------- attendees


def test_attendees_are_matched_by_email_whatever_the_case():
    event = graph_event(
        organizer={"emailAddress": {"name": "Alice", "address": "ALICE@Example.com"}},
        attendees=[
            {"type": "required", "status": {"response": "accepted"},
             "emailAddress": {"name": "Zed", "address": "Zed@Example.com"}},
            {"type": "optional", "status": {"response": "declined"},
             "emailAddress": {"name": "Bob", "address": "BOB@example.COM"}},
            {"type": "required", "status": {"response": "none"},
             "emailAddress": {"name": "Bob again", "address": "bob@example.com"}},
            {"type": "required", "status": {"response": "organizer"},
             "emailAddress": {"name": "Alice", "address": "alice@example.com"}},
            {"type": "resource", "status": {"response": "none"}, "emailAddress": {"name": "?"}},
        ],
    )
    values = mapping.from_graph(event)
    assert values.organizer_email == "alice@example.com"
    assert values.attendees == (
        Attendee("bob@example.com", "Bob", "declined"),
        Attendee("zed@example.com", "Zed", "accepted"),
    )
    assert mapping.same_email("Bob@Example.com ", "bob@example.com")


def test_an_invitees_own_answer_comes_from_their_response_status():
    event = graph_event(
        responseStatus={"response": "tentativelyAccepted", "time": "2025-03-01T10:00:00Z"},
        attendees=[{"type": "required", "status": {"response": "none"},
                    "emailAddress": {"name": "Bob", "address": "bob@example.com"}}],
    )
    assert mapping.from_graph(event).attendees[0].response == "needsAction"
    mine = mapping.from_graph(event, owner_email="Bob@Example.com")
    assert mine.attendees == (Attendee("bob@example.com", "Bob", "tentative"),)


# ---------------------------------------------------------------- series


def test_series_master_carries_its_rule():
    rule = {"pattern": {"type": "weekly", "interval": 1, "month": 0, "dayOfMonth": 0,
                        "daysOfWeek": ["monday"], "firstDayOfWeek": "sunday", "index": "first"},
            "range": {"type": "endDate", "startDate": "2025-03-24", "endDate": "2025-06-30",
                      "recurrenceTimeZone": "Romance Standard Time", "numberOfOccurrences": 0}}
    values = mapping.from_graph(graph_event(type="seriesMaster", recurrence=rule))
    assert values.recurrence == make_recurrence(
        "weekly", date(2025, 3, 24), days_of_week=("monday",), range_type="endDate",
        end_date=date(2025, 6, 30))
    written = mapping.to_graph(values)["recurrence"]
    assert written["range"]["recurrenceTimeZone"] == "Europe/Brussels"
    assert written["pattern"]["daysOfWeek"] == ["monday"]


def test_occurrences_carry_their_series_and_original_start():
    event = graph_event(type="exception", seriesMasterId="AAMkMaster",
                        originalStart="2025-03-31T07:00:00Z", isCancelled=True)
    values = mapping.from_graph(event)
    assert values.series_master_id == "AAMkMaster"
    assert values.original_start == aware("Europe/Brussels", 2025, 3, 31, 9)
    assert values.is_cancelled is True


def test_delta_occurrence_stub_is_readable():
    stub = {"id": "AAMkOcc", "type": "occurrence", "seriesMasterId": "AAMkMaster",
            "start": {"dateTime": "2025-03-31T07:00:00.0000000", "timeZone": "UTC"},
            "end": {"dateTime": "2025-03-31T08:00:00.0000000", "timeZone": "UTC"}}
    values = mapping.from_graph(stub)
    assert (values.subject, values.series_master_id) == ("", "AAMkMaster")
    assert values.start == aware("UTC", 2025, 3, 31, 7)


# ---------------------------------------------------------------- malformed payloads


@pytest.mark.parametrize(("changes", "words"), [
    ({"start": None}, "has no start time"),
    ({"end": {"timeZone": "UTC"}}, "has no end time"),
    ({"start": {"dateTime": "2025-13-45T09:00:00", "timeZone": "UTC"}},
     'start time "2025-13-45T09:00:00" is not a valid date and time'),
    ({"start": {"dateTime": 20250101, "timeZone": "UTC"}}, "not a valid date and time"),
    ({"start": {"dateTime": "2025-03-24T08:00:00", "timeZone": "Mars Standard Time"}},
     'Unknown time zone "Mars Standard Time"'),
    ({"end": {"dateTime": "2025-03-24T07:00:00", "timeZone": "UTC"}}, "ends before it starts"),
    ({"recurrence": {"pattern": {"type": "weekly"}, "range": {"startDate": "2025-03-24"}}},
     "no day of the week"),
])
def test_malformed_events_name_the_event_and_the_problem(changes, words):
    with pytest.raises(MappingError) as caught:
        mapping.from_graph(graph_event(**changes))
    message = str(caught.value)
    assert message.startswith('The Outlook event "Project review" could not be read: ')
    assert words in message
    assert "Traceback" not in message and "KeyError" not in message
    assert caught.value.user_message == message


def test_properties_of_unexpected_types_give_a_readable_error():
    for changes in ({"organizer": "alice@example.com"}, {"attendees": ["bob@example.com"]},
                    {"location": ["Room 1"]}, {"body": "text"}):
        with pytest.raises(MappingError, match="could not be read: .*unexpected shape"):
            mapping.from_graph(graph_event(**changes))


def test_an_event_without_subject_or_data_still_gets_a_readable_error():
    with pytest.raises(MappingError, match=r"without a subject \(id X\) could not be read"):
        mapping.from_graph({"id": "X"})
    with pytest.raises(MappingError, match="no event data"):
        mapping.from_graph(None)


def test_values_that_cannot_be_written_are_refused_clearly():
    with pytest.raises(MappingError, match="all-day setting"):
        mapping.to_graph(neutral(all_day=True))
    with pytest.raises(MappingError, match="availability Outlook does not know"):
        mapping.to_graph(neutral(show_as="oof"))


# ---------------------------------------------------------------- patches


def test_unchanged_event_gives_an_empty_patch():
    assert mapping.graph_patch(neutral(), neutral()) == {}


def test_patch_holds_only_what_changed():
    assert mapping.graph_patch(neutral(), neutral(subject="New title")) == {
        "subject": "New title"}
    assert mapping.graph_patch(neutral(), neutral(location="Room 2", show_as="free")) == {
        "location": {"displayName": "Room 2"}, "showAs": "free"}


def test_moving_an_event_sends_start_end_and_all_day_together():
    moved = neutral(end=aware("Europe/Brussels", 2025, 3, 24, 11))
    assert set(mapping.graph_patch(neutral(), moved)) == {"start", "end", "isAllDay"}


def test_attendee_list_is_sent_only_when_people_change():
    answered = neutral(attendees=(Attendee("bob@example.com", "Bobby", "accepted"),))
    assert mapping.graph_patch(neutral(), answered) == {}
    shouting = neutral(attendees=(Attendee("bob@example.com", "Bob", "needsAction"),))
    assert mapping.graph_patch(neutral(), shouting) == {}
    added = neutral(attendees=(Attendee("bob@example.com", "Bob", "needsAction"),
                               Attendee("carol@example.com", "Carol", "needsAction")))
    assert mapping.graph_patch(neutral(), added) == {
        "attendees": mapping.to_graph(added)["attendees"]}


def test_turning_the_reminder_off_and_on():
    assert mapping.graph_patch(neutral(), neutral(reminder_minutes=None)) == {
        "isReminderOn": False}
    assert mapping.graph_patch(neutral(reminder_minutes=None), neutral(reminder_minutes=30)) == {
        "isReminderOn": True, "reminderMinutesBeforeStart": 30}


def test_removing_the_rule_sends_a_null_recurrence():
    rule = make_recurrence("daily", date(2025, 3, 24), range_type="numbered", count=3)
    assert mapping.graph_patch(neutral(recurrence=rule), neutral()) == {"recurrence": None}


def test_patch_without_old_values_is_the_whole_payload():
    assert mapping.graph_patch(None, neutral()) == mapping.to_graph(neutral())


# ---------------------------------------------------------------- hash


def test_hash_is_stable_across_machines_and_runs():
    # A fixed digest: if the canonical form ever changes, every link would look modified.
    assert values_hash(neutral()) == (
        "5f84fcf4e5bff47ed19f6dcaf4a2faf495f212ad6c4563f2f3fb5ca32d6d7f7c"
    )


def test_same_instant_in_another_zone_object_hashes_the_same():
    brussels = pytz.timezone("Europe/Brussels")
    same = neutral(start=neutral().start.astimezone(brussels),
                   end=neutral().end.astimezone(brussels))
    assert values_hash(same) == values_hash(neutral())


@pytest.mark.parametrize("changes", [
    {"subject": "Other"}, {"body_html": "<p>Other</p>"}, {"location": "Room 2"},
    {"start": aware("UTC", 2025, 3, 24, 9)}, {"show_as": "free"}, {"privacy": "private"},
    {"reminder_minutes": None}, {"is_cancelled": True}, {"timezone": "Europe/Paris"},
    {"attendees": (Attendee("bob@example.com", "Bob", "accepted"),)},
    {"recurrence": make_recurrence("daily", date(2025, 3, 24))},
])
def test_every_synced_field_changes_the_hash(changes):
    assert values_hash(neutral(**changes)) != values_hash(neutral())


@pytest.mark.parametrize("changes", [
    {"online_meeting_url": "https://teams.example/x"}, {"organizer_name": "Alicia"},
    {"organizer_email": "boss@example.com"}, {"series_master_id": "AAMkMaster"},
])
def test_read_only_fields_do_not_change_the_hash(changes):
    assert values_hash(neutral(**changes)) == values_hash(neutral())
