"""Suggested actions from maturity answers, measured evidence and data quality findings (plain data in, out).

A suggestion is a starting point for an agency's or the partnership's plan,
not an instruction: it says what might help and why it was suggested, and
carries a stable ``key`` so that adding suggestions twice adds each once.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ceintel.maturity.evidence import EvidenceRow
from ceintel.maturity.measures import MEASURES
from ceintel.maturity.questionnaire import Questionnaire

LOW = 2
"""Answers at or below this level suggest an action."""

SHARED_LOW = 0.5
"""An item answered low by at least this share of agencies becomes a partnership action too."""

# Quality findings that suggest an action: thresholds on a source's quality profile.
WEAK_FIELD = 0.5
HELD_BACK = 0.05
STALE_DAYS = 92
WEAK_VALIDITY = 0.95


@dataclass(frozen=True)
class Suggestion:
    key: str
    scope: str  # "agency" or "partnership"
    agency: str | None
    what: str
    why: str
    maturity_item_id: str | None = None
    indicator_id: str | None = None
    priority: int = 3
    """1 most pressing; used only to order suggestions."""


def from_answers(q: Questionnaire, by_agency: Mapping[str, Mapping[str, int]], *, low: int = LOW,
                 shared: float = SHARED_LOW) -> list[Suggestion]:
    """Agency suggestions for items answered at ``low`` or below; partnership ones where many agencies are low."""
    out: list[Suggestion] = []
    for agency, levels in sorted(by_agency.items()):
        for item in q.items:
            level = levels.get(item.id)
            if level is not None and level <= low:
                out.append(Suggestion(
                    key=f"maturity:{agency}:{item.id}", scope="agency", agency=agency, what=item.suggestion,
                    why=f"Self-assessed level {level} ({q.level_name(level)}) on: {item.question}",
                    maturity_item_id=item.id, indicator_id=item.indicator, priority=level))
    for item in q.items:
        answered = [levels[item.id] for levels in by_agency.values() if item.id in levels]
        lows = sum(1 for lv in answered if lv <= low)
        if answered and len(answered) > 1 and lows / len(answered) >= shared:
            out.append(Suggestion(
                key=f"maturity:partnership:{item.id}", scope="partnership", agency=None,
                what=f"Across the partnership: {item.suggestion}",
                why=f"{lows} of {len(answered)} agencies self-assess at level {low} or below on: {item.question}",
                maturity_item_id=item.id, indicator_id=item.indicator, priority=1 if lows == len(answered) else 2))
    return out


def from_evidence(q: Questionnaire, rows: Iterable[EvidenceRow]) -> list[Suggestion]:
    """A conversation for each highlighted difference between an answer and its measured evidence."""
    out = []
    for r in rows:
        if not r.highlighted:
            continue
        item = q.item(r.item_id)
        m = MEASURES[r.measure]
        out.append(Suggestion(
            key=f"evidence:{r.agency}:{r.item_id}:{r.measure}", scope="agency", agency=r.agency,
            what=f"Talk through '{item.question}' with the data owner, with the extract's figure beside the "
                 f"answer ({m.title})",
            why=r.message(q), maturity_item_id=r.item_id, indicator_id=item.indicator, priority=2))
    return out


def _field_label(field: str) -> str:
    """``events[0].place.kind`` → ``place kind`` (the words a data owner uses)."""
    tail = field.split(".", 1)[-1] if "." in field else field
    return tail.replace(".", " ").replace("_", " ")


def from_quality(sources: Iterable[Mapping]) -> list[Suggestion]:
    """Suggestions from the quality profile (rows of ``quality_source``), one or more per source."""
    out = []
    for s in sources:
        sid, agency = s["source_id"], s["agency"]
        lowest, fld = s.get("lowest_completeness"), s.get("lowest_completeness_field")
        if lowest is not None and fld and lowest < WEAK_FIELD:
            out.append(Suggestion(
                key=f"quality:{sid}:completeness:{fld}", scope="agency", agency=agency,
                what=f"Improve how '{_field_label(fld)}' is filled in for {sid}",
                why=f"The latest extract of {sid} has '{_field_label(fld)}' filled in on {lowest:.0%} of rows.",
                priority=2))
        read = s.get("rows_read") or 0
        held = (s.get("rows_quarantined") or 0) - (s.get("rows_out_of_area") or 0)
        if read and held / read >= HELD_BACK:
            out.append(Suggestion(
                key=f"quality:{sid}:held_back", scope="agency", agency=agency,
                what=f"Review the rows of {sid} held back at loading (quarantine/{sid}.csv) with the data owner",
                why=f"{held:,} of {read:,} rows ({held / read:.0%}) of the latest extract could not be loaded.",
                priority=2))
        days = s.get("days_newest_to_extract")
        if days is not None and days > STALE_DAYS:
            out.append(Suggestion(
                key=f"quality:{sid}:stale", scope="agency", agency=agency,
                what=f"Check that the {sid} extract includes recent records",
                why=f"The newest event in the latest extract of {sid} is {days:,} days older than the extract.",
                priority=3))
        validity = s.get("mean_validity")
        if validity is not None and validity < WEAK_VALIDITY:
            out.append(Suggestion(
                key=f"quality:{sid}:validity", scope="agency", agency=agency,
                what=f"Agree the codes and formats used in {sid} (the least valid field is "
                     f"'{_field_label(s.get('lowest_validity_field') or '')}')",
                why=f"On average {validity:.0%} of values in {sid} pass the partnership's checks.", priority=3))
        if (s.get("gap_months") or 0) > 0:
            out.append(Suggestion(
                key=f"quality:{sid}:gaps", scope="agency", agency=agency,
                what=f"Check the months with unusually few events in {sid} (gaps in recording or delivery?)",
                why=f"{s['gap_months']} complete months hold fewer than half the usual events.", priority=3))
    return out


def ordered(suggestions: Iterable[Suggestion]) -> list[Suggestion]:
    """Partnership first, then by priority, agency and key; duplicates (same key) dropped."""
    seen: set[str] = set()
    out = []
    for s in sorted(suggestions, key=lambda s: (s.scope != "partnership", s.priority, s.agency or "", s.key)):
        if s.key not in seen:
            seen.add(s.key)
            out.append(s)
    return out
