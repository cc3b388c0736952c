"""A picture of the network summary: how many peer groups of each size, drawn as small groups of dots.

No graph of people is ever drawn for the report (that is analyst data);
only the published counts of groups by size, and the counts of children in
groups and adults linked to several children, as text beside them. Groups
are not people, so their counts are shown as published.
"""

from __future__ import annotations

import math
from typing import Any

from ceintel.charts.style import BAR, INK
from ceintel.charts.svg import document, text
from ceintel.charts.values import read_value, records

MAX_ICONS = 24


def _icon(cx: float, cy: float, dots: int) -> list[str]:
    """A ring of ``dots`` small circles joined to a centre: one peer group."""
    out = []
    for k in range(dots):
        a = 2 * math.pi * k / dots
        x, y = cx + 9 * math.cos(a), cy + 9 * math.sin(a)
        out.append(f'<line x1="{cx:.1f}" y1="{cy:.1f}" x2="{x:.1f}" y2="{y:.1f}" stroke="{INK}" stroke-width="0.8"/>')
        out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{BAR}" stroke="{INK}" stroke-width="0.6"/>')
    return out


def group_size_rows(summary: Any) -> list[dict]:
    """The "peer groups of N children" rows of ``network_summary``, with how many dots to draw per icon."""
    out = []
    for r in records(summary):
        measure = str(r.get("measure", ""))
        if not measure.startswith("peer groups of "):
            continue
        numbers = [int(t) for t in measure.replace("children", "").split() if t.isdigit()]
        dots = min(max(numbers[0] if numbers else 3, 2), 8)
        out.append({"measure": measure, "value": read_value(r.get("value")), "dots": dots})
    return out


def network_svg(summary: Any, *, title: str, description: str) -> str:
    """SVG: one row per group size with that many group icons (or the symbol), then the other measures in words."""
    rows = group_size_rows(summary)
    others = [r for r in records(summary) if not str(r.get("measure", "")).startswith("peer groups of ")]
    body: list[str] = []
    y = 26.0
    for r in rows:
        v = r["value"]
        body.append(text(10, y + 4, f'{r["measure"].capitalize()}: {v.label()}', size=11))
        if v.shown and v.number:
            n = int(v.number)
            for i in range(min(n, MAX_ICONS)):
                body.extend(_icon(270 + i * 28, y, r["dots"]))
            if n > MAX_ICONS:
                body.append(text(270 + MAX_ICONS * 28, y + 4, f"+{n - MAX_ICONS}"))
        y += 34
    y += 6
    for r in others:
        body.append(text(10, y, f'{str(r.get("measure", "")).capitalize()}: {read_value(r.get("value")).label()}',
                         size=11))
        y += 20
    return document(max(620, 290 + min(MAX_ICONS, 6) * 28), y + 6, body, title=title, description=description)
