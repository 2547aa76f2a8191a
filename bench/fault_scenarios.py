"""The fault scenarios: what each one does to Odoo and Outlook, and what it expects.

Each scenario gets a fresh database with the addon (`Context.odoo`) and an emptied
emulator (`Context.client`). It records in `Context.truth` every event it makes, on the
side where it makes it; at the end the driver (faults.py) compares both sides with it.
Syncs run in Odoo processes of their own (fault_worker.py) with real commits.
"""

import secrets
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import fault_outlook
import workload
from fault_check import compare, start_key
from fault_odoo import wait_for

GUESTS = [f"fault.guest{k}@fabrikam.example" for k in range(1, 7)]
OUTLOOK_BASELINE = 50  # Outlook events already there in the push scenarios


@dataclass
class Context:
    """One scenario's two sides, what it made, and how its syncs went."""

    client: object
    odoo: object
    args: object
    ca_file: str
    secret: str = field(default_factory=lambda: secrets.token_urlsafe(24))
    mailboxes: list = field(default_factory=list)  # [(email, display name)]
    truth: dict = field(default_factory=dict)  # key -> "odoo" | "outlook"
    mailbox_of_user: dict = field(default_factory=dict)  # Odoo user id -> email
    settle_passes: list = field(default_factory=list)
    unsettled: int = 0
    kills: int = 0
    invited: int = 0  # guests of the events made in Odoo: the invitations Outlook must send
    notes: list = field(default_factory=list)

    # -- Outlook ----------------------------------------------------------------------------

    def prepare_outlook(self, count):
        self.mailboxes = [(f"fault.user{k}@contoso.example", f"Fault User {k}")
                          for k in range(1, count + 1)]
        fault_outlook.prepare(self.client, self.secret, self.mailboxes)

    def seed_outlook(self, email, n):
        """n events made in Outlook, expected on both sides."""
        before = fault_outlook.mailbox_keys(self.client, email)
        fault_outlook.seed(self.client, email, n)
        self._expect(fault_outlook.mailbox_keys(self.client, email) - before, "outlook")

    def create_in_outlook(self, email, names_and_starts):
        before = fault_outlook.mailbox_keys(self.client, email)
        fault_outlook.create_events(self.client, email, names_and_starts)
        self._expect(fault_outlook.mailbox_keys(self.client, email) - before, "outlook")

    def _expect(self, keys, origin):
        for key, copies in keys.items():
            if copies != 1 or key in self.truth:
                raise RuntimeError(f"The scenario made two events alike: {key}")
            self.truth[key] = origin

    # -- Odoo -------------------------------------------------------------------------------

    def connect(self, emails=None):
        """The users of these mailboxes (all by default) sign in, one after the other."""
        wanted = [(e, n) for e, n in self.mailboxes if emails is None or e in emails]
        (found,) = self.odoo.run("connect", [["connect", {
            "emulator_url": self.client.base_url, "client_id": workload.CLIENT_ID,
            "client_secret": self.secret, "ca_file": self.ca_file,
            "base_url": workload.BASE_URL,
            "users": [{"email": email, "name": name} for email, name in wanted]}]])
        for email, ids in found.items():
            self.mailbox_of_user[ids["user_id"]] = email

    def odoo_events(self, email, count, prefix):
        """The create_events step of `count` one-hour events from tomorrow on, one in four
        with two guests; they are expected on both sides."""
        tomorrow = (workload.utc_now() + timedelta(days=1)).replace(hour=0, minute=0,
                                                                    second=0)
        events = []
        for i in range(count):
            start = tomorrow + timedelta(days=i % workload.PUSH_DAYS,
                                         hours=8 + (i // workload.PUSH_DAYS) % 9)
            guests = [GUESTS[i % 6], GUESTS[(i + 1) % 6]] if i % 4 == 0 else []
            self.invited += len(guests)
            events.append({"name": f"{prefix} #{i + 1}", "start": start.isoformat(),
                           "stop": (start + timedelta(hours=1)).isoformat(),
                           "guests": guests})
            self._expect({(email, events[-1]["name"], start_key(start, False)): 1}, "odoo")
        return ["create_events", {"email": email, "events": events}]

    def create_in_odoo(self, email, count, prefix):
        self.odoo.run("create", [self.odoo_events(email, count, prefix)])

    def settle(self, label="settle"):
        """Sync runs, each account in turn, until a pass is quiet (bounded)."""
        (result,) = self.odoo.run(label, [["sync", {"max_runs": self.args.max_runs}]])
        self.settle_passes.append(len(result["passes"]))
        if not result["quiet"]:
            self.unsettled += 1
            last_pass = result["passes"][-1] if result["passes"] else []
            busy = [outcome for outcome in last_pass if not outcome["quiet"]]
            self.notes.append(f"{label}: not quiet after {self.args.max_runs} passes; "
                              f"last pass: {busy[:2]}")
        return result

    # -- the end ----------------------------------------------------------------------------

    def verdict(self):
        """Faults injected, then both sides compared with the truth (faults cleared first:
        reading the mailboxes goes through Graph)."""
        injected = fault_outlook.injected(self.client)
        if self.kills:
            injected["faults"]["kill -9"] = self.kills
        self.client.clear_faults()
        outlook = Counter()
        for email, _name in self.mailboxes:
            outlook.update(fault_outlook.mailbox_keys(self.client, email))
        state = self.odoo.state()
        errors = self.odoo.error_lines()
        found = compare(self.truth, state, self.mailbox_of_user, outlook)
        found.update(injected, checks={
            "running": sum(run["state"] == "running" for run in state["runs"]),
            "log_errors": len(errors),
            "unsettled": self.unsettled,
        }, made_in_odoo=sum(origin == "odoo" for origin in self.truth.values()),
            invited=self.invited,
            settle_passes=self.settle_passes, notes=self.notes, log_error_lines=errors[:6],
            history=dict(Counter(run["state"] for run in state["runs"])),
            accounts=[{k: a[k] for k in ("state", "last_error")} for a in state["accounts"]])
        return found


# -- the scenarios ------------------------------------------------------------------------------

def import_under_faults(ctx):
    """Outlook -> Odoo: a mailbox imported under 429s and lost answers."""
    ctx.prepare_outlook(1)
    email = ctx.mailboxes[0][0]
    ctx.seed_outlook(email, ctx.args.import_events)
    ctx.connect()
    fault_outlook.add_throttling_and_lost_answers(ctx.client)
    ctx.settle()


def push_under_faults(ctx):
    """Odoo -> Outlook: new Odoo events pushed under 429s and lost answers."""
    email = _connected_with_baseline(ctx)
    ctx.create_in_odoo(email, ctx.args.push_events, "Odoo push")
    fault_outlook.add_throttling_and_lost_answers(ctx.client)
    ctx.settle()


def kill_during_push(ctx):
    """The Odoo process is killed (SIGKILL) in the middle of a push; a fresh one syncs."""
    email = _connected_with_baseline(ctx)
    n = ctx.args.push_events
    ctx.create_in_odoo(email, n, "Odoo push")
    # Slowed creations (a batch of 20 takes a second), so that the kill falls while
    # Outlook is carrying out a batch whose answer Odoo will never read.
    ctx.client.add_fault(method="POST", path_pattern="/v1.0/me/events", kind="delay",
                         delay=0.05, times=None)
    before = _creations(ctx)
    kill_at = before + max(1, n // 2 - 10)
    worker = ctx.odoo.start("killed", [["sync", {"max_runs": 1}]])
    wait_for(lambda: _creations(ctx) >= kill_at or worker.process.poll() is not None, 900)
    if worker.process.poll() is None:
        worker.kill()
        ctx.kills += 1
        ctx.notes.append(f"killed once {_creations(ctx) - before} of {n} creations had "
                         f"reached Outlook")
    else:
        ctx.notes.append("the sync ended before the kill: nothing was killed")
    ctx.client.clear_faults()
    ctx.settle()


def revoke_during_push(ctx):
    """The sign-in is revoked in the middle of a push; the user signs in again."""
    email = _connected_with_baseline(ctx)
    n = ctx.args.push_events
    ctx.create_in_odoo(email, n, "Odoo push")
    ctx.client.add_fault(method="*", path_pattern="/v1.0/*", kind="revoke",
                         after_requests=max(1, n // 2 - 10), email=email)
    before = _creations(ctx)
    (revoked,) = ctx.odoo.run("revoked", [["sync", {"max_runs": 1}]])
    outcome = revoked["passes"][0][0]
    ctx.notes.append(f"the run met the revoke ({_creations(ctx) - before} creation requests "
                     f"reached Outlook, those after the revoke answered 401); account "
                     f"{outcome.get('state')!r}, the user is told: "
                     f"{str(outcome.get('failed'))[:110]!r}")
    ctx.connect([email])
    ctx.settle()


def two_cron_workers(ctx):
    """Users with events on both sides; two processes run the sync cron at once."""
    ctx.prepare_outlook(ctx.args.users)
    for email, _name in ctx.mailboxes:
        ctx.seed_outlook(email, 30)
    ctx.connect()
    ctx.odoo.run("create", [ctx.odoo_events(email, 20, f"Odoo {email.split('@')[0]}")
                            for email, _name in ctx.mailboxes])
    _cron_wave(ctx, "wave1")
    tomorrow = (workload.utc_now() + timedelta(days=1)).replace(hour=0, minute=0, second=0)
    for email, _name in ctx.mailboxes:
        ctx.create_in_outlook(email, [(f"Outlook later #{k}", tomorrow + timedelta(
            days=k, hours=15)) for k in range(1, 6)])
    ctx.odoo.run("create-later", [ctx.odoo_events(email, 5, f"Odoo later {email.split('@')[0]}")
                                  for email, _name in ctx.mailboxes])
    _cron_wave(ctx, "wave2")
    ctx.settle()


def _cron_wave(ctx, label):
    """Two Odoo processes start runs of the sync cron at the same moment (many runs: two
    runs of one account meet only now and then)."""
    rounds = ctx.args.cron_rounds
    go = ctx.odoo.run_dir / f"{ctx.odoo.db_name}-{label}.go"
    ready = [ctx.odoo.run_dir / f"{ctx.odoo.db_name}-{label}-{k}.ready" for k in (1, 2)]
    workers = [ctx.odoo.start(f"{label}-cron{k}", [["cron", {
        "rounds": rounds, "ready": str(path), "go": str(go)}]]) for k, path in
        zip((1, 2), ready, strict=True)]
    if not wait_for(lambda: all(Path(p).exists() for p in ready), 300, interval=0.05):
        raise RuntimeError(f"{label}: the cron processes did not start")
    go.touch()
    for worker in workers:
        (result,) = worker.wait()
        failed = [r["error"].strip().splitlines()[-1] for r in result["rounds"] if r["error"]]
        if failed:
            ctx.notes.append(f"{worker.name}: {len(failed)} cron rounds failed: {failed[0]}")


def _connected_with_baseline(ctx):
    """One user, a mailbox of a few Outlook events, connected and synced once."""
    ctx.prepare_outlook(1)
    email = ctx.mailboxes[0][0]
    ctx.seed_outlook(email, OUTLOOK_BASELINE)
    ctx.connect()
    ctx.settle("first-sync")
    return email


def _creations(ctx):
    return fault_outlook.injected(ctx.client)["creations"]


@dataclass(frozen=True)
class Scenario:
    name: str
    title: str
    run: object


SCENARIOS = (
    Scenario("import", "1. import {import_events} Outlook events, 429 30% + 10% lost answers",
             import_under_faults),
    Scenario("push", "2. push {push_events} Odoo events, 429 30% + 10% lost answers",
             push_under_faults),
    Scenario("kill", "3. kill -9 of Odoo during a push of {push_events}", kill_during_push),
    Scenario("cron", "4. two cron workers, {users} users, events on both sides",
             two_cron_workers),
    Scenario("revoke", "5. sign-in revoked during a push of {push_events}, reconnect",
             revoke_during_push),
)
