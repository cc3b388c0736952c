"""Suggested actions for a workspace: from its latest answers, their evidence, and its quality profile."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ceintel.actions.suggest import Suggestion, from_answers, from_evidence, from_quality, ordered
from ceintel.maturity.summary import MaturitySummary, quality_sources, summarise

if TYPE_CHECKING:
    from ceintel.workspace import Workspace


def suggestions_from(summary: MaturitySummary, quality: list[dict]) -> list[Suggestion]:
    """Every suggestion, partnership first, most pressing first."""
    q = summary.questionnaire
    rows = [r for rs in summary.evidence.values() for r in rs]
    return ordered([*from_answers(q, summary.levels), *from_evidence(q, rows), *from_quality(quality)])


def workspace_suggestions(ws: Workspace, *, url: str | None = None) -> list[Suggestion]:
    return suggestions_from(summarise(ws, url=url), quality_sources(ws))
