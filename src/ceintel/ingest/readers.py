"""Reading an extract as agencies send it: any delimiter or encoding, XLSX or ODS, headers anywhere.

Every cell is read as text (dates from spreadsheets become ISO text), every
row keeps the number a spreadsheet would show for it, and nothing is
dropped here: blank rows, totals rows and ragged rows all reach the checks.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pyarrow as pa

from ceintel.errors import CeintelError

HEADER_SCAN_ROWS = 30
SNIFF_BYTES = 64 * 1024
csv.field_size_limit(16 * 1024 * 1024)


class SourceFileError(CeintelError):
    """The whole file cannot be read as configured; only this source stops."""


def fold_header(name: object) -> str:
    """Header names compared without case, spaces or punctuation ("Child unique ID" == "ChildUniqueID")."""
    return re.sub(r"[^0-9a-z]", "", str(name).casefold())


@dataclass(frozen=True)
class RawTable:
    path: Path
    headers: list[str]  # as written in the file, by column position
    header_row: int  # spreadsheet row number of the header
    table: pa.Table  # columns c0..cN (text) and _row (the row number a spreadsheet shows)
    encoding: str | None
    delimiter: str | None
    sheet: str | None

    @cached_property
    def _folded(self) -> list[str]:
        return [fold_header(h) for h in self.headers]

    def column_index(self, names: list[str]) -> int | None:
        folded = self._folded
        for name in names:
            key = fold_header(name)
            if key in folded:
                return folded.index(key)
        return None


def detect_encoding(path: Path) -> str:
    """UTF-8 (with or without a byte-order mark) if it decodes, otherwise Windows-1252."""
    with open(path, "rb") as fh:
        head = fh.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1252"
    return "utf-8"


DELIMITERS = ",;\t|"
SNIFF_LINES = 50


def detect_delimiter(sample: str, wanted: list[str] | None = None) -> str:
    """The delimiter under which the header matches the most mapped column names; Python's sniffer breaks ties.

    The sniffer alone prefers a comma whenever another delimiter is equally
    consistent, and it is slow on long runs of punctuation, so it only sees the
    first lines.
    """
    lines = sample.splitlines()[:SNIFF_LINES]
    head = "\n".join(lines)
    try:
        sniffed = csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: head.count(d) for d in DELIMITERS}
        sniffed = max(counts, key=counts.get) if any(counts.values()) else ","
    if not wanted:
        return sniffed
    targets = {fold_header(w) for w in wanted}

    def score(delimiter: str) -> int:
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=delimiter))[:HEADER_SCAN_ROWS]
        except csv.Error:
            return -1
        return max((len({fold_header(c) for c in row} & targets) for row in rows), default=0)

    scores = {d: score(d) for d in DELIMITERS}
    best = max(scores.values())
    return sniffed if scores[sniffed] == best else next(d for d in DELIMITERS if scores[d] == best)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    return str(value)


def _rows_from_csv(path: Path, encoding: str, delimiter: str,
                   wanted: list[str] | None) -> tuple[list[list[str]], str, str]:
    if encoding == "auto":
        encoding = detect_encoding(path)
    try:
        with open(path, encoding=encoding, errors="replace", newline="") as fh:
            sample = fh.read(SNIFF_BYTES)
            fh.seek(0)
            if delimiter == "auto":
                delimiter = detect_delimiter(sample, wanted)
            rows = list(csv.reader(fh, delimiter=delimiter))
    except (OSError, LookupError) as exc:
        raise SourceFileError(f"{path}: cannot be read ({exc})") from None
    except csv.Error as exc:
        raise SourceFileError(f"{path}: is not a readable delimited text file ({exc})") from None
    return rows, encoding, delimiter


def _rows_from_workbook(path: Path, sheet: str | int | None) -> tuple[list[list[str]], str]:
    import python_calamine as pc

    try:
        book = pc.CalamineWorkbook.from_path(str(path))
    except Exception as exc:  # calamine raises its own error types for broken archives
        raise SourceFileError(f"{path}: is not a readable spreadsheet ({exc})") from None
    names = book.sheet_names
    if sheet is None:
        name = names[0]
    elif isinstance(sheet, int):
        if not 0 <= sheet < len(names):
            raise SourceFileError(f"{path}: has no sheet number {sheet}; sheets: {', '.join(names)}")
        name = names[sheet]
    else:
        folded = {fold_header(n): n for n in names}
        if fold_header(sheet) not in folded:
            raise SourceFileError(f"{path}: has no sheet '{sheet}'; sheets are: {', '.join(names)}. "
                                  f"Set 'sheet' in the source YAML to one of them.")
        name = folded[fold_header(sheet)]
    try:
        data = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
    except Exception as exc:  # a damaged sheet: calamine's own error types
        raise SourceFileError(f"{path}: sheet '{name}' cannot be read ({exc}); ask the agency for a fresh "
                              f"export, or save it again from the spreadsheet program") from None
    return [[_cell_text(v) for v in row] for row in data], name


def find_header_row(rows: list[list[str]], wanted: list[str]) -> int:
    """Index of the row that matches the most mapped column names (a title row above is fine)."""
    targets = {fold_header(w) for w in wanted}
    best, best_score = 0, -1
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        score = len({fold_header(c) for c in row if c.strip()} & targets)
        if score > best_score:
            best, best_score = i, score
    return best


def read_raw(path: Path, *, fmt: str = "auto", encoding: str = "auto", delimiter: str = "auto",
             sheet: str | int | None = None, header_row: int | str = "auto",
             wanted_columns: list[str] | None = None) -> RawTable:
    """Read a file into text columns with spreadsheet row numbers."""
    if not path.exists():
        raise SourceFileError(f"{path}: file not found")
    if fmt == "auto":
        fmt = {".xlsx": "xlsx", ".xlsm": "xlsx", ".xls": "xlsx", ".ods": "ods"}.get(path.suffix.lower(), "csv")
    sheet_name = None
    if fmt == "csv":
        rows, encoding, delimiter = _rows_from_csv(path, encoding, delimiter, wanted_columns)
        used_encoding, used_delimiter = encoding, delimiter
    else:
        rows, sheet_name = _rows_from_workbook(path, sheet)
        used_encoding = used_delimiter = None
    if not rows:
        raise SourceFileError(f"{path}: is empty")
    if header_row == "auto":
        h = find_header_row(rows, wanted_columns or [])
    else:
        h = int(header_row) - 1
        if not 0 <= h < len(rows):
            raise SourceFileError(f"{path}: header_row {header_row} is beyond the end of the file ({len(rows)} rows)")
    headers = [c.strip() for c in rows[h]]
    body = rows[h + 1:]
    width = max([len(headers)] + [len(r) for r in body])
    headers += [""] * (width - len(headers))
    padded = [row if len(row) == width else row + [None] * (width - len(row)) for row in body]
    transposed = list(zip(*padded, strict=True)) if padded else [()] * width
    arrays = {f"c{i}": pa.array(col, pa.string()) for i, col in enumerate(transposed)}
    arrays["_row"] = pa.array(range(h + 2, h + 2 + len(body)), pa.int64())
    return RawTable(path, headers, h + 1, pa.table(arrays), used_encoding, used_delimiter, sheet_name)

