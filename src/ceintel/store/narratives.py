"""Practice narratives: the story behind a number, kept in versions.

Practitioners and analysts write commentary beside an indicator, a theme, a
period or an analysis ("telling our story"). A narrative is never edited in
place: saving a change adds a new version with the same ``key``, so the
partnership can see what was said when. The language check runs on every
save and its findings come back with the saved version, as suggestions: the
text is the author's, and is kept as written.
"""

from __future__ import annotations

import secrets

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ceintel.store.models import NARRATIVE_TARGETS, Narrative


class NarrativeError(ValueError):
    """A narrative that cannot be saved (unknown target, empty text, unknown key)."""


def save_narrative(session: Session, *, target_kind: str, target_id: str, text: str, author: str,
                   author_role: str | None = None, title: str | None = None, period: str | None = None,
                   key: str | None = None) -> tuple[Narrative, list]:
    """Save a new narrative, or a new version of ``key``; returns it with the language check's findings."""
    from ceintel.language import check_text

    if target_kind not in NARRATIVE_TARGETS:
        raise NarrativeError(f"target_kind {target_kind!r} is not one of {', '.join(NARRATIVE_TARGETS)}")
    if not text or not text.strip():
        raise NarrativeError("a narrative needs some text")
    if key is None:
        key, version = secrets.token_hex(8), 1
    else:
        latest = session.scalar(select(func.max(Narrative.version)).where(Narrative.key == key))
        if latest is None:
            raise NarrativeError(f"no narrative {key!r} to add a version to")
        version = latest + 1
    row = Narrative(key=key, version=version, target_kind=target_kind, target_id=target_id, period=period,
                    title=title, text=text.strip(), author=author, author_role=author_role)
    session.add(row)
    session.flush()
    return row, check_text(row.text)


def current_narratives(session: Session, target_kind: str | None = None,
                       target_id: str | None = None) -> list[Narrative]:
    """The newest version of each narrative not withdrawn, newest first (optionally for one target)."""
    newest = (select(Narrative.key, func.max(Narrative.version).label("v")).group_by(Narrative.key).subquery())
    q = select(Narrative).join(newest, (Narrative.key == newest.c.key) & (Narrative.version == newest.c.v))
    q = q.where(Narrative.withdrawn.is_(False))
    if target_kind:
        q = q.where(Narrative.target_kind == target_kind)
    if target_id:
        q = q.where(Narrative.target_id == target_id)
    return list(session.scalars(q.order_by(Narrative.created_at.desc(), Narrative.id.desc())))


def history(session: Session, key: str) -> list[Narrative]:
    """Every version of one narrative, oldest first."""
    return list(session.scalars(select(Narrative).where(Narrative.key == key).order_by(Narrative.version)))


def withdraw(session: Session, key: str) -> None:
    """Withdraw a narrative (every version stays in the history, none is shown)."""
    rows = history(session, key)
    if not rows:
        raise NarrativeError(f"no narrative {key!r}")
    for row in rows:
        row.withdrawn = True
