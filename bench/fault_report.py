"""The fault benchmark's table, from the scenarios' results (faults.py writes them).

A result: {"name", "title", "seconds", "error", "odoo": {lost, duplicated, deleted},
"outlook": {...}, "checks": {running, log_errors, unsettled}, "faults": {kind: n}, ...}.
"""

from fault_check import FIGURES, SIDES

CHECKS = (("running", "running"), ("log_errors", "log errors"), ("unsettled", "unsettled"))
# The emulator counts faults by kind; what each kind is in these scenarios.
FAULT_LABELS = {"status": "429", "drop": "answer lost after the write",
                "delay": "slowed creation", "revoke": "sign-in revoked"}
TITLE_WIDTH = 62


def figures(result):
    """Every figure of a result that must be 0, as (label, value)."""
    found = [(f"{side} {figure}", (result.get(side) or {}).get(figure))
             for side in SIDES for figure in FIGURES]
    found += [(label, (result.get("checks") or {}).get(key)) for key, label in CHECKS]
    return found


def failed(result):
    """True when the scenario did not run through or a figure is not 0."""
    return bool(result.get("error")) or any(value != 0 for _label, value in figures(result))


def table(results):
    lines = ["== Fault benchmark: what each side holds against what it must hold "
             "(every figure must be 0) ==",
             f"{'':<{TITLE_WIDTH}}{'---------- Odoo ----------':>27}"
             f"{'--------- Outlook --------':>27}",
             f"{'scenario':<{TITLE_WIDTH}}" + "".join(
                 f"{name:>9}" for name in ("lost", "dupl.", "deleted") * 2)
             + "".join(f"{label:>11}" for _key, label in CHECKS) + f"{'seconds':>9}"]
    for result in results:
        cells = [_cell(value) for _label, value in figures(result)]
        lines.append(f"{result['title'][:TITLE_WIDTH - 1]:<{TITLE_WIDTH}}"
                     + "".join(f"{cell:>9}" for cell in cells[:6])
                     + "".join(f"{cell:>11}" for cell in cells[6:])
                     + f"{result.get('seconds', 0):>9.0f}")
    lines += ["", "== Faults injected (emulator counters; kill -9 by the benchmark) and "
                  "details =="]
    for result in results:
        lines += details(result)
    return lines


def details(result):
    held = result.get("held") or {}
    lines = [f"{result['title']}",
             f"  faults injected: {fault_text(result.get('faults') or {})}, in "
             f"{result.get('graph_requests', '-')} Graph requests of the sync; creations "
             f"Outlook received: {result.get('creations', '-')} for "
             f"{result.get('made_in_odoo', '-')} events made in Odoo; invitations Outlook "
             f"mailed: {(result.get('mail') or {}).get('invitation', '-')} for "
             f"{result.get('invited', '-')} guests invited in Odoo",
             f"  events held at the end: Odoo {held.get('odoo', '-')}, Outlook "
             f"{held.get('outlook', '-')}, expected {held.get('expected', '-')} on each side; "
             f"settle passes {result.get('settle_passes')}; sync history "
             f"{result.get('history')}"]
    if result.get("error"):
        lines.append(f"  SCENARIO FAILED: {_last_line(result['error'])}")
    for side in SIDES:
        for figure, keys in ((result.get("examples") or {}).get(side) or {}).items():
            lines.append(f"  {side} {figure}, e.g. {keys}")
    lines += [f"  note: {note}" for note in result.get("notes") or ()]
    lines += [f"  logged: {line[:160]}" for line in result.get("log_error_lines") or ()]
    return lines


def fault_text(faults):
    if not faults:
        return "none"
    return ", ".join(f"{FAULT_LABELS.get(kind, kind)} x{count}"
                     for kind, count in sorted(faults.items()))


def _cell(value):
    return "-" if value is None else str(value)


def _last_line(text):
    lines = [line for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""
