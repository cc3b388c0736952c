"""The synthetic partnership: deterministic, messy in every planted way, and honest about its truth."""

from __future__ import annotations

import csv
import hashlib
from collections import defaultdict
from pathlib import Path

import pytest

from ceintel.synth import synthesise
from ceintel.synth.agencies import REGISTRY
from ceintel.synth.ids import nhs_number_is_valid, upn_is_valid

REQUIRED_MESS = {
    "typo", "nickname", "double_surname_varied", "surname_changed", "swapped_day_month", "missing_dob",
    "address_moved", "within_source_duplicate", "unknown_code", "impossible_date", "blank_row", "totals_row",
    "utf8_bom", "cp1252", "formula_cell", "out_of_area_resident",
}


def _digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _read_csv(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def mess(small_partnership):
    return _read_csv(small_partnership.truth / "mess.csv")


@pytest.fixture(scope="module")
def records(small_partnership):
    return _read_csv(small_partnership.truth / "records.csv")


def test_same_seed_gives_byte_identical_files(tmp_path, small_partnership):
    from tests.conftest import SMALL_CHILDREN, SMALL_SEED

    synthesise(tmp_path / "extracts", tmp_path / "geography", tmp_path / "truth",
               children=SMALL_CHILDREN, seed=SMALL_SEED)
    assert _digest(tmp_path) == _digest(small_partnership.root)


def test_another_seed_gives_another_partnership(tmp_path, small_partnership):
    from tests.conftest import SMALL_CHILDREN, SMALL_SEED

    synthesise(tmp_path / "extracts", tmp_path / "geography", tmp_path / "truth",
               children=SMALL_CHILDREN, seed=SMALL_SEED + 1)
    ours, theirs = _digest(tmp_path / "extracts"), _digest(small_partnership.extracts)
    assert ours.keys() == theirs.keys()
    assert all(ours[k] != theirs[k] for k in ours)


def test_every_agency_writes_an_extract(small_partnership, records):
    sources = {r["source"] for r in records}
    for cls in REGISTRY:
        assert any(s.startswith(cls.key) for s in sources), f"no rows from {cls.key}"
    suffixes = {p.suffix for p in small_partnership.result.files}
    assert {".csv", ".xlsx"} <= suffixes


def test_every_kind_of_mess_is_planted(mess):
    assert {m["kind"] for m in mess} >= REQUIRED_MESS, REQUIRED_MESS - {m["kind"] for m in mess}


def _physical_rows(path: Path, encoding: str) -> list[list[str]]:
    with open(path, encoding=encoding, newline="") as fh:
        return list(csv.reader(fh))


def test_planted_mess_is_really_in_the_text_files(small_partnership, mess):
    """The truth's row numbers point at the rows that carry the mess."""
    by_file = defaultdict(list)
    for m in mess:
        by_file[m["file"]].append(m)
    checked = defaultdict(int)
    for name, items in by_file.items():
        path = small_partnership.extracts / name
        if not name.endswith(".csv"):
            continue
        raw = path.read_bytes()
        kinds = {m["kind"] for m in items}
        encoding = "cp1252" if "cp1252" in kinds else "utf-8-sig"
        if "utf8_bom" in kinds:
            assert raw.startswith(b"\xef\xbb\xbf")
            checked["utf8_bom"] += 1
        if "cp1252" in kinds:
            with pytest.raises(UnicodeDecodeError):
                raw.decode("utf-8")
            checked["cp1252"] += 1
        rows = _physical_rows(path, encoding)
        for m in items:
            row = int(m["row"]) if m["row"].isdigit() else 0
            if m["kind"] == "blank_row":
                assert not any(cell.strip() for cell in rows[row - 1]), (name, row)
                checked["blank_row"] += 1
            elif m["kind"] == "totals_row":
                assert row == len(rows), "the totals row is the last row"
                assert any("total" in cell.lower() for cell in rows[row - 1])
                checked["totals_row"] += 1
            elif m["kind"] == "formula_cell":
                assert any(cell[:1] in "=+-@" and cell[:1] == m["detail"] for cell in rows[row - 1]), (name, row)
                checked["formula_cell"] += 1
            elif m["kind"] == "impossible_date":
                assert m["detail"] in rows[row - 1], (name, row, m["detail"])
                checked["impossible_date"] += 1
    for kind in ("blank_row", "totals_row", "formula_cell", "impossible_date", "utf8_bom", "cp1252"):
        assert checked[kind] > 0, f"no {kind} checked in a CSV file"


def test_police_and_health_hold_neighbouring_residents(mess):
    sources = {m["source"].split("_")[0] for m in mess if m["kind"] == "out_of_area_resident"}
    assert {"police", "health"} <= sources


def test_council_services_only_hold_their_own_residents(small_partnership, records):
    people = {p["person_id"]: p for p in _read_csv(small_partnership.truth / "people.csv")}
    home = "X06000001"
    council = [r for r in records if r["source"].split("_")[0] in {"csc", "annex", "early", "education", "mace"}]
    assert council
    outsiders = [r for r in council if people[r["person_id"]]["home_la"] != home]
    # a family that moved out can still be in a record written before the move; never more than that
    assert len(outsiders) == 0


def test_identifiers_are_valid_but_can_never_be_real(small_partnership):
    rows = _read_csv(small_partnership.extracts / "LCS_contacts_referrals.csv")
    numbers = [r["NHS Number"] for r in rows if r["NHS Number"].strip()]
    assert numbers and all(n.startswith("999") and nhs_number_is_valid(n) for n in numbers)
    postcodes = {r["Postcode"].upper().replace(" ", "") for r in rows if r["Postcode"]}
    assert all(pc.startswith("Q") for pc in postcodes)
    assert upn_is_valid("A" * 0 + _make_upn())


def _make_upn() -> str:
    from ceintel.synth.ids import make_upn

    return make_upn("999", "4001", 2015, 17)


def test_truth_tells_how_many_records_each_agency_shares(small_partnership, records):
    """For each agency: how many of its records are about children another agency also knows."""
    agency_of = {}
    for r in records:
        agency_of[r["source"]] = next(c.key for c in REGISTRY if r["source"].startswith(c.key))
    children = [r for r in records if r["role"] == "child"]
    known_by: dict[str, set[str]] = defaultdict(set)
    for r in children:
        known_by[r["person_id"]].add(agency_of[r["source"]])
    shared = {}
    for agency in sorted(set(agency_of.values())):
        mine = [r for r in children if agency_of[r["source"]] == agency]
        if not mine:
            continue
        also = sum(1 for r in mine if len(known_by[r["person_id"]] - {agency}) > 0)
        shared[agency] = also / len(mine)
    # Annex A is built from social care's own records; MACE only hears of children after an assessment.
    assert shared["annex_a"] == 1.0
    assert shared["mace"] == 1.0
    # Police records are mostly about children nobody else knows (domestic witnesses, victims of crime);
    # social care records mostly about children others know too.
    assert 0 < shared["police"] < shared["csc"] <= 1.0
    assert all(0 < v <= 1 for v in shared.values())


def test_exploited_children_are_a_plausible_share(small_partnership):
    people = _read_csv(small_partnership.truth / "people.csv")
    home_children = [p for p in people if p["role"] == "child" and p["home_la"] == "X06000001"]
    exploited = [p for p in home_children if p["exploited"] == "1"]
    share = len(exploited) / len(home_children)
    assert 0.002 < share < 0.02
    places = _read_csv(small_partnership.truth / "places.csv")
    assert sum(p["planted"] == "1" for p in places) == 3


def test_population_counts_the_home_borough_children(small_partnership):
    from tests.conftest import SMALL_CHILDREN

    pop = _read_csv(small_partnership.geography / "population.csv")
    areas = {a["lsoa21cd"]: a["lad24cd"] for a in _read_csv(small_partnership.geography / "areas.csv")}
    home = sum(int(p["children"]) for p in pop if areas[p["lsoa21cd"]] == "X06000001")
    assert abs(home - SMALL_CHILDREN) / SMALL_CHILDREN < 0.1
    assert {p["sex"] for p in pop} == {"M", "F"}
    assert {int(p["age"]) for p in pop} <= set(range(18))


def test_exploitation_starts_at_ten_or_older(small_partnership):
    import datetime as dt

    people = {p["person_id"]: p for p in _read_csv(small_partnership.truth / "people.csv")}
    rows = _read_csv(small_partnership.truth / "exploitation.csv")
    assert rows
    for row in rows:
        dob = dt.date.fromisoformat(people[row["person_id"]]["dob"])
        start = dt.date.fromisoformat(row["start"])
        assert (start - dob).days >= 10 * 365, row


def test_peer_groups_are_of_similar_age(small_partnership):
    import datetime as dt

    people = {p["person_id"]: p for p in _read_csv(small_partnership.truth / "people.csv")}
    groups = defaultdict(list)
    for row in _read_csv(small_partnership.truth / "groups.csv"):
        groups[row["group_id"]].append(dt.date.fromisoformat(people[row["person_id"]]["dob"]))
    assert groups
    for dobs in groups.values():
        assert len(dobs) >= 3
        assert (max(dobs) - min(dobs)).days <= 3 * 365
