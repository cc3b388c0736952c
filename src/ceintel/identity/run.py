"""The identity step end to end: identifiers in, people (keyed pseudonyms) out.

    identity/staging/*.parquet   identifiers per source, written by ingest
      → standardise → train and score with Splink → cluster under hard evidence
      → reconcile with last run's person_ids (stable pseudonyms)
    identity/person_map.parquet  record → person_id (pseudonyms only; the warehouse reads it)
    identity/model.json          the trained model, kept for the record of how links were made
    identity/review_pairs.parquet  pairs waiting for an analyst
    reports/linkage.md, .html    what linked, how well, and what it cannot tell us

All intermediate tables live in an in-memory DuckDB connection that is
closed at the end: nothing identifying is written outside ``identity/``.
The same core (:func:`link_table`) links plain person files outside any
workspace (:mod:`ceintel.identity.files`).
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow as pa

from ceintel import duck
from ceintel.config import MATCH_PROBABILITY
from ceintel.errors import CeintelError
from ceintel.identity import cluster as clustering
from ceintel.identity import link, review
from ceintel.identity.evaluate import Scores, read_truth_csv, score
from ceintel.identity.pseudonyms import Change, load_state, reconcile, save_state
from ceintel.identity.standardise import INPUT_COLUMNS, standardise
from ceintel.progress import ProgressCallback
from ceintel.workspace import Workspace

STEPS = ("read identifiers", "standardise", "train the model", "score pairs", "form people",
         "keep pseudonyms stable", "review pairs", "report", "warehouse")


@dataclass
class Linked:
    """The core's result: every record's person (a representative record), with what it took."""

    person_of: dict[str, str]
    model: dict
    training: link.Training
    outcome: clustering.Outcome
    records: int
    spellings: int
    pairs: int
    timings: dict[str, float] = field(default_factory=dict)


def link_table(con: duckdb.DuckDBPyConnection, *, same=(), different=(),
               threshold: float = MATCH_PROBABILITY,
               step: Callable[[str], None] = lambda s: None) -> Linked:
    """Link the records of table ``id_input`` (columns :data:`INPUT_COLUMNS`) into people."""
    timings: dict[str, float] = {}
    clock = time.perf_counter()

    def done(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 2)
        clock = now
        step(name)

    spellings = standardise(con)
    cols = ", ".join(link.MODEL_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE id_model AS SELECT {cols} FROM id_records WHERE linkable")
    done("standardise")
    model, training = link.train(con, "id_model")
    done("train the model")
    pairs = link.predict(con, "id_model", model)
    done("score pairs")
    outcome = clustering.cluster(con, same=same, different=different, threshold=threshold)
    done("form people")
    return Linked(outcome.person_of, model, training, outcome, len(outcome.person_of), spellings, pairs, timings)


@dataclass
class LinkRun:
    """What ``ceintel link`` did, for the command line and the demo."""

    records: int
    people: int
    pairs: int
    changes: Counter
    review_pairs: int
    scores: dict[str, Scores]
    reports: list[Path]
    training: link.Training
    timings: dict[str, float]


REPORTING_DATE_FACTOR = 10
"""A day with this many times a source's usual daily count of one event type is a reporting date."""


def read_staging(con: duckdb.DuckDBPyConnection, ws: Workspace) -> int:
    """Load every source's identifiers into ``id_input``; a column a source lacks is NULL."""
    files = sorted(ws.identity_staging.glob("*.parquet"))
    if not files:
        raise CeintelError(f"{ws.identity_staging} holds no identifiers; run: ceintel ingest {ws.root}")
    con.execute(f"CREATE OR REPLACE TABLE id_staging AS SELECT * FROM read_parquet({[str(f) for f in files]!r}, "
                f"union_by_name = true)")
    events = sorted(str(p) for p in ws.staging.glob("*/event.parquet"))
    con.execute("CREATE OR REPLACE TEMP TABLE id_events (source_id VARCHAR, record_key VARCHAR, events VARCHAR[])")
    if events:
        # A day on which one source records far more of one kind of event than on its usual day is a
        # reporting date (the school year of a persistent-absence return), not an event: it says
        # nothing of identity.
        con.execute(f"""INSERT INTO id_events
                        WITH e AS (SELECT DISTINCT source_id, record_id, event_type, start_date
                                   FROM read_parquet({events!r}, union_by_name = true)
                                   WHERE start_date IS NOT NULL),
                             days AS (SELECT source_id, event_type, start_date, count(*) AS n FROM e GROUP BY ALL),
                             usual AS (SELECT source_id, event_type, median(n) AS usual FROM days GROUP BY ALL),
                             reporting AS (SELECT source_id, event_type, start_date FROM days JOIN usual
                                           USING (source_id, event_type)
                                           WHERE n > {REPORTING_DATE_FACTOR} * usual AND n >= 20)
                        SELECT source_id, record_id,
                               list(event_type || '@' || start_date::VARCHAR ORDER BY event_type, start_date)
                        FROM e ANTI JOIN reporting USING (source_id, event_type, start_date) GROUP BY ALL""")
    have = {r[0] for r in con.execute("DESCRIBE id_staging").fetchall()}
    cols = [f"s.{c}" if c in have else f"NULL::VARCHAR AS {c}" for c in INPUT_COLUMNS if c != "events"]
    con.execute(f"""CREATE OR REPLACE TABLE id_input AS SELECT {', '.join(cols)}, e.events
                    FROM id_staging s LEFT JOIN id_events e USING (source_id, record_key)""")
    con.execute("DROP TABLE id_events")
    return con.execute("SELECT count(*) FROM id_input").fetchone()[0]


def link_workspace(ws: Workspace, *, truth: Path | None = None, cohort: Path | None = None,
                   progress: ProgressCallback | None = None, today: dt.date | None = None) -> LinkRun:
    """Link every source's records into people, keep their person_ids stable, rebuild the warehouse."""
    from ceintel.identity.report import linkage_report, write_report
    from ceintel.warehouse import build_warehouse

    def step(name: str) -> None:
        if progress:
            progress(STEPS.index(name) + 1, len(STEPS), name)

    started = time.perf_counter()
    spill = ws.identity / "tmp"
    con = duck.connect(temp_directory=spill)
    try:
        read_staging(con, ws)
        step("read identifiers")
        settings = ws.config().identity
        decisions = review.load_decisions(ws.identity)
        same, different = review.decided_pairs(decisions)
        linked = link_table(con, same=same, different=different, threshold=settings.match_probability,
                            step=step)
        clock = time.perf_counter()
        state = load_state(ws.identity)
        run_date = (today or dt.date.today()).isoformat()
        state, changes = reconcile(linked.person_of, state, ws.secret(), run_date)
        save_state(ws.identity, state, changes, run_date)
        (ws.identity / "model.json").write_text(json.dumps(linked.model, indent=1))
        people = {r: state.assignment[r] for r in linked.person_of}
        records = list(people)
        con.register("people_rows", pa.table({"record": records,
                                              "source_id": [r.split(":", 1)[0] for r in records],
                                              "person_id": [people[r] for r in records]}))
        con.execute("CREATE OR REPLACE TABLE id_people AS SELECT * FROM people_rows")
        con.unregister("people_rows")
        linked.timings["keep pseudonyms stable"] = round(time.perf_counter() - clock, 2)
        step("keep pseudonyms stable")
        clock = time.perf_counter()
        waiting = review.write_review_pairs(con, ws.identity, decisions, settings.review_band)
        step("review pairs")
        scores = {}
        if truth is not None:
            truth_of = workspace_truth(con, truth)
            scores = evaluate(people, truth_of, cohort_people(cohort) if cohort else None)
        report = linkage_report(con, linked.model, linked.training, linked.outcome, scores or None,
                                linked.timings, settings.review_band)
        reports = write_report(report, ws.reports)
        linked.timings["review and report"] = round(time.perf_counter() - clock, 2)
        step("report")
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)
    clock = time.perf_counter()
    build_warehouse(ws)
    linked.timings["warehouse"] = round(time.perf_counter() - clock, 2)
    linked.timings["total"] = round(time.perf_counter() - started, 2)
    step("warehouse")
    return LinkRun(linked.records, len(set(people.values())), linked.pairs, _count(changes), waiting, scores,
                   reports, linked.training, linked.timings)


def _count(changes: list[Change]) -> Counter:
    out: Counter = Counter()
    for c in changes:
        out[c.kind] += c.records
    return out


def evaluate(people: dict[str, str], truth_of: dict[str, str], cohort: set[str] | None) -> dict[str, Scores]:
    """Scores for all records and for the cohort's records (if given)."""
    scores = {"all records": score(people, truth_of)}
    if cohort is not None:
        chosen = [r for r, t in truth_of.items() if t in cohort]
        scores["cohort"] = score(people, truth_of, chosen)
    return scores


def cohort_people(path: Path) -> set[str]:
    """The people (truth ids) of a cohort file with a ``person_id`` column, e.g. the exploited children."""
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        if "person_id" not in (reader.fieldnames or []):
            raise CeintelError(f"{path}, row 1, field 'person_id': column missing; a cohort file lists "
                               f"person_id values of the truth")
        return {row["person_id"] for row in reader if row["person_id"]}


def workspace_truth(con: duckdb.DuckDBPyConnection, path: Path) -> dict[str, str]:
    """record -> true person, from a truth keyed by ``source,record_id`` or by ``file,row`` (the synth's).

    A truth kept by file and row (as the synthetic partnership keeps it) is
    matched through the rows each record was read from; where one row holds
    several people (an association), the record number picks the one.
    """
    with open(path, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh), [])
    if not {"file", "row", "person_id"} <= set(header):
        by_record = read_truth_csv(path)
        rows = con.execute("SELECT DISTINCT source_id, record_key, agency_record_id FROM id_staging").fetchall()
        return {f"{s}:{k}": by_record[(s, a)] for s, k, a in rows if (s, a) in by_record}
    at_row: dict[tuple[str, int], list[tuple[str, str]]] = defaultdict(list)
    with open(path, encoding="utf-8-sig", newline="") as fh:
        for i, row in enumerate(csv.DictReader(fh), start=2):
            try:
                at_row[(row["file"], int(row["row"]))].append((row.get("record_id", ""), row["person_id"]))
            except ValueError:
                raise CeintelError(f"{path}, row {i}, field 'row': '{row['row']}' is not a row number") from None
    votes: dict[str, Counter] = defaultdict(Counter)
    for record, agency_id, file, row in con.execute(
            "SELECT source_id || ':' || record_key, agency_record_id, source_file, unnest(source_rows) "
            "FROM id_staging").fetchall():
        found = at_row.get((file, row), [])
        if len(found) > 1:
            found = [f for f in found if f[0] == agency_id] or found[:1]
        if found:
            votes[record][found[0][1]] += 1
    return {r: v.most_common(1)[0][0] for r, v in votes.items()}
