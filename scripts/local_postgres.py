"""A private PostgreSQL 15 cluster on 127.0.0.1 for tests, the demo and the benchmarks.

It lives outside the checkout (so any folder name or owner works) and listens on TCP only.
When run by root, the server runs as the `postgres` system user, as PostgreSQL requires.
"""

import os
import shutil
import subprocess
import time
from pathlib import Path

BIN_DIRS = ["/usr/lib/postgresql/15/bin"]
DATA_DIR = Path(os.environ.get("OCS_PGDATA", "/var/tmp/outlook_calendar_sync/pg15"))
PORT = int(os.environ.get("OCS_PGPORT", "55432"))
HOST = "127.0.0.1"
ROLE = "odoo"  # Odoo refuses to run as the `postgres` role


def bin_dir():
    for candidate in BIN_DIRS:
        if Path(candidate, "initdb").exists():
            return Path(candidate)
    found = shutil.which("initdb")
    return Path(found).parent if found else None


def _as_server_user(cmd, **kwargs):
    """Run a server command as `postgres` when we are root, else as ourselves."""
    if os.geteuid() == 0:
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, **kwargs)


def ensure_cluster():
    """Create the cluster once (idempotent)."""
    if (DATA_DIR / "PG_VERSION").exists():
        return
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(DATA_DIR.parent, "postgres", "postgres")
        shutil.chown(DATA_DIR, "postgres", "postgres")
    _as_server_user(
        [str(bin_dir() / "initdb"), "-D", str(DATA_DIR), "-U", "postgres", "--auth=trust",
         "-E", "UTF8", "--locale=C.UTF-8"],
        stdout=subprocess.DEVNULL,
    )
    with open(DATA_DIR / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.write(
            f"\nlisten_addresses = '{HOST}'\nport = {PORT}\nunix_socket_directories = ''\n"
            "fsync = off\nsynchronous_commit = off\nfull_page_writes = off\n"
            "max_connections = 200\n"
        )


def is_running():
    result = subprocess.run(
        [str(bin_dir() / "pg_isready"), "-h", HOST, "-p", str(PORT)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False,
    )
    return result.returncode == 0


def start():
    """Start the cluster if needed and make sure the role Odoo uses exists."""
    ensure_cluster()
    if not is_running():
        log = DATA_DIR / "server.log"
        _as_server_user(
            [str(bin_dir() / "pg_ctl"), "-D", str(DATA_DIR), "-l", str(log), "-w", "start"],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(50):  # pg_ctl -w already waits; this covers slow first starts
            if is_running():
                break
            time.sleep(0.2)
    psql(f"DO $$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{ROLE}') "
         f"THEN CREATE ROLE {ROLE} LOGIN CREATEDB; END IF; END$$;")


def psql(sql, database="postgres", user="postgres"):
    return subprocess.run(
        ["psql", "-X", "-q", "-h", HOST, "-p", str(PORT), "-U", user, "-d", database,
         "-v", "ON_ERROR_STOP=1", "-c", sql],
        check=True, stdout=subprocess.PIPE, text=True,
    ).stdout


def drop_database(name):
    psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def database_exists(name):
    listing = subprocess.run(
        ["psql", "-X", "-lqtA", "-h", HOST, "-p", str(PORT), "-U", "postgres"],
        check=True, stdout=subprocess.PIPE, text=True,
    ).stdout
    return any(line.split("|", 1)[0] == name for line in listing.splitlines())
