"""A radar chart of domain scores as a self-contained SVG string (no script, no external assets).

The report and the web app embed it inline. It carries a ``<title>`` and a
``<desc>`` that state every score in words, so a screen reader gets the same
information as the picture; a second round is drawn dashed as well as in a
second colour, so the two can be told apart without colour.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from html import escape

from ceintel.maturity.scoring import DomainScore

MAX_LEVEL = 5
STYLES = (
    {"stroke": "#1f4e79", "fill": "#1f4e79", "fill_opacity": "0.18", "dash": ""},
    {"stroke": "#b3541e", "fill": "none", "fill_opacity": "0", "dash": "6 4"},
    {"stroke": "#3a7d44", "fill": "none", "fill_opacity": "0", "dash": "2 3"},
)


def _fmt(x: float) -> str:
    return f"{x:.1f}"


def _wrap(text: str, width: int = 14) -> list[str]:
    words, lines, line = text.split(), [], ""
    for w in words:
        if line and len(line) + 1 + len(w) > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return [*lines, line] if line else lines


def radar_svg(series: Sequence[tuple[str, Sequence[DomainScore]]], *, title: str, size: int = 520) -> str:
    """SVG of one or more series (label, domain scores) on shared axes, levels 0 to 5.

    Domains without an answer are drawn at the centre and described as not answered.
    """
    if not series:
        raise ValueError("a radar chart needs at least one series of domain scores")
    if len(series) > len(STYLES):
        raise ValueError(f"at most {len(STYLES)} series can be overlaid")
    axes = [(s.domain_id, s.short or s.title) for s in series[0][1]]
    if len(axes) < 3:
        raise ValueError("a radar chart needs at least three domains")
    for label, scores in series:
        if [s.domain_id for s in scores] != [a[0] for a in axes]:
            raise ValueError(f"series {label!r} has different domains from the first series")

    cx = cy = size / 2
    radius = size * 0.27
    n = len(axes)

    def at(i: int, r: float) -> tuple[float, float]:
        angle = -math.pi / 2 + 2 * math.pi * i / n
        return cx + r * math.cos(angle), cy + r * math.sin(angle)

    def point(i: int, value: float) -> tuple[float, float]:
        return at(i, radius * max(0.0, min(value, MAX_LEVEL)) / MAX_LEVEL)

    parts: list[str] = []
    desc_lines = []
    for label, scores in series:
        described = "; ".join(f"{s.title} {s.mean:.1f}" if s.mean is not None else f"{s.title} not answered"
                              for s in scores)
        desc_lines.append(f"{label}: {described}.")
    desc = "Domain scores from 1 (beginning) to 5 (mastering). " + " ".join(desc_lines)
    legend_h = 22 * len(series)
    height = size + legend_h
    parts.append(f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {height}" width="{size}" '
                 f'height="{height}" role="img" aria-labelledby="radar-title radar-desc" '
                 f'font-family="sans-serif" font-size="11">')
    parts.append(f'<title id="radar-title">{escape(title)}</title>')
    parts.append(f'<desc id="radar-desc">{escape(desc)}</desc>')
    # rings and their level labels
    for level in range(1, MAX_LEVEL + 1):
        ring = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in (point(i, level) for i in range(n)))
        parts.append(f'<polygon points="{ring}" fill="none" stroke="#c8c8c8" stroke-width="1"/>')
        lx, ly = point(0, level)
        parts.append(f'<text x="{_fmt(lx + 3)}" y="{_fmt(ly + 4)}" fill="#6b6b6b" font-size="9">{level}</text>')
    # spokes and domain labels
    for i, (_, name) in enumerate(axes):
        x, y = point(i, MAX_LEVEL)
        parts.append(f'<line x1="{_fmt(cx)}" y1="{_fmt(cy)}" x2="{_fmt(x)}" y2="{_fmt(y)}" stroke="#c8c8c8"/>')
        tx, ty = at(i, radius * 1.14)
        anchor = "middle" if abs(tx - cx) < 1 else ("start" if tx > cx else "end")
        lines = _wrap(name)
        top = ty - 6 * (len(lines) - 1)
        spans = "".join(f'<tspan x="{_fmt(tx)}" dy="{0 if k == 0 else 12}">{escape(line)}</tspan>'
                        for k, line in enumerate(lines))
        parts.append(f'<text x="{_fmt(tx)}" y="{_fmt(top)}" text-anchor="{anchor}" fill="#222">{spans}</text>')
    # series, the first on top drawn last
    for k in reversed(range(len(series))):
        label, scores = series[k]
        st = STYLES[k]
        pts = [point(i, s.mean or 0.0) for i, s in enumerate(scores)]
        poly = " ".join(f"{_fmt(x)},{_fmt(y)}" for x, y in pts)
        dash = f' stroke-dasharray="{st["dash"]}"' if st["dash"] else ""
        parts.append(f'<polygon points="{poly}" fill="{st["fill"]}" fill-opacity="{st["fill_opacity"]}" '
                     f'stroke="{st["stroke"]}" stroke-width="2"{dash}><title>{escape(label)}</title></polygon>')
        for (x, y), s in zip(pts, scores, strict=True):
            value = "not answered" if s.mean is None else f"{s.mean:.1f}"
            parts.append(f'<circle cx="{_fmt(x)}" cy="{_fmt(y)}" r="3" fill="{st["stroke"]}">'
                         f'<title>{escape(label)}: {escape(s.title)} {value}</title></circle>')
    # legend
    for k, (label, _) in enumerate(series):
        st = STYLES[k]
        y = size + 8 + 22 * k
        dash = f' stroke-dasharray="{st["dash"]}"' if st["dash"] else ""
        parts.append(f'<line x1="16" y1="{y}" x2="46" y2="{y}" stroke="{st["stroke"]}" stroke-width="2"{dash}/>')
        parts.append(f'<text x="54" y="{y + 4}" fill="#222">{escape(label)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)
