"""Colours, symbols and wording every chart shares, so the report and the web app look and read the same.

The palette is chosen to survive printing in black and white: series differ
in lightness (and in dash and point shape), never in hue alone, and every
chart also labels its values directly. Suppressed and unavailable values are
drawn in one light grey with a dashed outline and labelled with their DfE
symbol, so a hidden count is visible as hidden rather than silently missing.
"""

from __future__ import annotations

INK = "#1a1a1a"
"""Text, axes and outlines (near black: contrast above 15:1 on white)."""

BAR = "#1f4e79"
"""Shown values in single-series charts: dark blue, nearly black when printed in grey."""

SERIES = ("#1f4e79", "#7a7a7a", "#000000", "#4d8fc7")
"""Up to four series, distinct in lightness; each also gets its own dash and point shape."""

DASHES = ((1, 0), (6, 3), (2, 2), (8, 2, 2, 2))
SHAPES = ("circle", "square", "triangle-up", "diamond")

HIDDEN = "#d0d0d0"
"""Fill for a value not shown (suppressed, not applicable, not available)."""

HIDDEN_STROKE = "#555555"
SEQUENTIAL = "blues"
"""Vega scheme for maps: lightness falls steadily with the value, so it reads in greyscale."""

FONT = "DejaVu Sans"

SYMBOLS = {
    "c": "c (hidden: a count of 1 to 5, or one that would reveal it)",
    "z": "z (not applicable)",
    ":": ": (not available)",
    "k": "k (rounds to zero)",
}
"""The DfE symbols a published cell can carry, in words for legends and captions."""

HIDDEN_LEGEND = "value hidden (c) or not available"
SHOWN_LEGEND = "value shown"


def symbol_words(status: str) -> str:
    """A status symbol in words ("c (hidden: ...)"); unknown symbols are shown as they are."""
    return SYMBOLS.get(status, status)


def config() -> dict:
    """Vega-Lite config: one font, dark text, no chart border, readable sizes."""
    return {
        "font": FONT,
        "view": {"stroke": None},
        "axis": {"labelColor": INK, "titleColor": INK, "domainColor": INK, "tickColor": INK,
                 "labelFontSize": 11, "titleFontSize": 11, "gridColor": "#e6e6e6"},
        "legend": {"labelColor": INK, "titleColor": INK, "labelFontSize": 11, "titleFontSize": 11,
                   "labelLimit": 320, "orient": "bottom", "direction": "vertical"},
        "title": {"color": INK, "fontSize": 13, "anchor": "start", "subtitleColor": INK},
        "text": {"color": INK, "fontSize": 11},
    }
