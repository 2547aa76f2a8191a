"""Benchmark this addon against Odoo's own microsoft_calendar, side by side.

    python3 scripts/dev.py bench [--sizes 1000,5000] [--only ours|reference] [--profile]
                                 [--keep-databases]

For each size N and each addon: a fresh database (bench_ours_N / bench_reference_N), the
emulated Outlook mailbox seeded with N events, then four phases measured inside the Odoo
process (see bench/README.md). Prints the side-by-side table and the targets, writes
bench/results/<stamp>.json; logs and profiles go to bench/results/<stamp>/.
"""

import argparse
import json
import secrets
import sys
import time
from datetime import datetime
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH_DIR.parent / "scripts"))

import emulator_process  # noqa: E402
import local_postgres  # noqa: E402
import odoo_database  # noqa: E402
import report  # noqa: E402
from odoo_runtime import find_odoo, write_config  # noqa: E402

RESULTS = BENCH_DIR / "results"


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="dev.py bench", description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="1000,5000",
                        help="numbers of seeded Outlook events, comma separated")
    parser.add_argument("--only", choices=report.ADDONS, help="run one addon only")
    parser.add_argument("--profile", action="store_true",
                        help="profile every phase (cProfile; slows the run: times are not "
                             "comparable with an unprofiled run)")
    parser.add_argument("--keep-databases", action="store_true",
                        help="keep the databases for inspection instead of dropping them")
    parser.add_argument("--timeout", type=int, default=4 * 3600,
                        help="seconds one addon may take for the four phases of one size")
    args = parser.parse_args(argv)
    args.sizes = [int(size) for size in args.sizes.split(",") if size.strip()]
    return args


def bench_one(source, client, run_dir, n, addon, args):
    """Install, seed, run the phases of one addon at one size; returns its result."""
    db_name = f"bench_{addon}_{n}"
    secret = secrets.token_urlsafe(24)  # the emulated app's client secret, this run only
    config = {
        "n": n, "emulator_url": client.base_url, "client_secret": secret,
        "ca_file": str(run_dir / "emulator-ca.pem"),
        "out": str(run_dir / f"{db_name}.json"),
        "profile_dir": str(run_dir / "profiles") if args.profile else None,
    }
    started = time.monotonic()
    conf = write_config(source, emulator_process.free_port())
    try:
        say(f"{addon}, N={n}: installing {odoo_database.MODULES[addon]} in {db_name}")
        odoo_database.install(source, conf, db_name, addon, run_dir / f"{db_name}-install.log")
        say(f"{addon}, N={n}: seeding the Outlook mailbox with {n} events")
        emulator_process.prepare_mailbox(client, secret, n)
        say(f"{addon}, N={n}: running the phases")
        result = odoo_database.run_phases(source, conf, db_name, addon, config,
                                          run_dir / f"{db_name}.log", args.timeout)
        result.setdefault("error", None)
    except Exception as failure:  # one failed run must not lose the others' results
        result = _read_partial(config["out"])
        result["error"] = str(failure)
    finally:
        conf.unlink(missing_ok=True)
        if not args.keep_databases:
            odoo_database.drop(db_name)
    say(f"{addon}, N={n}: done in {time.monotonic() - started:.0f} s")
    return result


def _read_partial(path):
    """What the phase script measured before it stopped, if anything."""
    path = Path(path)
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    return {"phases": {}}


def say(message):
    print(f"==> {message}", flush=True)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    source, reason = find_odoo()
    if not source:
        sys.exit(f"Odoo 18 not found ({reason}): see the README, 'How Odoo 18 is found'.")
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    run_dir = RESULTS / stamp
    run_dir.mkdir(parents=True)
    local_postgres.start()
    addons = [args.only] if args.only else list(report.ADDONS)
    results = {}
    with emulator_process.running_emulator(run_dir / "emulator.log") as client:
        (run_dir / "emulator-ca.pem").write_text(client.ca_pem(), encoding="utf-8")
        for n in args.sizes:
            results[n] = {addon: bench_one(source, client, run_dir, n, addon, args)
                          for addon in addons}
    lines = [line for n in args.sizes for line in report.table(results, n) + [""]]
    lines += report.target_lines(results)
    print("\n" + "\n".join(lines))
    out = RESULTS / f"{stamp}.json"
    out.write_text(json.dumps({
        "stamp": stamp, "sizes": args.sizes, "profiled": args.profile,
        "targets": [{"target": t, "verdict": v, "detail": d}
                    for t, v, d in report.targets(results)],
        "results": {str(n): runs for n, runs in results.items()},
    }, indent=1), encoding="utf-8")
    print(f"\nResults: {out}\nLogs{' and profiles' if args.profile else ''}: {run_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
