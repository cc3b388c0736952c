"""Clerical review: an analyst confirms or rejects the pairs the model is unsure of.

Every link run keeps the pairs whose match probability falls in the review
band in ``identity/review_pairs.parquet``, each described by how its fields
compare (levels, not values), so an analyst can decide from the pattern
without seeing who the child is; ``--show-identifiers`` is for the analyst
who holds the agencies' permission to look.

Decisions are appended to ``identity/decisions.csv`` and applied on every
later run: "same" joins the two records whatever their score, "different"
keeps them apart whatever else links them. A later decision on the same
pair replaces an earlier one; nothing is ever deleted, so the file is also
the audit trail of who decided what and when.
"""

from __future__ import annotations

import csv
import datetime as dt
import getpass
import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ceintel.config import REVIEW_BAND
from ceintel.errors import CeintelError
from ceintel.identity.link import COMPARISONS
from ceintel.safe_csv import neutralise

DECISIONS_FILE = "decisions.csv"
PAIRS_FILE = "review_pairs.parquet"
DECISION_COLUMNS = ["decided_at", "pair_id", "record_a", "record_b", "decision", "analyst", "note"]
DECISIONS = ("same", "different")


@dataclass(frozen=True)
class Decision:
    pair_id: str
    record_a: str
    record_b: str
    decision: str
    analyst: str
    note: str
    decided_at: str


def pair_id(record_a: str, record_b: str) -> str:
    """A short, stable name for a pair of records, the same whichever way round they are given."""
    a, b = sorted((record_a, record_b))
    return "R" + hashlib.sha256(f"{a}\x1f{b}".encode()).hexdigest()[:16]


def load_decisions(identity: Path) -> dict[str, Decision]:
    """The latest decision for every pair (pair_id -> Decision)."""
    path = identity / DECISIONS_FILE
    if not path.exists():
        return {}
    out: dict[str, Decision] = {}
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in DECISION_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CeintelError(f"{path}: row 1: the header lacks {', '.join(missing)}; "
                               f"it must be {','.join(DECISION_COLUMNS)}")
        for i, row in enumerate(reader, start=2):
            if row["decision"] not in DECISIONS:
                raise CeintelError(f"{path}: row {i}: field decision: '{row['decision']}' is not one of "
                                   f"{', '.join(DECISIONS)}")
            out[row["pair_id"]] = Decision(**{c: row[c] for c in DECISION_COLUMNS})
    return out


def decided_pairs(decisions: dict[str, Decision]) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """(same, different) record pairs, for the clustering."""
    same = [(d.record_a, d.record_b) for d in decisions.values() if d.decision == "same"]
    different = [(d.record_a, d.record_b) for d in decisions.values() if d.decision == "different"]
    return same, different


def record_decision(identity: Path, pair: str, decision: str, note: str = "",
                    analyst: str | None = None) -> Decision:
    """Append an analyst's decision on a pair offered for review."""
    if decision not in DECISIONS:
        raise CeintelError(f"decision must be one of {', '.join(DECISIONS)}, not '{decision}'")
    pairs = identity / PAIRS_FILE
    if not pairs.exists():
        raise CeintelError(f"{pairs} does not exist: run ceintel link first")
    con = duckdb.connect()
    try:
        row = con.execute(f"SELECT record_l, record_r FROM read_parquet('{pairs}') WHERE pair_id = ?",
                          [pair]).fetchone()
    finally:
        con.close()
    if row is None:
        raise CeintelError(f"no pair {pair} is waiting for review; see: ceintel review list")
    made = Decision(pair, row[0], row[1], decision, analyst or getpass.getuser(), note,
                    dt.datetime.now(dt.UTC).isoformat(timespec="seconds"))
    path = identity / DECISIONS_FILE
    new = not path.exists()
    with open(path, "a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        if new:
            writer.writerow(DECISION_COLUMNS)
        writer.writerow([neutralise(getattr(made, c)) for c in DECISION_COLUMNS])
    return made


def pair_id_sql(a: str, b: str) -> str:
    """The SQL twin of :func:`pair_id`."""
    return f"'R' || left(sha256(least({a}, {b}) || chr(31) || greatest({a}, {b})), 16)"


def write_review_pairs(con: duckdb.DuckDBPyConnection, identity: Path, decisions: dict[str, Decision],
                       band: tuple[float, float] = REVIEW_BAND, records: str = "id_records",
                       pairs: str = "id_pairs") -> int:
    """Keep the undecided pairs in the band, most uncertain first; returns how many."""
    levels = []
    for comparison in COMPARISONS:
        labels = [lvl.label for lvl in comparison.levels]
        # Splink's gamma counts from the least similar level (0) up; -1 is "not recorded"
        cases = " ".join(f"WHEN {len(labels) - 1 - i} THEN '{lab}'" for i, lab in enumerate(labels))
        levels.append(f"CASE p.gamma_{comparison.name} WHEN -1 THEN 'not recorded' {cases} END "
                      f"AS {comparison.name}")
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE id_review AS
        SELECT l.record AS record_l, r.record AS record_r, l.uid AS uid_l, r.uid AS uid_r,
               p.match_probability, p.match_weight, {', '.join(levels)}
        FROM {pairs} p JOIN {records} l ON l.uid = p.uid_l JOIN {records} r ON r.uid = p.uid_r
        WHERE p.match_probability >= {band[0]} AND p.match_probability < {band[1]} AND l.record <> r.record
        QUALIFY row_number() OVER (PARTITION BY least(l.record, r.record), greatest(l.record, r.record)
                                   ORDER BY abs(p.match_probability - 0.5)) = 1""")
    # twin-like pairs never link on their score (see cluster.py); offering them would bury the real doubts
    con.execute("""DELETE FROM id_review WHERE first_name = 'different' AND last_name = 'exact' AND dob = 'exact'
                   AND nhs_number <> 'same' AND upn <> 'same'""")
    decided = sorted(decisions)
    target = identity / PAIRS_FILE
    tmp = target.with_name(target.name + ".writing")
    con.execute(f"""COPY (SELECT * FROM (SELECT {pair_id_sql('record_l', 'record_r')} AS pair_id, * FROM id_review)
                          WHERE pair_id NOT IN (SELECT unnest(?::VARCHAR[]))
                          ORDER BY abs(match_probability - 0.5), pair_id)
                    TO '{tmp}' (FORMAT parquet)""", [decided])
    tmp.replace(target)
    con.execute("DROP TABLE id_review")
    return con.execute(f"SELECT count(*) FROM read_parquet('{target}')").fetchone()[0]


IDENTIFIER_COLUMNS = {"first_name": "first_name", "last_name": "last_name", "dob": "date_of_birth",
                      "postcode": "postcode", "sex": "sex", "nhs_number": "nhs_number", "upn": "upn",
                      "events": "source_file"}
"""What --show-identifiers shows under each comparison's heading (the file a record was read from under events)."""


def list_pairs(identity: Path, limit: int = 20, show_identifiers: bool = False) -> list[dict]:
    """The pairs waiting for review, most uncertain first (identifiers only on request).

    With ``show_identifiers`` each pair also carries ``identifiers_l`` and ``identifiers_r``:
    dicts keyed like the comparisons, read from the identity staging for these records only.
    """
    pairs = identity / PAIRS_FILE
    if not pairs.exists():
        raise CeintelError(f"{pairs} does not exist: run ceintel link first")
    con = duckdb.connect()
    try:
        rel = con.execute(f"SELECT * FROM read_parquet('{pairs}') LIMIT {int(limit)}")
        names = [d[0] for d in rel.description]
        rows = [dict(zip(names, r, strict=True)) for r in rel.fetchall()]
        if show_identifiers and rows:
            wanted = sorted({r[f"record_{side}"] for r in rows for side in ("l", "r")})
            cols = ", ".join(f"any_value({c}) AS {name}" for name, c in IDENTIFIER_COLUMNS.items())
            found = con.execute(f"""SELECT source_id || ':' || record_key AS record, {cols}
                                    FROM read_parquet('{identity / "staging"}/*.parquet', union_by_name = true)
                                    WHERE source_id || ':' || record_key IN (SELECT unnest(?::VARCHAR[]))
                                    GROUP BY ALL""", [wanted]).fetchall()
            by_record = {f[0]: dict(zip(IDENTIFIER_COLUMNS, f[1:], strict=True)) for f in found}
            for row in rows:
                for side in ("l", "r"):
                    row[f"identifiers_{side}"] = by_record.get(row[f"record_{side}"], {})
    finally:
        con.close()
    return rows
