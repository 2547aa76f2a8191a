"""Every combination of an Odoo change and an Outlook change, in every direction and policy.

The scenario: Odoo event 1 is linked to Outlook event R1 (changeKey ck1, synced hash h0),
except when the Odoo change is "new" (then event 1 has no link and R1 is an Outlook event
we never linked). A second linked pair, 9 <-> R9, never changes and must never show up.
Under "most recent", the Outlook edit (11:00) is newer than the Odoo edit (10:00).
"""

import itertools
from datetime import UTC, datetime

import pytest

from engine.planner import (
    ConflictPolicy,
    CreateLocal,
    CreateRemote,
    Direction,
    LinkExisting,
    RecordConflict,
    RefreshLink,
    UpdateLocal,
    plan,
)
from engine.sync_state import Link, LocalState, RemoteState

ODOO_TIME = datetime(2024, 5, 6, 10, 0, tzinfo=UTC)
OUTLOOK_TIME = datetime(2024, 5, 6, 11, 0, tzinfo=UTC)

LINK = Link(local_id=1, remote_id="R1", ical_uid="uid-1", change_key="ck1", synced_hash="h0")
BYSTANDER = Link(local_id=9, remote_id="R9", ical_uid="uid-9", change_key="ck9", synced_hash="h9")
BYSTANDER_LISTED = RemoteState("R9", "h9", "ck9", OUTLOOK_TIME, ical_uid="uid-9")

LOCAL_CHANGES = {
    "none": None,
    "new": LocalState(1, "hL", ODOO_TIME),
    "edited": LocalState(1, "hL", ODOO_TIME, ical_uid="uid-1"),
    "deleted": LocalState(1, None, ODOO_TIME, deleted=True, ical_uid="uid-1"),
}
REMOTE_CHANGES = {
    "none": None,
    "new": RemoteState("R2", "hN", "ckN", OUTLOOK_TIME, ical_uid="uid-2"),
    "edited": RemoteState("R1", "hR", "ck2", OUTLOOK_TIME, ical_uid="uid-1"),
    # Edited in Outlook to exactly what Odoo now holds (hL).
    "edited_equal": RemoteState("R1", "hL", "ck2", OUTLOOK_TIME, ical_uid="uid-1"),
    # changeKey moved, values as last synced: our own write echoed back.
    "changekey_only": RemoteState("R1", "h0", "ck2", OUTLOOK_TIME, ical_uid="uid-1"),
    "removed": RemoteState("R1", None, None, None, removed=True),
    # Full listings (first sync, resync after 410): R9 is listed unchanged. The run turns
    # a linked event missing from a complete listing into an explicit removal.
    "missing_on_full_pass": RemoteState("R1", None, None, None, removed=True),
    "unchanged_on_full_pass": RemoteState("R1", "h0", "ck1", ODOO_TIME, ical_uid="uid-1"),
}

UPDATE_REMOTE = "UpdateRemote 1:R1"
UPDATE_LOCAL = "UpdateLocal 1:R1"
DELETE_REMOTE = "DeleteRemote 1:R1"
DELETE_LOCAL = "DeleteLocal 1:R1"
UNLINK = "Unlink 1:R1"
RECREATE_IN_OUTLOOK = [UNLINK, "CreateRemote 1"]
RECREATE_IN_ODOO = ["RestoreLocal 1:R1"]
ECHO = "RefreshLink 1:R1 ck2 h0"
SAME_NEW_VALUES = "RefreshLink 1:R1 ck2 hL"
PUSH_NEW = "CreateRemote 1"
PULL_R1 = "CreateLocal R1"
PULL_R2 = "CreateLocal R2"


def conflict(winner, *then):
    return [f"RecordConflict 1:R1 {winner} wins", *then]


def by_policy(odoo, outlook, recent):
    return {
        ConflictPolicy.ODOO_WINS: odoo,
        ConflictPolicy.OUTLOOK_WINS: outlook,
        ConflictPolicy.MOST_RECENT: recent,
    }


EDIT_VS_EDIT = by_policy(
    odoo=conflict("odoo", UPDATE_REMOTE),
    outlook=conflict("outlook", UPDATE_LOCAL),
    recent=conflict("outlook", UPDATE_LOCAL),
)
ODOO_EDIT_VS_OUTLOOK_REMOVAL = by_policy(
    odoo=conflict("odoo", *RECREATE_IN_OUTLOOK),
    outlook=conflict("outlook", DELETE_LOCAL),
    recent=conflict("odoo", *RECREATE_IN_OUTLOOK),  # the edit wins
)
ODOO_DELETION_VS_OUTLOOK_EDIT = by_policy(
    odoo=conflict("odoo", DELETE_REMOTE),
    outlook=conflict("outlook", *RECREATE_IN_ODOO),
    recent=conflict("outlook", *RECREATE_IN_ODOO),  # the edit wins
)

BOTH = {
    "none": {
        "none": [],
        "new": [PULL_R2],
        "edited": [UPDATE_LOCAL],
        "edited_equal": [UPDATE_LOCAL],
        "changekey_only": [ECHO],
        "removed": [DELETE_LOCAL],
        "missing_on_full_pass": [DELETE_LOCAL],
        "unchanged_on_full_pass": [],
    },
    "new": {
        "none": [PUSH_NEW],
        "new": [PUSH_NEW, PULL_R2],
        "edited": [PUSH_NEW, PULL_R1],
        "edited_equal": [PUSH_NEW, PULL_R1],
        "changekey_only": [PUSH_NEW, PULL_R1],
        "removed": [PUSH_NEW],
        "missing_on_full_pass": [PUSH_NEW],
        "unchanged_on_full_pass": [PUSH_NEW, PULL_R1],
    },
    "edited": {
        "none": [UPDATE_REMOTE],
        "new": [UPDATE_REMOTE, PULL_R2],
        "edited": EDIT_VS_EDIT,
        "edited_equal": [SAME_NEW_VALUES],
        "changekey_only": [UPDATE_REMOTE],
        "removed": ODOO_EDIT_VS_OUTLOOK_REMOVAL,
        "missing_on_full_pass": ODOO_EDIT_VS_OUTLOOK_REMOVAL,
        "unchanged_on_full_pass": [UPDATE_REMOTE],
    },
    "deleted": {
        "none": [DELETE_REMOTE],
        "new": [DELETE_REMOTE, PULL_R2],
        "edited": ODOO_DELETION_VS_OUTLOOK_EDIT,
        "edited_equal": ODOO_DELETION_VS_OUTLOOK_EDIT,
        "changekey_only": [DELETE_REMOTE],
        "removed": [UNLINK],
        "missing_on_full_pass": [UNLINK],
        "unchanged_on_full_pass": [DELETE_REMOTE],
    },
}

# Odoo is the source: Odoo is never written, Odoo wins every conflict.
TO_OUTLOOK = {
    "none": {
        "none": [],
        "new": [],
        "edited": [],  # left alone until Odoo changes again
        "edited_equal": [],
        "changekey_only": [ECHO],
        "removed": RECREATE_IN_OUTLOOK,
        "missing_on_full_pass": RECREATE_IN_OUTLOOK,
        "unchanged_on_full_pass": [],
    },
    "new": {
        "none": [PUSH_NEW],
        "new": [PUSH_NEW],
        "edited": [PUSH_NEW],
        "edited_equal": [PUSH_NEW],
        "changekey_only": [PUSH_NEW],
        "removed": [PUSH_NEW],
        "missing_on_full_pass": [PUSH_NEW],
        "unchanged_on_full_pass": [PUSH_NEW],
    },
    "edited": {
        "none": [UPDATE_REMOTE],
        "new": [UPDATE_REMOTE],
        "edited": conflict("odoo", UPDATE_REMOTE),
        "edited_equal": [SAME_NEW_VALUES],
        "changekey_only": [UPDATE_REMOTE],
        "removed": conflict("odoo", *RECREATE_IN_OUTLOOK),
        "missing_on_full_pass": conflict("odoo", *RECREATE_IN_OUTLOOK),
        "unchanged_on_full_pass": [UPDATE_REMOTE],
    },
    "deleted": {
        "none": [DELETE_REMOTE],
        "new": [DELETE_REMOTE],
        "edited": conflict("odoo", DELETE_REMOTE),
        "edited_equal": conflict("odoo", DELETE_REMOTE),
        "changekey_only": [DELETE_REMOTE],
        "removed": [UNLINK],
        "missing_on_full_pass": [UNLINK],
        "unchanged_on_full_pass": [DELETE_REMOTE],
    },
}

# Outlook is the source: Outlook is never written, Outlook wins every conflict.
TO_ODOO = {
    "none": {
        "none": [],
        "new": [PULL_R2],
        "edited": [UPDATE_LOCAL],
        "edited_equal": [UPDATE_LOCAL],
        "changekey_only": [ECHO],
        "removed": [DELETE_LOCAL],
        "missing_on_full_pass": [DELETE_LOCAL],
        "unchanged_on_full_pass": [],
    },
    "new": {
        "none": [],
        "new": [PULL_R2],
        "edited": [PULL_R1],
        "edited_equal": [PULL_R1],
        "changekey_only": [PULL_R1],
        "removed": [],
        "missing_on_full_pass": [],
        "unchanged_on_full_pass": [PULL_R1],
    },
    "edited": {
        "none": [],  # left alone until Outlook changes again
        "new": [PULL_R2],
        "edited": conflict("outlook", UPDATE_LOCAL),
        "edited_equal": [SAME_NEW_VALUES],
        "changekey_only": [ECHO],
        "removed": conflict("outlook", DELETE_LOCAL),
        "missing_on_full_pass": conflict("outlook", DELETE_LOCAL),
        "unchanged_on_full_pass": [],
    },
    "deleted": {
        "none": RECREATE_IN_ODOO,
        "new": [*RECREATE_IN_ODOO, PULL_R2],
        "edited": conflict("outlook", *RECREATE_IN_ODOO),
        "edited_equal": conflict("outlook", *RECREATE_IN_ODOO),
        "changekey_only": RECREATE_IN_ODOO,
        "removed": [UNLINK],
        "missing_on_full_pass": [UNLINK],
        "unchanged_on_full_pass": RECREATE_IN_ODOO,
    },
}

EXPECTED = {Direction.BOTH: BOTH, Direction.TO_OUTLOOK: TO_OUTLOOK, Direction.TO_ODOO: TO_ODOO}


def describe(action):
    """A short, readable rendering of one action with every field that matters."""
    name = type(action).__name__
    if isinstance(action, CreateRemote):
        return f"{name} {action.local_id}"
    if isinstance(action, CreateLocal):
        return f"{name} {action.remote_id}"
    if isinstance(action, LinkExisting):
        return f"{name} {action.local_id}:{action.remote_id}"
    pair = f"{action.link.local_id}:{action.link.remote_id}"
    if isinstance(action, UpdateLocal):
        return f"{name} {action.link.local_id}:{action.remote_id}"
    if isinstance(action, RefreshLink):
        return f"{name} {pair} {action.change_key} {action.synced_hash}"
    if isinstance(action, RecordConflict):
        return f"{name} {pair} {action.winner} wins"
    return f"{name} {pair}"


def plan_scenario(local_change, remote_change, direction, policy):
    full_pass = remote_change.endswith("_on_full_pass")
    links = [BYSTANDER] if local_change == "new" else [LINK, BYSTANDER]
    local = [LOCAL_CHANGES[local_change]] if LOCAL_CHANGES[local_change] else []
    remote = [REMOTE_CHANGES[remote_change]] if REMOTE_CHANGES[remote_change] else []
    if full_pass:
        remote.append(BYSTANDER_LISTED)
    result = plan(links, local, remote, direction=direction, policy=policy)
    return [describe(action) for action in result]


def expected_actions(local_change, remote_change, direction, policy):
    cell = EXPECTED[direction][local_change][remote_change]
    return cell[policy] if isinstance(cell, dict) else cell


@pytest.mark.parametrize(
    ("local_change", "remote_change", "direction", "policy"),
    list(itertools.product(LOCAL_CHANGES, REMOTE_CHANGES, Direction, ConflictPolicy)),
    ids=lambda value: getattr(value, "name", value),
)
def test_every_combination_plans_exactly_the_expected_actions(
    local_change, remote_change, direction, policy
):
    assert plan_scenario(local_change, remote_change, direction, policy) == expected_actions(
        local_change, remote_change, direction, policy
    )
