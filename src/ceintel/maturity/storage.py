"""Saving and reading answers in the app state store (the edge between maturity and the database)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ceintel.errors import CeintelError
from ceintel.maturity.questionnaire import Questionnaire
from ceintel.maturity.scoring import Answer, AnswerSet, check_levels
from ceintel.store.models import MaturityAnswer, MaturityRound


def get_round(session: Session, label: str) -> MaturityRound | None:
    return session.scalar(select(MaturityRound).where(MaturityRound.label == label))


def ensure_round(session: Session, label: str, questionnaire_version: str,
                 held_on: dt.date | None = None) -> MaturityRound:
    """The round called ``label``, created if new; a round keeps one questionnaire version."""
    found = get_round(session, label)
    if found is None:
        found = MaturityRound(label=label, questionnaire_version=questionnaire_version, held_on=held_on)
        session.add(found)
        session.flush()
    elif found.questionnaire_version != questionnaire_version:
        raise CeintelError(f"round {label} was answered on questionnaire version {found.questionnaire_version}, "
                           f"these answers are for version {questionnaire_version}; use a new round label")
    return found


def save_answers(session: Session, q: Questionnaire, answers: AnswerSet, *,
                 held_on: dt.date | None = None) -> int:
    """Store an agency's answers for a round, replacing any it gave before; returns how many were saved."""
    check_levels(q, answers.levels)
    rnd = ensure_round(session, answers.round, answers.questionnaire_version, held_on)
    session.execute(delete(MaturityAnswer).where(MaturityAnswer.round_id == rnd.id,
                                                 MaturityAnswer.agency == answers.agency))
    for a in answers.answers:
        session.add(MaturityAnswer(round_id=rnd.id, agency=answers.agency, item_id=a.item_id, level=a.level,
                                   evidence_note=a.evidence_note, answered_by=a.answered_by,
                                   answered_at=a.answered_at))
    session.flush()
    return len(answers.answers)


def round_labels(session: Session) -> list[str]:
    """Every round, oldest first (labels such as 2025-03 sort in time order)."""
    return list(session.scalars(select(MaturityRound.label).order_by(MaturityRound.label)))


def load_answers(session: Session, agency: str, label: str) -> AnswerSet:
    rnd = get_round(session, label)
    if rnd is None:
        raise CeintelError(f"no assessment round {label!r}; rounds: {', '.join(round_labels(session)) or 'none yet'}")
    rows = session.scalars(select(MaturityAnswer).where(MaturityAnswer.round_id == rnd.id,
                                                        MaturityAnswer.agency == agency)
                           .order_by(MaturityAnswer.id)).all()
    if not rows:
        agencies = agencies_in_round(session, label)
        raise CeintelError(f"{agency!r} has no answers in round {label}; agencies that answered: "
                           f"{', '.join(agencies) or 'none'}")
    return AnswerSet(agency, label, rnd.questionnaire_version,
                     tuple(Answer(r.item_id, r.level, r.evidence_note, r.answered_by, r.answered_at) for r in rows))


def agencies_in_round(session: Session, label: str) -> list[str]:
    return list(session.scalars(select(MaturityAnswer.agency).join(MaturityRound)
                                .where(MaturityRound.label == label).distinct().order_by(MaturityAnswer.agency)))


def levels_by_agency(session: Session, label: str) -> dict[str, dict[str, int]]:
    """``{agency: {item_id: level}}`` for one round."""
    out: dict[str, dict[str, int]] = defaultdict(dict)
    for agency, item_id, level in session.execute(
            select(MaturityAnswer.agency, MaturityAnswer.item_id, MaturityAnswer.level).join(MaturityRound)
            .where(MaturityRound.label == label)):
        out[agency][item_id] = level
    return dict(out)
