"""The mass-deletion guard: stop a wipe before it spreads, without trapping the user.

A sync that suddenly sees one side empty (a wrong account connected, a calendar emptied by
mistake, a script archiving everything) would otherwise delete everything on the other
side too. The guard looks at the whole run, over the whole account: the deletions the plan
would make on each side, counted the way users count events (a series once), against the
events the account has linked.

It holds a side's deletions back when they are more than ``min_deletions`` AND more than
``max_ratio`` of the linked events, or when a complete Outlook listing shows no event at
all while events are linked. Everything else in the plan goes on. Held deletions wait for
the user, who either confirms them (they are carried out at the next run) or restores the
events from the other side; see ``engine.sync_run`` and the account's held deletions.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from .i18n import _lt
from .planner import Action, DeleteLocal, DeleteRemote, Plan
from .sync_state import Link

MIN_DELETIONS = 10
MAX_RATIO = 0.5

ODOO_SIDE = "odoo"  # deletions that would happen in Odoo (Outlook removed the events)
OUTLOOK_SIDE = "outlook"  # deletions that would happen in Outlook (Odoo deleted them)
_DELETION = {ODOO_SIDE: DeleteLocal, OUTLOOK_SIDE: DeleteRemote}


@dataclass(frozen=True)
class Verdict:
    allowed: Plan  # what may be carried out now
    held: tuple[Action, ...] = ()  # deletions waiting for the user's choice
    side: str | None = None  # where the held deletions would happen
    reason: str | None = None  # translatable sentence, with %(deletions)s and %(linked)s
    deletions: int = 0  # held, as users count them (a series once)
    linked: int = 0


def check(
    plan: Plan,
    links: Iterable[Link],
    *,
    listed_nothing: bool = False,
    confirmed: bool = False,
    min_deletions: int = MIN_DELETIONS,
    max_ratio: float = MAX_RATIO,
) -> Verdict:
    """Hold back the deletions of a side that would wipe it; ``confirmed`` lets them go."""
    linked = len({link.unit for link in links})
    if confirmed or not linked:
        return Verdict(plan, linked=linked)
    for side in (ODOO_SIDE, OUTLOOK_SIDE):
        units = _deleted_units(plan, side)
        if side == ODOO_SIDE and listed_nothing and units:
            reason = _lt("Outlook listed no event at all while %(linked)s events are linked.")
        elif len(units) > min_deletions and len(units) > max_ratio * linked:
            reason = _lt("The synchronization would delete %(deletions)s of the %(linked)s "
                         "linked events at once.")
        else:
            continue
        return _hold(plan, side, reason, len(units), linked)
    return Verdict(plan, linked=linked)


def _deleted_units(plan, side):
    kind = _DELETION[side]
    return {action.link.unit for action in plan if isinstance(action, kind)}


def _hold(plan, side, reason, deletions, linked):
    """Split the plan: the side's deletions (with their conflict notes) wait; the rest goes."""
    kind = _DELETION[side]
    held_links = {action.link for action in plan if isinstance(action, kind)}
    held, allowed = [], []
    for action in plan:
        is_held = isinstance(action, kind) or (
            getattr(action, "link", None) in held_links and action.kind == "record_conflict")
        (held if is_held else allowed).append(action)
    held = tuple(action for action in held if isinstance(action, kind))
    return Verdict(Plan(tuple(allowed)), held, side, reason, deletions, linked)
