"""The analyses against the synthetic partnership's hidden truth, and their disclosure control.

What synth plants and these tests look for: three places of concern in the
home borough (a park, a takeaway and a station) where most harm happens; a few
adults at each place who exploit several children; peer groups of children of
similar age harmed together; and the pathway suspension → missing → police
contact → referral → MACE. Person ids are traced back to true people through
the rows each record was read from (``workspace_truth``, the identity
evaluation's own mapping).
"""

from __future__ import annotations

import collections
import csv

import duckdb
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceintel import duck
from ceintel.analysis import aces, journeys, networks, overlaps, places
from ceintel.analysis.context import open_context
from ceintel.analysis.publish import ALL, constraints_of, margins, publish_counts
from ceintel.analysis.run import ANALYSES, analysis_path, connect, run_analyses
from ceintel.errors import WorkspaceError
from ceintel.framework.disclosure import SUPPRESSED, recoverable
from ceintel.identity.run import workspace_truth
from ceintel.warehouse import warehouse_path


def _csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class Truth:
    """The truth files and each warehouse person's true identity (the majority of their records)."""

    def __init__(self, demo):
        ws, folder = demo.workspace, demo.truth
        self.codes = set(ws.config().area_codes)
        self.people = {r["person_id"]: r for r in _csv(folder / "people.csv")}
        self.exploitation = _csv(folder / "exploitation.csv")
        self.groups = _csv(folder / "groups.csv")
        self.places = _csv(folder / "places.csv")
        self.perpetrators = {r["person_id"] for r in _csv(folder / "perpetrators.csv")}
        con = duck.connect(":memory:")
        con.execute(f"CREATE TABLE id_staging AS SELECT * FROM read_parquet('{ws.identity_staging}/*.parquet', "
                    f"union_by_name = true)")
        record_truth = workspace_truth(con, folder / "records.csv")
        con.execute(f"ATTACH '{warehouse_path(ws)}' AS wh (READ_ONLY)")
        votes: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        for s, r, p in con.execute("SELECT source_id, record_id, person_id FROM wh.person_record "
                                   "WHERE person_id IS NOT NULL").fetchall():
            t = record_truth.get(f"{s}:{r}")
            if t:
                votes[p][t] += 1
        con.close()
        self.true_of = {p: v.most_common(1)[0][0] for p, v in votes.items()}

    def lives_here(self, pid: str) -> bool:
        p = self.people.get(pid)
        return p is not None and p["home_la"] in self.codes


@pytest.fixture(scope="module")
def truth(analysis_workspace) -> Truth:
    return Truth(analysis_workspace)


@pytest.fixture(scope="module")
def ctx(analysis_workspace):
    with open_context(analysis_workspace.workspace) as c:
        yield c


@pytest.fixture(scope="module")
def network(ctx):
    return networks.build_network(ctx)


# ----------------------------------------------------------------------------- what synth planted

@pytest.mark.slow
def test_planted_places_of_concern_are_the_top_places(ctx, truth):
    found = places.places_of_concern(ctx, audience="partnership")
    top = list(zip(found["kind"], found["lsoa"], strict=True))[:5]
    planted = [(p["kind"], p["lsoa"]) for p in truth.places if p["planted"] == "1"]
    assert len(planted) == 3
    assert set(planted) <= set(top), f"planted {planted}, top five found {top}"


@pytest.mark.slow
def test_planted_adults_who_target_several_children_are_found(network, truth):
    children_of: dict[str, set[str]] = collections.defaultdict(set)
    for e in truth.exploitation:
        if truth.lives_here(e["person_id"]):
            for adult in filter(None, e["perpetrators"].split(";")):
                children_of[adult].add(e["person_id"])
    targets_several = {a for a, kids in children_of.items() if len(kids) >= 3}
    adults = networks.adults_linked(network)
    linked_2 = {truth.true_of.get(p) for p in adults.loc[adults["children"] >= 2, "person_id"]}
    assert targets_several, "the synthetic borough should plant adults who target several children"
    recall = len(targets_several & linked_2) / len(targets_several)
    precision = len(linked_2 & truth.perpetrators) / max(len(linked_2), 1)
    print(f"adults targeting 3+ children: {len(targets_several)}; found {recall:.0%}; "
          f"of adults linked to 2+ children, {precision:.0%} are planted perpetrators")
    assert recall >= 0.8
    assert precision >= 0.8


@pytest.mark.slow
def test_planted_peer_groups_are_recovered(network, truth):
    true_group = {r["person_id"]: r["group_id"] for r in truth.groups
                  if truth.lives_here(r["person_id"]) and r["person_id"] in set(truth.true_of.values())}
    found_group = {}
    for gid, members in network.groups.items():
        for m in members:
            if truth.true_of.get(m):
                found_group[truth.true_of[m]] = gid
    ari = networks.adjusted_rand_index(true_group, found_group)
    print(f"{len(set(true_group.values()))} planted groups, {len(network.groups)} found; adjusted Rand index {ari:.3f}")
    assert len(set(true_group.values())) >= 3
    assert ari >= 0.8


@pytest.mark.slow
def test_planted_pathway_is_a_frequent_journey(ctx):
    firsts = journeys.first_contacts(ctx)
    seq = firsts.groupby("person_id")["service"].apply(lambda s: ">".join(list(s)[:3]))
    commonest = seq.value_counts()
    assert "education>missing>police" in list(commonest.index[:2]), commonest.head(5)
    print(f"commonest journeys: {commonest.head(3).to_dict()}")
    nodes, links = journeys.sankey(ctx, audience="partnership")
    shown = links[links["children"] != SUPPRESSED].assign(n=lambda d: d["children"].astype(int))
    for step, link in ((1, ("1. Education (suspension or absence)", "2. Missing episode")),
                       (2, ("2. Missing episode", "3. Police"))):
        top = shown[shown["source"].str.startswith(f"{step}.")].nlargest(3, "n")
        assert link in list(zip(top["source"], top["target"], strict=True)), top


# ----------------------------------------------------------------------------- each analysis's own rules

@pytest.mark.slow
def test_overlaps_add_up_and_agree(ctx):
    children = ctx.con.execute("SELECT count(*) FROM an_concern").fetchone()[0]
    combos = overlaps.agency_combinations(ctx, "partnership")
    total = combos.loc[combos["kind"] == "total", "children"].iloc[0]
    assert total == children
    unknown = overlaps.unknown_to_social_care_records(ctx)
    if len(unknown):
        ids = ", ".join(f"'{p}'" for p in unknown["person_id"])
        assert ctx.con.execute(f"SELECT count(*) FROM an_contact WHERE service = 'social_care' "
                               f"AND person_id IN ({ids})").fetchone()[0] == 0
    lags = overlaps.lag_records(ctx)
    assert (lags["lag_days"] >= 0).all() and len(lags) == children


@pytest.mark.slow
def test_ace_prevalence_is_aggregate_and_adds_up(ctx):
    table = aces.ace_prevalence(ctx, "partnership")
    assert "person_id" not in table.columns
    for cohort, part in table.groupby("cohort"):
        shown = part[part["children"] != SUPPRESSED]
        if len(shown) == len(part):
            bands = part[part["aces"] != ALL]["children"].astype(int).sum()
            assert bands == int(part.loc[part["aces"] == ALL, "children"].iloc[0]), cohort
    pct = {c: float(p.loc[p["aces"] == "0", "percentage"].iloc[0]) for c, p in table.groupby("cohort")}
    # exploited children in the synthetic borough come from households with more recorded ACEs
    assert pct["children with exploitation concerns"] < pct["all children known to services"]
    public = {name for name in dir(aces) if not name.startswith("_")}
    assert not any("score" in name or "per_child" in name for name in public)


@pytest.mark.slow
def test_area_rates_add_up_to_the_partnership(ctx):
    wards = places.area_rates(ctx, "ward", "partnership")
    total = wards[wards["area_code"] == ALL].iloc[0]
    parts = wards[wards["area_code"] != ALL]
    assert parts["population"].sum() == total["population"]
    if (parts["incidents"] != SUPPRESSED).all():
        assert parts["incidents"].astype(int).sum() == int(total["incidents"])


# ----------------------------------------------------------------------------- what leaves the system

@pytest.mark.slow
def test_published_tables_hide_small_counts_and_hold_no_person(analysis_workspace):
    ws = analysis_workspace.workspace
    threshold = ws.config().disclosure.audiences["public"].threshold
    con = connect(ws)
    try:
        info = con.execute("SELECT table_name, audience FROM analysis_info").fetchall()
        assert {t for t, _ in info} == {a.table for a in ANALYSES}
        for table, audience in info:
            cols = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
            if audience == "analyst":
                continue
            assert not {"person_id", "node_id", "a", "b"} & set(cols), table
            for col in ("children", "incidents", "children_with_concern", "children_with_sign", "children_helped"):
                if col not in cols:
                    continue
                values = [v for (v,) in con.execute(f'SELECT "{col}" FROM "{table}" WHERE audience = ?',
                                                    ["public"]).fetchall()]
                small = [v for v in values if v not in (None, SUPPRESSED) and 0 < int(float(v)) <= threshold]
                assert not small, f"{table}.{col} shows counts of {threshold} or fewer: {small[:5]}"
    finally:
        con.close()


@pytest.mark.slow
def test_a_failed_run_keeps_the_last_good_file(analysis_workspace, monkeypatch):
    ws = analysis_workspace.workspace
    before = analysis_path(ws).read_bytes()
    import ceintel.analysis.run as run

    def broken(shared, audience):
        raise RuntimeError("disk full")

    monkeypatch.setattr(run, "ANALYSES", (run.ANALYSES[0], run.Analysis(
        "broken", "Broken", "themes", "?", "", "all", broken)))
    with pytest.raises(RuntimeError):
        run.run_analyses(ws)
    assert analysis_path(ws).read_bytes() == before
    assert not analysis_path(ws).with_name("analysis.duckdb.building").exists()
    with pytest.raises(WorkspaceError, match="no analysis named"):
        run_analyses(ws, only=("nothing_like_this",))


@pytest.mark.slow
def test_associations_are_read_with_both_people(analysis_workspace):
    con = duck.connect(warehouse_path(analysis_workspace.workspace), read_only=True)
    try:
        rows = dict(con.execute("SELECT source_id, count(*) FROM association GROUP BY ALL").fetchall())
        linked = con.execute("SELECT avg((person_a IS NOT NULL AND person_b IS NOT NULL)::INT) "
                             "FROM association").fetchone()[0]
        protected = con.execute("SELECT DISTINCT p.role FROM association a JOIN person p ON p.person_id = a.person_b "
                                "WHERE a.kind = 'disruption_protects'").fetchall()
        subjects = con.execute("SELECT DISTINCT p.role FROM association a JOIN person p ON p.person_id = a.person_a "
                               "WHERE a.kind = 'disruption_protects'").fetchall()
        kinds = {r[0] for r in con.execute("SELECT DISTINCT kind FROM place WHERE kind IS NOT NULL").fetchall()}
    finally:
        con.close()
    assert rows.get("police_associations", 0) > 50 and rows.get("police_disruptions", 0) > 5
    assert linked > 0.99
    assert protected == [("child",)] and subjects == [("adult",)]
    assert {"park", "takeaway", "transport_hub"} <= kinds  # named places get a kind from the source's patterns


# ----------------------------------------------------------------------------- small pieces

def test_adjusted_rand_index():
    truth = {"a": "1", "b": "1", "c": "2", "d": "2", "e": "3"}
    assert networks.adjusted_rand_index(truth, {"a": "x", "b": "x", "c": "y", "d": "y", "e": "z"}) == 1.0
    assert networks.adjusted_rand_index(truth, {"a": "x", "c": "x", "b": "y", "d": "y"}) < 0.2
    assert networks.adjusted_rand_index(truth, {}) < 0.5


def test_peer_groups_ignore_family_links_and_adults():
    nodes = pd.DataFrame({"node_id": ["c1", "c2", "c3", "c4", "a1"], "node_type": "person",
                          "role": ["child", "child", "child", "child", "adult"]})
    edges = pd.DataFrame({"a": ["c1", "c3", "c1", "a1"], "b": ["c2", "c4", "c3", "c4"],
                          "kind": ["co_occurrence", "recorded_associate", "sibling", "co_occurrence"],
                          "links": [2, 1, 1, 3]})
    groups = networks.peer_groups(nodes, edges)
    assert sorted(sorted(m) for m in groups.values()) == [["c1", "c2"], ["c3", "c4"]]


def test_margins_and_constraints():
    df = pd.DataFrame({"cohort": ["x", "x", "y", "y"], "band": ["0", "1", "0", "1"], "children": [3, 9, 10, 12]})
    full = margins(df, ["cohort", "band"], "children")
    assert len(full) == 4 + 2 + 2 + 1
    assert full.loc[(full["cohort"] == ALL) & (full["band"] == ALL), "children"].iloc[0] == 34
    cons = constraints_of(full, ["cohort", "band"])
    counts = full["children"].to_numpy()
    for c in cons:
        assert counts[c.total] == counts[list(c.parts)].sum()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(st.integers(0, 12), min_size=3, max_size=3), min_size=2, max_size=4))
def test_published_tables_give_no_hidden_count_away(grid):
    df = pd.DataFrame([{"row": f"r{i}", "col": f"c{j}", "children": v} for i, r in enumerate(grid)
                       for j, v in enumerate(r)])
    full = margins(df, ["row", "col"], "children")
    published = publish_counts(full, ["row", "col"], "children", threshold=5)
    hidden = (published["children"] == SUPPRESSED).to_numpy()
    counts = full["children"].to_numpy()
    assert not ((counts >= 1) & (counts <= 5) & ~hidden).any()
    if hidden.any():
        assert len(recoverable(counts, constraints_of(full, ["row", "col"]), hidden)) == 0


def test_code_patterns_give_named_places_a_kind():
    from ceintel.ingest.sql import code_case
    expr = code_case("v", "place_type", {"Residential address": None},
                     patterns={"* Park": "park", "Short-term let, *": "short_term_let"})
    con = duckdb.connect()
    got = [con.execute(f"SELECT {expr} FROM (SELECT ? AS v)", [v]).fetchone()[0]
           for v in ("Aldercroft PARK", "Short-term let, Whinend", "Residential address", "Town hall", "Park")]
    assert got[:2] == ["park", "short_term_let"]
    assert got[2].endswith("drop") and got[3].endswith("unknown") and got[4] == "park"
    assert np.all([isinstance(g, str) for g in got])


def test_analysis_words_pass_the_language_check():
    from ceintel.analysis.journeys import HELP, SIGNS, service_labels
    from ceintel.language import check_labels

    items = [(f"analysis {a.table}.{f}", getattr(a, f)) for a in ANALYSES for f in ("title", "question", "cannot_tell")]
    items += [("journey label", t) for t in [*SIGNS, *HELP, *service_labels().values()]]
    findings = check_labels(items)
    assert not findings, [(f.where, f.phrase) for f in findings]
