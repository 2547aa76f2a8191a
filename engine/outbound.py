"""Sending Odoo's changes to Outlook: the requests of one ``$batch`` and what each answer means.

Every answer falls in one of four outcomes, and the outbox acts on it:

- **done**: Outlook has the change (a DELETE answered 404 is done too: the event is gone);
- **refused**: Outlook will never take it as it is (a 400 and the like). The change leaves
  the queue and the user sees an item error naming the event, with a way to retry;
- **later**: throttling that outlasted the retries, a server error, a timeout or a dropped
  connection. The change stays queued for the next run, nothing is lost;
- **stop**: the sign-in is no longer valid (401, withdrawn consent). The run stops at once,
  keeping everything not yet confirmed queued, and asks the user to reconnect.

A PATCH answered 404 means the event was deleted in Outlook meanwhile: ``gone``, which the
run plans like any removal.
"""

from dataclasses import dataclass

from .errors import ConsentRevoked, InvalidClient, NotFound, RejectedPayload, SyncError
from .graph_client import BatchRequest, BatchResult
from .planner import CreateRemote, DeleteRemote, UpdateRemote

DONE, REFUSED, LATER, STOP, GONE = "done", "refused", "later", "stop", "gone"

# Statuses that say the request itself can never succeed as sent.
_PERMANENT_STATUSES = frozenset({400, 403, 405, 409, 413, 415, 422})


@dataclass(frozen=True)
class Outcome:
    kind: str  # DONE, REFUSED, LATER, STOP or GONE
    body: dict | None = None
    error: SyncError | None = None


def request_for(request_id, action, payload=None, transaction_id=None):
    """The $batch request carrying one planned Outlook write."""
    if isinstance(action, CreateRemote):
        return BatchRequest.create(request_id, payload, transaction_id)
    if isinstance(action, UpdateRemote):
        return BatchRequest.update(request_id, action.link.remote_id, payload)
    if isinstance(action, DeleteRemote):
        return BatchRequest.delete(request_id, action.link.remote_id)
    raise TypeError(f"{type(action).__name__} is not an Outlook write")


def outcome_of(action, result: BatchResult) -> Outcome:
    """What one $batch answer means for the queued change (see the module docstring)."""
    error = result.error
    if error is None:
        return Outcome(DONE, result.body if isinstance(result.body, dict) else {})
    if isinstance(error, (ConsentRevoked, InvalidClient)) or result.status == 401:
        return Outcome(STOP, error=error)
    if isinstance(error, NotFound) or result.status == 404:
        return Outcome(DONE if isinstance(action, DeleteRemote) else GONE, error=error)
    if isinstance(error, RejectedPayload) or result.status in _PERMANENT_STATUSES:
        return Outcome(REFUSED, error=error)
    return Outcome(LATER, error=error)


def outcome_of_failure(error: SyncError) -> Outcome:
    """The outcome of every request of a $batch that got no answer at all."""
    if isinstance(error, (ConsentRevoked, InvalidClient)) or error.status == 401:
        return Outcome(STOP, error=error)
    return Outcome(LATER, error=error)
