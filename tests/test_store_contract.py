"""The store contract (tests/store_contract.py) on the Odoo store."""

from datetime import UTC, timedelta

from odoo import fields
from odoo.tests import tagged

from ..engine.event_values import EventValues
from ..models.sync_store import OdooStore
from .common import OutlookCase
from .store_contract import StoreContract


class OdooHarness:
    def __init__(self, case):
        self.case = case
        self.account = case.env["outlook.account"]._for_user(case.alice)
        self.account.write({"state": "connected", "mailbox": case.alice.email})
        self.store = OdooStore(self.account, commit=False)
        self.events = case.env["calendar.event"].with_user(case.alice)

    def values(self, subject, start):
        return EventValues(
            subject=subject, body_html="", all_day=False, start=start,
            end=start + timedelta(hours=1), timezone="UTC", location="",
            show_as="busy", privacy=None, reminder_minutes=None, attendees=(),
            organizer_email=self.case.alice.email, organizer_name="Alice",
            online_meeting_url="", recurrence=None)

    def _vals(self, subject, start):
        naive = start.astimezone(UTC).replace(tzinfo=None)
        return {"name": subject, "start": naive, "stop": naive + timedelta(hours=1)}

    def new_event(self, subject, start):
        return self.events.create(self._vals(subject, start)).id

    def new_series(self, subject, start, count):
        return self.events.create(dict(
            self._vals(subject, start), recurrency=True, rrule_type="weekly", interval=1,
            end_type="count", count=count, **{start.strftime("%a").lower()[:3]: True})).id

    def edit(self, local_id, subject):
        self.events.browse(local_id).write({"name": subject})

    def archive(self, local_id):
        self.events.browse(local_id).write({"active": False})

    def active_ids(self):
        return self.case.env["calendar.event"].search([]).ids

    def active_subjects(self):
        return self.case.env["calendar.event"].search([]).mapped("name")


@tagged("post_install", "-at_install")
class TestOdooStoreContract(StoreContract, OutlookCase):
    allow_inherited_tests_method = True  # the contract's checks come from StoreContract

    def harness(self):
        return OdooHarness(self)

    def test_the_harness_writes_real_calendar_events(self):
        harness = self.harness()
        local_id = harness.new_event("Real", fields.Datetime.now().replace(tzinfo=UTC))
        self.assertEqual(self.env["calendar.event"].browse(local_id).name, "Real")
