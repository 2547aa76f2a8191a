"""Steps of the fault benchmark, run in an Odoo process of their own.

    python bench/fault_worker.py CONF DB < task.json     (Odoo's source on PYTHONPATH)

task.json: {"out": path, "steps": [[name, params], ...]}. The process loads the database's
registry as Odoo's server does, and every step works on real cursors (registry.cursor())
with real commits: what a run commits is what a crash leaves behind. The results of the
steps done so far are written to `out` after each step, so a process killed in the middle
keeps what it had finished.

Steps: connect (settings and signed-in users), create_events, sync (runs until quiet),
cron (rounds of the sync cron, optionally started together with another process).
"""

import importlib
import json
import logging
import sys
import threading
import time
import traceback
from datetime import datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import requests

from odoo import SUPERUSER_ID, api, fields
from odoo.modules.registry import Registry
from odoo.tools import config

_logger = logging.getLogger("fault_worker")
ADDON = "odoo.addons.outlook_calendar_sync"


def environment(cr):
    return api.Environment(cr, SUPERUSER_ID, {})


# -- connect -------------------------------------------------------------------------------

def connect(registry, params):
    """Settings as an administrator enters them, then each user signs in at the emulated
    Microsoft and comes back to Odoo, as in the browser. Returns {email: ids}."""
    with registry.cursor() as cr:
        configure(environment(cr), params)
    found = {}
    for user in params["users"]:
        with registry.cursor() as cr:
            account = sign_in(environment(cr), params, user)
            found[user["email"]] = {"user_id": account.user_id.id, "account_id": account.id}
    return found


def configure(env, params):
    config_parameters = env["ir.config_parameter"].sudo()
    config_parameters.set_param("web.base.url", params["base_url"])
    config_parameters.set_param("web.base.url.freeze", "True")
    for key, value in {
        "enabled": "True",
        "client_id": params["client_id"],
        "client_secret": params["client_secret"],
        "authority_url": params["emulator_url"].replace("http://", "https://", 1),
        "graph_url": params["emulator_url"] + "/v1.0",
        "allow_custom_hosts": "True",
        "ca_bundle": params["ca_file"],
    }.items():
        config_parameters.set_param(f"outlook_calendar_sync.{key}", value)


def user_for(env, user):
    """The Odoo user of a mailbox, created on first use (an internal user, UTC)."""
    found = env["res.users"].search([("login", "=", user["email"])], limit=1)
    return found or env["res.users"].create({
        "name": user["name"], "login": user["email"], "email": user["email"], "tz": "UTC",
        "groups_id": [fields.Command.set([env.ref("base.group_user").id])],
    })


def sign_in(env, params, user):
    """Microsoft consents automatically for this mailbox; Odoo receives the answer."""
    requests.post(f"{params['emulator_url']}/_emulator/set_consent",
                  json={"email": user["email"], "accept": True}, timeout=30).raise_for_status()
    odoo_user = user_for(env, user)
    account = env["outlook.account"]._for_user(odoo_user).with_user(odoo_user)
    answer = requests.get(account._start_sign_in("/odoo/calendar"), allow_redirects=False,
                          timeout=30)
    account._finish_sign_in(dict(parse_qsl(urlsplit(answer.headers["Location"]).query)))
    return account


# -- create_events ---------------------------------------------------------------------------

def create_events(registry, params):
    """The user creates these events in Odoo (one transaction), as in the calendar:
    they wait in the outbox for the next sync."""
    with registry.cursor() as cr:
        env = environment(cr)
        user = env["res.users"].search([("login", "=", params["email"])], limit=1)
        vals_list = [event_vals(env, user, event) for event in params["events"]]
        events = env["calendar.event"].with_user(user).create(vals_list)
        return {"created": len(events)}


def event_vals(env, user, event):
    partners = [user.partner_id.id] + [guest(env, email).id for email in event["guests"]]
    return {
        "name": event["name"],
        "start": datetime.fromisoformat(event["start"]),
        "stop": datetime.fromisoformat(event["stop"]),
        "partner_ids": [fields.Command.set(partners)],
    }


def guest(env, email):
    partners = env["res.partner"]
    return partners.search([("email", "=", email)], limit=1) or partners.create(
        {"name": email.split("@")[0].title(), "email": email})


# -- sync ------------------------------------------------------------------------------------

def sync(registry, params):
    """Sync every connected account, one run each per pass, until a pass is quiet (nothing
    done, nothing failed, nothing waiting) or `max_runs` passes were made."""
    passes = []
    for _number in range(params["max_runs"]):
        outcomes = [sync_account(registry, account_id) for account_id in account_ids(registry)]
        passes.append(outcomes)
        if all(outcome["quiet"] for outcome in outcomes):
            break
    return {"passes": passes, "quiet": bool(passes) and all(o["quiet"] for o in passes[-1])}


def account_ids(registry):
    with registry.cursor() as cr:
        return environment(cr)["outlook.account"].search([("state", "!=", "disconnected")]).ids


def sync_account(registry, account_id):
    """One run, as the cron makes it; what it did and whether it was quiet."""
    # The addon is importable once the registry is loaded (Odoo's addons path).
    already_running = importlib.import_module(f"{ADDON}.engine.errors").SyncAlreadyRunning
    with registry.cursor() as cr:
        env = environment(cr)
        account = env["outlook.account"].browse(account_id)
        try:
            report = account._sync(trigger="cron", commit=True)
        except already_running:
            return {"account_id": account_id, "busy": True, "quiet": False}
        env.invalidate_all()
        pending = env["outlook.outbox"].search_count(
            [("account_id", "=", account_id), ("state", "=", "pending")])
        if report is None:
            return {"account_id": account_id, "failed": account.last_error,
                    "state": account.state, "pending": pending, "quiet": False}
        counts = {name: number for name, number in report.counts.items() if number}
        return {
            "account_id": account_id, "counts": counts, "errors": len(report.errors),
            "first_errors": [f"{e.subject}: {e.text()}" for e in report.errors[:3]],
            "waiting": report.waiting, "held": bool(report.held), "pending": pending,
            "quiet": not (counts or report.errors or report.waiting or report.held
                          or pending),
        }


# -- cron ------------------------------------------------------------------------------------

def cron(registry, params):
    """`rounds` runs of the sync cron, each on a cursor of its own as Odoo's cron worker
    does. With `ready`/`go` files, the rounds start only once the driver says go, so that
    two processes start them at the same moment."""
    if params.get("ready"):
        Path(params["ready"]).touch()
        while not Path(params["go"]).exists():
            time.sleep(0.01)
    rounds = []
    for _number in range(params["rounds"]):
        started, error = time.monotonic(), None
        try:
            with registry.cursor() as cr:
                environment(cr)["outlook.account"]._cron_sync()
        except Exception:  # recorded and logged: the benchmark reports it
            _logger.exception("The Outlook sync cron stopped")
            error = traceback.format_exc(limit=6)
        rounds.append({"seconds": round(time.monotonic() - started, 2), "error": error})
    return {"rounds": rounds}


STEPS = {"connect": connect, "create_events": create_events, "sync": sync, "cron": cron}


def main():
    conf, db_name = sys.argv[1], sys.argv[2]
    task = json.load(sys.stdin)
    config.parse_config(["-c", conf, "-d", db_name, "--no-http"], setup_logging=True)
    threading.current_thread().dbname = db_name
    registry = Registry(db_name)
    done = []
    for name, params in task["steps"]:
        _logger.info("Fault benchmark step %s", name)
        done.append({"step": name, "result": STEPS[name](registry, params)})
        Path(task["out"]).write_text(json.dumps(done, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
