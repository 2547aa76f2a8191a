"""Graph recurrence (pattern + range) -> occurrence start times, through dateutil.rrule.

Outlook semantics kept here:
- the first occurrence is the first pattern date on or after range.startDate, at the
  event's wall-clock time in its own time zone;
- absoluteMonthly/absoluteYearly on a day a month lacks (31st) falls on its last day;
- relative patterns with several daysOfWeek take the index-th day matching any of them.
"""

from datetime import date, datetime, time, timedelta

from dateutil import rrule

from .errors import GraphError

PATTERN_TYPES = ("daily", "weekly", "absoluteMonthly", "relativeMonthly",
                 "absoluteYearly", "relativeYearly")
RANGE_TYPES = ("endDate", "noEnd", "numbered")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
INDEXES = {"first": 1, "second": 2, "third": 3, "fourth": 4, "last": -1}
_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
_FREQ = {"daily": rrule.DAILY, "weekly": rrule.WEEKLY, "absoluteMonthly": rrule.MONTHLY,
         "relativeMonthly": rrule.MONTHLY, "absoluteYearly": rrule.YEARLY,
         "relativeYearly": rrule.YEARLY}


def _invalid(message):
    return GraphError(400, "ErrorPropertyValidationFailure",
                      f"At least one property failed validation: recurrence. {message}")


def normalize(recurrence):
    """Validate a patternedRecurrence and return it completed the way Graph echoes it."""
    if not isinstance(recurrence, dict):
        raise _invalid("recurrence must be an object with 'pattern' and 'range'.")
    pattern = recurrence.get("pattern") or {}
    span = recurrence.get("range") or {}
    kind = pattern.get("type")
    if kind not in PATTERN_TYPES:
        raise _invalid(f"pattern.type must be one of {', '.join(PATTERN_TYPES)}.")
    interval = pattern.get("interval", 1)
    if not isinstance(interval, int) or not 1 <= interval <= 99:
        raise _invalid("pattern.interval must be a number from 1 to 99.")
    days = [str(day).lower() for day in pattern.get("daysOfWeek") or []]
    if any(day not in DAYS for day in days):
        raise _invalid("pattern.daysOfWeek holds an unknown day.")
    if kind in ("weekly", "relativeMonthly", "relativeYearly") and not days:
        raise _invalid(f"pattern.daysOfWeek is required for a {kind} pattern.")
    day_of_month = pattern.get("dayOfMonth", 0) or 0
    if kind in ("absoluteMonthly", "absoluteYearly") and not 1 <= day_of_month <= 31:
        raise _invalid("pattern.dayOfMonth must be from 1 to 31.")
    month = pattern.get("month", 0) or 0
    if kind in ("absoluteYearly", "relativeYearly") and not 1 <= month <= 12:
        raise _invalid("pattern.month must be from 1 to 12.")
    index = str(pattern.get("index") or "first").lower()
    if index not in INDEXES:
        raise _invalid("pattern.index must be first, second, third, fourth or last.")
    first_day = str(pattern.get("firstDayOfWeek") or "sunday").lower()
    if first_day not in DAYS:
        raise _invalid("pattern.firstDayOfWeek is not a day of the week.")
    return {
        "pattern": {"type": kind, "interval": interval, "month": month,
                    "dayOfMonth": day_of_month, "daysOfWeek": days,
                    "firstDayOfWeek": first_day, "index": index},
        "range": _normalize_range(span),
    }


def _normalize_range(span):
    kind = span.get("type")
    if kind not in RANGE_TYPES:
        raise _invalid(f"range.type must be one of {', '.join(RANGE_TYPES)}.")
    start = _date(span.get("startDate"), "range.startDate")
    end = "0001-01-01"
    count = 0
    if kind == "endDate":
        end = _date(span.get("endDate"), "range.endDate").isoformat()
        if end < start.isoformat():
            raise _invalid("range.endDate is before range.startDate.")
    if kind == "numbered":
        count = span.get("numberOfOccurrences")
        if not isinstance(count, int) or count < 1:
            raise _invalid("range.numberOfOccurrences must be a positive number.")
    return {"type": kind, "startDate": start.isoformat(), "endDate": end,
            "recurrenceTimeZone": span.get("recurrenceTimeZone") or "",
            "numberOfOccurrences": count}


def _date(value, name):
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise _invalid(f"{name} must be a date such as 2025-01-31.") from exc


def build_rule(recurrence, wall_time):
    """The rrule of local (naive) occurrence starts for a normalized recurrence."""
    pattern, span = recurrence["pattern"], recurrence["range"]
    kind = pattern["type"]
    start = datetime.combine(datetime.fromisoformat(span["startDate"]).date(), wall_time)
    options = {"dtstart": start, "interval": pattern["interval"],
               "wkst": DAYS.index(pattern["firstDayOfWeek"])}
    days = [_WEEKDAYS[DAYS.index(day)] for day in pattern["daysOfWeek"]]
    if kind == "weekly":
        options["byweekday"] = days
    elif kind in ("absoluteMonthly", "absoluteYearly"):
        # "Day 31" means the month's last day when it is shorter.
        options["bymonthday"] = tuple(range(min(28, pattern["dayOfMonth"]),
                                            pattern["dayOfMonth"] + 1))
        options["bysetpos"] = -1
    elif kind in ("relativeMonthly", "relativeYearly"):
        options["byweekday"] = days
        options["bysetpos"] = INDEXES[pattern["index"]]
    if kind in ("absoluteYearly", "relativeYearly"):
        options["bymonth"] = pattern["month"]
    if span["type"] == "numbered":
        options["count"] = span["numberOfOccurrences"]
    elif span["type"] == "endDate":
        end_day = datetime.fromisoformat(span["endDate"]).date()
        options["until"] = datetime.combine(end_day, time(23, 59, 59))
    return rrule.rrule(_FREQ[kind], **options)


def first_start(rule):
    return next(iter(rule), None)


def starts_between(rule, after, before):
    """Local starts s with after <= s <= before (naive local datetimes)."""
    return rule.between(after - timedelta(seconds=1), before + timedelta(seconds=1), inc=True)
