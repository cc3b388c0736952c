"""Scores from answers: a mean level per domain, an agency's overall profile, the partnership side by side.

A score summarises where an agency says it is, to show different starting
points and change over time; it is not a grade. Each domain's score is the
mean of its answered items, always shown with how many items were answered,
so a domain answered on one item of four is not mistaken for a full picture.
The overall score is the mean of the domain scores (each domain counts the
same, however many items it has).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from statistics import fmean

from ceintel.errors import CeintelError
from ceintel.maturity.questionnaire import LEVELS, Questionnaire


@dataclass(frozen=True)
class Answer:
    """One answer: the level an agency gives itself on one item, and why."""

    item_id: str
    level: int
    evidence_note: str | None = None
    answered_by: str | None = None
    answered_at: dt.datetime | None = None


@dataclass(frozen=True)
class AnswerSet:
    """An agency's answers in one round."""

    agency: str
    round: str
    questionnaire_version: str
    answers: tuple[Answer, ...] = field(default_factory=tuple)

    @property
    def levels(self) -> dict[str, int]:
        return {a.item_id: a.level for a in self.answers}


class AnswerError(CeintelError):
    """An answer the questionnaire cannot accept."""


def check_levels(q: Questionnaire, levels: Mapping[str, int]) -> None:
    """Refuse answers to unknown items or outside levels 1-5 (the message names the item)."""
    known = {i.id for i in q.items}
    for item_id, level in levels.items():
        if item_id not in known:
            raise AnswerError(f"answer to {item_id!r}: no such item in questionnaire version {q.version}")
        if level not in LEVELS:
            raise AnswerError(f"answer to {item_id!r}: level {level!r} is not one of 1-5")


@dataclass(frozen=True)
class DomainScore:
    domain_id: str
    title: str
    mean: float | None
    answered: int
    unanswered: int
    short: str = ""
    """A short title for charts."""


def domain_scores(q: Questionnaire, levels: Mapping[str, int]) -> list[DomainScore]:
    """One score per domain, in questionnaire order: the mean of answered items, with counts."""
    check_levels(q, levels)
    out = []
    for d in q.domains:
        given = [levels[i.id] for i in d.items if i.id in levels]
        out.append(DomainScore(d.id, d.title, round(fmean(given), 2) if given else None, len(given),
                               len(d.items) - len(given), d.label))
    return out


def overall_score(scores: list[DomainScore]) -> float | None:
    """The mean of the domain scores that have any answer."""
    means = [s.mean for s in scores if s.mean is not None]
    return round(fmean(means), 2) if means else None


@dataclass(frozen=True)
class AgencyProfile:
    agency: str
    domains: list[DomainScore]
    overall: float | None

    def mean(self, domain_id: str) -> float | None:
        return next((s.mean for s in self.domains if s.domain_id == domain_id), None)


@dataclass(frozen=True)
class PartnershipProfile:
    """Agencies side by side, and the partnership's own profile (each agency weighing the same)."""

    agencies: list[AgencyProfile]
    partnership: dict[str, float | None]
    lowest: dict[str, float | None]
    highest: dict[str, float | None]
    overall: float | None


def agency_profile(q: Questionnaire, agency: str, levels: Mapping[str, int]) -> AgencyProfile:
    scores = domain_scores(q, levels)
    return AgencyProfile(agency, scores, overall_score(scores))


def partnership_profile(q: Questionnaire, by_agency: Mapping[str, Mapping[str, int]]) -> PartnershipProfile:
    """Each agency's domain scores, and per domain the partnership mean, lowest and highest."""
    agencies = [agency_profile(q, a, levels) for a, levels in sorted(by_agency.items())]
    mean: dict[str, float | None] = {}
    low: dict[str, float | None] = {}
    high: dict[str, float | None] = {}
    for d in q.domains:
        values = [m for p in agencies if (m := p.mean(d.id)) is not None]
        mean[d.id] = round(fmean(values), 2) if values else None
        low[d.id] = min(values) if values else None
        high[d.id] = max(values) if values else None
    overalls = [p.overall for p in agencies if p.overall is not None]
    return PartnershipProfile(agencies, mean, low, high, round(fmean(overalls), 2) if overalls else None)


@dataclass(frozen=True)
class DomainChange:
    domain_id: str
    title: str
    before: float | None
    after: float | None

    @property
    def change(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 2)


@dataclass(frozen=True)
class ItemChange:
    item_id: str
    before: int | None
    after: int | None

    @property
    def change(self) -> int | None:
        return None if self.before is None or self.after is None else self.after - self.before


def round_change(q: Questionnaire, before: Mapping[str, int],
                 after: Mapping[str, int]) -> tuple[list[DomainChange], list[ItemChange]]:
    """How domain scores and item levels moved between two rounds (items answered in either)."""
    b, a = domain_scores(q, before), domain_scores(q, after)
    domains = [DomainChange(x.domain_id, x.title, x.mean, y.mean) for x, y in zip(b, a, strict=True)]
    items = [ItemChange(i.id, before.get(i.id), after.get(i.id)) for i in q.items
             if i.id in before or i.id in after]
    return domains, items
