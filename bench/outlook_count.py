"""Print how many events an emulated Outlook mailbox holds, as JSON.

    PYTHONPATH=tests python bench/outlook_count.py EMULATOR_URL MAILBOX

Run as a child process by measure.py so the mailbox's JSON never counts in the Odoo
process's memory. Items are single events and series (a series counts once, its masters
as Outlook lists them); duplicates are extra items with the subject and start of another.
"""

import json
import sys

from graph_emulator import EmulatorClient


def count(emulator_url, mailbox):
    events = EmulatorClient(emulator_url, timeout=600).events(email=mailbox)
    keys = [(e.get("subject"), (e.get("start") or {}).get("dateTime")) for e in events]
    return {"outlook_items": len(events), "outlook_duplicates": len(keys) - len(set(keys))}


if __name__ == "__main__":
    print(json.dumps(count(sys.argv[1], sys.argv[2])))
