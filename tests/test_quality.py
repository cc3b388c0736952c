"""The quality profile and the data map, checked against the synthetic partnership's hidden truth.

Each figure is computed a second way, independently of ceintel: from the
extract files themselves, or from ``truth/`` (the records and the mess the
synthesiser planted). Where the synthetic data cannot show a disagreement on
its own, the test plants one from the truth (a child whose sex or date of
birth was mis-recorded by social care is seen, correctly recorded, by the
emergency department) and checks the profile counts exactly that.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
from collections import defaultdict
from pathlib import Path

import duckdb
import pyarrow.parquet as pq
import pytest

from ceintel.codes import code_list
from ceintel.demo import make_demo_workspace
from ceintel.ingest.run import ingest_workspace
from ceintel.ingest.source_config import load_sources
from ceintel.model import IDENTIFYING_FIELDS
from ceintel.quality import consistency, monthly_counts
from ceintel.quality.datamap import CSV_COLUMNS, expressible_exploitation_types
from ceintel.warehouse import build_warehouse, warehouse_path
from ceintel.workspace import Workspace

CHILDREN = 3000
SEED = 5
LCS = "LCS_contacts_referrals.csv"
ED = "ED_attendances_ECDS.csv"
LCS_FILES = {LCS, "LCS_assessments.csv", "LCS_plans_and_care.csv"}
QUALITY_TABLES = ("quality_source", "quality_period", "quality_consistency", "quality_field")


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("quality") / "ws"
    result = make_demo_workspace(root, children=CHILDREN, seed=SEED)
    runs = ingest_workspace(result.workspace)
    assert all(r.status == "loaded" for r in runs), [(r.source, r.message) for r in runs if r.status != "loaded"]
    build_warehouse(result.workspace)
    return result.workspace, result.truth


def _csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def _query(ws: Workspace, sql: str, params: list | None = None) -> list[dict]:
    con = duckdb.connect(str(warehouse_path(ws)), read_only=True)
    try:
        cur = con.execute(sql, params or [])
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
    finally:
        con.close()


def _source(ws: Workspace, source: str) -> dict:
    rows = _query(ws, "SELECT * FROM quality_source WHERE source_id = ?", [source])
    assert len(rows) == 1, source
    return rows[0]


def _blank(row: dict) -> bool:
    return not any((v or "").strip() for v in row.values() if isinstance(v, str))


def _quarantined_rows(ws: Workspace, source: str) -> set[int]:
    return {int(r["row"]) for r in _csv(ws.quarantine / f"{source}.csv")}


# --------------------------------------------------------------------------- completeness


def test_ethnicity_completeness_matches_the_file_and_the_planted_gaps(demo):
    ws, truth = demo
    rows = [r for r in _csv(ws.inbox / LCS) if not _blank(r)]
    blank_in_file = sum(not (r["Ethnicity"] or "").strip() for r in rows)

    # The truth: every row of a social care record planted with missing ethnicity is blank, except rows
    # where an unknown code was planted over it.
    records = _csv(truth / "records.csv")
    mess = _csv(truth / "mess.csv")
    by_row = {(r["file"], r["row"]): r for r in records}
    missing = {by_row[(m["file"], m["row"])]["record_id"] for m in mess
               if m["kind"] == "missing_ethnicity" and m["file"] in LCS_FILES}
    overwritten = {m["row"] for m in mess if m["kind"] == "unknown_code" and m["file"] == LCS
                   and m["field"] == "Ethnicity"}
    lcs_records = [r for r in records if r["file"] == LCS]
    blank_in_truth = sum(r["record_id"] in missing and r["row"] not in overwritten for r in lcs_records)
    assert blank_in_truth == blank_in_file > 0
    assert len(lcs_records) == len(rows)

    field = _query(ws, "SELECT * FROM quality_field WHERE source_id = 'csc_contacts' AND field = 'person.ethnicity' "
                       "AND current")
    assert len(field) == 1
    assert field[0]["rows"] == len(rows)
    assert field[0]["completeness"] == pytest.approx(1 - blank_in_truth / len(rows), abs=1e-4)


def test_source_summary_adds_up_with_the_ingest(demo):
    ws, _ = demo
    for q in _query(ws, "SELECT * FROM quality_source"):
        assert q["rows_read"] == q["rows_loaded"] + q["rows_quarantined"], q["source_id"]
        assert q["residents"] + q["living_elsewhere"] + q["area_unknown"] == q["person_records"], q["source_id"]
        assert 0 <= (q["mean_completeness"] or 0) <= 1, q["source_id"]
    sources = {r["source_id"] for r in _query(ws, "SELECT source_id FROM source")}
    assert sources == {r["source_id"] for r in _query(ws, "SELECT source_id FROM quality_source")}


# --------------------------------------------------------------------------- uniqueness


def test_records_sharing_an_nhs_number_are_the_planted_second_registrations(demo):
    ws, truth = demo
    people: dict[str, set[str]] = defaultdict(set)
    for r in _csv(truth / "records.csv"):
        if r["file"] == LCS:
            people[r["person_id"]].add(r["record_id"])
    registered_twice = [p for p, ids in people.items() if len(ids) > 1]
    q = _source(ws, "csc_contacts")
    # Each shared NHS number is one child with two (or more) records; only children whose NHS number is on
    # both records can be seen, so the profile finds most, never more.
    assert 0 < q["identifiers_shared"] <= len(registered_twice)
    assert 2 * q["identifiers_shared"] <= q["records_sharing_identifier"] <= sum(len(people[p]) for p in registered_twice)
    assert q["identifiers_shared"] >= len(registered_twice) // 2
    assert q["duplicate_rows"] == sum(r["reason"].startswith("duplicate of row")
                                      for r in _csv(ws.quarantine / "csc_contacts.csv"))


# --------------------------------------------------------------------------- timeliness


def test_timeliness_matches_the_event_dates_in_the_file(demo):
    ws, _ = demo
    held = _quarantined_rows(ws, "csc_contacts")
    extract = dt.date(2026, 10, 5)  # the extract date in the shipped csc_contacts.yaml
    dates = []
    for n, r in enumerate(_csv(ws.inbox / LCS), start=2):
        if n in held or _blank(r):
            continue
        dates.append(dt.date.fromisoformat(r["Step Start Date"]))
    lags = [(extract - d).days for d in dates]
    q = _source(ws, "csc_contacts")
    assert q["newest_event"] == max(dates)
    assert q["days_newest_to_extract"] == (extract - max(dates)).days
    assert q["lag_median_days"] == pytest.approx(statistics.median(lags), abs=0.05)
    assert q["lag_p90_days"] == pytest.approx(statistics.quantiles(lags, n=10, method="inclusive")[-1], abs=0.05)


# --------------------------------------------------------------------------- coverage


def test_coverage_police_reach_beyond_the_partnership_social_care_does_not(demo):
    ws, truth = demo
    police, social_care = _source(ws, "police_occurrences"), _source(ws, "csc_contacts")
    assert social_care["coverage"] == 1 and social_care["area_unknown"] == 0
    assert police["living_elsewhere"] > 0 and police["coverage"] < 1

    # The truth: police records of people whose home is outside the home borough (kept because they were
    # harmed here) bound the records the profile finds living elsewhere.
    home = next(a.code for a in ws.config().areas)
    homes = {p["person_id"]: p["home_la"] for p in _csv(truth / "people.csv")}
    outside = {r["record_id"] for r in _csv(truth / "records.csv")
               if r["file"] == "NICHE_occurrences.csv" and homes.get(r["person_id"], home) != home}
    assert 0 < police["living_elsewhere"] <= len(outside)


# --------------------------------------------------------------------------- counts by period


def test_months_count_every_event_in_the_reporting_period(demo):
    ws, _ = demo
    periods = ws.config().periods
    held = _quarantined_rows(ws, "csc_contacts")
    by_month: dict[tuple[str, dt.date], int] = defaultdict(int)
    for n, r in enumerate(_csv(ws.inbox / LCS), start=2):
        if n in held or _blank(r):
            continue
        d = dt.date.fromisoformat(r["Step Start Date"])
        if periods.start <= d <= periods.end:
            kind = code_list("event_type").lookup(r["Step Type"])
            by_month[(kind, d.replace(day=1))] += 1
            by_month[(None, d.replace(day=1))] += 1
    rows = _query(ws, "SELECT event_type, month, events FROM quality_period WHERE source_id = 'csc_contacts'")
    got = {(r["event_type"], r["month"]): r["events"] for r in rows}
    assert {k: v for k, v in got.items() if v} == dict(by_month)
    months = sorted({m for _, m in got})
    assert len(months) == len(set(months)) and all(
        (b.year * 12 + b.month) - (a.year * 12 + a.month) == 1 for a, b in zip(months, months[1:], strict=False))


def test_gaps_and_spikes_are_flagged_against_the_median_month():
    con = duckdb.connect()
    con.execute("CREATE TABLE source (source_id VARCHAR, extracted_at DATE)")
    con.execute("INSERT INTO source VALUES ('busy', DATE '2024-06-15'), ('small', DATE '2024-06-15')")
    con.execute("CREATE TABLE event (source_id VARCHAR, event_type VARCHAR, start_date DATE)")
    plan = {1: 20, 2: 20, 3: 0, 4: 50, 5: 20, 6: 3}  # March empty, April double and more, June not over
    for month, n in plan.items():
        if n:
            con.executemany("INSERT INTO event VALUES ('busy', 'contact', ?)", [[dt.date(2024, month, 2)]] * n)
    con.executemany("INSERT INTO event VALUES ('small', 'contact', ?)",
                    [[dt.date(2024, 1, 5)], [dt.date(2024, 1, 9)], [dt.date(2024, 4, 2)]])
    rows = monthly_counts(con, start=dt.date(2023, 4, 1)).to_pylist()
    busy = {r["month"].month: r for r in rows if r["source_id"] == "busy" and r["event_type"] is None}
    assert [busy[m]["events"] for m in range(1, 7)] == [20, 20, 0, 50, 20, 3]
    assert busy[3]["flag"] == "gap" and busy[4]["flag"] == "spike"
    assert busy[1]["flag"] is None and busy[5]["flag"] is None
    assert busy[6]["partial"] and busy[6]["flag"] is None, "a month not over at the extract is never flagged"
    assert busy[1]["series_median"] == 20
    small = [r for r in rows if r["source_id"] == "small"]
    assert small and not any(r["flag"] for r in small) and not any(r["enough_to_judge"] for r in small)


# --------------------------------------------------------------------------- consistency


def test_rows_and_sources_that_disagree_are_counted():
    con = duckdb.connect()
    con.execute("""CREATE TABLE ids AS SELECT * FROM (VALUES
        ('a', 'k1', '9990000018', NULL, 'M', DATE '2012-03-04'),
        ('a', 'k1', '9990000018', NULL, 'F', DATE '2012-03-04'),   -- k1 disagrees with itself on sex
        ('a', 'k2', '9990000026', NULL, 'U', DATE '2011-05-06'),
        ('a', 'k3', '9990000034', NULL, 'F', DATE '2010-02-01'),
        ('b', 'k9', '9990000026', NULL, 'F', DATE '2011-06-05'),   -- day and month swapped against a/k2
        ('b', 'k8', '9990000034', NULL, 'M', DATE '2010-02-01'))   -- sex disagrees with a/k3
        AS t(source_id, record_key, nhs_number, upn, sex, date_of_birth)""")
    rows = consistency(con, "ids").to_pylist()

    def get(scope, source, attribute):
        return next(r for r in rows if r["scope"] == scope and r["source_id"] == source
                    and r["attribute"] == attribute and r["linked_by"] in ("record", "nhs_number"))

    assert get("within record", "a", "sex")["disagree"] == 1
    assert get("within record", "a", "date_of_birth")["disagree"] == 0
    pair_sex, pair_dob = get("across sources", "a", "sex"), get("across sources", "a", "date_of_birth")
    assert pair_sex["other_source_id"] == "b" and pair_sex["checked"] == 2
    assert pair_sex["disagree"] == 1 and pair_sex["not_known_one_side"] == 1 and pair_sex["known"] == 1
    assert pair_dob["disagree"] == 1 and pair_dob["day_month_swapped"] == 1
    overall = get("across sources", None, "sex")
    assert overall["checked"] == 2 and overall["disagree"] == 1


def _record_rows(path: Path, record_id: str) -> list[dict]:
    return [r for r in _csv(path) if r["Person ID"] == record_id]


def _digits(text: str) -> str:
    return "".join(ch for ch in text or "" if ch.isdigit())


def _nhs_valid(digits: str) -> bool:
    if len(digits) != 10:
        return False
    check = 11 - sum(int(d) * (10 - i) for i, d in enumerate(digits[:9])) % 11
    return check != 10 and (0 if check == 11 else check) == int(digits[9])


def _lcs_date(text: str) -> dt.date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return dt.datetime.strptime(text.strip(), fmt).date()
        except ValueError:
            pass
    return None


def _planted_child(ws: Workspace, truth: Path, kind: str, taken: set[str]) -> tuple[dict, dict]:
    """A child whose social care record carries the planted ``kind`` (and no other slip in sex or date of
    birth), with a valid NHS number the ED has not seen."""
    records = {(r["file"], r["row"]): r for r in _csv(truth / "records.csv")}
    people = {p["person_id"]: p for p in _csv(truth / "people.csv")}
    held = _quarantined_rows(ws, "csc_contacts")
    seen_in_ed = {_digits(r["NHS_NUMBER"]) for r in _csv(ws.inbox / ED)}
    lcs = list(enumerate(_csv(ws.inbox / LCS), start=2))
    sexes = code_list("sex")
    for m in _csv(truth / "mess.csv"):
        if m["kind"] != kind or m["file"] != LCS:
            continue
        record = records[(m["file"], m["row"])]
        child = people[record["person_id"]]
        rows = [r for n, r in lcs if r["Person ID"] == record["record_id"] and n not in held]
        nhs = {_digits(r["NHS Number"]) for r in rows if _digits(r["NHS Number"])}
        if len(nhs) != 1 or nhs & (seen_in_ed | taken) or not _nhs_valid(next(iter(nhs))):
            continue
        dob_agrees = {_lcs_date(r["DOB"]) for r in rows} == {dt.date.fromisoformat(child["dob"])}
        sex_agrees = {sexes.lookup(r["Gender"]) for r in rows} == {child["sex"]}
        if (kind == "sex_not_recorded" and dob_agrees) or (kind == "swapped_day_month" and sex_agrees):
            return child, {**rows[0], "nhs": nhs.pop()}
    pytest.skip(f"no child planted with {kind} has an NHS number in this synthetic partnership")


def _ed_row(template: dict, child: dict, lcs: dict, n: int) -> dict:
    dob = dt.date.fromisoformat(child["dob"])
    return {**template, "ATTENDANCE_ID": f"EDTEST{n:04d}", "MRN": f"RBKTEST{n:04d}", "NHS_NUMBER": lcs["nhs"],
            "ARRIVAL_DATETIME": "202609011200",
            "FORENAME": lcs["Forename"], "SURNAME": lcs["Surname"], "DATE_OF_BIRTH": f"{dob:%Y%m%d}",
            "SEX": {"M": "1", "F": "2"}[child["sex"]], "POSTCODE": lcs["Postcode"]}


@pytest.fixture(scope="module")
def planted(demo, tmp_path_factory):
    """The demo workspace after a second delivery: ED sees two children social care mis-recorded, and
    social care's next contacts extract has 100 more rows without ethnicity."""
    ws, truth = demo
    root = tmp_path_factory.mktemp("planted") / "ws"
    shutil.copytree(ws.root, root)
    copy = Workspace(root)
    sex_child, sex_lcs = _planted_child(copy, truth, "sex_not_recorded", set())
    dob_child, dob_lcs = _planted_child(copy, truth, "swapped_day_month", {sex_lcs["nhs"]})
    path = copy.inbox / ED
    with open(path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    template = rows[0]
    rows += [_ed_row(template, sex_child, sex_lcs, 1), _ed_row(template, dob_child, dob_lcs, 2)]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    lcs_path = copy.inbox / LCS
    with open(lcs_path, encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        header, rows = reader.fieldnames, list(reader)
    emptied = 0
    for r in rows:
        if emptied < 100 and (r["Ethnicity"] or "").strip():
            r["Ethnicity"] = ""
            emptied += 1
    with open(lcs_path, "w", encoding="utf-8", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=header)
        writer.writeheader()
        writer.writerows(rows)
    runs = ingest_workspace(copy, only=["health_ed_attendances", "csc_contacts"])
    assert [r.status for r in runs] == ["loaded", "loaded"], [r.message for r in runs]
    build_warehouse(copy)
    return copy, {"sex": sex_child, "dob": dob_child}


def _pair(ws: Workspace, attribute: str) -> dict:
    rows = _query(ws, "SELECT * FROM quality_consistency WHERE scope = 'across sources' AND source_id = "
                      "'csc_contacts' AND other_source_id = 'health_ed_attendances' AND attribute = ?", [attribute])
    if not rows:
        return {"checked": 0, "known": 0, "disagree": 0, "not_known_one_side": 0, "day_month_swapped": 0}
    return rows[0]


def test_planted_sex_and_birth_date_slips_are_counted_across_sources(demo, planted):
    ws, _ = demo
    copy, children = planted
    before_sex, after_sex = _pair(ws, "sex"), _pair(copy, "sex")
    before_dob, after_dob = _pair(ws, "date_of_birth"), _pair(copy, "date_of_birth")
    # Two more children are known to both social care and the ED ...
    assert after_sex["checked"] == before_sex["checked"] + 2
    # ... the one whose sex social care recorded as not known ...
    assert after_sex["not_known_one_side"] == before_sex["not_known_one_side"] + 1 >= 1
    assert after_sex["disagree"] == before_sex["disagree"]
    # ... and the one whose date of birth social care recorded with day and month swapped.
    assert after_dob["disagree"] == before_dob["disagree"] + 1 >= 1
    assert after_dob["day_month_swapped"] == before_dob["day_month_swapped"] + 1 >= 1
    overall = _query(copy, "SELECT * FROM quality_consistency WHERE scope = 'across sources' AND source_id IS NULL "
                           "AND linked_by = 'nhs_number' AND attribute = 'date_of_birth'")[0]
    assert overall["day_month_swapped"] >= 1


def test_within_a_record_the_synthetic_rows_agree(demo):
    """The synthesiser keeps one identity per agency record, so no record disagrees with itself (that a
    disagreement is counted is shown on made-up rows above)."""
    ws, _ = demo
    within = _query(ws, "SELECT * FROM quality_consistency WHERE scope = 'within record'")
    assert within and all(r["disagree"] == 0 for r in within)
    assert {r["source_id"] for r in within} == {r["source_id"] for r in _query(ws, "SELECT source_id FROM source")}


def test_a_newer_extract_keeps_the_older_profile_for_the_trend(demo, planted):
    ws, _ = demo
    copy, _ = planted
    rows = _query(copy, "SELECT current, completeness, rows FROM quality_field WHERE source_id = 'csc_contacts' "
                        "AND field = 'person.ethnicity' ORDER BY current")
    assert [r["current"] for r in rows] == [False, True]
    old, new = rows
    assert old["completeness"] == _query(ws, "SELECT completeness FROM quality_field WHERE source_id = "
                                             "'csc_contacts' AND field = 'person.ethnicity'")[0]["completeness"]
    assert new["completeness"] == pytest.approx(old["completeness"] - 100 / new["rows"], abs=2e-4)
    result = _cli("quality", str(copy.root), "--source", "csc_contacts")
    assert result.returncode == 0, result.stderr
    assert "Trend" in result.stdout and "(now)" in result.stdout


# --------------------------------------------------------------------------- nothing identifying


def test_quality_tables_hold_no_identifier(demo, planted):
    for ws in (demo[0], planted[0]):
        identifiers: set[str] = set()
        for path in (ws.identity / "staging").glob("*.parquet"):
            table = pq.read_table(path)
            for col in ("record_key", "agency_record_id", "nhs_number", "upn", "first_name", "last_name",
                        "postcode"):
                identifiers |= {str(v) for v in table.column(col).to_pylist() if v}
        keys = {r["record_id"] for r in _query(ws, "SELECT record_id FROM person_record")}
        assert identifiers and keys
        suspicious = {*IDENTIFYING_FIELDS, "record_id", "record_key", "person_id", "agency_record_id", "name",
                      "full_name", "dob", "nhs", "person"}
        con = duckdb.connect(str(warehouse_path(ws)), read_only=True)
        try:
            for table in QUALITY_TABLES:
                cols = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
                assert not suspicious & set(cols), (table, suspicious & set(cols))
                assert not [c for c in cols if "name" in c or "postcode" in c or c.endswith("_id")
                            and c not in ("source_id", "other_source_id")], (table, cols)
                for row in con.execute(f"SELECT * FROM {table}").fetchall():
                    values = {str(v) for v in row if isinstance(v, str)}
                    assert not values & (identifiers | keys), table
        finally:
            con.close()


# --------------------------------------------------------------------------- the data map


def test_datamap_lists_every_source_and_every_agency(demo):
    ws, _ = demo
    result = _cli("datamap", str(ws.root))
    assert result.returncode == 0, result.stderr
    configs = load_sources(ws.sources)
    md = (ws.reports / "datamap.md").read_text(encoding="utf-8")
    rows = _csv(ws.reports / "datamap.csv")
    assert list(rows[0]) == CSV_COLUMNS
    assert {r["source"] for r in rows} == {c.source for c in configs}
    assert {r["agency"] for r in rows} == {c.agency for c in configs}
    for cfg in configs:
        assert f"## {cfg.agency}" in md
        assert f"`{cfg.source}`" in md
    assert "cannot" in md.lower()  # says what the map cannot tell
    for row in rows:
        assert row["status"] == "loaded", row["source"]
        for value in row.values():
            assert not value.startswith(("=", "+", "-", "@")), value


def test_datamap_figures(demo):
    ws, _ = demo
    rows = {r["source"]: r for r in _csv(ws.reports / "datamap.csv")}
    configs = {c.source: c for c in load_sources(ws.sources)}
    # Exploitation types social care assessments can express: those of the CIN factors' attributes.
    factors = {e.attributes["exploitation_type"] for e in code_list("cin_factor").entries
               if e.attributes.get("exploitation_type")}
    assert set(rows["csc_assessments"]["exploitation_types_can_express"].split("; ")) == factors
    assert set(expressible_exploitation_types(configs["police_occurrences"])) == set(code_list("exploitation_type").codes)
    assert rows["csc_contacts"]["exploitation_types_can_express"] == ""
    # What police actually recorded: the warehouse's flags.
    flagged = {r["exploitation_type"] for r in _query(ws, "SELECT DISTINCT exploitation_type FROM flag WHERE "
                                                          "source_id = 'police_occurrences'")}
    recorded = {part.split(" (")[0] for part in rows["police_occurrences"]["exploitation_types_recorded"].split("; ")}
    assert recorded == flagged and flagged
    # Unmapped columns: the file's header less every column the YAML maps.
    with open(ws.inbox / LCS, encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    mapped = {c for _, spec in configs["csc_contacts"].all_fields() for c in spec.columns}
    assert rows["csc_contacts"]["unmapped_columns"].split("; ") == [h for h in header if h not in mapped]
    assert "Ethnicity" in rows["csc_contacts"]["fields"]
    assert float(rows["police_occurrences"]["residents_share"]) < 1 == float(rows["csc_contacts"]["residents_share"])
    event_types = {r["event_type"] for r in _query(ws, "SELECT DISTINCT event_type FROM event WHERE source_id = "
                                                       "'csc_contacts'")}
    assert {p.split(" (")[0] for p in rows["csc_contacts"]["event_types_recorded"].split("; ")} == event_types


def test_quality_command_prints_every_source(demo):
    ws, _ = demo
    result = _cli("quality", str(ws.root))
    assert result.returncode == 0, result.stderr
    for cfg in load_sources(ws.sources):
        assert cfg.source in result.stdout
    unknown = _cli("quality", str(ws.root), "--source", "no_such_source")
    assert unknown.returncode == 2 and "csc_contacts" in unknown.stderr and "Traceback" not in unknown.stderr


def _cli(*args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "COLUMNS": "250"}
    return subprocess.run([sys.executable, "-m", "ceintel", *args], capture_output=True, text=True, env=env)
