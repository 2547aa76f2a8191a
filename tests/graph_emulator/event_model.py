"""In-memory shapes of a mailbox and its events."""

from dataclasses import dataclass, field
from datetime import datetime

from .change_log import ChangeLog, TokenRegistry


@dataclass(slots=True)
class Event:
    """A stored event: singleInstance, seriesMaster, or an exception inside a master.

    Times are aware UTC datetimes. All-day events are "floating": their UTC value holds the
    wall-clock midnight, rendered as midnight in whatever zone the caller asks for.
    """

    core: str
    kind: str
    fields: dict
    start: datetime
    end: datetime
    created: datetime
    modified: datetime
    change_key: str
    created_no: int = 0
    seq: int = 0
    original_start: datetime | None = None
    exceptions: dict = field(default_factory=dict)   # original start -> Event
    cancelled: set = field(default_factory=set)      # original starts removed
    cache: dict = field(default_factory=dict)        # expansion cache, keyed by change_key
    # What of a series changed at which change-log position, so an incremental delta
    # round can tell the master's own changes from those of single instances.
    master_seq: int = 0                  # last change of the master's own values
    all_seq: int = 0                     # last change of every instance (new times/pattern)
    instance_seqs: dict = field(default_factory=dict)   # original start -> last change
    shape: tuple | None = None           # what those were compared against

    @property
    def is_all_day(self):
        return bool(self.fields.get("isAllDay"))

    @property
    def ical_uid(self):
        return self.fields["iCalUId"]

    @property
    def attendee_addresses(self):
        return [a["emailAddress"]["address"].lower() for a in self.fields.get("attendees", [])]


@dataclass(slots=True)
class Instance:
    """One dated instance of a series: a plain occurrence, or an exception when edited."""

    master: Event
    original_start: datetime
    start: datetime
    end: datetime
    exception: Event | None = None

    @property
    def kind(self):
        return "exception" if self.exception else "occurrence"


@dataclass
class Mailbox:
    email: str
    display_name: str
    oid: str
    tokens: TokenRegistry
    events: dict = field(default_factory=dict)        # core -> Event (top level only)
    order: list = field(default_factory=list)         # cores in creation order
    log: ChangeLog = field(default_factory=ChangeLog)
    by_transaction: dict = field(default_factory=dict)
    deleted_transactions: dict = field(default_factory=dict)   # transactionId -> Event
    by_ical: dict = field(default_factory=dict)
    todo_lists: dict = field(default_factory=dict)    # list id -> TodoList

    def touch(self, event):
        event.seq = self.log.record(event.core)
