"""Shared meetings: who organizes a meeting, which copy may change it, and which Odoo event
a mailbox's copy is.

A meeting belongs to its organizer. Outlook gives each attendee a copy of it (same
iCalUId, own id); only the copy in the organizer's own mailbox says ``isOrganizer``. The
organizer an invitation names is a claim, not a proof: anybody can send an invitation
naming anybody. So ownership comes only from the organizer's own mailbox.

Each link of a mailbox to an Odoo meeting has a **role**:

=========  ============================================================================
organizer  this mailbox organizes the meeting: its copy drives the Odoo meeting both ways
           (Odoo's edits go to Outlook through it, and only through it)
relay      an invitation from an organizer who is not a connected Odoo user: this copy
           is how the organizer's changes reach Odoo (time, subject, cancellation); Odoo
           never writes to it; when the organizer's own mailbox connects, it takes over
attendee   an invitee's copy of a meeting another copy drives: it carries only this
           invitee's answer; deleting or declining it declines, nothing else
copy       a copy in a mailbox that neither organizes nor attends the meeting (forwarded,
           imported): a separate Odoo event of that user's, never matched to the meeting
=========  ============================================================================

A copy is matched to an existing Odoo meeting by iCalUId only when this mailbox organizes
the meeting or attends it, and the organizers agree; otherwise it is a separate event.
"""

from collections.abc import Iterable
from dataclasses import dataclass

ORGANIZER, RELAY, ATTENDEE, COPY = "organizer", "relay", "attendee", "copy"
ROLES = (ORGANIZER, RELAY, ATTENDEE, COPY)
# Roles whose copy brings the meeting's own values (time, subject...) into Odoo.
DRIVING_ROLES = frozenset({ORGANIZER, RELAY, COPY})
# Fields of a meeting only its organizer changes (in Outlook, or in Odoo when they
# organize it there): changing them anywhere else would be undone or spread wrongly.
# Archiving (active) is deleting it for everyone: an invitee declines instead.
OUTLOOK_OWNED_FIELDS = frozenset({
    "active", "name", "start", "stop", "start_date", "stop_date", "allday", "duration", "location",
    "partner_ids", "attendee_ids", "user_id", "recurrency", "rrule", "rrule_type",
    "interval", "count", "until", "end_type", "mon", "tue", "wed", "thu", "fri", "sat", "sun",
    "month_by", "day", "weekday", "byday", "event_tz",
})


@dataclass(frozen=True)
class Copy:
    """What a mailbox's copy of an event says about the meeting."""

    mailbox: str  # the mailbox it was read from, lower-case
    is_organizer: bool
    organizer_email: str  # lower-case, "" when unknown
    attendee_emails: frozenset = frozenset()

    @property
    def attends(self) -> bool:
        return self.mailbox in self.attendee_emails


@dataclass(frozen=True)
class Meeting:
    """An Odoo event carrying the copy's iCalUId, as the matching sees it."""

    local_id: int
    organizer_email: str  # the organizer per Outlook ("" for an Odoo meeting never synced)
    driven: bool  # an organizer or relay link drives it already
    owner_mailbox: str = ""  # the mailbox whose organizer link drives it, if any


def role_of_new(copy: Copy) -> str:
    """The role of a copy that becomes a new Odoo event."""
    if copy.is_organizer:
        return ORGANIZER
    return RELAY if copy.attends else COPY


def match(copy: Copy, meetings: Iterable[Meeting]) -> tuple[int | None, str]:
    """(the Odoo meeting this copy is, its link's role), or (None, role) for a new event."""
    if not copy.is_organizer and not copy.attends:
        return None, COPY  # forwarded or imported: never somebody else's meeting
    for meeting in sorted(meetings, key=lambda m: m.local_id):
        if not _organizers_agree(copy, meeting):
            continue
        if copy.is_organizer:
            if meeting.owner_mailbox and meeting.owner_mailbox != copy.mailbox:
                continue  # another mailbox organizes it: not this meeting
            return meeting.local_id, ORGANIZER
        return meeting.local_id, ATTENDEE if meeting.driven else RELAY
    return None, role_of_new(copy)


def _organizers_agree(copy, meeting):
    if not meeting.organizer_email:
        # An Odoo meeting never synced by anyone: only its organizer's own mailbox claims
        # it (the copy of an event this account pushed, whose answer was lost).
        return copy.is_organizer
    expected = copy.mailbox if copy.is_organizer else copy.organizer_email
    return expected == meeting.organizer_email


def carries(role: str) -> str:
    """What a change of this copy brings into Odoo: "meeting" (its values), or "answer"
    (only this invitee's answer)."""
    return "meeting" if role in DRIVING_ROLES else "answer"


def pushes(role: str) -> bool:
    """Whether Odoo's changes of the meeting go to Outlook through this copy."""
    return role == ORGANIZER


def removal_declines(role: str, cancelled: bool) -> bool:
    """Whether this copy leaving Outlook only declines for its mailbox (the meeting stays)
    rather than removing the meeting from Odoo. An invitee deleting or declining their copy
    declines; an outside organizer cancelling (their relay copy says so) removes it."""
    if role == ATTENDEE:
        return True
    if role == RELAY:
        return not cancelled
    return False


def may_change(fields: Iterable[str], editor_is_organizer: bool, synced: bool) -> bool:
    """Whether an Odoo user may change these fields of a meeting: the fields Outlook owns
    change only by the meeting's organizer, once the meeting is synced with Outlook."""
    return editor_is_organizer or not synced or not OUTLOOK_OWNED_FIELDS.intersection(fields)
