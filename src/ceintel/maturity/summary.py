"""The maturity picture of a workspace: answers from the store, facts from the warehouse, put together.

This is the edge that reads; everything it calls is a plain function. The
command line, the report and the web app all start from :func:`summarise`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ceintel.maturity.evidence import EvidenceRow, compare, largest_gaps
from ceintel.maturity.measures import MeasuredFact, measure_agencies
from ceintel.maturity.questionnaire import Questionnaire, load_questionnaire
from ceintel.maturity.scoring import (
    DomainChange,
    PartnershipProfile,
    partnership_profile,
    round_change,
)
from ceintel.maturity.storage import levels_by_agency, round_labels
from ceintel.store.db import session_scope, store_url

if TYPE_CHECKING:
    from ceintel.workspace import Workspace


@dataclass(frozen=True)
class MaturitySummary:
    questionnaire: Questionnaire
    round: str | None
    previous_round: str | None
    levels: dict[str, dict[str, int]]
    profile: PartnershipProfile
    facts: dict[str, dict[str, MeasuredFact]]
    evidence: dict[str, list[EvidenceRow]]
    changes: dict[str, list[DomainChange]] = field(default_factory=dict)
    partnership_change: list[DomainChange] = field(default_factory=list)
    warehouse: bool = True

    def gaps(self, n: int | None = None) -> list[EvidenceRow]:
        """The largest differences between answers and measured evidence, across agencies."""
        return largest_gaps([r for rows in self.evidence.values() for r in rows], n)


def measure_workspace(ws: Workspace) -> dict[str, dict[str, MeasuredFact]] | None:
    """Measured facts per agency from the warehouse, or None when there is no warehouse yet."""
    from ceintel.warehouse import connect, warehouse_path

    if not warehouse_path(ws).exists():
        return None
    con = connect(ws)
    try:
        return measure_agencies(con)
    finally:
        con.close()


def quality_sources(ws: Workspace) -> list[dict]:
    """The warehouse's quality profile per source (empty without a warehouse)."""
    from ceintel.quality.profile import read_sources
    from ceintel.warehouse import connect, warehouse_path

    if not warehouse_path(ws).exists():
        return []
    con = connect(ws)
    try:
        return read_sources(con)
    finally:
        con.close()


def summarise(ws: Workspace, round: str | None = None, *, url: str | None = None,
              questionnaire: Questionnaire | None = None,
              facts: dict[str, dict[str, MeasuredFact]] | None = None) -> MaturitySummary:
    """Scores of the given (default: latest) round, the change since the round before, and the evidence."""
    q = questionnaire or load_questionnaire()
    with session_scope(url or store_url(ws)) as session:
        labels = round_labels(session)
        if round is not None and round not in labels:
            from ceintel.errors import CeintelError

            raise CeintelError(f"no assessment round {round!r}; rounds: {', '.join(labels) or 'none yet'} "
                               f"(import answers with `ceintel maturity import FILE`)")
        current = round or (labels[-1] if labels else None)
        earlier = [x for x in labels if current is not None and x < current]
        previous = earlier[-1] if earlier else None
        levels = levels_by_agency(session, current) if current else {}
        before = levels_by_agency(session, previous) if previous else {}
    measured = facts if facts is not None else measure_workspace(ws)
    profile = partnership_profile(q, levels)
    evidence = {a: compare(q, a, lv, (measured or {}).get(a, {})) for a, lv in sorted(levels.items())}
    changes = {a: round_change(q, before[a], lv)[0] for a, lv in levels.items() if a in before}
    partnership_change = []
    if before:
        was = partnership_profile(q, before).partnership
        partnership_change = [DomainChange(d.id, d.title, was.get(d.id), profile.partnership.get(d.id))
                              for d in q.domains]
    return MaturitySummary(q, current, previous, levels, profile, measured or {}, evidence, changes,
                           partnership_change, warehouse=measured is not None)
