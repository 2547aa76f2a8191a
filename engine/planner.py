"""The three-way sync planner: decides what one sync run does, without doing any of it.

``plan()`` compares, for every event, what was remembered at the last sync (a ``Link``)
with what Odoo and Outlook show now (``LocalState`` / ``RemoteState``) and returns a
``Plan``: an ordered list of small actions the Odoo layer carries out. Events that
appear in neither list did not change and produce nothing. No I/O happens here.

Change detection
----------------
- Odoo changed: deleted/archived, or its values hash differs from ``link.synced_hash``.
- Outlook changed: the changeKey differs from ``link.change_key`` AND the values hash
  differs from ``link.synced_hash``. A changeKey bump with the synced values ("echo": our
  own write coming back, an answer we already hold) is no change: the link only records
  the new changeKey (RefreshLink).
- Removed in Outlook: an explicit ``removed`` state ("@removed", cancelled, or missing
  from a complete listing: ``engine.inbound`` and ``engine.series`` decide that). An event
  that is simply absent from the states is unchanged: absence is never a deletion.

Linked events, direction BOTH (rows: Odoo; columns: Outlook)
-------------------------------------------------------------
                  | unchanged    | echo         | edited       | removed
  Odoo unchanged  | -            | RefreshLink  | UpdateLocal  | DeleteLocal
  Odoo edited     | UpdateRemote | UpdateRemote | conflict (a) | conflict (b)
  Odoo deleted    | DeleteRemote | DeleteRemote | conflict (c) | Unlink

(a) Both now hold the same values: RefreshLink, no conflict. Otherwise the policy picks
    the winner: Odoo wins -> UpdateRemote; Outlook wins -> UpdateLocal; most recent ->
    compares ``modified_at``; a tie, or an Outlook time that is unknown, goes to Odoo.
(b) Odoo wins or most recent -> Unlink + CreateRemote (the edited event is recreated in
    Outlook); Outlook wins -> DeleteLocal.
(c) Odoo wins -> DeleteRemote; Outlook wins or most recent -> RestoreLocal.
Under "most recent" an edit always beats a deletion: Graph gives no time for a removal,
and an overruled deletion can simply be done again while a lost edit is gone for good.
A fixed policy (Odoo wins / Outlook wins) is applied as chosen, deletions included.
Every conflict puts ``RecordConflict(winner, reason)`` just before the winning actions, so
the sync history shows whose change was overwritten.

One-way directions (the source side always wins; the policy is not used)
-------------------------------------------------------------------------
"X wins" is a conflict: RecordConflict, then the same actions as in BOTH.
TO_OUTLOOK never writes Odoo:
  Odoo unchanged  | -            | RefreshLink  | - (left)     | Unlink + CreateRemote
  Odoo edited     | UpdateRemote | UpdateRemote | Odoo wins    | Odoo wins: Unlink + CreateRemote
  Odoo deleted    | DeleteRemote | DeleteRemote | Odoo wins    | Unlink
TO_ODOO never writes Outlook:
  Odoo unchanged  | -                    | RefreshLink | UpdateLocal  | DeleteLocal
  Odoo edited     | - (left)             | RefreshLink | Outlook wins | Outlook wins: DeleteLocal
  Odoo deleted    | RestoreLocal         | (same)      | Outlook wins: RestoreLocal | Unlink
An edit made on the target side is left alone: the next change from the source side
overwrites it, and no extra write (nor Outlook mail) is made for it. A deletion on the
target side is restored from the source: otherwise the link would point at nothing and
later changes from the source would go nowhere. RestoreLocal brings the same Odoo event
back (unarchived, with Outlook's values); Unlink + CreateRemote makes a new Outlook event,
since Outlook cannot bring a deleted one back.

Events without a link
---------------------
  new in Odoo                          -> CreateRemote (nothing under TO_ODOO)
  new in Outlook, made by this account -> LinkExisting (its transactionId is a queued
                                          creation's: the answer to it was lost)
  new in Outlook, its iCalUId known    -> LinkExisting (any direction: it only adds a link)
  new in Outlook, iCalUId unknown      -> CreateLocal (nothing under TO_OUTLOOK)
  new occurrence or exception          -> nothing: ``engine.series`` pairs it with Odoo's
                                          occurrence of the same original start
  deleted in Odoo / removed in Outlook -> nothing
iCalUIds are known from ``local_by_ical_uid`` (e.g. an Odoo event another user already
synced) and from the new Odoo events in ``local``. An Odoo event this user has already
linked is never linked a second time.

Order
-----
Actions are grouped per event, events ordered by Odoo id, then new Outlook events by
Outlook id, so plans and logs are stable. Whether the plan's deletions may all be carried
out is ``engine.guard``'s question, asked over the whole account.
"""

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import ClassVar, Literal

from . import ownership
from .i18n import Text, _lt
from .ownership import ORGANIZER, Meeting
from .sync_state import Link, LocalState, RemoteState

Winner = Literal["odoo", "outlook"]
ODOO: Winner = "odoo"
OUTLOOK: Winner = "outlook"


class Direction(StrEnum):
    BOTH = "both"
    TO_OUTLOOK = "odoo_to_outlook"
    TO_ODOO = "outlook_to_odoo"


class ConflictPolicy(StrEnum):
    ODOO_WINS = "odoo"
    OUTLOOK_WINS = "outlook"
    MOST_RECENT = "recent"


# --- Actions: what the Odoo layer must do, one small record each ---------------------


@dataclass(frozen=True)
class Action:
    kind: ClassVar[str]


@dataclass(frozen=True)
class CreateRemote(Action):
    """Create the Odoo event in Outlook, then link both."""

    kind = "create_remote"
    local_id: int


@dataclass(frozen=True)
class CreateLocal(Action):
    """Create an Odoo event from the Outlook event, then link both (``role``: what this
    mailbox's copy is to the meeting, see engine.ownership)."""

    kind = "create_local"
    remote_id: str
    role: str = ORGANIZER


@dataclass(frozen=True)
class UpdateRemote(Action):
    """Write the Odoo event's values to Outlook; store the new changeKey and hash."""

    kind = "update_remote"
    link: Link


@dataclass(frozen=True)
class UpdateLocal(Action):
    """Write the Outlook event's values to Odoo; store the new changeKey and hash."""

    kind = "update_local"
    link: Link
    remote_id: str


@dataclass(frozen=True)
class DeleteRemote(Action):
    """Delete the Outlook event, then drop the link."""

    kind = "delete_remote"
    link: Link


@dataclass(frozen=True)
class DeleteLocal(Action):
    """Delete (archive) the Odoo event, then drop the link."""

    kind = "delete_local"
    link: Link


@dataclass(frozen=True)
class RestoreLocal(Action):
    """Bring the Odoo event back (unarchive it) with the Outlook event's values; the link
    stays. Created anew when the Odoo event no longer exists at all."""

    kind = "restore_local"
    link: Link


@dataclass(frozen=True)
class LinkExisting(Action):
    """A new Outlook event is a copy of this Odoo event (same iCalUId): link, create
    nothing, and make sure this mailbox's user attends it. The link stores the Outlook
    event's changeKey and values hash."""

    kind = "link_existing"
    local_id: int
    remote_id: str
    role: str = ORGANIZER


@dataclass(frozen=True)
class UpdateAnswer(Action):
    """An invitee's copy changed: bring only this invitee's answer into Odoo."""

    kind = "update_answer"
    link: Link
    remote_id: str


@dataclass(frozen=True)
class DeclineLocal(Action):
    """An invitee deleted or declined their copy: they decline in Odoo; the meeting stays."""

    kind = "decline_local"
    link: Link


@dataclass(frozen=True)
class RefreshLink(Action):
    """Both sides already agree: only remember the new changeKey and hash."""

    kind = "refresh_link"
    link: Link
    change_key: str | None
    synced_hash: str


@dataclass(frozen=True)
class Unlink(Action):
    """Forget the link; both events stay as they are."""

    kind = "unlink"
    link: Link


@dataclass(frozen=True)
class RecordConflict(Action):
    """Both sides changed: note in the sync history which side won and why."""

    kind = "record_conflict"
    link: Link
    winner: Winner
    reason: Text


ACTION_KINDS = tuple(
    action.kind
    for action in (
        CreateRemote,
        CreateLocal,
        UpdateRemote,
        UpdateLocal,
        DeleteRemote,
        DeleteLocal,
        RestoreLocal,
        LinkExisting,
        UpdateAnswer,
        DeclineLocal,
        RefreshLink,
        Unlink,
        RecordConflict,
    )
)


@dataclass(frozen=True)
class Plan:
    actions: tuple[Action, ...] = ()

    def __iter__(self) -> Iterator[Action]:
        return iter(self.actions)

    def __len__(self) -> int:
        return len(self.actions)

    def counts(self) -> dict[str, int]:
        """Number of actions of every kind (zeros included, for a stable history)."""
        counts = dict.fromkeys(ACTION_KINDS, 0)
        for action in self.actions:
            counts[action.kind] += 1
        return counts


# --- Deciding ---------------------------------------------------------------------------


class _Change(Enum):
    NONE = "unchanged"
    EDITED = "edited"
    GONE = "deleted"  # deleted/archived in Odoo, removed in Outlook
    ECHO = "echo"  # Outlook only: changeKey moved, values as last synced


@dataclass(frozen=True)
class _Rules:
    direction: Direction
    policy: ConflictPolicy
    mailbox: str = ""


_NO_MEETINGS: Mapping[str, Sequence[Meeting]] = MappingProxyType({})


def plan(
    links: Iterable[Link],
    local: Iterable[LocalState],
    remote: Iterable[RemoteState],
    *,
    direction: Direction,
    policy: ConflictPolicy,
    meetings: Mapping[str, Sequence[Meeting]] = _NO_MEETINGS,
    mailbox: str = "",
) -> Plan:
    """Decide one sync run; see the module docstring for every decision."""
    links_by_local = _index(links, "local_id", "Linked Odoo event")
    links_by_remote = _index(links_by_local.values(), "remote_id", "Linked Outlook event")
    local_by_id = _index(local, "local_id", "Odoo event")
    remote_by_id = _index(remote, "remote_id", "Outlook event")
    rules = _Rules(Direction(direction), ConflictPolicy(policy), mailbox.lower())

    # (sort key, actions) per event; sorted so the plan does not depend on input order.
    per_event = []
    for link in links_by_local.values():
        local_state = local_by_id.get(link.local_id)
        remote_state = remote_by_id.get(link.remote_id)
        per_event.append(
            ((0, link.local_id), _linked_actions(link, local_state, remote_state, rules))
        )
    per_event += _unlinked_actions(
        links_by_local, links_by_remote, local_by_id, remote_by_id, meetings, rules
    )
    per_event.sort(key=lambda event: event[0])
    result = Plan(tuple(action for _key, actions in per_event for action in actions))

    return result


def _index(items, attribute, what):
    index = {}
    for item in items:
        key = getattr(item, attribute)
        if key in index:
            raise ValueError(f"{what} {key!r} is given twice; give each once.")
        index[key] = item
    return index


def _local_gone(state: LocalState) -> bool:
    return state.deleted or state.values_hash is None


def _remote_gone(state: RemoteState) -> bool:
    return state.removed or state.values_hash is None


def _local_change(link: Link, state: LocalState | None) -> _Change:
    if state is None:
        return _Change.NONE
    if _local_gone(state):
        return _Change.GONE
    return _Change.NONE if state.values_hash == link.synced_hash else _Change.EDITED


def _remote_change(link: Link, state: RemoteState | None) -> _Change:
    if state is None:
        return _Change.NONE  # absent: unchanged (removals are always explicit)
    if _remote_gone(state):
        return _Change.GONE
    if state.change_key == link.change_key:
        return _Change.NONE
    last_seen = link.remote_hash or link.synced_hash
    return _Change.ECHO if state.values_hash == last_seen else _Change.EDITED


def _linked_actions(link, local, remote, rules) -> list[Action]:
    if not ownership.pushes(link.role):
        return _copy_actions(link, remote, rules)
    ours = _local_change(link, local)
    theirs = _remote_change(link, remote)
    if ours is _Change.GONE and theirs is _Change.GONE:
        return [Unlink(link)]
    if (
        ours is _Change.EDITED
        and theirs is _Change.EDITED
        and local.values_hash == remote.values_hash
    ):
        return [RefreshLink(link, remote.change_key, remote.values_hash)]

    echo = theirs is _Change.ECHO
    if echo:
        theirs = _Change.NONE
    winner, reason = _settle(ours, theirs, local, remote, rules)
    if winner is None:
        # Nothing to carry over; an echo still moves the remembered changeKey.
        return [RefreshLink(link, remote.change_key, link.synced_hash)] if echo else []

    if winner == ODOO:
        actions = _outlook_follows_odoo(link, ours, theirs)
    else:
        actions = _odoo_follows_outlook(link, ours, theirs)
    if reason:
        actions.insert(0, RecordConflict(link, winner, reason))
    return actions


def _copy_actions(link, remote, rules) -> list[Action]:
    """A copy Odoo never writes to (see engine.ownership): only Outlook's side counts."""
    theirs = _remote_change(link, remote)
    if theirs is _Change.NONE or rules.direction is Direction.TO_OUTLOOK:
        return []
    if theirs is _Change.ECHO:
        return [RefreshLink(link, remote.change_key, link.synced_hash)]
    if theirs is _Change.GONE:
        if ownership.removal_declines(link.role, remote is not None and remote.cancelled):
            return [DeclineLocal(link)]
        return [DeleteLocal(link)]
    if ownership.carries(link.role) == "answer":
        return [UpdateAnswer(link, link.remote_id)]
    return [UpdateLocal(link, link.remote_id)]


def _settle(ours, theirs, local, remote, rules) -> tuple[Winner | None, Text | None]:
    """Which side's state both sides must end with, and why when it was a conflict."""
    if theirs is _Change.NONE:
        if ours is _Change.NONE:
            return None, None
        if rules.direction is not Direction.TO_ODOO:
            return ODOO, None
        # Odoo mirrors Outlook: restore what was deleted in Odoo, leave Odoo's edits alone.
        return (OUTLOOK if ours is _Change.GONE else None), None
    if ours is _Change.NONE:
        if rules.direction is not Direction.TO_OUTLOOK:
            return OUTLOOK, None
        return (ODOO if theirs is _Change.GONE else None), None
    return _conflict_winner(ours, theirs, local, remote, rules)


_WHAT_HAPPENED = {
    (_Change.EDITED, _Change.EDITED): _lt("Edited in both Odoo and Outlook"),
    (_Change.GONE, _Change.EDITED): _lt("Deleted in Odoo but edited in Outlook"),
    (_Change.EDITED, _Change.GONE): _lt("Edited in Odoo but deleted in Outlook"),
}
_WHY = {
    "to_outlook": _lt("%(what)s; the sync direction only sends Odoo changes, so Odoo wins."),
    "to_odoo": _lt("%(what)s; the sync direction only takes Outlook changes, so Outlook wins."),
    "odoo_policy": _lt("%(what)s; the conflict policy says Odoo wins."),
    "outlook_policy": _lt("%(what)s; the conflict policy says Outlook wins."),
    "edit_kept": _lt("%(what)s; the edit is kept, a deletion never overrides an edit."),
    "odoo_recent": _lt("%(what)s; the Odoo edit is the most recent (Odoo wins a tie)."),
    "outlook_recent": _lt("%(what)s; the Outlook edit is the most recent."),
}


def _conflict_winner(ours, theirs, local, remote, rules) -> tuple[Winner, Text]:
    winner, why = _conflict_rule(ours, theirs, local, remote, rules)
    return winner, Text(_WHY[why], what=Text(_WHAT_HAPPENED[ours, theirs]))


def _conflict_rule(ours, theirs, local, remote, rules) -> tuple[Winner, str]:
    if rules.direction is Direction.TO_OUTLOOK:
        return ODOO, "to_outlook"
    if rules.direction is Direction.TO_ODOO:
        return OUTLOOK, "to_odoo"
    if rules.policy is ConflictPolicy.ODOO_WINS:
        return ODOO, "odoo_policy"
    if rules.policy is ConflictPolicy.OUTLOOK_WINS:
        return OUTLOOK, "outlook_policy"
    if ours is _Change.GONE:
        return OUTLOOK, "edit_kept"
    if theirs is _Change.GONE:
        return ODOO, "edit_kept"
    if remote.modified_at is None or local.modified_at >= remote.modified_at:
        return ODOO, "odoo_recent"
    return OUTLOOK, "outlook_recent"


def _outlook_follows_odoo(link, ours, theirs) -> list[Action]:
    if ours is _Change.GONE:
        return [DeleteRemote(link)]
    if theirs is _Change.GONE:
        return [Unlink(link), CreateRemote(link.local_id)]
    return [UpdateRemote(link)]


def _odoo_follows_outlook(link, ours, theirs) -> list[Action]:
    if theirs is _Change.GONE:
        return [DeleteLocal(link)]
    if ours is _Change.GONE:
        return [RestoreLocal(link)]
    return [UpdateLocal(link, link.remote_id)]


def _unlinked_actions(links_by_local, links_by_remote, local_by_id, remote_by_id, meetings,
                      rules):
    """New events on either side: link copies of known meetings, create the others."""
    new_local = [
        state
        for local_id, state in sorted(local_by_id.items())
        if local_id not in links_by_local and not _local_gone(state)
    ]
    by_transaction = {s.transaction_id: s.local_id for s in new_local if s.transaction_id}
    own_uids = {s.ical_uid: s.local_id for s in new_local if s.ical_uid}

    matched = set()
    for remote_id, state in sorted(remote_by_id.items()):
        if remote_id in links_by_remote or _remote_gone(state) or state.is_instance:
            continue
        local_id = by_transaction.get(state.transaction_id) if state.transaction_id else None
        if local_id is not None and local_id not in matched:
            # Our own creation, whose answer was lost: link it, then send what the Odoo
            # event became meanwhile (only differences go out).
            matched.add(local_id)
            made = Link(local_id, remote_id, state.ical_uid, state.change_key, "")
            yield (0, local_id), [LinkExisting(local_id, remote_id), UpdateRemote(made)]
            continue
        local_id, role = _meeting_of(state, meetings, own_uids, links_by_local, matched, rules)
        if local_id is not None:
            matched.add(local_id)
            yield (0, local_id), [LinkExisting(local_id, remote_id, role)]
        elif rules.direction is not Direction.TO_OUTLOOK:
            yield (1, remote_id), [CreateLocal(remote_id, role)]

    if rules.direction is not Direction.TO_ODOO:
        for state in new_local:
            if state.local_id not in matched:
                yield (0, state.local_id), [CreateRemote(state.local_id)]


def _meeting_of(state, meetings, own_uids, links_by_local, matched, rules):
    """Which Odoo meeting this new Outlook copy is, and its role (engine.ownership)."""
    copy = ownership.Copy(rules.mailbox, state.is_organizer, state.organizer_email,
                          frozenset([rules.mailbox]) if state.attends else frozenset())
    candidates = [m for m in meetings.get(state.ical_uid, ()) if state.ical_uid
                  and m.local_id not in links_by_local and m.local_id not in matched]
    own = own_uids.get(state.ical_uid) if state.ical_uid else None
    if own is not None and own not in matched and copy.is_organizer:
        # This user's own Odoo event, not linked yet, that Outlook already has (a reset).
        candidates.append(ownership.Meeting(own, rules.mailbox, driven=False))
    return ownership.match(copy, candidates)


def local_id_of(action: Action) -> int | None:
    """The Odoo event an action is about, if any."""
    if isinstance(action, CreateRemote):
        return action.local_id
    link = getattr(action, "link", None)
    if link is not None:
        return link.local_id
    return getattr(action, "local_id", None)


def remote_id_of(action: Action) -> str | None:
    """The Outlook event an action is about, if any."""
    remote_id = getattr(action, "remote_id", None)
    if remote_id is None and getattr(action, "link", None) is not None:
        return action.link.remote_id
    return remote_id
