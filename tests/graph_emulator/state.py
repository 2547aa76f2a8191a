"""Everything the emulator remembers, behind one lock."""

import threading
from datetime import UTC, datetime

from .counters import Counters
from .faults import FaultList
from .ids import IdFactory
from .service_options import ServiceOptions


class Clock:
    """Real UTC time unless a test fixes "now"."""

    def __init__(self):
        self.fixed = None

    def now(self):
        return self.fixed or datetime.now(UTC)

    def set(self, value):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        self.fixed = value.astimezone(UTC) if value else None


class EmulatorState:
    def __init__(self, seed=0):
        self.lock = threading.RLock()
        self.seed = seed
        self.clock = Clock()
        self.faults = FaultList(seed)
        self.listeners = []      # callables(mailbox, change_type, resource) for subscriptions
        self.clear()

    def clear(self):
        """Forget every app, mailbox, token, subscription and count."""
        self.ids = IdFactory(self.seed)
        self.tenant_id = self.ids.guid("tenant")
        self.apps = {}
        self.mailboxes = {}
        self.counters = Counters()
        self.created_no = 0
        self.codes = {}          # authorization code -> grant details
        self.access_tokens = {}  # token -> {"email", "client_id", "scopes", "expires", ...}
        self.refresh_tokens = {}
        self.consents = set()    # (email, client_id) pairs the user accepted
        self.auto_consent = None  # (email, accept) while the browser step is automatic
        self.token_lifetime = 3599
        self.subscriptions = {}
        self.notification_queue = []
        self.options = ServiceOptions()

    def now(self):
        return self.clock.now()

    def next_created_no(self):
        self.created_no += 1
        return self.created_no

    def mailbox(self, email):
        return self.mailboxes.get((email or "").strip().lower())

    def revoke(self, email):
        """The user withdrew consent: refresh grants fail, access tokens answer 401."""
        key = email.lower()
        for record in (*self.access_tokens.values(), *self.refresh_tokens.values()):
            if record["email"] == key:
                record["revoked"] = True
        self.consents = {c for c in self.consents if c[0] != key}

    def changed(self, mailbox, change_type, resource):
        """Tell subscriptions that something in a mailbox was created/updated/deleted."""
        for listener in self.listeners:
            listener(mailbox, change_type, resource)
