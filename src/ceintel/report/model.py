"""The profile as plain data: sections of blocks holding text, figures, tables and narratives.

Gathering fills these from the published tables; the templates only lay them
out. Every cell is already a string, so no template formats a number, and a
cell that counts people is marked ``count`` so a check can prove that no
count from 1 to the threshold reaches the page.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Cell:
    text: str
    count: bool = False
    """A count of people (or their episodes): disclosure control applies to it."""
    numeric: bool = False


@dataclass
class Table:
    caption: str
    columns: list[str]
    rows: list[list[Cell]]
    row_headers: bool = True
    """The first column names the row (``<th scope="row">``)."""


@dataclass
class Figure:
    id: str
    title: str
    description: str
    """The alt text: what the chart shows, in a sentence or two, with its main numbers."""
    svg: str
    caption: str
    tables: list[Table]


@dataclass
class NarrativeView:
    title: str
    text: str
    author: str
    role: str
    written: str
    target: str
    findings: list[str] = field(default_factory=list)


@dataclass
class Block:
    """One thing the profile says: a heading, words, figures, tables, and the narratives that explain it."""

    heading: str = ""
    paragraphs: list[str] = field(default_factory=list)
    figures: list[Figure] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    narratives: list[NarrativeView] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    """Short notes set in smaller type: what the figure answers, what it cannot tell us."""
    items: list[str] = field(default_factory=list)
    """A bulleted list (key messages, caveats)."""
    author_items: list[str] = field(default_factory=list)
    """A bulleted list of people's own words (action titles): checked for language as narratives are."""


@dataclass
class Section:
    id: str
    title: str
    intro: list[str] = field(default_factory=list)
    blocks: list[Block] = field(default_factory=list)


@dataclass
class Profile:
    title: str
    partnership: str
    audience: str
    period_label: str
    period_words: str
    built_at: str
    made_on: dt.date
    sections: list[Section]
    language_notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ReportResult:
    html: Path
    pdf: Path | None
    pages: int
    period: str
    audience: str
    sections: tuple[str, ...]
    language_notes: int
