"""Ordered change log and opaque sync-state tokens shared by calendar and To Do delta.

Each change gets the next sequence number (its position in the log + 1). A delta round
remembers the sequence it saw last; the next round reads the log from there. Tokens are
kept server side, like Exchange's delta token cache: an unknown or dropped token is 410.
"""

from collections import OrderedDict


class ChangeLog:
    def __init__(self):
        self.keys = []          # keys[seq - 1] is the item changed at seq
        self.deleted = {}       # key -> seq of its deletion

    @property
    def seq(self):
        return len(self.keys)

    def record(self, key):
        self.keys.append(key)
        return self.seq

    def record_delete(self, key):
        self.keys.append(key)
        self.deleted[key] = self.seq
        return self.seq


class TokenRegistry:
    """Opaque token -> state, bounded like a cache: the oldest tokens are forgotten first."""

    def __init__(self, ids, capacity=10_000):
        self._ids = ids
        self._capacity = capacity
        self._states = OrderedDict()
        self._gone = {}         # expired tokens -> state, to build the 410's Location

    def issue(self, state):
        token = self._ids.opaque("sync", 86)
        self._states[token] = state
        while len(self._states) > self._capacity:
            self._states.popitem(last=False)
        return token

    def get(self, token):
        return self._states.get(token)

    def gone_state(self, token):
        return self._gone.get(token)

    def expire_all(self):
        self._gone.update(self._states)
        self._states.clear()
