"""What Outlook does around a meeting change: mail to attendees, copies in their calendars.

Mail rules (one message per recipient, the organizer never mails themself):
- created with attendees: invitation to each;
- time, location or recurrence changed: update to each remaining attendee;
- attendee added: invitation to them; removed: cancellation to them;
- deleted (series, single or one occurrence): cancellation to each.

Attendees that are emulated mailboxes get their own copy (same iCalUId, own id,
isOrganizer false). A cancelled meeting stays in their calendar with isCancelled true and
"Canceled: " before the subject, as Exchange leaves it.

Two more shapes a mailbox can hold, made by tests only and mailing nobody: an imported
copy of another mailbox's meeting (neither organizer nor attendee; the original's later
changes never reach it), and an invitation from an organizer who may be outside the
emulator, or claim an emulated address that holds no such meeting.
"""

import copy

from . import calendar_store, timezones
from .event_model import Event

RESPONSES = {"accept": "accepted", "tentativelyAccept": "tentativelyAccepted",
             "decline": "declined"}
SHOW_AS = {"accepted": "busy", "tentativelyAccepted": "tentative", "declined": "free"}


def recipients(event, only=None):
    organizer = event.fields["organizer"]["emailAddress"]["address"].lower()
    return [a for a in (only if only is not None else event.attendee_addresses)
            if a != organizer]


def announce_new(state, mailbox, event, count_mail):
    targets = recipients(event)
    state.counters.send_mail("invitation", targets, event.fields["subject"], count_mail)
    for address in targets:
        _write_copy(state, event, address)


def announce_change(state, mailbox, event, changes, count_mail):
    subject = event.fields["subject"]
    added, removed = recipients(event, changes["added"]), recipients(event, changes["removed"])
    state.counters.send_mail("invitation", added, subject, count_mail)
    state.counters.send_mail("cancellation", removed, subject, count_mail)
    if changes["schedule"]:
        staying = [a for a in recipients(event) if a not in added]
        state.counters.send_mail("update", staying, subject, count_mail)
    for address in removed:
        _cancel_copy(state, event, address)
    for address in recipients(event):
        _write_copy(state, event, address, reset=changes["schedule"])


def announce_delete(state, mailbox, event, count_mail):
    targets = recipients(event)
    state.counters.send_mail("cancellation", targets, event.fields["subject"], count_mail)
    for address in targets:
        _cancel_copy(state, event, address)


def refresh_copies(state, master):
    """Carry an organizer's change (such as one edited occurrence) to attendee copies."""
    for address in recipients(master):
        _write_copy(state, master, address)


def reset_responses(event):
    """A new time or place asks every attendee to answer again."""
    for attendee in event.fields["attendees"]:
        attendee["status"] = {"response": "none", "time": timezones.NULL_DATE}


def _write_copy(state, source, address, reset=False):
    """Create or refresh an attendee's copy of the organizer's event."""
    attendee = state.mailbox(address)
    if attendee is None:
        return
    core = attendee.by_ical.get(source.ical_uid)
    target = attendee.events.get(core) if core else None
    if target is None:
        target = _new_copy(state, attendee, source)
        _mirror_series(source, target)
        calendar_store.insert(state, attendee, target)
        return
    calendar_store.copy_shared(source, target)
    target.fields["isCancelled"] = False
    if reset:
        target.fields["responseStatus"] = {"response": "none", "time": timezones.NULL_DATE}
        target.fields["showAs"] = "tentative"
    _mirror_series(source, target)
    calendar_store.save(state, attendee, target)


def _new_copy(state, attendee, source, show_as="tentative"):
    fields = calendar_store.default_fields(attendee)
    fields.update(copy.deepcopy({k: source.fields.get(k) for k in calendar_store.SHARED_FIELDS}))
    fields.update(iCalUId=source.ical_uid, isOrganizer=False, showAs=show_as,
                  responseStatus={"response": "none", "time": timezones.NULL_DATE})
    now = state.now()
    return Event(core=state.ids.core("event"), kind=source.kind, fields=fields,
                 start=source.start, end=source.end, created=now, modified=now,
                 change_key=state.ids.change_key(), created_no=state.next_created_no())


def _mirror_series(source, target):
    """Copies carry the organizer's exceptions and removed occurrences too."""
    target.cancelled = set(source.cancelled)
    target.exceptions = {}
    for original, exc in source.exceptions.items():
        mirrored = copy.deepcopy(exc)
        mirrored.core = target.core
        for name in ("isOrganizer", "responseStatus", "showAs", "categories"):
            mirrored.fields[name] = copy.deepcopy(target.fields[name])
        mirrored.fields["transactionId"] = None
        target.exceptions[original] = mirrored


def _cancel_copy(state, source, address):
    attendee = state.mailbox(address)
    core = attendee.by_ical.get(source.ical_uid) if attendee else None
    target = attendee.events.get(core) if core else None
    if target is None or target.fields.get("isCancelled"):
        return
    target.fields["isCancelled"] = True
    target.fields["subject"] = "Canceled: " + (target.fields.get("subject") or "")
    calendar_store.save(state, attendee, target)


def record_response(state, mailbox, event, instance, action, send_response):
    """An attendee answers: their own copy, then the organizer's attendee list."""
    response = RESPONSES[action]
    status = {"response": response, "time": timezones.timestamp(state.now())}
    target = calendar_store.make_exception(state, instance) if instance else event
    target.fields["responseStatus"] = status
    target.fields["showAs"] = SHOW_AS[response]
    if instance:
        target.change_key = state.ids.change_key()
    calendar_store.save(state, mailbox, event)
    organizer_address = event.fields["organizer"]["emailAddress"]["address"]
    if send_response:
        state.counters.send_mail("response", [organizer_address.lower()],
                                 event.fields["subject"])
    organizer = state.mailbox(organizer_address)
    core = organizer.by_ical.get(event.ical_uid) if organizer else None
    organizer_event = organizer.events.get(core) if core else None
    if organizer_event is None or instance is not None:
        return
    for attendee in organizer_event.fields["attendees"]:
        if attendee["emailAddress"]["address"].lower() == mailbox.email.lower():
            attendee["status"] = dict(status)
    calendar_store.save(state, organizer, organizer_event)


# --- shapes made by tests ----------------------------------------------------------------

def import_copy(state, mailbox, source_mailbox, ident):
    """A copy of another mailbox's event (as if imported from a file): same iCalUId, the
    real organizer, this mailbox neither organizer nor attendee, never refreshed."""
    source, _instance = calendar_store.resolve(source_mailbox, ident)
    address = mailbox.email.lower()
    organizer = source.fields["organizer"]["emailAddress"]["address"].lower()
    if address == organizer or address in source.attendee_addresses:
        raise ValueError(f"{mailbox.email} organizes or attends this meeting: it gets its "
                         "own copy without import_copy().")
    _refuse_known_ical(mailbox, source.ical_uid)
    target = _new_copy(state, mailbox, source, show_as=source.fields["showAs"])
    _mirror_series(source, target)
    calendar_store.insert(state, mailbox, target)
    return target


def deliver_invitation(state, mailbox, payload, organizer_email, organizer_name=None,
                       ical_uid=None):
    """An invitation in this mailbox from `organizer_email`, whatever that mailbox holds."""
    if not isinstance(organizer_email, str) or "@" not in organizer_email:
        raise ValueError("organizer_email must be an email address.")
    event = calendar_store.build_event(state, mailbox, payload)
    if ical_uid:
        _refuse_known_ical(mailbox, ical_uid)
        event.fields["iCalUId"] = ical_uid
    if mailbox.email.lower() not in event.attendee_addresses:
        event.fields["attendees"].append({
            "type": "required", "status": {"response": "none", "time": timezones.NULL_DATE},
            "emailAddress": {"name": mailbox.display_name, "address": mailbox.email}})
    event.fields.update(
        organizer={"emailAddress": {"name": organizer_name or organizer_email,
                                    "address": organizer_email}},
        isOrganizer=False, showAs="tentative",
        responseStatus={"response": "none", "time": timezones.NULL_DATE})
    calendar_store.insert(state, mailbox, event)
    return event


def _refuse_known_ical(mailbox, ical_uid):
    if ical_uid in mailbox.by_ical and mailbox.by_ical[ical_uid] in mailbox.events:
        raise ValueError(f"{mailbox.email} already holds an event with this iCalUId.")
