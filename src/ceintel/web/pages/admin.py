"""Administration: users (add, change role, deactivate, revoke sessions) and the audit log (view, export).

Every change to a user is audited with who made it; the audit log itself is
append-only and its CSV export neutralises cells a spreadsheet would run as
formulas (``audit.as_csv``). The administrator sees configuration and the
log, never record-level data.
"""

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy import func, select

from ceintel.store.models import ROLES, LoginSession, User, utcnow
from ceintel.web import audit, auth
from ceintel.web.pages import posted, signed_in
from ceintel.web.pages.scoping import agencies
from ceintel.web.permissions import ROLE_LABELS


def _users(state) -> list[dict]:
    now = utcnow()
    with state.sessions() as s:
        live = dict(s.execute(select(LoginSession.user_id, func.count()).where(
            LoginSession.revoked.is_(False), LoginSession.expires_at > now).group_by(LoginSession.user_id)).all())
        return [{"id": u.id, "name": u.name, "role": u.role, "agency": u.agency, "active": u.active,
                 "created_at": u.created_at, "locked": bool(u.locked_until and u.locked_until > now),
                 "sessions": live.get(u.id, 0)} for u in s.scalars(select(User).order_by(User.name))]


def routes(app: FastAPI, state) -> None:
    def page(request, me, status=200, error=None, done=None):
        return state.render(request, "admin.html", me, status=status, active="/admin", title="Admin",
                            users=_users(state), roles=ROLES, role_labels=ROLE_LABELS, agencies=agencies(state),
                            error=error, done=done, actions=audit.ACTIONS)

    @app.get("/admin")
    def admin(request: Request, done: str | None = None):
        me = signed_in(state, request)
        me.require("admin")
        return page(request, me, done=done)

    @app.post("/admin/users")
    async def add(request: Request):
        me = await posted(state, request)
        me.require("admin")
        form = await request.form()
        name, role = str(form.get("name", "")).strip(), str(form.get("role", ""))
        agency = str(form.get("agency", "")) or None
        if agency is not None and agency not in agencies(state):
            return page(request, me, 400, error="choose the agency from the list")
        try:
            auth.add_user(state.sessions, name, role, str(form.get("password", "")), agency)
        except ValueError as exc:
            return page(request, me, 400, error=str(exc))
        state.audit(request, me, "user_added", target=name,
                    detail=f"role {role}" + (f", agency {agency}" if role == "agency_data_owner" else ""))
        return RedirectResponse("/admin?done=added", status_code=303)

    @app.post("/admin/users/{user_id}/{change}")
    async def change_user(request: Request, user_id: int, change: str):
        me = await posted(state, request)
        me.require("admin")
        if change not in ("deactivate", "activate", "role", "revoke"):
            raise HTTPException(404, "no such change")
        form = await request.form()
        with state.sessions() as s:
            user = s.get(User, user_id)
            if user is None:
                raise HTTPException(404, "no such user")
            name = user.name
            if change in ("deactivate", "role") and user.id == me.user_id:
                return page(request, me, 400, error="you cannot deactivate or change the role of your own account")
            if change == "role":
                role = str(form.get("role", ""))
                agency = str(form.get("agency", "")) or None
                if role not in ROLES or (role == "agency_data_owner" and agency not in agencies(state)):
                    return page(request, me, 400, error="choose a role, and an agency for an agency data owner")
                old = f"{user.role}" + (f" ({user.agency})" if user.agency else "")
                user.role, user.agency = role, agency if role == "agency_data_owner" else None
                detail = f"{old} → {role}" + (f" ({agency})" if user.agency else "")
            elif change in ("deactivate", "activate"):
                user.active = change == "activate"
                detail = change + "d"
            else:
                detail = None
            s.commit()
        if change == "role":
            auth.revoke_user_sessions(state.sessions, user_id)  # a new role starts with a new sign-in
            state.audit(request, me, "role_changed", target=name, detail=detail)
        elif change == "revoke":
            n = auth.revoke_user_sessions(state.sessions, user_id)
            state.audit(request, me, "session_revoked", target=name, detail=f"{n} sessions")
        else:
            if change == "deactivate":
                auth.revoke_user_sessions(state.sessions, user_id)
            state.audit(request, me, "user_changed", target=name, detail=detail)
        return RedirectResponse(f"/admin?done={change}", status_code=303)

    @app.get("/admin/audit")
    def audit_log(request: Request, action: str | None = None):
        me = signed_in(state, request)
        me.require("admin")
        action = action if action in audit.ACTIONS else None
        return state.render(request, "audit.html", me, active="/admin", title="Audit log",
                            events=audit.events(state.sessions, limit=500, action=action), action=action,
                            actions=audit.ACTIONS)

    @app.get("/admin/audit.csv")
    def audit_csv(request: Request, action: str | None = None):
        me = signed_in(state, request)
        me.require("admin")
        action = action if action in audit.ACTIONS else None
        rows = audit.events(state.sessions, limit=100000, action=action)
        state.audit(request, me, "export", target="audit.csv", detail=f"{len(rows)} events"
                    + (f", action {action}" if action else ""))
        return Response(audit.as_csv(rows), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="audit.csv"'})
