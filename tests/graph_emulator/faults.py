"""Injected faults: throttling, server errors, lost connections, slow answers, malformed
payloads and consent revoked mid-way.

"status" and "drop" faults with after_apply=True carry the request out first: the write
is done although the client sees an error or a lost connection.

A "mangle" fault answers the request normally, then overwrites properties of the listed
items whose subject is `subject` (or of the single object answered): that is how a test
receives a malformed Graph payload (a start that is not a time, a missing property...).

A fault matches a request by method ("*" for any) and path. The path pattern is a shell
glob matched with fnmatch against the request path without its query string (for example
"/v1.0/me/events*"); prefix it with "re:" to use a regular expression that must match the
whole path instead. Inner requests of a $batch are matched by their own path
("/v1.0/me/events"), so a fault can target one request in a batch.

With `probability`, a matching request meets the fault only when a draw from the fault
list's random generator (seeded from the emulator seed, so a run is repeatable) falls
under it; `times` then counts the faults actually injected.

A "revoke" fault changes no answer: once `after_requests` matching Graph requests of the
mailbox `email` were answered, that mailbox's consent is revoked, as revoke(email) does.
"""

import fnmatch
import random
import re
from dataclasses import dataclass

KINDS = ("status", "drop", "delay", "mangle", "revoke")
_DEFAULT_CODES = {429: "ApplicationThrottled", 500: "generalException", 502: "BadGateway",
                  503: "serviceNotAvailable", 504: "GatewayTimeout"}
_DEFAULT_MESSAGES = {
    429: "Application is over its MailboxConcurrency limit.",
    503: "The service is temporarily unavailable. Please retry later.",
    504: "The gateway did not receive a timely response.",
}


@dataclass
class Fault:
    method: str
    path_pattern: str
    kind: str
    times: int | None = 1        # None: every matching request
    status: int | None = None
    retry_after: int | None = None
    delay: float | None = None
    after_apply: bool = False
    subject: str | None = None     # mangle: which items to overwrite
    replace: dict | None = None    # mangle: the properties written over them
    probability: float | None = None   # None: every matching request
    after_requests: int | None = None  # revoke: requests answered before revoking
    email: str | None = None           # revoke: whose consent, whose requests count
    seen: int = 0                      # revoke: matching requests answered so far

    def matches(self, method, path):
        if self.method not in ("*", method.upper()):
            return False
        if self.path_pattern.startswith("re:"):
            return re.fullmatch(self.path_pattern[3:], path) is not None
        return fnmatch.fnmatchcase(path, self.path_pattern)

    def error_body(self):
        status = self.status or 500
        return (_DEFAULT_CODES.get(status, "generalException"),
                _DEFAULT_MESSAGES.get(status, "An injected error occurred."))

    def mangle(self, payload):
        """Overwrite properties of matching items of a JSON answer (a list or one object)."""
        items = payload.get("value") if isinstance(payload.get("value"), list) else [payload]
        for item in items:
            if self.subject is None or item.get("subject") == self.subject:
                item.update(self.replace or {})
        return payload

    def headers(self):
        return {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}


class FaultList:
    def __init__(self, seed=0):
        self.seed = seed
        self.faults = []
        self.clear()

    def add(self, method, path_pattern, kind, times=1, status=None, retry_after=None,
            delay=None, after_apply=False, subject=None, replace=None, probability=None,
            after_requests=None, email=None):
        _check(kind, status, delay, replace, probability, after_requests, email)
        fault = Fault(method.upper(), path_pattern, kind, times, status, retry_after, delay,
                      after_apply, subject, replace, probability, after_requests,
                      email.strip().lower() if email else None)
        self.faults.append(fault)
        return fault

    def take(self, method, path):
        """The first fault this request meets, used up by one; revoke faults excepted."""
        for fault in self.faults:
            if fault.kind == "revoke" or not fault.matches(method, path):
                continue
            if fault.probability is not None and self.random.random() >= fault.probability:
                continue
            self._use(fault)
            return fault
        return None

    def answered(self, method, path, email):
        """Count an answered Graph request of `email`; the revoke faults now due."""
        due = []
        for fault in list(self.faults):
            if fault.kind == "revoke" and fault.email == email and fault.matches(method,
                                                                                 path):
                fault.seen += 1
                if fault.seen >= fault.after_requests:
                    self.remove(fault)
                    due.append(fault)
        return due

    def _use(self, fault):
        if fault.times is not None:
            fault.times -= 1
            if fault.times <= 0:
                self.remove(fault)

    def remove(self, fault):
        # By identity: two faults added alike compare equal but are used up apart.
        self.faults = [other for other in self.faults if other is not fault]

    def clear(self):
        self.faults.clear()
        # A fresh generator, so a test run after reset() draws the same faults again.
        self.random = random.Random(f"{self.seed}|faults")


def _check(kind, status, delay, replace, probability, after_requests, email):
    if kind not in KINDS:
        raise ValueError(f"Unknown fault kind {kind!r}: use one of {', '.join(KINDS)}.")
    if kind == "status" and not status:
        raise ValueError("A 'status' fault needs the HTTP status to answer, e.g. 429.")
    if kind == "delay" and not delay:
        raise ValueError("A 'delay' fault needs the number of seconds to wait.")
    if kind == "mangle" and not replace:
        raise ValueError("A 'mangle' fault needs the properties to overwrite (replace=).")
    if probability is not None and (isinstance(probability, bool) or not isinstance(
            probability, (int, float)) or not 0 < probability <= 1):
        raise ValueError("probability is a number above 0 and at most 1.")
    if kind == "revoke":
        if not email or not isinstance(after_requests, int) or after_requests < 0:
            raise ValueError("A 'revoke' fault needs email= and after_requests= (a count "
                             "of requests, 0 or more).")
        if probability is not None:
            raise ValueError("A 'revoke' fault happens after a count of requests, not by "
                             "chance: leave probability out.")
