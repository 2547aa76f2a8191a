"""The fault benchmark's comparison: `.venv/bin/pytest bench/test_fault_check.py` (no Odoo
needed)."""

from collections import Counter
from datetime import date, datetime

import fault_report
from fault_check import compare, outlook_key

MAILBOX = "user@contoso.example"
FROM_OUTLOOK = (MAILBOX, "Seeded #1", "2025-03-04T09:30")
FROM_ODOO = (MAILBOX, "Odoo #1", "2025-03-05T08:00")
TRUTH = {FROM_OUTLOOK: "outlook", FROM_ODOO: "odoo"}


def event(event_id, name, start, active=True):
    return {"id": event_id, "name": name, "start": datetime.fromisoformat(start),
            "allday": False, "start_date": None, "active": active, "user_id": 7,
            "recurrence_id": None}


def state(events, linked=()):
    return {"events": events, "links": [{"local_id": i} for i in linked], "runs": [],
            "accounts": [], "outbox": []}


def figures(odoo_events, outlook, linked=()):
    return compare(TRUTH, state(odoo_events, linked), {7: MAILBOX}, Counter(outlook))


def test_both_sides_holding_each_event_once_is_all_zero():
    found = figures([event(1, "Seeded #1", "2025-03-04T09:30"),
                     event(2, "Odoo #1", "2025-03-05T08:00")],
                    {FROM_OUTLOOK: 1, FROM_ODOO: 1}, linked=(2,))
    assert found["odoo"] == found["outlook"] == {"lost": 0, "duplicated": 0, "deleted": 0}


def test_an_event_that_never_arrived_is_lost_and_one_that_was_there_is_deleted():
    found = figures([event(2, "Odoo #1", "2025-03-05T08:00", active=False)], {})
    assert found["odoo"] == {"lost": 1, "duplicated": 0, "deleted": 1}
    assert found["outlook"] == {"lost": 1, "duplicated": 0, "deleted": 1}


def test_an_odoo_event_linked_once_and_gone_from_outlook_was_deleted_there():
    found = figures([event(1, "Seeded #1", "2025-03-04T09:30"),
                     event(2, "Odoo #1", "2025-03-05T08:00")], {FROM_OUTLOOK: 1}, linked=(2,))
    assert found["outlook"] == {"lost": 0, "duplicated": 0, "deleted": 1}


def test_extra_copies_and_events_nobody_made_are_duplicates():
    found = figures([event(1, "Seeded #1", "2025-03-04T09:30"),
                     event(2, "Seeded #1", "2025-03-04T09:30"),
                     event(3, "Odoo #1", "2025-03-05T08:00")],
                    {FROM_OUTLOOK: 1, FROM_ODOO: 2, (MAILBOX, "Other", "2025-01-01"): 1})
    assert found["odoo"]["duplicated"] == 1
    assert found["outlook"]["duplicated"] == 2


def test_all_day_events_compare_by_date_on_both_sides():
    item = {"subject": "Holiday", "isAllDay": True,
            "start": {"dateTime": "2025-03-06T00:00:00.0000000", "timeZone": "UTC"}}
    odoo = {"id": 1, "name": "Holiday", "start": datetime(2025, 3, 6, 8), "allday": True,
            "start_date": date(2025, 3, 6), "active": True, "user_id": 7}
    truth = {outlook_key(MAILBOX, item): "outlook"}
    found = compare(truth, state([odoo]), {7: MAILBOX}, Counter([outlook_key(MAILBOX, item)]))
    assert found["odoo"] == found["outlook"] == {"lost": 0, "duplicated": 0, "deleted": 0}


def test_a_scenario_fails_on_any_figure_or_check_not_zero_or_on_an_error():
    clean = {"odoo": {"lost": 0, "duplicated": 0, "deleted": 0},
             "outlook": {"lost": 0, "duplicated": 0, "deleted": 0},
             "checks": {"running": 0, "log_errors": 0, "unsettled": 0}}
    assert not fault_report.failed(clean)
    assert fault_report.failed(dict(clean, checks={"running": 1, "log_errors": 0,
                                                   "unsettled": 0}))
    assert fault_report.failed(dict(clean, error="Traceback ..."))
    assert fault_report.failed({"error": None})  # nothing measured is not a pass
