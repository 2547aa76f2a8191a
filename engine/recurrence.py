"""Recurring series: Graph patterns, RFC 5545 RRULE strings and Odoo recurrence fields.

The neutral ``Recurrence`` mirrors Graph's {pattern, range}; this module converts it to and
from an RRULE (no DTSTART line) and Odoo's ``calendar.recurrence`` fields, and expands it into
occurrence starts.

Outlook and RFC 5545 read a "day 29/30/31 of the month" rule differently: Outlook puts the
occurrence on the last day of shorter months, an RRULE BYMONTHDAY skips them. ``to_rrule``
writes the usual BYMONTHDAY (what other calendars read); ``expand`` follows Outlook.

What Odoo cannot hold (see ``odoo_recurrence_loss``) is written as the closest Odoo rule and
reported in plain words, so the caller can show it to the user: never silently different.

=======================================  ====================================================
Graph                                    Odoo calendar.recurrence
=======================================  ====================================================
daily                                    daily
weekly (days, firstDayOfWeek)            weekly + mon..sun; the week start comes from the
                                         user's language: differs only for interval > 1
absoluteMonthly (day D)                  monthly, month_by=date, day=D (D > 28: Odoo skips
                                         short months, Outlook uses their last day: flagged)
relativeMonthly (index, one day)         monthly, month_by=day, byday, weekday
relativeMonthly (index, several days)    first day only: flagged
absoluteYearly (month M, day D)          yearly when the series starts on M/D, else monthly
                                         every 12*n months on day D (same dates)
relativeYearly (month M, index, day)     monthly every 12*n months, month_by=day (exact when
                                         the series starts in month M, else flagged)
endDate / numbered / noEnd               end_date + until / count / forever (Odoo creates at
                                         most 720 occurrences: more is flagged)
=======================================  ====================================================
"""

from datetime import date, datetime, time, timedelta

import pytz
from dateutil import rrule as du

from .event_values import (
    PATTERN_TYPES,
    RANGE_TYPES,
    WEEK_INDEXES,
    WEEKDAYS,
    MappingError,
    Recurrence,
)
from .timezones import graph_time_zone, tzinfo

__all__ = [
    "Recurrence", "expand", "from_graph", "from_rrule", "local_start", "make_recurrence",
    "odoo_recurrence_loss", "odoo_recurrence_values", "recurrence_from_odoo", "to_graph",
    "to_rrule",
]

ODOO_MAX_OCCURRENCES = 720  # calendar_recurrence.MAX_RECURRENT_EVENT

_RRULE_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")  # same order as WEEKDAYS
_ODOO_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_ODOO_DAY_FLAGS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INDEX_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_FREQUENCIES = {
    "daily": "DAILY", "weekly": "WEEKLY", "absoluteMonthly": "MONTHLY",
    "relativeMonthly": "MONTHLY", "absoluteYearly": "YEARLY", "relativeYearly": "YEARLY",
}
_DATEUTIL_FREQUENCIES = {
    "DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY,
}
_RELATIVE = ("relativeMonthly", "relativeYearly")
_YEARLY = ("absoluteYearly", "relativeYearly")


# ---------------------------------------------------------------- building and checking


def make_recurrence(pattern, start_date, *, interval=1, days_of_week=(), day_of_month=0,
                    month=0, index="first", first_day_of_week="sunday", range_type="noEnd",
                    end_date=None, count=0):
    """Build a checked Recurrence keeping only the fields that matter for its pattern."""
    if pattern not in PATTERN_TYPES:
        raise MappingError(f"Unsupported repeat pattern {pattern!r}.")
    days = _sorted_days(days_of_week)
    values = {
        "interval": interval,
        "days_of_week": days if pattern in ("weekly", *_RELATIVE) else (),
        "day_of_month": day_of_month if pattern in ("absoluteMonthly", "absoluteYearly") else 0,
        "month": month if pattern in _YEARLY else 0,
        "index": index if pattern in _RELATIVE else "first",
        "first_day_of_week": first_day_of_week if pattern == "weekly" else "sunday",
        "range_type": range_type,
        "end_date": end_date if range_type == "endDate" else None,
        "count": count if range_type == "numbered" else 0,
    }
    rec = Recurrence(pattern=pattern, start_date=start_date, **values)
    _check(rec)
    return rec


def _sorted_days(days):
    names = [str(day).lower() for day in days]
    unknown = [day for day in names if day not in WEEKDAYS]
    if unknown:
        raise MappingError(f"Unknown day of the week {unknown[0]!r} in the repeat rule.")
    return tuple(day for day in WEEKDAYS if day in names)


def _check(rec):
    problem = _problem(rec)
    if problem:
        raise MappingError(f"Invalid repeat rule: {problem}. Edit the series and save it again.")


def _problem(rec):
    if not _whole(rec.interval, 1, 999):
        return f"the interval must be a whole number from 1 to 999, not {rec.interval!r}"
    if rec.pattern in ("weekly", *_RELATIVE) and not rec.days_of_week:
        return "no day of the week is chosen"
    if rec.pattern in ("absoluteMonthly", "absoluteYearly") and not _whole(rec.day_of_month, 1, 31):
        return f"the day of the month must be between 1 and 31, not {rec.day_of_month!r}"
    if rec.pattern in _YEARLY and not _whole(rec.month, 1, 12):
        return f"the month must be between 1 and 12, not {rec.month!r}"
    if rec.index not in WEEK_INDEXES:
        return f"unknown week of the month {rec.index!r}"
    if rec.first_day_of_week not in WEEKDAYS:
        return f"unknown first day of the week {rec.first_day_of_week!r}"
    if rec.range_type not in RANGE_TYPES:
        return f"unknown end of series {rec.range_type!r}"
    if rec.range_type == "endDate" and not isinstance(rec.end_date, date):
        return "the series has an end date setting but no end date"
    if rec.range_type == "endDate" and rec.end_date < rec.start_date:
        return "the series ends before it starts"
    if rec.range_type == "numbered" and not _whole(rec.count, 1, None):
        return f"the number of occurrences must be at least 1, not {rec.count!r}"
    return ""


def _whole(value, low, high):
    if isinstance(value, bool) or not isinstance(value, int):
        return False
    return value >= low and (high is None or value <= high)


def local_start(start, tz):
    """The naive local datetime (or the date, for all-day) of an event start in zone ``tz``.

    ``start`` is an aware datetime, a naive datetime taken as UTC (as Odoo stores it), or a date.
    """
    if not isinstance(start, datetime):
        return start
    if start.tzinfo is None:
        start = pytz.utc.localize(start)
    return start.astimezone(tzinfo(tz)).replace(tzinfo=None)


def _local_date(start, tz):
    local = local_start(start, tz)
    return local.date() if isinstance(local, datetime) else local


# ---------------------------------------------------------------- Graph


def from_graph(data):
    """A Recurrence from Graph's {"pattern": {...}, "range": {...}}."""
    if not isinstance(data, dict):
        raise MappingError("The repeat rule is not readable.")
    pattern = data.get("pattern") or {}
    range_ = data.get("range") or {}
    start_date = _graph_date(range_.get("startDate"), "start date")
    range_type = range_.get("type") or "noEnd"
    end_date = None
    if range_type == "endDate":
        end_date = _graph_date(range_.get("endDate"), "end date")
    return make_recurrence(
        pattern.get("type"),
        start_date,
        interval=pattern.get("interval") or 1,
        days_of_week=pattern.get("daysOfWeek") or (),
        day_of_month=pattern.get("dayOfMonth") or 0,
        month=pattern.get("month") or 0,
        index=pattern.get("index") or "first",
        first_day_of_week=pattern.get("firstDayOfWeek") or "sunday",
        range_type=range_type,
        end_date=end_date,
        count=range_.get("numberOfOccurrences") or 0,
    )


def _graph_date(text, what):
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        raise MappingError(f"The repeat rule's {what} {text!r} is not a date.") from None


def to_graph(rec, tz="UTC"):
    """Graph's {"pattern", "range"} for a Recurrence; ``tz`` is the event's own zone."""
    pattern = {"type": rec.pattern, "interval": rec.interval}
    if rec.days_of_week:
        pattern["daysOfWeek"] = list(rec.days_of_week)
    if rec.pattern == "weekly":
        pattern["firstDayOfWeek"] = rec.first_day_of_week
    if rec.day_of_month:
        pattern["dayOfMonth"] = rec.day_of_month
    if rec.month:
        pattern["month"] = rec.month
    if rec.pattern in _RELATIVE:
        pattern["index"] = rec.index
    range_ = {
        "type": rec.range_type,
        "startDate": rec.start_date.isoformat(),
        "recurrenceTimeZone": graph_time_zone(tz),
    }
    if rec.range_type == "endDate":
        range_["endDate"] = rec.end_date.isoformat()
    elif rec.range_type == "numbered":
        range_["numberOfOccurrences"] = rec.count
    return {"pattern": pattern, "range": range_}


# ---------------------------------------------------------------- RRULE


def to_rrule(rec, tz="UTC"):
    """The RFC 5545 RRULE (without DTSTART) for a Recurrence.

    UNTIL is the end of the last day in the event's zone ``tz``, written in UTC.
    """
    parts = [f"FREQ={_FREQUENCIES[rec.pattern]}", f"INTERVAL={rec.interval}"]
    if rec.month:
        parts.append(f"BYMONTH={rec.month}")
    if rec.day_of_month:
        parts.append(f"BYMONTHDAY={rec.day_of_month}")
    days = [_RRULE_DAYS[WEEKDAYS.index(day)] for day in rec.days_of_week]
    if rec.pattern in _RELATIVE and len(days) == 1:
        parts.append(f"BYDAY={_INDEX_NUMBERS[rec.index]}{days[0]}")
    elif days:
        parts.append(f"BYDAY={','.join(days)}")
    if rec.pattern in _RELATIVE and len(days) > 1:
        parts.append(f"BYSETPOS={_INDEX_NUMBERS[rec.index]}")
    if rec.pattern == "weekly" and rec.first_day_of_week != "monday":  # MO is RFC's default
        parts.append(f"WKST={_RRULE_DAYS[WEEKDAYS.index(rec.first_day_of_week)]}")
    if rec.range_type == "numbered":
        parts.append(f"COUNT={rec.count}")
    elif rec.range_type == "endDate":
        last_moment = tzinfo(tz).localize(datetime.combine(rec.end_date, time(23, 59, 59)))
        parts.append(f"UNTIL={last_moment.astimezone(pytz.utc):%Y%m%dT%H%M%SZ}")
    return ";".join(parts)


def from_rrule(rule, start, tz="UTC"):
    """A Recurrence from an RRULE string; ``start`` is the first occurrence's start.

    Rules Outlook cannot hold (hourly, BYWEEKNO, every Monday of the month, a fifth Monday,
    ...) raise MappingError rather than being read as something else.
    """
    parts = _rrule_parts(rule)
    start_date = _local_date(start, tz)
    freq = parts.pop("FREQ", "")
    days, index = _rrule_days(parts.pop("BYDAY", ""), parts.pop("BYSETPOS", ""))
    wkst = parts.pop("WKST", "MO")
    if wkst not in _RRULE_DAYS:
        raise MappingError(f"Unknown week start {wkst!r} in the repeat rule.")
    values = {
        "interval": _rrule_int(parts.pop("INTERVAL", "1"), "INTERVAL"),
        "month": _rrule_int(parts.pop("BYMONTH", "0"), "BYMONTH"),
        "day_of_month": _rrule_int(parts.pop("BYMONTHDAY", "0"), "BYMONTHDAY"),
        "days_of_week": days,
        "index": index or "first",
        "first_day_of_week": WEEKDAYS[_RRULE_DAYS.index(wkst)],
        **_rrule_range(parts, tz),
    }
    if parts:
        raise MappingError(
            f"The repeat rule uses {', '.join(sorted(parts))}, which Outlook cannot represent. "
            "Simplify the series' repeat settings."
        )
    pattern = _rrule_pattern(freq, values, positioned=index is not None)
    _fill_from_start(pattern, values, start_date)
    return make_recurrence(pattern, start_date, **values)


def _rrule_parts(rule):
    text = (rule or "").strip()
    if text.upper().startswith("RRULE:"):
        text = text[len("RRULE:"):]
    parts = {}
    for item in filter(None, text.split(";")):
        key, sep, value = item.partition("=")
        if not sep:
            raise MappingError(f"The repeat rule {rule!r} is not a valid RRULE.")
        parts[key.strip().upper()] = value.strip().upper()
    return parts


def _rrule_int(text, what):
    try:
        return int(text)
    except ValueError:
        raise MappingError(
            f"The repeat rule's {what}={text} is not a single number, which Outlook cannot "
            "represent."
        ) from None


def _rrule_range(parts, tz):
    if "COUNT" in parts and "UNTIL" in parts:
        raise MappingError("The repeat rule has both COUNT and UNTIL; keep only one.")
    if "COUNT" in parts:
        return {"range_type": "numbered", "count": _rrule_int(parts.pop("COUNT"), "COUNT")}
    if "UNTIL" in parts:
        return {"range_type": "endDate", "end_date": _rrule_until(parts.pop("UNTIL"), tz)}
    return {"range_type": "noEnd"}


def _rrule_until(text, tz):
    """UNTIL as the last day of the series in the event's zone."""
    try:
        if len(text) == 8:  # a DATE
            return datetime.strptime(text, "%Y%m%d").date()
        moment = datetime.strptime(text.rstrip("Z"), "%Y%m%dT%H%M%S")
    except ValueError:
        raise MappingError(f"The repeat rule's end UNTIL={text} is not a date.") from None
    if text.endswith("Z"):
        return local_start(pytz.utc.localize(moment), tz).date()
    return moment.date()  # a floating local time


def _rrule_days(byday, bysetpos):
    """BYDAY (+ BYSETPOS) as (Graph day names, Graph week index or None when unpositioned)."""
    if not byday:
        if bysetpos:
            raise MappingError("The repeat rule has BYSETPOS without BYDAY.")
        return (), None
    days, numbers = [], set()
    for item in byday.split(","):
        number, code = item[:-2], item[-2:]
        if code not in _RRULE_DAYS:
            raise MappingError(f"Unknown day {item!r} in the repeat rule.")
        days.append(WEEKDAYS[_RRULE_DAYS.index(code)])
        if number:
            numbers.add(_rrule_int(number.lstrip("+"), "BYDAY"))
    if bysetpos:
        numbers.add(_rrule_int(bysetpos, "BYSETPOS"))
    if len(numbers) > 1:
        raise MappingError("Outlook cannot repeat on different weeks of the month in one series.")
    if not numbers:
        return tuple(days), None
    number = numbers.pop()
    indexes = {n: name for name, n in _INDEX_NUMBERS.items()}
    if number not in indexes:
        raise MappingError(
            f"Outlook can repeat on the first to fourth or the last weekday of a month, not on "
            f"week number {number}."
        )
    return tuple(days), indexes[number]


def _rrule_pattern(freq, values, positioned):
    """The Graph pattern type for an RRULE's frequency and parts."""
    days = values["days_of_week"]
    if freq in ("DAILY", "WEEKLY") and (positioned or values["month"] or values["day_of_month"]):
        raise MappingError(
            f"Outlook cannot limit a {freq.lower()} series to chosen months or days of the month."
        )
    if freq == "DAILY" and days and values["interval"] != 1:
        raise MappingError("Outlook cannot repeat every few days on chosen weekdays.")
    if freq == "DAILY":  # every weekday = weekly on those days
        return "weekly" if days else "daily"
    if freq == "WEEKLY":
        return "weekly"
    if freq not in ("MONTHLY", "YEARLY"):
        raise MappingError(
            f"Outlook cannot repeat a series {freq.lower() or 'without a frequency'}: only "
            "daily, weekly, monthly and yearly."
        )
    if days and not positioned:
        raise MappingError(
            "Outlook cannot repeat on every such weekday of a month; choose one week of the "
            "month (first to fourth, or last)."
        )
    if days and values["day_of_month"]:
        raise MappingError("Outlook cannot combine a day of the month with weekdays.")
    if freq == "MONTHLY" and values["month"]:
        raise MappingError("Outlook cannot limit a monthly series to chosen months.")
    kind = "relative" if days else "absolute"
    return kind + ("Monthly" if freq == "MONTHLY" else "Yearly")


def _fill_from_start(pattern, values, start_date):
    # RFC 5545 takes what a rule leaves out from DTSTART; Graph wants it spelled out.
    if pattern == "weekly" and not values["days_of_week"]:
        values["days_of_week"] = (WEEKDAYS[start_date.weekday()],)
    if pattern in ("absoluteMonthly", "absoluteYearly") and not values["day_of_month"]:
        values["day_of_month"] = start_date.day
    if pattern in _YEARLY and not values["month"]:
        values["month"] = start_date.month


# ---------------------------------------------------------------- expansion


def expand(rec, start, tz, window_start, window_end):
    """Occurrence starts of a series within [window_start, window_end).

    Computed on local times in the event's zone ``tz`` and then converted, so a 09:00
    meeting stays at 09:00 local time across daylight-saving changes. Timed series give
    aware UTC datetimes; all-day series (``start`` is a date) give dates.
    """
    all_day = not isinstance(start, datetime)
    zone = tzinfo(tz)
    first = local_start(start, tz)
    at = time(0, 0) if all_day else first.time()
    rule = du.rrule(
        _DATEUTIL_FREQUENCIES[_FREQUENCIES[rec.pattern]],
        dtstart=datetime.combine(rec.start_date, at),
        **_dateutil_options(rec),
    )
    # Look a day beyond the window on each side (zone offsets), then filter exactly.
    low = _window_local(window_start, tz) - timedelta(days=1)
    high = _window_local(window_end, tz) + timedelta(days=1)
    starts = []
    for naive in rule.between(low, high, inc=True):
        occurrence = naive.date() if all_day else _to_utc(zone, naive)
        if _within(occurrence, window_start, window_end, tz):
            starts.append(occurrence)
    return starts


def _dateutil_options(rec):
    options = {"interval": rec.interval}
    if rec.days_of_week:
        options["byweekday"] = [WEEKDAYS.index(day) for day in rec.days_of_week]
    if rec.pattern in _RELATIVE:
        options["bysetpos"] = _INDEX_NUMBERS[rec.index]
    if rec.month:
        options["bymonth"] = rec.month
    if rec.day_of_month:
        if rec.day_of_month > 28:
            # Outlook: the last day of months shorter than day_of_month.
            options["bymonthday"] = list(range(28, rec.day_of_month + 1))
            options["bysetpos"] = -1
        else:
            options["bymonthday"] = rec.day_of_month
    if rec.pattern == "weekly":
        options["wkst"] = WEEKDAYS.index(rec.first_day_of_week)
    if rec.range_type == "numbered":
        options["count"] = rec.count
    elif rec.range_type == "endDate":
        options["until"] = datetime.combine(rec.end_date, time(23, 59, 59))
    return options


def _to_utc(zone, naive):
    # Ambiguous local times (the repeated hour in autumn) take standard time, like Odoo;
    # times skipped in spring land one hour later in wall-clock terms.
    return zone.normalize(zone.localize(naive, is_dst=False)).astimezone(pytz.utc)


def _window_local(bound, tz):
    local = local_start(bound, tz)
    return local if isinstance(local, datetime) else datetime.combine(local, time(0, 0))


def _within(occurrence, window_start, window_end, tz):
    if isinstance(occurrence, datetime):
        return _as_utc(window_start, tz) <= occurrence < _as_utc(window_end, tz)
    return _local_date(window_start, tz) <= occurrence < _local_date(window_end, tz)


def _as_utc(bound, tz):
    if isinstance(bound, datetime):
        return bound.astimezone(pytz.utc) if bound.tzinfo else pytz.utc.localize(bound)
    return tzinfo(tz).localize(datetime.combine(bound, time(0, 0))).astimezone(pytz.utc)


# ---------------------------------------------------------------- Odoo


def odoo_recurrence_values(rec, start, tz=None):
    """Field values for Odoo's calendar.recurrence holding ``rec`` (closest rule if lossy).

    ``start`` is the series' first start (aware or naive-UTC datetime, or date); ``tz`` the
    event's zone, written to ``event_tz`` when given (without it, the rule's start date
    stands for the first day). Every field is set, so writing the
    values over an existing recurrence leaves nothing stale behind.
    """
    values = {
        "rrule_type": "daily", "interval": rec.interval, "month_by": "date", "day": 1,
        "weekday": False, "byday": False, "end_type": "forever", "count": 1, "until": False,
        **dict.fromkeys(_ODOO_DAY_FLAGS, False),
    }
    if tz:
        values["event_tz"] = tz
    values.update(_odoo_pattern(rec, _first_day(rec, start, tz)))
    if rec.range_type == "numbered":
        values.update(end_type="count", count=min(rec.count, ODOO_MAX_OCCURRENCES))
    elif rec.range_type == "endDate":
        values.update(end_type="end_date", until=rec.end_date)
    return values


def _first_day(rec, start, tz):
    # Without the event's zone a UTC start may fall on the day before: the rule's own
    # start date (already in the event's zone) is then the better guide.
    if isinstance(start, datetime) and not tz:
        return rec.start_date
    return _local_date(start, tz)


def _odoo_pattern(rec, start_date):
    if rec.pattern == "daily":
        return {"rrule_type": "daily"}
    if rec.pattern == "weekly":
        return {"rrule_type": "weekly", **{_odoo_flag(day): True for day in rec.days_of_week}}
    if rec.pattern == "absoluteMonthly":
        return {"rrule_type": "monthly", "month_by": "date", "day": rec.day_of_month}
    if rec.pattern == "absoluteYearly" and (start_date.month, start_date.day) == (
            rec.month, rec.day_of_month):
        return {"rrule_type": "yearly"}
    if rec.pattern == "absoluteYearly":  # same dates: Odoo counts months from the start
        return {"rrule_type": "monthly", "interval": 12 * rec.interval, "month_by": "date",
                "day": rec.day_of_month}
    relative = {
        "rrule_type": "monthly", "month_by": "day",
        "weekday": _ODOO_DAYS[WEEKDAYS.index(rec.days_of_week[0])],
        "byday": str(_INDEX_NUMBERS[rec.index]),
    }
    if rec.pattern == "relativeYearly":
        relative["interval"] = 12 * rec.interval
    return relative


def _odoo_flag(day):
    return _ODOO_DAY_FLAGS[WEEKDAYS.index(day)]


def odoo_recurrence_loss(rec, start, tz=None, *, week_start=None):
    """Plain-English description of how Odoo's rule differs from ``rec``; "" when exact.

    ``week_start`` (a WEEKDAYS name) is the first day of the week of the Odoo user's
    language, which Odoo uses for weekly rules; give it to have that difference checked.
    """
    start_date = _first_day(rec, start, tz)
    problems = []
    if rec.pattern in _RELATIVE and len(rec.days_of_week) > 1:
        problems.append(
            f"Odoo repeats on one weekday only: it keeps {rec.days_of_week[0].capitalize()} "
            f"of {', '.join(day.capitalize() for day in rec.days_of_week)}"
        )
    if rec.pattern == "absoluteMonthly" and rec.day_of_month > 28:
        problems.append(
            f"in months without a day {rec.day_of_month}, Outlook uses the month's last day "
            "while Odoo skips the month"
        )
    if rec.pattern in _YEARLY and start_date.month != rec.month:
        problems.append("Odoo starts the yearly series in the month of its first event")
    if (week_start and rec.pattern == "weekly" and rec.interval > 1
            and len(rec.days_of_week) > 1 and week_start != rec.first_day_of_week):
        problems.append(
            f"Odoo counts weeks from {week_start.capitalize()}, Outlook from "
            f"{rec.first_day_of_week.capitalize()}"
        )
    if rec.range_type == "numbered" and rec.count > ODOO_MAX_OCCURRENCES:
        problems.append(f"Odoo creates at most {ODOO_MAX_OCCURRENCES} occurrences")
    if not problems:
        return ""
    return "The Outlook repeat rule is shown approximately in Odoo: " + "; ".join(problems) + "."


def recurrence_from_odoo(fields, start, tz, *, week_start="sunday"):
    """A Recurrence from calendar.recurrence field values (as ``read()`` returns them).

    ``start`` is the first event's start, ``tz`` the event's zone and ``week_start`` the
    first day of the week of the user's language (Graph's firstDayOfWeek).
    """
    start_date = _local_date(start, tz)
    interval = int(fields.get("interval") or 1)
    ending = _odoo_range(fields)
    rrule_type = fields.get("rrule_type")
    if rrule_type == "daily":
        return make_recurrence("daily", start_date, interval=interval, **ending)
    if rrule_type == "weekly":
        days = [day for day in WEEKDAYS if fields.get(_odoo_flag(day))]
        return make_recurrence("weekly", start_date, interval=interval,
                               first_day_of_week=week_start,
                               days_of_week=days or (WEEKDAYS[start_date.weekday()],), **ending)
    if rrule_type == "yearly":
        return make_recurrence("absoluteYearly", start_date, interval=interval,
                               month=start_date.month, day_of_month=start_date.day, **ending)
    if rrule_type == "monthly" and fields.get("month_by") == "day":
        return _odoo_relative(fields, start_date, interval, ending)
    if rrule_type == "monthly":
        return make_recurrence("absoluteMonthly", start_date, interval=interval,
                               day_of_month=int(fields.get("day") or start_date.day), **ending)
    raise MappingError(f"Unknown Odoo repeat type {rrule_type!r}.")


def _odoo_relative(fields, start_date, interval, ending):
    weekday = fields.get("weekday") or _ODOO_DAYS[start_date.weekday()]
    byday = str(fields.get("byday") or "1")
    indexes = {str(number): name for name, number in _INDEX_NUMBERS.items()}
    if weekday not in _ODOO_DAYS or byday not in indexes:
        raise MappingError(f"Unknown Odoo monthly repeat: the {byday!r} {weekday!r}.")
    days = (WEEKDAYS[_ODOO_DAYS.index(weekday)],)
    if interval % 12 == 0:  # every n years on e.g. the 2nd Tuesday of the start's month
        return make_recurrence("relativeYearly", start_date, interval=interval // 12,
                               month=start_date.month, days_of_week=days, index=indexes[byday],
                               **ending)
    return make_recurrence("relativeMonthly", start_date, interval=interval, days_of_week=days,
                           index=indexes[byday], **ending)


def _odoo_range(fields):
    end_type = fields.get("end_type") or "forever"
    if end_type == "count":
        return {"range_type": "numbered", "count": int(fields.get("count") or 1)}
    if end_type == "end_date":
        until = fields.get("until")
        if isinstance(until, str):
            until = date.fromisoformat(until[:10])
        elif isinstance(until, datetime):
            until = until.date()
        return {"range_type": "endDate", "end_date": until}
    return {"range_type": "noEnd"}
