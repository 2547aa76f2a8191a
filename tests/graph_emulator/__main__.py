"""Run the emulator as a process: python -m graph_emulator --port 8765 [--seed-demo]."""

import argparse
import os
import signal
import threading

from .emulator import GraphEmulator

DEMO_MAILBOXES = (("alice@example.com", "Alice Martin"), ("bob@example.com", "Bob Durand"))


def main(argv=None):
    parser = argparse.ArgumentParser(description="Microsoft identity platform + Graph "
                                     "emulator on 127.0.0.1.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--seed", type=int, default=0, help="seed of ids and tokens")
    parser.add_argument("--seed-demo", action="store_true",
                        help="create demo mailboxes with a few weeks of events")
    parser.add_argument("--client-id", help="register this app id")
    parser.add_argument("--redirect-uri", action="append", default=[],
                        help="redirect URI of that app (repeatable)")
    parser.add_argument("--ca-file", help="also write the TLS CA certificate here")
    args = parser.parse_args(argv)

    emulator = GraphEmulator(seed=args.seed).start(port=args.port)
    if args.client_id:
        # The secret comes from the environment so it never shows in a process list.
        secret = os.environ.get("GRAPH_EMULATOR_CLIENT_SECRET", "")
        emulator.add_app(args.client_id, secret, redirect_uris=args.redirect_uri)
    if args.seed_demo:
        for email, name in DEMO_MAILBOXES:
            emulator.add_mailbox(email, name)
            emulator.seed(email, 40, span_days=42)
        emulator.auto_deliver_notifications(True)
    if args.ca_file:
        with open(args.ca_file, "w") as handle:
            handle.write(emulator.ca_pem)
    print(f"Graph emulator listening on {emulator.base_url} "
          f"(Graph: {emulator.graph_url}, sign-in authority: {emulator.https_url}/common, "
          f"events: {emulator.base_url}/_emulator/)", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        emulator.stop()


if __name__ == "__main__":
    main()
