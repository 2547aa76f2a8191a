"""Deterministic identifiers: every id, changeKey and token derives from a seed and a counter.

Exchange ids are long base64 strings; the emulator keeps that look with a fixed-length
"core" so ids can be parsed back without a lookup table:

    regular id     AAMkA<core>AAA=
    immutable id   AAkALgAA<core>AAA=          (Prefer: IdType="ImmutableId")
    occurrence id  <prefix><master core>OCC<yyyymmddHHMMSS of the original start><suffix>
"""

import base64
import hashlib
import uuid
from datetime import UTC, datetime

CORE_LENGTH = 40
REGULAR_PREFIX = "AAMkA"
IMMUTABLE_PREFIX = "AAkALgAA"
SUFFIX = "AAA="
OCCURRENCE_MARK = "OCC"
_STAMP = "%Y%m%d%H%M%S"


class IdFactory:
    def __init__(self, seed):
        self.seed = seed
        self.counter = 0
        # Exchange change keys share a per-mailbox prefix and end with a version counter.
        self._change_prefix = hashlib.sha256(f"{seed}|change-keys".encode()).digest()[:14]

    def _digest(self, label):
        self.counter += 1
        return hashlib.sha256(f"{self.seed}|{label}|{self.counter}".encode()).digest()

    def core(self, label="item"):
        return base64.urlsafe_b64encode(self._digest(label)).decode()[:CORE_LENGTH]

    def guid(self, label="guid"):
        return str(uuid.UUID(bytes=self._digest(label)[:16], version=4))

    def change_key(self):
        """Same alphabet and length as Exchange's ("ZlnW4RIAV06KYYwlrfNZvQAALfZeRQ==")."""
        self.counter += 1
        return base64.b64encode(self._change_prefix + self.counter.to_bytes(8, "big")).decode()

    def opaque(self, label, length=64):
        raw = self._digest(label) + self._digest(label)
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")[:length]


def event_id(core, immutable=False, original_start=None):
    body = core
    if original_start is not None:
        body += OCCURRENCE_MARK + original_start.strftime(_STAMP)
    return (IMMUTABLE_PREFIX if immutable else REGULAR_PREFIX) + body + SUFFIX


def parse_event_id(value):
    """Return (core, original start or None) for either id form, or None if not ours."""
    for prefix in (IMMUTABLE_PREFIX, REGULAR_PREFIX):
        if value.startswith(prefix) and value.endswith(SUFFIX):
            body = value[len(prefix):-len(SUFFIX)]
            break
    else:
        return None
    core, rest = body[:CORE_LENGTH], body[CORE_LENGTH:]
    if len(core) != CORE_LENGTH:
        return None
    if not rest:
        return core, None
    if not rest.startswith(OCCURRENCE_MARK):
        return None
    try:
        stamp = datetime.strptime(rest[len(OCCURRENCE_MARK):], _STAMP).replace(tzinfo=UTC)
    except ValueError:
        return None
    return core, stamp


def etag(change_key):
    return f'W/"{change_key}"'
