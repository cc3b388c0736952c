"""The ingest engine: a source YAML compiled to SQL, run by DuckDB over one extract.

    raw rows ──► typed fields + checks ──► quarantine (with reasons)
                                     └──► canonical records (warehouse staging)
                                     └──► identifiers (identity staging only)

Every row read ends in exactly one of two places: loaded, or quarantined with
its file, row, field, reason and the offending value (identifying values
masked). Rows outside the partnership's area are set aside in quarantine too,
with that reason, so ``read == loaded + quarantined`` always holds.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ceintel import duck
from ceintel.codes import code_list
from ceintel.ingest.geography import normalise_postcode_sql
from ceintel.ingest.readers import RawTable, SourceFileError, read_raw
from ceintel.ingest.source_config import EventSpec, FieldSpec, SourceConfig
from ceintel.ingest.sql import DROP, UNKNOWN, code_case, lit, nhs_valid_sql, upn_valid_sql
from ceintel.pseudonym import pseudonym

DATE_FIELDS = ("identifiers.date_of_birth", "association.with.date_of_birth", "association.date")
BOOLEAN_FIELDS = ("person.looked_after", "person.sen", "person.disability")
IDENTIFYING = ("identifiers.",)
ETHNICITY_LISTS = ("ethnicity_dfe", "ethnicity_police_ic", "ethnicity_self_defined", "ethnicity_nhs")


@dataclass
class Check:
    field: str
    severity: str  # error | warning
    condition: str  # SQL true when the check fails
    reason: str  # SQL expression for the message
    value: str  # SQL expression for the offending value


@dataclass
class Compiled:
    """SQL in two stages, so each costly expression (a code lookup, a check digit) runs once per row."""

    stage1: dict[str, str] = field(default_factory=dict)  # r_* cleaned text, m_* mapped codes, ok_* validity
    select: dict[str, str] = field(default_factory=dict)  # typed output columns, from stage-1 columns
    checks: list[Check] = field(default_factory=list)
    raw_of: dict[str, str] = field(default_factory=dict)  # field -> its stage-1 text column


@dataclass
class IngestOutcome:
    source: str
    file: Path
    read: int
    loaded: int
    quarantined: int
    out_of_area: int
    warnings: Counter
    extract_date: dt.date | None
    tables: dict[str, pa.Table]
    identifiers: pa.Table
    quarantine: list[dict]
    profile: list[dict]
    file_info: dict


def _column_name(dotted: str) -> str:
    return re.sub(r"[^0-9a-z]+", "_", dotted.lower()).strip("_")


class Compiler:
    """Turns a source configuration and the file's headers into SQL expressions and checks."""

    def __init__(self, cfg: SourceConfig, raw: RawTable, extract_date: dt.date):
        self.cfg, self.raw, self.extract_date = cfg, raw, extract_date
        self.out = Compiled()

    def raw_text(self, name: str, spec: FieldSpec) -> str:
        if spec.value is not None:
            return lit(spec.value)
        index = self.raw.column_index(spec.columns)
        if index is None:
            wanted = " or ".join(f"'{c}'" for c in spec.columns)
            present = ", ".join(f"'{h}'" for h in self.raw.headers if h)
            raise SourceFileError(
                f"{self.raw.path.name}: the column {wanted} mapped to {name} is not in the file "
                f"(header row {self.raw.header_row}; columns are {present}). Fix the column name in "
                f"sources/{self.cfg.source}.yaml, or check that this is the right file.")
        return f"nullif(trim(c{index}, ' \t\r\n'), '')"

    def stage(self, name: str, expr: str) -> str:
        """Compute ``expr`` once in stage 1 and return the column that holds it."""
        self.out.stage1[name] = expr
        return name

    def compile(self) -> Compiled:
        for name, spec in self.cfg.all_fields():
            self._field(name, spec)
        self._row_checks()
        return self.out

    def _required(self, name: str, spec: FieldSpec) -> bool:
        if spec.required or name == "identifiers.record_id":
            return True
        m = re.match(r"events\[(\d+)\]\.(event_type|start_date)$", name)
        return bool(m) and not self.cfg.events[int(m.group(1))].optional

    def _field(self, name: str, spec: FieldSpec) -> None:
        col = _column_name(name)
        raw = self.stage(f"r_{col}", self.raw_text(name, spec))
        self.out.raw_of[name] = raw
        required = self._required(name, spec)
        if required:
            self.out.checks.append(Check(name, "error", f"{raw} IS NULL", lit("required value is missing"), "NULL"))
        if name.endswith(("start_date", "end_date")) or name in DATE_FIELDS:
            formats = spec.formats or self.cfg.date_formats
            # spreadsheets give date-time cells as ISO text with a time: always understood
            tried = [*formats, *(f for f in ("%Y-%m-%d %H:%M:%S",) if f not in formats)]
            fmt_list = "[" + ", ".join(lit(f) for f in tried) + "]"
            expr = f"try_strptime({raw}, {fmt_list})::DATE"
            self.out.select[col] = expr
            self.out.checks.append(Check(name, "error", f"{raw} IS NOT NULL AND {expr} IS NULL",
                                         lit(f"not a valid date in the formats {', '.join(formats)}"), raw))
        elif name in BOOLEAN_FIELDS:
            trues = ", ".join(lit(v.casefold()) for v in spec.true_values)
            self.out.select[col] = f"CASE WHEN {raw} IS NULL THEN NULL ELSE lower({raw}) IN ({trues}) END"
        elif spec.split:
            self._multi(name, col, raw, spec)
        elif spec.codes or spec.map:
            self._coded(name, col, raw, spec, required)
        elif name.endswith(".nhs_number"):
            digits = self.stage(f"d_{col}", f"regexp_replace({raw}, '[^0-9]', '', 'g')")
            valid = self.stage(f"ok_{col}", nhs_valid_sql(f"regexp_replace({raw}, '[^0-9]', '', 'g')"))
            self.out.select[col] = f"CASE WHEN {valid} THEN {digits} END"
            self.out.checks.append(Check(name, "warning", f"{raw} IS NOT NULL AND NOT coalesce({valid}, false)",
                                         lit("NHS number fails the modulus 11 check; not used"), raw))
        elif name.endswith(".upn"):
            upn_expr = f"upper(regexp_replace({raw}, '\\s', '', 'g'))"
            upn = self.stage(f"d_{col}", upn_expr)
            valid = self.stage(f"ok_{col}", upn_valid_sql(upn_expr))
            self.out.select[col] = f"CASE WHEN {valid} THEN {upn} END"
            self.out.checks.append(Check(name, "warning", f"{raw} IS NOT NULL AND NOT coalesce({valid}, false)",
                                         lit("pupil number's check letter does not match; not used"), raw))
        elif name.endswith("postcode"):
            self.out.select[col] = f"nullif({normalise_postcode_sql(raw)}, '')"
        else:
            self.out.select[col] = raw

    def _coded(self, name: str, col: str, raw: str, spec: FieldSpec, required: bool) -> None:
        case = self.stage(f"m_{col}", code_case(raw, spec.codes, spec.map, patterns=spec.patterns))
        default = lit(spec.default) if spec.default else "NULL"
        self.out.select[col] = (f"CASE WHEN {raw} IS NULL THEN {default} WHEN {case} = {lit(UNKNOWN)} THEN {default} "
                                f"WHEN {case} = {lit(DROP)} THEN NULL ELSE {case} END")
        what = spec.codes or "the source's map"
        if spec.default is None:
            severity = "error" if required else "warning"
            self.out.checks.append(Check(name, severity, f"{raw} IS NOT NULL AND {case} = {lit(UNKNOWN)}",
                                         lit(f"value not in {what}"), raw))
        else:
            self.out.checks.append(Check(name, "warning", f"{raw} IS NOT NULL AND {case} = {lit(UNKNOWN)}",
                                         lit(f"value not in {what}; recorded as {spec.default}"), raw))

    def _multi(self, name: str, col: str, raw: str, spec: FieldSpec) -> None:
        parts = f"list_transform(regexp_split_to_array({raw}, {lit(spec.split)}), lambda v: nullif(trim(v), ''))"
        if spec.codes or spec.map:
            case = code_case("v", spec.codes, spec.map, in_lambda=True, patterns=spec.patterns)
            mapped = self.stage(f"m_{col}",
                                f"list_transform(list_filter({parts}, lambda v: v IS NOT NULL), lambda v: {case})")
            keep = f"list_filter({mapped}, lambda c: c NOT IN ({lit(DROP)}, {lit(UNKNOWN)}))"
            if spec.default:
                keep = (f"CASE WHEN list_contains({mapped}, {lit(UNKNOWN)}) "
                        f"THEN list_append({keep}, {lit(spec.default)}) ELSE {keep} END")
            self.out.select[col] = f"CASE WHEN {raw} IS NULL THEN NULL ELSE list_distinct({keep}) END"
            if not spec.default:
                self.out.checks.append(Check(name, "warning", f"list_contains({mapped}, {lit(UNKNOWN)})",
                                             lit(f"a value not in {spec.codes or 'the map'}; that value is not used"),
                                             raw))
        else:
            self.out.select[col] = f"list_filter({parts}, lambda v: v IS NOT NULL)"

    def _row_checks(self) -> None:
        sel, cfg = self.out.select, self.cfg
        extract = lit(self.extract_date.isoformat()) + "::DATE"
        if "identifiers_date_of_birth" in sel:
            dob = sel["identifiers_date_of_birth"]
            self.out.checks.append(Check("identifiers.date_of_birth", "error", f"{dob} > {extract}",
                                         lit("date of birth is after the extract date"),
                                         self.out.raw_of["identifiers.date_of_birth"]))
        for i in range(len(cfg.events)):
            start, end = sel.get(f"events_{i}_start_date"), sel.get(f"events_{i}_end_date")
            if start and end:
                self.out.checks.append(Check(f"events[{i}].end_date", "error", f"{end} < {start}",
                                             lit("ends before it starts"), self.out.raw_of[f"events[{i}].end_date"]))
            if start:
                self.out.checks.append(Check(f"events[{i}].start_date", "error", f"{start} > {extract} + 1",
                                             lit("dated after the extract was taken"),
                                             self.out.raw_of[f"events[{i}].start_date"]))
                if "identifiers_date_of_birth" in sel:
                    age = f"date_diff('year', {sel['identifiers_date_of_birth']}, {start})"
                    self.out.checks.append(Check(
                        f"events[{i}].start_date", "error", f"{age} < -1 OR {age} > 110",
                        lit("implausible age at the event (before birth, or over 110)"),
                        self.out.raw_of[f"events[{i}].start_date"]))


def determine_extract_date(cfg: SourceConfig, path: Path, raw: RawTable) -> dt.date:
    ed = cfg.extract_date
    if ed.value:
        return ed.value
    if ed.from_file_name:
        m = re.search(ed.from_file_name, path.name)
        if not m:
            raise SourceFileError(f"{path.name}: the file name does not match extract_date.from_file_name "
                                  f"'{ed.from_file_name}'; rename the file or change the pattern")
        text = m.group(1) if m.groups() else m.group(0)
        try:
            return dt.datetime.strptime(text, ed.format).date()
        except ValueError:
            raise SourceFileError(f"{path.name}: '{text}' in the file name is not a date in the format "
                                  f"{ed.format}") from None
    index = raw.column_index([ed.column or ""])
    if index is None:
        raise SourceFileError(f"{path.name}: extract_date.column '{ed.column}' is not in the file")
    con = duck.connect()
    con.register("raw", raw.table)
    value = con.execute(f"SELECT max(try_strptime(c{index}, {[*cfg.date_formats]!r})::DATE) FROM raw").fetchone()[0]
    if value is None:
        raise SourceFileError(f"{path.name}: no date could be read in column '{ed.column}' for the extract date")
    return value


def mask(field: str, value: str | None) -> str:
    """Show enough of an identifying value to find it in the file, not enough to identify anyone."""
    if value is None or value == "":
        return ""
    if not field.startswith(IDENTIFYING):
        return value[:200]
    if field.endswith(("first_name", "last_name", "full_name", "address")):
        return value[:1] + "***"
    if field.endswith("date_of_birth"):
        year = re.search(r"(?<!\d)(19|20)\d{2}(?!\d)", value)
        return f"{year.group(0)} (day and month hidden)" if year else "*** (hidden)"
    if field.endswith("postcode"):
        return value.strip().split(" ")[0][:4] + " ***"
    return "***" + value[-2:]


def ingest_file(con: duckdb.DuckDBPyConnection, cfg: SourceConfig, path: Path, *, secret: bytes,
                partnership_areas: tuple[str, ...], geography_loaded: bool) -> IngestOutcome:
    """Read, map, check and split one extract. ``con`` holds the geography tables when ``geography_loaded``."""
    wanted = [c for _, spec in cfg.all_fields() for c in spec.columns]
    raw = read_raw(path, fmt=cfg.format, encoding=cfg.encoding, delimiter=cfg.delimiter, sheet=cfg.sheet,
                   header_row=cfg.header_row, wanted_columns=wanted)
    extract_date = determine_extract_date(cfg, path, raw)
    compiled = Compiler(cfg, raw, extract_date).compile()
    con.register("raw_in", raw.table)
    data_cols = [c for c in raw.table.column_names if c != "_row"]
    # Whole-row tests use one list of the cells (a chain of ORs over hundreds of columns is too deep for DuckDB).
    cells = f"list_transform(list_value({', '.join(data_cols)}), lambda x: coalesce(trim(x, ' \t\r\n'), ''))"
    blank = f"len(list_filter({cells}, lambda x: x <> '')) = 0"
    totals = f"len(list_filter({cells}, lambda x: regexp_matches(x, '^(grand\\s+)?totals?\\b', 'i'))) > 0"
    all_raw = f"array_to_string({cells}, '\x1f')"
    stage1 = ",\n  ".join(f"{expr} AS {name}" for name, expr in compiled.stage1.items())
    con.execute(f"CREATE OR REPLACE TEMP TABLE stage1 AS SELECT *, {stage1} FROM raw_in")
    con.unregister("raw_in")
    sel = ",\n  ".join(f"{expr} AS {name}" for name, expr in compiled.select.items())
    errs = [c for c in compiled.checks if c.severity == "error"]
    warns = [c for c in compiled.checks if c.severity == "warning"]

    def problems(checks: list[Check]) -> str:
        if not checks:
            return "[]::STRUCT(field VARCHAR, reason VARCHAR, value VARCHAR)[]"
        items = ", ".join(
            f"CASE WHEN coalesce({c.condition}, false) THEN {{'field': {lit(c.field)}, 'reason': {c.reason}, "
            f"'value': {c.value}}} END" for c in checks)
        return f"list_filter([{items}], lambda p: p IS NOT NULL)"

    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE mapped AS
        SELECT _row, {', '.join(compiled.select)},
          {problems(errs)} AS errors,
          {problems(warns)} AS warnings,
          ({blank}) AS is_blank,
          ({totals}) AS looks_like_totals,
          min(_row) OVER (PARTITION BY md5({all_raw})) AS first_copy
        FROM (SELECT *, {sel} FROM stage1)""")
    _area_columns(con, cfg, partnership_areas, geography_loaded)
    # The single reason each quarantined row is held, most telling first.
    con.execute("""
        CREATE OR REPLACE TEMP TABLE verdict AS
        SELECT _row,
          CASE WHEN is_blank THEN {'field': '(row)', 'reason': 'empty row', 'value': ''}
               WHEN looks_like_totals AND len(errors) > 0
                 THEN {'field': '(row)', 'reason': 'looks like a totals row, not a record', 'value': ''}
               WHEN first_copy < _row
                 THEN {'field': '(row)', 'reason': 'duplicate of row ' || first_copy, 'value': ''}
               WHEN len(errors) > 0 THEN errors[1]
               WHEN NOT in_area THEN {'field': '(area)', 'reason': area_reason, 'value': ''}
          END AS held,
          CASE WHEN len(errors) > 1 THEN list_transform(errors[2:], lambda p: p.field || ': ' || p.reason) END AS also,
          NOT in_area AS out_of_area
        FROM mapped""")
    quarantine = [
        {"file": path.name, "row": r[0], "field": r[1], "reason": r[2], "value": mask(r[1], r[3]),
         "also": "; ".join(r[4] or [])}
        for r in con.execute("SELECT _row, held.field, held.reason, held.value, also FROM verdict "
                             "WHERE held IS NOT NULL ORDER BY _row").fetchall()]
    out_of_area = con.execute("SELECT count(*) FROM verdict WHERE held.field = '(area)'").fetchone()[0]
    profile = _field_profile(con, cfg, compiled, raw)
    read = con.execute("SELECT count(*) FROM mapped").fetchone()[0]
    con.execute("CREATE OR REPLACE TEMP TABLE good AS SELECT m.* FROM mapped m JOIN verdict v USING (_row) "
                "WHERE v.held IS NULL")
    warnings = Counter({f"{f}: {r}": n for f, r, n in con.execute(
        "SELECT w.field, w.reason, count(*) FROM (SELECT unnest(warnings) AS w FROM good) GROUP BY ALL").fetchall()})
    _record_keys(con, cfg, secret)
    if cfg.association:
        _record_keys(con, cfg, secret, column="association_with_record_id", key="with_record_key")
    tables = _canonical(con, cfg)
    identifiers = _identifiers(con, cfg, extract_date, path, raw.sheet)
    loaded = con.execute("SELECT count(*) FROM good").fetchone()[0]
    file_info = {"encoding": raw.encoding, "delimiter": raw.delimiter, "sheet": raw.sheet,
                 "header_row": raw.header_row, "columns": [h for h in raw.headers if h]}
    return IngestOutcome(cfg.source, path, read, loaded, len(quarantine), out_of_area, warnings, extract_date,
                         tables, identifiers, quarantine, profile, file_info)


def _field_profile(con: duckdb.DuckDBPyConnection, cfg: SourceConfig, compiled: Compiled, raw: RawTable) -> list[dict]:
    """Per mapped field: how often it is filled in, how often its value fails a check, how many distinct values."""
    fields = list(compiled.raw_of)
    present = ", ".join(f"count({compiled.raw_of[f]}) FILTER (WHERE NOT is_blank) AS p{i}, "
                        f"approx_count_distinct({compiled.raw_of[f]}) AS d{i}" for i, f in enumerate(fields))
    row = con.execute(f"SELECT count(*) FILTER (WHERE NOT is_blank), {present} FROM mapped m "
                      f"JOIN stage1 s USING (_row)").fetchone()
    bad = dict(con.execute("SELECT p.field, count(DISTINCT _row) FROM (SELECT _row, unnest(errors || warnings) AS p "
                           "FROM mapped WHERE NOT is_blank) GROUP BY ALL").fetchall())
    rows = row[0]
    out = []
    for i, f in enumerate(fields):
        spec = dict(cfg.all_fields())[f]
        index = raw.column_index(spec.columns) if spec.columns else None
        filled = row[1 + 2 * i]
        invalid = bad.get(f, 0)
        out.append({"source_id": cfg.source, "field": f,
                    "column": raw.headers[index] if index is not None else "(constant)",
                    "rows": rows, "present": filled, "invalid": invalid, "distinct_values": row[2 + 2 * i],
                    "completeness": round(filled / rows, 4) if rows else None,
                    "validity": round((filled - invalid) / filled, 4) if filled else None})
    return out


def _area_columns(con: duckdb.DuckDBPyConnection, cfg: SourceConfig, areas: tuple[str, ...], geo: bool) -> None:
    """home_lsoa/home_la from the person's postcode; in_area for sources that reach beyond the partnership."""
    cols = {r[0] for r in con.execute("DESCRIBE mapped").fetchall()}
    area_list = ", ".join(lit(a) for a in areas)
    place_las = []
    if geo and "identifiers_postcode" in cols:
        con.execute("""CREATE OR REPLACE TEMP TABLE mapped AS SELECT m.*, g.lsoa AS home_lsoa, g.la AS home_la
                       FROM mapped m LEFT JOIN geo_postcode g ON g.pc_key = m.identifiers_postcode""")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE mapped AS SELECT *, NULL::VARCHAR AS home_lsoa, "
                    "NULL::VARCHAR AS home_la FROM mapped")
    joins = []
    for i, ev in enumerate(cfg.events):
        if ev.place and geo:
            pc, lsoa = f"events_{i}_place_postcode", f"events_{i}_place_lsoa"
            options = []
            if pc in cols:
                joins.append(f"LEFT JOIN (SELECT pc_key, la FROM geo_postcode) p{i} ON p{i}.pc_key = m.{pc}")
                options.append(f"p{i}.la")
            if lsoa in cols:
                joins.append(f"LEFT JOIN (SELECT lsoa, la FROM geo_area) a{i} ON a{i}.lsoa = m.{lsoa}")
                options.append(f"a{i}.la")
            place_las.extend(options)
    cross_boundary = bool(set(cfg.coverage) - set(areas)) and geo
    if not cross_boundary:
        con.execute("CREATE OR REPLACE TEMP TABLE mapped AS SELECT *, true AS in_area, NULL::VARCHAR AS area_reason "
                    "FROM mapped")
        return
    place_la = f"coalesce({', '.join(place_las)})" if place_las else "NULL::VARCHAR"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE mapped AS
        SELECT *,
          (coalesce(home_la IN ({area_list}), false) OR coalesce(place_la IN ({area_list}), false)
           OR (home_la IS NULL AND place_la IS NULL)) AS in_area,
          'outside the partnership area: lives in ' || coalesce(home_la, 'an unknown area') ||
          ', event in ' || coalesce(place_la, 'an unknown place') AS area_reason
        FROM (SELECT m.*, {place_la} AS place_la FROM mapped m {' '.join(joins)})""")


def _record_keys(con: duckdb.DuckDBPyConnection, cfg: SourceConfig, secret: bytes,
                 column: str = "identifiers_record_id", key: str = "record_key") -> None:
    """Pseudonymise a record-id column; the same number gives the same key wherever on the row it stands."""
    ids = [r[0] for r in con.execute(f"SELECT DISTINCT {column} FROM good WHERE {column} IS NOT NULL").fetchall()]
    keys = pa.table({"record_id": pa.array(ids, pa.string()),
                     "record_key": pa.array([pseudonym(secret, "record", cfg.source, i) for i in ids], pa.string())})
    con.register("record_keys", keys)
    join = "JOIN" if key == "record_key" else "LEFT JOIN"
    con.execute(f"CREATE OR REPLACE TEMP TABLE good AS SELECT g.*, k.record_key AS {key} FROM good g "
                f"{join} record_keys k ON k.record_id = g.{column}")
    con.unregister("record_keys")


def _event_select(cfg: SourceConfig, i: int, ev: EventSpec, cols: set[str]) -> str:
    def c(name: str, cast: str = "VARCHAR") -> str:
        col = f"events_{i}_{name}"
        return col if col in cols else f"NULL::{cast}"

    role = c("role")
    adult = cfg.role.adult_from_age
    person_role = (f"CASE WHEN identifiers_date_of_birth IS NOT NULL AND "
                   f"{c('start_date', 'DATE')} >= identifiers_date_of_birth + INTERVAL {int(adult)} YEAR "
                   f"THEN 'adult' ELSE {lit(cfg.role.default)} END") if adult else lit(cfg.role.default)
    place_id = "NULL::VARCHAR"
    if ev.place:
        parts = [p for p in (c("place_name"), c("place_postcode"), c("place_lsoa")) if not p.startswith("NULL")]
        if parts:
            place_id = (f"CASE WHEN coalesce({', '.join(parts)}) IS NOT NULL THEN 'PL' || "
                        f"substr(md5({lit(cfg.source)} || coalesce({parts[0]}, '') || "
                        + " || ".join(f"coalesce({p}, '')" for p in parts[1:] or ["''"]) + "), 1, 12) END")
    return f"""
        SELECT {lit(cfg.source)} AS source_id, _row::VARCHAR || '.' || {i} AS event_id, record_key AS record_id,
               {c('event_type')} AS event_type, {role} AS event_role,
               {c('start_date', 'DATE')} AS start_date, {c('end_date', 'DATE')} AS end_date,
               {place_id} AS place_id,
               {c('exploitation_types', 'VARCHAR[]')} AS exploitation_types,
               {c('factors', 'VARCHAR[]')} AS factors,
               {c('detail')} AS detail,
               CASE WHEN {c('incident_ref')} IS NOT NULL THEN substr(md5({lit(cfg.source)} || {c('incident_ref')}), 1, 16)
                    END AS incident_ref,
               {person_role} AS person_role,
               {c('place_name')} AS place_name, {c('place_kind')} AS place_kind,
               {c('place_postcode')} AS place_postcode, {c('place_lsoa')} AS place_lsoa
        FROM good WHERE {c('start_date', 'DATE')} IS NOT NULL"""


def _canonical(con: duckdb.DuckDBPyConnection, cfg: SourceConfig) -> dict[str, pa.Table]:
    cols = {r[0] for r in con.execute("DESCRIBE good").fetchall()}
    tables: dict[str, pa.Table] = {}
    if cfg.events:
        union = " UNION ALL ".join(_event_select(cfg, i, ev, cols) for i, ev in enumerate(cfg.events))
        con.execute(f"CREATE OR REPLACE TEMP TABLE ev AS {union}")
    else:
        con.execute("CREATE OR REPLACE TEMP TABLE ev AS SELECT NULL::VARCHAR AS record_id, NULL::DATE AS start_date, "
                    "NULL::VARCHAR AS person_role WHERE false")
    ethnicity_group = "NULL::VARCHAR"
    eth = cfg.person.get("ethnicity")
    if eth is not None and eth.codes:
        if eth.codes == "ethnicity_ons":
            ethnicity_group = "person_ethnicity"
        elif eth.codes in ETHNICITY_LISTS:
            cl = code_list(eth.codes)
            whens = " ".join(f"WHEN {lit(e.code)} THEN {lit(e.attributes.get('ons_group'))}" for e in cl.entries)
            ethnicity_group = f"CASE person_ethnicity {whens} END"

    def p(name: str, cast: str = "VARCHAR") -> str:
        return name if name in cols else f"NULL::{cast}"

    tables["person_record"] = con.execute(f"""
        WITH rows AS (
          SELECT g.record_key, {p('person_sex')} AS sex, {p('identifiers_date_of_birth', 'DATE')} AS dob,
                 {ethnicity_group} AS ethnicity_group, g.home_lsoa, g.home_la,
                 {p('person_looked_after', 'BOOLEAN')} AS looked_after, {p('person_sen', 'BOOLEAN')} AS sen,
                 {p('person_disability', 'BOOLEAN')} AS disability, g._row,
                 coalesce(r.adult, {_association_adult(cfg, cols, 'identifiers_date_of_birth', None)}) AS adult
          FROM good g LEFT JOIN (SELECT record_id, min(person_role = 'adult') AS adult FROM ev GROUP BY ALL) r
            ON r.record_id = g.record_key
          {_second_person_rows(cfg, cols)})
        SELECT {lit(cfg.source)} AS source_id, record_key AS record_id, NULL::VARCHAR AS person_id,
               CASE WHEN bool_and(coalesce(adult, {str(cfg.role.default == 'adult').lower()})) THEN 'adult'
                    ELSE 'child' END AS role,
               mode(sex) AS sex, date_trunc('month', mode(dob))::DATE AS birth_month,
               mode(ethnicity_group) AS ethnicity_group,
               arg_max(home_lsoa, _row) AS home_lsoa, arg_max(home_la, _row) AS home_la,
               bool_or(looked_after) AS looked_after, bool_or(sen) AS sen, bool_or(disability) AS disability
        FROM rows GROUP BY record_key ORDER BY record_key""").to_arrow_table()
    if cfg.association:
        tables["association"] = con.execute(f"""
            SELECT NULL::VARCHAR AS person_a, NULL::VARCHAR AS person_b, association_kind AS kind,
                   {p('association_date', 'DATE')} AS date, {lit(cfg.source)} AS source_id,
                   record_key AS record_a, with_record_key AS record_b
            FROM good WHERE with_record_key IS NOT NULL AND with_record_key <> record_key
            ORDER BY record_a, record_b, date""").to_arrow_table()
    if not cfg.events:
        return tables
    tables["event"] = con.execute(
        "SELECT source_id, event_id, NULL::VARCHAR AS person_id, record_id, event_type, event_role, start_date, "
        "end_date, place_id, exploitation_types, CASE WHEN factors IS NOT NULL THEN array_to_string(factors, ',') "
        "ELSE detail END AS detail, incident_ref FROM ev ORDER BY start_date, event_id").to_arrow_table()
    factor_types = " ".join(f"WHEN {lit(e.code)} THEN {lit(e.attributes['exploitation_type'])}"
                            for e in code_list("cin_factor").entries if e.attributes.get("exploitation_type"))
    factor_aces = " ".join(f"WHEN {lit(e.code)} THEN {lit(e.attributes['ace'])}"
                           for e in code_list("cin_factor").entries if e.attributes.get("ace"))
    tables["flag"] = con.execute(f"""
        SELECT NULL::VARCHAR AS person_id, source_id, record_id, exploitation_type, min(start_date) AS start_date,
               NULL::DATE AS end_date, 'recorded' AS status
        FROM (SELECT source_id, record_id, start_date, unnest(exploitation_types) AS exploitation_type FROM ev
              UNION ALL
              SELECT source_id, record_id, start_date, CASE f {factor_types} END FROM
                (SELECT source_id, record_id, start_date, unnest(factors) AS f FROM ev))
        WHERE exploitation_type IS NOT NULL
        GROUP BY ALL ORDER BY record_id, exploitation_type""").to_arrow_table()
    tables["ace"] = con.execute(f"""
        SELECT NULL::VARCHAR AS person_id, ace_type, min(start_date) AS recorded_date, source_id, record_id FROM
          (SELECT source_id, record_id, start_date, CASE f {factor_aces} END AS ace_type FROM
            (SELECT source_id, record_id, start_date, unnest(factors) AS f FROM ev))
        WHERE ace_type IS NOT NULL GROUP BY ALL ORDER BY record_id, ace_type""").to_arrow_table()
    geo = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()} >= {"geo_postcode"}
    lookup = ("LEFT JOIN geo_postcode g ON g.pc_key = e.place_postcode "
              "LEFT JOIN geo_area a ON a.lsoa = coalesce(e.place_lsoa, g.lsoa)") if geo else ""
    tables["place"] = con.execute(f"""
        SELECT e.place_id, any_value(e.place_kind) AS kind,
               any_value({'coalesce(e.place_lsoa, g.lsoa)' if geo else 'e.place_lsoa'}) AS lsoa,
               any_value({'a.ward' if geo else 'NULL::VARCHAR'}) AS ward,
               any_value({'a.la' if geo else 'NULL::VARCHAR'}) AS la,
               any_value({'g.lat' if geo else 'NULL::DOUBLE'}) AS lat,
               any_value({'g.lon' if geo else 'NULL::DOUBLE'}) AS lon
        FROM ev e {lookup} WHERE e.place_id IS NOT NULL GROUP BY e.place_id ORDER BY e.place_id""").to_arrow_table()
    return tables


def _association_adult(cfg: SourceConfig, cols: set[str], dob: str, given: str | None) -> str:
    """SQL: is this person of a row's association an adult at the association's date (NULL when unknown)."""
    if given:
        return str(given == "adult").lower()
    adult = cfg.role.adult_from_age
    if not cfg.association or not adult or dob not in cols or "association_date" not in cols:
        return "NULL::BOOLEAN"
    return f"(association_date >= {dob} + INTERVAL {int(adult)} YEAR)"


def _second_person_rows(cfg: SourceConfig, cols: set[str]) -> str:
    """SQL (UNION ALL ...) giving the association's second person a person-record row of its own."""
    if not cfg.association:
        return ""
    dob = "association_with_date_of_birth" if "association_with_date_of_birth" in cols else "NULL::DATE"
    adult = _association_adult(cfg, cols, "association_with_date_of_birth", cfg.association.role)
    return f"""UNION ALL
          SELECT with_record_key, NULL::VARCHAR, {dob}, NULL::VARCHAR, NULL::VARCHAR, NULL::VARCHAR,
                 NULL::BOOLEAN, NULL::BOOLEAN, NULL::BOOLEAN, _row, {adult}
          FROM good WHERE with_record_key IS NOT NULL"""


def _identifiers(con: duckdb.DuckDBPyConnection, cfg: SourceConfig, extract_date: dt.date, path: Path,
                 sheet: str | None) -> pa.Table:
    """What the identity step links on, one row per spelling; it never leaves the identity area.

    ``source_file`` ("name.xlsx#Sheet") and ``source_rows`` say where each spelling was read, so a
    clerical reviewer or an evaluation against a truth kept by file and row can find it.
    """
    cols = {r[0] for r in con.execute("DESCRIBE good").fetchall()}

    def c(name: str, cast: str = "VARCHAR") -> str:
        return name if name in cols else f"NULL::{cast}"

    full = c("identifiers_full_name")
    first = c("identifiers_first_name")
    last = c("identifiers_last_name")
    if not full.startswith("NULL"):
        first = (f"coalesce({first}, CASE WHEN contains({full}, ',') THEN trim(split_part({full}, ',', 2)) "
                 f"ELSE trim(regexp_replace({full}, '\\s+\\S+$', '')) END)")
        last = (f"coalesce({last}, CASE WHEN contains({full}, ',') THEN trim(split_part({full}, ',', 1)) "
                f"ELSE regexp_extract({full}, '(\\S+)$', 1) END)")
    file_label = path.name + (f"#{sheet}" if sheet else "")
    scheme = lit(cfg.record_id_scheme) if cfg.record_id_scheme else "NULL::VARCHAR"
    second = ""
    if cfg.association:
        w = "association_with_"
        second = f"""UNION ALL
          SELECT with_record_key, {w}record_id, {c(w + 'first_name')}, {c(w + 'last_name')},
                 {c(w + 'date_of_birth', 'DATE')}, {c(w + 'postcode')}, {c(w + 'nhs_number')}, {c(w + 'upn')},
                 {c(w + 'address')}, NULL::VARCHAR, _row
          FROM good WHERE with_record_key IS NOT NULL"""
    return con.execute(f"""
        WITH people AS (
          SELECT record_key, identifiers_record_id AS agency_record_id, {first} AS first_name, {last} AS last_name,
                 {c('identifiers_date_of_birth', 'DATE')} AS date_of_birth, {c('identifiers_postcode')} AS postcode,
                 {c('identifiers_nhs_number')} AS nhs_number, {c('identifiers_upn')} AS upn,
                 {c('identifiers_address')} AS address, {c('person_sex')} AS sex, _row
          FROM good
          {second})
        SELECT {lit(cfg.source)} AS source_id, record_key, agency_record_id, {scheme} AS record_id_scheme,
               first_name, last_name, date_of_birth, postcode, nhs_number, upn, address, sex,
               {lit(extract_date.isoformat())}::DATE AS extract_date,
               {lit(file_label)} AS source_file, list(_row ORDER BY _row) AS source_rows
        FROM people GROUP BY ALL ORDER BY record_key, source_rows[1]""").to_arrow_table()
