"""The linkage report: what linked, how well, and what it cannot tell us, as Markdown and HTML.

The identity step ends by saying, to a strategic reader as much as to an
analyst, how many records became how many people, which agencies know the
same children, what each piece of evidence was worth to the model, how sure
it was of the pairs it compared, and where the linkage is blind.

The report is built in two steps, so each can be tested alone: gathering
(:func:`linkage_report`, counts from the identity tables into a plain
:class:`LinkageReport`) and writing (:func:`write_report`). Both outputs are
rendered from one list of blocks, so the Markdown and the HTML cannot drift
apart; the HTML adds charts drawn as inline SVG and needs nothing from the
network (no fonts, no scripts).

Nothing in it identifies a child: it holds counts, source names and the
model's labels only, never a record key, a person id or a value. Because it
may be shared beyond analysts, counts of people or records broken down by
source are shown as "<6" when they are between 1 and 5 (:data:`SMALL`); the
:class:`LinkageReport` itself keeps the exact numbers.
"""

from __future__ import annotations

import html
import math
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from ceintel.config import REVIEW_BAND

if TYPE_CHECKING:
    from ceintel.identity.cluster import Outcome
    from ceintel.identity.evaluate import Scores
    from ceintel.identity.link import Training

RECORDS, PAIRS, PEOPLE = "id_records", "id_pairs", "id_people"
BINS = 20
"""Bins of the match probability histogram, each 0.05 wide."""
SMALL = 6
"""Counts from 1 to SMALL - 1 are shown as "<6" in tables by source."""
MARKDOWN_FILE, HTML_FILE = "linkage.md", "linkage.html"


@dataclass(frozen=True)
class SourceFigures:
    """One source: its records, its people, and how many of them another source also knows."""

    source: str
    records: int
    people: int
    known_elsewhere: int
    share_known_elsewhere: float | None
    """known_elsewhere / people (None for a source with no people)."""


@dataclass(frozen=True)
class LevelWeight:
    """One comparison level and its match weight: log2(m / u), in bits (None if m or u is not set)."""

    comparison: str
    level: str
    m: float | None
    u: float | None
    weight: float | None


@dataclass(frozen=True)
class Bin:
    """Scored pairs with match probability in [low, high) (the last bin includes 1.0)."""

    low: float
    high: float
    pairs: int


@dataclass(frozen=True)
class LinkageReport:
    """Everything the linkage report says, as plain data (exact counts, nothing identifying)."""

    records: int
    spellings: int
    people: int
    sources: int
    people_in_several_sources: int
    """People known to two or more sources."""
    per_source: list[SourceFigures]
    overlap: dict[str, dict[str, int]]
    """overlap[a][b]: people known to both a and b; overlap[a][a] is the people source a knows."""
    weights: list[LevelWeight]
    histogram: list[Bin]
    pairs: int
    """Scored pairs of spellings (what Splink compared and kept)."""
    review_band: tuple[float, float]
    review_pairs: int
    """Pairs of records with a match probability in the review band (decided or not)."""
    refused: dict[str, int]
    forced_links: int
    scored_links: int
    trained: list[str]
    kept_prior: list[str]
    training_messages: list[str]
    prior_match: float | None
    """λ: the chance that two records picked at random are one person."""
    term_frequencies: bool = False
    """Whether some levels are weighed by how common the value is (the table shows the average)."""
    too_little_to_compare: int | None = None
    """Records none of whose spellings held enough to compare (None if not known)."""
    scores: dict[str, Scores] = field(default_factory=dict)
    timings: dict[str, float] = field(default_factory=dict)


# --------------------------------------------------------------------------- gathering

def linkage_report(con: duckdb.DuckDBPyConnection, model: dict, training: Training, outcome: Outcome,
                   scores: dict[str, Scores] | None = None, timings: dict[str, float] | None = None,
                   review_band: tuple[float, float] = REVIEW_BAND) -> LinkageReport:
    """Count what the identity tables (id_records, id_pairs, id_people) and the model say."""
    spellings = con.execute(f"SELECT count(*) FROM {RECORDS}").fetchone()[0]
    records, people, sources = con.execute(
        f"SELECT count(*), count(DISTINCT person_id), count(DISTINCT source_id) FROM {PEOPLE}").fetchone()
    several = con.execute(f"""SELECT count(*) FROM (SELECT person_id FROM {PEOPLE} GROUP BY person_id
                              HAVING count(DISTINCT source_id) >= 2)""").fetchone()[0]
    per_source, overlap = _sources(con)
    histogram, pairs = _histogram(con)
    prior = training.probability_two_random_records_match
    if prior is None:
        prior = model.get("probability_two_random_records_match")
    return LinkageReport(
        records=records, spellings=spellings, people=people, sources=sources,
        people_in_several_sources=several, per_source=per_source, overlap=overlap,
        weights=level_weights(model), histogram=histogram, pairs=pairs, review_band=tuple(review_band),
        review_pairs=_in_band(con, review_band), refused=dict(sorted(outcome.refused.items(),
                                                                     key=lambda kv: (-kv[1], kv[0]))),
        forced_links=outcome.forced_links, scored_links=outcome.scored_links,
        trained=list(training.trained), kept_prior=list(training.kept_prior),
        training_messages=list(training.messages), prior_match=prior,
        term_frequencies=any("tf_adjustment_column" in lvl for comp in model.get("comparisons", [])
                             for lvl in comp.get("comparison_levels", [])),
        too_little_to_compare=_too_little(con), scores=dict(scores or {}), timings=dict(timings or {}))


def _sources(con: duckdb.DuckDBPyConnection) -> tuple[list[SourceFigures], dict[str, dict[str, int]]]:
    counts = con.execute(f"""
        WITH ps AS (SELECT DISTINCT person_id, source_id FROM {PEOPLE}),
             several AS (SELECT person_id FROM ps GROUP BY person_id HAVING count(*) >= 2)
        SELECT p.source_id, count(*), count(DISTINCT p.person_id),
               count(DISTINCT p.person_id) FILTER (WHERE p.person_id IN (SELECT person_id FROM several))
        FROM {PEOPLE} p GROUP BY p.source_id ORDER BY p.source_id""").fetchall()
    per_source = [SourceFigures(s, n, k, e, e / k if k else None) for s, n, k, e in counts]
    names = [f.source for f in per_source]
    overlap = {a: dict.fromkeys(names, 0) for a in names}
    for a, b, n in con.execute(f"""
            WITH ps AS (SELECT DISTINCT person_id, source_id FROM {PEOPLE})
            SELECT a.source_id, b.source_id, count(*) FROM ps a JOIN ps b USING (person_id)
            GROUP BY ALL""").fetchall():
        overlap[a][b] = n
    return per_source, overlap


def level_weights(model: dict) -> list[LevelWeight]:
    """Every level of every comparison, most similar first, with its weight log2(m/u).

    The "not recorded" level is left out: it carries no evidence either way
    (its weight is 0 by construction).
    """
    out = []
    for comp in model.get("comparisons", []):
        name = comp.get("output_column_name", "")
        for lvl in comp.get("comparison_levels", []):
            if lvl.get("is_null_level"):
                continue
            m, u = lvl.get("m_probability"), lvl.get("u_probability")
            weight = math.log2(m / u) if m and u and m > 0 and u > 0 else None
            out.append(LevelWeight(name, lvl.get("label_for_charts", ""), m, u, weight))
    return out


def _histogram(con: duckdb.DuckDBPyConnection) -> tuple[list[Bin], int]:
    counts = dict(con.execute(f"""
        SELECT least(greatest(CAST(floor(match_probability * {BINS}) AS INTEGER), 0), {BINS - 1}), count(*)
        FROM {PAIRS} WHERE match_probability IS NOT NULL GROUP BY ALL""").fetchall())
    pairs = con.execute(f"SELECT count(*) FROM {PAIRS}").fetchone()[0]
    return [Bin(i / BINS, (i + 1) / BINS, counts.get(i, 0)) for i in range(BINS)], pairs


def _in_band(con: duckdb.DuckDBPyConnection, band: tuple[float, float]) -> int:
    """Pairs of records in the band, counted as review.write_review_pairs keeps them."""
    return con.execute(f"""
        SELECT count(*) FROM (
          SELECT DISTINCT least(l.record, r.record), greatest(l.record, r.record)
          FROM {PAIRS} p JOIN {RECORDS} l ON l.uid = p.uid_l JOIN {RECORDS} r ON r.uid = p.uid_r
          WHERE p.match_probability >= ? AND p.match_probability < ? AND l.record <> r.record)""",
        [band[0], band[1]]).fetchone()[0]


def _too_little(con: duckdb.DuckDBPyConnection) -> int | None:
    columns = {row[0] for row in con.execute(f"DESCRIBE {RECORDS}").fetchall()}
    if "linkable" not in columns:
        return None
    return con.execute(f"""SELECT count(*) FROM (SELECT record FROM {RECORDS} GROUP BY record
                           HAVING NOT coalesce(bool_or(linkable), false))""").fetchone()[0]


# --------------------------------------------------------------------------- blocks

@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    """May hold **bold** and `code`; nothing else is markup."""


@dataclass(frozen=True)
class Bullets:
    items: list[str]
    literal: bool = False
    """Items are data (e.g. training messages): written as they are, never read as markup."""


@dataclass(frozen=True)
class Table:
    header: list[str]
    rows: list[list[str]]
    numeric: tuple[int, ...] = ()
    """Columns aligned right."""
    shades: list[list[float | None]] | None = None
    """HTML only: a 0..1 shade per body cell (a heat-map); None leaves a cell plain."""


@dataclass(frozen=True)
class Chart:
    kind: str
    """"weights" or "histogram": drawn in the HTML only."""


Block = Heading | Para | Bullets | Table | Chart


def shown(n: int) -> str:
    """A count as a table by source shows it: 0, "<6" for 1 to 5, else the number."""
    return f"<{SMALL}" if 0 < n < SMALL else f"{n:,}"


def _n(count: int, one: str, many: str | None = None) -> str:
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


def _pct(x: float) -> str:
    return f"{x:.0%}" if x in (0, 1) or x >= 0.01 else f"{x:.1%}"


def _band(report: LinkageReport) -> str:
    low, high = report.review_band
    return f"{low:.0%} up to {high:.0%}"


def blocks(report: LinkageReport) -> list[Block]:
    """The report's content, in order, for either format."""
    return [Heading(1, "Linkage report"),
            Para("How the partnership's records were recognised as the same child, as counts only: no "
                 "child is named or identified here. In tables by source, counts from 1 to 5 are shown "
                 f'as "<{SMALL}" because this report may be shared beyond analysts.'),
            *_summary(report), *_quality(report), *_who_knows_whom(report), *_weights(report),
            *_pair_scores(report), *_review(report), *_caveats(report), *_timings(report)]


def _summary(r: LinkageReport) -> Iterator[Block]:
    yield Heading(2, "Summary")
    yield Bullets([
        f"**Records:** {_n(r.records, 'agency record')} ({_n(r.spellings, 'spelling')}) from "
        f"{_n(r.sources, 'source')}.",
        f"**People:** {_n(r.people, 'person', 'people')}, of whom {r.people_in_several_sources:,} "
        f"{'is' if r.people_in_several_sources == 1 else 'are'} known to two or more sources.",
        f"**Pairs compared:** {_n(r.pairs, 'scored pair')} of spellings; {r.review_pairs:,} pairs of "
        f"records in the review band ({_band(r)}).",
        f"**Links:** {r.scored_links:,} made from the model's scores and {r.forced_links:,} made without "
        f"one (records sharing a person number agencies share, or pairs an analyst confirmed).",
    ])
    if r.too_little_to_compare:
        yield Para(f"{_n(r.too_little_to_compare, 'record')} held too little to compare (no name, and no "
                   "date of birth with an event, nor a valid NHS or pupil number); each stands as a "
                   "person of its own.")
    if r.refused:
        total = sum(r.refused.values())
        yield Para(f"{_n(total, 'link')} the scores suggested {'was' if total == 1 else 'were'} not made, "
                   "because the records hold evidence that they are different children:")
        yield Table(["Reason", "Links not made"], [[why, f"{n:,}"] for why, n in r.refused.items()],
                    numeric=(1,))
    else:
        yield Para("No link the scores suggested was held back by contrary evidence.")


SCORE_ROWS: tuple[tuple[str, str, str], ...] = (
    ("records", "Records scored", "count"),
    ("predicted_people", "People found", "count"),
    ("true_people", "People in the truth", "count"),
    ("pair_precision", "Pairwise precision", "share"),
    ("pair_recall", "Pairwise recall", "share"),
    ("pair_f1", "Pairwise F1", "share"),
    ("bcubed_precision", "B-cubed precision", "share"),
    ("bcubed_recall", "B-cubed recall", "share"),
    ("bcubed_f1", "B-cubed F1", "share"),
    ("person_precision", "Whole-person precision", "share"),
    ("person_recall", "Whole-person recall", "share"),
    ("person_f1", "Whole-person F1", "share"),
    ("false_merges", "False merges (people found holding records of two or more people)", "count"),
    ("split_people", "Split people (people whose records were not all joined)", "count"),
)


def _quality(r: LinkageReport) -> Iterator[Block]:
    yield Heading(2, "How well records link")
    if not r.scores:
        yield Para("No truth was given, so how often records were wrongly joined or left apart is not "
                   "measured here (the synthetic partnership's truth can be given with "
                   "`ceintel link --evaluate`).")
        return
    yield Para("Measured against the synthetic truth. **Pairwise** counts pairs of records put together; "
               "**B-cubed** asks the same of each record's own person and averages over records; "
               "**whole-person** counts a person as right only when it holds all of one child's records "
               "and nothing else, as a practitioner opening a chronology would judge it.")
    names = list(r.scores)
    rows = []
    for attr, label, kind in SCORE_ROWS:
        values = [getattr(r.scores[n], attr) for n in names]
        rows.append([label, *(f"{v:,}" if kind == "count" else f"{v:.3f}" for v in values)])
    yield Table(["Measure", *names], rows, numeric=tuple(range(1, len(names) + 1)))


def _who_knows_whom(r: LinkageReport) -> Iterator[Block]:
    yield Heading(2, "Who knows whom")
    if not r.per_source:
        yield Para("No records were linked.")
        return
    yield Para("Each source's records and people, and how many of its people another source also knows.")
    rows = []
    for f in r.per_source:
        small = any(0 < n < SMALL for n in (f.people, f.known_elsewhere))
        share = "–" if f.share_known_elsewhere is None or small else _pct(f.share_known_elsewhere)
        rows.append([f.source, shown(f.records), shown(f.people), shown(f.known_elsewhere), share])
    yield Table(["Source", "Records", "People", "Also known to another source", "Share"], rows,
                numeric=(1, 2, 3, 4))
    yield Para("People known to both the row's source and the column's; the diagonal is the people each "
               "source knows. In the HTML page a darker cell is a larger share of the row source's people.")
    names = [f.source for f in r.per_source]
    cells, shades = [], []
    for a in names:
        row = r.overlap[a]
        cells.append([a, *(shown(row[b]) for b in names)])
        own = row[a]
        shades.append([None, *(None if 0 < row[b] < SMALL or not own else row[b] / own for b in names)])
    yield Table(["Source", *names], cells, numeric=tuple(range(1, len(names) + 1)), shades=shades)


def _weights(r: LinkageReport) -> Iterator[Block]:
    yield Heading(2, "Match weights")
    yield Para("What each way two records compare is worth, in bits: log2(m / u), where m is how often the "
               "level occurs between two records of one child and u how often between two different "
               "children. Each bit doubles (or, below zero, halves) the odds that a pair is one child; "
               "a field not recorded on one side weighs nothing.")
    if r.prior_match:
        yield Para(f"Before any field is compared, two records picked at random are one child with a "
                   f"chance of 1 in {round(1 / r.prior_match):,} (λ = {r.prior_match:.3g}).")
    notes = []
    if r.trained:
        notes.append("Trained on this data: " + ", ".join(r.trained) + ".")
    if r.kept_prior:
        notes.append("Kept the weights learned on the synthetic borough: " + ", ".join(r.kept_prior) + ".")
    if notes:
        yield Bullets(notes, literal=True)
    if r.training_messages:
        yield Para("Notes from training:")
        yield Bullets(list(r.training_messages), literal=True)
    if not r.weights:
        yield Para("The model holds no comparison levels.")
        return
    yield Chart("weights")
    yield Table(["Comparison", "Level", "m", "u", "Weight (bits)"],
                [[w.comparison, w.level, _prob(w.m), _prob(w.u),
                  "–" if w.weight is None else f"{w.weight:+.2f}"] for w in r.weights], numeric=(2, 3, 4))


def _prob(p: float | None) -> str:
    return "–" if p is None else f"{p:.3g}"


def _pair_scores(r: LinkageReport) -> Iterator[Block]:
    yield Heading(2, "Scores of compared pairs")
    yield Para(f"The match probability of each of the {_n(r.pairs, 'scored pair')} of spellings (pairs "
               "the model thought very unlikely are not kept). A linkage the model is sure of has most "
               "pairs near 0 or near 1; many pairs in between mean fields that cannot tell children apart.")
    yield Chart("histogram")
    low, high = r.review_band
    rows = [[f"{b.low:.2f}–{b.high:.2f}", f"{b.pairs:,}",
             ("yes" if low <= b.low and b.high <= high else "partly") if b.low < high and b.high > low
             else ""] for b in r.histogram]
    yield Table(["Match probability", "Pairs", "Review band"], rows, numeric=(1,))


def _review(r: LinkageReport) -> Iterator[Block]:
    yield Heading(2, "Clerical review")
    yield Para(f"{_n(r.review_pairs, 'pair')} of records scored from {_band(r)} (the review band), "
               "where the model is unsure. An analyst can confirm or reject each from how its fields compare, without seeing "
               "who the child is: `ceintel review list` shows the pairs not yet decided, and each decision "
               "is applied on every later run.")


def _caveats(r: LinkageReport) -> Iterator[Block]:
    yield Heading(2, "What this cannot tell us")
    items = [
        "Records with no name or date of birth cannot link except through a shared number (an NHS "
        "number, a unique pupil number, or a person number agencies share); such a child counts once "
        "for each record.",
        "A person split across records looks like two children: the count of people is then too high, "
        "each chronology is missing part of the child's story, and agencies seem to share fewer children "
        "than they do.",
        "False merges invent journeys: two children joined into one appear as one child passing between "
        "services and events that neither child had.",
        ("The scores above are measured against the synthetic truth only; real records have no truth to "
         "measure against, so they say how the method does on data like the synthetic partnership's."
         if r.scores else
         "No truth was given, so this report cannot say how accurate the linkage is; scores are measured "
         "against the synthetic truth only when a truth is given."),
        "Who knows whom counts the records in these extracts only: a child an agency knows under a record "
        "not extracted is not counted as known to it.",
    ]
    if r.term_frequencies:
        items.append("Some fields are weighed by how common the value is (a rare surname says more than a "
                     "common one); the weights shown are those of a typical value.")
    yield Bullets(items)


def _timings(r: LinkageReport) -> Iterator[Block]:
    if not r.timings:
        return
    yield Heading(2, "Time taken")
    yield Table(["Step", "Seconds"], [[step, f"{s:,.2f}"] for step, s in r.timings.items()], numeric=(1,))


# --------------------------------------------------------------------------- Markdown

def _plain(text: str) -> str:
    """Data as Markdown shows it: a "<" that could open an HTML tag is escaped ("<6" is left alone)."""
    return re.sub(r"<(?=[A-Za-z/!?])", r"\\<", str(text))


def _cell(text: str) -> str:
    """Text safe inside a Markdown table cell."""
    return _plain(text).replace("|", "\\|").replace("\n", " ")


def render_markdown(report: LinkageReport) -> str:
    out: list[str] = []
    for b in blocks(report):
        if isinstance(b, Heading):
            out += ["#" * b.level + " " + b.text, ""]
        elif isinstance(b, Para):
            out += [b.text, ""]
        elif isinstance(b, Bullets):
            out += [f"- {_plain(i) if b.literal else i}" for i in b.items] + [""]
        elif isinstance(b, Table):
            out.append("| " + " | ".join(_cell(h) for h in b.header) + " |")
            out.append("| " + " | ".join("---:" if i in b.numeric else "---"
                                         for i in range(len(b.header))) + " |")
            out += ["| " + " | ".join(_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
    return "\n".join(out).rstrip() + "\n"


# --------------------------------------------------------------------------- HTML and SVG

POSITIVE, NEGATIVE, BAND, BARS, INK = "#2166ac", "#d6604d", "#fdf1c7", "#4d7ea8", "#222222"
FONT = "system-ui, -apple-system, 'Segoe UI', sans-serif"


class Svg:
    """Just enough SVG for bar charts: rectangles, lines and text, every string escaped."""

    def __init__(self, width: float, height: float, title: str):
        self.width, self.height, self.title = width, height, title
        self.parts: list[str] = []

    def rect(self, x: float, y: float, w: float, h: float, fill: str, css: str = "",
             tip: str = "") -> None:
        cls = f' class="{html.escape(css)}"' if css else ""
        inner = f"<title>{html.escape(tip)}</title>" if tip else ""
        self.parts.append(f'<rect{cls} x="{x:.1f}" y="{y:.1f}" width="{max(w, 0):.1f}" '
                          f'height="{max(h, 0):.1f}" fill="{fill}">{inner}</rect>')

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str = INK) -> None:
        self.parts.append(f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
                          f'stroke="{stroke}" stroke-width="1"/>')

    def text(self, x: float, y: float, text: str, anchor: str = "start", size: int = 12,
             bold: bool = False) -> None:
        weight = ' font-weight="bold"' if bold else ""
        self.parts.append(f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}"'
                          f'{weight}>{html.escape(text)}</text>')

    def render(self) -> str:
        title = html.escape(self.title)
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{self.width:.0f}" '
                f'height="{self.height:.0f}" viewBox="0 0 {self.width:.0f} {self.height:.0f}" '
                f'role="img" aria-label="{title}" font-family="{html.escape(FONT)}" fill="{INK}">'
                f"<title>{title}</title>" + "".join(self.parts) + "</svg>")


def weights_svg(weights: list[LevelWeight]) -> str:
    """Horizontal bars of every level's weight, grouped by comparison, around a zero line."""
    label_w, bar_w, pad, row_h, head_h, top = 250.0, 420.0, 48.0, 18.0, 22.0, 34.0
    known = [w.weight for w in weights if w.weight is not None]
    low, high = min([0.0, *known]), max([0.0, *known])
    span = (high - low) or 1.0

    def x(value: float) -> float:
        return label_w + pad + (value - low) / span * (bar_w - 2 * pad)

    groups: dict[str, list[LevelWeight]] = {}
    for w in weights:
        groups.setdefault(w.comparison, []).append(w)
    height = top + len(groups) * head_h + len(weights) * row_h + 10
    svg = Svg(label_w + bar_w + 10, height, "Match weight of each comparison level, in bits")
    svg.rect(label_w, 6, 10, 10, POSITIVE)
    svg.text(label_w + 14, 15, "evidence for one child", size=11)
    svg.rect(label_w + 170, 6, 10, 10, NEGATIVE)
    svg.text(label_w + 184, 15, "evidence against", size=11)
    y = top
    for name, levels in groups.items():
        svg.text(4, y + 15, name, bold=True)
        y += head_h
        for w in levels:
            svg.text(label_w - 6, y + 13, w.level, anchor="end", size=11)
            if w.weight is None:
                svg.text(x(0) + 4, y + 13, "not estimated", size=11)
            else:
                left, right = sorted((x(0), x(w.weight)))
                positive = w.weight >= 0
                svg.rect(left, y + 3, right - left, row_h - 5, POSITIVE if positive else NEGATIVE,
                         css="bar " + ("for" if positive else "against"),
                         tip=f"{name}: {w.level}: {w.weight:+.2f} bits")
                svg.text(right + 4 if positive else left - 4, y + 13, f"{w.weight:+.1f}",
                         anchor="start" if positive else "end", size=10)
            y += row_h
    svg.line(x(0), top - 4, x(0), y)
    svg.text(x(0), top - 6, "0", anchor="middle", size=10)
    return svg.render()


def histogram_svg(histogram: list[Bin], band: tuple[float, float]) -> str:
    """Bars of pairs per probability bin, on a log scale when counts span a hundredfold or more."""
    left, plot_w, plot_h, top, bottom = 50.0, 600.0, 200.0, 36.0, 40.0
    counts = [b.pairs for b in histogram]
    nonzero = [c for c in counts if c]
    log = bool(nonzero) and max(nonzero) >= 100 * min(nonzero)
    most = max(nonzero, default=1)

    def height(c: int) -> float:
        if not c:
            return 0.0
        if log:
            return plot_h * math.log10(c + 1) / math.log10(most + 1)
        return plot_h * c / most

    def x(p: float) -> float:
        return left + p * plot_w

    scale = "log scale" if log else "linear scale"
    svg = Svg(left + plot_w + 20, top + plot_h + bottom, f"Scored pairs by match probability ({scale})")
    svg.rect(x(band[0]), top, x(band[1]) - x(band[0]), plot_h, BAND, css="band",
             tip=f"review band {band[0]:.2f} to {band[1]:.2f}")
    svg.text((x(band[0]) + x(band[1])) / 2, 14, "review band", anchor="middle", size=10)
    bar_w = plot_w / max(len(histogram), 1)
    for b in histogram:
        h = height(b.pairs)
        if h:
            svg.rect(x(b.low) + 1, top + plot_h - h, bar_w - 2, h, BARS, css="bar",
                     tip=f"{b.low:.2f} to {b.high:.2f}: {b.pairs:,} pairs")
            svg.text(x(b.low) + bar_w / 2, top + plot_h - h - 3, f"{b.pairs:,}", anchor="middle", size=9)
    svg.line(left, top + plot_h, left + plot_w, top + plot_h)
    for tick in (0, 0.25, 0.5, 0.75, 1):
        svg.line(x(tick), top + plot_h, x(tick), top + plot_h + 4)
        svg.text(x(tick), top + plot_h + 16, f"{tick:g}", anchor="middle", size=10)
    svg.text(left + plot_w / 2, top + plot_h + 34, f"match probability (bar height: pairs, {scale})",
             anchor="middle", size=11)
    return svg.render()


def _inline(text: str) -> str:
    """Escape, then turn the only markup the blocks use (**bold**, `code`) into HTML."""
    s = html.escape(text)
    s = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", s)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", s)


def _shade(value: float) -> str:
    """White to dark blue; text turns white on the darker half."""
    lo, hi = (255, 255, 255), (33, 102, 172)
    rgb = "".join(f"{round(a + (b - a) * value):02x}" for a, b in zip(lo, hi, strict=True))
    ink = "#ffffff" if value > 0.55 else INK
    return f' style="background:#{rgb};color:{ink}"'


def _table_html(t: Table) -> str:
    def cls(i: int, text: str = "") -> str:
        names = ["num"] if i in t.numeric else []
        if t.shades and text == f"<{SMALL}":
            names.append("small")
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{cls(i)}>{html.escape(h)}</th>" for i, h in enumerate(t.header))
    body = []
    for r, row in enumerate(t.rows):
        cells = []
        for i, text in enumerate(row):
            shade = t.shades[r][i] if t.shades else None
            tag = "th" if t.shades and i == 0 else "td"
            style = _shade(shade) if shade is not None else ""
            cells.append(f"<{tag}{cls(i, text)}{style}>{html.escape(text)}</{tag}>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    kind = ' class="heat"' if t.shades else ""
    return f"<table{kind}><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


STYLE = """
body { font-family: system-ui, -apple-system, 'Segoe UI', sans-serif; color: #222; margin: 0; }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.5rem 3rem; line-height: 1.45; }
h1 { font-size: 1.7rem; } h2 { font-size: 1.25rem; margin-top: 2.2rem; border-bottom: 1px solid #ccc; }
table { border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 0.92rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.55rem; text-align: left; vertical-align: top; }
thead th { background: #f2f2f2; }
.num { text-align: right; font-variant-numeric: tabular-nums; }
table.heat td.small { background: #ececec; color: #555; }
code { background: #f2f2f2; padding: 0 0.25rem; border-radius: 3px; }
figure { margin: 0.8rem 0; overflow-x: auto; }
"""


def render_html(report: LinkageReport) -> str:
    """One page, with nothing to fetch: styles inline, charts as inline SVG, no scripts."""
    out = ['<!DOCTYPE html>', '<html lang="en">', "<head>", '<meta charset="utf-8"/>',
           "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           "style-src 'unsafe-inline'\"/>",
           '<meta name="viewport" content="width=device-width, initial-scale=1"/>',
           "<title>Linkage report</title>", f"<style>{STYLE}</style>", "</head>", "<body>", "<main>"]
    for b in blocks(report):
        if isinstance(b, Heading):
            out.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif isinstance(b, Para):
            out.append(f"<p>{_inline(b.text)}</p>")
        elif isinstance(b, Bullets):
            render = html.escape if b.literal else _inline
            out.append("<ul>" + "".join(f"<li>{render(i)}</li>" for i in b.items) + "</ul>")
        elif isinstance(b, Table):
            out.append(_table_html(b))
        elif isinstance(b, Chart):
            svg = (weights_svg(report.weights) if b.kind == "weights"
                   else histogram_svg(report.histogram, report.review_band))
            out.append(f"<figure>{svg}</figure>")
    out += ["</main>", "</body>", "</html>"]
    return "\n".join(out) + "\n"


# --------------------------------------------------------------------------- writing

def _write_atomically(path: Path, text: str) -> None:
    """Write beside the target, then swap it in whole: a reader never sees half a report."""
    temp = path.with_name(path.name + ".writing")
    try:
        temp.write_text(text, encoding="utf-8")
        os.replace(temp, path)
    finally:
        temp.unlink(missing_ok=True)


def write_report(report: LinkageReport, folder: Path) -> list[Path]:
    """Write ``folder/linkage.md`` and ``folder/linkage.html``; returns their paths."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    md, page = folder / MARKDOWN_FILE, folder / HTML_FILE
    _write_atomically(md, render_markdown(report))
    _write_atomically(page, render_html(report))
    return [md, page]
