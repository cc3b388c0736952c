"""The linkage report, on a dozen hand-made records whose every count is known."""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import duckdb
import pytest

from ceintel.identity.cluster import TWIN_LIKE, Outcome
from ceintel.identity.evaluate import score
from ceintel.identity.link import Training
from ceintel.identity.report import BINS, LinkageReport, linkage_report, write_report

# uid -> (record, person); uids 1 and 2 are two spellings of one police record.
SPELLINGS = {
    1: ("police:PX1001", "PSN-0001"), 2: ("police:PX1001", "PSN-0001"),
    3: ("police:PX1002", "PSN-0002"), 4: ("police:PX1003", "PSN-0003"),
    5: ("police:PX1004", "PSN-0004"), 6: ("police:PX1005", "PSN-0005"),
    7: ("police:PX1006", "PSN-0006"), 8: ("police:PX1007", "PSN-0007"),
    9: ("police:PX1008", "PSN-0001"),
    10: ("health:HN5001", "PSN-0001"), 11: ("health:HN5002", "PSN-0002"),
    12: ("health:HN5003", "PSN-0003"), 13: ("health:HN5004", "PSN-0004"),
    14: ("health:HN5005", "PSN-0005"), 15: ("health:HN5006", "PSN-0006"),
    16: ("health:HN5009", "PSN-0009"),
    19: ("health:HN5010", "PSN-0010"), 20: ("health:HN5011", "PSN-0010"),  # two records, one source
    17: ("school:SC2007", "PSN-0007"), 18: ("school:SC2008", "PSN-0008"),
}
NOT_LINKABLE = {18}

# (uid_l, uid_r, match_probability)
PAIRS = [
    (1, 2, 0.5),       # two spellings of one record: never offered for review
    (1, 10, 1.0),      # the top bin includes 1.0
    (2, 10, 0.4),      # the same pair of records as (1, 10), in the band
    (9, 10, 0.35),
    (1, 9, 0.999),
    (3, 11, 0.3),      # the band includes its lower edge ...
    (11, 3, 0.6),      # ... and this is the same pair of records the other way round
    (4, 12, 0.97),     # ... but not its upper edge
    (5, 13, 0.9699),
    (6, 14, 0.96),
    (7, 15, 0.29999),
    (8, 17, 0.86),
    (16, 12, 0.05),
    (3, 12, 0.1),
]
BAND = (0.3, 0.97)

MODEL = {
    "probability_two_random_records_match": 0.0001,
    "comparisons": [
        {"output_column_name": "first_name", "comparison_levels": [
            {"label_for_charts": "not recorded", "is_null_level": True},
            {"label_for_charts": "exact", "m_probability": 0.8, "u_probability": 0.01,
             "tf_adjustment_column": "first_name"},
            {"label_for_charts": "close <spelling> & more", "m_probability": 0.15, "u_probability": 0.04},
            {"label_for_charts": "different", "m_probability": 0.05, "u_probability": 0.95},
        ]},
        {"output_column_name": "dob", "comparison_levels": [
            {"label_for_charts": "not recorded", "is_null_level": True},
            {"label_for_charts": "exact", "m_probability": 0.9, "u_probability": 0.001},
            {"label_for_charts": "different", "m_probability": 0.1, "u_probability": 0.999},
        ]},
        {"output_column_name": "sex", "comparison_levels": [
            {"label_for_charts": "not recorded", "is_null_level": True},
            {"label_for_charts": "same", "m_probability": 0.5, "u_probability": 0.5},
            {"label_for_charts": "different", "m_probability": 0.5, "u_probability": 0.5},
        ]},
    ],
}
LEVELS = 7  # non-null levels above


def _gamma_columns() -> str:
    names = ("first_name", "last_name", "dob", "postcode", "sex", "nhs_number", "upn")
    return ", ".join(f"gamma_{n} INTEGER" for n in names)


@pytest.fixture(scope="module")
def con():
    c = duckdb.connect()
    c.execute("CREATE TABLE id_records (uid BIGINT, record VARCHAR, source_id VARCHAR, first_name VARCHAR, "
              "linkable BOOLEAN)")
    c.executemany("INSERT INTO id_records VALUES (?, ?, ?, ?, ?)",
                  [(uid, rec, rec.split(":")[0], "name", uid not in NOT_LINKABLE)
                   for uid, (rec, _) in SPELLINGS.items()])
    c.execute(f"CREATE TABLE id_pairs (uid_l BIGINT, uid_r BIGINT, match_weight DOUBLE, "
              f"match_probability DOUBLE, {_gamma_columns()})")
    c.executemany("INSERT INTO id_pairs VALUES (?, ?, ?, ?, 4, 3, 4, -1, 1, -1, 0)",
                  [(a, b, math.log2(p / (1 - p)) if p < 1 else 40.0, p) for a, b, p in PAIRS])
    c.execute("CREATE TABLE id_people (record VARCHAR, source_id VARCHAR, person_id VARCHAR)")
    people = dict(SPELLINGS.values())
    c.executemany("INSERT INTO id_people VALUES (?, ?, ?)",
                  [(r, r.split(":")[0], p) for r, p in sorted(people.items())])
    yield c
    c.close()


def _training() -> Training:
    return Training(probability_two_random_records_match=None, trained=["first_name"],
                    kept_prior=["dob", "sex"], messages=["training on 'l.dob = r.dob' did not run"])


def _outcome() -> Outcome:
    return Outcome(person_of={}, refused={"two NHS numbers": 2, TWIN_LIKE: 1}, forced_links=1,
                   scored_links=8)


def _report(con, **kw) -> LinkageReport:
    return linkage_report(con, MODEL, _training(), _outcome(), review_band=BAND, **kw)


@pytest.fixture(scope="module")
def written(con, tmp_path_factory) -> tuple[LinkageReport, str, str]:
    people = dict(SPELLINGS.values())
    truth = dict(people, **{"police:PX1008": "PSN-0099"})  # one record the linkage put with the wrong child
    report = _report(con, scores={"all records": score(people, truth)},
                     timings={"standardise": 0.12, "total": 1.5})
    md, page = write_report(report, tmp_path_factory.mktemp("reports"))
    return report, md.read_text(encoding="utf-8"), page.read_text(encoding="utf-8")


# ------------------------------------------------------------------ the numbers

def test_totals(con):
    r = _report(con)
    assert (r.records, r.spellings, r.people, r.sources) == (19, 20, 10, 3)
    assert r.people_in_several_sources == 7  # PSN-0001 .. 0007
    assert r.too_little_to_compare == 1
    assert (r.forced_links, r.scored_links) == (1, 8)
    assert r.refused == {"two NHS numbers": 2, TWIN_LIKE: 1}
    assert r.prior_match == 0.0001  # training had none, so the model's
    assert r.term_frequencies


def test_per_source_and_overlap(con):
    r = _report(con)
    figures = {f.source: (f.records, f.people, f.known_elsewhere) for f in r.per_source}
    assert figures == {"health": (9, 8, 6), "police": (8, 7, 7), "school": (2, 2, 1)}
    assert r.overlap == {
        "health": {"health": 8, "police": 6, "school": 0},
        "police": {"health": 6, "police": 7, "school": 1},
        "school": {"health": 0, "police": 1, "school": 2},
    }


def test_match_weights_are_log2_m_over_u(con):
    r = _report(con)
    assert len(r.weights) == LEVELS  # "not recorded" carries no evidence and is left out
    expected = {(c["output_column_name"], lvl["label_for_charts"]): math.log2(lvl["m_probability"]
                                                                          / lvl["u_probability"])
                for c in MODEL["comparisons"] for lvl in c["comparison_levels"] if not lvl.get("is_null_level")}
    assert {(w.comparison, w.level): w.weight for w in r.weights} == pytest.approx(expected)
    assert r.weights[0].weight == pytest.approx(math.log2(80))


def test_histogram_counts_every_pair(con):
    r = _report(con)
    assert len(r.histogram) == BINS
    assert r.pairs == con.execute("SELECT count(*) FROM id_pairs").fetchone()[0] == len(PAIRS)
    assert sum(b.pairs for b in r.histogram) == r.pairs
    assert r.histogram[-1].pairs == 5  # 0.96, 0.9699, 0.97, 0.999 and 1.0
    assert r.histogram[12].pairs == 1 and r.histogram[0].pairs == 0


def _band_count(band: tuple[float, float]) -> int:
    """The review band by hand: distinct pairs of different records, low <= p < high."""
    pairs = {frozenset((SPELLINGS[a][0], SPELLINGS[b][0])) for a, b, p in PAIRS
             if band[0] <= p < band[1] and SPELLINGS[a][0] != SPELLINGS[b][0]}
    return len(pairs)


@pytest.mark.parametrize("band", [BAND, (0.0, 1.01), (0.5, 0.9)])
def test_review_band_count(con, band):
    r = linkage_report(con, MODEL, _training(), _outcome(), review_band=band)
    assert r.review_pairs == _band_count(band)
    if band == BAND:
        assert r.review_pairs == 6


# ------------------------------------------------------------------ the Markdown

def test_markdown_sections_and_small_cells(written):
    _, md, _ = written
    for heading in ("Summary", "How well records link", "Who knows whom", "Match weights",
                    "Scores of compared pairs", "Clerical review", "What this cannot tell us"):
        assert f"\n## {heading}\n" in md
    lines = md.splitlines()
    # the overlap matrix: columns health, police, school
    assert "| health | 8 | 6 | 0 |" in lines
    assert "| police | 6 | 7 | <6 |" in lines
    assert "| school | 0 | <6 | <6 |" in lines
    assert "| school | <6 | <6 | <6 | – |" in lines  # per source: small counts and their share hidden
    assert "| police | 8 | 7 | 7 | 100% |" in lines
    assert "ceintel review list" in md
    assert "| 0.95–1.00 | 5 | partly |" in lines and "| 0.90–0.95 | 0 | yes |" in lines
    assert "close \\<spelling> & more" in md  # a label cannot open an HTML tag in a Markdown viewer


def test_markdown_says_what_linked(written):
    report, md, _ = written
    assert "19 agency records (20 spellings) from 3 sources" in md
    assert "10 people, of whom 7 are known to two or more sources" in md
    assert "| two NHS numbers | 2 |" in md
    assert "1 in 10,000" in md
    assert "| first_name | exact | 0.8 | 0.01 | +6.32 |" in md
    assert "| Whole-person F1 |" in md and "False merges" in md
    assert "| total | 1.50 |" in md
    assert f"{report.review_pairs} pairs of records scored from 30% up to 97% (the review band)" in md
    assert "synthetic truth only" in md


def test_without_scores_there_is_no_scores_table(con, tmp_path):
    md, _ = write_report(_report(con), tmp_path)
    text = md.read_text(encoding="utf-8")
    assert "Whole-person F1" not in text
    assert "No truth was given" in text
    assert "Time taken" not in text


# ------------------------------------------------------------------ the HTML

def test_html_is_well_formed_with_charts(written):
    report, _, page = written
    root = ET.fromstring(page.split("\n", 1)[1])  # after the doctype, the page is well-formed XML
    svg = "{http://www.w3.org/2000/svg}"
    charts = root.findall(f".//{svg}svg")
    assert len(charts) == 2
    assert page.count("<svg") == page.count("</svg>") == 2
    for chunk in re.findall(r"<svg.*?</svg>", page, flags=re.S):
        assert "<rect" in chunk
    weights, histogram = charts
    bars = [r for r in weights.iter(f"{svg}rect") if "bar" in (r.get("class") or "").split()]
    assert len(bars) == LEVELS  # the two "sex" levels weigh 0 bits: bars of no width, still drawn
    assert {r.get("class") for r in bars} == {"bar for", "bar against"}
    assert all(r.get("fill") == "#d6604d" for r in bars if r.get("class") == "bar against")
    hist_bars = [r for r in histogram.iter(f"{svg}rect") if r.get("class") == "bar"]
    assert len(hist_bars) == sum(1 for b in report.histogram if b.pairs)
    assert "<table class=\"heat\">" in page
    assert "<script" not in page and "http://" not in page.replace("http://www.w3.org/2000/svg", "")
    assert "&lt;spelling&gt; &amp; more" in page and "<spelling>" not in page


def test_no_identifier_in_either_file(con, written):
    _, md, page = written
    records = [r for (r,) in con.execute("SELECT DISTINCT record FROM id_records").fetchall()]
    secrets = records + [r.split(":", 1)[1] for r in records] + [p for _, p in SPELLINGS.values()]
    for text in (md, page):
        leaked = [s for s in secrets if s in text]
        assert leaked == []


def test_files_are_replaced_whole(con, tmp_path):
    (tmp_path / "linkage.md").write_text("an old report", encoding="utf-8")
    paths = write_report(_report(con), tmp_path)
    assert [p.name for p in paths] == ["linkage.md", "linkage.html"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["linkage.html", "linkage.md"]
    assert (tmp_path / "linkage.md").read_text(encoding="utf-8").startswith("# Linkage report")


def test_report_tolerates_an_empty_linkage(tmp_path: Path):
    c = duckdb.connect()
    c.execute("CREATE TABLE id_records (uid BIGINT, record VARCHAR, source_id VARCHAR)")
    c.execute(f"CREATE TABLE id_pairs (uid_l BIGINT, uid_r BIGINT, match_weight DOUBLE, "
              f"match_probability DOUBLE, {_gamma_columns()})")
    c.execute("CREATE TABLE id_people (record VARCHAR, source_id VARCHAR, person_id VARCHAR)")
    r = linkage_report(c, {"comparisons": []}, Training(), Outcome(person_of={}))
    assert (r.records, r.people, r.pairs, r.review_pairs, r.too_little_to_compare) == (0, 0, 0, 0, None)
    md, page = write_report(r, tmp_path)
    assert "No records were linked." in md.read_text(encoding="utf-8")
    ET.fromstring(page.read_text(encoding="utf-8").split("\n", 1)[1])
