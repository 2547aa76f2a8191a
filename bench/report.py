"""The side-by-side table and the targets of the benchmark, from the measured results.

`results` maps N (int) to {"ours": run, "reference": run}, a run being what
measure.PhaseRecorder wrote: {"phases": {phase: record}, "setup_error": ..., "error": ...}.
"""

import math

PHASES = ("first_import", "push", "sync_after_push", "unchanged_sync")
PHASE_TITLES = {
    "first_import": "1. first import Outlook -> Odoo",
    "push": "2. push N/10 new Odoo events",
    "sync_after_push": "3. sync right after the push",
    "unchanged_sync": "4. sync with nothing changed",
}
# (label, how to read it from a phase record)
METRICS = (
    ("seconds", lambda r: r["seconds"]),
    ("  of which Odoo's create()", lambda r: r["details"].get("create_seconds")),
    ("Graph HTTP requests", lambda r: r["graph_requests"]),
    ("  of which writes", lambda r: r["graph_writes"]),
    ("Graph operations (emulator)", lambda r: sum(r["emulator_routes"].values())),
    ("identity requests", lambda r: r["identity_requests"]),
    ("SQL queries", lambda r: r["sql_queries"]),
    ("peak memory MB", lambda r: r["peak_rss_mb"]),
    ("peak memory growth MB", lambda r: r["peak_rss_growth_mb"]),
    ("events in Odoo (records)", lambda r: r["odoo_events"]),
    ("items in Odoo (series = 1)", lambda r: r["odoo_items"]),
    ("items in Outlook (series = 1)", lambda r: r["outlook_items"]),
    ("duplicates Odoo / Outlook", lambda r: f"{r['odoo_duplicates']} / {r['outlook_duplicates']}"),
    ("Outlook mails invit./canc./upd.", lambda r: "{invitation} / {cancellation} / {update}"
     .format(**r["mail"])),
    ("Odoo e-mails queued (total)", lambda r: r["odoo_mails_queued"]),
)
ADDONS = ("ours", "reference")


def phase_record(results, n, addon, phase):
    return ((results.get(n) or {}).get(addon) or {}).get("phases", {}).get(phase)


def _cell(record, read):
    if record is None:
        return "-"
    value = read(record)
    if value is None:
        return ""  # this metric does not apply to the phase
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _ratio(ours, reference, read):
    if ours is None or reference is None:
        return ""
    a, b = read(ours), read(reference)
    if not isinstance(a, int | float) or not isinstance(b, int | float):
        return ""
    return f"{a / b:.3f}" if b else ""


def table(results, n):
    """The side-by-side table of one size, as text lines."""
    lines = [f"== N = {n} seeded Outlook events, {n // 10} Odoo events pushed ==",
             f"{'phase / metric':<34}{'ours':>14}{'reference':>14}{'ours/ref':>10}"]
    for addon in ADDONS:
        run = (results.get(n) or {}).get(addon) or {}
        for key in ("setup_error", "error"):
            if run.get(key):
                lines.append(f"  {addon} {key.replace('_', ' ')}: {_last_line(run[key])}")
    for phase in PHASES:
        ours, reference = (phase_record(results, n, a, phase) for a in ADDONS)
        lines.append(PHASE_TITLES[phase])
        for label, read in METRICS:
            cells = _cell(ours, read), _cell(reference, read)
            if any(cells):  # rows that only some phases have stay out of the others
                lines.append(f"  {label:<32}{cells[0]:>14}{cells[1]:>14}"
                             f"{_ratio(ours, reference, read):>10}")
        for addon, record in zip(ADDONS, (ours, reference), strict=True):
            if record and record.get("error"):
                lines.append(f"  {addon} FAILED: {_last_line(record['error'])}")
    lines.append("Graph requests by route (HTTP, as sent)")
    for phase in PHASES:
        for addon in ADDONS:
            record = phase_record(results, n, addon, phase)
            if record:
                routes = ", ".join(f"{route} x{count}" for route, count in
                                   sorted(record["graph_routes"].items()))
                lines.append(f"  {phase:<16} {addon:<9} {routes or '(none)'}")
                if record["identity_routes"]:
                    lines.append(f"  {'':<16} {'':<9} identity platform: " + ", ".join(
                        f"{route} x{count}" for route, count in
                        sorted(record["identity_routes"].items())))
    return lines


def _last_line(text):
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


def targets(results):
    """[(target, verdict, detail)] for the targets of this addon that the sizes allow."""
    checks = []
    sizes = sorted(results)
    for n in sizes:
        ours_first = phase_record(results, n, "ours", "first_import")
        ref_first = phase_record(results, n, "reference", "first_import")
        if n >= 5000 and ours_first and ref_first:
            checks.append(_speedup(f"first import at N={n} >= 10x faster", ours_first,
                                   ref_first))
        push = phase_record(results, n, "ours", "push")
        ref_push = phase_record(results, n, "reference", "push")
        if push:
            allowed = math.ceil(n / 10 / 20)
            checks.append((f"push of {n // 10} events at N={n} in <= {allowed} write requests",
                           _verdict(push["graph_writes"] <= allowed and not push["error"]),
                           f"{push['graph_writes']} write requests"))
        if push and ref_push:
            name, verdict, detail = _speedup(f"push at N={n} >= 10x faster", push, ref_push)
            checks.append((name, verdict, detail + _sending_only(push, ref_push)))
        for phase in ("sync_after_push", "unchanged_sync"):
            record = phase_record(results, n, "ours", phase)
            if record:
                ok = (record["graph_requests"] == 1 and record["sql_queries"] <= 15
                      and not record["error"])
                checks.append((f"{phase} at N={n}: 1 Graph request, <= 15 SQL queries",
                               _verdict(ok), f"{record['graph_requests']} Graph requests, "
                                             f"{record['sql_queries']} SQL queries"))
    checks += _growth_checks(results, sizes)
    return checks


def _speedup(name, ours, reference):
    if ours["error"] or reference["error"]:
        failed = "ours" if ours["error"] else "reference"
        return name, "n/a", f"{failed} failed in this phase"
    speedup = reference["seconds"] / ours["seconds"] if ours["seconds"] else math.inf
    detail = f"{speedup:.1f}x ({ours['seconds']:.2f} s vs {reference['seconds']:.2f} s)"
    if speedup < 10:
        detail += f"; to reach 10x ours must take {reference['seconds'] / 10:.2f} s"
    return name, _verdict(speedup >= 10), detail


def _sending_only(ours, reference):
    """The push without Odoo's own create(): only what each module does to reach Outlook."""
    try:
        a = ours["seconds"] - ours["details"]["create_seconds"]
        b = reference["seconds"] - reference["details"]["create_seconds"]
    except (KeyError, TypeError):
        return ""
    return f"; without Odoo's create(): {b / a:.1f}x ({a:.2f} s vs {b:.2f} s)" if a > 0 else ""


def _growth_checks(results, sizes):
    """Linear time and bounded memory between the smallest and the largest size."""
    if len(sizes) < 2:
        return []
    small, large = sizes[0], sizes[-1]
    first = {n: phase_record(results, n, "ours", "first_import") for n in (small, large)}
    if not all(first.values()) or any(r["error"] for r in first.values()):
        return []
    checks = []
    allowed = 5.5 * large / 5000 * 1000 / small  # 5.5x from 1,000 to 5,000, scaled
    growth = first[large]["seconds"] / first[small]["seconds"]
    checks.append((f"first import time N={large} <= {allowed:.1f}x N={small}",
                   _verdict(growth <= allowed), f"{growth:.2f}x ({first[small]['seconds']:.2f} s "
                                                 f"-> {first[large]['seconds']:.2f} s)"))
    memory = {n: first[n]["peak_rss_growth_mb"] for n in (small, large)}
    # Streaming pages: memory may not grow in proportion to the mailbox; holding the whole
    # mailbox would make it grow about N_large / N_small times.
    bounded = memory[large] <= max(2 * memory[small], 30)
    checks.append((f"first import memory growth bounded (N={small} -> N={large})",
                   _verdict(bounded), f"{memory[small]:.1f} MB -> {memory[large]:.1f} MB"))
    return checks


def _verdict(ok):
    return "PASS" if ok else "MISS"


def target_lines(results):
    lines = ["== Targets of this addon =="]
    for name, verdict, detail in targets(results):
        lines.append(f"  [{verdict}] {name}: {detail}")
    return lines
