"""Values the live service may send back although they are out of any sensible range:
stored and served as they are, and producible on delta pages by a mangle fault."""

WINDOW = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2025-02-01T00:00:00Z"}
HUGE_REMINDER = 10**12
LONG_SUBJECT = "S" * 100_000


def event(subject, **extra):
    return {"subject": subject,
            "start": {"dateTime": "2025-01-02T09:00:00", "timeZone": "UTC"},
            "end": {"dateTime": "2025-01-02T10:00:00", "timeZone": "UTC"}, **extra}


def delta_items(mailbox):
    return mailbox.get("/me/calendarView/delta", params=WINDOW).json()["value"]


def test_out_of_range_values_are_stored_and_sent_on_delta_pages(mailbox):
    answer = mailbox.post("/me/events", json=event(LONG_SUBJECT,
                                                   reminderMinutesBeforeStart=HUGE_REMINDER))
    assert answer.status_code == 201
    fetched = mailbox.get(f"/me/events/{answer.json()['id']}").json()
    assert fetched["subject"] == LONG_SUBJECT
    assert fetched["reminderMinutesBeforeStart"] == HUGE_REMINDER
    [item] = delta_items(mailbox)
    assert item["subject"] == LONG_SUBJECT
    assert item["reminderMinutesBeforeStart"] == HUGE_REMINDER


def test_the_python_api_accepts_them_too(mailbox, emulator):
    created = emulator.create_event(mailbox.email, event(LONG_SUBJECT,
                                                         reminderMinutesBeforeStart=HUGE_REMINDER))
    assert emulator.get_event(mailbox.email, created["id"])["reminderMinutesBeforeStart"] == (
        HUGE_REMINDER)


def test_a_mangle_fault_puts_hostile_values_on_a_delta_page(mailbox, emulator):
    mailbox.post("/me/events", json=event("Target"))
    mailbox.post("/me/events", json=event("Bystander"))
    hostile = {"reminderMinutesBeforeStart": -(10**18), "isAllDay": "yes",
               "importance": "urgent", "attendees": None, "subject": "\u0000" * 3 + "x" * 5000}
    emulator.add_fault("GET", "/v1.0/me/calendarView/delta", "mangle", subject="Target",
                       replace=hostile)
    items = {item["subject"][:4]: item for item in delta_items(mailbox)}
    mangled = items["\u0000" * 3 + "x"]
    assert {name: mangled[name] for name in hostile} == hostile
    assert items["Byst"]["reminderMinutesBeforeStart"] == 15
    assert emulator.counters()["faults"] == {"mangle": 1}
