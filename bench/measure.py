"""Measuring one benchmark phase inside the Odoo process (run by `odoo shell`).

Shared by phases_ours.py and phases_reference.py. For each phase it records wall-clock
seconds, SQL queries (every cursor of the process, so work done after a commit counts too),
the process's memory, the HTTP requests it sent (Graph apart from the identity platform),
the emulator's own counters, and how many events each side holds afterwards.
"""

import cProfile
import io
import json
import os
import pstats
import re
import resource
import subprocess
import sys
import time
import traceback
from collections import Counter
from pathlib import Path
from urllib.parse import urlsplit

import requests
import workload

from odoo import sql_db

BENCH_DIR = Path(__file__).resolve().parent
# A path segment this long is an event id, a token or another opaque value, not a route word.
_OPAQUE_SEGMENT = re.compile(r"^[A-Za-z0-9_\-=.%]{24,}$")


def load_config():
    """The run's settings, given by bench/run.py through the environment."""
    return json.loads(os.environ["OCS_BENCH_CONFIG"])


def route_of(method, url):
    """ "GET /v1.0/me/events/{id}/instances" for a request URL (ids and queries left out)."""
    segments = ["{id}" if _OPAQUE_SEGMENT.match(s) else s
                for s in urlsplit(url).path.split("/")]
    return f"{method} {'/'.join(segments)}"


class HttpCounter:
    """Counts the HTTP requests this process sends, by route, as they leave `requests`
    (the benchmark's own calls to the emulator's control routes left out)."""

    def __init__(self):
        self.routes = Counter()

    def install(self):
        original = requests.adapters.HTTPAdapter.send
        routes = self.routes

        def counting_send(adapter, request, *args, **kwargs):
            route = route_of(request.method, request.url)
            if " /_emulator/" not in route:
                routes[route] += 1
            return original(adapter, request, *args, **kwargs)

        requests.adapters.HTTPAdapter.send = counting_send
        return self

    def take(self):
        """(graph routes, identity routes) counted since the last call."""
        routes = dict(self.routes)
        self.routes.clear()
        graph = {r: n for r, n in routes.items() if " /v1.0/" in r}
        identity = {r: n for r, n in routes.items() if r not in graph}
        return graph, identity


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux gives KiB


def current_rss_mb():
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def odoo_side(cr):
    """Events in Odoo: records, items (a series counts once, as in Outlook), duplicates;
    and the e-mails Odoo itself has queued so far (attendees would get them too)."""
    cr.execute("""
        SELECT count(*),
               count(*) FILTER (WHERE recurrence_id IS NULL) + count(DISTINCT recurrence_id),
               count(*) - count(DISTINCT (name, start, allday))
          FROM calendar_event WHERE active""")
    records, items, duplicates = cr.fetchone()
    cr.execute("SELECT count(*) FROM mail_mail")
    return {"odoo_events": records, "odoo_items": items, "odoo_duplicates": duplicates,
            "odoo_mails_queued": cr.fetchone()[0]}


def outlook_side(config):
    """Events in the Outlook mailbox, counted by a child process so that the mailbox's JSON
    never weighs on this process's memory figures."""
    env = dict(os.environ, PYTHONPATH=str(BENCH_DIR.parent / "tests"))
    result = subprocess.run(
        [sys.executable, str(BENCH_DIR / "outlook_count.py"), config["emulator_url"],
         workload.MAILBOX],
        env=env, capture_output=True, text=True, timeout=600, check=True)
    return json.loads(result.stdout)


def emulator_counters(config):
    answer = requests.get(f"{config['emulator_url']}/_emulator/counters", timeout=60)
    answer.raise_for_status()
    return answer.json()


def reset_emulator_counters(config):
    requests.post(f"{config['emulator_url']}/_emulator/reset_counters", json={},
                  timeout=60).raise_for_status()


class PhaseRecorder:
    """Runs phases one after the other and writes what each one measured to a JSON file
    after each phase, so a crash later on loses nothing already measured."""

    def __init__(self, env, config, addon):
        self.env = env
        self.config = config
        self.addon = addon
        self.http = HttpCounter().install()
        self.result = {"addon": addon, "n": config["n"], "phases": {}, "setup_error": None}
        self.out = Path(config["out"])

    def setup(self, func):
        """Preparation that is not measured; a failure there is recorded and stops the run."""
        try:
            func()
            self.env.cr.commit()
        except Exception:  # recorded for the report
            self.env.cr.rollback()
            self.result["setup_error"] = traceback.format_exc(limit=8)
            self._write()
            return False
        return True

    def phase(self, name, func):
        """Run and measure one phase; `func` returns extra details for the report."""
        reset_emulator_counters(self.config)
        self.http.take()
        rss_before, sql_before = peak_rss_mb(), sql_db.sql_counter
        profile = cProfile.Profile() if self.config.get("profile_dir") else None
        started = time.perf_counter()
        details, error = self._run(func, profile)
        seconds = time.perf_counter() - started
        sql_queries = sql_db.sql_counter - sql_before
        graph, identity = self.http.take()
        record = {
            "seconds": round(seconds, 3),
            "sql_queries": sql_queries,
            "graph_requests": sum(graph.values()),
            "graph_writes": sum(n for r, n in graph.items() if not r.startswith("GET ")),
            "graph_routes": graph,
            "identity_requests": sum(identity.values()),
            "identity_routes": identity,
            "peak_rss_mb": round(peak_rss_mb(), 1),
            "peak_rss_growth_mb": round(peak_rss_mb() - rss_before, 1),
            "rss_mb": round(current_rss_mb(), 1),
            "error": error,
            "details": details,
        }
        record.update(self._after_phase())
        if profile:
            record["profile"] = self._save_profile(name, profile)
        self.result["phases"][name] = record
        self._write()
        return record

    def _run(self, func, profile):
        """(details, None) or ({}, the error's traceback): a failing phase is recorded."""
        if profile:
            profile.enable()
        try:
            return func() or {}, None
        except Exception:  # the reference may fail: record it and go on
            self.env.cr.rollback()
            return {}, traceback.format_exc(limit=12)
        finally:
            if profile:
                profile.disable()

    def _after_phase(self):
        """What the emulator counted, and both sides' events (read after the measurement)."""
        counters = emulator_counters(self.config)
        found = {"emulator_routes": {r: n for r, n in counters["requests"].items()
                                     if " /v1.0/" in r},
                 "mail": counters["mail"]}
        found.update(odoo_side(self.env.cr))
        self.env.cr.rollback()  # only read
        found.update(outlook_side(self.config))
        return found

    def _save_profile(self, name, profile):
        """Write the phase's profile (.prof and a readable top list); returns the text path."""
        directory = Path(self.config["profile_dir"])
        directory.mkdir(parents=True, exist_ok=True)
        stem = directory / f"{self.addon}_{self.config['n']}_{name}"
        profile.dump_stats(f"{stem}.prof")
        text = io.StringIO()
        stats = pstats.Stats(profile, stream=text).strip_dirs()
        text.write(f"== {self.addon}, N={self.config['n']}, phase {name}: by cumulative time\n")
        stats.sort_stats("cumulative").print_stats(45)
        text.write("== by own time\n")
        stats.sort_stats("tottime").print_stats(25)
        text.write("== who runs the SQL queries\n")
        stats.sort_stats("cumulative").print_callers(r"\(execute\)")
        Path(f"{stem}.txt").write_text(text.getvalue(), encoding="utf-8")
        return f"{stem}.txt"

    def _write(self):
        self.out.write_text(json.dumps(self.result, indent=1, default=str), encoding="utf-8")
