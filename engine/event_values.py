"""Neutral event values: the contract between the Graph side and the Odoo side.

Both sides translate their own records into these frozen dataclasses; the planner compares
them through ``values_hash``. Values use Odoo's vocabulary wherever Odoo has fewer choices
than Outlook, so that neutral -> Graph -> neutral always gives back the same values.

What collapses when reading Outlook (Graph value -> neutral value):

==================  ===========================================================
showAs              free -> "free"; busy, tentative, oof, workingElsewhere,
                    unknown -> "busy" (Odoo only knows free/busy)
sensitivity         normal -> "public"; personal, private -> "private";
                    confidential -> "confidential"
privacy None        (Odoo's "user default") is written as sensitivity normal, so
                    it reads back as "public": resolve the default before
                    building values if the difference matters
attendee status     none, notResponded -> "needsAction"; organizer, accepted ->
                    "accepted"; tentativelyAccepted -> "tentative"; declined
attendee type       required/optional/resource are all read as attendees and
                    written back as "required"
reminder            isReminderOn false -> None, whatever reminderMinutesBeforeStart
time zones          Windows and legacy IANA spellings -> current IANA name
                    ("Romance Standard Time" -> "Europe/Paris")
body                sanitized HTML fragment; plain text becomes escaped HTML
==================  ===========================================================
"""

import hashlib
import json
from dataclasses import asdict, dataclass, fields
from datetime import UTC, date, datetime

from .i18n import Text

ODOO_RESPONSES = ("needsAction", "accepted", "declined", "tentative")
SHOW_AS = ("free", "busy")
PRIVACY = ("public", "private", "confidential")

# Recurrence vocabulary, spelled as Graph spells it.
PATTERN_TYPES = (
    "daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly",
)
WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
WEEK_INDEXES = ("first", "second", "third", "fourth", "last")
RANGE_TYPES = ("endDate", "numbered", "noEnd")

# Fields Outlook will not take from us (read-only in Graph) or that identify rather than
# describe an event: they never make an event "changed" for the planner.
UNHASHED_FIELDS = frozenset({
    "organizer_email", "organizer_name", "online_meeting_url", "series_master_id",
    "original_start", "is_organizer", "own_response",
})


class MappingError(ValueError):
    """A value that cannot be translated between Outlook and Odoo.

    Its ``user_text`` (a translatable ``Text``, or a plain English sentence) is meant for the
    user: it names the event and says what to fix. ``str()`` is its English.
    """

    def __init__(self, text):
        self.user_text = text if isinstance(text, Text) else Text(text)
        super().__init__(self.user_text.render())

    @property
    def user_message(self):
        return str(self)

    def message(self, translate):
        """The user's sentence in their language (``translate``: English -> translated)."""
        return self.user_text.render(translate)


@dataclass(frozen=True)
class Attendee:
    email: str  # lower-cased for matching; the display name is kept apart
    name: str
    response: str  # one of ODOO_RESPONSES


@dataclass(frozen=True)
class Recurrence:
    """A Graph recurrence (pattern + range) in neutral form.

    Only the fields that matter for ``pattern`` are set; the others keep their defaults so
    that two equal rules always compare (and hash) equal.
    """

    pattern: str  # one of PATTERN_TYPES
    start_date: date  # first day of the series, in the event's own zone
    interval: int = 1
    days_of_week: tuple[str, ...] = ()  # WEEKDAYS names, Monday first
    day_of_month: int = 0  # absolute patterns, 1..31
    month: int = 0  # yearly patterns, 1..12
    index: str = "first"  # relative patterns, one of WEEK_INDEXES
    first_day_of_week: str = "sunday"  # weekly patterns only
    range_type: str = "noEnd"  # one of RANGE_TYPES
    end_date: date | None = None  # endDate range: last day, inclusive, in the event's zone
    count: int = 0  # numbered range: number of occurrences


@dataclass(frozen=True)
class EventValues:
    subject: str
    body_html: str  # safe HTML fragment (no <html>/<head>, no scripts or handlers)
    all_day: bool
    start: datetime | date  # timed: aware UTC datetime; all-day: date
    end: datetime | date  # timed: aware UTC datetime; all-day: LAST day, inclusive
    timezone: str  # IANA name of the event's own zone ("UTC" if unknown)
    location: str
    show_as: str  # one of SHOW_AS
    privacy: str | None  # one of PRIVACY, or None for the user's default
    reminder_minutes: int | None  # None = no reminder
    attendees: tuple[Attendee, ...]  # sorted by email, organizer not included
    organizer_email: str
    organizer_name: str
    online_meeting_url: str
    recurrence: Recurrence | None  # set on series masters only
    # Series bookkeeping for occurrences and exceptions; None on single events.
    series_master_id: str | None = None
    original_start: datetime | date | None = None
    is_cancelled: bool = False
    # The copy's mailbox: whether it organizes the meeting, and its own answer (an Odoo
    # attendee state) when it is an invitee.
    is_organizer: bool = True
    own_response: str | None = None


def sorted_attendees(attendees):
    """Attendees as EventValues holds them: e-mails lower-cased, one per e-mail, sorted."""
    by_email = {}
    for attendee in attendees:
        email = attendee.email.strip().lower()
        if email and email not in by_email:
            by_email[email] = Attendee(email, attendee.name, attendee.response)
    return tuple(by_email[email] for email in sorted(by_email))


def values_hash(values):
    """A stable sha256 (hex) of the fields that sync, identical on every machine."""
    synced = {
        field.name: getattr(values, field.name)
        for field in fields(values)
        if field.name not in UNHASHED_FIELDS
    }
    synced["attendees"] = [asdict(attendee) for attendee in values.attendees]
    if values.recurrence is not None:
        synced["recurrence"] = asdict(values.recurrence)
    text = json.dumps(synced, sort_keys=True, separators=(",", ":"), default=_json_scalar)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _json_scalar(value):
    # Datetimes are written in UTC so that the same instant always gives the same text.
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(UTC)
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not a neutral value")
