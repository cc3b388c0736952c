"""Writing extracts the way agencies' systems export them, and recording the truth beside them.

An :class:`Extract` is one file (or one sheet) of one source. Every data row
written is logged to the truth folder with the true person it describes, and
every piece of planted mess is logged with its row, so tests and later stages
can check what the pipeline recovers. Output is byte-identical for a seed:
no clocks, no dict-order surprises, and XLSX archives are rewritten with a
fixed timestamp.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FIXED_ZIP_TIME = (2026, 10, 5, 0, 0, 0)


class Truth:
    """The hidden answers, written to a folder the pipeline never reads."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self._records = open(folder / "records.csv", "w", encoding="utf-8", newline="")
        self._mess = open(folder / "mess.csv", "w", encoding="utf-8", newline="")
        self.records = csv.writer(self._records, lineterminator="\n")
        self.mess_log = csv.writer(self._mess, lineterminator="\n")
        self.records.writerow(["source", "file", "row", "record_id", "person_id", "role", "event_type"])
        self.mess_log.writerow(["source", "file", "row", "kind", "field", "detail"])

    def record(self, extract: Extract, row: int, record_id: str, person_id: str, role: str, event_type: str) -> None:
        self.records.writerow([extract.source, extract.file_label, row, record_id, person_id, role, event_type])

    def mess(self, extract: Extract, row: int | str, kind: str, field: str = "", detail: str = "") -> None:
        self.mess_log.writerow([extract.source, extract.file_label, row, kind, field, detail])

    def close(self) -> None:
        self._records.close()
        self._mess.close()


class Extract:
    """One delimited text file of one source."""

    def __init__(self, truth: Truth, source: str, path: Path, columns: list[str], *, encoding: str = "utf-8",
                 bom: bool = False, delimiter: str = ",", preamble: list[str] | None = None,
                 line_terminator: str = "\r\n"):
        self.truth, self.source, self.path, self.columns = truth, source, path, columns
        self.file_label = path.name
        self.encoding = encoding
        self._fh = open(path, "w", encoding=encoding, newline="", errors="replace")
        if bom:
            self._fh.write("\ufeff")
            truth.mess(self, 0, "utf8_bom", detail="file starts with a UTF-8 byte order mark")
        if encoding.lower() in {"cp1252", "windows-1252"}:
            truth.mess(self, 0, "cp1252", detail="file is encoded as Windows-1252, not UTF-8")
        self._writer = csv.writer(self._fh, delimiter=delimiter, lineterminator=line_terminator)
        self.header_row = 1
        for line in preamble or []:
            self._writer.writerow([line])
            self.header_row += 1
        self._writer.writerow(columns)
        self.rows = self.header_row  # physical row number of the last row written

    def write(self, values: dict[str, Any]) -> int:
        """Write a data row; returns its physical row number (the header is row ``header_row``)."""
        self._writer.writerow([_text(values.get(c)) for c in self.columns])
        self.rows += 1
        return self.rows

    def blank(self) -> None:
        self._writer.writerow([""] * len(self.columns))
        self.rows += 1
        self.truth.mess(self, self.rows, "blank_row", detail="an empty row in the middle of the data")

    def close(self, totals: dict[str, Any] | None = None) -> None:
        if totals is not None:
            row = self.write(totals)
            self.truth.mess(self, row, "totals_row", detail="a trailing totals row added by the exporting system")
        self._fh.close()


class XlsxWorkbook:
    """A workbook with one or more sheets, written in streaming mode."""

    def __init__(self, path: Path):
        self.path = path
        self.wb = Workbook(write_only=True)
        fixed = dt.datetime(*FIXED_ZIP_TIME)
        self.wb.properties.created = fixed
        self.wb.properties.modified = fixed
        self.wb.properties.creator = "ceintel synthetic partnership"
        self.sheets: list[Sheet] = []

    def sheet(self, truth: Truth, source: str, title: str, columns: list[str], *,
              preamble: list[str] | None = None, date_format: str = "DD/MM/YYYY") -> Sheet:
        s = Sheet(self, truth, source, title, columns, preamble or [], date_format)
        self.sheets.append(s)
        return s

    def close(self) -> None:
        self.wb.save(self.path)
        _normalise_zip(self.path)


class Sheet(Extract):
    """One sheet of a workbook, with the same row API as a text extract."""

    def __init__(self, book: XlsxWorkbook, truth: Truth, source: str, title: str, columns: list[str],
                 preamble: list[str], date_format: str):
        self.truth, self.source, self.columns, self.book = truth, source, columns, book
        self.file_label = f"{book.path.name}#{title}"
        self.ws = book.wb.create_sheet(title)
        self.date_format = date_format
        self.header_row = 1
        for line in preamble:
            self.ws.append([line])
            self.header_row += 1
        self.ws.append(columns)
        self.rows = self.header_row

    def _cell(self, value: Any) -> Any:
        if isinstance(value, dt.date):
            cell = WriteOnlyCell(self.ws, value=value)
            cell.number_format = self.date_format
            return cell
        return value

    def write(self, values: dict[str, Any]) -> int:
        self.ws.append([self._cell(values.get(c)) for c in self.columns])
        self.rows += 1
        return self.rows

    def blank(self) -> None:
        self.ws.append([None] * len(self.columns))
        self.rows += 1
        self.truth.mess(self, self.rows, "blank_row", detail="an empty row in the middle of the data")

    def close(self, totals: dict[str, Any] | None = None) -> None:
        if totals is not None:
            row = self.write(totals)
            self.truth.mess(self, row, "totals_row", detail="a trailing totals row")


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value)


def _normalise_zip(path: Path) -> None:
    """Rewrite an XLSX archive with fixed timestamps and order, so the same seed gives the same bytes."""
    with zipfile.ZipFile(path) as src:
        items = [(info.filename, src.read(info.filename)) for info in src.infolist()]
    stamp = "{:04d}-{:02d}-{:02d}T{:02d}:{:02d}:{:02d}Z".format(*FIXED_ZIP_TIME).encode()
    # openpyxl stamps the save time into docProps/core.xml whatever the workbook says
    items = [(name, re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(</dcterms:modified>)", rb"\g<1>" + stamp + rb"\g<2>", data)
              if name == "docProps/core.xml" else data) for name, data in items]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as dst:
        for name, data in items:
            info = zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            dst.writestr(info, data)
    path.write_bytes(buffer.getvalue())
