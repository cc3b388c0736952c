"""Exports of the published indicators for Excel and Power BI users: CSV, XLSX or Parquet.

An export is built from ``published_cell`` (the figures after disclosure
control, for one audience) and the metadata tables of ``framework.duckdb``
(``indicator``, ``area``, ``period``) and nothing else: never
``indicator_cell`` and never the warehouse, so nothing that has not passed
disclosure control can leave through it (DESIGN principle 4). Before writing,
the published figures are checked once more against the audience's rule in
``partnership.yaml``; if they break it (the file was edited after the last
build), the export refuses and asks for a rebuild. A suppressed cell (``c``)
shows neither a value nor a numerator, even where ``published_cell`` keeps a
numerator for it (a percentage hidden because of its denominator keeps its
numerator there, and a numerator of 0 would give the hidden percentage away).

Every export is a tidy table, one row per cell (indicator × period × area ×
breakdown category), with codes for joining and labels for reading, the value
as a number (empty when not published) and as text (the formatted value or
the DfE symbol). Each figure travels with what it cannot tell us (DESIGN
principle 3): the indicator's question, caveats and sources sit in a metadata
part, one row per indicator, beside the data:

    csv      indicators-<audience>.csv            the data
             indicators-<audience>-metadata.csv   one row per indicator
             indicators-<audience>-README.txt     symbols, the disclosure rule, columns, build date
                                                  (the same for CSV and Parquet)
    xlsx     indicators-<audience>.xlsx           sheets Data, Metadata, Symbols, About
             (Data and Metadata are also Excel tables named Data and Metadata)
    parquet  indicators-<audience>.parquet        the data; the About facts also as key-value
                                                  metadata in the file's schema
             indicators-<audience>-metadata.parquet  one row per indicator
             indicators-<audience>-README.txt

An Excel sheet holds at most 1,048,575 rows below its header: a bigger export
is refused with a message suggesting Parquet, CSV or fewer indicators
(``indicators=``). openpyxl makes the workbook; the Data sheet's rows are
streamed into it directly (see :func:`_stream_data_sheet`), because openpyxl
writes only about 20,000 cells a second.

Why sidecar files for Parquet: Power BI's Parquet connector shows each file as
one table and ignores schema key-value metadata, so the indicator metadata is
a second Parquet file a user loads beside the data and relates on
``indicator_id``; the key-value metadata is for pandas, Polars or DuckDB users.
Dates are real dates and counts integers in every format, so Power BI and
Excel type the columns without help.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import os
import re
import warnings
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import escape

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE, Cell
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableColumn, TableStyleInfo

from ceintel import __version__
from ceintel.config import AudienceRule
from ceintel.errors import CeintelError
from ceintel.framework.build import connect, framework_path
from ceintel.framework.dimensions import ALL, BREAKDOWN_LABELS, CATEGORIES, NOT_KNOWN
from ceintel.framework.disclosure import NOT_APPLICABLE, NOT_AVAILABLE, ROUNDS_TO_ZERO, SUPPRESSED
from ceintel.framework.periods import KIND_LABELS
from ceintel.framework.registry import GEOGRAPHIES
from ceintel.safe_csv import write_csv
from ceintel.workspace import Workspace

FORMATS = ("csv", "xlsx", "parquet")
EXCEL_MAX_ROWS = 1_048_576
"""Excel's row limit, the header row included."""
EXCEL_MAX_TEXT = 32_767
BATCH = 50_000

DATA_COLUMNS: dict[str, str] = {
    "indicator_id": "the indicator's stable name (joins to the metadata)",
    "indicator_title": "what the number is",
    "theme": "the theme's code",
    "theme_title": "the theme the indicator belongs to",
    "unit": "count, rate_per_10000, percentage or median_days",
    "period_kind": "month, quarter, financial_year or rolling_12_months",
    "period_kind_label": "the kind of period, in words",
    "period": "the period's label (e.g. 2024-05, 2024-25 Q1, 2024-25, 12 months to 2025-03)",
    "period_start": "first day of the period",
    "period_end": "last day of the period",
    "area_level": "partnership, council, ward or small_area",
    "area_code": "the area's code",
    "area_name": "the area's name",
    "breakdown": "the breakdown's code (all: no breakdown)",
    "breakdown_label": "the breakdown, in words",
    "category": "the category's code within the breakdown",
    "category_label": "the category, in words",
    "value": "the figure as a number (rates and percentages to 4 decimal places); empty when not published",
    "value_text": "the figure as text, or the symbol shown instead of it (see the symbols)",
    "numerator": "the count the figure rests on (rows summarised, for medians); empty when hidden",
    "denominator": "what a rate or percentage divides by (children living in the area for rates); "
                   "empty when hidden or not used",
    "status": "empty when published, else the symbol: c, z, : or k",
    "caveat": "a caveat about this cell (e.g. the period is not yet complete)",
}

METADATA_COLUMNS = (
    "indicator_id", "position", "title", "theme", "theme_title", "question", "cannot_tell", "unit", "counts",
    "numerator", "denominator", "breakdowns", "geographies", "disclosure", "sources", "caveats",
)

_WIDTHS = {
    "indicator_id": 24, "indicator_title": 44, "theme": 22, "theme_title": 34, "unit": 14, "period_kind": 18,
    "period_kind_label": 18, "period": 22, "period_start": 12, "period_end": 12, "area_level": 12,
    "area_code": 20, "area_name": 30, "breakdown": 16, "breakdown_label": 24, "category": 14,
    "category_label": 30, "value": 11, "value_text": 12, "numerator": 11, "denominator": 12, "status": 8,
    "caveat": 44,
}
_META_WIDTHS = {
    "indicator_id": 24, "position": 9, "title": 44, "theme": 22, "theme_title": 34, "question": 60,
    "cannot_tell": 60, "unit": 14, "counts": 11, "numerator": 40, "denominator": 30, "breakdowns": 30,
    "geographies": 30, "disclosure": 11, "sources": 34, "caveats": 80,
}
_BOLD = Font(bold=True)
_WRAP = Alignment(wrap_text=True, vertical="top")


def export_framework(ws: Workspace, audience: str, fmt: str, out: Path | None = None, *,
                     indicators: Sequence[str] | None = None) -> Path:
    """Write the published indicators for ``audience`` as ``fmt``; returns the data file's path.

    ``out`` is the data file (its sidecars are named after it) or a folder;
    by default ``reports/exports/indicators-<audience>.<fmt>``. ``indicators``
    exports only those (by id), by default to ``indicators-<audience>-selection.<fmt>``:
    a whole framework can outgrow an Excel sheet.
    """
    fmt = str(fmt).lower().lstrip(".")
    if fmt not in FORMATS:
        raise CeintelError(f"unknown export format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    partnership = ws.config()
    audiences = dict(partnership.disclosure.audiences)
    if audience not in audiences:
        raise CeintelError(f"unknown audience {audience!r}; {ws.config_path} allows: {', '.join(audiences)}")
    rule = audiences[audience]
    path = _target(ws, audience, fmt, out, selection=indicators is not None)
    con = connect(ws)
    try:
        _register_labels(con)
        _select(con, indicators)
        if not con.execute("SELECT 1 FROM published_cell WHERE audience = ? LIMIT 1", [audience]).fetchone():
            raise CeintelError(f"{framework_path(ws)} holds no published figures for audience {audience!r} "
                               f"(was it added to {ws.config_path.name} after the last build?); "
                               f"run: ceintel build {ws.root}")
        rows = con.execute("SELECT COUNT(*) FROM published_cell JOIN x_selected USING (indicator_id) "
                           "WHERE audience = ?", [audience]).fetchone()[0]
        check_published(con, audience, rule, ws)
        built = dt.datetime.fromtimestamp(framework_path(ws).stat().st_mtime).astimezone()
        job = _Job(audience, rule, path, rows, _about(ws, audience, rule, rows, built, con),
                   _metadata_rows(con), built)
        {"csv": _write_csv_export, "xlsx": _write_xlsx_export, "parquet": _write_parquet_export}[fmt](con, job)
    finally:
        con.close()
    return path


def sidecar(path: Path, suffix: str) -> Path:
    """The file beside an export's data file: ``indicators-public.csv`` → ``indicators-public-<suffix>``."""
    return path.with_name(f"{path.stem}-{suffix}")


def _target(ws: Workspace, audience: str, fmt: str, out: Path | None, selection: bool = False) -> Path:
    name = f"indicators-{audience}{'-selection' if selection else ''}.{fmt}"
    if out is None:
        return ws.reports / "exports" / name
    out = Path(out)
    if out.is_dir() or not out.suffix:
        return out / name
    if out.suffix.lower() != f".{fmt}":
        raise CeintelError(f"{out} ends in {out.suffix} but the format is {fmt}: name the file .{fmt}, "
                           f"or give a folder")
    return out


# --- what is read ----------------------------------------------------------------------------

def _select(con: duckdb.DuckDBPyConnection, indicators: Sequence[str] | None) -> None:
    """``x_selected``: the indicators to export (all that were published, unless some are named)."""
    if indicators is None:
        con.execute("CREATE TEMP TABLE x_selected AS SELECT DISTINCT indicator_id FROM published_cell")
        return
    wanted = list(dict.fromkeys(indicators))
    known = {r[0] for r in con.execute("SELECT id FROM indicator").fetchall()}
    unknown = [i for i in wanted if i not in known]
    if unknown or not wanted:
        raise CeintelError(f"no indicator {', '.join(map(repr, unknown))} in the last build; run `ceintel "
                           f"indicators` to list them" if unknown else "no indicators named to export")
    con.register("x_wanted", pa.table({"indicator_id": pa.array(wanted, pa.string())}))
    con.execute("CREATE TEMP TABLE x_selected AS SELECT indicator_id FROM x_wanted")
    con.unregister("x_wanted")


def _register_labels(con: duckdb.DuckDBPyConnection) -> None:
    """Small lookup tables (labels and sort orders) the data query joins to."""
    breakdowns = list(BREAKDOWN_LABELS)
    cats = [(ALL, ALL, "All", 0)]
    for b, pairs in CATEGORIES.items():
        cats.extend((b, code, label, i) for i, (code, label) in enumerate(pairs))
    cats.append(("source", NOT_KNOWN, "source not recorded", 1_000))
    con.register("x_breakdown", pa.table({
        "breakdown": breakdowns, "breakdown_label": [BREAKDOWN_LABELS[b] for b in breakdowns],
        "breakdown_sort": list(range(len(breakdowns)))}))
    con.register("x_category", pa.table({
        "breakdown": [c[0] for c in cats], "category": [c[1] for c in cats],
        "category_label": [c[2] for c in cats], "category_sort": [c[3] for c in cats]}))
    con.register("x_kind", pa.table({"period_kind": list(KIND_LABELS),
                                     "period_kind_label": list(KIND_LABELS.values())}))
    con.register("x_level", pa.table({"area_level": list(GEOGRAPHIES),
                                      "level_sort": list(range(len(GEOGRAPHIES)))}))


_VALUE_TEXT = """
    CASE WHEN p.status <> '' THEN p.status
         WHEN p.value IS NULL THEN ''
         WHEN i.unit = 'count' THEN format('{:,}', CAST(ROUND(p.value) AS BIGINT))
         WHEN i.unit = 'percentage' THEN format('{:.1f}%', p.value)
         ELSE format('{:,.1f}', p.value) END"""

DATA_QUERY = f"""
    SELECT p.indicator_id, i.title AS indicator_title, i.theme, i.theme_title, i.unit,
           p.period_kind, COALESCE(k.period_kind_label, p.period_kind) AS period_kind_label, p.period,
           pe.period_start, pe.period_end,
           p.area_level, p.area_code, a.area_name,
           p.breakdown, COALESCE(b.breakdown_label, p.breakdown) AS breakdown_label,
           p.category, COALESCE(c.category_label, p.category) AS category_label,
           CASE WHEN p.status = '{SUPPRESSED}' THEN NULL WHEN i.unit = 'count' THEN ROUND(p.value)
                ELSE ROUND(p.value, 4) END AS value,
           {_VALUE_TEXT} AS value_text,
           CASE WHEN p.status = '{SUPPRESSED}' THEN NULL ELSE CAST(ROUND(p.numerator) AS BIGINT) END AS numerator,
           p.denominator,
           p.status, p.caveat
    FROM published_cell p
    JOIN x_selected USING (indicator_id)
    LEFT JOIN indicator i ON i.id = p.indicator_id
    LEFT JOIN period pe ON pe.period_kind = p.period_kind AND pe.period = p.period
    LEFT JOIN area a ON a.area_level = p.area_level AND a.area_code = p.area_code
    LEFT JOIN x_kind k ON k.period_kind = p.period_kind
    LEFT JOIN x_level l ON l.area_level = p.area_level
    LEFT JOIN x_breakdown b ON b.breakdown = p.breakdown
    LEFT JOIN x_category c ON c.breakdown = p.breakdown AND c.category = p.category
    WHERE p.audience = ?
    ORDER BY i.position, p.indicator_id, pe.sort, p.period_kind, p.period, l.level_sort, p.area_code,
             b.breakdown_sort, p.breakdown, c.category_sort, p.category
"""


def check_published(con: duckdb.DuckDBPyConnection, audience: str, rule: AudienceRule, ws: Workspace) -> None:
    """Refuse to export figures that break the audience's rule in ``partnership.yaml``.

    Disclosure control ran at build time; this is a second line of defence
    for when the rule was tightened after the build: no published count from
    1 to the threshold (or, when counts are rounded, no count off the base).
    (A suppressed cell's value and numerator are left out of the export
    whatever ``published_cell`` holds: see the module's docstring.)
    """
    def breaks(column: str) -> str:
        if rule.round_to:
            return f"({column} IS NOT NULL AND {column} % {int(rule.round_to)} <> 0)"
        return f"({column} BETWEEN 1 AND {int(rule.threshold)})"

    row = con.execute(f"""
        SELECT COUNT(*), ANY_VALUE(p.indicator_id)
        FROM published_cell p JOIN x_selected USING (indicator_id) JOIN indicator i ON i.id = p.indicator_id
        WHERE p.audience = ? AND (
            (i.disclosure <> 'none' AND p.status <> '{SUPPRESSED}' AND (
                {breaks('p.numerator')}
                OR (i.unit = 'count' AND {breaks('p.value')})
                OR (i.unit = 'percentage' AND {breaks('p.denominator')}))))
    """, [audience]).fetchone()
    if row[0]:
        rule_text = (f"counts rounded to {rule.round_to}" if rule.round_to
                     else f"counts from 1 to {rule.threshold} hidden")
        raise CeintelError(
            f"refusing to export: {row[0]} published figure(s) for audience {audience!r} (e.g. in {row[1]}) "
            f"break the rule in {ws.config_path.name} ({rule_text}); it may have changed since the last "
            f"build: run ceintel build {ws.root}")


def _about(ws: Workspace, audience: str, rule: AudienceRule, rows: int, built: dt.datetime,
           con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """Facts about the export, shown in its About sheet, README and Parquet key-value metadata.

    The build time is the framework file's: a build writes it whole and renames it into place.
    """
    chosen, total = con.execute("SELECT (SELECT COUNT(*) FROM x_selected), COUNT(*) FROM indicator").fetchone()
    return [
        ("partnership", ws.config().name),
        ("audience", audience),
        ("suppression", f"counts from 1 to {rule.threshold} are hidden ({SUPPRESSED}), with any other figure "
                        f"from which one could be worked out" if rule.threshold
         else "no threshold: small counts are not hidden"),
        ("rounding", f"counts are rounded to the nearest {rule.round_to}" if rule.round_to
         else "counts are not rounded"),
        ("framework built", built.isoformat(timespec="seconds")),
        ("exported", dt.datetime.now().astimezone().isoformat(timespec="seconds")),
        ("rows", str(rows)),
        ("indicators", str(total) if chosen == total else f"{chosen} of {total} (a selection)"),
        ("contents", "figures after disclosure control only: no record-level data"),
        ("ceintel version", __version__),
    ]


def symbols(rule: AudienceRule) -> list[tuple[str, str]]:
    """The DfE symbols used in ``status`` and ``value_text``, with what they mean for this audience."""
    return [
        ("", "published: the figure is shown"),
        (SUPPRESSED, f"confidential: hidden to protect children's privacy, because it is a count from 1 to "
                     f"{rule.threshold} or would let such a count be worked out from other figures"),
        (NOT_APPLICABLE, "not applicable: there is nothing to show, e.g. a percentage of no children or a rate "
                         "for children whose home area is not known"),
        (NOT_AVAILABLE, "not available: the figure cannot be worked out, e.g. no population figure exists for "
                        "this group, so no rate can be given"),
        (ROUNDS_TO_ZERO, f"rounds to zero: more than zero, but shown as 0 when rounded to the nearest "
                         f"{rule.round_to}" if rule.round_to
         else "rounds to zero: not used, because this audience's counts are not rounded"),
    ]


def _metadata_rows(con: duckdb.DuckDBPyConnection) -> list[dict[str, object]]:
    cur = con.execute("""SELECT id AS indicator_id, position, title, theme, theme_title, question, cannot_tell,
        unit, counts, numerator, denominator, CAST(breakdowns AS VARCHAR), CAST(geographies AS VARCHAR),
        disclosure, CAST(sources AS VARCHAR), CAST(caveats AS VARCHAR)
        FROM indicator WHERE id IN (SELECT indicator_id FROM x_selected) ORDER BY position, id""")
    out = []
    for row in cur.fetchall():
        rec = dict(zip(METADATA_COLUMNS, row, strict=True))
        for key in ("breakdowns", "geographies", "sources", "caveats"):
            rec[key] = _json_list(rec[key])
        out.append(rec)
    return out


def _json_list(text: str | None) -> list[str]:
    if not text:
        return []
    value = json.loads(text)
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


def _flat(rec: dict[str, object], caveat_sep: str = " ") -> dict[str, object]:
    """A metadata row with its lists as text (caveats are sentences; the rest comma-separated)."""
    flat = dict(rec)
    for key in ("breakdowns", "geographies", "sources"):
        flat[key] = ", ".join(rec[key])
    flat["caveats"] = caveat_sep.join(rec["caveats"])
    return flat


def _batches(con: duckdb.DuckDBPyConnection, audience: str) -> Iterator[list[tuple]]:
    cur = con.execute(DATA_QUERY, [audience])
    while batch := cur.fetchmany(BATCH):
        yield batch


# --- writing ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Job:
    audience: str
    rule: AudienceRule
    path: Path
    rows: int
    about: list[tuple[str, str]]
    metadata: list[dict[str, object]]
    built: dt.datetime


class _Files:
    """Files written beside their final names and moved into place together, so a failed
    export leaves no half-written file behind (and the last good export stays)."""

    def __init__(self) -> None:
        self.pending: list[tuple[Path, Path]] = []

    def temp(self, final: Path) -> Path:
        final.parent.mkdir(parents=True, exist_ok=True)
        tmp = final.with_name(final.name + ".partial")
        self.pending.append((tmp, final))
        return tmp

    def __enter__(self) -> _Files:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            for tmp, final in self.pending:
                os.replace(tmp, final)
        else:
            for tmp, _ in self.pending:
                tmp.unlink(missing_ok=True)


def _number(v: object) -> object:
    """Whole numbers without a trailing .0, for CSV readers."""
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _write_csv_export(con: duckdb.DuckDBPyConnection, job: _Job) -> None:
    columns = list(DATA_COLUMNS)
    numeric = [columns.index(c) for c in ("value", "denominator")]

    def rows() -> Iterator[dict[str, object]]:
        for batch in _batches(con, job.audience):
            for row in batch:
                rec = list(row)
                for i in numeric:
                    rec[i] = _number(rec[i])
                yield dict(zip(columns, rec, strict=True))

    with _Files() as files:
        write_csv(files.temp(sidecar(job.path, "metadata.csv")), list(METADATA_COLUMNS),
                  (_flat(r) for r in job.metadata))
        _write_readme(files.temp(sidecar(job.path, "README.txt")), job)
        write_csv(files.temp(job.path), columns, rows())


def _write_parquet_export(con: duckdb.DuckDBPyConnection, job: _Job) -> None:
    kv = {f"ceintel.{k.replace(' ', '_')}": v for k, v in job.about}
    kv["ceintel.symbols"] = json.dumps(dict(symbols(job.rule)))
    with _Files() as files:
        meta_schema = pa.schema([(c, pa.int32() if c == "position" else pa.string()) for c in METADATA_COLUMNS])
        meta_table = pa.Table.from_pylist([_flat(r) for r in job.metadata], schema=meta_schema)
        pq.write_table(meta_table.replace_schema_metadata(kv), files.temp(sidecar(job.path, "metadata.parquet")))
        _write_readme(files.temp(sidecar(job.path, "README.txt")), job)
        reader = con.execute(DATA_QUERY, [job.audience]).to_arrow_reader(BATCH)
        with pq.ParquetWriter(files.temp(job.path), reader.schema.with_metadata(kv), compression="snappy") as w:
            for batch in reader:
                w.write_batch(batch)


def _write_readme(target: Path, job: _Job) -> None:
    """The same text for the CSV and the Parquet export (they share the README when side by side)."""
    facts = dict(job.about)
    stem = job.path.stem
    lines = [
        f"{facts['partnership']}: indicators for the {job.audience} audience",
        "",
        f"{stem}.csv or .parquet  the figures, one row per indicator, period, area and breakdown category",
        f"{stem}-metadata.csv or .parquet  one row per indicator: the question it answers, what it cannot "
        "tell us, its sources and caveats",
        "",
        "Read each figure with its indicator's caveats: they say what the data can and cannot tell us.",
        "",
    ]
    lines += [f"{k}: {v}" for k, v in job.about]
    lines += ["", "Symbols (in the status and value_text columns)"]
    lines += [f"  {s or '(blank)':8} {meaning}" for s, meaning in symbols(job.rule)]
    lines += ["", "Columns"]
    lines += [f"  {c:18} {d}" for c, d in DATA_COLUMNS.items()]
    target.write_text("\n".join(lines) + "\n", encoding="utf-8")


# --- XLSX ------------------------------------------------------------------------------------

def _write_xlsx_export(con: duckdb.DuckDBPyConnection, job: _Job) -> None:
    """The workbook comes from openpyxl; the Data sheet's rows after the first are streamed in by
    :class:`_SheetRows` (openpyxl writes about 20,000 cells a second, too slow for a big table)."""
    rows = job.rows
    if rows + 1 > EXCEL_MAX_ROWS:
        raise CeintelError(f"{rows:,} rows do not fit in an Excel sheet (at most {EXCEL_MAX_ROWS - 1:,} rows "
                           f"below the header): export as parquet (Power BI reads it directly) or csv instead, "
                           f"or fewer indicators at a time")
    wb = Workbook(write_only=True)
    data = wb.create_sheet("Data")
    columns = list(DATA_COLUMNS)
    _sheet_header(data, columns, _WIDTHS)
    _add_table(data, "Data", columns, rows)

    meta = wb.create_sheet("Metadata")
    _sheet_header(meta, list(METADATA_COLUMNS), _META_WIDTHS)
    meta_text = _XlsxText(meta)
    for rec in job.metadata:
        flat = _flat(rec, caveat_sep="\n")
        meta.append([_wrapped(meta, meta_text(v)) if isinstance(v, str) else v
                     for v in (flat[c] for c in METADATA_COLUMNS)])
    _add_table(meta, "Metadata", list(METADATA_COLUMNS), len(job.metadata))

    sym = wb.create_sheet("Symbols")
    _sheet_header(sym, ["symbol", "meaning"], {"symbol": 10, "meaning": 110})
    for s, meaning in symbols(job.rule):
        sym.append([s or None, meaning])

    info = wb.create_sheet("About")
    _sheet_header(info, ["about", "value"], {"about": 20, "value": 110})
    info_text = _XlsxText(info)
    for k, v in job.about:
        info.append([k, info_text(v)])
    # a real date, which also gives the Data sheet's dates their style (see _stream_data_sheet)
    info.append(["framework built on", job.built.date()])
    info.append([])
    info.append([_bold(info, "column"), _bold(info, "meaning (Data sheet)")])
    for c, d in DATA_COLUMNS.items():
        info.append([c, d])

    shell = io.BytesIO()
    wb.save(shell)
    with _Files() as files:
        _stream_data_sheet(shell, files.temp(job.path), _batches(con, job.audience), len(columns))


def _sheet_header(sheet, columns: list[str], widths: dict[str, int]) -> None:
    for i, c in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = widths.get(c, 14)
    sheet.freeze_panes = "A2"
    sheet.append([_bold(sheet, c) for c in columns])


def _bold(sheet, text: str) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=text)
    cell.font = _BOLD
    return cell


def _wrapped(sheet, value: object) -> WriteOnlyCell:
    cell = value if isinstance(value, Cell) else WriteOnlyCell(sheet, value=value)
    cell.alignment = _WRAP
    return cell


def _add_table(sheet, name: str, columns: list[str], rows: int) -> None:
    """An Excel table over the sheet, so Excel filters it and Power BI finds it by name."""
    if rows == 0:
        return
    table = Table(displayName=name, ref=f"A1:{get_column_letter(len(columns))}{rows + 1}")
    table.tableColumns = [TableColumn(id=i, name=c) for i, c in enumerate(columns, start=1)]
    table.tableStyleInfo = TableStyleInfo(name="TableStyleLight1", showRowStripes=True)
    with warnings.catch_warnings():  # openpyxl warns that columns must be named by hand: they are, above
        warnings.simplefilter("ignore", UserWarning)
        sheet.add_table(table)


class _XlsxText:
    """Text made safe for a cell: characters XLSX cannot hold removed, at most Excel's cell length,
    and text starting with ``=`` stored as text (openpyxl would otherwise write it as a formula).

    Most strings in an export repeat (titles, labels, names), so each distinct one is cleaned once.
    """

    def __init__(self, sheet) -> None:
        self.sheet = sheet
        self.cache: dict[str, str | None] = {}

    def __call__(self, value: str) -> object:
        clean = self.cache.get(value)
        if clean is None:
            text = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_TEXT]
            clean = self.cache[value] = text
        if clean.startswith("="):
            cell = WriteOnlyCell(self.sheet, value=clean)
            cell.data_type = "s"
            return cell
        return clean


DATA_SHEET = "xl/worksheets/sheet1.xml"
"""openpyxl names sheets in the order they are made: Data is made first."""
_EXCEL_EPOCH = dt.date(1899, 12, 30)


def _stream_data_sheet(shell: io.BytesIO, target: Path, batches: Iterator[list[tuple]], n_columns: int) -> None:
    """Copy openpyxl's workbook into ``target``, streaming the data rows into the Data sheet's XML
    (openpyxl wrote its header, column widths, frozen pane and table) and adding the table of
    shared strings they use: titles, labels and names repeat on every row, so sharing them keeps
    the sheet a few times smaller for Excel to open than openpyxl's inline strings."""
    with zipfile.ZipFile(shell) as src, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as dst:
        names = src.namelist()
        if DATA_SHEET not in names or SHARED_STRINGS in names:
            raise RuntimeError("openpyxl's workbook is not laid out as expected")
        sheet_rows = _SheetRows(n_columns, _date_style(src.read("xl/styles.xml").decode("utf-8")))
        for info in src.infolist():
            xml = src.read(info.filename).decode("utf-8")
            if info.filename == "[Content_Types].xml":
                xml = _insert_before(xml, "</Types>", f'<Override PartName="/{SHARED_STRINGS}" ContentType='
                                     f'"application/vnd.openxmlformats-officedocument.spreadsheetml.'
                                     f'sharedStrings+xml"/>')
            elif info.filename == "xl/_rels/workbook.xml.rels":
                xml = _insert_before(xml, "</Relationships>", '<Relationship Type="http://schemas.openxmlformats'
                                     '.org/officeDocument/2006/relationships/sharedStrings" '
                                     'Target="sharedStrings.xml" Id="rIdSharedStrings"/>')
            if info.filename != DATA_SHEET:
                dst.writestr(info, xml.encode("utf-8"))
                continue
            head, sep, tail = xml.partition("</sheetData>")
            if not sep or not head.endswith("</row>") or '<row r="2">' in head:
                raise RuntimeError("openpyxl's Data sheet is not laid out as expected")
            with dst.open(_entry(DATA_SHEET, info.date_time), "w", force_zip64=True) as out:
                out.write(head.encode("utf-8"))
                r = 2
                for batch in batches:
                    out.write(sheet_rows.xml(batch, r).encode("utf-8"))
                    r += len(batch)
                out.write((sep + tail).encode("utf-8"))
        with dst.open(_entry(SHARED_STRINGS, src.infolist()[0].date_time), "w", force_zip64=True) as out:
            out.write(sheet_rows.shared_strings().encode("utf-8"))


SHARED_STRINGS = "xl/sharedStrings.xml"


def _entry(name: str, date_time: tuple) -> zipfile.ZipInfo:
    entry = zipfile.ZipInfo(name, date_time=date_time)
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def _insert_before(xml: str, end_tag: str, element: str) -> str:
    if not xml.rstrip().endswith(end_tag):
        raise RuntimeError(f"openpyxl's workbook is not laid out as expected (no {end_tag})")
    return xml.rstrip()[: -len(end_tag)] + element + end_tag


def _date_style(styles_xml: str) -> str:
    """The attribute giving a cell the workbook's ``yyyy-mm-dd`` style (openpyxl's for dates)."""
    fmt = re.search(r'<numFmt numFmtId="(\d+)" formatCode="yyyy-mm-dd"/>', styles_xml)
    xfs = re.search(r"<cellXfs[^>]*>(.*?)</cellXfs>", styles_xml, re.S)
    if fmt and xfs:
        for i, xf in enumerate(re.findall(r"<xf\b[^>]*>", xfs.group(1))):
            if f'numFmtId="{fmt.group(1)}"' in xf:
                return f' s="{i}"'
    raise RuntimeError("the workbook has no date style")


class _SheetRows:
    """SpreadsheetML for rows of plain values: text as shared strings (never formulas), numbers,
    dates as Excel serial numbers in the workbook's date style; empty cells left out."""

    def __init__(self, n_columns: int, date_style: str) -> None:
        self.letters = [get_column_letter(i) for i in range(1, n_columns + 1)]
        self.date_style = date_style
        self.cells: dict[str, str] = {}
        """text → the end of its cell's XML (after the cell reference), '' for empty text"""
        self.strings: list[str] = []
        self.uses = 0

    def _text(self, value: str) -> str:
        xml = self.cells.get(value)
        if xml is None:
            clean = ILLEGAL_CHARACTERS_RE.sub("", value)[:EXCEL_MAX_TEXT]
            xml = ""
            if clean:
                xml = f'" t="s"><v>{len(self.strings)}</v></c>'
                self.strings.append(clean)
            self.cells[value] = xml
        return xml

    def xml(self, batch: list[tuple], first_row: int) -> str:
        parts = []
        letters, date_style, uses = self.letters, self.date_style, 0
        for r, row in enumerate(batch, start=first_row):
            parts.append(f'<row r="{r}">')
            for letter, v in zip(letters, row, strict=True):
                if v is None:
                    continue
                t = type(v)
                if t is str:
                    body = self._text(v)
                    if body:
                        parts.append(f'<c r="{letter}{r}{body}')
                        uses += 1
                elif t is int or (t is float and math.isfinite(v)):
                    parts.append(f'<c r="{letter}{r}" t="n"><v>{v!r}</v></c>')
                elif t is dt.date:
                    parts.append(f'<c r="{letter}{r}"{date_style} t="n"><v>{(v - _EXCEL_EPOCH).days}</v></c>')
                elif t is not float and (body := self._text(str(v))):
                    parts.append(f'<c r="{letter}{r}{body}')
                    uses += 1
            parts.append("</row>")
        self.uses += uses
        return "".join(parts)

    def shared_strings(self) -> str:
        items = "".join(f'<si><t xml:space="preserve">{escape(t)}</t></si>' for t in self.strings)
        return (f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{self.uses}" '
                f'uniqueCount="{len(self.strings)}">{items}</sst>')
