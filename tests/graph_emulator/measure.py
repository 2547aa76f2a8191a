"""How long seeding 100,000 events and paging them all by calendarView/delta takes.

    PYTHONPATH=tests python -m graph_emulator.measure [--events 100000] [--page-size 1000]

Prints the figures; nothing here asserts a duration.
"""

import argparse
import time

import requests

from .emulator import GraphEmulator

WINDOW = {"startDateTime": "2025-01-01T00:00:00Z", "endDateTime": "2026-03-15T00:00:00Z"}


def page_all(emulator, token, page_size):
    """Follow one full delta round; returns (items, requests made)."""
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    if page_size:
        session.headers["Prefer"] = f"odata.maxpagesize={page_size}"
    body = session.get(emulator.graph_url + "/me/calendarView/delta", params=WINDOW,
                       timeout=60).json()
    items, calls = list(body["value"]), 1
    while "@odata.nextLink" in body:
        body = session.get(body["@odata.nextLink"], timeout=60).json()
        items.extend(body["value"])
        calls += 1
    return items, calls


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=100_000)
    parser.add_argument("--page-size", type=int, default=1000,
                        help="Prefer: odata.maxpagesize; 0 for the default paging")
    args = parser.parse_args()
    with GraphEmulator(seed=0).start() as emulator:
        emulator.add_app("measure", "measure-secret")
        emulator.add_mailbox("big@example.com")
        token = emulator.issue_tokens("big@example.com", "measure")["access_token"]
        began, began_cpu = time.perf_counter(), time.process_time()
        emulator.seed("big@example.com", args.events, start="2025-01-01")
        seeded, seeded_cpu = time.perf_counter(), time.process_time()
        items, calls = page_all(emulator, token, args.page_size)
        paged, paged_cpu = time.perf_counter(), time.process_time()
    events = sum(1 for item in items if item.get("type") != "occurrence")
    print(f"seeded {args.events} events in {seeded - began:.2f} s "
          f"({seeded_cpu - began_cpu:.2f} s CPU); paged {len(items)} items ({events} events) "
          f"in {calls} requests in {paged - seeded:.2f} s ({paged_cpu - seeded_cpu:.2f} s CPU, "
          f"server and client together; page size {args.page_size or 'default'})")


if __name__ == "__main__":
    main()
