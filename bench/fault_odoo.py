"""The Odoo side of the fault benchmark, seen from the driver: a fresh database per
scenario, Odoo processes running steps in it (fault_worker.py), and what the database holds
at the end, read straight from PostgreSQL."""

import json
import re
import subprocess
import sys
import time
from pathlib import Path

import psycopg2

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "scripts"))

import emulator_process  # noqa: E402
import local_postgres  # noqa: E402
import odoo_database  # noqa: E402
from odoo_runtime import odoo_command, write_config  # noqa: E402

# The lines Odoo logs for an error (a deadlock ends as one of them too).
ERROR_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


class WorkerFailed(Exception):
    """An Odoo process of the benchmark stopped with an error; the message ends with the
    last lines of its log."""


class Worker:
    """One Odoo process running a list of steps."""

    def __init__(self, odoo, name, steps):
        self.name = name
        self.out = odoo.run_dir / f"{odoo.db_name}-{name}.json"
        self.log_path = odoo.run_dir / f"{odoo.db_name}-{name}.log"
        odoo.logs.append(self.log_path)
        _cmd, env = odoo_command(odoo.source, odoo.conf)
        for variable in odoo_database.CA_OVERRIDES:  # the addon trusts the emulator's CA
            env.pop(variable, None)
        task = json.dumps({"out": str(self.out), "steps": steps})
        with open(self.log_path, "w", encoding="utf-8") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(BENCH_DIR / "fault_worker.py"), str(odoo.conf),
                 odoo.db_name], stdin=subprocess.PIPE, stdout=log, stderr=subprocess.STDOUT,
                env=env, cwd=BENCH_DIR.parent, text=True)
        self.process.stdin.write(task)
        self.process.stdin.close()

    def results(self):
        """The results of the steps the process finished, in order."""
        if not self.out.exists():
            return []
        return [done["result"] for done in json.loads(self.out.read_text(encoding="utf-8"))]

    def wait(self, timeout=3600):
        try:
            status = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired as exc:
            self.process.kill()
            raise WorkerFailed(f"{self.name} did not finish within {timeout} s; log: "
                               f"{self.log_path}") from exc
        if status:
            raise WorkerFailed(f"{self.name} exited with status {status}; log: "
                               f"{self.log_path}\n{_tail(self.log_path)}")
        return self.results()

    def kill(self):
        """SIGKILL, as when the server is killed: no cleanup of any kind."""
        self.process.kill()
        self.process.wait()


class OdooSide:
    """A fresh database with the addon, and the Odoo processes run in it."""

    def __init__(self, source, run_dir, db_name):
        self.source, self.run_dir, self.db_name = source, run_dir, db_name
        self.conf = write_config(source, emulator_process.free_port())
        self.logs = []

    def install(self):
        log = self.run_dir / f"{self.db_name}-install.log"
        odoo_database.install(self.source, self.conf, self.db_name, "ours", log)

    def start(self, name, steps):
        return Worker(self, name, steps)

    def run(self, name, steps, timeout=3600):
        """Run the steps in a new Odoo process; their results, in order."""
        return self.start(name, steps).wait(timeout)

    def close(self, keep_database=False):
        self.conf.unlink(missing_ok=True)
        if not keep_database:
            odoo_database.drop(self.db_name)

    def error_lines(self):
        """ERROR and CRITICAL lines the scenario's Odoo processes logged (the install
        aside)."""
        found = []
        for path in self.logs:
            text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
            found += [line for line in text.splitlines()
                      if ERROR_LINE.match(line) or "deadlock detected" in line]
        return found

    def state(self):
        """What the database holds: events, links, queued changes, history, accounts."""
        with psycopg2.connect(host=local_postgres.HOST, port=local_postgres.PORT,
                              user=local_postgres.ROLE, dbname=self.db_name) as connection:
            with connection.cursor() as cr:
                return {name: _rows(cr, sql) for name, sql in STATE_QUERIES.items()}


STATE_QUERIES = {
    "events": "SELECT id, name, start, allday, start_date, active, user_id, recurrence_id "
              "FROM calendar_event ORDER BY id",
    "links": "SELECT account_id, local_id, event_id, graph_id FROM outlook_event_link",
    "outbox": "SELECT account_id, event_id, state FROM outlook_outbox",
    "runs": "SELECT account_id, state, trigger, errors FROM outlook_sync_run ORDER BY id",
    "accounts": "SELECT id, user_id, state, last_error FROM outlook_account ORDER BY id",
}


def _rows(cr, sql):
    cr.execute(sql)
    names = [column.name for column in cr.description]
    return [dict(zip(names, row, strict=True)) for row in cr.fetchall()]


def wait_for(condition, timeout, interval=0.02):
    """Poll `condition` until it is true; False when `timeout` seconds went by first."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return False


def _tail(log_path, lines=15):
    text = Path(log_path).read_text(encoding="utf-8", errors="replace").splitlines()
    return "\n".join(text[-lines:])
