"""An in-memory LocalStore: the Odoo side of a sync run, without Odoo, for engine tests."""

from dataclasses import dataclass, replace
from datetime import UTC, datetime

from engine.event_values import values_hash
from engine.sync_state import LocalState


@dataclass
class LocalEvent:
    values: object  # EventValues
    active: bool = True
    modified_at: datetime = datetime(2000, 1, 1, tzinfo=UTC)
    ical_uid: str | None = None


class MemoryStore:
    def __init__(self):
        self.events = {}  # local id -> LocalEvent
        self.links = {}  # remote id -> Link
        self.outbox = set()  # local ids changed since the last sync
        self.checkpoints = 0
        self._next_id = 1

    # What a user does in "Odoo"
    def user_creates(self, values):
        local_id = self._next_id
        self._next_id += 1
        self.events[local_id] = LocalEvent(values, modified_at=datetime.now(UTC))
        self.outbox.add(local_id)
        return local_id

    def user_edits(self, local_id, **changes):
        event = self.events[local_id]
        event.values = replace(event.values, **changes)
        event.modified_at = datetime.now(UTC)
        self.outbox.add(local_id)

    def user_deletes(self, local_id):
        self.events[local_id].active = False
        self.outbox.add(local_id)

    def active_events(self):
        return {i: e.values for i, e in self.events.items() if e.active}

    # LocalStore
    def links_by_remote(self, remote_ids):
        return {rid: self.links[rid] for rid in remote_ids if rid in self.links}

    def links_by_local(self, local_ids):
        wanted = set(local_ids)
        return {link.local_id: link for link in self.links.values() if link.local_id in wanted}

    def all_links(self):
        return list(self.links.values())

    def local_by_ical_uid(self, ical_uids):
        wanted = set(ical_uids)
        return {e.ical_uid: i for i, e in self.events.items() if e.ical_uid in wanted and e.active}

    def pending_changes(self, local_ids=None):
        ids = self.outbox if local_ids is None else self.outbox & set(local_ids)
        states = []
        for local_id in sorted(ids):
            event = self.events[local_id]
            if not event.active:
                states.append(LocalState(local_id, None, event.modified_at, deleted=True))
            else:
                states.append(LocalState(local_id, values_hash(event.values),
                                         event.modified_at, ical_uid=event.ical_uid))
        return states

    def local_values(self, local_id):
        return self.events[local_id].values

    def local_hash(self, local_id):
        return values_hash(self.events[local_id].values)

    def create_local(self, items):
        ids = []
        for item, values in items:
            local_id = self._next_id
            self._next_id += 1
            self.events[local_id] = LocalEvent(values, ical_uid=item.get("iCalUId"))
            ids.append(local_id)
        return ids

    def update_local(self, local_id, values):
        self.events[local_id].values = values
        self.events[local_id].active = True

    def delete_local(self, local_id):
        self.events[local_id].active = False

    def save_link(self, link, series_master_id=None):
        for remote_id, old in list(self.links.items()):
            if old.local_id == link.local_id and remote_id != link.remote_id:
                del self.links[remote_id]
        self.links[link.remote_id] = link
        if link.ical_uid:
            self.events[link.local_id].ical_uid = link.ical_uid

    def drop_link(self, link):
        self.links.pop(link.remote_id, None)

    def series_occurrences(self, local_id):
        return {}

    def done_changes(self, local_ids):
        self.outbox -= set(local_ids)

    def pending_answers(self):
        return []

    def done_answers(self, local_ids):
        pass

    def checkpoint(self):
        self.checkpoints += 1


