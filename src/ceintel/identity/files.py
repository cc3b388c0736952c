"""Link plain person files outside any workspace: ``ceintel link A.csv B.csv --out people.csv``.

For an analyst who has person lists from two or three agencies and wants to
know who is in more than one, before (or without) setting up a workspace.
Each input is a CSV whose header holds ``record_id``, ``first_name``,
``last_name`` and ``dob`` (ISO ``YYYY-MM-DD``, may be blank), and optionally
``sex``, ``postcode``, ``address`` and ``nhs_number``. The source is the
file name without its extension. The output has one row per input record:
``source, record_id, person_id``, where ``person_id`` numbers the people
found (P000001, ...), in the order of their first record.

A value that cannot be used (a date that is not a date, a record id given
twice with different identifiers, which is linked as one record) does not stop the run: it is listed in
``OUT.problems.csv`` with its file, row and field, and the rest of the
record is still linked. A missing required column stops the run with the
file and column named.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ceintel import duck
from ceintel.errors import CeintelError
from ceintel.identity.evaluate import Scores, read_truth_csv, score
from ceintel.identity.run import Linked, link_table
from ceintel.identity.standardise import INPUT_COLUMNS
from ceintel.safe_csv import write_csv

REQUIRED = ("record_id", "first_name", "last_name", "dob")
OPTIONAL = ("sex", "postcode", "address", "nhs_number")
PROBLEM_COLUMNS = ["file", "row", "field", "value", "problem"]


@dataclass
class FilesResult:
    records: int
    people: int
    out: Path
    problems: int
    problems_file: Path | None
    scores: Scores | None
    linked: Linked


def _read_text(path: Path) -> list[str]:
    raw = path.read_bytes()
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return raw.decode(encoding).splitlines()
        except UnicodeDecodeError:
            continue
    raise CeintelError(f"{path}: is neither UTF-8 nor Windows-1252 text")


def read_person_file(path: Path, problems: list[dict]) -> list[dict]:
    """Rows of one person file as identity input; unusable values become problems, not failures."""
    if not path.is_file():
        raise CeintelError(f"{path}: no such file")
    source = path.stem
    reader = csv.reader(_read_text(path))
    header = [h.strip().lower() for h in next(reader, [])]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise CeintelError(f"{path}, row 1, field '{missing[0]}': column missing; a person file needs the "
                           f"columns {', '.join(REQUIRED)} (and may have {', '.join(OPTIONAL)})")
    at = {c: header.index(c) for c in (*REQUIRED, *OPTIONAL) if c in header}
    rows = []
    for row_number, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        value = {c: (row[i].strip() if i < len(row) else "") or None for c, i in at.items()}
        if not value["record_id"]:
            problems.append({"file": path.name, "row": row_number, "field": "record_id", "value": "",
                             "problem": "blank record_id: the row cannot be linked or reported"})
            continue
        dob = value.pop("dob")
        date = None
        if dob:
            try:
                date = dt.date.fromisoformat(dob)
            except ValueError:
                problems.append({"file": path.name, "row": row_number, "field": "dob", "value": dob,
                                 "problem": "not an ISO date (YYYY-MM-DD); linked without a date of birth"})
        rows.append({"row": row_number, "source_id": source, "record_key": value["record_id"], "agency_record_id": value["record_id"],
                     "record_id_scheme": None, "first_name": value["first_name"], "last_name": value["last_name"],
                     "date_of_birth": date, "postcode": value.get("postcode"), "nhs_number": value.get("nhs_number"),
                     "upn": None, "address": value.get("address"), "sex": value.get("sex"), "events": None})
    return rows


def _repeated_ids(rows: list[dict]) -> list[dict]:
    """A record id given twice with different identifiers: kept as one record (the id says so), but listed."""
    seen: dict[tuple[str, str], dict] = {}
    out = []
    identity = ("first_name", "last_name", "date_of_birth", "postcode", "nhs_number", "sex")
    for row in rows:
        key = (row["source_id"], row["record_key"])
        first = seen.setdefault(key, row)
        if first is not row and any(first[c] != row[c] for c in identity):
            out.append({"file": f"{key[0]}.csv", "row": row["row"], "field": "record_id", "value": key[1],
                        "problem": f"record_id also at row {first['row']} with other identifiers; "
                                   f"linked as one record"})
    return out


def link_files(paths: list[Path], out: Path, truth: Path | None = None) -> FilesResult:
    """Link the records of ``paths`` into people and write ``out`` (source, record_id, person_id)."""
    stems = [p.stem for p in paths]
    repeated = sorted({s for s in stems if stems.count(s) > 1})
    if repeated:
        raise CeintelError(f"two input files are both called '{repeated[0]}': the file name is the source, "
                           f"so rename one")
    problems: list[dict] = []
    rows = [r for p in paths for r in read_person_file(Path(p), problems)]
    if not rows:
        raise CeintelError("the input files hold no records")
    problems += _repeated_ids(rows)
    spill = Path(tempfile.mkdtemp(prefix="ceintel-link-"))
    con = duck.connect(temp_directory=spill)
    try:
        types = {"date_of_birth": pa.date32(), "events": pa.list_(pa.string())}
        schema = pa.schema([(c, types.get(c, pa.string())) for c in INPUT_COLUMNS])
        table = pa.Table.from_pylist([{c: r[c] for c in INPUT_COLUMNS} for r in rows], schema=schema)
        con.register("input_rows", table)
        con.execute("CREATE TABLE id_input AS SELECT DISTINCT * FROM input_rows")
        con.unregister("input_rows")
        linked = link_table(con)
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    numbers: dict[str, str] = {}
    for record in sorted(linked.person_of):
        numbers.setdefault(linked.person_of[record], f"P{len(numbers) + 1:06d}")
    people = {r: numbers[p] for r, p in linked.person_of.items()}
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(out.name + ".writing")
    write_csv(tmp, ["source", "record_id", "person_id"],
              ({"source": r.split(":", 1)[0], "record_id": r.split(":", 1)[1], "person_id": p}
               for r, p in sorted(people.items())))
    os.replace(tmp, out)
    problems_file = out.with_name(out.stem + ".problems.csv")
    if problems:
        write_csv(problems_file, PROBLEM_COLUMNS, problems)
    elif problems_file.exists():
        problems_file.unlink()
    scores = None
    if truth is not None:
        by_record = read_truth_csv(truth)
        truth_of = {f"{s}:{r}": p for (s, r), p in by_record.items()}
        scores = score(people, truth_of)
    return FilesResult(len(people), len(numbers), out, len(problems), problems_file if problems else None,
                       scores, linked)
