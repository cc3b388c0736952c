"""The synthetic agencies' maturity self-assessments and action plans, for the demo.

Every agency in the warehouse (the distinct ``source.agency``) answers the
questionnaire in two rounds, ``2025-03`` and ``2026-03``. Answers to items
with measured evidence sit within a level of what the agency's extract
suggests, so that only the differences planted on purpose stand out: an
agency that self-assesses high on a thing its extract rarely shows, and one
that undersells what its extract does show. :data:`PLANTED` is the truth a
test checks the evidence against. Plans are seeded from the suggestions, with
due dates around the second round, so some are overdue by the time the
extracts are taken (October 2026).

Everything is deterministic from ``seed``.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ceintel.maturity.measures import MeasuredFact
from ceintel.maturity.questionnaire import Item, Questionnaire, load_questionnaire
from ceintel.maturity.scoring import Answer, AnswerSet

if TYPE_CHECKING:
    from ceintel.workspace import Workspace

ROUNDS: tuple[tuple[str, dt.date], ...] = (("2025-03", dt.date(2025, 3, 31)), ("2026-03", dt.date(2026, 3, 31)))


@dataclass(frozen=True)
class Plant:
    """A deliberate difference between an answer and the agency's extract."""

    agency_word: str  # matched, case-insensitively, against the agency's name
    item_id: str
    direction: str  # "over": answer well above the extract; "under": well below
    note: str


PLANTED: tuple[Plant, ...] = (
    Plant("hospital", "ex_types", "over",
          "Our system has a safeguarding section where exploitation can be recorded."),
    Plant("police", "ex_places", "over",
          "Every occurrence has a location; officers record where things happen."),
    Plant("social care", "ex_types_consistent", "over",
          "Practitioners record exploitation in assessments as standard."),
    Plant("voluntary", "ex_flags", "under",
          "We do not think our spreadsheet has a proper flag for exploitation."),
)

ROLES = ("Head of service", "Business intelligence lead", "Data and performance manager",
         "Safeguarding lead", "Information governance lead")
NOTES = {
    1: "We have not started on this yet.",
    2: "Some teams do this; it is not consistent.",
    3: "Agreed practice, used most of the time; spot checks show gaps.",
    4: "Routine across the service and checked in audits.",
    5: "Routine, reviewed each year, and shared with partners as an example.",
}


@dataclass(frozen=True)
class PlantedGap:
    agency: str
    item_id: str
    self_level: int
    measured_level: int


@dataclass
class SeedResult:
    agencies: list[str]
    rounds: list[str]
    answers: list[AnswerSet]
    planted: list[PlantedGap]
    actions: int = 0
    overdue: int = 0
    extra: dict = field(default_factory=dict)

    def summary(self) -> str:
        return (f"{len(self.agencies)} agencies × {len(self.rounds)} rounds self-assessed "
                f"({len(self.planted)} planted differences from their extracts); {self.actions} actions in "
                f"{len(self.agencies) + 1} plans, {self.overdue} overdue at {AS_OF:%d %B %Y}")


def _clip(level: float) -> int:
    return int(max(1, min(5, round(level))))


def _measured(item: Item, facts: dict[str, MeasuredFact]) -> list[int]:
    levels = []
    for ev in item.evidence:
        fact = facts.get(ev.measure)
        lv = ev.level_for(fact.value) if fact else None
        if lv is not None:
            levels.append(lv)
    return levels


def _plant_for(agency: str, item_id: str) -> Plant | None:
    return next((p for p in PLANTED if p.agency_word in agency.lower() and p.item_id == item_id), None)


def synthetic_answers(q: Questionnaire, facts: dict[str, dict[str, MeasuredFact]], seed: int = 1
                      ) -> tuple[list[AnswerSet], list[PlantedGap]]:
    """Both rounds' answers for every agency in ``facts``, and the differences planted in the latest round."""
    sets: list[AnswerSet] = []
    planted: list[PlantedGap] = []
    for n, agency in enumerate(sorted(facts)):
        rng = random.Random(f"{seed}:maturity:{agency}")
        base = rng.choice((2.0, 2.5, 3.0, 3.5))
        latest: dict[str, int] = {}
        notes: dict[str, str] = {}
        for item in q.items:
            measured = _measured(item, facts[agency])
            plant = _plant_for(agency, item.id)
            if plant and measured:
                if plant.direction == "over" and min(measured) <= 3:
                    latest[item.id] = 5
                    planted.append(PlantedGap(agency, item.id, 5, min(measured)))
                    notes[item.id] = plant.note
                    continue
                if plant.direction == "under" and max(measured) >= 3:
                    latest[item.id] = 1
                    planted.append(PlantedGap(agency, item.id, 1, max(measured)))
                    notes[item.id] = plant.note
                    continue
            if measured:  # within a level of what the extract suggests
                centre = sum(measured) / len(measured)
                latest[item.id] = _clip(centre + rng.choice((-1, 0, 0, 0, 1)))
                latest[item.id] = max(min(latest[item.id], min(measured) + 1), max(measured) - 1)
            else:
                latest[item.id] = _clip(base + rng.gauss(0, 0.8))
        first = {}
        for item_id, level in latest.items():
            drop = rng.random()
            first[item_id] = max(1, level - (1 if drop < 0.4 else 2 if drop < 0.45 else 0))
        role = ROLES[n % len(ROLES)]
        for (label, held), levels in zip(ROUNDS, (first, latest), strict=True):
            answered_at = dt.datetime(held.year, held.month, 10 + n % 15, 10, 0)
            skipped = {i.id for i in q.items if rng.random() < 0.04} if label == ROUNDS[0][0] else set()
            answers = tuple(
                Answer(item.id, levels[item.id], notes.get(item.id) or NOTES[levels[item.id]],
                       f"{role}, {agency}", answered_at)
                for item in q.items if item.id not in skipped)
            sets.append(AnswerSet(agency, label, q.version, answers))
    return sets, planted


PARTNERSHIP_OWNERS = ("Chair, exploitation sub-group", "Partnership business manager", "Partnership analyst")
DUE = (dt.date(2026, 6, 30), dt.date(2026, 9, 30), dt.date(2026, 12, 31), dt.date(2027, 3, 31))
AS_OF = dt.date(2026, 10, 5)
"""The synthetic extracts' date: overdue actions in the seed result are counted as of this day."""


def seed_demo(ws: Workspace, seed: int = 1, *, url: str | None = None) -> SeedResult:
    """Store both rounds of answers for every agency in the warehouse, and seed the action plans."""
    from ceintel.actions.plans import add_action, add_suggestions, list_actions, update_action
    from ceintel.actions.workspace import suggestions_from
    from ceintel.errors import WorkspaceError
    from ceintel.maturity.storage import save_answers
    from ceintel.maturity.summary import measure_workspace, quality_sources, summarise
    from ceintel.store.db import session_scope, store_url

    q = load_questionnaire()
    facts = measure_workspace(ws)
    if not facts:
        raise WorkspaceError(f"{ws.root}: no warehouse (or no sources in it) to take the agencies from; "
                             f"run: ceintel ingest {ws.root}")
    url = url or store_url(ws)
    sets, planted = synthetic_answers(q, facts, seed)
    with session_scope(url) as session:
        for answer_set in sets:
            held = dict(ROUNDS)[answer_set.round]
            save_answers(session, q, answer_set, held_on=held)
    summary = summarise(ws, url=url, questionnaire=q, facts=facts)
    suggestions = suggestions_from(summary, quality_sources(ws))
    rng = random.Random(f"{seed}:actions")
    created = dt.datetime(2026, 4, 20, 9, 0)
    chosen = [s for s in suggestions if s.scope == "partnership"][:6]
    for agency in sorted(facts):
        chosen += [s for s in suggestions if s.agency == agency][:3]
    with session_scope(url) as session:
        added = add_suggestions(session, chosen, by="Partnership analyst", at=created)
        if not any(a.suggestion_key == "demo:shared_code_list" for a in list_actions(session, dt.date.today())):
            added.append(add_action(
                session, agency=None, what="Agree one list of exploitation types that every agency records",
                why="Agencies record different sets of exploitation types, so counts cannot be compared.",
                owner=PARTNERSHIP_OWNERS[0], due_on=DUE[0], suggestion_key="demo:shared_code_list",
                by="Partnership analyst", at=created))
        for k, action in enumerate(added):
            agency = action.plan.agency
            action.owner = action.owner or (PARTNERSHIP_OWNERS[k % len(PARTNERSHIP_OWNERS)] if agency is None
                                            else f"{ROLES[k % len(ROLES)]}, {agency}")
            action.due_on = action.due_on or DUE[k % len(DUE)]
            roll = rng.random()
            first = dt.datetime(2026, 5, 1 + k % 28, 14, 0)
            if roll < 0.25:
                update_action(session, action.id, status="in_progress", note="Started; first meeting held.",
                              by=action.owner, at=first)
                update_action(session, action.id, status="done", note="Done; see the data owner's note.",
                              by=action.owner, at=first + dt.timedelta(days=60))
            elif roll < 0.6:
                update_action(session, action.id, status="in_progress", note="Work started.", by=action.owner,
                              at=first)
            elif roll < 0.7:
                update_action(session, action.id, note="Waiting for the system supplier to reply.",
                              by=action.owner, at=first)
        session.flush()
        views = list_actions(session, AS_OF)
    result = SeedResult(sorted(facts), [r for r, _ in ROUNDS], sets, planted, len(views),
                        sum(v.overdue for v in views))
    return result
