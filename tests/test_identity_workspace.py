"""The identity step on a small synthetic partnership: people linked, pseudonyms stable, nothing identifying leaks."""

from __future__ import annotations

import csv
import shutil

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from ceintel.demo import make_demo_workspace
from ceintel.identity import review
from ceintel.identity.run import link_workspace
from ceintel.ingest.run import ingest_workspace
from ceintel.model import IDENTIFYING_FIELDS
from ceintel.warehouse import build_warehouse, warehouse_path

CHILDREN = 3000


def _csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def linked(tmp_path_factory):
    root = tmp_path_factory.mktemp("identity") / "ws"
    result = make_demo_workspace(root, children=CHILDREN, seed=7)
    ws = result.workspace
    ingest_workspace(ws)
    build_warehouse(ws)
    run = link_workspace(ws, truth=result.truth / "records.csv", cohort=result.truth / "exploitation.csv")
    return ws, run


def _people(ws) -> dict[str, str]:
    table = pq.read_table(ws.identity / "person_map.parquet").to_pylist()
    return {r["record"]: r["person_id"] for r in table}


def test_every_record_of_every_source_gets_a_person(linked):
    ws, run = linked
    con = duckdb.connect(str(warehouse_path(ws)), read_only=True)
    missing = con.execute("SELECT count(*) FROM person_record WHERE person_id IS NULL").fetchone()[0]
    sources = con.execute("SELECT count(DISTINCT source_id) FROM person_record").fetchone()[0]
    people = con.execute("SELECT count(*), sum(records) FROM person").fetchone()
    records = con.execute("SELECT count(*) FROM person_record").fetchone()[0]
    unlinked_events = con.execute("SELECT count(*) FROM event WHERE person_id IS NULL").fetchone()[0]
    con.close()
    assert missing == 0 and unlinked_events == 0
    assert sources == len(list(ws.sources.glob("*.yaml")))
    assert people[1] == records  # every record belongs to exactly one person
    assert people[0] == run.people < records  # people are recognised across and within sources


def test_linkage_quality_against_the_hidden_truth(linked):
    _, run = linked
    everyone = run.scores["all records"]
    assert everyone.records > 5000
    assert everyone.pair_precision >= 0.99, everyone
    assert everyone.pair_recall >= 0.97, everyone
    assert everyone.bcubed_f1 >= 0.98, everyone
    cohort = run.scores["cohort"]
    assert cohort.records > 50 and cohort.pair_f1 >= 0.95, cohort


def test_the_warehouse_holds_no_names_birth_dates_or_agency_numbers(linked):
    ws, _ = linked
    path = warehouse_path(ws)
    con = duckdb.connect(str(path), read_only=True)
    columns = {r[0] for r in con.execute("SELECT column_name FROM duckdb_columns()").fetchall()}
    dates = con.execute("SELECT table_name, column_name FROM duckdb_columns() WHERE data_type = 'DATE' "
                        "AND column_name LIKE '%birth%'").fetchall()
    for table, column in dates:
        days = con.execute(f"SELECT count(*) FROM {table} WHERE day({column}) <> 1").fetchone()[0]
        assert days == 0, f"{table}.{column} holds full dates of birth"
    con.close()
    assert not columns & set(IDENTIFYING_FIELDS)
    text = path.read_bytes()
    staging = duckdb.sql(f"SELECT DISTINCT first_name, last_name, agency_record_id, nhs_number, upn "
                         f"FROM read_parquet('{ws.identity_staging}/*.parquet', union_by_name = true) "
                         f"WHERE last_name IS NOT NULL AND length(last_name) >= 7 LIMIT 300").fetchall()
    assert len(staging) == 300
    for _first, last, agency_id, nhs, upn in staging:
        assert last.encode() not in text and last.upper().encode() not in text, "a surname reached the warehouse"
        for number in (agency_id, nhs, upn):
            if number and len(number) >= 7:
                assert number.encode() not in text, "an agency number reached the warehouse"
    # the linkage report is aggregate: no surname appears in it either
    report = (ws.reports / "linkage.md").read_text() + (ws.reports / "linkage.html").read_text()
    assert not any(last in report for _, last, *_ in staging)


def test_intermediate_linkage_files_stay_in_the_identity_area(linked):
    ws, _ = linked
    outside = [p for p in ws.root.rglob("*") if p.is_file() and ws.identity not in p.parents
               and p.suffix == ".parquet" and "staging" not in p.parts]
    assert outside == []
    assert (ws.identity / "person_map.parquet").exists() and (ws.identity / "model.json").exists()


def test_a_refresh_keeps_person_ids_through_new_records_corrections_merges_and_splits(linked, tmp_path):
    ws0, _ = linked
    root = tmp_path / "ws"
    shutil.copytree(ws0.root, root)
    ws = type(ws0)(root)
    before = _people(ws)
    staging = ws.identity_staging / "csc_contacts.parquet"
    rows = pq.read_table(staging).to_pylist()
    by_person: dict[str, list[str]] = {}
    for r, p in before.items():
        by_person.setdefault(p, []).append(r)

    # 1. corrected typo: one record's first name rewritten in upper case with accents (same child)
    rows[0]["first_name"] = rows[0]["first_name"].upper() + " "
    # 2. a new record for a child already known (same identifiers, new agency number)
    template = dict(rows[1], record_key="f" * 16, agency_record_id="9999991")
    # 3. a wholly new child
    newcomer = dict(rows[2], record_key="e" * 16, agency_record_id="9999992", first_name="Quillon",
                    last_name="Vexworthy", nhs_number=None, date_of_birth=None, postcode=None)
    rows += [template, newcomer]
    pq.write_table(pa.Table.from_pylist(rows, schema=pq.read_schema(staging)), staging)

    # 4. a merge and 5. a split, as an analyst decides them
    waiting = review.list_pairs(ws.identity, limit=500)
    merge = next(p for p in waiting if before[p["record_l"]] != before[p["record_r"]])
    review.record_decision(ws.identity, merge["pair_id"], "same", "same child: checked with the school",
                           analyst="test")
    # a record of a source with no shared numbering, so no person number forces it to stay
    unnumbered = ("early_help_episodes:", "education_", "health_ed_", "youth_justice_")
    big = next(rs for rs in by_person.values() if len(rs) >= 3 and merge["record_l"] not in rs
               and merge["record_r"] not in rs and any(r.startswith(unnumbered) for r in rs))
    split_off = sorted(r for r in big if r.startswith(unnumbered))[0]
    for other in sorted(r for r in big if r != split_off):
        made = _decide_apart(ws, split_off, other)
        assert made.decision == "different"

    run = link_workspace(ws)
    after = _people(ws)
    # new records got ids; nobody's record vanished
    assert set(before) <= set(after)
    assert after[f"csc_contacts:{'f' * 16}"] == after[f"csc_contacts:{rows[1]['record_key']}"]
    assert after[f"csc_contacts:{'e' * 16}"] not in set(before.values())
    # the merge keeps one of the two ids, for both records
    a, b = merge["record_l"], merge["record_r"]
    assert after[a] == after[b] and after[a] in {before[a], before[b]}
    # the split: the part that left gets an id never issued before, the rest keep theirs
    assert after[split_off] not in set(before.values())
    assert all(after[r] == before[r] for r in big if r != split_off)
    # everybody else is untouched
    touched = {a, b, split_off, f"csc_contacts:{rows[0]['record_key']}"}
    merged_people = {before[a], before[b]}
    unchanged = [r for r in before if r not in touched and before[r] not in merged_people]
    kept = sum(after[r] == before[r] for r in unchanged)
    assert kept / len(unchanged) >= 0.999, f"{len(unchanged) - kept} records changed person_id"
    changes = _csv(ws.identity / "changes.csv")
    kinds = {c["kind"] for c in changes}
    assert {"merged", "split"} <= kinds
    assert run.changes["merged"] >= 1
    # and a second run with nothing new changes nothing
    again = link_workspace(ws)
    assert _people(ws) == after and not again.changes


def _decide_apart(ws, a: str, b: str):
    """Record 'different' for two records even if they are not in the review band (an analyst's split)."""
    path = ws.identity / review.PAIRS_FILE
    con = duckdb.connect()
    con.execute(f"CREATE TABLE p AS SELECT * FROM read_parquet('{path}')")
    pid = review.pair_id(a, b)
    con.execute("INSERT INTO p (pair_id, record_l, record_r, match_probability) VALUES (?, ?, ?, 0.5)",
                [pid, a, b])
    con.execute(f"COPY p TO '{path}' (FORMAT parquet)")
    con.close()
    return review.record_decision(ws.identity, pid, "different", "two children", analyst="test")


def test_decisions_file_errors_name_the_row_and_field(linked, tmp_path):
    from ceintel.errors import CeintelError

    (tmp_path / review.DECISIONS_FILE).write_text(",".join(review.DECISION_COLUMNS) + "\n"
                                                  "2026-01-01,R1,a:1,b:2,maybe,x,\n")
    with pytest.raises(CeintelError, match=r"row 2: field decision"):
        review.load_decisions(tmp_path)
