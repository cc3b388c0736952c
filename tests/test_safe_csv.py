"""Every CSV written for people to open neutralises formula-like cells."""

from __future__ import annotations

import csv

from hypothesis import given
from hypothesis import strategies as st

from ceintel.safe_csv import neutralise, write_csv


def test_formula_like_cells_are_prefixed(tmp_path):
    path = tmp_path / "out.csv"
    rows = [{"a": "=HYPERLINK(\"x\")", "b": "+44 1234"}, {"a": "-1", "b": "@SUM(A1)"}, {"a": "plain", "b": ""}]
    assert write_csv(path, ["a", "b"], rows) == 3
    with open(path, encoding="utf-8", newline="") as fh:
        read = list(csv.reader(fh))
    assert read[1] == ["'=HYPERLINK(\"x\")", "'+44 1234"]
    assert read[2] == ["'-1", "'@SUM(A1)"]
    assert read[3] == ["plain", ""]


@given(st.text())
def test_no_cell_written_can_start_a_formula(value):
    out = neutralise(value)
    assert not (out[:1] and out[:1] in "=+-@\t\r")
    assert out.endswith(value)
