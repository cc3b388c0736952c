"""The profile as data: gathered values turned into sections, with narratives placed beside their numbers.

:func:`compose` is pure (it renders charts to SVG strings but touches no file
or database): it takes what :func:`ceintel.report.gather.gather` read and
returns a :class:`Profile` for the templates.
"""

from __future__ import annotations

from ceintel.report.gather import Gathered
from ceintel.report.messages import key_messages
from ceintel.report.model import Block, Profile, Section
from ceintel.report.narratives import NarrativeIndex
from ceintel.report.sections import SECTIONS, THEME_SECTIONS, Context

TITLE = "Child exploitation profile"


def compose(g: Gathered) -> Profile:
    index = NarrativeIndex(g.narratives, period=g.period.label)
    ctx = Context(g, index)
    built = [(sid, make(ctx)) for sid, make in SECTIONS]
    by_id = {sid: s for sid, s in built}
    for theme, sid in THEME_SECTIONS.items():
        taken = index.take("theme", theme)
        if taken and sid in by_id:
            by_id[sid].blocks.insert(0, Block("Practice narratives on this theme", narratives=taken))
    lead = Section("key-messages", "Key messages",
                   intro=[f"What the partnership's shared data shows for {g.period.words()}. Each message is drawn "
                          "from the figures in this profile, after disclosure control."])
    lead.blocks.append(Block(items=key_messages(g)))
    story = index.take("partnership", "partnership", g.partnership) + index.take("period", g.period.label)
    story += index.rest()
    if story:
        lead.blocks.append(Block("What practitioners tell us", narratives=story))
    sections = [lead] + [s for _, s in built]
    return Profile(title=TITLE, partnership=g.partnership, audience=g.audience, period_label=g.period.label,
                   period_words=g.period.words(), built_at=f"{g.built_at:%-d %B %Y}", made_on=g.today,
                   sections=sections, language_notes=index.notes)
