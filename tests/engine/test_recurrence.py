"""Repeat rules: Graph <-> RRULE <-> Odoo fields, and occurrence dates across time zones."""

from datetime import date, datetime

import pytest
import pytz

from engine import recurrence
from engine.event_values import MappingError, Recurrence

UTC = pytz.utc


def aware(zone, *args):
    """A wall-clock time in an IANA zone, as an aware UTC datetime."""
    return pytz.timezone(zone).localize(datetime(*args)).astimezone(UTC)


def graph(pattern, range_):
    return {"pattern": pattern, "range": range_}


# Each kind of Graph rule, the RRULE it means, and the series' first start.
KINDS = {
    "daily every 3 days, 10 times": (
        graph({"type": "daily", "interval": 3},
              {"type": "numbered", "startDate": "2025-01-06", "numberOfOccurrences": 10}),
        "FREQ=DAILY;INTERVAL=3;COUNT=10",
        aware("UTC", 2025, 1, 6, 9),
    ),
    "weekly on Monday and Wednesday every 2 weeks until March 1": (
        graph({"type": "weekly", "interval": 2, "daysOfWeek": ["wednesday", "monday"],
               "firstDayOfWeek": "monday"},
              {"type": "endDate", "startDate": "2025-01-06", "endDate": "2025-03-01"}),
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,WE;UNTIL=20250301T235959Z",
        aware("UTC", 2025, 1, 6, 9),
    ),
    "weekly with a Sunday week start": (
        graph({"type": "weekly", "interval": 1, "daysOfWeek": ["friday"],
               "firstDayOfWeek": "sunday"},
              {"type": "noEnd", "startDate": "2025-01-10"}),
        "FREQ=WEEKLY;INTERVAL=1;BYDAY=FR;WKST=SU",
        aware("UTC", 2025, 1, 10, 9),
    ),
    "monthly on day 15": (
        graph({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 15},
              {"type": "noEnd", "startDate": "2025-01-15"}),
        "FREQ=MONTHLY;INTERVAL=1;BYMONTHDAY=15",
        aware("UTC", 2025, 1, 15, 9),
    ),
    "monthly on the second Tuesday": (
        graph({"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["tuesday"],
               "index": "second"},
              {"type": "numbered", "startDate": "2025-01-14", "numberOfOccurrences": 6}),
        "FREQ=MONTHLY;INTERVAL=1;BYDAY=2TU;COUNT=6",
        aware("UTC", 2025, 1, 14, 9),
    ),
    "every 3 months on the last Friday": (
        graph({"type": "relativeMonthly", "interval": 3, "daysOfWeek": ["friday"],
               "index": "last"},
              {"type": "noEnd", "startDate": "2025-01-31"}),
        "FREQ=MONTHLY;INTERVAL=3;BYDAY=-1FR",
        aware("UTC", 2025, 1, 31, 9),
    ),
    "monthly on the last Monday or Tuesday": (
        graph({"type": "relativeMonthly", "interval": 1, "daysOfWeek": ["tuesday", "monday"],
               "index": "last"},
              {"type": "noEnd", "startDate": "2025-01-28"}),
        "FREQ=MONTHLY;INTERVAL=1;BYDAY=MO,TU;BYSETPOS=-1",
        aware("UTC", 2025, 1, 28, 9),
    ),
    "yearly on March 14": (
        graph({"type": "absoluteYearly", "interval": 1, "month": 3, "dayOfMonth": 14},
              {"type": "numbered", "startDate": "2025-03-14", "numberOfOccurrences": 5}),
        "FREQ=YEARLY;INTERVAL=1;BYMONTH=3;BYMONTHDAY=14;COUNT=5",
        aware("UTC", 2025, 3, 14, 9),
    ),
    "every 2 years on the first Thursday of November": (
        graph({"type": "relativeYearly", "interval": 2, "month": 11, "daysOfWeek": ["thursday"],
               "index": "first"},
              {"type": "noEnd", "startDate": "2025-11-06"}),
        "FREQ=YEARLY;INTERVAL=2;BYMONTH=11;BYDAY=1TH",
        aware("UTC", 2025, 11, 6, 9),
    ),
}


@pytest.mark.parametrize("kind", KINDS)
def test_graph_rule_reads_and_writes_back_the_same(kind):
    payload, _rrule, _start = KINDS[kind]
    rec = recurrence.from_graph(payload)
    written = recurrence.to_graph(rec)
    expected = dict(payload["pattern"])
    if "daysOfWeek" in expected:  # written Monday first, whatever order Outlook used
        expected["daysOfWeek"] = sorted(expected["daysOfWeek"], key=_weekday_order)
    assert written["pattern"] == expected
    assert recurrence.from_graph(written) == rec
    assert written["range"]["recurrenceTimeZone"] == "UTC"


def _weekday_order(day):
    return ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"].index(day)


@pytest.mark.parametrize("kind", KINDS)
def test_graph_rule_to_rrule_and_back(kind):
    payload, rrule, start = KINDS[kind]
    rec = recurrence.from_graph(payload)
    assert recurrence.to_rrule(rec) == rrule
    assert recurrence.from_rrule(rrule, start) == rec


def test_rrule_until_is_the_end_of_the_last_day_in_the_event_zone():
    rec = recurrence.make_recurrence("daily", date(2025, 2, 1), range_type="endDate",
                                     end_date=date(2025, 3, 1))
    rule = recurrence.to_rrule(rec, "America/New_York")
    assert rule == "FREQ=DAILY;INTERVAL=1;UNTIL=20250302T045959Z"
    start = aware("America/New_York", 2025, 2, 1, 21)  # 02:00 UTC the next day
    assert recurrence.from_rrule(rule, start, "America/New_York") == rec


def test_rrule_defaults_come_from_the_start_like_rfc5545():
    start = aware("Europe/Brussels", 2025, 4, 17, 10)  # a Thursday
    weekly = recurrence.from_rrule("RRULE:FREQ=WEEKLY", start, "Europe/Brussels")
    assert weekly.days_of_week == ("thursday",)
    assert weekly.first_day_of_week == "monday"
    monthly = recurrence.from_rrule("FREQ=MONTHLY;UNTIL=20251231", start, "Europe/Brussels")
    assert (monthly.pattern, monthly.day_of_month, monthly.end_date) == (
        "absoluteMonthly", 17, date(2025, 12, 31))
    yearly = recurrence.from_rrule("FREQ=YEARLY;COUNT=3", start, "Europe/Brussels")
    assert (yearly.pattern, yearly.month, yearly.day_of_month, yearly.count) == (
        "absoluteYearly", 4, 17, 3)


def test_every_weekday_rrule_becomes_a_weekly_rule():
    start = aware("UTC", 2025, 1, 6, 9)
    rec = recurrence.from_rrule("FREQ=DAILY;BYDAY=MO,TU,WE,TH,FR", start)
    assert rec.pattern == "weekly"
    assert rec.days_of_week == ("monday", "tuesday", "wednesday", "thursday", "friday")


@pytest.mark.parametrize(
    ("rule", "words"),
    [
        ("FREQ=HOURLY;INTERVAL=2", "only daily, weekly, monthly and yearly"),
        ("FREQ=MONTHLY;BYDAY=MO", "every such weekday"),
        ("FREQ=MONTHLY;BYDAY=5MO", "week number 5"),
        ("FREQ=WEEKLY;BYWEEKNO=3", "BYWEEKNO"),
        ("FREQ=MONTHLY;BYMONTHDAY=1,15", "not a single number"),
        ("FREQ=DAILY;COUNT=3;UNTIL=20250101", "both COUNT and UNTIL"),
        ("FREQ=MONTHLY;BYDAY=1MO,-1FR", "different weeks"),
        ("nonsense", "not a valid RRULE"),
    ],
)
def test_rrules_outlook_cannot_hold_are_refused_with_a_reason(rule, words):
    with pytest.raises(MappingError, match=words):
        recurrence.from_rrule(rule, aware("UTC", 2025, 1, 6, 9))


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (graph({"type": "weekly", "interval": 1},
               {"type": "noEnd", "startDate": "2025-01-06"}), "no day of the week"),
        (graph({"type": "fortnightly", "interval": 1},
               {"type": "noEnd", "startDate": "2025-01-06"}), "Unsupported repeat pattern"),
        (graph({"type": "daily", "interval": 1},
               {"type": "endDate", "startDate": "2025-01-06"}), "not a date"),
        (graph({"type": "daily", "interval": 1},
               {"type": "numbered", "startDate": "2025-01-06", "numberOfOccurrences": 0}),
         "at least 1"),
        (graph({"type": "daily", "interval": 1}, {"type": "noEnd"}), "start date"),
        (graph({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 32},
               {"type": "noEnd", "startDate": "2025-01-06"}), "between 1 and 31"),
        (graph({"type": "absoluteMonthly", "interval": 1, "dayOfMonth": "15"},
               {"type": "noEnd", "startDate": "2025-01-06"}), "between 1 and 31"),
        (graph({"type": "daily", "interval": -1},
               {"type": "noEnd", "startDate": "2025-01-06"}), "interval must be"),
        ("weekly", "not readable"),
    ],
)
def test_malformed_graph_rules_raise_mapping_errors(payload, words):
    with pytest.raises(MappingError, match=words):
        recurrence.from_graph(payload)


# ---------------------------------------------------------------- Odoo fields

ODOO_DEFAULTS = {
    "rrule_type": "daily", "interval": 1, "month_by": "date", "day": 1, "weekday": False,
    "byday": False, "end_type": "forever", "count": 1, "until": False, "mon": False,
    "tue": False, "wed": False, "thu": False, "fri": False, "sat": False, "sun": False,
}

ODOO_KINDS = {
    "daily every 3 days, 10 times": {"rrule_type": "daily", "interval": 3, "end_type": "count",
                                     "count": 10},
    "weekly on Monday and Wednesday every 2 weeks until March 1": {
        "rrule_type": "weekly", "interval": 2, "mon": True, "wed": True,
        "end_type": "end_date", "until": date(2025, 3, 1)},
    "weekly with a Sunday week start": {"rrule_type": "weekly", "fri": True},
    "monthly on day 15": {"rrule_type": "monthly", "month_by": "date", "day": 15},
    "monthly on the second Tuesday": {"rrule_type": "monthly", "month_by": "day",
                                      "weekday": "TUE", "byday": "2", "end_type": "count",
                                      "count": 6},
    "every 3 months on the last Friday": {"rrule_type": "monthly", "interval": 3,
                                          "month_by": "day", "weekday": "FRI", "byday": "-1"},
    "yearly on March 14": {"rrule_type": "yearly", "end_type": "count", "count": 5},
    # Odoo has no "first Thursday of November": every 24 months from November is the same.
    "every 2 years on the first Thursday of November": {
        "rrule_type": "monthly", "interval": 24, "month_by": "day", "weekday": "THU",
        "byday": "1"},
}


@pytest.mark.parametrize("kind", ODOO_KINDS)
def test_graph_rule_to_odoo_fields_and_back(kind):
    payload, _rrule, start = KINDS[kind]
    rec = recurrence.from_graph(payload)
    values = recurrence.odoo_recurrence_values(rec, start)
    assert values == ODOO_DEFAULTS | ODOO_KINDS[kind]
    assert recurrence.odoo_recurrence_loss(rec, start) == ""
    week_start = rec.first_day_of_week
    assert recurrence.recurrence_from_odoo(values, start, "UTC", week_start=week_start) == rec


def test_odoo_fields_and_graph_rule_give_the_same_dates_for_yearly_relative():
    # Every 2 years on the first Thursday of November, checked date by date over 8 years.
    payload, _rrule, start = KINDS["every 2 years on the first Thursday of November"]
    rec = recurrence.from_graph(payload)
    values = recurrence.odoo_recurrence_values(rec, start)
    as_odoo_reads_it = recurrence.make_recurrence(
        "relativeMonthly", rec.start_date, interval=values["interval"],
        days_of_week=("thursday",), index="first")
    window = (aware("UTC", 2025, 1, 1), aware("UTC", 2033, 1, 1))
    expected = [aware("UTC", y, 11, d, 9) for y, d in ((2025, 6), (2027, 4), (2029, 1),
                                                        (2031, 6))]
    assert recurrence.expand(rec, start, "UTC", *window) == expected
    assert recurrence.expand(as_odoo_reads_it, start, "UTC", *window) == expected


def test_yearly_rule_not_starting_on_its_date_uses_twelve_monthly_steps():
    rec = recurrence.make_recurrence("absoluteYearly", date(2025, 3, 1), month=3,
                                     day_of_month=14)
    start = aware("UTC", 2025, 3, 1, 9)
    values = recurrence.odoo_recurrence_values(rec, start)
    assert values == ODOO_DEFAULTS | {"rrule_type": "monthly", "interval": 12,
                                           "month_by": "date", "day": 14}
    assert recurrence.odoo_recurrence_loss(rec, start) == ""


def test_odoo_fields_come_in_the_event_zone():
    # 23:30 in Auckland on the 15th is still the 14th in UTC: the day must be the 15th.
    start = aware("Pacific/Auckland", 2025, 1, 15, 23, 30)
    rec = recurrence.recurrence_from_odoo(
        {"rrule_type": "yearly", "interval": 1, "end_type": "forever"}, start, "Pacific/Auckland")
    assert (rec.month, rec.day_of_month, rec.start_date) == (1, 15, date(2025, 1, 15))
    values = recurrence.odoo_recurrence_values(rec, start, "Pacific/Auckland")
    assert values["rrule_type"] == "yearly"
    assert values["event_tz"] == "Pacific/Auckland"


def test_first_day_without_a_zone_comes_from_the_rule():
    # 00:30 in Brussels on March 14 is still March 13 in UTC.
    rec = recurrence.make_recurrence("absoluteYearly", date(2025, 3, 14), month=3,
                                     day_of_month=14)
    start = aware("Europe/Brussels", 2025, 3, 14, 0, 30)
    assert recurrence.odoo_recurrence_values(rec, start)["rrule_type"] == "yearly"
    assert recurrence.odoo_recurrence_loss(rec, start) == ""


def test_odoo_read_values_with_strings_and_naive_utc_starts():
    naive_utc_start = datetime(2025, 1, 6, 8, 0)  # as Odoo stores datetimes
    rec = recurrence.recurrence_from_odoo(
        {"rrule_type": "weekly", "interval": 1, "mon": True, "end_type": "end_date",
         "until": "2025-02-03"},
        naive_utc_start, "Europe/Brussels", week_start="monday")
    assert rec == recurrence.make_recurrence(
        "weekly", date(2025, 1, 6), days_of_week=("monday",), first_day_of_week="monday",
        range_type="endDate", end_date=date(2025, 2, 3))


@pytest.mark.parametrize(
    ("rec", "words", "closest"),
    [
        (recurrence.make_recurrence("relativeMonthly", date(2025, 1, 27), index="last",
                                    days_of_week=("monday", "tuesday")),
         "one weekday only", {"weekday": "MON", "byday": "-1"}),
        (recurrence.make_recurrence("absoluteMonthly", date(2025, 1, 31), day_of_month=31),
         "last day", {"day": 31}),
        (recurrence.make_recurrence("daily", date(2025, 1, 1), range_type="numbered",
                                    count=1000),
         "at most 720", {"count": 720}),
        (recurrence.make_recurrence("relativeYearly", date(2025, 1, 6), month=11, index="first",
                                    days_of_week=("thursday",)),
         "month of its first event", {"interval": 12}),
    ],
)
def test_rules_odoo_cannot_hold_are_flagged_and_kept_as_closest(rec, words, closest):
    start = datetime.combine(rec.start_date, datetime.min.time()).replace(tzinfo=UTC)
    values = recurrence.odoo_recurrence_values(rec, start)
    assert values.items() >= closest.items()
    loss = recurrence.odoo_recurrence_loss(rec, start)
    assert words in loss
    assert loss.startswith("The Outlook repeat rule is shown approximately in Odoo")


def test_week_start_difference_is_flagged_only_when_it_changes_dates():
    every_two_weeks = recurrence.make_recurrence(
        "weekly", date(2025, 1, 6), interval=2, days_of_week=("monday", "sunday"),
        first_day_of_week="sunday")
    start = aware("UTC", 2025, 1, 6, 9)
    assert "counts weeks from Monday" in recurrence.odoo_recurrence_loss(
        every_two_weeks, start, week_start="monday")
    assert recurrence.odoo_recurrence_loss(every_two_weeks, start, week_start="sunday") == ""
    weekly = recurrence.make_recurrence("weekly", date(2025, 1, 6),
                                        days_of_week=("monday", "sunday"))
    assert recurrence.odoo_recurrence_loss(weekly, start, week_start="monday") == ""


# ---------------------------------------------------------------- expansion


def test_brussels_weekly_meeting_stays_at_nine_across_both_dst_changes():
    # Mondays 09:00 Brussels from mid-March to mid-November 2025: summer time starts on
    # Sunday March 30 and ends on Sunday October 26.
    rec = recurrence.make_recurrence("weekly", date(2025, 3, 17), days_of_week=("monday",),
                                     range_type="endDate", end_date=date(2025, 11, 10))
    start = aware("Europe/Brussels", 2025, 3, 17, 9)
    occurrences = recurrence.expand(rec, start, "Europe/Brussels",
                                    aware("UTC", 2025, 1, 1), aware("UTC", 2026, 1, 1))
    brussels = pytz.timezone("Europe/Brussels")
    assert len(occurrences) == 35
    assert {o.astimezone(brussels).strftime("%a %H:%M") for o in occurrences} == {"Mon 09:00"}
    by_day = {o.date(): o.hour for o in occurrences}
    assert by_day[date(2025, 3, 24)] == 8  # winter: UTC+1
    assert by_day[date(2025, 3, 31)] == 7  # summer: UTC+2
    assert by_day[date(2025, 10, 20)] == 7
    assert by_day[date(2025, 10, 27)] == 8
    assert all(o.tzinfo is not None and o.utcoffset().total_seconds() == 0 for o in occurrences)


def test_new_york_daily_meeting_stays_at_nine_across_march_change():
    rec = recurrence.make_recurrence("daily", date(2025, 3, 7), range_type="numbered", count=5)
    start = aware("America/New_York", 2025, 3, 7, 9)
    occurrences = recurrence.expand(rec, start, "America/New_York",
                                    aware("UTC", 2025, 3, 1), aware("UTC", 2025, 4, 1))
    assert [o.strftime("%d %H:%M") for o in occurrences] == [
        "07 14:00", "08 14:00", "09 13:00", "10 13:00", "11 13:00"]


def test_expansion_only_returns_the_window():
    rec = recurrence.make_recurrence("daily", date(2025, 1, 1))  # no end
    start = aware("UTC", 2025, 1, 1, 9)
    occurrences = recurrence.expand(rec, start, "UTC", aware("UTC", 2030, 6, 1, 9),
                                    aware("UTC", 2030, 6, 4, 9))
    # The window end is exclusive, its start inclusive.
    assert occurrences == [aware("UTC", 2030, 6, d, 9) for d in (1, 2, 3)]


def test_count_counts_from_the_series_start_not_the_window():
    rec = recurrence.make_recurrence("weekly", date(2025, 1, 6), days_of_week=("monday",),
                                     range_type="numbered", count=4)
    start = aware("UTC", 2025, 1, 6, 9)
    occurrences = recurrence.expand(rec, start, "UTC", aware("UTC", 2025, 1, 20),
                                    aware("UTC", 2026, 1, 1))
    assert occurrences == [aware("UTC", 2025, 1, 20, 9), aware("UTC", 2025, 1, 27, 9)]


def test_end_date_includes_a_late_meeting_on_the_last_day_in_its_zone():
    # 21:00 New York on March 1 is already March 2 in UTC; it is still the last day.
    rec = recurrence.make_recurrence("daily", date(2025, 2, 27), range_type="endDate",
                                     end_date=date(2025, 3, 1))
    start = aware("America/New_York", 2025, 2, 27, 21)
    occurrences = recurrence.expand(rec, start, "America/New_York",
                                    aware("UTC", 2025, 1, 1), aware("UTC", 2026, 1, 1))
    assert len(occurrences) == 3
    assert occurrences[-1] == aware("America/New_York", 2025, 3, 1, 21)


def test_all_day_series_expand_to_dates():
    rec = recurrence.make_recurrence("relativeMonthly", date(2025, 1, 1), index="first",
                                     days_of_week=("monday",), range_type="numbered", count=3)
    occurrences = recurrence.expand(rec, date(2025, 1, 6), "Pacific/Auckland",
                                    date(2025, 1, 1), date(2026, 1, 1))
    assert occurrences == [date(2025, 1, 6), date(2025, 2, 3), date(2025, 3, 3)]


def test_day_31_falls_on_the_last_day_of_shorter_months_like_outlook():
    rec = recurrence.make_recurrence("absoluteMonthly", date(2025, 1, 31), day_of_month=31,
                                     range_type="numbered", count=4)
    occurrences = recurrence.expand(rec, date(2025, 1, 31), "UTC", date(2025, 1, 1),
                                    date(2026, 1, 1))
    assert occurrences == [date(2025, 1, 31), date(2025, 2, 28), date(2025, 3, 31),
                           date(2025, 4, 30)]


def test_several_days_with_a_position_pick_one_day_per_month():
    # The last Monday or Tuesday of each month.
    payload, _rrule, start = KINDS["monthly on the last Monday or Tuesday"]
    rec = recurrence.from_graph(payload)
    occurrences = recurrence.expand(rec, start, "UTC", aware("UTC", 2025, 1, 1),
                                    aware("UTC", 2025, 4, 1))
    assert [o.date() for o in occurrences] == [date(2025, 1, 28), date(2025, 2, 25),
                                               date(2025, 3, 31)]


def test_recurrence_is_importable_from_the_recurrence_module():
    assert recurrence.Recurrence is Recurrence
