"""`ceintel link FILE... --out OUT.csv`: plain person files linked outside any workspace, as the README shows."""

from __future__ import annotations

import csv
import os
import subprocess
import sys

import pytest

from ceintel.identity.evaluate import read_truth_csv, score
from ceintel.identity.files import link_files
from ceintel.synth.person_files import write_person_files


def _run(*args):
    env = {**os.environ, "COLUMNS": "200"}
    return subprocess.run([sys.executable, "-m", "ceintel", *args], capture_output=True, text=True, env=env)


def _rows(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def person_files(tmp_path_factory):
    """Files of another shape than the synthetic partnership: heavier typing errors, swaps, accents."""
    return write_person_files(tmp_path_factory.mktemp("people"), people=4000, files=4, seed=11)


def test_the_command_writes_one_row_per_record_and_scores_against_a_truth(person_files, tmp_path):
    out = tmp_path / "people.csv"
    result = _run("link", *map(str, person_files.files), "--out", str(out), "--evaluate", str(person_files.truth))
    assert result.returncode == 0, result.stderr
    rows = _rows(out)
    assert list(rows[0]) == ["source", "record_id", "person_id"]
    inputs = {(p.stem, r["record_id"]) for p in person_files.files for r in _rows(p)}
    assert {(r["source"], r["record_id"]) for r in rows} == inputs
    assert len({r["person_id"] for r in rows}) < len(rows)
    assert "whole people" in result.stdout


def test_quality_holds_on_data_of_another_shape(person_files, tmp_path):
    result = link_files(list(person_files.files), tmp_path / "out.csv")
    truth = {f"{s}:{r}": p for (s, r), p in read_truth_csv(person_files.truth).items()}
    predicted = {f"{r['source']}:{r['record_id']}": r["person_id"] for r in _rows(result.out)}
    s = score(predicted, truth)
    assert s.records == len(truth)
    assert s.pair_precision >= 0.98, s
    assert s.pair_recall >= 0.90, s
    assert s.bcubed_f1 >= 0.95, s


def test_unusable_values_are_listed_with_file_row_and_field_and_the_rest_is_linked(tmp_path):
    a = tmp_path / "school.csv"
    a.write_text("record_id,first_name,last_name,dob,postcode\n"
                 "S1,Amelia,Vexworth,2014-03-02,QA1 2BC\n"
                 "S2,Noah,Brackley,02/03/2014,QA1 2BD\n"
                 ",Lost,Row,2014-01-01,\n"
                 "S2,Noah,Brackley,2014-03-02,QA1 2BD\n", encoding="utf-8")
    b = tmp_path / "clinic.csv"
    b.write_text("record_id,first_name,last_name,dob,sex,nhs_number\n"
                 "C9,AMELIA,VEXWORTH,2014-03-02,F,\n", encoding="cp1252")
    out = tmp_path / "out.csv"
    result = link_files([a, b], out)
    rows = {(r["source"], r["record_id"]): r["person_id"] for r in _rows(out)}
    assert set(rows) == {("school", "S1"), ("school", "S2"), ("clinic", "C9")}
    assert rows[("school", "S1")] == rows[("clinic", "C9")] != rows[("school", "S2")]
    problems = _rows(result.problems_file)
    assert {(p["file"], p["row"], p["field"]) for p in problems} == {("school.csv", "3", "dob"),
                                                                    ("school.csv", "4", "record_id"),
                                                                    ("school.csv", "5", "record_id")}


def test_a_missing_column_is_one_clear_error(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("record_id,first_name,surname,dob\n1,A,B,2014-01-01\n", encoding="utf-8")
    result = _run("link", str(bad), "--out", str(tmp_path / "o.csv"))
    assert result.returncode == 2
    assert "bad.csv, row 1, field 'last_name'" in result.stderr
    assert "Traceback" not in result.stderr
    assert _run("link", str(bad)).returncode == 2  # files without --out
