"""The audit log: who did what, when — logins, views of record-level data, exports, changes of users.

Append-only (the store refuses updates and deletes of :class:`AuditEvent`).
Every view of record-level data goes through :func:`record`, as principle 4
of DESIGN.md asks; the admin reads and exports the log.
"""

from __future__ import annotations

import csv
import io

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from ceintel.safe_csv import neutralise
from ceintel.store.models import AuditEvent

ACTIONS = ("login", "login_failed", "logout", "view_records", "export", "download", "upload", "user_added",
           "user_changed", "role_changed", "session_revoked", "narrative_saved", "maturity_answered",
           "action_updated", "access_refused")


def record(factory: sessionmaker[Session], action: str, *, user: str | None = None, role: str | None = None,
           target: str | None = None, detail: str | None = None, ip: str | None = None, outcome: str = "ok") -> None:
    """Write one event in its own transaction (an audit entry must not vanish with a failed page)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    with factory() as s:
        s.add(AuditEvent(action=action, user_name=user, role=role, target=target, detail=detail, ip=ip,
                         outcome=outcome))
        s.commit()


def events(factory: sessionmaker[Session], limit: int = 500, action: str | None = None) -> list[AuditEvent]:
    with factory() as s:
        q = select(AuditEvent).order_by(AuditEvent.id.desc()).limit(limit)
        if action:
            q = q.where(AuditEvent.action == action)
        return list(s.scalars(q))


def as_csv(rows: list[AuditEvent]) -> str:
    """The log as CSV, with cells that a spreadsheet would run as formulas neutralised."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["id", "at", "user", "role", "action", "target", "detail", "ip", "outcome"])
    for e in rows:
        w.writerow([neutralise(v) if isinstance(v, str) else v for v in
                    (e.id, e.at.isoformat(), e.user_name, e.role, e.action, e.target, e.detail, e.ip, e.outcome)])
    return out.getvalue()
