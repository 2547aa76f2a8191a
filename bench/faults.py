"""Fault benchmark: what this addon's sync loses, duplicates or wrongly deletes under faults.

    python3 scripts/dev.py faults [--only import,push,kill,cron,revoke]
                                  [--import-events 500] [--push-events 200] [--users 10]
                                  [--cron-rounds 10] [--max-runs 15] [--seed 0]
                                  [--keep-databases]

Each scenario (fault_scenarios.py) gets a fresh database with the addon and an emptied
Graph emulator running as its own process; syncs run in Odoo processes of their own, with
real commits. At the end both sides are compared with what they must hold. Prints the
table, writes bench/results/faults-<stamp>.json (logs in bench/results/faults-<stamp>/)
and exits 1 when a scenario failed or a figure is not 0.
"""

import argparse
import json
import sys
import time
import traceback
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "scripts"))

import fault_report  # noqa: E402
import local_postgres  # noqa: E402
from fault_odoo import OdooSide  # noqa: E402
from fault_outlook import running_emulator  # noqa: E402
from fault_scenarios import SCENARIOS, Context  # noqa: E402
from odoo_runtime import find_odoo  # noqa: E402

RESULTS = BENCH_DIR / "results"


def parse_args(argv):
    names = [scenario.name for scenario in SCENARIOS]
    parser = argparse.ArgumentParser(prog="dev.py faults", description=__doc__.split("\n")[0])
    parser.add_argument("--only", default=",".join(names),
                        help=f"scenarios to run, comma separated, among {', '.join(names)}")
    parser.add_argument("--import-events", type=int, default=500,
                        help="Outlook events imported in scenario import")
    parser.add_argument("--push-events", type=int, default=200,
                        help="Odoo events pushed in scenarios push, kill and revoke")
    parser.add_argument("--users", type=int, default=10, help="users in scenario cron")
    parser.add_argument("--cron-rounds", type=int, default=10,
                        help="runs of the sync cron each process makes, twice, in scenario cron")
    parser.add_argument("--max-runs", type=int, default=15,
                        help="passes of sync runs allowed to become quiet")
    parser.add_argument("--seed", type=int, default=0,
                        help="the emulator's seed, which draws the chance faults (another "
                             "seed, other requests meet them)")
    parser.add_argument("--keep-databases", action="store_true",
                        help="keep the databases for inspection instead of dropping them")
    args = parser.parse_args(argv)
    args.only = [name.strip() for name in args.only.split(",") if name.strip()]
    unknown = set(args.only) - set(names)
    if unknown:
        parser.error(f"unknown scenario(s): {', '.join(sorted(unknown))}")
    return args


def run_scenario(scenario, client, source, run_dir, args):
    """Run one scenario in its own database; its result, figures included."""
    title = scenario.title.format(**vars(args))
    say(f"{title}: installing the addon in a fresh database")
    started = time.monotonic()
    odoo = OdooSide(source, run_dir, f"faults_{scenario.name}")
    context = Context(client, odoo, args, str(run_dir / "emulator-ca.pem"))
    result = {"name": scenario.name, "title": title, "error": None}
    try:
        odoo.install()
        say(f"{title}: running")
        scenario.run(context)
    except Exception:  # the comparison still tells what the failure left behind
        result["error"] = traceback.format_exc(limit=6)
    try:
        result.update(context.verdict())
    except Exception:  # e.g. the install failed: nothing to compare
        result["error"] = (result["error"] or "") + traceback.format_exc(limit=6)
    finally:
        odoo.close(keep_database=args.keep_databases)
    result["seconds"] = round(time.monotonic() - started, 1)
    say(f"{title}: done in {result['seconds']:.0f} s")
    return result


def say(message):
    print(f"==> {message}", flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    source, reason = find_odoo()
    if not source:
        sys.exit(f"Odoo 18 not found ({reason}): see the README, 'How Odoo 18 is found'.")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / f"faults-{stamp}"
    run_dir.mkdir(parents=True)
    local_postgres.start()
    started = time.monotonic()
    results = []
    with running_emulator(run_dir / "emulator.log", args.seed) as client:
        (run_dir / "emulator-ca.pem").write_text(client.ca_pem(), encoding="utf-8")
        for scenario in SCENARIOS:
            if scenario.name in args.only:
                results.append(run_scenario(scenario, client, source, run_dir, args))
    print("\n" + "\n".join(fault_report.table(results)))
    out = RESULTS / f"faults-{stamp}.json"
    out.write_text(json.dumps({"stamp": stamp, "options": vars(args), "results": results,
                               "seconds": round(time.monotonic() - started, 1)},
                              indent=1, default=str), encoding="utf-8")
    failing = [result["name"] for result in results if fault_report.failed(result)]
    print(f"\nResults: {out}\nLogs: {run_dir}\n"
          + (f"NOT 0 in: {', '.join(failing)}" if failing else "Every figure is 0."))
    return 1 if failing else 0


if __name__ == "__main__":
    sys.exit(main())
