"""Actions: the partnership's and each agency's data action plans — owners, due dates, status, history.

Everyone signed in reads the plans (they hold no record-level data). Roles
with the ``actions`` capability update status and add notes; an agency data
owner only on their own agency's plan. Each update is appended to the
action's history and audited.
"""

import datetime as dt
from itertools import groupby

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse

from ceintel.store.models import ACTION_STATUSES
from ceintel.web.pages import posted, signed_in
from ceintel.web.pages.scoping import may_change, require_change

STATUS_LABELS = {"not_started": "Not started", "in_progress": "In progress", "done": "Done", "dropped": "Dropped"}


def routes(app: FastAPI, state) -> None:
    @app.get("/actions")
    def actions(request: Request, overdue: bool = False, updated: int | None = None):
        from ceintel.actions.plans import PARTNERSHIP, list_actions

        me = signed_in(state, request)
        with state.sessions() as session:
            views = list_actions(session, dt.date.today(), overdue_only=overdue)
        plans = []
        for plan, items in groupby(views, key=lambda v: v.plan):
            items = list(items)
            agency = None if plan == PARTNERSHIP else plan
            plans.append({"title": "Partnership data action plan" if agency is None else f"Data action plan: {plan}",
                          "actions": items, "editable": may_change(me, "actions", agency),
                          "overdue": sum(1 for a in items if a.overdue)})
        return state.render(request, "actions.html", me, active="/actions", title="Actions", plans=plans,
                            statuses=STATUS_LABELS, overdue=overdue, updated=updated)

    @app.post("/actions/{action_id}")
    async def update(request: Request, action_id: int):
        from ceintel.actions.plans import PARTNERSHIP, ActionError, get_action, update_action

        me = await posted(state, request)
        form = await request.form()
        status = str(form.get("status", "")) or None
        note = str(form.get("note", "")).strip()[:2000] or None
        if status is not None and status not in ACTION_STATUSES:
            raise HTTPException(400, "unknown status")
        with state.sessions() as session:
            try:
                view = get_action(session, action_id, dt.date.today())
            except ActionError:
                raise HTTPException(404, "no such action") from None
            require_change(me, "actions", None if view.plan == PARTNERSHIP else view.plan)
            if status == view.status:
                status = None
            if status is None and note is None:
                return RedirectResponse(f"/actions#action-{action_id}", status_code=303)
            update_action(session, action_id, status=status, note=note, by=me.name)
            session.commit()
        state.audit(request, me, "action_updated", target=f"action {action_id} ({view.plan})",
                    detail="; ".join(x for x in (f"status {view.status} → {status}" if status else "",
                                                 "note added" if note else "") if x))
        return RedirectResponse(f"/actions?updated={action_id}#action-{action_id}", status_code=303)
