"""The Odoo side of a sync run, as the engine sees it (engine/store.py's LocalStore)."""

from contextlib import contextmanager

from ..calendar_event import sync_context
from .events import EventAdapter
from .held import HeldDeletions
from .links import LinkBinder
from .outbox import OutboxQueue


class OdooStore(LinkBinder, EventAdapter, OutboxQueue, HeldDeletions):
    """One account's links, events, outbox and held deletions, on one cursor.

    ``commit`` makes checkpoints real commits (a run in the cron or the Outlook button);
    tests run without. Each role lives in its own module: links.py (the binder), events.py
    (the event adapter), outbox.py (the queue), held.py (the guard's held deletions).
    """

    def __init__(self, account, *, commit=True):
        self.account = account.sudo()
        self.env = self.account.env
        self.cr = self.env.cr
        self.user = self.account.user_id
        self.events = self.env["calendar.event"].with_context(
            sync_context(self.env, self.account), active_test=False)
        self.commit = commit
        self._init_links()
        self._init_events()
        self._init_outbox()

    @contextmanager
    def isolated(self):
        """One all-or-nothing step: a savepoint, with the step's links written inside it."""
        try:
            with self.cr.savepoint():
                yield
                self.flush_links()
        except Exception:
            self.discard_links()
            raise

    def checkpoint(self):
        """Make the run's work so far durable; the ORM's view of SQL-written rows is reset."""
        self.flush_links()
        self.env.flush_all()
        self.env["outlook.event.link"].invalidate_model()
        self.env["outlook.outbox"].invalidate_model()
        self.events.invalidate_model(["outlook_link_ids", "outlook_ical_uid"])
        if self.commit:
            self.cr.commit()
