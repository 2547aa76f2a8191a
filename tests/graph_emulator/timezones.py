"""Time zone names as Outlook takes them (Windows or IANA) and Graph's date-time formats.

Kept independent from the addon's own tables on purpose: the emulator plays Microsoft.
"""

import functools
import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .errors import GraphError

# A small Windows -> IANA table (CLDR "001" territory mappings) covering the zones
# Outlook users meet most; enough for tests and demos.
WINDOWS_TO_IANA = {
    "UTC": "UTC",
    "Coordinated Universal Time": "UTC",
    "tzone://Microsoft/Utc": "UTC",
    "GMT Standard Time": "Europe/London",
    "Greenwich Standard Time": "Atlantic/Reykjavik",
    "W. Europe Standard Time": "Europe/Berlin",
    "Romance Standard Time": "Europe/Paris",
    "Central Europe Standard Time": "Europe/Budapest",
    "Central European Standard Time": "Europe/Warsaw",
    "E. Europe Standard Time": "Europe/Chisinau",
    "FLE Standard Time": "Europe/Kiev",
    "GTB Standard Time": "Europe/Bucharest",
    "Turkey Standard Time": "Europe/Istanbul",
    "Russian Standard Time": "Europe/Moscow",
    "Israel Standard Time": "Asia/Jerusalem",
    "Egypt Standard Time": "Africa/Cairo",
    "South Africa Standard Time": "Africa/Johannesburg",
    "W. Central Africa Standard Time": "Africa/Lagos",
    "Morocco Standard Time": "Africa/Casablanca",
    "Arabian Standard Time": "Asia/Dubai",
    "India Standard Time": "Asia/Calcutta",
    "SE Asia Standard Time": "Asia/Bangkok",
    "China Standard Time": "Asia/Shanghai",
    "Singapore Standard Time": "Asia/Singapore",
    "Taipei Standard Time": "Asia/Taipei",
    "Tokyo Standard Time": "Asia/Tokyo",
    "Korea Standard Time": "Asia/Seoul",
    "W. Australia Standard Time": "Australia/Perth",
    "AUS Eastern Standard Time": "Australia/Sydney",
    "New Zealand Standard Time": "Pacific/Auckland",
    "Hawaiian Standard Time": "Pacific/Honolulu",
    "Alaskan Standard Time": "America/Anchorage",
    "Pacific Standard Time": "America/Los_Angeles",
    "US Mountain Standard Time": "America/Phoenix",
    "Mountain Standard Time": "America/Denver",
    "Central Standard Time": "America/Chicago",
    "Central Standard Time (Mexico)": "America/Mexico_City",
    "Canada Central Standard Time": "America/Regina",
    "Central America Standard Time": "America/Guatemala",
    "Eastern Standard Time": "America/New_York",
    "SA Pacific Standard Time": "America/Bogota",
    "Atlantic Standard Time": "America/Halifax",
    "Newfoundland Standard Time": "America/St_Johns",
    "E. South America Standard Time": "America/Sao_Paulo",
    "Argentina Standard Time": "America/Buenos_Aires",
}
_BY_LOWER_NAME = {name.lower(): iana for name, iana in WINDOWS_TO_IANA.items()}
NULL_DATE = "0001-01-01T00:00:00Z"


@functools.lru_cache(maxsize=512)
def zone(name):
    """ZoneInfo for a Windows or IANA name; GraphError 400 when Outlook would refuse it."""
    iana = _BY_LOWER_NAME.get((name or "").strip().lower(), (name or "").strip())
    try:
        return ZoneInfo(iana)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise GraphError(400, "TimeZoneNotSupportedException",
                         "A valid TimeZone value must be specified. The following TimeZone "
                         f"value is not supported: '{name}'.") from exc


_DATETIME = re.compile(r"^(\d{4}-\d{2}-\d{2})(?:T(\d{2}:\d{2}(?::\d{2})?)(\.\d+)?)?"
                       r"(Z|[+-]\d{2}:?\d{2})?$")


def parse_local(text):
    """'2025-01-02T09:00:00.0000000' -> (naive datetime, offset text or None)."""
    match = _DATETIME.match((text or "").strip())
    if not match:
        raise GraphError(400, "ErrorInvalidRequest",
                         f"Cannot convert the literal '{text}' to the expected type "
                         "'Edm.DateTime'. Use the format 2025-01-02T09:00:00.")
    day, clock, fraction, offset = match.groups()
    value = datetime.fromisoformat(f"{day}T{clock or '00:00:00'}")
    if fraction:
        value += timedelta(microseconds=int(round(float(fraction) * 1_000_000)))
    return value, offset


def to_utc(text, tz_name):
    """A Graph dateTime in the named zone (or with its own offset) -> aware UTC datetime."""
    naive, offset = parse_local(text)
    if offset:
        return datetime.fromisoformat(naive.isoformat() + _normal_offset(offset)).astimezone(UTC)
    return naive.replace(tzinfo=zone(tz_name)).astimezone(UTC)


def parse_query_datetime(text, name):
    """startDateTime/endDateTime query values: ISO 8601, UTC when no offset is given."""
    try:
        naive, offset = parse_local(text)
    except GraphError as exc:
        raise GraphError(400, "ErrorInvalidParameter",
                         f"The value '{text}' of parameter '{name}' is invalid.") from exc
    if offset:
        return datetime.fromisoformat(naive.isoformat() + _normal_offset(offset)).astimezone(UTC)
    return naive.replace(tzinfo=UTC)


def _normal_offset(offset):
    if offset == "Z":
        return "+00:00"
    return offset if ":" in offset else f"{offset[:3]}:{offset[3:]}"


def graph_datetime(value_utc, tz_name, floating=False):
    """{"dateTime": "2025-01-02T09:00:00.0000000", "timeZone": name} as Graph writes it.

    Floating values (all-day events) keep their wall time whatever zone is asked for.
    """
    local = value_utc if floating or tz_name == "UTC" else value_utc.astimezone(zone(tz_name))
    # isoformat() of an aware value ends with its offset: keep the 26 wall-clock characters.
    return {"dateTime": local.isoformat(timespec="microseconds")[:26] + "0",
            "timeZone": tz_name}


def timestamp(value_utc):
    """DateTimeOffset as Graph writes createdDateTime: '2017-04-15T03:00:50.7579581Z'."""
    return value_utc.astimezone(UTC).isoformat(timespec="microseconds")[:26] + "0Z"


def short_timestamp(value_utc):
    return value_utc.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
