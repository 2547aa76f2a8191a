"""What both addons are given: the Outlook mailbox to import and the Odoo events to push.

Plain Python, shared by the driver and by the phase scripts running inside Odoo, so the
two addons face exactly the same work.
"""

from datetime import UTC, datetime, timedelta

MAILBOX = "bench.user@contoso.example"
MAILBOX_NAME = "Bench User"
CLIENT_ID = "3b8d0f4e-6a2c-4e1f-9d7b-5c0a1e2f3d4b"
BASE_URL = "http://odoo.bench.example"  # never contacted: sign-in answers are read directly
REDIRECT_URI = f"{BASE_URL}/microsoft_account/authentication"

# The mix: 70 % single, 10 % all-day, 10 % weekly series of 10, 10 % 3 attendees.
MIX = {"single": 0.7, "allday": 0.1, "weekly": 0.1, "attendees": 0.1}
# Both addons must see every seeded event: ours synchronizes 30 days back and 365 ahead by
# default, so events start from 29 days ago and the last weekly series (10 weeks long)
# still ends inside the window.
SEED_DAYS_BACK = 29
SEED_SPAN_DAYS = 320

PUSH_GUESTS = 6  # partners with an e-mail, invited to some of the pushed events
PUSH_DAYS = 300


def push_count(n):
    return n // 10


def seed_start(now):
    return (now - timedelta(days=SEED_DAYS_BACK)).replace(hour=0, minute=0, second=0,
                                                          microsecond=0)


def guest_partners():
    return [{"name": f"Push Guest {k}", "email": f"push.guest{k}@fabrikam.example"}
            for k in range(1, PUSH_GUESTS + 1)]


def push_events(n, organizer_partner_id, guest_ids, now):
    """calendar.event values of the N/10 events created in Odoo and pushed to Outlook:
    one-hour meetings from tomorrow on, one in four with two guests."""
    tomorrow = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    vals_list = []
    for i in range(push_count(n)):
        start = tomorrow + timedelta(days=i % PUSH_DAYS, hours=8 + (i // PUSH_DAYS) % 9)
        partners = [organizer_partner_id]
        if i % 4 == 0:
            partners += [guest_ids[i % len(guest_ids)], guest_ids[(i + 1) % len(guest_ids)]]
        vals_list.append({
            "name": f"Bench push #{i + 1}",
            "start": start,
            "stop": start + timedelta(hours=1),
            "partner_ids": [(6, 0, partners)],
        })
    return vals_list


def utc_now():
    """Naive UTC, as Odoo stores datetimes."""
    return datetime.now(UTC).replace(tzinfo=None, microsecond=0)
