"""The framework build on a small linked partnership: atomic, complete, additive, and safe to publish."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import numpy as np
import pytest

from ceintel.config import Periods
from ceintel.errors import ConfigError
from ceintel.framework import disclosure
from ceintel.framework.build import build_framework, framework_path
from ceintel.framework.periods import reporting_periods
from ceintel.framework.publish import constraints
from ceintel.framework.registry import load_registry, parse_indicator

DOCS = Path(__file__).resolve().parents[1] / "docs" / "indicators.md"


def _con(ws) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(framework_path(ws)), read_only=True)


def test_periods_add_up_to_whole_months():
    periods = reporting_periods(Periods(start=dt.date(2023, 4, 1)), dt.date(2026, 9, 30))
    kinds = {k: [p for p in periods if p.kind == k] for k in ("month", "quarter", "financial_year",
                                                                "rolling_12_months")}
    assert len(kinds["month"]) == 42 and len(kinds["quarter"]) == 14
    assert [p.label for p in kinds["financial_year"]] == ["2023-24", "2024-25", "2025-26", "2026-27 (to date)"]
    assert kinds["quarter"][0].label == "2023-24 Q1" and kinds["quarter"][0].end == dt.date(2023, 6, 30)
    assert all(len(p.months) == 12 for p in kinds["rolling_12_months"])
    assert kinds["rolling_12_months"][0].label == "12 months to 2024-03"
    assert not kinds["financial_year"][-1].complete


def test_header_errors_name_the_file_and_field():
    bad = "/*\nid: x\ntitle: Something counted\ntheme: nonsense\n*/\nSELECT 1"
    with pytest.raises(ConfigError, match=r"x\.sql: .*theme"):
        parse_indicator(bad, "indicators/x.sql")
    with pytest.raises(ConfigError, match="differs from the file name"):
        parse_indicator(bad.replace("id: x", "id: y"), "indicators/x.sql")
    with pytest.raises(ConfigError, match="YAML header"):
        parse_indicator("SELECT 1", "indicators/x.sql")


def test_the_worked_example_in_the_docs_is_a_valid_indicator():
    sql = re.search(r"```sql\n(.*?)```", DOCS.read_text(encoding="utf-8"), re.S).group(1)
    ind = parse_indicator(sql, "children_missing_under_14.sql")
    assert ind.unit == "count" and ind.counts == "children"


@pytest.fixture(scope="module")
def built(built_workspace):
    return built_workspace.workspace


def test_every_indicator_has_every_cell(built):
    registry = load_registry()
    with _con(built) as con:
        ids = {r[0] for r in con.execute("SELECT id FROM indicator").fetchall()}
        assert ids == {i.id for i in registry}
        # every indicator has one partnership total per period
        per = con.execute("""SELECT indicator_id, COUNT(*) FROM indicator_cell
                             WHERE area_level = 'partnership' AND breakdown = 'all' GROUP BY 1""").fetchall()
        periods = con.execute("SELECT COUNT(*) FROM period").fetchone()[0]
        assert {n for _, n in per} == {periods}
        published = con.execute("SELECT COUNT(*) FROM published_cell").fetchone()[0]
        cells = con.execute("SELECT COUNT(*) FROM indicator_cell").fetchone()[0]
        audiences = con.execute("SELECT COUNT(DISTINCT audience) FROM published_cell").fetchone()[0]
        assert published == cells * audiences


def test_counts_add_up_across_areas_and_breakdowns(built):
    with _con(built) as con:
        bad_areas = con.execute("""
            SELECT COUNT(*) FROM (
                SELECT t.indicator_id, t.period_kind, t.period, t.area_code, ANY_VALUE(t.numerator) AS total,
                       SUM(c.numerator) AS parts
                FROM indicator_cell c JOIN area a ON a.area_level = c.area_level AND a.area_code = c.area_code
                JOIN indicator_cell t ON t.indicator_id = c.indicator_id AND t.period_kind = c.period_kind
                     AND t.period = c.period AND t.area_code = a.parent_code AND t.breakdown = c.breakdown
                     AND t.category = c.category
                JOIN indicator i ON i.id = c.indicator_id
                WHERE i.unit <> 'median_days' AND c.breakdown = 'all'
                GROUP BY ALL HAVING ANY_VALUE(t.numerator) <> SUM(c.numerator))
        """).fetchone()[0]
        bad_breakdowns = con.execute("""
            SELECT COUNT(*) FROM (
                SELECT c.indicator_id, c.period_kind, c.period, c.area_code, c.breakdown
                FROM indicator_cell c JOIN indicator_cell t ON t.indicator_id = c.indicator_id
                     AND t.period_kind = c.period_kind AND t.period = c.period AND t.area_code = c.area_code
                     AND t.breakdown = 'all'
                JOIN indicator i ON i.id = c.indicator_id
                WHERE c.breakdown <> 'all' AND i.unit <> 'median_days'
                GROUP BY ALL HAVING ANY_VALUE(t.numerator) <> SUM(c.numerator))
        """).fetchone()[0]
    assert bad_areas == 0
    assert bad_breakdowns == 0


def test_public_output_hides_small_counts(built):
    threshold = built.config().disclosure.audiences["public"].threshold
    with _con(built) as con:
        small = con.execute("""
            SELECT COUNT(*) FROM published_cell p JOIN indicator i ON i.id = p.indicator_id
            WHERE p.audience = 'public' AND i.disclosure <> 'none'
              AND ((p.numerator BETWEEN 1 AND ?) OR (p.denominator BETWEEN 1 AND ? AND i.unit = 'percentage')
                   OR (i.unit = 'count' AND p.value BETWEEN 1 AND ?))
        """, [threshold, threshold, threshold]).fetchone()[0]
        hidden = con.execute("""SELECT COUNT(*) FROM published_cell WHERE status = 'c'
                                AND (value IS NOT NULL OR numerator IS NOT NULL)""").fetchone()[0]
    assert small == 0
    assert hidden == 0


def test_no_hidden_public_count_can_be_worked_out(built):
    """For every indicator, the published counts and the table's sums leave no hidden count determined."""
    with duckdb.connect(str(framework_path(built)), read_only=True) as src:
        ids = [r[0] for r in src.execute("SELECT id FROM indicator WHERE unit IN ('count', 'rate_per_10000') "
                                         "ORDER BY id").fetchall()]
        src_path = framework_path(built)
    con = duckdb.connect()
    con.execute(f"ATTACH '{src_path}' AS fw (READ_ONLY)")
    con.execute("SET search_path = 'main,fw.main'")
    checked = 0
    for iid in ids:
        time_additive = con.execute("SELECT time_additive FROM indicator WHERE id = ?", [iid]).fetchone()[0]
        con.execute("""
            CREATE OR REPLACE TEMP TABLE fw_c AS
            SELECT ROW_NUMBER() OVER (ORDER BY c.period_kind, c.period, c.area_level, c.area_code, c.breakdown,
                                      c.category) - 1 AS cell_id, c.*, p.status
            FROM indicator_cell c JOIN published_cell p USING (indicator_id, period_kind, period, area_level,
                                                               area_code, breakdown, category)
            WHERE c.indicator_id = ? AND p.audience = 'public'
        """, [iid])
        rows = con.execute("SELECT numerator, status FROM fw_c ORDER BY cell_id").fetchall()
        counts = np.array([r[0] for r in rows], dtype=np.int64)
        hidden = np.array([r[1] == "c" for r in rows])
        rels = constraints(con, time_additive)
        assert len(disclosure.recoverable(counts, rels, hidden)) == 0, iid
        checked += 1
    assert checked >= 10


def test_a_failed_build_leaves_the_previous_one(built, tmp_path):
    ws_root = tmp_path / "ws"
    shutil.copytree(built.root, ws_root, ignore=shutil.ignore_patterns("inbox", "truth", "staging", "identity"))
    from ceintel.workspace import Workspace

    ws = Workspace(ws_root)
    before = framework_path(ws).read_bytes()
    (ws_root / "indicators").mkdir(exist_ok=True)
    (ws_root / "indicators" / "broken.sql").write_text(
        "/*\nid: broken\ntitle: Children counted wrongly\ntheme: patterns_of_harm\n"
        "question: What happens when the SQL is wrong?\ncannot_tell: Anything at all, it fails.\n"
        "unit: count\ncounts: children\nnumerator: nothing\nneeds: [event]\n*/\n"
        "SELECT person_id, no_such_column AS date FROM event", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"broken\.sql: the indicator's SQL failed"):
        build_framework(ws)
    assert framework_path(ws).read_bytes() == before
    assert not framework_path(ws).with_name("framework.duckdb.building").exists()
