"""The police (Niche) and health (ECDS) writers of the synthetic partnership."""

from __future__ import annotations

import csv
from collections import Counter
from pathlib import Path

import pytest

from ceintel.synth import synthesise
from ceintel.synth.agencies.police import FLAG_CODES
from ceintel.synth.ids import nhs_number_is_valid

HOME = "X06000001"
# People named per data row of each file.
PEOPLE_PER_ROW = {
    "NICHE_occurrences.csv": 1,
    "NICHE_associations.csv": 2,
    "NICHE_disruptions.csv": 2,
    "NICHE_nrm_referrals.csv": 1,
    "ED_attendances_ECDS.csv": 1,
}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("synth")
    synthesise(root / "ex", root / "geo", root / "truth", children=2000, seed=5)
    return root


def _rows(path: Path) -> list[list[str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.reader(fh))


def _truth(run: Path, name: str) -> list[dict[str, str]]:
    with open(run / "truth" / name, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _mess(run: Path, file: str) -> dict[tuple[int, str], list[dict[str, str]]]:
    out: dict[tuple[int, str], list[dict[str, str]]] = {}
    for m in _truth(run, "mess.csv"):
        if m["file"] == file:
            out.setdefault((int(m["row"]), m["kind"]), []).append(m)
    return out


def _data_rows(run: Path, file: str) -> dict[int, dict[str, str]]:
    """Physical row number → row, without blank rows and the totals row."""
    rows = _rows(run / "ex" / file)
    header = rows[0]
    skip = {int(m["row"]) for m in _truth(run, "mess.csv")
            if m["file"] == file and m["kind"] in ("blank_row", "totals_row")}
    return {i: dict(zip(header, r, strict=True)) for i, r in enumerate(rows[1:], start=2) if i not in skip}


def test_files_are_written(run: Path):
    for name in PEOPLE_PER_ROW:
        assert (run / "ex" / name).exists(), name


def test_every_data_row_has_one_truth_record_per_person(run: Path):
    records = _truth(run, "records.csv")
    for name, per_row in PEOPLE_PER_ROW.items():
        rows = _data_rows(run, name)
        by_row = Counter(int(r["row"]) for r in records if r["file"] == name)
        assert set(by_row) == set(rows), name
        assert all(n == per_row for n in by_row.values()), name
        for row, data in rows.items():
            assert any(v.strip() for v in data.values()), (name, row)


def test_police_covers_neighbours(run: Path):
    rows = _data_rows(run, "NICHE_occurrences.csv")
    mess = _mess(run, "NICHE_occurrences.csv")
    residents = [k for k in mess if k[1] == "out_of_area_resident"]
    locations = [k for k in mess if k[1] == "out_of_area_location"]
    assert residents and locations
    # Neighbours' postcodes (QH, QS) appear as home postcodes on the logged rows.
    assert any(rows[r]["Home Postcode"][:2].upper() in ("QH", "QS") for r, _ in residents)
    people = {p["person_id"]: p for p in _truth(run, "people.csv")}
    records = [r for r in _truth(run, "records.csv") if r["file"] == "NICHE_occurrences.csv"]
    assert any(people[r["person_id"]]["home_la"] != HOME for r in records)
    assert any(people[r["person_id"]]["home_la"] == HOME for r in records)
    assert any(r["role"] == "adult" and rows[int(r["row"])]["Involvement"] == "SUS" for r in records)


def test_flags_use_documented_codes(run: Path):
    rows = _data_rows(run, "NICHE_occurrences.csv")
    mess = _mess(run, "NICHE_occurrences.csv")
    seen = set()
    for row, data in rows.items():
        for code in filter(None, data["Flags"].split(";")):
            seen.add(code)
            if code not in FLAG_CODES:
                logged = [m["detail"] for m in mess.get((row, "unknown_code"), []) if m["field"] == "Flags"]
                assert code in logged, (row, code)
    assert {"MISSING", "DA"} <= seen
    assert seen & {"CSE", "CCE", "COUNTY LINES", "CE"}


def test_occurrence_dates_and_totals(run: Path):
    rows = _rows(run / "ex" / "NICHE_occurrences.csv")
    assert rows[-1][0].startswith("Total records: ")
    mess = _mess(run, "NICHE_occurrences.csv")
    for row, data in _data_rows(run, "NICHE_occurrences.csv").items():
        if (row, "impossible_date") not in mess:
            text = data["Reported Date/Time"]
            assert len(text) == 16 and text[2] == "/" and text[5] == "/" and text[13] == ":", text


def test_health_nhs_numbers_are_valid(run: Path):
    rows = _data_rows(run, "ED_attendances_ECDS.csv")
    assert rows
    present = [d["NHS_NUMBER"] for d in rows.values() if d["NHS_NUMBER"]]
    assert present
    for value in present:
        assert nhs_number_is_valid(value.replace(" ", "")), value
    assert {d["SEX"] for d in rows.values()} <= {"1", "2", "9"}
    assert all(d["MRN"].startswith("RBK") for d in rows.values())
    raw = (run / "ex" / "ED_attendances_ECDS.csv").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")


def test_health_sees_neighbour_children(run: Path):
    people = {p["person_id"]: p for p in _truth(run, "people.csv")}
    records = [r for r in _truth(run, "records.csv") if r["file"] == "ED_attendances_ECDS.csv"]
    assert any(people[r["person_id"]]["home_la"] != HOME for r in records)
    mess = _mess(run, "ED_attendances_ECDS.csv")
    assert any(k[1] == "out_of_area_resident" for k in mess)
