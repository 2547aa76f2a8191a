"""What each side must hold at the end of a fault scenario, and how far it is from it.

An event is known on both sides by a key: (mailbox, subject, start), the start in UTC to
the minute, or the date of an all-day event; a series by each of its occurrences. Every
key of the truth must be held exactly once by each side at the end. The truth also says
where each event was made ("odoo" or "outlook"), which tells the figures apart:

- lost: an event made on the other side never arrived on this one;
- wrongly deleted: an event this side held is gone: it was made there, or it had arrived
  there (Odoo: an archived copy; Outlook: Odoo had linked it to an Outlook event);
- duplicated: every copy beyond the first of an event, and every event nobody made.

Plain Python, so that `.venv/bin/pytest bench/test_fault_check.py` checks it without Odoo.
"""

from collections import Counter

SIDES = ("odoo", "outlook")
FIGURES = ("lost", "duplicated", "deleted")


def start_key(moment, all_day):
    """'2025-03-04T09:30' (UTC) for a timed event, '2025-03-04' for an all-day one."""
    text = moment if isinstance(moment, str) else moment.isoformat()
    return text[:10] if all_day else text[:16]


def outlook_key(mailbox, item):
    """The key of an item of /me/calendarView read in UTC."""
    return (mailbox, item.get("subject") or "", start_key(item["start"]["dateTime"],
                                                           item.get("isAllDay")))


def odoo_key(mailbox, event):
    """The key of a calendar_event row (naive UTC start; start_date when all day)."""
    moment = event["start_date"] if event["allday"] else event["start"]
    return (mailbox, event["name"] or "", start_key(moment, event["allday"]))


def odoo_holdings(state, mailbox_of_user):
    """(live keys, archived keys, keys of the events Odoo linked to an Outlook event)."""
    live, archived, linked = Counter(), set(), set()
    linked_ids = {link["local_id"] for link in state["links"]}
    for event in state["events"]:
        key = odoo_key(mailbox_of_user.get(event["user_id"]), event)
        if event["active"]:
            live[key] += 1
        else:
            archived.add(key)
        if event["id"] in linked_ids:
            linked.add(key)
    return live, archived, linked


def side_figures(truth, live, was_there, home):
    """lost / duplicated / deleted on one side, and a few keys of each as examples."""
    found = {figure: [] for figure in FIGURES}
    for key, origin in truth.items():
        if live[key]:
            continue
        found["deleted" if origin == home or key in was_there else "lost"].append(key)
    for key, copies in live.items():
        found["duplicated"] += [key] * (copies - (1 if key in truth else 0))
    return {figure: len(keys) for figure, keys in found.items()}, {
        figure: [list(key) for key in keys[:3]] for figure, keys in found.items() if keys}


def compare(truth, odoo_state, mailbox_of_user, outlook_live):
    """Figures of both sides: {"odoo": {...}, "outlook": {...}, "examples": {...}}.

    truth: {key: "odoo" | "outlook"}; odoo_state: what fault_odoo.OdooSide.state() read;
    mailbox_of_user: {user id: mailbox}; outlook_live: Counter of the mailboxes' keys.
    """
    live, archived, linked = odoo_holdings(odoo_state, mailbox_of_user)
    odoo, odoo_examples = side_figures(truth, live, archived, "odoo")
    outlook, outlook_examples = side_figures(truth, Counter(outlook_live), linked, "outlook")
    return {"odoo": odoo, "outlook": outlook,
            "held": {"odoo": sum(live.values()), "outlook": sum(outlook_live.values()),
                     "expected": len(truth)},
            "examples": {"odoo": odoo_examples, "outlook": outlook_examples}}
