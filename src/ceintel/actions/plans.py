"""Action plans in the app state store: add actions, update them (keeping history), list and find overdue ones.

Every change to an action is recorded as an :class:`ActionUpdate` (who, when,
status before and after, a note), so a plan shows what was done as well as
what is left. Overdue is judged against a ``today`` the caller gives, so the
same question asked of the same store always has the same answer.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from ceintel.actions.suggest import Suggestion
from ceintel.errors import CeintelError
from ceintel.store.models import (
    ACTION_STATUSES,
    CLOSED_STATUSES,
    Action,
    ActionPlan,
    ActionUpdate,
    utcnow,
)

PARTNERSHIP = "partnership"


class ActionError(CeintelError):
    """An action that does not exist, or a change that is not allowed."""


def is_overdue(due_on: dt.date | None, status: str, today: dt.date) -> bool:
    """Past its due date and neither done nor dropped."""
    return due_on is not None and due_on < today and status not in CLOSED_STATUSES


def check_status(status: str) -> str:
    if status not in ACTION_STATUSES:
        raise ActionError(f"status {status!r} is not one of: {', '.join(ACTION_STATUSES)}")
    return status


def plan_title(agency: str | None) -> str:
    return "Partnership data action plan" if agency is None else f"Data action plan: {agency}"


def get_plan(session: Session, agency: str | None, *, create: bool = True) -> ActionPlan | None:
    """The agency's plan (or the partnership's, for ``agency=None``), created on first use."""
    scope = PARTNERSHIP if agency is None else "agency"
    stmt = select(ActionPlan).where(ActionPlan.scope == scope)
    stmt = stmt.where(ActionPlan.agency.is_(None)) if agency is None else stmt.where(ActionPlan.agency == agency)
    plan = session.scalar(stmt)
    if plan is None and create:
        plan = ActionPlan(scope=scope, agency=agency, title=plan_title(agency))
        session.add(plan)
        session.flush()
    return plan


def add_action(session: Session, *, agency: str | None, what: str, why: str | None = None,
               owner: str | None = None, due_on: dt.date | None = None, status: str = "not_started",
               maturity_item_id: str | None = None, indicator_id: str | None = None,
               suggestion_key: str | None = None, by: str | None = None, at: dt.datetime | None = None) -> Action:
    """Add an action to the agency's (or the partnership's) plan; its first update records the creation."""
    if not what.strip():
        raise ActionError("an action needs a 'what': say what will be done")
    check_status(status)
    at = at or utcnow()
    plan = get_plan(session, agency)
    action = Action(plan_id=plan.id, what=what.strip(), why=why, owner=owner, due_on=due_on, status=status,
                    maturity_item_id=maturity_item_id, indicator_id=indicator_id, suggestion_key=suggestion_key,
                    created_at=at, updated_at=at)
    session.add(action)
    session.flush()
    session.add(ActionUpdate(action_id=action.id, at=at, by=by, old_status=None, new_status=status,
                             note="added" + (" from a suggestion" if suggestion_key else "")))
    session.flush()
    return action


def update_action(session: Session, action_id: int, *, status: str | None = None, note: str | None = None,
                  due_on: dt.date | None = None, owner: str | None = None, by: str | None = None,
                  at: dt.datetime | None = None) -> Action:
    """Change an action's status, due date or owner and/or add a note; always appends one update."""
    action = session.get(Action, action_id)
    if action is None:
        raise ActionError(f"no action {action_id}; list them with `ceintel actions list`")
    if status is None and note is None and due_on is None and owner is None:
        raise ActionError("nothing to update: give a status, a note, a due date or an owner")
    at = at or utcnow()
    old = action.status
    changes = []
    if status is not None:
        action.status = check_status(status)
    if due_on is not None and due_on != action.due_on:
        changes.append(f"due date {action.due_on or 'none'} → {due_on}")
        action.due_on = due_on
    if owner is not None and owner != action.owner:
        changes.append(f"owner {action.owner or 'none'} → {owner}")
        action.owner = owner
    action.updated_at = at
    text = "; ".join([*changes, *([note] if note else [])]) or None
    session.add(ActionUpdate(action_id=action.id, at=at, by=by, old_status=old,
                             new_status=action.status if status is not None else None, note=text))
    session.flush()
    return action


def add_suggestions(session: Session, suggestions: Iterable[Suggestion], *, due_on: dt.date | None = None,
                    owner: str | None = None, by: str | None = None,
                    at: dt.datetime | None = None) -> list[Action]:
    """Turn suggestions into actions, skipping any already added (by suggestion key)."""
    existing = set(session.scalars(select(Action.suggestion_key).where(Action.suggestion_key.is_not(None))))
    added = []
    for s in suggestions:
        if s.key in existing:
            continue
        existing.add(s.key)
        added.append(add_action(session, agency=s.agency if s.scope == "agency" else None, what=s.what,
                                why=s.why, owner=owner, due_on=due_on, maturity_item_id=s.maturity_item_id,
                                indicator_id=s.indicator_id, suggestion_key=s.key, by=by, at=at))
    return added


@dataclass(frozen=True)
class UpdateView:
    at: dt.datetime
    by: str | None
    old_status: str | None
    new_status: str | None
    note: str | None


@dataclass(frozen=True)
class ActionView:
    """An action as plain data, for the command line, the report and the web app."""

    id: int
    plan: str  # the agency, or "partnership"
    what: str
    why: str | None
    owner: str | None
    due_on: dt.date | None
    status: str
    maturity_item_id: str | None
    indicator_id: str | None
    suggestion_key: str | None
    created_at: dt.datetime
    updated_at: dt.datetime
    overdue: bool
    history: tuple[UpdateView, ...]


def _view(a: Action, today: dt.date) -> ActionView:
    return ActionView(a.id, a.plan.agency or PARTNERSHIP, a.what, a.why, a.owner, a.due_on, a.status,
                      a.maturity_item_id, a.indicator_id, a.suggestion_key, a.created_at, a.updated_at,
                      is_overdue(a.due_on, a.status, today),
                      tuple(UpdateView(u.at, u.by, u.old_status, u.new_status, u.note) for u in a.updates))


def list_actions(session: Session, today: dt.date, *, agency: str | None = None,
                 partnership_only: bool = False, overdue_only: bool = False,
                 include_closed: bool = True) -> list[ActionView]:
    """Actions, partnership plan first then by agency, due date and id; optionally only the overdue ones."""
    stmt = (select(Action).join(ActionPlan).options(selectinload(Action.updates), selectinload(Action.plan)))
    if partnership_only:
        stmt = stmt.where(ActionPlan.scope == PARTNERSHIP)
    elif agency is not None:
        stmt = stmt.where(ActionPlan.agency == agency)
    views = [_view(a, today) for a in session.scalars(stmt)]
    if overdue_only:
        views = [v for v in views if v.overdue]
    if not include_closed:
        views = [v for v in views if v.status not in CLOSED_STATUSES]
    views.sort(key=lambda v: (v.plan != PARTNERSHIP, v.plan, v.due_on or dt.date.max, v.id))
    return views


def get_action(session: Session, action_id: int, today: dt.date) -> ActionView:
    action = session.get(Action, action_id)
    if action is None:
        raise ActionError(f"no action {action_id}; list them with `ceintel actions list`")
    return _view(action, today)
