"""Set up, test and run Outlook Calendar Sync locally.

    python3 scripts/dev.py setup   # virtualenv, pinned dependencies; with Odoo 18: its Python
                                   # requirements, PostgreSQL on 127.0.0.1 and Chromium
    python3 scripts/dev.py test    # lint, engine tier (pytest), Odoo tier when Odoo 18 is found
    python3 scripts/dev.py run     # PostgreSQL, the Graph emulator and Odoo with the addon
    python3 scripts/dev.py bench [--sizes 1000,5000]   # this addon vs Odoo's microsoft_calendar
    python3 scripts/dev.py faults [--only NAME]   # events lost, duplicated, deleted under faults

How Odoo 18 is found is described in scripts/odoo_runtime.py and in the README.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import uuid
import xml.etree.ElementTree as ET
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from odoo_runtime import ADDON, ROOT, STATE, find_odoo, odoo_command, write_config  # noqa: E402

VENV = ROOT / ".venv"
VENV_PYTHON = VENV / "bin" / "python"


def say(message):
    print(f"==> {message}", flush=True)


def run(cmd, **kwargs):
    return subprocess.run(cmd, check=True, **kwargs)


def in_venv():
    """Re-run this script with the project's virtualenv Python."""
    if Path(sys.prefix).resolve() != VENV.resolve():
        if not VENV_PYTHON.exists():
            sys.exit("The virtualenv is missing: run `python3 scripts/dev.py setup` first.")
        os.execv(VENV_PYTHON, [str(VENV_PYTHON), *sys.argv])


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- setup ---------------------------------------------------------------------------------

def pip_install(*args):
    run([str(VENV_PYTHON), "-m", "pip", "install", "-q", "--disable-pip-version-check", *args])


def apt_install(*packages):
    if os.geteuid() != 0:
        sys.exit(f"Please install these Debian packages first: {' '.join(packages)}")
    say(f"Installing Debian packages: {' '.join(packages)}")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run(["apt-get", "update", "-qq"], env=env)
    run(["apt-get", "install", "-y", "-qq", *packages], env=env, stdout=subprocess.DEVNULL)


def setup():
    if not VENV_PYTHON.exists():
        say("Creating the virtualenv in .venv")
        run([sys.executable, "-m", "venv", str(VENV)])
    say("Installing the pinned Python dependencies")
    pip_install("-r", str(ROOT / "requirements-dev.txt"))
    source, reason = find_odoo()
    if not source:
        say(f"Odoo 18 not found ({reason}): only the engine tier can run.")
        return
    say(f"Odoo 18 found in {source}: installing its Python requirements")
    adapted = subprocess.run(
        [str(VENV_PYTHON), str(ROOT / "scripts" / "odoo_requirements.py"),
         str(source / "requirements.txt")],
        check=True, capture_output=True, text=True,
    ).stdout
    STATE.mkdir(exist_ok=True)
    (STATE / "odoo-requirements.txt").write_text(adapted, encoding="utf-8")
    pip_install("-r", str(STATE / "odoo-requirements.txt"),
                "-r", str(ROOT / "requirements-dev.txt"))
    import local_postgres

    if not local_postgres.bin_dir():
        apt_install("postgresql")
    if not (shutil.which("chromium") or shutil.which("google-chrome")):
        apt_install("chromium")
    say("Starting the test PostgreSQL cluster on 127.0.0.1")
    local_postgres.start()
    say("Setup done.")


# -- test ----------------------------------------------------------------------------------

def engine_tier(slow=False):
    """Run pytest (the slow tests too with `slow`); return (passed, failed)."""
    say("Engine tier (pytest)" + (", slow tests included" if slow else ""))
    STATE.mkdir(exist_ok=True)
    report = STATE / "engine-junit.xml"
    selection = ["-m", "slow or not slow"] if slow else []
    subprocess.run([str(VENV_PYTHON), "-m", "pytest", f"--junitxml={report}", *selection],
                   cwd=ROOT,
                   check=False)
    if not report.exists():
        return 0, 1
    suite = ET.parse(report).getroot()
    suite = suite if suite.tag == "testsuite" else suite.find("testsuite")
    total, skipped = int(suite.get("tests")), int(suite.get("skipped"))
    failed = int(suite.get("failures")) + int(suite.get("errors"))
    if total == 0:
        print("The engine tier ran no test.")
        return 0, 1
    return total - failed - skipped, failed


ODOO_REPORT = re.compile(r"(\d+) failed, (\d+) error\(s\) of (\d+) tests when loading database")
ODOO_ERROR_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (ERROR|CRITICAL) ")


def odoo_tier(source, tags=None):
    """Install the addon in a throwaway database with its tests; return (passed, failed)."""
    import local_postgres

    say("Odoo tier: installing the addon in a fresh database and running its tests")
    local_postgres.start()
    db_name = f"ocs_test_{uuid.uuid4().hex[:8]}"
    conf = write_config(source, free_port())
    cmd, env = odoo_command(
        source, conf, "-d", db_name, "-i", ADDON, "--test-enable",
        "--test-tags", tags or f"/{ADDON}", "--stop-after-init", "--log-level=test",
    )
    report, error_lines = None, 0
    try:
        with subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True) as odoo:
            for line in odoo.stdout:
                sys.stdout.write(line)
                report = ODOO_REPORT.search(line) or report
                error_lines += bool(ODOO_ERROR_LINE.match(line))
        returncode = odoo.returncode
    finally:
        local_postgres.drop_database(db_name)
    if not report:
        print(f"Odoo exited ({returncode}) without a test report: counted as a failure.")
        return 0, 1
    failed, errors, total = (int(n) for n in report.groups())
    bad = failed + errors
    if error_lines and not bad:
        print(f"{error_lines} error line(s) were logged during install: counted as a failure.")
        bad = 1
    if returncode and not bad:
        print(f"Odoo exited with status {returncode}: counted as a failure.")
        bad = 1
    if total == 0:
        print("The Odoo tier ran no test: counted as a failure.")
        bad = max(bad, 1)
    return total - failed - errors, bad


def lint():
    say("Lint (ruff)")
    result = subprocess.run([str(VENV_PYTHON), "-m", "ruff", "check", "."], cwd=ROOT, check=False)
    return result.returncode == 0


def translations():
    """Every .po translates every text of the .pot, and the .pot has the code's texts."""
    say("Translations (scripts/i18n.py check)")
    result = subprocess.run([str(VENV_PYTHON), str(ROOT / "scripts" / "i18n.py"), "check"],
                            cwd=ROOT, check=False)
    return result.returncode == 0


def test(args=()):
    """Both tiers; `--slow` adds the slow engine tests (the 100,000-event scale test).
    While developing: `test --odoo-only [--tags /outlook_calendar_sync:Class]`."""
    in_venv()
    odoo_only = "--odoo-only" in args
    tags = args[args.index("--tags") + 1] if "--tags" in args else None
    lint_ok = odoo_only or lint()
    passed, failed = (0, 0) if odoo_only else engine_tier(slow="--slow" in args)
    if not odoo_only:
        translations_ok = translations()
        passed, failed = passed + translations_ok, failed + (not translations_ok)
    source, reason = find_odoo()
    if source:
        odoo_passed, odoo_failed = odoo_tier(source, tags)
        passed, failed = passed + odoo_passed, failed + odoo_failed
    else:
        print(f"ODOO TIER SKIPPED: Odoo 18 not found ({reason}); "
              "see README, 'How Odoo 18 is found'.")
    if not lint_ok:
        print("Lint found problems (see above): counted as a failure.")
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


# -- run -----------------------------------------------------------------------------------

def run_product():
    in_venv()
    from demo import run_demo

    return run_demo()


# -- bench ---------------------------------------------------------------------------------

def bench(args=()):
    """Benchmarks against Odoo's own microsoft_calendar; options: bench/run.py --help."""
    in_venv()
    return subprocess.run([str(VENV_PYTHON), str(ROOT / "bench" / "run.py"), *args],
                          cwd=ROOT, check=False).returncode


def faults(args=()):
    """The fault benchmark; options: bench/faults.py --help."""
    in_venv()
    return subprocess.run([str(VENV_PYTHON), str(ROOT / "bench" / "faults.py"), *args],
                          cwd=ROOT, check=False).returncode


def main():
    commands = {"setup": setup, "test": test, "run": run_product, "bench": bench,
                "faults": faults}
    if len(sys.argv) < 2 or sys.argv[1] not in commands:
        sys.exit(__doc__)
    if sys.argv[1] in ("test", "bench", "faults"):
        sys.exit(commands[sys.argv[1]](sys.argv[2:]))
    sys.exit(commands[sys.argv[1]]() or 0)


if __name__ == "__main__":
    main()
