"""Recurring series: Graph patterns and Odoo recurrence fields.

The neutral ``Recurrence`` mirrors Graph's {pattern, range}; this module checks it and
converts it to and from Odoo's ``calendar.recurrence`` fields (Odoo expands the series
itself).

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

from datetime import date, datetime

import pytz

from .event_values import (
    PATTERN_TYPES,
    RANGE_TYPES,
    WEEK_INDEXES,
    WEEKDAYS,
    MappingError,
    Recurrence,
)
from .i18n import Text, _lt
from .timezones import graph_time_zone, tzinfo

__all__ = [
    "Recurrence", "from_graph", "local_start", "make_recurrence", "odoo_recurrence_loss",
    "odoo_recurrence_values", "recurrence_from_odoo", "to_graph",
]

ODOO_MAX_OCCURRENCES = 720  # calendar_recurrence.MAX_RECURRENT_EVENT

_ODOO_DAYS = ("MON", "TUE", "WED", "THU", "FRI", "SAT", "SUN")
_ODOO_DAY_FLAGS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_INDEX_NUMBERS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_RELATIVE = ("relativeMonthly", "relativeYearly")
_YEARLY = ("absoluteYearly", "relativeYearly")


# ---------------------------------------------------------------- building and checking


def make_recurrence(pattern, start_date, *, interval=1, days_of_week=(), day_of_month=0,
                    month=0, index="first", first_day_of_week="sunday", range_type="noEnd",
                    end_date=None, count=0):
    """Build a checked Recurrence keeping only the fields that matter for its pattern."""
    if pattern not in PATTERN_TYPES:
        raise MappingError(Text(_lt('The repeat rule uses a pattern that cannot be '
                                    'synchronized ("%(pattern)s"). Edit the series and save '
                                    "it again."), pattern=str(pattern)))
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
        raise MappingError(Text(_lt('The repeat rule has an unknown day of the week '
                                    '("%(day)s"). Edit the series and save it again.'),
                                day=unknown[0]))
    return tuple(day for day in WEEKDAYS if day in names)


def _check(rec):
    problem = _problem(rec)
    if problem:
        raise MappingError(Text(_lt("The repeat rule is not valid: %(problem)s. Edit the "
                                    "series and save it again."), problem=problem))


def _problem(rec):
    """What is wrong with ``rec``, as a translatable clause; None when nothing is."""
    if not _whole(rec.interval, 1, 999):
        return Text(_lt('the interval must be a whole number from 1 to 999, not "%(value)s"'),
                    value=str(rec.interval))
    if rec.pattern in ("weekly", *_RELATIVE) and not rec.days_of_week:
        return Text(_lt("no day of the week is chosen"))
    if rec.pattern in ("absoluteMonthly", "absoluteYearly") and not _whole(rec.day_of_month, 1, 31):
        return Text(_lt('the day of the month must be between 1 and 31, not "%(value)s"'),
                    value=str(rec.day_of_month))
    if rec.pattern in _YEARLY and not _whole(rec.month, 1, 12):
        return Text(_lt('the month must be between 1 and 12, not "%(value)s"'),
                    value=str(rec.month))
    return _range_problem(rec)


def _range_problem(rec):
    if rec.index not in WEEK_INDEXES:
        return Text(_lt('the week of the month "%(value)s" is unknown'), value=str(rec.index))
    if rec.first_day_of_week not in WEEKDAYS:
        return Text(_lt('the first day of the week "%(value)s" is unknown'),
                    value=str(rec.first_day_of_week))
    if rec.range_type not in RANGE_TYPES:
        return Text(_lt('the end of the series "%(value)s" is unknown'),
                    value=str(rec.range_type))
    if rec.range_type == "endDate" and not isinstance(rec.end_date, date):
        return Text(_lt("the series is set to end on a date but has no end date"))
    if rec.range_type == "endDate" and rec.end_date < rec.start_date:
        return Text(_lt("the series ends before it starts"))
    if rec.range_type == "numbered" and not _whole(rec.count, 1, None):
        return Text(_lt('the number of occurrences must be at least 1, not "%(value)s"'),
                    value=str(rec.count))
    return None


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
        raise MappingError(Text(_lt("The repeat rule is not readable. Edit the series in "
                                    "Outlook and save it again.")))
    pattern = data.get("pattern") or {}
    range_ = data.get("range") or {}
    start_date = _graph_date(range_.get("startDate"), _BAD_START_DATE)
    range_type = range_.get("type") or "noEnd"
    end_date = None
    if range_type == "endDate":
        end_date = _graph_date(range_.get("endDate"), _BAD_END_DATE)
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


_BAD_START_DATE = _lt('The start date of the repeat rule ("%(value)s") is not a date. Edit '
                      "the series in Outlook and save it again.")
_BAD_END_DATE = _lt('The end date of the repeat rule ("%(value)s") is not a date. Edit the '
                    "series in Outlook and save it again.")


def _graph_date(text, problem):
    try:
        return date.fromisoformat(str(text)[:10])
    except ValueError:
        raise MappingError(Text(problem, value=str(text))) from None


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
    """How Odoo's rule differs from ``rec``, as translatable sentences; [] when exact.

    ``week_start`` (a WEEKDAYS name) is the first day of the week of the Odoo user's
    language, which Odoo uses for weekly rules; give it to have that difference checked.
    """
    start_date = _first_day(rec, start, tz)
    problems = []
    if rec.pattern in _RELATIVE and len(rec.days_of_week) > 1:
        problems.append(Text(
            _lt("Odoo repeats on one weekday only: it keeps %(kept)s of %(days)s."),
            kept=rec.days_of_week[0].capitalize(),
            days=", ".join(day.capitalize() for day in rec.days_of_week)))
    if rec.pattern == "absoluteMonthly" and rec.day_of_month > 28:
        problems.append(Text(
            _lt("In months without a day %(day)s, Outlook uses the month's last day while "
                "Odoo skips the month."), day=rec.day_of_month))
    if rec.pattern in _YEARLY and start_date.month != rec.month:
        problems.append(Text(_lt("Odoo starts the yearly series in the month of its first "
                                 "event.")))
    if (week_start and rec.pattern == "weekly" and rec.interval > 1
            and len(rec.days_of_week) > 1 and week_start != rec.first_day_of_week):
        problems.append(Text(_lt("Odoo counts weeks from %(odoo)s, Outlook from %(outlook)s."),
                             odoo=week_start.capitalize(),
                             outlook=rec.first_day_of_week.capitalize()))
    if rec.range_type == "numbered" and rec.count > ODOO_MAX_OCCURRENCES:
        problems.append(Text(_lt("Odoo creates at most %(max)s occurrences."),
                             max=ODOO_MAX_OCCURRENCES))
    return problems


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
    raise MappingError(Text(_lt('The repeat rule of this event has an unknown type '
                                '("%(value)s"). Edit the series and save it again.'),
                            value=str(rrule_type)))


def _odoo_relative(fields, start_date, interval, ending):
    weekday = fields.get("weekday") or _ODOO_DAYS[start_date.weekday()]
    byday = str(fields.get("byday") or "1")
    indexes = {str(number): name for name, number in _INDEX_NUMBERS.items()}
    if weekday not in _ODOO_DAYS or byday not in indexes:
        raise MappingError(Text(_lt('The monthly repeat rule of this event is unknown '
                                    '("%(byday)s" "%(weekday)s"). Edit the series and save it '
                                    "again."), byday=byday, weekday=str(weekday)))
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
