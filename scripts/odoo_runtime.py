"""Where Odoo 18 is, and how to run it with this addon.

Odoo 18 is found by this rule, first match wins:
  1. the `ODOO_PATH` environment variable: an Odoo 18 source tree (holding `odoo/release.py`);
  2. `/opt/odoo`, when it holds an Odoo 18 source tree;
  3. an `odoo` package (version 18) importable by the `python3` on PATH.
When none matches, Odoo is "not found" and only the engine tier runs.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ADDON = "outlook_calendar_sync"
ROOT = Path(__file__).resolve().parent.parent  # the checkout = the addon
STATE = ROOT / ".odoo"  # generated config, addons link, data dir (git-ignored)
DEFAULT_LOCATION = Path("/opt/odoo")


def _odoo_series(source):
    release = Path(source, "odoo", "release.py")
    if not release.exists():
        return None
    match = re.search(r"version_info = \((\d+), (\d+)", release.read_text(encoding="utf-8"))
    return match and f"{match[1]}.{match[2]}"


def find_odoo():
    """Return (source_dir, None) when Odoo 18 is found, else (None, reason)."""
    env_path = os.environ.get("ODOO_PATH")
    if env_path:
        series = _odoo_series(env_path)
        if series == "18.0":
            return Path(env_path).resolve(), None
        found = f"Odoo {series}" if series else "no Odoo source tree"
        return None, f"ODOO_PATH={env_path} holds {found}, not Odoo 18"
    if _odoo_series(DEFAULT_LOCATION) == "18.0":
        return DEFAULT_LOCATION, None
    probe = subprocess.run(
        ["python3", "-c", "import odoo.release, os; print(odoo.release.series); "
         "print(os.path.dirname(os.path.dirname(odoo.__file__)))"],
        capture_output=True, text=True, check=False,
    )
    if probe.returncode == 0:
        series, source = probe.stdout.split()
        if series == "18.0":
            return Path(source), None
        return None, f"the importable odoo package is version {series}, not 18.0"
    return None, ("no ODOO_PATH, no Odoo 18 source tree in /opt/odoo, "
                  "and python3 cannot import odoo")


def addons_path(source):
    link_dir = STATE / "addons"
    link_dir.mkdir(parents=True, exist_ok=True)
    link = link_dir / ADDON
    if link.is_symlink() and link.resolve() != ROOT:
        link.unlink()
    if not link.exists():
        link.symlink_to(ROOT, target_is_directory=True)
    paths = [source / "addons", source / "odoo" / "addons", link_dir]
    return ",".join(str(p) for p in paths if p.is_dir())


def write_config(source, http_port, db_name=None):
    """An Odoo configuration for the local PostgreSQL cluster; returns its path."""
    from local_postgres import HOST, PORT, ROLE

    STATE.mkdir(exist_ok=True)
    conf = STATE / f"odoo-{http_port}.conf"
    lines = [
        "[options]",
        f"addons_path = {addons_path(source)}",
        f"data_dir = {STATE / 'data'}",
        f"db_host = {HOST}",
        f"db_port = {PORT}",
        f"db_user = {ROLE}",
        "db_password = False",
        f"http_port = {http_port}",
        "http_interface = 127.0.0.1",
        "without_demo = all",
        "max_cron_threads = 0",
    ]
    if db_name:
        lines += [f"db_name = {db_name}", f"dbfilter = ^{db_name}$"]
    conf.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return conf


def odoo_command(source, conf, *args, command=None):
    """The command line that runs Odoo (or one of its commands, e.g. "shell") from `source`
    with the project's virtualenv."""
    env = dict(os.environ, PYTHONPATH=str(source), TZ="UTC")
    head = [sys.executable, "-m", "odoo", *([command] if command else [])]
    return [*head, "-c", str(conf), *args], env
