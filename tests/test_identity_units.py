"""Standardising and forming people, rule by rule, on hand-made records."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest
from hypothesis import given
from hypothesis import strategies as st

from ceintel.identity import cluster as clustering
from ceintel.identity.link import COMPARISONS, settings
from ceintel.identity.standardise import INPUT_COLUMNS, fold, name_sql, standardise


def _input(con, rows: list[dict]) -> None:
    cols = ", ".join(f"{c} {'DATE' if c == 'date_of_birth' else 'VARCHAR[]' if c == 'events' else 'VARCHAR'}"
                     for c in INPUT_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE id_input ({cols})")
    for r in rows:
        con.execute(f"INSERT INTO id_input VALUES ({', '.join('?' for _ in INPUT_COLUMNS)})",
                    [r.get(c) for c in INPUT_COLUMNS])


def _std(rows: list[dict]) -> list[dict]:
    con = duckdb.connect()
    _input(con, rows)
    standardise(con)
    rel = con.execute("SELECT * FROM id_records ORDER BY record")
    names = [d[0] for d in rel.description]
    return [dict(zip(names, r, strict=True)) for r in rel.fetchall()]


def _rec(key: str, **kw) -> dict:
    return {"source_id": kw.pop("source_id", "s"), "record_key": key, "agency_record_id": key, **kw}


def test_names_are_folded_the_same_way_in_python_and_sql():
    con = duckdb.connect()
    for raw in ("ZOË O'NEILL-Smith", "Łukasz  Dąbrowski", "Renée", "Mc Donald", "Jean-Luc"):
        assert con.execute(f"SELECT {name_sql('$1')}", [raw]).fetchone()[0] == fold(raw)
    assert fold("ZOË O'NEILL-Smith") == "zoe oneill smith"


def test_notes_and_formulas_in_name_fields_are_not_names():
    rows = _std([_rec("1", first_name="=HYPERLINK(\"x\",\"see file\")", last_name="+44 see notes"),
                 _rec("2", first_name="Amelia", last_name="Vex-Worth")])
    assert rows[0]["first_name"] is None and rows[0]["last_name"] is None
    assert rows[1]["first_name"] == "amelia" and rows[1]["last_name"] == "vexworth"
    assert rows[1]["last_parts"] == ["vex", "worth"]


def test_nicknames_map_to_the_formal_names_they_may_stand_for():
    rows = _std([_rec("1", first_name="Alex"), _rec("2", first_name="Alexandra"), _rec("3", first_name="Sandy")])
    alex, alexandra, sandy = (set(r["first_formal"]) for r in rows)
    assert {"alexander", "alexandra"} <= alex
    assert alex & alexandra and alex & sandy


def test_identifiers_that_fail_their_checks_are_not_compared():
    rows = _std([_rec("1", nhs_number="999 000 0808"), _rec("2", nhs_number="0000000000"),
                 _rec("3", nhs_number="9990000809"), _rec("4", upn="E999202314055"), _rec("5", upn="A999202314055")])
    assert [r["nhs_number"] for r in rows[:3]] == ["9990000808", None, None]
    assert rows[3]["upn"] == "E999202314055" and rows[4]["upn"] is None


def test_postcodes_come_from_the_address_when_the_field_is_blank():
    rows = _std([_rec("1", postcode="qa1 2bc"), _rec("2", address="12 Mill Lane, Sedgecrag QB15 7JP"),
                 _rec("3", postcode="not known")])
    assert rows[0]["postcode"] == "QA12BC" and rows[0]["pc_sector"] == "QA12" and rows[0]["pc_district"] == "QA1"
    assert rows[1]["postcode"] == "QB157JP"
    assert rows[2]["postcode"] is None


def test_shared_person_numbers_and_records_without_enough_to_compare():
    rows = _std([_rec("1", record_id_scheme="lcs", sex="Male"),
                 _rec("2", date_of_birth=dt.date(2014, 3, 2), events=["contact@2026-01-02"])])
    assert rows[0]["scheme_key"] == "lcs:1" and rows[0]["sex"] == "M" and not rows[0]["linkable"]
    assert rows[1]["scheme_key"] is None and rows[1]["linkable"]


@given(st.dates(dt.date(2000, 1, 1), dt.date(2025, 12, 31)))
def test_a_birth_date_is_compatible_with_its_own_slips(d):
    assert clustering.dates_compatible(d, d)
    if d.day <= 12 and d.day != d.month:
        assert clustering.dates_compatible(d, d.replace(day=d.month, month=d.day))
    far = d + dt.timedelta(days=400)
    assert not clustering.dates_compatible(d, far) or far.strftime("%Y%m%d")[4:] == d.strftime("%Y%m%d")[4:]


def _pairs_con(records: list[dict], pairs: list[tuple[int, int, float, int]]):
    con = duckdb.connect()
    _input(con, records)
    standardise(con)
    gammas = ", ".join(f"gamma_{c.name} INTEGER" for c in COMPARISONS)
    con.execute(f"CREATE TABLE id_pairs (uid_l BIGINT, uid_r BIGINT, match_weight DOUBLE, "
                f"match_probability DOUBLE, {gammas})")
    for uid_l, uid_r, p, first in pairs:
        con.execute("INSERT INTO id_pairs (uid_l, uid_r, match_weight, match_probability, gamma_first_name) "
                    "VALUES (?, ?, ?, ?, ?)", [uid_l, uid_r, 10 * p, p, first])
    return con


def test_links_are_refused_against_hard_evidence_and_forced_by_shared_numbers():
    d = dt.date(2012, 5, 6)
    records = [
        _rec("a", first_name="Amy", last_name="Lee", date_of_birth=d, nhs_number="9990000808"),
        _rec("b", first_name="Amy", last_name="Lee", date_of_birth=d, nhs_number="9990000816"),  # another child
        _rec("c", first_name="Amy", last_name="Lee", date_of_birth=d),
        _rec("d", first_name="Ben", last_name="Lee", date_of_birth=d),  # her twin
        _rec("e", source_id="t", record_id_scheme="lcs", agency_record_id="7"),
        _rec("f", source_id="u", record_id_scheme="lcs", agency_record_id="7"),
    ]
    # uids follow record order: a=1 ... f=6
    con = _pairs_con(records, [(1, 3, 0.99, 4), (2, 3, 0.98, 4), (3, 4, 0.95, 0)])
    out = clustering.cluster(con)
    p = {r.split(":")[1]: v for r, v in out.person_of.items()}
    assert p["a"] == p["c"] != p["b"]  # the strongest link wins; the second NHS number is refused
    assert p["d"] != p["c"]  # twin-like pairs never link on their score
    assert p["e"] == p["f"]  # one person number in one scheme
    assert out.refused == {"two NHS numbers": 1, clustering.TWIN_LIKE: 1}


def test_analysts_decisions_override_scores():
    d = dt.date(2012, 5, 6)
    records = [_rec(k, first_name="Amy", last_name="Lee", date_of_birth=d) for k in "abc"]
    con = _pairs_con(records, [(1, 2, 0.99, 4), (2, 3, 0.99, 4)])
    out = clustering.cluster(con, different=[("s:a", "s:c")])
    p = {r.split(":")[1]: v for r, v in out.person_of.items()}
    assert p["a"] == p["b"] != p["c"]
    out = clustering.cluster(con, same=[("s:a", "s:c")], threshold=0.999)
    p = {r.split(":")[1]: v for r, v in out.person_of.items()}
    assert p["a"] == p["c"] != p["b"]


@pytest.mark.parametrize("term_frequencies", [True, False])
def test_every_comparison_has_a_null_level_and_ends_in_different(term_frequencies):
    model = settings(term_frequencies)
    for comp in model["comparisons"]:
        levels = comp["comparison_levels"]
        assert levels[0]["is_null_level"] and levels[-1]["sql_condition"] == "ELSE"
        has_tf = any("tf_adjustment_column" in lvl for lvl in levels)
        assert has_tf == (term_frequencies and comp["output_column_name"] in ("first_name", "last_name",
                                                                              "postcode"))
