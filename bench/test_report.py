"""The benchmark's verdicts: `.venv/bin/pytest bench/test_report.py` (no Odoo needed)."""

import report


def phase(seconds, graph=1, writes=0, sql=10, create=None, memory=5.0, error=None):
    details = {} if create is None else {"create_seconds": create}
    return {
        "seconds": seconds, "graph_requests": graph, "graph_writes": writes,
        "graph_routes": {"GET /v1.0/me/calendarView/delta": graph},
        "emulator_routes": {}, "identity_requests": 0, "identity_routes": {},
        "sql_queries": sql, "peak_rss_mb": 150.0, "peak_rss_growth_mb": memory,
        "odoo_events": 0, "odoo_items": 0, "outlook_items": 0, "odoo_duplicates": 0,
        "outlook_duplicates": 0, "odoo_mails_queued": 0,
        "mail": {"invitation": 0, "cancellation": 0, "update": 0},
        "details": details, "error": error,
    }


def run(**phases):
    return {"phases": phases}


def verdicts(results):
    return {name: verdict for name, verdict, _detail in report.targets(results)}


def test_a_first_import_less_than_ten_times_faster_is_a_miss_saying_how_far():
    results = {5000: {"ours": run(first_import=phase(20.0)),
                      "reference": run(first_import=phase(100.0))}}
    [(name, verdict, detail)] = report.targets(results)
    assert verdict == "MISS"
    assert "5.0x" in detail and "10.00 s" in detail  # what ours must reach


def test_push_over_the_batch_budget_misses_and_sync_with_two_requests_misses():
    results = {1000: {"ours": run(push=phase(0.1, graph=7, writes=6, create=0.05),
                                  sync_after_push=phase(0.05, graph=2),
                                  unchanged_sync=phase(0.05, sql=15)),
                      "reference": run(push=phase(5.0, graph=100, writes=100, create=0.5))}}
    got = verdicts(results)
    assert got["push of 100 events at N=1000 in <= 5 write requests"] == "MISS"
    assert got["push at N=1000 >= 10x faster"] == "PASS"
    assert got["sync_after_push at N=1000: 1 Graph request, <= 15 SQL queries"] == "MISS"
    assert got["unchanged_sync at N=1000: 1 Graph request, <= 15 SQL queries"] == "PASS"


def test_time_growing_faster_than_n_and_memory_growing_with_the_mailbox_miss():
    results = {1000: {"ours": run(first_import=phase(10.0, memory=10.0))},
               5000: {"ours": run(first_import=phase(60.0, memory=50.0))}}
    got = verdicts(results)
    assert got["first import time N=5000 <= 5.5x N=1000"] == "MISS"
    assert got["first import memory growth bounded (N=1000 -> N=5000)"] == "MISS"


def test_a_failed_reference_phase_is_shown_and_gives_no_verdict():
    failing = phase(1.0, error="Traceback ...\nHTTPError: 500 Server Error")
    results = {5000: {"ours": run(first_import=phase(1.0)),
                      "reference": run(first_import=failing)}}
    assert verdicts(results) == {"first import at N=5000 >= 10x faster": "n/a"}
    lines = report.table(results, 5000)
    assert "  reference FAILED: HTTPError: 500 Server Error" in lines


def test_the_table_puts_ours_beside_the_reference_with_their_ratio():
    results = {1000: {"ours": run(unchanged_sync=phase(0.5, sql=12)),
                      "reference": run(unchanged_sync=phase(2.0, sql=48))}}
    lines = report.table(results, 1000)
    unchanged = lines[lines.index(report.PHASE_TITLES["unchanged_sync"]):]
    sql_row = next(line for line in unchanged if "SQL queries" in line)
    assert sql_row.split()[-3:] == ["12", "48", "0.250"]
