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


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (graph({"type": "weekly", "interval": 1},
               {"type": "noEnd", "startDate": "2025-01-06"}), "no day of the week"),
        (graph({"type": "fortnightly", "interval": 1},
               {"type": "noEnd", "startDate": "2025-01-06"}), "cannot be synchronized"),
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
    assert recurrence.odoo_recurrence_loss(rec, start) == []
    week_start = rec.first_day_of_week
    assert recurrence.recurrence_from_odoo(values, start, "UTC", week_start=week_start) == rec


def test_yearly_rule_not_starting_on_its_date_uses_twelve_monthly_steps():
    rec = recurrence.make_recurrence("absoluteYearly", date(2025, 3, 1), month=3,
                                     day_of_month=14)
    start = aware("UTC", 2025, 3, 1, 9)
    values = recurrence.odoo_recurrence_values(rec, start)
    assert values == ODOO_DEFAULTS | {"rrule_type": "monthly", "interval": 12,
                                           "month_by": "date", "day": 14}
    assert recurrence.odoo_recurrence_loss(rec, start) == []


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
    assert recurrence.odoo_recurrence_loss(rec, start) == []


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
    loss = " ".join(text.render() for text in recurrence.odoo_recurrence_loss(rec, start))
    assert words in loss


def test_week_start_difference_is_flagged_only_when_it_changes_dates():
    every_two_weeks = recurrence.make_recurrence(
        "weekly", date(2025, 1, 6), interval=2, days_of_week=("monday", "sunday"),
        first_day_of_week="sunday")
    start = aware("UTC", 2025, 1, 6, 9)
    (loss,) = recurrence.odoo_recurrence_loss(every_two_weeks, start, week_start="monday")
    assert "counts weeks from Monday" in loss.render()
    assert recurrence.odoo_recurrence_loss(every_two_weeks, start, week_start="sunday") == []
    weekly = recurrence.make_recurrence("weekly", date(2025, 1, 6),
                                        days_of_week=("monday", "sunday"))
    assert recurrence.odoo_recurrence_loss(weekly, start, week_start="monday") == []


def test_recurrence_is_importable_from_the_recurrence_module():
    assert recurrence.Recurrence is Recurrence
