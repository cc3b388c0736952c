"""Synthetic practice narratives for the demo: the practice story beside the numbers.

A handful of practitioners and analysts of the synthetic partnership write
commentary on indicators, themes and analyses the framework and analyses
produce (places of concern, missing episodes, return home interviews,
overlaps between agencies, MACE). The authors and their roles are fictional;
the words are written to lead with care (DESIGN principle 2): risk comes from
the adults who exploit children, and the concern stays explicit. Every text
passes the language check, and seeding refuses one that does not.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ceintel.workspace import Workspace


@dataclass(frozen=True)
class SeedNarrative:
    target_kind: str
    target_id: str
    title: str
    text: str
    author: str
    """A fictional job title: no real person is named."""
    author_role: str
    """The ceintel role the author signs in with (``practitioner``, ``analyst``, ``strategic_lead``)."""


NARRATIVES: tuple[SeedNarrative, ...] = (
    SeedNarrative(
        "analysis", "places_of_concern", "What outreach workers see at the takeaway",
        "Detached youth workers have met young people near the takeaway on most Friday evenings this year. "
        "Adults in cars wait nearby and offer lifts, food and phone credit. The children we talk to are being "
        "groomed; several have told us they feel they owe these adults something. We have shared the car "
        "details with the police through the partnership intelligence form.",
        "Detached youth work lead (synthetic)", "practitioner"),
    SeedNarrative(
        "indicator", "children_missing", "Why more children are reported missing",
        "Part of the rise is better recording: since the spring, residential homes report every episode when a "
        "child's whereabouts are not known, instead of waiting until the next morning. Part of it is real: "
        "children are being taken to other towns by adults who exploit them, and some come back with injuries "
        "or debts they did not choose.",
        "Missing from home coordinator (synthetic)", "practitioner"),
    SeedNarrative(
        "indicator", "rhi_within_72_hours", "Return home interviews within 72 hours",
        "Interviews offered at weekends are the ones most often late, because the service has no weekend rota. "
        "When an interview does happen, children often tell us about the places and the adults who took them "
        "there; that information now goes to the MACE panel within a week.",
        "Return home interview worker (synthetic)", "practitioner"),
    SeedNarrative(
        "analysis", "agency_combinations", "Children known to one agency only",
        "Many of the children only one agency knows are known to the voluntary sector service, which children "
        "and families often trust first. The data sharing agreement signed this year means those children can "
        "now be seen by the partnership; the figures for earlier years undercount them.",
        "Partnership intelligence analyst (synthetic)", "analyst"),
    SeedNarrative(
        "indicator", "exploited_never_mace", "Children who have never been discussed at MACE",
        "The panel hears about children whose exploitation is already well known to social care. Children "
        "identified first by schools or the emergency department are less often referred. We are testing a "
        "simpler referral route for designated safeguarding leads from next term.",
        "Exploitation practice lead (synthetic)", "practitioner"),
    SeedNarrative(
        "theme", "patterns_of_harm", "What the numbers do not show about criminal exploitation",
        "Practitioners describe children being made to carry and store drugs, and being threatened when a debt "
        "is invented. Many of these children are recorded only as missing or as suspects in police incidents, "
        "so the count of children with a criminal exploitation concern is likely to be too low.",
        "Youth justice practice manager (synthetic)", "practitioner"),
    SeedNarrative(
        "theme", "data_quality", "Ethnicity in police records",
        "Officers record ethnicity at the scene as they perceive it, and often leave it blank when a child is "
        "distressed. The force is adding the self-defined code to the safeguarding referral form, so the share "
        "not known should fall next year without any change in who is harmed.",
        "Police safeguarding data lead (synthetic)", "analyst"),
    SeedNarrative(
        "partnership", "partnership", "A word from the sub-group chair",
        "This profile brings together what six agencies record. It shows where adults target our children and "
        "where help arrives late. The numbers are small, and each one is a child: we read them alongside what "
        "children and practitioners tell us.",
        "Chair of the child exploitation sub-group (synthetic)", "strategic_lead"),
)


class NarrativeLanguageError(ValueError):
    """A seed narrative that the language check flags (a bug in the demo data)."""


def check_seeds(seeds: tuple[SeedNarrative, ...] = NARRATIVES) -> None:
    from ceintel.language import check_text

    for n in seeds:
        found = check_text(n.text) + check_text(n.title)
        if found:
            raise NarrativeLanguageError(f"seed narrative {n.title!r}: " + "; ".join(str(f) for f in found))


def seed_narratives(ws: Workspace, *, url: str | None = None) -> int:
    """Add the synthetic narratives to the workspace's store (each once); returns how many were added."""
    from ceintel.store.db import session_scope, store_url
    from ceintel.store.narratives import current_narratives, save_narrative

    check_seeds()
    added = 0
    with session_scope(url or store_url(ws)) as session:
        have = {(n.title, n.author) for n in current_narratives(session)}
        for n in NARRATIVES:
            if (n.title, n.author) in have:
                continue
            save_narrative(session, target_kind=n.target_kind, target_id=n.target_id, text=n.text, author=n.author,
                           author_role=n.author_role, title=n.title)
            added += 1
    return added
