"""The child exploitation profile: sections, no requests out of the file, disclosure, accessibility, a real PDF."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import struct
import subprocess
import zlib
from html.parser import HTMLParser
from pathlib import Path

import pytest

from ceintel.language import check_text
from ceintel.report.narratives import NarrativeIndex
from ceintel.report.periods import (
    PeriodError,
    choose_period,
    periods_from_rows,
    trend_points,
    year_before,
)
from ceintel.report.render import ReportError, check_html, external_references, visible_text
from ceintel.synth.narratives import NARRATIVES, check_seeds

SECTIONS = ("key-messages", "victims", "perpetrators", "locations", "themes", "help", "quality", "cannot-tell",
            "actions", "about")
TODAY = dt.date(2026, 10, 5)


# --- fast tests -------------------------------------------------------------------------------------------------

def _periods():
    rows = []
    for end_month in range(1, 19):  # rolling 12 months ending Jan 2025 .. Jun 2026
        y, m = 2025 + (end_month - 1) // 12, (end_month - 1) % 12 + 1
        end = (dt.date(y + (m == 12), m % 12 + 1, 1) - dt.timedelta(days=1))
        start = dt.date(y - 1 + (m == 12), m % 12 + 1, 1)
        rows.append(("rolling_12_months", f"12 months to {y}-{m:02d}", start, end, True))
    rows.append(("financial_year", "2024-25", dt.date(2024, 4, 1), dt.date(2025, 3, 31), True))
    rows.append(("financial_year", "2025-26", dt.date(2025, 4, 1), dt.date(2026, 3, 31), True))
    rows.append(("financial_year", "2026-27 (to date)", dt.date(2026, 4, 1), dt.date(2026, 6, 30), False))
    return periods_from_rows(rows)


def test_default_period_is_the_latest_complete_rolling_year():
    ps = _periods()
    p = choose_period(ps)
    assert p.label == "12 months to 2026-06"
    assert year_before(ps, p).label == "12 months to 2025-06"
    pts = trend_points(ps, p)
    assert pts[-1] == p and all((p.end.month - q.end.month) % 3 == 0 for q in pts)
    assert choose_period(ps, "2025-26").kind == "financial_year"
    with pytest.raises(PeriodError, match="try one of"):
        choose_period(ps, "1999-00")


def test_seed_narratives_pass_the_language_check():
    check_seeds()
    assert 6 <= len(NARRATIVES) <= 10
    for n in NARRATIVES:
        assert check_text(n.text) == [] and check_text(n.title) == []
        assert "synthetic" in n.author


def test_narrative_findings_are_noted_for_the_editor_and_the_text_is_kept():
    text = "She kept putting herself at risk at the park."  # language-check: allow
    row = {"key": "k1", "target_kind": "indicator", "target_id": "children_missing", "period": None,
           "title": "A note", "text": text, "author": "Worker (synthetic)", "author_role": "practitioner",
           "created_at": dt.datetime(2026, 9, 1)}
    index = NarrativeIndex([row])
    [view] = index.take("indicator", "children_missing")
    assert view.text == text and view.findings
    assert index.notes and "A note" in index.notes[0]
    assert index.take("indicator", "children_missing") == []  # placed once


def test_the_systems_own_words_are_checked_and_peoples_words_are_not():
    page = ('<html lang="en"><body><p>Children exploited in the area.</p>'
            '<blockquote data-language-check="author"><p>He was recruited by older boys.</p></blockquote>'  # language-check: allow
            "</body></html>")
    system, people = visible_text(page)
    assert "recruited" not in system and "recruited" in people
    check_html(page)
    with pytest.raises(ReportError, match="reconsider"):
        check_html("<p>The child was involved in CSE.</p>")  # language-check: allow
    assert external_references('<img src="https://x.org/a.png">')
    assert external_references("<style>@import 'a.css';</style>")
    assert not external_references('<a href="#main">skip</a>')


# --- the profile on a small synthetic partnership ----------------------------------------------------------------

@pytest.fixture(scope="module")
def profile(built_workspace, tmp_path_factory):
    """The profile of a copy of the shared workspace, with analyses, maturity and narratives added to the copy.

    One build (HTML and PDF, about 25 s on an idle machine) serves every test below; the public version goes
    through the same code with a different disclosure audience, so it is not built again here.
    """
    from ceintel.analysis.run import analysis_path, run_analyses
    from ceintel.report import build_profile
    from ceintel.synth.maturity import seed_demo
    from ceintel.synth.narratives import seed_narratives
    from ceintel.workspace import open_workspace

    root = tmp_path_factory.mktemp("report") / "ws"
    shutil.copytree(built_workspace.workspace.root, root)
    ws = open_workspace(root)
    if not analysis_path(ws).exists():
        run_analyses(ws)
    url = f"sqlite:///{root / 'app.db'}"
    seed_demo(ws, url=url)
    assert seed_narratives(ws, url=url) == len(NARRATIVES)
    return (build_profile(ws, "partnership", today=TODAY),)


class _Doc(HTMLParser):
    """Headings, figures and table cells, enough to check the page's structure."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headings: list[int] = []
        self.sections: list[str] = []
        self.figures: list[dict] = []
        self.counts: list[str] = []
        self.th_without_scope = 0
        self._fig: dict | None = None
        self._depth = 0
        self._count_cell = False
        self._cell = ""
        self._in = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))
        if tag == "section":
            self.sections.append(a.get("id", ""))
        if tag == "figure":
            self._fig = {"id": a.get("id"), "img": [], "tables": 0, "caption": False, "title": False, "desc": False}
        if self._fig is not None:
            if a.get("role") == "img":  # named by aria-label, or by aria-labelledby its <title> and <desc>
                self._fig["img"].append(a.get("aria-label") or a.get("aria-labelledby", ""))
            if tag == "table":
                self._fig["tables"] += 1
            if tag == "figcaption":
                self._fig["caption"] = True
            if tag in ("title", "desc"):
                self._in = tag
        if tag == "th" and "scope" not in a:
            self.th_without_scope += 1
        if tag in ("td", "th") and "count" in (a.get("class") or "").split():
            self._count_cell, self._cell = True, ""

    def handle_endtag(self, tag):
        if tag == "figure" and self._fig is not None:
            self.figures.append(self._fig)
            self._fig = None
        if tag in ("td", "th") and self._count_cell:
            self.counts.append(self._cell.strip())
            self._count_cell = False
        if tag in ("title", "desc"):
            self._in = ""

    def handle_data(self, data):
        if self._count_cell:
            self._cell += data
        if self._fig is not None and self._in and data.strip():
            self._fig[self._in] = True


def _parse(path: Path) -> tuple[str, _Doc]:
    html = path.read_text(encoding="utf-8")
    doc = _Doc()
    doc.feed(html)
    return html, doc


@pytest.mark.slow
def test_every_section_is_present_and_headings_are_in_order(profile):
    for result in profile:
        html, doc = _parse(result.html)
        assert tuple(doc.sections) == SECTIONS == result.sections
        assert doc.headings[0] == 1 and doc.headings.count(1) == 1
        assert all(b - a <= 1 for a, b in zip(doc.headings, doc.headings[1:], strict=False))  # no level skipped
        assert re.search(r'<html lang="en-GB">', html)
        assert 'class="skip-link" href="#main"' in html and 'id="main"' in html
        assert doc.th_without_scope == 0
    html = profile[0].html.read_text(encoding="utf-8")
    for words in ("12 months to", "Counts from 1 to 5 are hidden", "Sources and their extract dates",
                  "What it cannot tell us", "Data maturity", "Overdue"):
        assert words in html


@pytest.mark.slow
def test_no_request_leaves_the_file(profile):
    for result in profile:
        html = result.html.read_text(encoding="utf-8")
        assert "http" not in html.lower()
        assert external_references(html) == []
        assert "<script" not in html and "@import" not in html
        assert not re.search(r"url\(\s*['\"]?(?!#)", html)  # only references inside the file (gradients)
        assert not re.search(r"""\s(?:src|href)\s*=\s*["'](?!#)""", html)


@pytest.mark.slow
def test_every_chart_has_alt_text_a_caption_and_a_table(profile):
    html, doc = _parse(profile[0].html)
    assert len(doc.figures) >= 10
    for f in doc.figures:
        assert f["img"] and all(len(label) > 10 for label in f["img"]), f["id"]
        assert f["title"] and f["desc"] and f["caption"], f["id"]
        assert f["tables"] >= 1, f["id"]
    for fid in ("fig-types", "fig-map-wards", "fig-overlaps", "fig-journeys", "fig-network", "fig-maturity"):
        assert f'id="{fid}"' in html


@pytest.mark.slow
def test_no_count_from_1_to_5_appears_in_any_table(profile):
    for result in profile:
        _, doc = _parse(result.html)
        assert doc.counts, "count cells are marked"
        for text in doc.counts:
            assert text in ("c", ":", "z") or re.fullmatch(r"[\d,]+", text), text
            if text not in ("c", ":", "z"):
                assert not 1 <= int(text.replace(",", "")) <= 5, text


@pytest.mark.slow
def test_the_profiles_own_words_pass_the_language_check_and_narratives_sit_beside_their_numbers(profile):
    html = profile[0].html.read_text(encoding="utf-8")
    system, people = visible_text(html)
    assert check_text(system) == []
    for n in NARRATIVES:
        assert n.title in html
    places = html.split('id="locations"')[1].split("<section")[0]
    assert "What outreach workers see at the takeaway" in places
    help_ = html.split('id="help"')[1].split("<section")[0]
    assert "Return home interviews within 72 hours" in help_
    assert 'class="language-notes"' not in html  # the seeded narratives have nothing to note


def _png_gray(path: Path) -> tuple[int, int, bytes]:
    """Decode an 8-bit greyscale PNG (what ``pdftocairo -gray`` writes): width, height, pixels."""
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour == 0, "expected 8-bit greyscale"
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    out, prev, stride = bytearray(), bytearray(width), width + 1
    for y in range(height):
        f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        for x in range(width):
            a = line[x - 1] if x else 0
            b, c = prev[x], (prev[x - 1] if x else 0)
            if f == 1:
                line[x] = (line[x] + a) & 255
            elif f == 2:
                line[x] = (line[x] + b) & 255
            elif f == 3:
                line[x] = (line[x] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[x] = (line[x] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        out += line
        prev = line
    return width, height, bytes(out)


@pytest.mark.slow
def test_pdf_pages_are_drawn_and_not_blank(profile, tmp_path):
    result = profile[0]
    assert result.pdf and result.pdf.exists() and result.pages >= 5
    subprocess.run(["pdftocairo", "-png", "-gray", "-r", "18", str(result.pdf), str(tmp_path / "page")], check=True)
    pages = sorted(tmp_path.glob("page-*.png"))
    assert len(pages) == result.pages
    for page in pages:
        w, h, px = _png_gray(page)
        assert w > 100 and h > 100
        ink = sum(1 for v in px if v < 200) / len(px)
        assert ink > 0.003, f"{page.name} looks blank ({ink:.4f} of pixels not white)"
