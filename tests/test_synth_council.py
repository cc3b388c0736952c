"""The council and partner exports of the synthetic partnership: early help, youth justice, education,
the voluntary exploitation service, the MACE tracker and Ofsted Annex A."""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from pathlib import Path

import pytest
from openpyxl import load_workbook

from ceintel.synth import synthesise

ANNEX_A_LISTS = ["List 1 - Contacts", "List 2 - Early Help", "List 3 - Referrals", "List 4 - Assessments",
                 "List 5 - S47", "List 6 - CIN", "List 7 - CP", "List 8 - CiC", "List 9 - Care leavers",
                 "List 10 - Adoption", "List 11 - Adopters"]
CSV_FILES = {"EH_episodes.csv": ("utf-8-sig", 1), "YJS_outcomes.csv": ("utf-8", 1),
             "VCS_exploitation_service.csv": ("cp1252", 1)}
XLSX_FILES = {"Education_inclusion.xlsx": {"Suspensions and exclusions": 2, "Persistent absence": 1},
              "MACE_tracker.xlsx": {"Tracker": 3}}


@pytest.fixture(scope="module")
def partnership(small_partnership) -> Path:
    """The session's 2,000-children partnership (tests/conftest.py)."""
    return small_partnership.root


def _truth_rows(root: Path) -> dict[str, set[int]]:
    rows: dict[str, set[int]] = defaultdict(set)
    with open(root / "truth" / "records.csv", encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            rows[rec["file"]].add(int(rec["row"]))
    return rows


def _blank_rows(root: Path) -> dict[str, set[int]]:
    rows: dict[str, set[int]] = defaultdict(set)
    with open(root / "truth" / "mess.csv", encoding="utf-8", newline="") as fh:
        for m in csv.DictReader(fh):
            if m["kind"] in ("blank_row", "totals_row"):
                rows[m["file"]].add(int(m["row"]))
    return rows


def _data_rows(values: list[list], header_row: int) -> list[int]:
    """Physical row numbers (1-based) of non-empty rows after the header."""
    return [i for i, row in enumerate(values, start=1)
            if i > header_row and any(v not in (None, "") for v in row)]


def test_early_help_file_starts_with_a_bom(partnership: Path) -> None:
    raw = (partnership / "extracts" / "EH_episodes.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    header = raw[3:].decode("utf-8").splitlines()[0]
    assert header.startswith("EH Case ID,")


def test_voluntary_file_is_windows_1252(partnership: Path) -> None:
    raw = (partnership / "extracts" / "VCS_exploitation_service.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    text = raw.decode("cp1252")
    assert text.startswith("Young person,D.O.B,")
    assert any(ch in text for ch in "’–£éëñáó")


def test_youth_justice_file_ends_with_totals_row(partnership: Path) -> None:
    text = (partnership / "extracts" / "YJS_outcomes.csv").read_text("utf-8")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[-1][0] == "Total"
    assert rows[-1][8] == f"{len([r for r in rows[1:-1] if any(r)])} outcomes"


def test_annex_a_lists_and_ids_match_social_care(partnership: Path) -> None:
    ex = partnership / "extracts"
    book = load_workbook(ex / "AnnexA_Brackenford.xlsx")
    assert book.sheetnames == ANNEX_A_LISTS
    lcs_ids: set[str] = set()
    for path in sorted(ex.glob("LCS_*.csv")):
        with open(path, encoding="utf-8", newline="") as fh:
            lcs_ids |= {r["Person ID"] for r in csv.DictReader(fh)}
    assert lcs_ids
    ids: dict[str, set[str]] = {}
    for title in ANNEX_A_LISTS[:9]:
        values = list(book[title].iter_rows(values_only=True))
        assert values[0][0].replace(" ", "").lower() == "childuniqueid"
        ids[title] = {str(r[0]) for r in values[1:] if r[0] is not None}
    for title in ANNEX_A_LISTS[:8]:
        assert ids[title], title
    for title in ANNEX_A_LISTS[:9]:
        if title == "List 2 - Early Help":
            continue  # children known to early help only have a council ID but no LCS social care steps
        # a child with a duplicate council record may, by chance, carry the second number only in
        # the lists (the LCS rows drew the first): rare, never most
        outside = ids[title] - lcs_ids
        assert len(outside) <= max(1, len(ids[title]) // 100), (title, sorted(outside)[:5])
    assert ids["List 2 - Early Help"] & lcs_ids
    # headers vary between sheets, as they do in councils' workbooks
    firsts = {next(book[t].iter_rows(values_only=True))[0] for t in ANNEX_A_LISTS[:9]}
    assert len(firsts) > 1


def test_every_data_row_has_a_truth_record(partnership: Path) -> None:
    ex = partnership / "extracts"
    truth = _truth_rows(partnership)
    skip = _blank_rows(partnership)
    checked = 0
    for name, (encoding, header_row) in CSV_FILES.items():
        with open(ex / name, encoding=encoding, newline="") as fh:
            values = list(csv.reader(fh))
        rows = [r for r in _data_rows(values, header_row) if r not in skip[name]]
        assert rows, name
        assert set(rows) <= truth[name], name
        checked += len(rows)
    sheets = {**XLSX_FILES, "AnnexA_Brackenford.xlsx": {t: 1 for t in ANNEX_A_LISTS}}
    for name, titles in sheets.items():
        book = load_workbook(ex / name)
        for title, header_row in titles.items():
            label = f"{name}#{title}"
            values = [list(r) for r in book[title].iter_rows(values_only=True)]
            rows = _data_rows(values, header_row)
            assert set(rows) <= truth[label], label
            checked += len(rows)
    assert checked > 500


def test_education_upns_and_dates(partnership: Path) -> None:
    from ceintel.synth.ids import upn_is_valid

    book = load_workbook(partnership / "extracts" / "Education_inclusion.xlsx")
    values = list(book["Suspensions and exclusions"].iter_rows(values_only=True))
    assert values[0][0].startswith("Inclusion report")
    assert values[1][0] == "UPN"
    upns = [r[0] for r in values[2:] if r[0]]
    valid = [u for u in upns if upn_is_valid(u)]
    assert len(valid) > 0.9 * len(upns)
    assert all(u[1:4] == "999" for u in valid)
    import datetime as dt
    assert any(isinstance(r[10], dt.datetime) for r in values[2:])


def test_same_seed_same_bytes(tmp_path: Path) -> None:
    outs = []
    for run in ("a", "b"):
        root = tmp_path / run
        synthesise(root / "ex", root / "geo", root / "truth", children=600, seed=9)
        outs.append(root)
    names = ["EH_episodes.csv", "YJS_outcomes.csv", "Education_inclusion.xlsx", "VCS_exploitation_service.csv",
             "MACE_tracker.xlsx", "AnnexA_Brackenford.xlsx"]
    for name in names:
        assert (outs[0] / "ex" / name).read_bytes() == (outs[1] / "ex" / name).read_bytes(), name
