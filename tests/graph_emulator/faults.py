"""Injected faults: throttling, server errors, lost connections and slow answers.

A "mangle" fault answers the request normally, then overwrites properties of the listed
items whose subject is `subject` (or of the single object answered): that is how a test
receives a malformed Graph payload (a start that is not a time, a missing property...).

A fault matches a request by method ("*" for any) and path. The path pattern is a shell
glob matched with fnmatch against the request path without its query string (for example
"/v1.0/me/events*"); prefix it with "re:" to use a regular expression that must match the
whole path instead. Inner requests of a $batch are matched by their own path
("/v1.0/me/events"), so a fault can target one request in a batch.
"""

import fnmatch
import re
from dataclasses import dataclass

KINDS = ("status", "drop", "delay", "mangle")
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
    def __init__(self):
        self.faults = []

    def add(self, method, path_pattern, kind, times=1, status=None, retry_after=None,
            delay=None, after_apply=False, subject=None, replace=None):
        if kind not in KINDS:
            raise ValueError(f"Unknown fault kind {kind!r}: use one of {', '.join(KINDS)}.")
        if kind == "status" and not status:
            raise ValueError("A 'status' fault needs the HTTP status to answer, e.g. 429.")
        if kind == "delay" and not delay:
            raise ValueError("A 'delay' fault needs the number of seconds to wait.")
        if kind == "mangle" and not replace:
            raise ValueError("A 'mangle' fault needs the properties to overwrite (replace=).")
        fault = Fault(method.upper(), path_pattern, kind, times, status, retry_after, delay,
                      after_apply, subject, replace)
        self.faults.append(fault)
        return fault

    def take(self, method, path):
        """The first fault matching this request, used up by one."""
        for fault in self.faults:
            if fault.matches(method, path):
                if fault.times is not None:
                    fault.times -= 1
                    if fault.times <= 0:
                        self.faults.remove(fault)
                return fault
        return None

    def clear(self):
        self.faults.clear()
