"""The mass-deletion guard: whole-account counts, a series counts once, a wipe is held."""

from datetime import UTC, datetime

import pytest

from engine import guard
from engine.planner import ConflictPolicy, DeleteLocal, DeleteRemote, Direction, plan
from engine.sync_state import Link, LocalState, RemoteState

NOON = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)


def link(n, master=None):
    return Link(n, f"R{n}", f"uid-{n}", "ck1", "h0", series_master_id=master)


def removed(n):
    return RemoteState(f"R{n}", None, None, None, removed=True)


def deleted(n):
    return LocalState(n, None, NOON, deleted=True)


def planned(links, local=(), remote=()):
    return plan(links, local, remote, direction=Direction.BOTH,
                policy=ConflictPolicy.MOST_RECENT)


@pytest.mark.parametrize(("side", "changes"), [
    ("odoo", lambda ids: ((), [removed(n) for n in ids])),
    ("outlook", lambda ids: ([deleted(n) for n in ids], ())),
])
@pytest.mark.parametrize(("linked", "deletions", "held"), [
    (200, 11, False),  # a few deletions in a big calendar: never held
    (20, 10, False),  # half, but not more than 10
    (20, 11, True),
    (30, 15, False),  # more than 10 but exactly half
    (30, 16, True),
    (10, 10, False),  # everything, but only 10 events
])
def test_a_side_is_held_only_past_both_limits(side, changes, linked, deletions, held):
    links = [link(n) for n in range(1, linked + 1)]
    local, remote = changes(range(1, deletions + 1))
    verdict = guard.check(planned(links, local, remote), links)
    assert bool(verdict.held) is held
    if held:
        assert (verdict.side, verdict.deletions, verdict.linked) == (side, deletions, linked)
        assert len(verdict.held) == deletions
        assert not any(isinstance(a, (DeleteLocal, DeleteRemote)) for a in verdict.allowed)
    else:
        assert len(verdict.allowed) == deletions


def test_a_series_counts_once_on_both_sides_of_the_ratio():
    """Deleting one weekly series of 30 occurrences, among 5 events, is one deletion."""
    links = [link(n) for n in range(1, 5)] + [link(100)]
    links += [link(n, master="R100") for n in range(101, 131)]
    remote = [removed(100)] + [removed(n) for n in range(101, 131)]
    verdict = guard.check(planned(links, remote=remote), links)
    assert not verdict.held
    assert verdict.linked == 5


def test_the_rest_of_the_plan_goes_on_while_a_wipe_is_held():
    links = [link(n) for n in range(1, 31)]
    remote = [removed(n) for n in range(1, 21)]
    remote.append(RemoteState("R25", "hR", "ck2", NOON))  # an edit in Outlook
    verdict = guard.check(planned(links, remote=remote), links)
    assert verdict.side == "odoo" and len(verdict.held) == 20
    assert [a.kind for a in verdict.allowed] == ["update_local"]


def test_a_confirmed_wipe_is_carried_out():
    links = [link(n) for n in range(1, 21)]
    verdict = guard.check(planned(links, [deleted(n) for n in range(1, 21)]), links,
                          confirmed=True)
    assert not verdict.held and len(verdict.allowed) == 20


def test_an_empty_complete_listing_holds_even_a_small_calendar():
    links = [link(1), link(2)]
    verdict = guard.check(planned(links, remote=[removed(1), removed(2)]), links,
                          listed_nothing=True)
    assert verdict.side == "odoo" and len(verdict.held) == 2
    assert verdict.reason % {"linked": 2} == (
        "Outlook listed no event at all while 2 events are linked.")


def test_nothing_linked_nothing_to_guard():
    verdict = guard.check(planned([], [LocalState(1, "h", NOON)]), [], listed_nothing=True)
    assert not verdict.held and len(verdict.allowed) == 1


def test_the_limits_are_settable():
    links = [link(n) for n in range(1, 5)]
    verdict = guard.check(planned(links, remote=[removed(1), removed(2)]), links,
                          min_deletions=1, max_ratio=0.25)
    assert verdict.side == "odoo"
