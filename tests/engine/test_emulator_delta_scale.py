"""100,000 events paged through by calendarView/delta: every event once, none twice.

The time it takes is measured by `python -m graph_emulator.measure`, not asserted here.
"""

import pytest

EVENTS = 100_000
WINDOW = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2026-03-15T00:00:00Z"}


@pytest.mark.slow
def test_hundred_thousand_events_page_through_delta(mailbox, emulator):
    assert emulator.seed(mailbox.email, EVENTS, start="2025-01-01") == EVENTS
    headers = {"Prefer": "odata.maxpagesize=1000"}
    body = mailbox.get("/me/calendarView/delta", params=WINDOW, headers=headers).json()
    ids = [item["id"] for item in body["value"]]
    events = sum(1 for item in body["value"] if item["type"] != "occurrence")
    while "@odata.nextLink" in body:
        body = mailbox.get(body["@odata.nextLink"], headers=headers).json()
        ids.extend(item["id"] for item in body["value"])
        events += sum(1 for item in body["value"] if item["type"] != "occurrence")
    assert "@odata.deltaLink" in body
    assert events == EVENTS
    assert len(ids) == len(set(ids))
    assert emulator.counters()["mail"] == {"invitation": 0, "cancellation": 0, "update": 0}
