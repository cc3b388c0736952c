"""Person ids that stay the same when the clustering is recomputed from scratch.

The identity step clusters agency records into people on every run, and its
cluster labels mean nothing from one run to the next. Analysts, case notes
and previous reports refer to a child by ``person_id``, so the id must follow
the child's *records*, not the label: each cluster inherits the id that most
of its records held last time, and only a cluster with no claim on any
earlier id gets a new one. Merges and splits are resolved by fixed rules, so
the same inputs give the same ids whatever order they arrive in, and every
change is logged in plain English for the audit trail.

An id once issued is never given to anyone else: a retired id points to the
id that replaced it (:func:`forward`), and a new id that would repeat any id
ever issued is re-derived with a counter until it is fresh.

New ids are ``"P" + pseudonym(secret, "person", <smallest record>)``: keyed,
so nobody without the workspace secret can tell which records made a person.

Files in the workspace's ``identity/`` folder:

    person_map.parquet  record, source_id, record_key, person_id (every record ever seen)
    issued.csv          person_id, first_issued, status, replaced_by (every id ever issued)
    changes.csv         run_date, kind, person_id, other_id, records, detail (appended)
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections import Counter
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ceintel.errors import WorkspaceError
from ceintel.pseudonym import pseudonym
from ceintel.safe_csv import neutralise, write_csv

ACTIVE = "active"
RETIRED = "retired"
ID_LENGTH = 15  # hex characters after the "P"

PERSON_MAP_FILE = "person_map.parquet"
ISSUED_FILE = "issued.csv"
CHANGES_FILE = "changes.csv"
PERSON_MAP_SCHEMA = pa.schema([("record", pa.string()), ("source_id", pa.string()),
                               ("record_key", pa.string()), ("person_id", pa.string())])
ISSUED_COLUMNS = ["person_id", "first_issued", "status", "replaced_by"]
CHANGES_COLUMNS = ["run_date", "kind", "person_id", "other_id", "records", "detail"]


@dataclass(frozen=True)
class IssuedId:
    first_issued: str  # ISO date of the run that issued it
    status: str  # "active" | "retired"
    replaced_by: str | None = None  # for a retired id: the id it was merged into


@dataclass(frozen=True)
class Change:
    kind: str  # "new" | "merged" | "split" | "moved"
    person_id: str  # the id concerned (for merged: the id that was retired)
    other_id: str | None  # merged: merged into; split: split from; moved: the id the records left
    records: int  # how many records this change concerns
    detail: str  # one plain-English line, no identifiers beyond pseudonyms


@dataclass
class IdentityState:
    assignment: dict[str, str] = field(default_factory=dict)  # record -> person_id
    issued: dict[str, IssuedId] = field(default_factory=dict)  # person_id -> IssuedId


def forward(state: IdentityState, person_id: str) -> str:
    """The active id a person now has, following retired ids to their replacements."""
    current, seen = person_id, set()
    while True:
        entry = state.issued.get(current)
        if entry is None:
            raise KeyError(f"person id {current} was never issued")
        if entry.status == ACTIVE:
            return current
        if entry.replaced_by is None or current in seen:
            raise ValueError(f"retired person id {current} does not lead to an active id")
        seen.add(current)
        current = entry.replaced_by


def reconcile(clusters: Mapping[str, Hashable], state: IdentityState, secret: bytes,
              run_date: str) -> tuple[IdentityState, list[Change]]:
    """This run's clusters (record -> label) given stable ids; returns the new state and changes.

    1. A previous id's *owner* is the cluster holding most of its records
       (tie: the cluster whose smallest record sorts first). Previous ids are
       read through :func:`forward`, so a returning record follows a merge.
    2. A cluster keeps, of the ids it owns, the one with most records in it
       (tie: earliest first_issued, then smallest id); the others are retired
       into it ("merged"). Records arriving from ids it does not own: "moved".
    3. A cluster owning no id gets a new one: "split" (one per id its records
       came from) or, if none of its records was seen before, "new".

    Records not in this run keep their assignment; ``state`` is not changed.
    """
    dt.date.fromisoformat(run_date)
    groups = _groups(clusters)
    prev = {r: forward(state, state.assignment[r])
            for group in groups for r in group if r in state.assignment}
    held = [Counter(prev[r] for r in group if r in prev) for group in groups]
    spread: dict[str, dict[int, int]] = {}
    for i, here in enumerate(held):
        for p, n in here.items():
            spread.setdefault(p, {})[i] = n
    owner = {p: min(by_group, key=lambda i, b=by_group: (-b[i], i))
             for p, by_group in spread.items()}

    assignment, issued = dict(state.assignment), dict(state.issued)
    changes: list[Change] = []
    for i, group in enumerate(groups):
        here = held[i]
        owned = sorted(p for p in here if owner[p] == i)
        if owned:
            chosen = min(owned, key=lambda p: (-here[p], issued[p].first_issued, p))
            for p in owned:
                if p != chosen:
                    issued[p] = IssuedId(issued[p].first_issued, RETIRED, chosen)
                    changes.append(Change("merged", p, chosen, here[p],
                                          f"{p} merged into {chosen} ({_n(here[p])}); "
                                          f"{p} is retired"))
            changes += [Change("moved", chosen, p, here[p],
                               f"{_n(here[p])} moved from {p} to {chosen}")
                        for p in sorted(here) if owner[p] != i]
        else:
            chosen = _new_id(secret, group[0], issued)
            issued[chosen] = IssuedId(run_date, ACTIVE)
            changes += [Change("split", chosen, p, here[p],
                               f"{_n(here[p])} split from {p} into new person {chosen}")
                        for p in sorted(here)]
            if not here:
                changes.append(Change("new", chosen, None, len(group),
                                      f"new person {chosen} with {_n(len(group))}"))
        for r in group:
            assignment[r] = chosen
    return IdentityState(assignment, issued), changes


def _groups(clusters: Mapping[str, Hashable]) -> list[list[str]]:
    """The clusters as sorted record lists, ordered by their smallest record (labels dropped)."""
    by_label: dict[Hashable, list[str]] = {}
    for record, label in clusters.items():
        by_label.setdefault(label, []).append(record)
    bad = next((r for r in clusters if not isinstance(r, str) or ":" not in r), None)
    if bad is not None:
        raise ValueError(f"record {bad!r} is not of the form source_id:record_key")
    return sorted(sorted(group) for group in by_label.values())


def _new_id(secret: bytes, smallest: str, issued: Mapping[str, IssuedId]) -> str:
    """A keyed id from the cluster's smallest record, re-derived until never issued before."""
    extra: tuple[str, ...] = ()
    n = 1
    while True:
        person_id = "P" + pseudonym(secret, "person", smallest, *extra, length=ID_LENGTH)
        if person_id not in issued:
            return person_id
        n += 1
        extra = (str(n),)


def _n(records: int) -> str:
    return f"{records} record" if records == 1 else f"{records} records"


def load_state(folder: Path) -> IdentityState:
    """The state saved in ``folder``; an empty state where the files are absent."""
    folder = Path(folder)
    issued_path, map_path = folder / ISSUED_FILE, folder / PERSON_MAP_FILE
    issued = _read_issued(issued_path) if issued_path.exists() else {}
    assignment: dict[str, str] = {}
    if map_path.exists():
        table = pq.read_table(map_path, columns=["record", "person_id"]).to_pydict()
        assignment = dict(zip(table["record"], table["person_id"], strict=True))
    state = IdentityState(assignment, issued)
    try:
        for person_id in set(assignment.values()) | set(issued):
            forward(state, person_id)
    except (KeyError, ValueError) as exc:
        raise WorkspaceError(f"{folder}: the identity files disagree ({exc.args[0]}); "
                             f"restore the identity folder from your backup") from None
    return state


def _read_issued(path: Path) -> dict[str, IssuedId]:
    with open(path, encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        if next(reader, None) != ISSUED_COLUMNS:
            raise WorkspaceError(f"{path}: expected the columns {', '.join(ISSUED_COLUMNS)}; "
                                 f"restore the identity folder from your backup")
        issued = {}
        for line, row in enumerate(reader, start=2):
            if len(row) != len(ISSUED_COLUMNS) or row[2] not in (ACTIVE, RETIRED):
                raise WorkspaceError(f"{path}, line {line}: not a valid issued id; "
                                     f"restore the identity folder from your backup")
            issued[row[0]] = IssuedId(row[1], row[2], row[3] or None)
    return issued


def save_state(folder: Path, state: IdentityState, changes: list[Change], run_date: str) -> None:
    """Write the state and append the changes, each file swapped in whole.

    All three files are written beside their targets first, then renamed into
    place in the order changes, issued, person map: a crash between renames
    can at worst repeat a run's log lines or leave ids issued that no record
    holds, never a person map naming an id that was not issued.
    """
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    targets = [folder / CHANGES_FILE, folder / ISSUED_FILE, folder / PERSON_MAP_FILE]
    temps = [t.with_name(t.name + ".writing") for t in targets]
    try:
        _stage_changes(temps[0], targets[0], changes, run_date)
        write_csv(temps[1], ISSUED_COLUMNS, (
            {"person_id": p, "first_issued": e.first_issued, "status": e.status,
             "replaced_by": e.replaced_by or ""} for p, e in sorted(state.issued.items())))
        pq.write_table(_person_map_table(state.assignment), temps[2])
        for temp, target in zip(temps, targets, strict=True):
            os.replace(temp, target)
    finally:
        for temp in temps:
            temp.unlink(missing_ok=True)


def _stage_changes(temp: Path, target: Path, changes: list[Change], run_date: str) -> None:
    """The existing log (or a header) with this run's changes appended, written to ``temp``."""
    existing = target.read_bytes() if target.exists() else b""
    if existing:
        header = existing.split(b"\n", 1)[0].decode("utf-8").strip()
        if header != ",".join(CHANGES_COLUMNS):
            raise WorkspaceError(f"{target}: expected the columns {', '.join(CHANGES_COLUMNS)}; "
                                 f"move the file aside and run again")
        if not existing.endswith(b"\n"):
            existing += b"\r\n"
    with open(temp, "wb") as raw:
        raw.write(existing)
    with open(temp, "a", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        if not existing:
            writer.writerow(CHANGES_COLUMNS)
        for c in changes:
            row = (run_date, c.kind, c.person_id, c.other_id or "", c.records, c.detail)
            writer.writerow([neutralise(v) for v in row])


def _person_map_table(assignment: Mapping[str, str]) -> pa.Table:
    records = sorted(assignment)
    split = [r.partition(":") for r in records]
    return pa.table({"record": records, "source_id": [s[0] for s in split],
                     "record_key": [s[2] for s in split],
                     "person_id": [assignment[r] for r in records]}, schema=PERSON_MAP_SCHEMA)
