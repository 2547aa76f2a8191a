"""Fresh Odoo databases for the benchmark, and the phase scripts run in them by `odoo shell`."""

import json
import subprocess
import sys
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "scripts"))

import local_postgres  # noqa: E402
from odoo_runtime import odoo_command  # noqa: E402

MODULES = {"ours": "outlook_calendar_sync", "reference": "microsoft_calendar"}
PHASE_SCRIPTS = {"ours": "phases_ours", "reference": "phases_reference"}
# requests lets these variables override the CA bundle a session is given: the addon
# must trust the emulator's CA it is configured with, nothing else.
CA_OVERRIDES = ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


class OdooFailed(Exception):
    """Odoo stopped with an error; the message ends with the last lines of its log."""


def install(source, conf, db_name, addon, log_path):
    """A new database `db_name` with `addon`'s module installed (an older one is dropped)."""
    drop(db_name)
    cmd, env = odoo_command(source, conf, "-d", db_name, "-i", MODULES[addon],
                            "--stop-after-init", "--no-http")
    _run(cmd, env, log_path, timeout=1800)


def run_phases(source, conf, db_name, addon, config, log_path, timeout):
    """Run the addon's phase script in `odoo shell`; returns what it measured."""
    cmd, env = odoo_command(source, conf, "-d", db_name, "--no-http", command="shell")
    for name in CA_OVERRIDES:
        env.pop(name, None)
    env.update(OCS_BENCH_DIR=str(BENCH_DIR), OCS_BENCH_CONFIG=json.dumps(config))
    bootstrap = (f"import os, sys\nsys.path.insert(0, os.environ['OCS_BENCH_DIR'])\n"
                 f"import {PHASE_SCRIPTS[addon]}\n{PHASE_SCRIPTS[addon]}.main(env)\n")
    try:
        _run(cmd, env, log_path, timeout=timeout, stdin_text=bootstrap)
    finally:
        out = Path(config["out"])
        measured = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    return measured


def drop(db_name):
    if local_postgres.database_exists(db_name):
        local_postgres.drop_database(db_name)


def _run(cmd, env, log_path, timeout, stdin_text=None):
    with open(log_path, "w", encoding="utf-8") as log:
        try:
            result = subprocess.run(cmd, env=env, input=stdin_text, text=True, stdout=log,
                                    stderr=subprocess.STDOUT, timeout=timeout, check=False,
                                    cwd=BENCH_DIR.parent)
        except subprocess.TimeoutExpired as exc:
            raise OdooFailed(f"Odoo did not finish within {timeout} s; log: {log_path}") from exc
    if result.returncode:
        raise OdooFailed(f"Odoo exited with status {result.returncode}; log: {log_path}\n"
                         + _tail(log_path))


def _tail(log_path, lines=15):
    text = Path(log_path).read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])

