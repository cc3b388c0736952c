"""Self-assessment beside measurement: what an agency says, what its extract suggests, and where they differ.

For each item the questionnaire links to a measure, the measured value is
turned into the level it suggests (the item's ``bands``) and compared with
the answer. A gap of :data:`GAP` levels or more is highlighted as a
conversation starter, worded neutrally: an extract is only part of what an
agency records, so the gap is a question to talk through, never a verdict on
the answer or on the people who gave it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from ceintel.maturity.measures import MEASURES, MeasuredFact
from ceintel.maturity.questionnaire import Questionnaire

GAP = 2
"""Levels between the answer and the measured level at which a difference is highlighted."""


@dataclass(frozen=True)
class EvidenceRow:
    agency: str
    item_id: str
    measure: str
    self_level: int | None
    fact: MeasuredFact | None
    measured_level: int | None

    @property
    def gap(self) -> int | None:
        """Answer minus measured level: positive when the answer is higher than the extract suggests."""
        if self.self_level is None or self.measured_level is None:
            return None
        return self.self_level - self.measured_level

    @property
    def highlighted(self) -> bool:
        return self.gap is not None and abs(self.gap) >= GAP

    def message(self, q: Questionnaire) -> str:
        """The difference in neutral words, to open a conversation."""
        m = MEASURES[self.measure]
        fact = self.fact.describe() if self.fact else "not measurable from the extract"
        said = (f"self-assessed level {self.self_level} ({q.level_name(self.self_level)})"
                if self.self_level else "not answered")
        if self.measured_level is None:
            return f"{said}; the extract cannot show this ({m.title}: {fact})."
        suggests = f"level {self.measured_level} ({q.level_name(self.measured_level)})"
        text = f"{said}; the extract suggests about {suggests}: {m.title}, {fact}."
        if self.highlighted:
            direction = ("the extract may not show all that is in place"
                         if (self.gap or 0) > 0 else "more may be in place than the answer gives credit for")
            text += f" Worth talking through: {direction} ({m.caveat})."
        return text


def compare(q: Questionnaire, agency: str, levels: Mapping[str, int],
            facts: Mapping[str, MeasuredFact]) -> list[EvidenceRow]:
    """One row per (item, measure) the questionnaire links, for one agency."""
    rows = []
    for item in q.items:
        for ev in item.evidence:
            fact = facts.get(ev.measure)
            measured = ev.level_for(fact.value) if fact else None
            rows.append(EvidenceRow(agency, item.id, ev.measure, levels.get(item.id), fact, measured))
    return rows


def largest_gaps(rows: list[EvidenceRow], n: int | None = None) -> list[EvidenceRow]:
    """The highlighted rows, largest difference first (ties: agency, item)."""
    flagged = [r for r in rows if r.highlighted]
    flagged.sort(key=lambda r: (-abs(r.gap or 0), r.agency, r.item_id, r.measure))
    return flagged[:n] if n is not None else flagged
