"""The calendar operations a user or an app performs, whatever the entry point.

Both the Graph routes and the Python API (acting as the Outlook user) call these, so a
write made either way mails attendees and updates their copies the same way.
"""

from . import calendar_store, meetings
from .errors import GraphError
from .event_model import Instance
from .ids import etag


def create(state, mailbox, payload, count_mail=True):
    """Create an event; a repeated transactionId returns the event made the first time."""
    transaction = payload.get("transactionId")
    if isinstance(transaction, str):
        existing = _made_before(state, mailbox, transaction)
        if existing is not None:
            return existing
    event = calendar_store.build_event(state, mailbox, payload)
    calendar_store.insert(state, mailbox, event)
    if event.fields["isOrganizer"]:
        meetings.announce_new(state, mailbox, event, count_mail)
    return event


def _made_before(state, mailbox, transaction):
    """The event a transactionId already made, if a retry must get it back.

    For an event since deleted the documentation says nothing: the
    transaction_id_after_delete option picks forgetting the id (a new event), answering
    the deleted event as it was, or refusing the id.
    """
    existing = mailbox.events.get(mailbox.by_transaction.get(transaction))
    if existing is not None:
        return existing
    deleted = mailbox.deleted_transactions.get(transaction)
    choice = state.options.transaction_id_after_delete
    if deleted is None or choice == "creates_new":
        return None
    if choice == "returns_deleted":
        return deleted
    raise GraphError(409, "ErrorDuplicateTransactionId",
                     "Your request can't be completed. The TransactionId specified in the "
                     "request has already been used to create a different event.")


def update(state, mailbox, ident, payload, count_mail=True, if_match=None):
    """PATCH an event or one occurrence; returns (top-level event, instance or None)."""
    event, instance = calendar_store.resolve(mailbox, ident)
    current = instance.exception if instance and instance.exception else event
    _check_if_match(if_match, current.change_key)
    if instance is not None:
        return event, _update_occurrence(state, mailbox, event, instance, payload, count_mail)
    old_transaction = event.fields.get("transactionId")
    changes = calendar_store.apply_patch(event, payload)
    _reindex_transaction(mailbox, event, old_transaction)
    organizer = event.fields["isOrganizer"]
    if organizer and changes["schedule"]:
        meetings.reset_responses(event)
    calendar_store.save(state, mailbox, event)
    if organizer:
        meetings.announce_change(state, mailbox, event, changes, count_mail)
    return event, None


def _update_occurrence(state, mailbox, master, instance, payload, count_mail):
    exc = calendar_store.make_exception(state, instance)
    changes = calendar_store.apply_patch(exc, payload)
    exc.change_key = state.ids.change_key()
    exc.modified = state.now()
    calendar_store.save(state, mailbox, master)
    if master.fields["isOrganizer"]:
        if changes["schedule"]:
            state.counters.send_mail("update", meetings.recipients(master),
                                     exc.fields["subject"], count_mail)
        meetings.refresh_copies(state, master)
    return Instance(master, instance.original_start, exc.start, exc.end, exc)


def delete(state, mailbox, ident, count_mail=True):
    event, instance = calendar_store.resolve(mailbox, ident)
    organizer = event.fields["isOrganizer"]
    if instance is not None:
        event.exceptions.pop(instance.original_start, None)
        event.cancelled.add(instance.original_start)
        calendar_store.save(state, mailbox, event)
        if organizer:
            state.counters.send_mail("cancellation", meetings.recipients(event),
                                     event.fields["subject"], count_mail)
            meetings.refresh_copies(state, event)
        return
    calendar_store.remove(state, mailbox, event)
    if organizer:
        meetings.announce_delete(state, mailbox, event, count_mail)


def respond(state, mailbox, ident, action, send_response=True):
    """accept / tentativelyAccept / decline a meeting this mailbox was invited to."""
    if action not in meetings.RESPONSES:
        raise GraphError(400, "ErrorInvalidRequest",
                         "Answer with accept, tentativelyAccept or decline.")
    event, instance = calendar_store.resolve(mailbox, ident)
    if event.fields["isOrganizer"]:
        raise GraphError(400, "ErrorInvalidRequest",
                         "You can't respond to this meeting because you're the meeting "
                         "organizer.")
    meetings.record_response(state, mailbox, event, instance, action, send_response)


def _check_if_match(if_match, change_key):
    if if_match and if_match.strip() not in ("*", etag(change_key)):
        raise GraphError(412, "ErrorIrresolvableConflict",
                         "The send or update operation could not be performed because the "
                         "change key passed in the request does not match the current change "
                         "key for the item.")


def _reindex_transaction(mailbox, event, old):
    new = event.fields.get("transactionId")
    if new != old:
        mailbox.by_transaction.pop(old, None)
        if new:
            mailbox.by_transaction[new] = event.core
