"""The built-in indicators and shared views: complete headers, SQL that runs on a linked partnership,
portable to Spark.

Every ``.sql`` file in ``framework/indicators/`` and ``framework/views/`` is checked on its own
(parametrised by file), so a broken indicator or view names itself. The SQL runs against the
``linked_workspace`` warehouse, attached read-only exactly as ``ceintel build`` attaches it, with the
views made as the build makes them.
"""

from __future__ import annotations

import datetime as dt
import re
from importlib import resources

import pytest
import sqlglot
from sqlglot.errors import ErrorLevel

from ceintel import duck
from ceintel.errors import ConfigError
from ceintel.framework import compute, dimensions, periods, registry, views
from ceintel.language import check_labels
from ceintel.warehouse import warehouse_path

FILES = sorted(f.name for f in (resources.files("ceintel.framework") / "indicators").iterdir()
               if f.name.endswith(".sql"))
VIEW_FILES = sorted(f.name for f in (resources.files("ceintel.framework") / "views").iterdir()
                    if f.name.endswith(".sql"))

NOT_PORTABLE = (
    (r"\bQUALIFY\b", "QUALIFY (use a subquery with ROW_NUMBER)"),
    (r"\bGROUP\s+BY\s+ALL\b", "GROUP BY ALL (list the columns)"),
    (r"\bORDER\s+BY\s+ALL\b", "ORDER BY ALL"),
    (r"\blist_\w+\s*\(", "a DuckDB list_ function"),
    (r"::", "a :: cast (use CAST(x AS type))"),
    (r"\bEXCLUDE\s*\(", "SELECT * EXCLUDE"),
    (r"->", "a lambda"),
    (r"\bstrftime\s*\(|\bepoch\s*\(", "a DuckDB date function"),
)

RARE = {"children_financial"}
"""Indicators whose events a 3,000-child synthetic partnership may not hold at all."""


def _indicator(name: str) -> registry.Indicator:
    text = (resources.files("ceintel.framework") / "indicators" / name).read_text(encoding="utf-8")
    return registry.parse_indicator(text, f"framework/indicators/{name}")


def _view(name: str) -> views.View:
    text = (resources.files("ceintel.framework") / "views" / name).read_text(encoding="utf-8")
    return views.parse_view(text, f"framework/views/{name}")


@pytest.fixture(scope="module")
def framework(linked_workspace):
    """A connection like ``ceintel build``'s: warehouse read-only, dimensions and periods ready."""
    ws = linked_workspace.workspace
    partnership = ws.config()
    con = duck.connect(":memory:")
    con.execute(f"ATTACH '{warehouse_path(ws)}' AS wh (READ_ONLY)")
    con.execute("SET search_path = 'main,wh.main'")
    dimensions.build_dimensions(con, partnership)
    views.create_views(con)
    compute.create_period_table(con, periods.reporting_periods(partnership.periods, dt.date(2026, 9, 30)))
    compute.create_cell_table(con)
    yield con, partnership
    con.close()


# ------------------------------------------------------------------ the registry as a whole

def test_enough_indicators_covering_every_theme():
    inds = [_indicator(f) for f in FILES]
    assert len(inds) >= 32
    assert {i.theme for i in inds} == set(registry.THEMES)
    ids = [i.id for i in inds]
    assert len(ids) == len(set(ids))
    assert len(registry.builtin_indicators()) == len(inds)


def test_order_reads_sensibly_within_each_theme():
    seen: dict[tuple[str, int], str] = {}
    for ind in (_indicator(f) for f in FILES):
        key = (ind.theme, ind.order)
        assert key not in seen, f"{ind.id} and {seen[key]} share order {ind.order} in {ind.theme}"
        seen[key] = ind.id


# ------------------------------------------------------------------ each indicator

@pytest.mark.parametrize("name", FILES)
def test_header_is_complete(name):
    ind = _indicator(name)
    assert ind.id == name.removesuffix(".sql")
    for text in (ind.title, ind.question, ind.cannot_tell, ind.numerator):
        assert text.strip() == text and len(text) >= 10
    assert ind.question.rstrip().endswith("?"), "a question ends with a question mark"
    if ind.unit in ("rate_per_10000", "percentage"):
        assert ind.denominator
    assert ind.geographies == registry.GEOGRAPHIES[:len(ind.geographies)], \
        "geographies are a top-down prefix of partnership, council, ward, small_area"
    if ind.unit == "rate_per_10000":
        assert set(ind.breakdowns) <= {"age_band", "sex"}, "populations are known only by age band and sex"
    if ind.counts == "events" or ind.area == "event":
        assert ind.disclosure == "events" or ind.unit == "percentage" or ind.unit == "median_days"


@pytest.mark.parametrize("name", FILES)
def test_words_are_not_blaming(name):
    ind = _indicator(name)
    found = check_labels((f"{name}: {key}", getattr(ind, key))
                         for key in ("title", "question", "cannot_tell", "numerator", "denominator")
                         if getattr(ind, key))
    assert not found, "; ".join(str(f) for f in found) + " (see docs/language.md)"


@pytest.mark.parametrize("name", FILES + [f"views/{v}" for v in VIEW_FILES])
def test_sql_is_portable_to_spark(name):
    sql = _view(name.removeprefix("views/")).sql if name.startswith("views/") else _indicator(name).sql
    code = re.sub(r"--[^\n]*", "", sql)
    for pattern, what in NOT_PORTABLE:
        assert not re.search(pattern, code, re.I), f"{name} uses {what}"
    spark = sqlglot.transpile(sql, read="duckdb", write="spark", unsupported_level=ErrorLevel.RAISE)
    assert len(spark) == 1
    back = sqlglot.parse_one(spark[0], read="spark")
    assert back.find(sqlglot.exp.Select) is not None
    for duckdb_only in ("LIST_", "ARRAY_LENGTH(", "LEN(", "QUALIFY"):
        assert duckdb_only not in spark[0].upper(), f"{name}: {duckdb_only} survived into the Spark SQL"


@pytest.mark.parametrize("name", FILES)
def test_sql_runs_and_returns_units(framework, name):
    con, partnership = framework
    ind = _indicator(name)
    cols = compute.unit_columns(con, ind)  # runs the SQL into fw_units
    assert {"person_id", "date"} <= set(cols) <= set(compute.UNIT_COLUMNS)
    types = dict(con.execute("SELECT column_name, column_type FROM (DESCRIBE fw_units)").fetchall())
    assert types["date"] == "DATE"
    if "end_date" in types:
        assert types["end_date"] == "DATE"
    if "numerator" in types:
        assert types["numerator"] == "BOOLEAN"
    if ind.unit == "median_days":
        assert types["value"] in ("BIGINT", "INTEGER", "DOUBLE", "HUGEINT")
    units = con.execute("SELECT COUNT(*), COUNT(person_id) FROM fw_units").fetchone()
    if name.removesuffix(".sql") not in RARE:
        assert units[0] > 0, f"{name} found nothing in the synthetic partnership"
    assert units[0] == units[1], "every unit has a person_id"
    compute.compute_indicator(con, ind, partnership.area_codes)
    cells = con.execute("SELECT COUNT(*), COUNT(DISTINCT period) FROM fw_cell WHERE indicator_id = ? "
                        "AND area_level = 'partnership' AND breakdown = 'all'", [ind.id]).fetchone()
    assert cells[0] == cells[1] > 0, "one partnership value per period"
    if ind.unit == "percentage":
        bad = con.execute("SELECT COUNT(*) FROM fw_cell WHERE indicator_id = ? AND "
                          "(value < 0 OR value > 100 OR numerator > denominator)", [ind.id]).fetchone()[0]
        assert bad == 0


# ------------------------------------------------------------------ shared views

@pytest.mark.parametrize("name", VIEW_FILES)
def test_view_header_is_valid(name):
    view = _view(name)
    assert view.id == name.removesuffix(".sql")
    assert view.description.strip() == view.description and len(view.description) >= 40
    assert view.sql.lstrip().upper().startswith(("SELECT", "WITH"))


def test_views_come_in_dependency_order():
    """A view may read only views made before it (lower order, or same order and earlier id)."""
    made: list[str] = []
    for view in views.load_views():
        later = [v.id for v in views.load_views() if v.id not in made and v.id != view.id]
        used = [v for v in later if re.search(rf"\b{v}\b", re.sub(r"--[^\n]*", "", view.sql))]
        assert not used, f"{view.id} reads {used}, made after it: give it a higher order"
        made.append(view.id)


def test_views_are_tables_indicators_can_read(framework):
    con, _ = framework
    cols = {v: [r[0] for r in con.execute(f"DESCRIBE {v}").fetchall()] for v in ("concern", "event_age",
                                                                                "missing_episode")}
    assert cols["concern"] == ["person_id", "exploitation_type", "date", "end_date", "source_id", "recorded_as",
                               "under_18"]
    assert {"under_18", "under_18_at_end", "adult", "event_type", "start_date"} <= set(cols["event_age"])
    kinds = dict(con.execute("SELECT recorded_as, COUNT(*) FROM concern GROUP BY 1").fetchall())
    assert set(kinds) == {"flag", "event", "cin_factor"}
    factors = con.execute("SELECT DISTINCT exploitation_type FROM concern WHERE recorded_as = 'cin_factor'").fetchall()
    assert {f[0] for f in factors} <= {"cse", "cce", "trafficking"}
    dup = con.execute("SELECT COUNT(*) FROM (SELECT person_id, start_date FROM missing_episode "
                      "GROUP BY ALL HAVING COUNT(*) > 1)").fetchone()[0]
    assert dup == 0, "one missing episode per person per start day"


@pytest.mark.parametrize("header, problem", [
    ("id: concern\ndescription: too short", "description"),
    ("description: One row per thing, with columns a and b.\ncolour: blue", "colour"),
    ("id: event\ndescription: One row per thing, with columns a and b.", "already a warehouse"),
])
def test_a_bad_view_header_names_its_file_and_field(header, problem):
    name = "event" if "id: event" in header else "concern"
    with pytest.raises(ConfigError, match=rf"views/{name}\.sql: .*{problem}"):
        views.parse_view(f"/*\n{header}\n*/\nSELECT 1 AS x", f"views/{name}.sql")
    with pytest.raises(ConfigError, match="a view file starts with a /\\* ... \\*/ YAML header"):
        views.parse_view("SELECT 1", "views/x.sql")
