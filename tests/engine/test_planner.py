"""The sync planner beyond the combination table: conflict timing, iCalUId matching,
series instances, ordering and counts."""

import random
from datetime import UTC, datetime, timedelta

import pytest

from engine.ownership import Meeting
from engine.planner import (
    ACTION_KINDS,
    ConflictPolicy,
    CreateLocal,
    CreateRemote,
    DeleteLocal,
    DeleteRemote,
    Direction,
    LinkExisting,
    RecordConflict,
    RefreshLink,
    RestoreLocal,
    Unlink,
    UpdateLocal,
    UpdateRemote,
    plan,
)
from engine.sync_state import Link, LocalState, RemoteState

NOON = datetime(2024, 5, 6, 12, 0, tzinfo=UTC)
BOTH = Direction.BOTH
RECENT = ConflictPolicy.MOST_RECENT


def link(n, synced_hash="h0"):
    return Link(
        local_id=n,
        remote_id=f"R{n}",
        ical_uid=f"uid-{n}",
        change_key="ck1",
        synced_hash=synced_hash,
    )


def odoo_edit(n, at=NOON, values_hash="hL"):
    return LocalState(n, values_hash, at, ical_uid=f"uid-{n}")


def odoo_deletion(n, at=NOON):
    return LocalState(n, None, at, deleted=True, ical_uid=f"uid-{n}")


def outlook_edit(n, at=NOON, values_hash="hR"):
    return RemoteState(f"R{n}", values_hash, "ck2", at, ical_uid=f"uid-{n}")


def outlook_removal(n):
    return RemoteState(f"R{n}", None, None, None, removed=True)


def outlook_new(remote_id, ical_uid, values_hash="hN"):
    return RemoteState(remote_id, values_hash, "ck1", NOON, ical_uid=ical_uid)


def kinds(result):
    return [type(action).__name__ for action in result]


# --- Most recent edit wins ------------------------------------------------------------


def conflict_of(result):
    conflicts = [action for action in result if isinstance(action, RecordConflict)]
    assert len(conflicts) == 1
    return conflicts[0]


def test_most_recent_keeps_the_odoo_edit_when_it_is_newer():
    result = plan(
        [link(1)],
        [odoo_edit(1, at=NOON)],
        [outlook_edit(1, at=NOON - timedelta(1))],
        direction=BOTH,
        policy=RECENT,
    )
    assert kinds(result) == ["RecordConflict", "UpdateRemote"]
    assert conflict_of(result).winner == "odoo"


def test_most_recent_keeps_the_outlook_edit_when_it_is_newer_by_one_second():
    result = plan(
        [link(1)],
        [odoo_edit(1, at=NOON)],
        [outlook_edit(1, at=NOON + timedelta(seconds=1))],
        direction=BOTH,
        policy=RECENT,
    )
    assert kinds(result) == ["RecordConflict", "UpdateLocal"]
    assert conflict_of(result).winner == "outlook"


def test_most_recent_gives_a_tie_to_odoo():
    result = plan(
        [link(1)],
        [odoo_edit(1, at=NOON)],
        [outlook_edit(1, at=NOON)],
        direction=BOTH,
        policy=RECENT,
    )
    assert kinds(result) == ["RecordConflict", "UpdateRemote"]
    assert "tie" in conflict_of(result).reason.render()


def test_most_recent_gives_odoo_the_win_when_outlook_time_is_unknown():
    result = plan(
        [link(1)], [odoo_edit(1)], [outlook_edit(1, at=None)], direction=BOTH, policy=RECENT
    )
    assert kinds(result) == ["RecordConflict", "UpdateRemote"]


def test_a_newer_odoo_deletion_does_not_destroy_an_older_outlook_edit():
    result = plan(
        [link(1)],
        [odoo_deletion(1, at=NOON)],
        [outlook_edit(1, at=NOON - timedelta(hours=1))],
        direction=BOTH,
        policy=RECENT,
    )
    assert result.actions == (
        RecordConflict(link(1), "outlook", conflict_of(result).reason),
        RestoreLocal(link(1)),
    )
    assert "Deleted in Odoo but edited in Outlook" in conflict_of(result).reason.render()


def test_an_odoo_edit_survives_its_removal_in_outlook_under_most_recent():
    result = plan([link(1)], [odoo_edit(1)], [outlook_removal(1)], direction=BOTH, policy=RECENT)
    assert result.actions[1:] == (Unlink(link(1)), CreateRemote(1))
    assert "Edited in Odoo but deleted in Outlook" in conflict_of(result).reason.render()


def test_conflict_reason_names_the_policy_that_decided():
    result = plan(
        [link(1)],
        [odoo_edit(1)],
        [outlook_edit(1)],
        direction=BOTH,
        policy=ConflictPolicy.OUTLOOK_WINS,
    )
    assert conflict_of(result).reason.render() == (
        "Edited in both Odoo and Outlook; the conflict policy says Outlook wins."
    )


def test_update_and_refresh_carry_what_the_odoo_layer_must_store():
    result = plan(
        [link(1), link(2)],
        [odoo_edit(1, values_hash="hX")],
        [outlook_edit(1, values_hash="hX"), outlook_edit(2, values_hash="h0")],
        direction=BOTH,
        policy=RECENT,
    )
    assert result.actions == (
        RefreshLink(link(1), change_key="ck2", synced_hash="hX"),
        RefreshLink(link(2), change_key="ck2", synced_hash="h0"),
    )


def test_settings_values_are_accepted_as_plain_strings():
    result = plan([link(1)], [], [outlook_edit(1)], direction="odoo_to_outlook", policy="outlook")
    assert result.actions == ()


# --- iCalUId matching (who organizes: engine.ownership) --------------------------------

ALICE, BOB = "alice@contoso.example", "bob@contoso.example"


def invitation(remote_id, ical_uid, organizer=ALICE, attends=True):
    """An invitee's copy: this mailbox does not organize it."""
    return RemoteState(remote_id, "hN", "ck1", NOON, ical_uid=ical_uid, is_organizer=False,
                       organizer_email=organizer, attends=attends)


def own_copy(remote_id, ical_uid):
    return RemoteState(remote_id, "hN", "ck1", NOON, ical_uid=ical_uid,
                       organizer_email=ALICE)


def alices_meeting(driven=True):
    return {"meeting-uid": [Meeting(100, ALICE, driven=driven,
                                    owner_mailbox=ALICE if driven else "")]}


def test_two_users_invited_to_one_meeting_get_one_odoo_event():
    # Bob syncs first: the meeting is new to Odoo, his copy relays its organizer's changes.
    bob = plan([], [], [invitation("bob-copy", "meeting-uid")], direction=BOTH,
               policy=RECENT, mailbox=BOB)
    assert bob.actions == (CreateLocal("bob-copy", "relay"),)
    # Carol's copy carries the same iCalUId and the same organizer: the same Odoo event.
    carol = plan([], [], [invitation("carol-copy", "meeting-uid")], direction=BOTH,
                 policy=RECENT, meetings=alices_meeting(driven=True), mailbox="carol@x.example")
    assert carol.actions == (LinkExisting(100, "carol-copy", "attendee"),)


def test_the_organizers_own_mailbox_takes_its_meeting_over():
    result = plan([], [], [own_copy("alice-copy", "meeting-uid")], direction=BOTH,
                  policy=RECENT, meetings=alices_meeting(driven=False), mailbox=ALICE)
    assert result.actions == (LinkExisting(100, "alice-copy", "organizer"),)


def test_a_copy_naming_another_organizer_is_a_separate_event():
    result = plan([], [], [invitation("R5", "meeting-uid", organizer="mallory@evil.example")],
                  direction=BOTH, policy=RECENT, meetings=alices_meeting(), mailbox=BOB)
    assert result.actions == (CreateLocal("R5", "relay"),)


def test_a_forwarded_copy_is_never_matched_to_the_meeting():
    result = plan([], [], [invitation("R6", "meeting-uid", attends=False)], direction=BOTH,
                  policy=RECENT, meetings=alices_meeting(), mailbox=BOB)
    assert result.actions == (CreateLocal("R6", "copy"),)


def test_a_mailbox_claiming_to_organize_someone_elses_meeting_gets_its_own_event():
    result = plan([], [], [own_copy("R7", "meeting-uid")], direction=BOTH, policy=RECENT,
                  meetings=alices_meeting(), mailbox=BOB)
    assert result.actions == (CreateLocal("R7", "organizer"),)


def test_a_new_odoo_event_and_its_new_outlook_copy_are_linked_not_duplicated():
    odoo_event = LocalState(7, "hL", NOON, ical_uid="shared-uid")
    result = plan([], [odoo_event], [own_copy("R7", "shared-uid")], direction=BOTH,
                  policy=RECENT, mailbox=ALICE)
    assert result.actions == (LinkExisting(7, "R7"),)


def test_known_copies_are_linked_even_when_only_odoo_changes_go_to_outlook():
    odoo_event = LocalState(7, "hL", NOON, ical_uid="shared-uid")
    result = plan([], [odoo_event], [own_copy("R7", "shared-uid")],
                  direction=Direction.TO_OUTLOOK, policy=RECENT, mailbox=ALICE)
    assert result.actions == (LinkExisting(7, "R7"),)


def test_an_outlook_item_with_an_unknown_ical_uid_is_created_in_odoo():
    result = plan([], [], [own_copy("R5", "other-uid")], direction=BOTH, policy=RECENT,
                  meetings=alices_meeting(), mailbox=ALICE)
    assert result.actions == (CreateLocal("R5"),)


def test_an_odoo_event_already_linked_for_this_user_is_not_linked_twice():
    result = plan([link(100)], [], [invitation("R-other", "meeting-uid")], direction=BOTH,
                  policy=RECENT, meetings=alices_meeting(), mailbox=BOB)
    assert not any(isinstance(action, LinkExisting) for action in result)


def test_a_removed_outlook_item_is_never_matched_or_created():
    removed = RemoteState("R5", None, None, None, removed=True, ical_uid="meeting-uid")
    result = plan([], [], [removed], direction=BOTH, policy=RECENT, meetings=alices_meeting(),
                  mailbox=BOB)
    assert result.actions == ()


# --- What an invitee's copy may change -----------------------------------------------------


def role_link(role, n=1):
    return Link(n, f"R{n}", f"uid-{n}", "ck1", "h0", role=role)


@pytest.mark.parametrize(("role", "edited", "removed", "cancelled"), [
    ("attendee", ["UpdateAnswer"], ["DeclineLocal"], ["DeclineLocal"]),
    ("relay", ["UpdateLocal"], ["DeclineLocal"], ["DeleteLocal"]),
    ("copy", ["UpdateLocal"], ["DeleteLocal"], ["DeleteLocal"]),
])
def test_what_a_copy_odoo_never_writes_to_brings_in(role, edited, removed, cancelled):
    def actions(remote):
        return kinds(plan([role_link(role)], [odoo_edit(1)], [remote], direction=BOTH,
                          policy=ConflictPolicy.ODOO_WINS))

    assert actions(outlook_edit(1)) == edited
    assert actions(outlook_removal(1)) == removed
    assert actions(RemoteState("R1", None, None, None, removed=True, cancelled=True)) == cancelled


@pytest.mark.parametrize("role", ["attendee", "relay", "copy"])
def test_odoo_changes_never_go_through_a_mailbox_that_does_not_organize(role):
    for local in (odoo_edit(1), odoo_deletion(1)):
        assert plan([role_link(role)], [local], [], direction=BOTH, policy=RECENT).actions == ()


def test_an_empty_delta_is_not_an_empty_calendar():
    result = plan([link(1), link(2)], [], [], direction=BOTH, policy=RECENT)
    assert result.actions == ()


def test_a_new_outlook_occurrence_is_left_to_the_series_pairing():
    """An instance of a series is never created as an event of its own."""
    exception = RemoteState("I1", "hX", "ck1", NOON, kind="exception", series_master_id="M")
    assert plan([], [], [exception], direction=BOTH, policy=RECENT).actions == ()


def test_an_odoo_deletion_overruled_by_an_outlook_edit_restores_the_same_event():
    result = plan([link(1)], [odoo_deletion(1)], [outlook_edit(1)], direction=BOTH,
                  policy=ConflictPolicy.OUTLOOK_WINS)
    assert kinds(result) == ["RecordConflict", "RestoreLocal"]


# --- Ordering, counts, input checks ---------------------------------------------------


def mixed_inputs():
    links = [link(n) for n in (3, 1, 5, 4)]
    local = [LocalState(8, "hL", NOON), odoo_edit(1), odoo_deletion(3), LocalState(2, "hL", NOON)]
    remote = [
        outlook_new("Rb", "uid-b"),
        outlook_edit(4),
        outlook_removal(5),
        outlook_new("Ra", "uid-a"),
    ]
    return links, local, remote


def test_plan_is_ordered_by_odoo_id_then_new_outlook_id():
    links, local, remote = mixed_inputs()
    result = plan(links, local, remote, direction=BOTH, policy=RECENT)
    assert result.actions == (
        UpdateRemote(link(1)),
        CreateRemote(2),
        DeleteRemote(link(3)),
        UpdateLocal(link(4), "R4"),
        DeleteLocal(link(5)),
        CreateRemote(8),
        CreateLocal("Ra"),
        CreateLocal("Rb"),
    )


def test_plan_does_not_depend_on_input_order():
    links, local, remote = mixed_inputs()
    expected = plan(links, local, remote, direction=BOTH, policy=RECENT)
    shuffler = random.Random(4)
    for _ in range(20):
        shuffler.shuffle(links)
        shuffler.shuffle(local)
        shuffler.shuffle(remote)
        assert plan(links, local, remote, direction=BOTH, policy=RECENT) == expected


def test_counts_give_every_kind_for_the_history():
    links, local, remote = mixed_inputs()
    local.append(odoo_edit(6))
    links.append(link(6))
    remote.append(outlook_edit(6))
    counts = plan(links, local, remote, direction=BOTH, policy=RECENT).counts()
    assert counts == {
        "create_remote": 2,
        "create_local": 2,
        "update_remote": 2,
        "update_local": 1,
        "delete_remote": 1,
        "delete_local": 1,
        "restore_local": 0,
        "link_existing": 0,
        "update_answer": 0,
        "decline_local": 0,
        "refresh_link": 0,
        "unlink": 0,
        "record_conflict": 1,
    }
    assert list(counts) == list(ACTION_KINDS)


def test_an_event_given_twice_is_refused():
    with pytest.raises(ValueError, match="given twice"):
        plan([link(1)], [odoo_edit(1), odoo_edit(1)], [], direction=BOTH, policy=RECENT)
