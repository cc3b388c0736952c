"""The tables of the app state store (SQLAlchemy 2 declarative, typed).

Each table is created by a migration in ``migrations/versions/``; a later
issue adds its own tables (users, narratives, the audit log) as a further
migration on the same :class:`Base`. Times are stored in UTC without a zone
(SQLite keeps none), dates as dates.

Action updates are append-only: the history of a plan is evidence of a
partnership's work, so :class:`ActionUpdate` rows refuse to be changed or
deleted once written.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import (
    CheckConstraint,
    Date,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    event,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}
"""Constraint names fixed by convention, so migrations can name them on SQLite and PostgreSQL alike."""

ACTION_STATUSES = ("not_started", "in_progress", "done", "dropped")
CLOSED_STATUSES = ("done", "dropped")
PLAN_SCOPES = ("agency", "partnership")


def utcnow() -> dt.datetime:
    """Now, in UTC, without a zone (the store's convention)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class MaturityRound(Base):
    """One round of self-assessment (e.g. ``2026-03``): every agency answers the same questionnaire version."""

    __tablename__ = "maturity_round"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    label: Mapped[str] = mapped_column(String(40), unique=True)
    questionnaire_version: Mapped[str] = mapped_column(String(40))
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    answers: Mapped[list[MaturityAnswer]] = relationship(back_populates="round", cascade="all, delete-orphan")


class MaturityAnswer(Base):
    """An agency's self-assessed level on one questionnaire item in one round."""

    __tablename__ = "maturity_answer"
    __table_args__ = (
        UniqueConstraint("round_id", "agency", "item_id", name="uq_maturity_answer_round_agency_item"),
        CheckConstraint("level BETWEEN 1 AND 5", name="level_1_to_5"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    round_id: Mapped[int] = mapped_column(ForeignKey("maturity_round.id", ondelete="CASCADE"), index=True)
    agency: Mapped[str] = mapped_column(String(200), index=True)
    item_id: Mapped[str] = mapped_column(String(80))
    level: Mapped[int] = mapped_column(Integer)
    evidence_note: Mapped[str | None] = mapped_column(Text)
    answered_by: Mapped[str | None] = mapped_column(String(200))
    answered_at: Mapped[dt.datetime | None] = mapped_column(DateTime)

    round: Mapped[MaturityRound] = relationship(back_populates="answers")


class ActionPlan(Base):
    """A data action plan: one per agency, and one for the partnership as a whole."""

    __tablename__ = "action_plan"
    __table_args__ = (
        CheckConstraint("(scope = 'partnership' AND agency IS NULL) OR (scope = 'agency' AND agency IS NOT NULL)",
                        name="scope_matches_agency"),
        UniqueConstraint("scope", "agency", name="uq_action_plan_scope_agency"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    scope: Mapped[str] = mapped_column(String(20))
    agency: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(300))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    actions: Mapped[list[Action]] = relationship(back_populates="plan", cascade="all, delete-orphan",
                                                 order_by="Action.id")


class Action(Base):
    """One action: what, why, who, by when, how it stands, and what it answers (a maturity item or indicator)."""

    __tablename__ = "action"
    __table_args__ = (
        CheckConstraint("status IN ('not_started', 'in_progress', 'done', 'dropped')", name="known_status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("action_plan.id", ondelete="CASCADE"), index=True)
    what: Mapped[str] = mapped_column(Text)
    why: Mapped[str | None] = mapped_column(Text)
    owner: Mapped[str | None] = mapped_column(String(200))
    due_on: Mapped[dt.date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    maturity_item_id: Mapped[str | None] = mapped_column(String(80))
    indicator_id: Mapped[str | None] = mapped_column(String(80))
    suggestion_key: Mapped[str | None] = mapped_column(String(300), index=True)
    """Set when the action came from a suggestion, so the same suggestion is not added twice."""
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)

    plan: Mapped[ActionPlan] = relationship(back_populates="actions")
    updates: Mapped[list[ActionUpdate]] = relationship(back_populates="action", cascade="all, delete-orphan",
                                                       order_by="ActionUpdate.id")


class ActionUpdate(Base):
    """One entry in an action's history (append-only): a status change, a note, or both."""

    __tablename__ = "action_update"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    action_id: Mapped[int] = mapped_column(ForeignKey("action.id", ondelete="CASCADE"), index=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    by: Mapped[str | None] = mapped_column(String(200))
    old_status: Mapped[str | None] = mapped_column(String(20))
    new_status: Mapped[str | None] = mapped_column(String(20))
    note: Mapped[str | None] = mapped_column(Text)

    action: Mapped[Action] = relationship(back_populates="updates")


NARRATIVE_TARGETS = ("indicator", "theme", "period", "analysis", "partnership")
ROLES = ("admin", "analyst", "agency_data_owner", "practitioner", "strategic_lead")


class Narrative(Base):
    """One version of a practice narrative: commentary beside an indicator, theme, period or analysis.

    Versions are kept: editing a narrative adds a row with the same ``key`` and a
    higher ``version``; the newest version that is not withdrawn is the one shown.
    """

    __tablename__ = "narrative"
    __table_args__ = (
        UniqueConstraint("key", "version", name="uq_narrative_key_version"),
        CheckConstraint(f"target_kind IN ({', '.join(repr(t) for t in NARRATIVE_TARGETS)})",
                        name="target_kind_known"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    key: Mapped[str] = mapped_column(String(80), index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    target_kind: Mapped[str] = mapped_column(String(20))
    target_id: Mapped[str] = mapped_column(String(120))
    period: Mapped[str | None] = mapped_column(String(40))
    title: Mapped[str | None] = mapped_column(String(200))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(200))
    author_role: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    withdrawn: Mapped[bool] = mapped_column(default=False)


class User(Base):
    """A person who signs in: a role, an agency for agency data owners, an argon2 password hash."""

    __tablename__ = "app_user"
    __table_args__ = (CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role_known"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(120), unique=True)
    role: Mapped[str] = mapped_column(String(40))
    agency: Mapped[str | None] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime)


class LoginSession(Base):
    """A server-side session: the cookie holds only a random token; its hash is kept here, so it can be revoked."""

    __tablename__ = "login_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow)
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime)
    revoked: Mapped[bool] = mapped_column(default=False)


class AuditEvent(Base):
    """One audited event (append-only): a login, a view of record-level data, an export, a change of users."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime, default=utcnow, index=True)
    user_name: Mapped[str | None] = mapped_column(String(120))
    role: Mapped[str | None] = mapped_column(String(40))
    action: Mapped[str] = mapped_column(String(60), index=True)
    target: Mapped[str | None] = mapped_column(String(400))
    detail: Mapped[str | None] = mapped_column(Text)
    ip: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str] = mapped_column(String(20), default="ok")


class AppendOnlyError(RuntimeError):
    """An attempt to rewrite history."""


@event.listens_for(ActionUpdate, "before_update")
def _no_update(_mapper, _connection, target: ActionUpdate) -> None:
    raise AppendOnlyError(f"action update {target.id} is history and cannot be changed; add a new update")


@event.listens_for(AuditEvent, "before_update")
@event.listens_for(AuditEvent, "before_delete")
def _audit_is_append_only(_mapper, _connection, target: AuditEvent) -> None:
    raise AppendOnlyError(f"audit event {target.id} is a record of what happened and cannot be changed or removed")


@event.listens_for(Narrative, "before_update")
def _versions_are_kept(_mapper, _connection, target: Narrative) -> None:
    if not target.withdrawn:
        raise AppendOnlyError(f"narrative {target.key} version {target.version} is kept as written; "
                              f"add a new version instead")
