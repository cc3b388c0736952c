"""Fuzzing the ingest engine with malformed extracts (Hypothesis); all data synthetic.

Properties checked on every generated file:

1. ``ingest_file`` either raises ``SourceFileError`` for a whole-file problem
   (unreadable, empty, a mapped column missing), with a message naming the
   file, or returns an outcome with ``read == loaded + quarantined``. Any
   other exception is a crash and fails the test.
2. ``read`` equals the number of records after the header as parsed
   independently: Python's csv module with the encoding and delimiter the
   engine reports, or openpyxl for XLSX. For files built from known rows it
   also equals the number of rows written, and the header is where we put it.
3. Every quarantine entry has a reason and a row number inside the file's
   rows (after the header, within ``read``); no row is held twice.
4. Quarantined values of identifying fields are masked: never the raw value,
   never more than a year's worth of digits of a date of birth; and no
   generated name or date of birth shows up in any quarantine value.
5. The quarantine list written through ``safe_csv.write_csv`` has no cell
   starting with ``=``, ``+``, ``-`` or ``@`` when read back with csv.

How much goes in per run (Hypothesis ``max_examples``; every generated data
row carries at least one fault, from a formula cell to a ragged row):

    test_messy_csv_files          170 files, 4-10 faulty rows each   >=  680 rows
    test_chaotic_csv_bytes        120 files (random bytes, cut, mixed delimiters, ...)
    test_messy_xlsx_files          50 files, 2-8 faulty rows each    >=  100 rows
    test_broken_xlsx_files         30 files (cut zip, cut or damaged sheet XML)
    test_header_trouble            30 files (column missing, header-only, odd headers)
    edge cases and minimal repros  20 files
                                  420 files                          >=  780 rows
                                  = at least 1,200 malformed files and rows

Each ``ingest_file`` call costs ~70 ms of DuckDB work, so more files would not
fit the module's one-minute budget (40-50 s on two cores, hence ``slow``);
the faulty rows inside the files make up the rest.

The faults found are kept at the end as minimal examples, all fixed and kept
as regression tests.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import itertools
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

from ceintel.ingest.engine import ingest_file
from ceintel.ingest.readers import SourceFileError
from ceintel.ingest.source_config import SourceConfig
from ceintel.safe_csv import write_csv

pytestmark = pytest.mark.slow

CFG = SourceConfig.model_validate({
    "source": "fuzz_missing",
    "agency": "Synthetic council (fuzz tests)",
    "description": "missing episodes, fuzzed",
    "file": "fuzz_*",
    "extract_date": {"value": "2026-10-05"},
    "coverage": ["X06000001"],
    "legal_basis": "synthetic test data",
    "retention": "deleted after the test",
    "identifiers": {
        "record_id": "Person ID",
        "first_name": "Forename",
        "last_name": "Surname",
        "date_of_birth": {"column": ["DOB", "Date of Birth"], "formats": ["%Y-%m-%d", "%d/%m/%Y"]},
    },
    "person": {
        "sex": {"column": "Gender", "codes": "sex"},
        "ethnicity": {"column": "Ethnicity", "codes": "ethnicity_dfe", "default": "NOBT"},
    },
    "events": [{
        "event_type": {"value": "missing"},
        "start_date": "Start Date",
        "end_date": "End Date",
        "exploitation_types": {"column": "Flags", "split": ";", "codes": "exploitation_type"},
    }],
})
SECRET = b"fuzz-secret-not-a-real-key-32byt"
AREAS = ("X06000001",)

# canonical key -> (dotted field, header names the engine accepts, in priority order)
FIELDS = {
    "id": ("identifiers.record_id", ["Person ID"]),
    "first": ("identifiers.first_name", ["Forename"]),
    "last": ("identifiers.last_name", ["Surname"]),
    "dob": ("identifiers.date_of_birth", ["DOB", "Date of Birth"]),
    "sex": ("person.sex", ["Gender"]),
    "eth": ("person.ethnicity", ["Ethnicity"]),
    "start": ("events[0].start_date", ["Start Date"]),
    "end": ("events[0].end_date", ["End Date"]),
    "flags": ("events[0].exploitation_types", ["Flags"]),
}
KEYS = list(FIELDS)
WHOLE_FILE = ("cannot be read", "is not a readable", "is empty", "is not in the file")
FORMULA_STARTS = ("=", "+", "-", "@")
QUARANTINE_COLUMNS = ["file", "row", "field", "reason", "value", "also"]

# Synthetic names, chosen so none of them can turn up in another column by chance.
FIRST_NAMES = ["Amarantha", "Bodhiel", "Carysse", "Dovrin", "Elunedd", "Finnara", "Gwenllian", "Hamzir",
               "Isoldine", "Joryth", "Keziah", "Lowenna", "Morwenna", "Nkechiya", "Oisinne", "Peregrin"]
LAST_NAMES = ["Abernethyx", "Brackenlyle", "Castellanox", "D'Arcyvale", "Eriksdottir", "Fairweatherby",
              "Gallacherre", "Huxtabling", "Jakubowskay", "Kowalczykk", "Llewellynne", "O'Rourkeley",
              "Penhaligonn", "Quartermayne", "Szczepanska", "Ffoulkes-Wynn"]
SEXES = ["M", "F", "Male", "female", "Girl", "boy", "1", "2", "U", "Not known", "Indeterminate"]
ETHNICITIES = ["WBRI", "White British", "Black African", "AIND", "Refused", "MWBC", "Any other Asian background",
               "Not known"]
FLAGS = ["CSE", "cce", "County lines", "SYV", "MS/HT", "Online grooming", "CFE"]
FORMULAS = ["=1+1", '=HYPERLINK("http://example.invalid","x")', "+44 7700 900123", "-2+3", "@SUM(A1:A2)",
            "=cmd|' /C calc'!A0", "-", "=", "@", "+"]
BAD_DATES = ["2010-02-30", "31/02/2010", "2025-13-01", "00/00/0000", "32/01/2025", "not a date", "2025/01/01",
             "45123", "04032010", "1/1/25", "2025-1-1x", "9999-99-99", "31-12-2010", "2010-02-29"]
UNKNOWN_CODES = ["X", "Zz", "Alien", "?", "n/a", "-1", "Martian", "CSE;Zz"]
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=30)
PREAMBLE = ["Brackenford Council - missing episodes", "Report run 05/10/2026 09:14", "OFFICIAL-SENSITIVE",
            "", "Filter: all open and closed episodes", "Page 1 of 1"]

_counter = itertools.count()


def fold(name: object) -> str:
    """Header comparison without case, spaces or punctuation (written out again, not imported)."""
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


# --------------------------------------------------------------------------------------------------
# checks shared by every test


@pytest.fixture(scope="module")
def con():
    connection = duckdb.connect()
    yield connection
    connection.close()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("ingest_fuzz")


def new_path(workdir: Path, suffix: str) -> Path:
    return workdir / f"fuzz_{next(_counter)}{suffix}"


def run_ingest(con, path: Path):
    """(outcome, None) or (None, message) for a whole-file problem; anything else propagates (a crash)."""
    try:
        out = ingest_file(con, CFG, path, secret=SECRET, partnership_areas=AREAS, geography_loaded=False)
    except SourceFileError as exc:
        message = str(exc)
        assert path.name in message, f"the error does not name the file: {message}"
        assert any(w in message for w in WHOLE_FILE), f"not a whole-file problem: {message}"
        return None, message
    return out, None


def csv_records(path: Path, encoding: str, delimiter: str) -> list[list[str]]:
    with open(path, encoding=encoding, errors="replace", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def xlsx_records(path: Path) -> list[list[object]]:
    """The first sheet as openpyxl sees it (cached values), trailing rows with nothing in them dropped."""
    wb = openpyxl.load_workbook(path, data_only=True)
    rows = [list(r) for r in wb.worksheets[0].iter_rows(values_only=True)]
    wb.close()
    while rows and all(v is None or v == "" for v in rows[-1]):
        rows.pop()
    return rows


def column_of(header: list[object], key: str) -> int | None:
    folded = [fold(h if h is not None else "") for h in header]
    for name in FIELDS[key][1]:
        if fold(name) in folded:
            return folded.index(fold(name))
    return None


def check_outcome(out, path: Path, records: list[list[object]] | None, workdir: Path,
                  secrets: set[str] = frozenset()) -> None:
    """Properties 1-5 for an outcome, against the file's records as parsed independently (if they can be)."""
    header_row = out.file_info["header_row"]
    # (1) nothing lost between read and the two destinations
    assert out.read == out.loaded + out.quarantined, (out.read, out.loaded, out.quarantined)
    assert len(out.quarantine) == out.quarantined
    # (2) every record after the header was read
    if records is not None:
        assert 1 <= header_row <= len(records)
        assert out.read == len(records) - header_row, (out.read, len(records), header_row)
        index = {k: column_of(records[header_row - 1], k) for k in FIELDS}
    # (3) reasons and row numbers
    rows = [q["row"] for q in out.quarantine]
    assert len(set(rows)) == len(rows), "a row is held twice"
    by_field = {FIELDS[k][0]: k for k in FIELDS}
    for q in out.quarantine:
        assert q["file"] == path.name
        assert isinstance(q["reason"], str) and q["reason"].strip(), q
        assert header_row < q["row"] <= header_row + out.read, (q["row"], header_row, out.read)
        value = q["value"] or ""
        # (4) identifying values masked
        if q["field"].startswith("identifiers."):
            key = by_field[q["field"]]
            if records is not None:
                record, col = records[q["row"] - 1], index[key]
                raw = record[col] if col is not None and col < len(record) else None
                raw = "" if raw is None else str(raw).strip()
                if len(raw) > 4:
                    assert raw not in value, (q, raw)
            if key == "dob":
                assert len(re.findall(r"\d", value)) <= 4, q
        for secret in secrets:
            assert secret not in value and secret not in q["also"], (q, secret)
    # (5) formula-safe when written for people to open
    target = workdir / f"{path.stem}_quarantine.csv"
    n = write_csv(target, QUARANTINE_COLUMNS, out.quarantine)
    with open(target, encoding="utf-8", newline="") as fh:
        back = list(csv.reader(fh))
    target.unlink()
    assert n == len(out.quarantine) and len(back) == n + 1
    for row in back:
        for cell in row:
            assert not cell.startswith(FORMULA_STARTS), (cell, row)


# --------------------------------------------------------------------------------------------------
# generated extracts


@dataclass
class Row:
    cells: list[object]
    faults: list[str]
    quarantined: bool | None = None  # True: must be held; False: must load; None: no expectation
    blank: bool = False
    secrets: set[str] = field(default_factory=set)


@dataclass
class Table:
    header: list[str]
    rows: list[Row]
    preamble: list[list[str]]
    keys: list[str | None]  # per column: which field's value it holds (None: an extra column)


HARMLESS = {"formula", "huge", "embedded", "unknown_code", "nul", "padding", "unicode", "delimiter_in_value",
            "too_many", "long_row"}
QUARANTINING = {"bad_date", "future_dob", "end_before_start", "blank_required", "totals_row"}
FAULTS = sorted(HARMLESS | QUARANTINING | {"blank_row", "duplicate", "too_few"})


def _date(d: dt.date, fmt: str) -> str:
    return d.strftime(fmt)


@st.composite
def header_variant(draw, name: str, delimiter: str = ",") -> str:
    ways = ["same", "upper", "lower", "swap", "spaces", "underscore", "squash", "nbsp", "dash", "tab"]
    how = draw(st.sampled_from(ways))
    return {
        "same": name, "upper": name.upper(), "lower": name.lower(), "swap": name.swapcase(),
        "spaces": f"  {name}  ", "underscore": name.replace(" ", "_"), "squash": name.replace(" ", ""),
        "nbsp": name.replace(" ", "\u00a0") + "\u00a0", "dash": name.replace(" ", "-") + " ",
        "tab": f"\t{name}",
    }[how]


@st.composite
def layout(draw, delimiter: str, allow_dup: bool = True) -> tuple[list[str], list[str | None]]:
    """Header cells and, per column, the field it holds: shuffled, odd spellings, extra and duplicate columns."""
    keys: list[str | None] = list(draw(st.permutations(KEYS)))
    header = []
    for k in keys:
        names = FIELDS[k][1]
        header.append(draw(header_variant(draw(st.sampled_from(names)), delimiter)))
    extras = draw(st.lists(st.sampled_from(["Notes", "", "   ", "Unnamed: 9", "Case worker", "Notes"]),
                           max_size=3))
    for extra in extras:
        at = draw(st.integers(0, len(keys)))
        keys.insert(at, None)
        header.insert(at, extra)
    if allow_dup and draw(st.booleans()):
        # a second column with the same header, after the first: the first one is used
        k = draw(st.sampled_from(KEYS))
        first = keys.index(k)
        at = draw(st.integers(first + 1, len(keys)))
        keys.insert(at, None)
        header.insert(at, draw(header_variant(header[first].strip(), delimiter)))
    return header, keys


@st.composite
def record(draw) -> dict[str, str]:
    dob = draw(st.dates(dt.date(2005, 1, 1), dt.date(2016, 12, 31)))
    start = draw(st.dates(dt.date(2024, 1, 1), dt.date(2026, 9, 30)))
    fmt = draw(st.sampled_from(["%Y-%m-%d", "%d/%m/%Y"]))
    end = start + dt.timedelta(days=draw(st.integers(0, 90)))
    return {
        "id": f"P{draw(st.integers(0, 99999)):05d}",
        "first": draw(st.sampled_from(FIRST_NAMES)),
        "last": draw(st.sampled_from(LAST_NAMES)),
        "dob": _date(dob, draw(st.sampled_from(["%Y-%m-%d", "%d/%m/%Y"]))),
        "sex": draw(st.sampled_from(SEXES)),
        "eth": draw(st.sampled_from(ETHNICITIES)),
        "start": _date(start, fmt),
        "end": draw(st.sampled_from([_date(end, fmt), ""])),
        "flags": draw(st.sampled_from(["", ";".join(draw(st.lists(st.sampled_from(FLAGS), max_size=3)))])),
        None: draw(TEXT),
    }


def huge_value(draw, units=("x", "0123456789", "é", "Ab9 ")) -> str:
    """100,000 characters on one line. Two kinds of unit are kept out of the well-formed files (see the
    report of the sniffer's faults at the end): units holding a delimiter (csv.Sniffer, reading the first
    64 KB, then sees only the inside of one quoted field and may pick the wrong delimiter) and long runs
    of line breaks or punctuation (the sniffer's double-quote regular expression takes seconds on them)."""
    unit = draw(st.sampled_from(units))
    return (unit * (100_000 // len(unit) + 1))[:100_000]


@st.composite
def faulty_row(draw, keys: list[str | None], delimiter: str, width: int) -> Row:
    rec = draw(record())
    faults = draw(st.lists(st.sampled_from(FAULTS), min_size=1, max_size=3, unique=True))
    faults.sort(key=lambda f: (f in QUARANTINING, f))  # a fault that holds the row is never undone
    secrets = {rec["first"], rec["last"], rec["dob"]}
    for fault in faults:
        if fault == "formula":
            rec[draw(st.sampled_from(["id", "first", "last", None]))] = draw(st.sampled_from(FORMULAS))
        elif fault == "huge":
            rec[draw(st.sampled_from(["first", "last", None]))] = huge_value(draw)
        elif fault == "embedded":
            k = draw(st.sampled_from(["first", "last", None]))
            rec[k] = draw(st.sampled_from([f'{rec[k]}\n"quoted" line', f'"{rec[k]}"', f'say ""hi""\r\n{rec[k]}',
                                           f"{rec[k]}\n\n", '"', '""', "\n"]))
        elif fault == "unknown_code":
            rec[draw(st.sampled_from(["sex", "eth", "flags"]))] = draw(st.sampled_from(UNKNOWN_CODES))
        elif fault == "bad_date":
            rec[draw(st.sampled_from(["dob", "start", "end"]))] = draw(st.sampled_from(BAD_DATES))
        elif fault == "future_dob":
            rec["dob"] = draw(st.sampled_from(["2031-01-01", "06/10/2026", "2099-12-31"]))
        elif fault == "end_before_start":
            rec["start"], rec["end"] = "2025-06-10", draw(st.sampled_from(["2025-06-09", "01/01/2024"]))
        elif fault == "nul":
            k = draw(st.sampled_from(["first", "last", None]))
            at = draw(st.integers(0, len(rec[k])))
            rec[k] = rec[k][:at] + "\x00" + rec[k][at:]
        elif fault == "padding":
            k = draw(st.sampled_from(KEYS))
            rec[k] = draw(st.sampled_from([" ", "   "])) + rec[k] + draw(st.sampled_from(["", " ", "  "]))
        elif fault == "unicode":
            rec[draw(st.sampled_from(["first", "last", None]))] = draw(st.sampled_from(
                ["Zoë", "Łukasz", "محمد", "🙂🙂", "a\u200bb", "\ufeffBOMname", "\u2028line", "\x85nel", "ＦＵＬＬ"]))
        elif fault == "delimiter_in_value":
            k = draw(st.sampled_from(["first", "last", None]))
            rec[k] = f"{rec[k]}{delimiter}{rec[k]}{delimiter}"
        elif fault == "blank_required":
            rec[draw(st.sampled_from(["id", "start"]))] = draw(st.sampled_from(["", "   "]))
    cells: list[object] = [rec[k] for k in keys]
    blank = False
    if "blank_row" in faults:
        cells = draw(st.sampled_from([[], [""] * width, ["  "] * width, [""]]))
        blank = True
    elif "totals_row" in faults:
        cells = [""] * width
        spots = [i for i, k in enumerate(keys) if k != "id"]
        cells[draw(st.sampled_from(spots))] = draw(st.sampled_from(["Total", "TOTALS", "Grand total", " total:"]))
        cells[draw(st.sampled_from(spots))] = str(draw(st.integers(1, 9999)))
    if "too_few" in faults and len(cells) > 1:
        cells = cells[:draw(st.integers(1, len(cells) - 1))]
    if "too_many" in faults:
        cells = cells + [draw(st.sampled_from(["", "x", "n/a", "=1", "extra"])) for _ in range(draw(st.integers(1, 8)))]
    if "long_row" in faults:
        # past 496 columns DuckDB once ran out of expression depth (see test_a_row_of_600_cells_is_read)
        cells = cells + ["more"] * draw(st.one_of(st.integers(20, 150), st.integers(480, 700)))
    if blank or (set(faults) & QUARANTINING and "too_few" not in faults):
        quarantined = True
    elif set(faults) <= HARMLESS:
        quarantined = False
    else:
        quarantined = None
    if not blank and "totals_row" not in faults:
        secrets = {s for s in secrets if s in cells}
    else:
        secrets = set()
    return Row(cells, faults, quarantined, blank, secrets)


@st.composite
def messy_table(draw, min_rows: int, max_rows: int, delimiter: str = ",", allow_dup: bool = True) -> Table:
    header, keys = draw(layout(delimiter, allow_dup=allow_dup))
    n = draw(st.integers(min_rows, max_rows))
    rows: list[Row] = []
    for _ in range(n):
        row = draw(faulty_row(keys, delimiter, len(header)))
        if "duplicate" in row.faults:
            earlier = [r for r in rows if not r.blank]
            if earlier:
                copy = draw(st.sampled_from(earlier))
                row = Row(list(copy.cells), row.faults, True, False, set())
        rows.append(row)
    preamble = [[draw(st.sampled_from(PREAMBLE))] + [""] * draw(st.sampled_from([0, 0, len(header) - 1]))
                for _ in range(draw(st.integers(0, 4)))]
    return Table(header, rows, preamble, keys)


@dataclass
class CsvFile:
    table: Table
    encoding: str
    delimiter: str
    quoting: int
    lineterminator: str

    def text(self) -> str:
        buf = io.StringIO(newline="")
        writer = csv.writer(buf, delimiter=self.delimiter, quoting=self.quoting, lineterminator=self.lineterminator)
        clean = (lambda c: str(c).replace("\r", "")) if self.lineterminator == "\n" else str
        for line in [*self.table.preamble, self.table.header, *(r.cells for r in self.table.rows)]:
            writer.writerow([clean(c) for c in line])
        return buf.getvalue()

    def data(self) -> bytes:
        if self.encoding == "cp1252":
            return self.text().encode("cp1252", errors="replace")
        return self.text().encode(self.encoding)


@st.composite
def messy_csv(draw, min_rows: int = 4, max_rows: int = 10, allow_dup: bool = True) -> CsvFile:
    delimiter = draw(st.sampled_from([",", ";", "\t", "|"]))
    table = draw(messy_table(min_rows, max_rows, delimiter, allow_dup))
    return CsvFile(table, draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16"])), delimiter,
                   draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_MINIMAL, csv.QUOTE_ALL])),
                   draw(st.sampled_from(["\r\n", "\n"])))


FUZZ = settings(deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.large_base_example, HealthCheck.filter_too_much])


# --------------------------------------------------------------------------------------------------
# the tests


@settings(FUZZ, max_examples=170)
@given(spec=messy_csv())
def test_messy_csv_files(con, workdir, spec):
    """Known rows with faults in every row: all read, held or loaded as their faults say, nothing leaks."""
    path = new_path(workdir, ".csv")
    path.write_bytes(spec.data())
    try:
        out, problem = run_ingest(con, path)
        assert problem is None, problem
        assert out.file_info["delimiter"] == spec.delimiter
        header_row = len(spec.table.preamble) + 1
        assert out.file_info["header_row"] == header_row
        records = csv_records(path, out.file_info["encoding"], out.file_info["delimiter"])
        secrets = set().union(*(r.secrets for r in spec.table.rows))
        check_outcome(out, path, records, workdir, secrets)
        assert out.read == len(spec.table.rows)
        held = {q["row"]: q for q in out.quarantine}
        body = records[header_row:]
        width = max(len(r) for r in records[header_row - 1:])
        strict: set[tuple[str, ...]] = set()
        loose: set[tuple[str, ...]] = set()
        for i, (row, parsed) in enumerate(zip(spec.table.rows, body, strict=True)):
            at = header_row + 1 + i
            blank = all(not c.strip(" ") for c in parsed)
            cells = tuple(parsed) + ("",) * (width - len(parsed))
            # equal cell for cell to an earlier row: held; equal once trimmed: may be held (DuckDB's trim
            # takes spaces off, not tabs or line breaks)
            duplicate = not blank and cells in strict
            maybe_duplicate = tuple(c.strip() for c in cells) in loose
            strict.add(cells)
            loose.add(tuple(c.strip() for c in cells))
            if row.blank and blank:
                assert held.get(at, {}).get("reason") == "empty row", (row.faults, held.get(at))
            elif row.quarantined is True or duplicate:
                assert at in held, f"row {at} with {row.faults} was loaded"
            elif row.quarantined is False and not maybe_duplicate:
                assert at not in held, f"row {at} with only {row.faults} was held: {held[at]}"
    finally:
        path.unlink()


@st.composite
def chaotic_bytes(draw) -> bytes:
    header = ",".join(n[1][0] for n in FIELDS.values())
    kind = draw(st.sampled_from(["random", "header_random", "header_text", "truncated", "mixed_delimiters",
                                 "mutated", "utf16_no_bom", "nul_stuffed", "huge_delimited_field"]))
    if kind == "random":
        return draw(st.binary(max_size=3000))
    if kind == "header_random":
        return header.encode() + draw(st.sampled_from([b"\n", b"\r\n", b"\r", b""])) + draw(st.binary(max_size=3000))
    if kind == "header_text":
        enc = draw(st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]))
        text = header + "\n" + draw(st.text(max_size=600))
        return text.encode(enc, errors="replace")
    if kind == "utf16_no_bom":
        spec = draw(messy_csv(1, 4))
        return spec.text().encode(draw(st.sampled_from(["utf-16-le", "utf-16-be"])))
    if kind == "mixed_delimiters":
        lines = [draw(st.sampled_from([",", ";", "\t", "|"])).join(n[1][0] for n in FIELDS.values())]
        for _ in range(draw(st.integers(0, 8))):
            rec = draw(record())
            d = draw(st.sampled_from([",", ";", "\t", "|", ", ", ";;"]))
            lines.append(d.join(str(rec[k]) for k in KEYS))
        return "\n".join(lines).encode()
    spec = draw(messy_csv(1, 6))
    if kind == "huge_delimited_field":
        row = draw(st.sampled_from(spec.table.rows))
        row.cells = [*row.cells, huge_value(draw, ("ab, cd;\n", "é|", "x\t", "a;b,c|d\te\n"))]
        return spec.data()
    data = spec.data()
    if kind == "truncated":
        return data[:draw(st.integers(0, len(data)))]
    if kind == "nul_stuffed":
        for _ in range(draw(st.integers(1, 20))):
            at = draw(st.integers(0, len(data)))
            data = data[:at] + b"\x00" + data[at:]
        return data
    # mutated: a few bytes flipped, dropped or inserted (quotes, newlines, delimiters, junk)
    for _ in range(draw(st.integers(1, 6))):
        at = draw(st.integers(0, max(0, len(data) - 1)))
        what = draw(st.sampled_from([b'"', b"\n", b"\r", b",", b";", b"\xff", b"\xe9", b"", b"\x00"]))
        data = data[:at] + what + data[at + draw(st.integers(0, 2)):]
    return data


@settings(FUZZ, max_examples=120)
@given(data=chaotic_bytes())
def test_chaotic_csv_bytes(con, workdir, data):
    """Anything at all: a whole-file error naming the file, or every record accounted for."""
    path = new_path(workdir, ".csv")
    path.write_bytes(data)
    try:
        out, problem = run_ingest(con, path)
        if problem is None:
            records = csv_records(path, out.file_info["encoding"], out.file_info["delimiter"])
            check_outcome(out, path, records, workdir)
    finally:
        path.unlink()


def xlsx_cell(draw, value: object, key: str | None) -> tuple[object, bool]:
    """A cell of an odd type; the flag asks for a string cell even if it looks like a formula."""
    if value is None or value == "":
        return draw(st.sampled_from([None, ""])), False
    text = ILLEGAL_CHARACTERS_RE.sub("", str(value))[:32_000]
    kind = draw(st.sampled_from(["text", "text", "number", "bool", "formula", "literal_formula", "error",
                                 "datetime", "float"]))
    if key in ("dob", "start", "end") and kind in ("datetime", "number"):
        for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
            try:
                d = dt.datetime.strptime(text.strip(), fmt)
            except ValueError:
                continue
            return (d.date() if kind == "datetime" else d), False
    if kind == "number":
        return draw(st.sampled_from([0, 1, -5, 42, 10**15, 2**53 + 1])), False
    if kind == "float":
        return draw(st.sampled_from([0.5, -1.25, 1e-7, 3.0, 12345.678])), False
    if kind == "bool":
        return draw(st.booleans()), False
    if kind == "formula":
        return draw(st.sampled_from(["=1+1", "=A1", "=SUM(A1:B2)", '=CONCAT("a","b")', "=1/0"])), False
    if kind == "literal_formula":
        return draw(st.sampled_from(FORMULAS)), True
    if kind == "error":
        return draw(st.sampled_from(["#N/A", "#DIV/0!", "#REF!", "#VALUE!"])), False
    return text, False


@st.composite
def messy_xlsx(draw) -> tuple[Table, list[list[tuple[object, bool]]]]:
    table = draw(messy_table(2, 8))
    grid: list[list[tuple[object, bool]]] = [[(c or None, False) for c in line] for line in table.preamble]
    grid.append([(h, False) for h in table.header])
    for row in table.rows:
        grid.append([xlsx_cell(draw, c, table.keys[i] if i < len(table.keys) else None)
                     for i, c in enumerate(row.cells)])
    return table, grid


@settings(FUZZ, max_examples=50)
@given(spec=messy_xlsx())
def test_messy_xlsx_files(con, workdir, spec):
    """Workbooks with numbers, dates, booleans, formulas, error cells and gaps: every row read."""
    table, grid = spec
    path = new_path(workdir, ".xlsx")
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Missing episodes"
    for r, line in enumerate(grid, start=1):
        for c, (value, literal) in enumerate(line, start=1):
            if value is None:
                continue
            cell = ws.cell(r, c, value)
            if literal:
                cell.data_type = "s"
    wb.save(path)
    try:
        out, problem = run_ingest(con, path)
        assert problem is None, problem
        header_row = len(table.preamble) + 1
        assert out.file_info["header_row"] == header_row
        records = xlsx_records(path)
        check_outcome(out, path, records, workdir)
        held = {q["row"]: q for q in out.quarantine}
        last = len(records)
        for i in range(len(table.rows)):
            at = header_row + 1 + i
            if all(v is None or v == "" for v, _ in grid[at - 1]) and at <= last:
                assert held.get(at, {}).get("reason") == "empty row", held.get(at)
    finally:
        path.unlink()


@st.composite
def header_trouble(draw) -> tuple[CsvFile, str | None]:
    """Header-only files, files with a mapped column missing, and files whose header is all there is."""
    spec = draw(messy_csv(0, 3, allow_dup=False))
    missing = None
    if draw(st.booleans()):
        table = spec.table
        k = draw(st.sampled_from(KEYS))
        i = table.keys.index(k)
        missing = FIELDS[k][1][0]
        table.header = table.header[:i] + table.header[i + 1:]
        table.keys = table.keys[:i] + table.keys[i + 1:]
        for row in table.rows:
            row.cells = row.cells[:i] + row.cells[i + 1:]
    return spec, missing


@settings(FUZZ, max_examples=30)
@given(case=header_trouble())
def test_header_trouble(con, workdir, case):
    """A mapped column missing stops the file with a message naming it; a header alone loads nothing."""
    spec, missing = case
    path = new_path(workdir, ".csv")
    path.write_bytes(spec.data())
    try:
        out, problem = run_ingest(con, path)
        if missing is not None:
            assert problem is not None and "is not in the file" in problem, problem
            assert f"'{missing}'" in problem and "sources/fuzz_missing.yaml" in problem
            return
        assert problem is None, problem
        records = csv_records(path, out.file_info["encoding"], out.file_info["delimiter"])
        check_outcome(out, path, records, workdir)
        assert out.read == len(spec.table.rows)
        if not spec.table.rows:
            assert out.read == out.loaded == out.quarantined == 0
    finally:
        path.unlink()


HEADER = ",".join(v[1][0] for v in FIELDS.values())
EDGE_CASES = {
    "empty": b"",
    "bom_only": codecs.BOM_UTF8,
    "utf16_bom_only": codecs.BOM_UTF16_LE,
    "newlines_only": b"\r\n\r\n\n",
    "spaces_only": b"   \n  \n",
    "nul_only": b"\x00" * 64,
    "header_only": HEADER.encode(),
    "header_only_crlf": (HEADER + "\r\n").encode("utf-8-sig"),
    "header_only_utf16": (HEADER + "\n").encode("utf-16"),
    "header_and_blank_lines": (HEADER + "\n\n\n").encode("cp1252"),
    "other_file": b"Something else entirely,another\n1,2\n",
}


@pytest.mark.parametrize("name", list(EDGE_CASES) + ["xlsx_not_a_zip"])
def test_whole_file_edge_cases(con, workdir, name):
    path = new_path(workdir, ".xlsx" if name.startswith("xlsx") else ".csv")
    path.write_bytes(EDGE_CASES.get(name, b"Person ID,Forename\nP1,Amarantha\n"))
    out, problem = run_ingest(con, path)
    if name.startswith("header"):
        assert problem is None, problem
        records = csv_records(path, out.file_info["encoding"], out.file_info["delimiter"])
        check_outcome(out, path, records, workdir)
        assert out.loaded == 0
        assert out.read == (2 if name == "header_and_blank_lines" else 0)
    else:
        assert problem is not None, f"{name} loaded {out.read} rows"


def test_empty_workbook_stops_with_a_message(con, workdir):
    path = new_path(workdir, ".xlsx")
    openpyxl.Workbook().save(path)
    out, problem = run_ingest(con, path)
    assert problem is not None


# --------------------------------------------------------------------------------------------------
# broken workbooks


def _rezip(data: bytes, change) -> bytes:
    """The workbook with its first sheet's XML passed through ``change``."""
    source = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as out:
        for name in source.namelist():
            part = source.read(name)
            out.writestr(name, change(part) if name == "xl/worksheets/sheet1.xml" else part)
    return buf.getvalue()


@st.composite
def broken_xlsx(draw) -> bytes:
    table, grid = draw(messy_xlsx())
    wb = openpyxl.Workbook()
    for r, line in enumerate(grid, start=1):
        for c, (value, literal) in enumerate(line, start=1):
            if value is not None:
                cell = wb.active.cell(r, c, value)
                if literal:
                    cell.data_type = "s"
    buf = io.BytesIO()
    wb.save(buf)
    data = buf.getvalue()
    kind = draw(st.sampled_from(["cut_zip", "cut_sheet", "junk_in_sheet", "bad_number", "flipped_bytes"]))
    if kind == "cut_zip":
        return data[:draw(st.integers(0, len(data)))]
    if kind == "cut_sheet":
        return _rezip(data, lambda b: b[:draw(st.integers(0, len(b)))])
    if kind == "junk_in_sheet":
        junk = draw(st.sampled_from([b"<", b"&", b"\x00", b"</row>", b'<c r="ZZZ99999999">', b"\xff\xfe"]))
        return _rezip(data, lambda b: (lambda i: b[:i] + junk + b[i:])(draw(st.integers(0, len(b)))))
    if kind == "bad_number":
        cell = draw(st.sampled_from([b'<c r="A2" t="n"><v>abc</v></c>', b'<c r="B2" t="b"><v>7</v></c>',
                                     b'<c r="C2" t="s"><v>99999</v></c>', b'<c r="D2" t="d"><v>nope</v></c>']))
        return _rezip(data, lambda b: b.replace(b"</sheetData>", b'<row r="900">' + cell + b"</row></sheetData>"))
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 8))):
        out[draw(st.integers(0, len(out) - 1))] = draw(st.integers(0, 255))
    return bytes(out)


@settings(FUZZ, max_examples=30)
@given(data=broken_xlsx())
def test_broken_xlsx_files(con, workdir, data):
    """A damaged workbook stops with a message naming the file, or loads with every row accounted for."""
    path = new_path(workdir, ".xlsx")
    path.write_bytes(data)
    try:
        out, problem = run_ingest(con, path)
        if problem is None:
            check_outcome(out, path, None, workdir)
    finally:
        path.unlink()


# --------------------------------------------------------------------------------------------------
# faults the fuzzing found, as minimal examples, all fixed and kept as regression tests: very wide
# rows, damaged sheets, a date-of-birth mask that leaked, a comma on every line of a file with another
# delimiter (now chosen by header match), and the sniffer's slowness on thousands of blank rows
# (now it sees only the first lines).


def _good_line(extra_cells: int = 0, sep: str = ",") -> str:
    cells = ["P00001", "Amarantha", "Abernethyx", "2010-03-04", "F", "WBRI", "2025-01-01", "2025-01-02", "CSE"]
    return sep.join(cells) + sep * extra_cells


def test_a_row_of_600_cells_is_read(con, workdir):
    # Was: 9 mapped columns and 488+ trailing empty cells on one row (Excel writes these when a stray cell
    # sits far right) raised duckdb BinderException 'Max expression depth limit of 1000 exceeded' from
    # the md5(c0 || '\x1f' || c1 ...) chain in engine.ingest_file.
    path = new_path(workdir, ".csv")
    path.write_text(HEADER + "\n" + _good_line(600) + "\n", encoding="utf-8")
    out, problem = run_ingest(con, path)
    assert problem is None and out.read == 1 and out.loaded == 1


def _xlsx_with_sheet_xml(path: Path, change) -> None:
    buf = io.BytesIO()
    wb = openpyxl.Workbook()
    wb.active.append([v[1][0] for v in FIELDS.values()])
    wb.active.append(_good_line().split(","))
    wb.save(buf)
    path.write_bytes(_rezip(buf.getvalue(), change))


@pytest.mark.parametrize("change", [
    lambda b: b.replace(b"</sheetData>", b'<row r="3"><c r="A3" t="n"><v>abc</v></c></row></sheetData>'),
    lambda b: b[: len(b) // 2],
], ids=["number_cell_holding_text", "sheet_xml_cut_short"])
def test_a_workbook_with_a_broken_sheet_stops_with_a_message(con, workdir, change):
    # Was: python_calamine.CalamineError / XmlError from to_python() in readers._rows_from_workbook,
    # which caught calamine's errors only when opening the workbook.
    path = new_path(workdir, ".xlsx")
    _xlsx_with_sheet_xml(path, change)
    out, problem = run_ingest(con, path)
    assert problem is not None and path.name in problem


def test_an_unreadable_date_of_birth_keeps_day_and_month_hidden(con, workdir):
    # Was: engine.mask took the first four digits as the year, so '04032010' (ddmmyyyy) was held as
    # '0403 (day and month hidden)': the day and month it said it hid.
    path = new_path(workdir, ".csv")
    path.write_text(HEADER + "\nP00001,Amarantha,Abernethyx,04032010,F,WBRI,2025-01-01,,\n", encoding="utf-8")
    out, problem = run_ingest(con, path)
    assert problem is None
    (q,) = out.quarantine
    assert q["field"] == "identifiers.date_of_birth"
    assert "0403" not in q["value"] and "04032010" not in q["value"], q["value"]


@pytest.mark.parametrize("sep", ["|", ";", "\t"])
def test_a_file_with_a_comma_on_every_line_keeps_its_own_delimiter(con, workdir, sep):
    path = new_path(workdir, ".csv")
    header = sep.join([*(v[1][0] for v in FIELDS.values()), "Address, line 1"])
    rows = [_good_line(sep=sep) + sep + "1 High St, Brackenford"] * 3
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    out, problem = run_ingest(con, path)
    assert problem is None, problem
    assert out.file_info["delimiter"] == sep and out.read == 3


SNIFF_SCRIPT = """
import sys
from ceintel.ingest.readers import SNIFF_BYTES, detect_delimiter
text = sys.stdin.read()
print(repr(detect_delimiter(text[:SNIFF_BYTES])))
"""


def test_sniffing_a_file_with_thousands_of_blank_rows_is_quick():
    # In a subprocess, stopped after 2 s, so the open fault costs the suite 2 s, not 25.
    text = HEADER + "\r\n" + _good_line().replace("Abernethyx", '"Abernethyx, Jr"') + "\r\n" + ",,,,,,,,\r\n" * 6000
    done = subprocess.run([sys.executable, "-c", SNIFF_SCRIPT], input=text, text=True, capture_output=True,
                          timeout=2, check=True)
    assert done.stdout.strip() == "','"
