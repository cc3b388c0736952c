"""Small helpers for hand-written SVG: one document shape, escaped text, accessible by construction."""

from __future__ import annotations

from html import escape

SVG_NS = "http://www.w3.org/2000/svg"


def document(width: float, height: float, body: list[str], *, title: str, description: str) -> str:
    """A standalone SVG with ``role="img"``, ``aria-label``, ``<title>`` and ``<desc>`` (no script, no links)."""
    label = escape(f"{title}. {description}", quote=True)
    return (f'<svg xmlns="{SVG_NS}" viewBox="0 0 {width:.0f} {height:.0f}" width="{width:.0f}" '
            f'height="{height:.0f}" role="img" aria-label="{label}" font-family="DejaVu Sans, sans-serif">'
            f"<title>{escape(title)}</title><desc>{escape(description)}</desc>"
            f'<rect width="{width:.0f}" height="{height:.0f}" fill="white"/>' + "".join(body) + "</svg>")


def text(x: float, y: float, words: str, *, size: int = 11, anchor: str = "start", weight: str = "normal",
         fill: str = "#1a1a1a") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" font-size="{size}" text-anchor="{anchor}" font-weight="{weight}" '
            f'fill="{fill}">{escape(words)}</text>')
