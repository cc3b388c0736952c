"""Exports of the published indicators: what Excel and Power BI users get, and what never leaves."""

from __future__ import annotations

import csv
import re
import shutil
import zipfile
from pathlib import Path

import duckdb
import openpyxl
import pyarrow.parquet as pq
import pytest
from python_calamine import CalamineWorkbook

from ceintel.config import AudienceRule, Disclosure
from ceintel.errors import CeintelError
from ceintel.framework import export
from ceintel.framework.build import FRAMEWORK_FILE, connect, framework_path
from ceintel.framework.export import DATA_COLUMNS, METADATA_COLUMNS, export_framework, sidecar
from ceintel.safe_csv import FORMULA_STARTS
from ceintel.workspace import init_workspace

AUDIENCE = "public"
DATA_COLUMNS_INDEX = {c: i for i, c in enumerate(DATA_COLUMNS)}
KEYS = ("indicator_id", "period_kind", "period", "area_level", "area_code", "breakdown", "category")


@pytest.fixture(scope="module")
def ws(built_workspace):
    return built_workspace.workspace


@pytest.fixture(scope="module")
def fw(ws):
    con = connect(ws)
    yield con
    con.close()


@pytest.fixture(scope="module")
def sample(fw) -> list[str]:
    """One indicator of each unit (the first in the registry's order), to keep the slower formats quick."""
    return [r[0] for r in fw.execute("""SELECT FIRST(id ORDER BY position) FROM indicator
                                        WHERE disclosure <> 'none' GROUP BY unit ORDER BY unit""").fetchall()]


@pytest.fixture(scope="module")
def exported(ws, sample) -> dict[str, Path]:
    """The public audience: every indicator as Parquet (to the default place), a sample as CSV and XLSX."""
    folder = ws.reports / "test-export"
    return {
        "parquet": export_framework(ws, AUDIENCE, "parquet"),
        "csv": export_framework(ws, AUDIENCE, "csv", folder, indicators=sample),
        "xlsx": export_framework(ws, AUDIENCE, "xlsx", folder / "public.xlsx", indicators=sample),
    }


@pytest.fixture(scope="module")
def threshold(ws) -> int:
    return ws.config().disclosure.audiences[AUDIENCE].threshold


def read_rows(path: Path, only: list[str] | None = None) -> list[dict]:
    """An export's data rows as dicts, whatever the format (from Parquet, ``only`` those indicators)."""
    if path.suffix == ".csv":
        with open(path, encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    if path.suffix == ".parquet":
        return pq.read_table(path, filters=[("indicator_id", "in", only)] if only else None).to_pylist()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Data").to_python()
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def read_metadata(path: Path) -> list[dict]:
    if path.suffix == ".csv":
        with open(sidecar(path, "metadata.csv"), encoding="utf-8", newline="") as fh:
            return list(csv.DictReader(fh))
    if path.suffix == ".parquet":
        return pq.read_table(sidecar(path, "metadata.parquet")).to_pylist()
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("Metadata").to_python()
    return [dict(zip(rows[0], r, strict=True)) for r in rows[1:]]


def number(v) -> float | None:
    return None if v is None or v == "" else float(v)


@pytest.fixture(scope="module")
def rows(exported, sample) -> dict[str, list[dict]]:
    """The sample's rows in each format (the whole Parquet export is checked in SQL)."""
    return {fmt: read_rows(path, sample) for fmt, path in exported.items()}


def test_files_land_where_users_look(ws, exported):
    assert exported["parquet"] == ws.reports / "exports" / "indicators-public.parquet"
    assert sidecar(exported["parquet"], "metadata.parquet").exists()
    assert sidecar(exported["parquet"], "README.txt").exists()
    assert exported["csv"] == ws.reports / "test-export" / "indicators-public-selection.csv"
    assert sidecar(exported["csv"], "metadata.csv").exists()
    assert sidecar(exported["csv"], "README.txt").exists()
    assert exported["xlsx"].name == "public.xlsx"
    assert not list(ws.reports.rglob("*.partial"))


def published_rows(fw, ids: list[str]) -> int:
    return fw.execute("SELECT COUNT(*) FROM published_cell WHERE audience = ? AND indicator_id IN "
                      "(SELECT UNNEST(?))", [AUDIENCE, ids]).fetchone()[0]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_round_trip(fmt, exported, rows, fw, sample):
    ids = [r[0] for r in fw.execute("SELECT id FROM indicator ORDER BY position").fetchall()]
    metadata = read_metadata(exported[fmt])
    if fmt == "parquet":
        assert pq.read_metadata(exported[fmt]).num_rows == published_rows(fw, ids)
        assert pq.read_schema(exported[fmt]).names == list(DATA_COLUMNS)
    else:
        ids = [i for i in ids if i in sample]
    got = rows[fmt]
    assert len(got) == published_rows(fw, sample) > 0
    assert list(got[0]) == list(DATA_COLUMNS)
    assert [m["indicator_id"] for m in metadata] == ids
    assert set(metadata[0]) == set(METADATA_COLUMNS)
    assert all(m["question"] and m["cannot_tell"] for m in metadata)
    assert {r["indicator_id"] for r in got} <= set(ids)
    assert all(r["area_name"] and r["indicator_title"] and r["category_label"] for r in got)


def test_values_are_the_published_ones(exported, fw):
    """Every exported cell carries its published figures and status, nothing more: a suppressed
    cell shows no value and no numerator, even where published_cell keeps one."""
    on = " AND ".join(f"e.{k} = p.{k}" for k in KEYS)
    mismatched = fw.execute(f"""
        SELECT COUNT(*) FROM read_parquet(?) e
        FULL JOIN (SELECT * FROM published_cell WHERE audience = ?) p ON {on}
        WHERE p.indicator_id IS NULL OR e.indicator_id IS NULL OR e.status <> p.status
           OR e.value IS DISTINCT FROM (CASE WHEN p.status = 'c' THEN NULL WHEN e.unit = 'count'
                                             THEN ROUND(p.value) ELSE ROUND(p.value, 4) END)
           OR e.numerator IS DISTINCT FROM (CASE WHEN p.status <> 'c' THEN p.numerator END)
           OR e.denominator IS DISTINCT FROM p.denominator
    """, [str(exported["parquet"]), AUDIENCE]).fetchone()[0]
    assert mismatched == 0


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_public_export_shows_no_small_count(fmt, exported, rows, threshold):
    disclosure = {m["indicator_id"]: m["disclosure"] for m in read_metadata(exported[fmt])}
    small = range(1, threshold + 1)
    for r in rows[fmt]:
        if r["status"] == "c":
            assert number(r["value"]) is None and number(r["numerator"]) is None, r
            assert r["value_text"] == "c"
        if disclosure[r["indicator_id"]] == "none":
            continue
        assert number(r["numerator"]) not in small, r
        if r["unit"] == "count":
            assert number(r["value"]) not in small, r
        if r["unit"] == "percentage":
            assert number(r["denominator"]) not in small, r


def test_small_counts_before_disclosure_are_suppressed_in_the_export(exported, fw, threshold):
    """Cells whose true count is 1 to the threshold are exported as 'c' with nothing shown."""
    on = " AND ".join(f"e.{k} = c.{k}" for k in KEYS)
    small, leaked, missing = fw.execute(f"""
        SELECT COUNT(*), COUNT(*) FILTER (WHERE e.status <> 'c' OR e.value IS NOT NULL OR e.numerator IS NOT NULL
                                          OR e.value_text <> 'c'),
               COUNT(*) FILTER (WHERE e.indicator_id IS NULL)
        FROM indicator_cell c JOIN indicator i ON i.id = c.indicator_id
        LEFT JOIN read_parquet(?) e ON {on}
        WHERE i.disclosure <> 'none'
          AND CASE WHEN i.unit = 'median_days' THEN c.units ELSE c.numerator END BETWEEN 1 AND ?
    """, [str(exported["parquet"]), threshold]).fetchone()
    assert small > 0, "the synthetic partnership should have small counts to hide"
    assert (leaked, missing) == (0, 0)


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "parquet"])
def test_value_text_shows_the_symbol_or_the_number(fmt, rows):
    seen = set()
    for r in rows[fmt]:
        status = r["status"] or ""
        seen.add(status)
        if status:
            assert r["value_text"] == status
        elif number(r["value"]) is not None and r["unit"] == "count":
            assert r["value_text"].replace(",", "") == str(int(number(r["value"])))
    assert {"", "c"} <= seen
    assert seen <= {"", "c", "z", ":", "k"}


def test_symbols_and_rule_are_explained(exported, threshold, ws):
    book = CalamineWorkbook.from_path(str(exported["xlsx"]))
    assert book.sheet_names == ["Data", "Metadata", "Symbols", "About"]
    symbols = {r[0]: r[1] for r in book.get_sheet_by_name("Symbols").to_python()[1:]}
    assert set(symbols) == {"", "c", "z", ":", "k"}
    assert f"1 to {threshold}" in symbols["c"]
    about = {r[0]: r[1] for r in book.get_sheet_by_name("About").to_python()[1:] if r[0]}
    assert about["partnership"] == ws.config().name
    assert about["audience"] == AUDIENCE
    assert f"1 to {threshold}" in about["suppression"]
    assert about["framework built"]
    for fmt in ("csv", "parquet"):
        readme = sidecar(exported[fmt], "README.txt").read_text(encoding="utf-8")
        assert ws.config().name in readme and f"1 to {threshold}" in readme
        for symbol in ("c ", "z ", ": ", "k "):
            assert f"\n  {symbol}" in readme
    kv = pq.read_schema(exported["parquet"]).metadata
    assert kv[b"ceintel.audience"] == AUDIENCE.encode()
    assert b"ceintel.symbols" in kv and b"ceintel.framework_built" in kv


def test_xlsx_is_ready_for_excel(exported, rows):
    with zipfile.ZipFile(exported["xlsx"]) as z:
        sheet = z.read("xl/worksheets/sheet1.xml").decode()
        styles = z.read("xl/styles.xml").decode()
        table = z.read("xl/tables/table1.xml").decode()
    assert re.search(r'<pane [^>]*ySplit="1"[^>]*state="frozen"', sheet)
    header = re.search(r'<row r="1">(.*?)</row>', sheet).group(1)
    style = set(re.findall(r' s="(\d+)"', header))
    assert len(style) == 1
    xfs = re.findall(r"<xf\b[^>]*>", re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles, re.S).group(1))
    font = int(re.search(r'fontId="(\d+)"', xfs[int(style.pop())]).group(1))
    fonts = re.findall(r"<font>(.*?)</font>|<font/>", re.search(r"<fonts[^>]*>(.*?)</fonts>", styles, re.S).group(1))
    assert "<b" in fonts[font]
    assert "<f>" not in sheet
    assert f'ref="A1:W{len(rows["xlsx"]) + 1}"' in table
    widths = re.findall(r'<col width="(\d+)"', sheet)
    assert len(widths) == len(DATA_COLUMNS) and len(set(widths)) > 3
    book = openpyxl.load_workbook(exported["xlsx"], read_only=True)
    header, first = book["Data"].iter_rows(max_row=2)
    assert [c.value for c in header] == list(DATA_COLUMNS) and all(c.font.b for c in header)
    assert first[DATA_COLUMNS_INDEX["period_start"]].is_date and not first[0].font.b
    book.close()
    data = rows["xlsx"]
    assert all(isinstance(r["value"], float) or r["value"] == "" for r in data)
    assert all(isinstance(r["numerator"], float) or r["numerator"] == "" for r in data)
    assert all(type(r["period_start"]).__name__ == "date" for r in data)


def test_parquet_types_suit_power_bi(exported):
    schema = pq.read_schema(exported["parquet"])
    assert str(schema.field("period_start").type) == "date32[day]"
    assert str(schema.field("numerator").type) == "int64"
    assert str(schema.field("value").type) == "double"


def test_csv_has_no_formula_cells(exported):
    for path in (exported["csv"], sidecar(exported["csv"], "metadata.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            for row in csv.reader(fh):
                assert not [c for c in row if c.startswith(FORMULA_STARTS)], row


def test_unknown_audience_format_or_indicator_says_what_is_allowed(ws):
    with pytest.raises(CeintelError, match="unknown audience 'press'.*allows: public, partnership"):
        export_framework(ws, "press", "csv")
    with pytest.raises(CeintelError, match="unknown export format 'json'; choose one of: csv, xlsx, parquet"):
        export_framework(ws, AUDIENCE, "json")
    with pytest.raises(CeintelError, match="ends in .csv but the format is xlsx"):
        export_framework(ws, AUDIENCE, "xlsx", ws.reports / "wrong.csv")
    with pytest.raises(CeintelError, match="no indicator 'no_such_thing'.*ceintel indicators"):
        export_framework(ws, AUDIENCE, "csv", indicators=["children_cce", "no_such_thing"])


# --- a copy of the built framework, altered to check the safeguards ---------------------------

@pytest.fixture
def copy_ws(ws, tmp_path):
    """A new workspace holding a copy of the built framework (the shared one is left alone)."""
    def make(public: AudienceRule | None = None):
        partnership = ws.config()
        if public is not None:
            partnership = partnership.model_copy(update={"disclosure": Disclosure(audiences={
                "public": public, "partnership": partnership.disclosure.audiences["partnership"]})})
        new = init_workspace(tmp_path / "ws", partnership)
        shutil.copy(framework_path(ws), new.root / FRAMEWORK_FILE)
        return new
    return make


def test_formula_like_text_is_neutralised(copy_ws, sample):
    new = copy_ws()
    con = duckdb.connect(str(framework_path(new)))
    con.execute("UPDATE area SET area_name = '=HYPERLINK(\"http://x\")' WHERE area_level = 'council'")
    con.execute("UPDATE indicator SET title = '+SUM(A1)', question = '@cmd and what it answers'")
    con.close()
    path = export_framework(new, AUDIENCE, "csv", indicators=sample)
    with open(path, encoding="utf-8", newline="") as fh:
        data = list(csv.DictReader(fh))
    assert {r["indicator_title"] for r in data} == {"'+SUM(A1)"}
    assert "'=HYPERLINK(\"http://x\")" in {r["area_name"] for r in data}
    with open(sidecar(path, "metadata.csv"), encoding="utf-8", newline="") as fh:
        assert {r["question"] for r in csv.DictReader(fh)} == {"'@cmd and what it answers"}
    book = export_framework(new, AUDIENCE, "xlsx", indicators=sample[:1])
    with zipfile.ZipFile(book) as z:
        assert all("<f>" not in z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    names = {r["area_name"] for r in read_rows(book)}
    assert '=HYPERLINK("http://x")' in names  # kept as text, not run as a formula


@pytest.mark.parametrize("rule", [AudienceRule(threshold=50), AudienceRule(threshold=5, round_to=5)],
                         ids=["higher threshold", "rounding"])
def test_refuses_when_the_rule_is_stricter_than_the_build(copy_ws, sample, rule):
    new = copy_ws(public=rule)
    with pytest.raises(CeintelError, match="refusing to export.*ceintel build"):
        export_framework(new, AUDIENCE, "csv", indicators=sample)
    assert not (new.reports / "exports").exists() or not list((new.reports / "exports").iterdir())
    assert export_framework(new, "partnership", "csv", indicators=sample).exists()


def test_refuses_an_audience_the_build_did_not_publish(copy_ws, sample):
    new = copy_ws()
    con = duckdb.connect(str(framework_path(new)))
    con.execute("DELETE FROM published_cell WHERE audience = 'partnership'")
    con.close()
    with pytest.raises(CeintelError, match="no published figures for audience 'partnership'.*ceintel build"):
        export_framework(new, "partnership", "xlsx", indicators=sample)


def test_too_many_rows_for_excel_suggests_another_format(ws, monkeypatch, tmp_path):
    monkeypatch.setattr(export, "EXCEL_MAX_ROWS", 100)
    with pytest.raises(CeintelError, match="do not fit in an Excel sheet.*parquet.*csv"):
        export_framework(ws, AUDIENCE, "xlsx", ws.reports / "too-big")
    assert not (ws.reports / "too-big").exists()
