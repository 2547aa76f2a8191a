"""What the emulator counts: requests per route template, mail Outlook would send, and
injected faults by kind."""

from collections import Counter

MAIL_KINDS = ("invitation", "cancellation", "update")


class Counters:
    def __init__(self):
        self.requests = Counter()
        self.mail = Counter({kind: 0 for kind in MAIL_KINDS})
        self.sent = []          # every message: {"kind", "to", "subject", "counted"}
        self.faults = Counter()

    def count_fault(self, kind):
        self.faults[kind] += 1

    def count_request(self, route_key):
        self.requests[route_key] += 1

    def send_mail(self, kind, recipients, subject, counted=True):
        """One message per recipient, as Outlook sends them."""
        for address in recipients:
            self.sent.append({"kind": kind, "to": address, "subject": subject})
            if counted and kind in MAIL_KINDS:
                self.mail[kind] += 1

    def snapshot(self):
        """The "faults" entry appears once a fault was injected: a quiet run reads as before."""
        shot = {"requests": dict(self.requests), "mail": {k: self.mail[k] for k in MAIL_KINDS}}
        if self.faults:
            shot["faults"] = dict(self.faults)
        return shot
