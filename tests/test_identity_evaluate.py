"""Linkage scoring against a truth, and the person files it is measured on."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceintel.errors import CeintelError
from ceintel.identity.evaluate import read_truth_csv, score
from ceintel.synth.person_files import COLUMNS, MESS_KINDS, write_person_files

# ------------------------------------------------------------------ scoring by hand

def _by_person(**people: str) -> dict[str, str]:
    """``_by_person(A="r1 r2", B="r3")`` -> {"r1": "A", "r2": "A", "r3": "B"}."""
    return {record: person for person, records in people.items() for record in records.split()}


def test_perfect_prediction_scores_one_whatever_the_labels():
    truth = _by_person(A="r1 r2 r3", B="r4 r5", C="r6")
    predicted = _by_person(x="r1 r2 r3", y="r4 r5", z="r6")
    s = score(predicted, truth)
    assert (s.records, s.predicted_people, s.true_people) == (6, 3, 3)
    for name in ("pair", "bcubed", "person"):
        for part in ("precision", "recall", "f1"):
            assert getattr(s, f"{name}_{part}") == 1.0
    assert (s.false_merges, s.split_people) == (0, 0)


def test_one_false_merge():
    # A = {r1,r2,r3}, B = {r4,r5}, all predicted as one person.
    s = score(_by_person(X="r1 r2 r3 r4 r5"), _by_person(A="r1 r2 r3", B="r4 r5"))
    # pairs: together = C(3,2) + C(2,2) = 4; predicted C(5,2) = 10; true 3 + 1 = 4
    assert s.pair_precision == pytest.approx(0.4)
    assert s.pair_recall == 1.0
    assert s.pair_f1 == pytest.approx(2 * 0.4 / 1.4)
    # B-cubed precision: (3 * 3/5 + 2 * 2/5) / 5 = 13/25
    assert s.bcubed_precision == pytest.approx(13 / 25)
    assert s.bcubed_recall == 1.0
    assert (s.person_precision, s.person_recall) == (0.0, 0.0)
    assert (s.false_merges, s.split_people) == (1, 0)


def test_one_split():
    # A = {r1..r4} predicted as two people of two records.
    s = score(_by_person(X="r1 r2", Y="r3 r4"), _by_person(A="r1 r2 r3 r4"))
    # pairs: together = 1 + 1 = 2; predicted 2; true C(4,2) = 6
    assert s.pair_precision == 1.0
    assert s.pair_recall == pytest.approx(1 / 3)
    # B-cubed recall: each record's predicted cluster holds 2 of its person's 4 records
    assert s.bcubed_precision == 1.0
    assert s.bcubed_recall == pytest.approx(0.5)
    assert (s.person_precision, s.person_recall, s.person_f1) == (0.0, 0.0, 0.0)
    assert (s.predicted_people, s.true_people, s.false_merges, s.split_people) == (2, 1, 0, 1)


def test_a_merge_and_a_split_together():
    truth = _by_person(A="r1 r2 r3", B="r4 r5", C="r6")
    predicted = _by_person(X="r1 r2", Y="r3 r4 r5", Z="r6")
    s = score(predicted, truth)
    # cells: (X,A)=2 (Y,A)=1 (Y,B)=2 (Z,C)=1; together 1+0+1+0 = 2; predicted 1+3 = 4; true 3+1 = 4
    assert (s.pair_precision, s.pair_recall, s.pair_f1) == (0.5, 0.5, 0.5)
    # precision (4/2 + 1/3 + 4/3 + 1/1) / 6 = 7/9; recall (4/3 + 1/3 + 4/2 + 1/1) / 6 = 7/9
    assert s.bcubed_precision == pytest.approx(7 / 9)
    assert s.bcubed_recall == pytest.approx(7 / 9)
    # only Z is exactly one true person (C)
    assert s.person_precision == pytest.approx(1 / 3)
    assert s.person_recall == pytest.approx(1 / 3)
    assert (s.false_merges, s.split_people) == (1, 1)


def test_singletons_only():
    truth = {f"r{i}": f"p{i}" for i in range(5)}
    s = score({f"r{i}": f"q{i}" for i in range(5)}, truth)
    # no pairs on either side: precision and recall 1.0 by convention
    assert (s.pair_precision, s.pair_recall, s.bcubed_f1, s.person_f1) == (1.0, 1.0, 1.0, 1.0)
    merged = score({f"r{i}": "one" for i in range(5)}, truth)
    assert (merged.pair_precision, merged.pair_recall) == (0.0, 1.0)  # no true pairs to miss
    assert merged.bcubed_precision == pytest.approx(1 / 5)
    assert (merged.person_precision, merged.person_recall, merged.false_merges) == (0.0, 0.0, 1)


def test_no_records_scores_one():
    s = score({}, {"r1": "A"})
    assert s.records == 0 and s.pair_f1 == s.bcubed_f1 == s.person_f1 == 1.0


def test_subset_and_records_missing_from_one_side():
    truth = _by_person(A="r1 r2 r3", B="r4 r5", C="r6")
    predicted = _by_person(X="r1 r2", Y="r3 r4 r5", Z="r6 r7")  # r7 is not in the truth
    whole = score(predicted, truth)
    assert whole.records == 6
    cohort = score(predicted, truth, records=["r4", "r5", "r5", "r6", "r8"])  # r8 nowhere; r5 twice
    assert (cohort.records, cohort.predicted_people, cohort.true_people) == (3, 2, 2)
    assert cohort.pair_f1 == cohort.person_f1 == 1.0
    assert score(predicted, truth, records=["r1", "r3"]).pair_recall == 0.0


def test_keys_can_be_tuples():
    truth = {("a", "1"): "P1", ("b", "9"): "P1"}
    assert score({("a", "1"): "x", ("b", "9"): "x"}, truth).person_f1 == 1.0


def test_swapping_predicted_and_truth_swaps_precision_and_recall():
    truth = _by_person(A="r1 r2 r3", B="r4 r5", C="r6 r7 r8 r9")
    predicted = _by_person(X="r1 r2", Y="r3 r4 r5 r6", Z="r7 r8", W="r9")
    s, t = score(predicted, truth), score(truth, predicted)
    for name in ("pair", "bcubed", "person"):
        assert getattr(s, f"{name}_precision") == pytest.approx(getattr(t, f"{name}_recall"))
        assert getattr(s, f"{name}_recall") == pytest.approx(getattr(t, f"{name}_precision"))
        assert getattr(s, f"{name}_f1") == pytest.approx(getattr(t, f"{name}_f1"))
    assert (s.false_merges, s.split_people) == (t.split_people, t.false_merges)


def test_as_dict_has_every_field():
    d = score({"r1": "x"}, {"r1": "A"}).as_dict()
    assert d["records"] == 1 and d["false_merges"] == 0 and len(d) == 14


labellings = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 6)), min_size=1, max_size=40)


@given(labellings)
def test_scores_are_proportions(pairs):
    truth = {f"r{i}": f"t{a}" for i, (a, _) in enumerate(pairs)}
    predicted = {f"r{i}": f"p{b}" for i, (_, b) in enumerate(pairs)}
    s = score(predicted, truth)
    for value in list(s.as_dict().values())[3:12]:
        assert 0.0 <= value <= 1.0
    t = score(truth, predicted)
    assert s.pair_precision == pytest.approx(t.pair_recall)
    assert s.bcubed_recall == pytest.approx(t.bcubed_precision)


@given(labellings)
def test_perfect_and_merge_everything(pairs):
    truth = {f"r{i}": f"t{a}" for i, (a, _) in enumerate(pairs)}
    perfect = score({k: "again-" + v for k, v in truth.items()}, truth)
    assert perfect.pair_f1 == perfect.bcubed_f1 == perfect.person_f1 == 1.0
    everything = score(dict.fromkeys(truth, "one"), truth)
    assert everything.pair_recall == everything.bcubed_recall == 1.0
    assert everything.predicted_people == 1


# ------------------------------------------------------------------ the truth file

def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_read_truth_csv(tmp_path):
    path = _write(tmp_path / "truth.csv", "\ufeffsource,record_id,person_id,mess\n"
                  "agency_a,1,P1,typo\nagency_b,1,P1,\n\nagency_a,1,P1,\nagency_a,2,P2,\n")
    assert read_truth_csv(path) == {("agency_a", "1"): "P1", ("agency_b", "1"): "P1",
                                    ("agency_a", "2"): "P2"}


@pytest.mark.parametrize(("text", "where"), [
    ("source,record_id\na,1\n", "row 1, field 'person_id'"),
    ("", "row 1, field 'source'"),
    ("source,record_id,person_id\na,1,P1\na, ,P2\n", "row 3, field 'record_id'"),
    ("source,record_id,person_id\na,1\n", "row 2, field 'person_id'"),
    ("source,record_id,person_id\na,1,P1\nb,1,P2\na,1,P3\n", "row 4, field 'person_id'"),
])
def test_read_truth_csv_names_file_row_and_field(tmp_path, text, where):
    path = _write(tmp_path / "bad truth.csv", text)
    with pytest.raises(CeintelError) as caught:
        read_truth_csv(path)
    assert str(path) in str(caught.value) and where in str(caught.value)


def test_read_truth_csv_missing_file(tmp_path):
    with pytest.raises(CeintelError, match="nowhere.csv"):
        read_truth_csv(tmp_path / "nowhere.csv")


# ------------------------------------------------------------------ person files

PEOPLE = 2000


@pytest.fixture(scope="module")
def person_files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("person_files")
    result = write_person_files(folder, people=PEOPLE, seed=3)
    rows = {}
    for path in result.files:
        with open(path, encoding="utf-8", newline="") as fh:
            reader = csv.DictReader(fh)
            assert reader.fieldnames == COLUMNS
            rows[path.stem] = list(reader)
    with open(result.truth, encoding="utf-8", newline="") as fh:
        truth = list(csv.DictReader(fh))
    return result, rows, truth


def _digest(paths) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


def test_person_files_are_deterministic(person_files, tmp_path):
    result, _, _ = person_files
    again = write_person_files(tmp_path / "again", people=PEOPLE, seed=3)
    assert _digest((*again.files, again.truth)) == _digest((*result.files, result.truth))
    assert again.mess == result.mess
    other = write_person_files(tmp_path / "other", people=200, seed=4)
    assert _digest(other.files) != _digest(result.files)


def _mod11_valid(number: str) -> bool:
    """The NHS number check written out again, independently of the generator's numpy version."""
    if not re.fullmatch(r"\d{10}", number):
        return False
    remainder = sum(int(d) * (10 - i) for i, d in enumerate(number[:9])) % 11
    check = 11 - remainder
    return check != 10 and (0 if check == 11 else check) == int(number[9])


def test_nhs_numbers_are_valid_test_numbers(person_files):
    result, rows, truth = person_files
    owner = {(t["source"], t["record_id"]): t["person_id"] for t in truth}
    numbers = defaultdict(set)
    for source, file_rows in rows.items():
        for r in file_rows:
            if source in result.without_nhs:
                assert r["nhs_number"] == ""
            elif r["nhs_number"]:
                number = r["nhs_number"].replace(" ", "")
                assert number.startswith("999") and _mod11_valid(number), number
                numbers[number].add(owner[(source, r["record_id"])])
    assert len(numbers) > PEOPLE // 2
    assert all(len(people) == 1 for people in numbers.values())  # one number, one child
    assert not _mod11_valid("9990000009") and _mod11_valid("9990000018")  # the check itself


def test_truth_covers_every_record_once(person_files):
    result, rows, truth = person_files
    records = [(source, r["record_id"]) for source, file_rows in rows.items() for r in file_rows]
    keys = [(t["source"], t["record_id"]) for t in truth]
    assert len(set(records)) == len(records) == result.records
    assert sorted(keys) == sorted(records)
    assert len({t["person_id"] for t in truth}) == result.people == PEOPLE
    truth_map = read_truth_csv(result.truth)
    assert score(truth_map, truth_map).person_f1 == 1.0


def test_every_mess_kind_is_planted_and_logged(person_files):
    result, rows, truth = person_files
    assert set(result.mess) == set(MESS_KINDS)
    logged = Counter(kind for t in truth for kind in t["mess"].split(";") if kind)
    assert logged == Counter(result.mess)
    flat = [r for file_rows in rows.values() for r in file_rows]
    assert sum(r["dob"] == "" for r in flat) == result.mess["blank_dob"]
    assert sum(r["sex"] == "" for r in flat) == result.mess["sex_missing"]
    with_nhs = [r for s, file_rows in rows.items() if s not in result.without_nhs for r in file_rows]
    assert sum(r["nhs_number"] == "" for r in with_nhs) == result.mess["nhs_missing"]
    assert any(r["first_name"].isupper() for r in flat) and any(r["last_name"].islower() for r in flat)
    assert any("'" in r["last_name"] for r in flat) and any(not r["first_name"].isascii() for r in flat)


def test_file_shapes(person_files):
    result, rows, _ = person_files
    assert result.postcode_in_address and result.without_nhs
    postcode = re.compile(r"Q[A-Z]\d{1,2} ?\d[A-Z]{2}$", re.IGNORECASE)
    for source, file_rows in rows.items():
        for r in file_rows:
            assert r["dob"] == "" or dt.date.fromisoformat(r["dob"]) <= dt.date(2026, 3, 31)
            assert r["sex"] in ("M", "F", "")
            if source in result.postcode_in_address:
                assert r["postcode"] == "" and postcode.search(r["address"])
            else:
                assert postcode.match(r["postcode"]) and not postcode.search(r["address"])


def test_each_child_is_in_one_to_all_files(person_files):
    result, _, truth = person_files
    files_of = defaultdict(set)
    for t in truth:
        files_of[t["person_id"]].add(t["source"])
    spread = Counter(len(s) for s in files_of.values())
    assert spread[1] > spread[2] > 0 and spread[len(result.files)] > 0
    assert spread[1] + spread[2] > PEOPLE * 0.7  # most in one or two


def test_within_file_duplicates_and_twins(person_files):
    result, rows, truth = person_files
    per_file = Counter((t["source"], t["person_id"]) for t in truth)
    assert sum(n == 2 for n in per_file.values()) == result.mess["within_file_duplicate"] > 0
    # Twins: two children sharing surname, date of birth and address, with different first names.
    assert result.twin_pairs > 0
    owner = {(t["source"], t["record_id"]): t["person_id"] for t in truth}
    seen = defaultdict(set)
    for source, file_rows in rows.items():
        for r in file_rows:
            if r["dob"]:
                key = (r["last_name"].lower(), r["dob"], r["address"].lower())
                seen[key].add((owner[(source, r["record_id"])], r["first_name"].lower()))
    twins = [v for v in seen.values() if len({p for p, _ in v}) >= 2 and len({f for _, f in v}) >= 2]
    assert len(twins) >= result.twin_pairs // 2
