"""The store contract (tests/store_contract.py) on the in-memory store."""

import unittest
from dataclasses import replace

from memory_store import MemoryStore
from store_contract import StoreContract
from sync_helpers import odoo_values

from engine.event_values import Recurrence


class MemoryHarness:
    def __init__(self):
        self.store = MemoryStore()

    def values(self, subject, start):
        return odoo_values(subject, start)

    def new_event(self, subject, start):
        return self.store.user_creates(self.values(subject, start))

    def new_series(self, subject, start, count):
        rule = Recurrence("weekly", start.date(), days_of_week=(start.strftime("%A").lower(),),
                          range_type="numbered", count=count)
        return self.store.user_creates(replace(self.values(subject, start), recurrence=rule))

    def edit(self, local_id, subject):
        self.store.user_edits(local_id, subject=subject)

    def archive(self, local_id):
        self.store.user_deletes(local_id)

    def active_ids(self):
        return list(self.store.active_events())

    def active_subjects(self):
        return self.store.subjects()


class TestMemoryStoreContract(StoreContract, unittest.TestCase):
    def harness(self):
        return MemoryHarness()

