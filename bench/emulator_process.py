"""The Graph emulator as its own process, so its CPU and memory never count for Odoo."""

import os
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import requests
import workload

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from graph_emulator import EmulatorClient  # noqa: E402


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_emulator(log_path):
    """An EmulatorClient for a fresh emulator process, stopped on leaving."""
    port = free_port()
    env = dict(os.environ, PYTHONPATH=str(ROOT / "tests"))
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, "-m", "graph_emulator", "--port", str(port)],
                                   env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)
    try:
        base_url = f"http://127.0.0.1:{port}"
        _wait_until_up(base_url, process)
        yield EmulatorClient(base_url, timeout=600)
    finally:
        process.terminate()
        process.wait(timeout=30)


def _wait_until_up(base_url, process):
    for _ in range(200):
        if process.poll() is not None:
            raise RuntimeError("The Graph emulator stopped at start: see its log.")
        try:
            requests.get(f"{base_url}/_emulator/counters", timeout=2)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"The Graph emulator did not answer on {base_url}.")


def prepare_mailbox(client, client_secret, n):
    """Empty the emulator, register the app and seed the user's mailbox with n events."""
    client.reset()
    client.add_app(client_id=workload.CLIENT_ID, client_secret=client_secret,
                   redirect_uris=[workload.REDIRECT_URI])
    client.add_mailbox(email=workload.MAILBOX, display_name=workload.MAILBOX_NAME)
    start = workload.seed_start(workload.utc_now())
    client.seed(email=workload.MAILBOX, n=n, mix=workload.MIX, start=start.isoformat(),
                span_days=workload.SEED_SPAN_DAYS)
