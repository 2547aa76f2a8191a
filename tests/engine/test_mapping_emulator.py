"""Round trips through the Graph emulator: neutral -> Graph payload -> Outlook -> neutral."""

from dataclasses import replace
from datetime import date, datetime

import pytest
import pytz

from engine import mapping
from engine.event_values import Attendee, EventValues
from engine.recurrence import make_recurrence

UTC = pytz.utc
PREFER_UTC = {"Prefer": 'outlook.timezone="UTC"'}


def aware(zone, *args):
    return pytz.timezone(zone).localize(datetime(*args)).astimezone(UTC)


def meeting(zone="Europe/Brussels", day=(2025, 3, 24), hours=(9, 10), **changes):
    values = EventValues(
        subject="Project review",
        body_html='<p>Agenda: <b>budget</b> &amp; <a href="https://example.com/doc">doc</a></p>'
                  "<ul><li>one</li><li>two</li></ul>",
        all_day=False,
        start=aware(zone, *day, hours[0]),
        end=aware(zone, *day, hours[1]),
        timezone=zone,
        location="Room 1",
        show_as="busy",
        privacy="private",
        reminder_minutes=30,
        attendees=(Attendee("bob@example.com", "Bob", "needsAction"),
                   Attendee("carol@example.com", "Carol", "needsAction")),
        organizer_email="alice@example.com",
        organizer_name="Alice Martin",
        online_meeting_url="",
        recurrence=None,
    )
    return replace(values, **changes)


def all_day(zone, first, last, **changes):
    return meeting(zone=zone, **{"all_day": True, "start": first, "end": last, **changes})


def series(pattern, first_day, zone="Europe/Brussels", hour=9, **rule):
    return meeting(zone=zone, day=first_day, hours=(hour, hour + 1),
                   recurrence=make_recurrence(pattern, date(*first_day), **rule))


ROUND_TRIPS = {
    "Brussels meeting": meeting(),
    "New York meeting, free, no reminder": meeting(
        zone="America/New_York", hours=(9, 10), show_as="free", reminder_minutes=None,
        privacy="confidential", attendees=(), body_html=""),
    "Paris meeting written with its Windows zone name": meeting(zone="Europe/Paris",
                                                                privacy="public"),
    "all-day Auckland, two days": all_day("Pacific/Auckland", date(2025, 1, 6),
                                          date(2025, 1, 7)),
    "all-day Los Angeles, one day": all_day("America/Los_Angeles", date(2025, 3, 9),
                                            date(2025, 3, 9)),
    "daily, 10 times": series("daily", (2025, 3, 24), interval=3, range_type="numbered",
                              count=10),
    "weekly across both DST changes": series(
        "weekly", (2025, 3, 17), days_of_week=("monday", "thursday"), interval=2,
        first_day_of_week="monday", range_type="endDate", end_date=date(2025, 11, 10)),
    "monthly on day 15": series("absoluteMonthly", (2025, 1, 15), day_of_month=15),
    "monthly on day 31": series("absoluteMonthly", (2025, 1, 31), day_of_month=31,
                                range_type="numbered", count=14),
    "monthly on the last Friday": series("relativeMonthly", (2025, 1, 31), index="last",
                                         days_of_week=("friday",), range_type="numbered",
                                         count=12),
    # Outlook's "the second weekday of every month": January 2, 2025 is a Thursday.
    "monthly on the second weekday": series(
        "relativeMonthly", (2025, 1, 2), index="second",
        days_of_week=("monday", "tuesday", "wednesday", "thursday", "friday")),
    "yearly on March 14": series("absoluteYearly", (2025, 3, 14), month=3, day_of_month=14),
    "every 2 years on the first Thursday of November": series(
        "relativeYearly", (2025, 11, 6), interval=2, month=11, index="first",
        days_of_week=("thursday",), zone="America/New_York"),
    "all-day weekly in Auckland": all_day(
        "Pacific/Auckland", date(2025, 1, 6), date(2025, 1, 6),
        recurrence=make_recurrence("weekly", date(2025, 1, 6), days_of_week=("monday",),
                                   range_type="numbered", count=8)),
}


def create(user, values):
    response = user.post("/me/events", json=mapping.to_graph(values), headers=PREFER_UTC)
    assert response.status_code == 201, response.text
    return response.json()


@pytest.mark.parametrize("case", ROUND_TRIPS)
def test_values_come_back_the_same_from_outlook(mailbox, case):
    values = ROUND_TRIPS[case]
    created = create(mailbox, values)
    assert mapping.from_graph(created) == values


@pytest.mark.parametrize("case", ROUND_TRIPS)
@pytest.mark.parametrize("reading_zone", ["Pacific Standard Time", "Asia/Tokyo"])
def test_values_read_in_another_zone_are_the_same(mailbox, case, reading_zone):
    values = ROUND_TRIPS[case]
    created = create(mailbox, values)
    response = mailbox.get(f"/me/events/{created['id']}",
                           headers={"Prefer": f'outlook.timezone="{reading_zone}"'})
    assert response.status_code == 200, response.text
    assert response.json()["start"]["timeZone"] == reading_zone
    assert mapping.from_graph(response.json()) == values


CHANGES = {
    "new subject": {"subject": "Budget review"},
    "moved an hour later": {"start": aware("Europe/Brussels", 2025, 3, 24, 10),
                            "end": aware("Europe/Brussels", 2025, 3, 24, 11)},
    "now all-day": {"all_day": True, "start": date(2025, 3, 24), "end": date(2025, 3, 25)},
    "reminder off": {"reminder_minutes": None},
    "reminder changed": {"reminder_minutes": 5},
    "other place, free, public": {"location": "Room 2", "show_as": "free", "privacy": "public"},
    "new description": {"body_html": "<p>New <i>plan</i></p>"},
    "attendee removed": {"attendees": (Attendee("bob@example.com", "Bob", "needsAction"),)},
    "now weekly": {"recurrence": make_recurrence("weekly", date(2025, 3, 24),
                                                 days_of_week=("monday",))},
}


@pytest.mark.parametrize("change", CHANGES)
def test_patches_bring_outlook_to_the_new_values(mailbox, change):
    old = meeting()
    new = replace(old, **CHANGES[change])
    created = create(mailbox, old)
    patch = mapping.graph_patch(old, new)
    response = mailbox.patch(f"/me/events/{created['id']}", json=patch, headers=PREFER_UTC)
    assert response.status_code == 200, response.text
    assert mapping.from_graph(response.json()) == new


def test_adding_one_attendee_mails_only_that_attendee(mailbox, emulator):
    old = meeting()
    created = create(mailbox, old)
    emulator.reset_counters()
    new = replace(old, subject="Review", attendees=(*old.attendees,
                                                    Attendee("dan@example.com", "Dan",
                                                             "needsAction")))
    patch = mapping.graph_patch(old, new)
    assert set(patch) == {"subject", "attendees"}
    mailbox.patch(f"/me/events/{created['id']}", json=patch).raise_for_status()
    assert emulator.counters()["mail"].get("invitation") == 1
    assert not emulator.counters()["mail"].get("update")


def test_answers_read_the_same_on_the_organizer_and_the_invitee_side(graph_user):
    alice = graph_user("alice@example.com", "Alice Martin")
    bob = graph_user("bob@example.com", "Bob")
    created = create(alice, meeting())
    bob_copy = next(event for event in bob.get("/me/events", headers=PREFER_UTC).json()["value"]
                    if event["iCalUId"] == created["iCalUId"])
    bob.post(f"/me/events/{bob_copy['id']}/tentativelyAccept",
             json={"sendResponse": True}).raise_for_status()

    bob_view = mapping.from_graph(bob.get(f"/me/events/{bob_copy['id']}").json(),
                                  owner_email="BOB@example.com")
    alice_view = mapping.from_graph(alice.get(f"/me/events/{created['id']}").json())
    for view in (bob_view, alice_view):
        assert view.organizer_email == "alice@example.com"
        answers = {attendee.email: attendee.response for attendee in view.attendees}
        assert answers["bob@example.com"] == "tentative"


