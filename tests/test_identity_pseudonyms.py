"""Person ids stay with the child's records when the clustering is recomputed from scratch."""

from __future__ import annotations

import csv
import random
from collections import defaultdict

import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceintel.errors import WorkspaceError
from ceintel.identity.pseudonyms import (
    ACTIVE,
    RETIRED,
    Change,
    IdentityState,
    IssuedId,
    forward,
    load_state,
    reconcile,
    save_state,
)
from ceintel.pseudonym import pseudonym

SECRET = bytes(range(32))


def pid(record: str, *extra: str) -> str:
    return "P" + pseudonym(SECRET, "person", record, *extra, length=15)


def clusters_of(*groups: list[str], labels: str = "abcdefghij") -> dict[str, str]:
    """Record -> label for groups of records (labels arbitrary, as the clustering gives them)."""
    return {r: labels[i] for i, group in enumerate(groups) for r in group}


def run(groups: list[list[str]], state: IdentityState | None = None,
        date: str = "2024-04-01") -> tuple[IdentityState, list[Change]]:
    return reconcile(clusters_of(*groups), state or IdentityState(), SECRET, date)


def kinds(changes: list[Change]) -> list[tuple]:
    return [(c.kind, c.person_id, c.other_id, c.records) for c in changes]


A, B, C, D, E = "csc:a", "csc:b", "pol:c", "pol:d", "hlt:e"


# --- behaviour -------------------------------------------------------------------------------


def test_first_run_issues_new_keyed_ids():
    state, changes = run([[B, A], [C]])
    assert state.assignment == {A: pid(A), B: pid(A), C: pid(C)}
    assert len(pid(A)) == 16 and pid(A) != pid(C)
    fresh = IssuedId("2024-04-01", ACTIVE)
    assert state.issued == {pid(A): fresh, pid(C): fresh}
    assert kinds(changes) == [("new", pid(A), None, 2), ("new", pid(C), None, 1)]


def test_unchanged_clustering_keeps_every_id_and_logs_nothing():
    first, _ = run([[A, B], [C, D], [E]])
    again, changes = reconcile(clusters_of([E], [C, D], [A, B], labels="xyz"), first, SECRET,
                               "2024-05-01")
    assert again == first
    assert changes == []


def test_a_new_record_joining_a_person_keeps_the_persons_id():
    first, _ = run([[A, B], [C]])
    newcomer = "csc:0"  # sorts before A, so a recomputed id would differ
    second, changes = run([[C], [newcomer, A, B]], first, "2024-05-01")
    assert second.assignment[newcomer] == second.assignment[A] == pid(A)
    assert second.assignment[C] == pid(C)
    assert second.issued == first.issued
    assert changes == []


def test_a_merge_keeps_the_larger_persons_id_and_retires_the_other():
    first, _ = run([[A, B, C], [D, E]])
    second, changes = run([[A, B, C, D, E]], first, "2024-05-01")
    assert set(second.assignment.values()) == {pid(A)}
    assert second.issued[pid(E)] == IssuedId("2024-04-01", RETIRED, pid(A))  # E sorts before D
    assert forward(second, pid(E)) == pid(A)
    assert forward(second, pid(A)) == pid(A)
    assert kinds(changes) == [("merged", pid(E), pid(A), 2)]


def test_a_merge_of_equal_people_keeps_the_earlier_issued_id():
    first, _ = run([[D]], date="2024-01-01")
    # a later person whose id sorts before D's, so "smallest id" alone would pick it
    later = next(r for r in (f"csc:n{i}" for i in range(100)) if pid(r) < pid(D))
    second, _ = run([[D], [later]], first, "2024-02-01")
    third, changes = run([[D, later]], second, "2024-03-01")
    assert third.assignment[later] == third.assignment[D] == pid(D)
    assert kinds(changes) == [("merged", pid(later), pid(D), 1)]


def test_forward_follows_a_chain_of_merges_to_the_active_id():
    more = ["pol:f", "pol:g", "pol:h"]
    first, _ = run([[A], [C, D], [E]])
    second, _ = run([[A, C, D], [E, *more]], first, "2024-05-01")
    third, _ = run([[A, C, D, E, *more]], second, "2024-06-01")
    assert third.issued[pid(A)].replaced_by == pid(C)
    assert third.issued[pid(C)].replaced_by == pid(E)
    assert forward(third, pid(A)) == forward(third, pid(C)) == pid(E)


def test_a_split_keeps_the_id_on_the_larger_part_and_gives_the_other_a_fresh_id():
    first, _ = run([[A, B, C, D, E]])
    second, changes = run([[A, B], [C, D, E]], first, "2024-05-01")
    assert second.assignment[C] == pid(A)
    fresh = second.assignment[A]
    assert fresh == second.assignment[B] != pid(A)
    assert fresh not in first.issued
    assert fresh == pid(A, "2")  # A is still the smallest record, so the plain id was taken
    assert second.issued[fresh] == IssuedId("2024-05-01", ACTIVE)
    assert second.issued[pid(A)].status == ACTIVE
    assert kinds(changes) == [("split", fresh, pid(A), 2)]


def test_a_split_into_equal_parts_leaves_the_id_with_the_part_holding_the_smallest_record():
    first, _ = run([[A, B, C, D]])
    second, changes = run([[C, D], [A, B]], first, "2024-05-01")
    assert second.assignment[A] == pid(A)
    assert second.assignment[C] != pid(A)
    assert kinds(changes) == [("split", second.assignment[C], pid(A), 2)]


def test_a_split_never_reissues_an_id_retired_long_ago():
    first, _ = run([[A, B]])
    second, _ = run([[A, B, C, D, E]], first, "2024-05-01")  # pid(A) kept, nothing retired
    third, _ = run([[C, D, E], [A, B]], second, "2024-06-01")  # A,B split off: needs pid(A, "2")
    fourth, _ = run([[A, B, C, D, E]], third, "2024-07-01")  # merged again: pid(A, "2") retired
    fifth, changes = run([[C, D, E], [A, B]], fourth, "2024-08-01")
    assert fourth.issued[pid(A, "2")].status == RETIRED
    assert fifth.assignment[A] == pid(A, "3")
    assert kinds(changes) == [("split", pid(A, "3"), pid(A), 2)]


def test_records_moving_between_active_people_are_logged_as_moved():
    first, _ = run([[A, B, C], [D, E]])
    second, changes = run([[A, B], [C, D, E]], first, "2024-05-01")
    assert second.assignment[C] == pid(E)
    assert second.assignment[A] == pid(A)
    assert kinds(changes) == [("moved", pid(E), pid(A), 1)]


def test_records_that_disappear_keep_their_ids_and_get_them_back_when_they_return():
    first, _ = run([[A, B], [C]])
    second, changes = run([[A], ["csc:z"]], first, "2024-05-01")
    assert second.assignment[B] == pid(A) and second.assignment[C] == pid(C)
    assert second.issued[pid(C)].status == ACTIVE
    assert kinds(changes) == [("new", pid("csc:z"), None, 1)]
    third, changes = run([[C], [A, B]], second, "2024-06-01")
    assert {r: third.assignment[r] for r in (A, B, C)} == first.assignment
    assert changes == []


def test_a_returning_record_follows_a_merge_made_while_it_was_away():
    first, _ = run([[A, B], [C, D, E]])
    second, _ = run([[B, C, D, E]], first, "2024-05-01")
    assert second.assignment[A] == pid(A)  # kept while away, though pid(A) is now retired
    assert second.issued[pid(A)].status == RETIRED
    third, changes = run([[A, B, C, D, E]], second, "2024-06-01")
    assert set(third.assignment.values()) == {pid(E)}  # E is the smallest of C, D, E
    assert changes == []


def test_input_order_and_labels_do_not_matter():
    records = [f"src{i % 3}:{i:03d}" for i in range(30)]
    first, _ = reconcile({r: i % 4 for i, r in enumerate(records)}, IdentityState(), SECRET,
                         "2024-04-01")
    again = {r: i % 5 for i, r in enumerate(records[3:])}
    shuffled = list(again.items())
    random.Random(7).shuffle(shuffled)
    relabelled = {r: f"cluster-{label * 7}" for r, label in shuffled}
    assert list(relabelled) != list(again)
    assert (reconcile(again, first, SECRET, "2024-05-01")
            == reconcile(relabelled, first, SECRET, "2024-05-01"))


def test_reconcile_leaves_the_given_state_alone():
    first, _ = run([[A, B], [C]])
    snapshot = IdentityState(dict(first.assignment), dict(first.issued))
    run([[A, B, C]], first, "2024-05-01")
    assert first == snapshot


def test_changes_name_only_pseudonyms():
    first, _ = run([[A, B, C], [D, E]])
    _, changes = run([[A], [B, C, D], [E]], first, "2024-05-01")
    assert changes
    for c in changes:
        assert not any(r in c.detail for r in (A, B, C, D, E))
        assert c.person_id in c.detail


def test_a_record_without_a_source_is_refused():
    with pytest.raises(ValueError, match="source_id:record_key"):
        reconcile({"no-colon": 1}, IdentityState(), SECRET, "2024-04-01")


def test_forward_refuses_an_id_never_issued():
    with pytest.raises(KeyError):
        forward(IdentityState(), "P000")


# --- files -----------------------------------------------------------------------------------


def test_save_and_load_round_trip(tmp_path):
    folder = tmp_path / "identity"
    assert load_state(folder) == IdentityState()
    odd = "a_src:key:with:colons"
    first, changes1 = run([[A, B], [C, odd], [D, E]])
    second, changes2 = run([[A, B, D, E], [odd]], first, "2024-05-01")  # C away, a merge
    save_state(folder, second, changes2, "2024-05-01")
    assert load_state(folder) == second
    table = pq.read_table(folder / "person_map.parquet").to_pylist()
    assert table[0] == {"record": odd, "source_id": "a_src", "record_key": "key:with:colons",
                        "person_id": second.assignment[odd]}
    assert [row["record"] for row in table] == sorted(second.assignment)
    with open(folder / "issued.csv", encoding="utf-8", newline="") as fh:
        issued = list(csv.DictReader(fh))
    assert {row["status"] for row in issued} == {ACTIVE, RETIRED}
    assert sorted(p.name for p in folder.iterdir()) == ["changes.csv", "issued.csv",
                                                        "person_map.parquet"]


def test_changes_csv_is_appended_with_one_header(tmp_path):
    state = IdentityState()
    for date, groups in [("2024-04-01", [[A, B], [C]]), ("2024-05-01", [[A, B, C]]),
                         ("2024-06-01", [[A, B, C]])]:
        state, changes = run(groups, state, date)
        save_state(tmp_path, state, changes, date)
    with open(tmp_path / "changes.csv", encoding="utf-8", newline="") as fh:
        rows = list(csv.reader(fh))
    assert rows[0] == ["run_date", "kind", "person_id", "other_id", "records", "detail"]
    assert [row[:5] for row in rows[1:]] == [
        ["2024-04-01", "new", pid(A), "", "2"],
        ["2024-04-01", "new", pid(C), "", "1"],
        ["2024-05-01", "merged", pid(C), pid(A), "1"],
    ]


def test_loading_a_person_map_that_names_an_unissued_id_is_refused(tmp_path):
    state, changes = run([[A, B]])
    save_state(tmp_path, IdentityState(state.assignment, {}), changes, "2024-04-01")
    with pytest.raises(WorkspaceError, match="restore the identity folder"):
        load_state(tmp_path)


# --- properties ------------------------------------------------------------------------------

UNIVERSE = [f"{src}:{k:02x}" for src in ("csc", "pol", "hlt") for k in range(8)]
clusterings = st.dictionaries(st.sampled_from(UNIVERSE), st.integers(0, 5), max_size=len(UNIVERSE))
histories = st.lists(clusterings, min_size=1, max_size=5)


def check_run(prev: IdentityState, clusters: dict[str, int], new: IdentityState,
              changes: list[Change], date: str) -> None:
    members: dict[int, list[str]] = defaultdict(list)
    for r, label in clusters.items():
        members[label].append(r)
    ids = {}
    for label, group in members.items():
        (ids[label],) = {new.assignment[r] for r in group}  # one id per cluster
        assert new.issued[ids[label]].status == ACTIVE
    assert len(set(ids.values())) == len(ids)  # no two clusters share an id
    assert set(new.assignment) == set(prev.assignment) | set(clusters)
    for r, p in prev.assignment.items():
        if r not in clusters:
            assert new.assignment[r] == p
    assert set(prev.issued) <= set(new.issued)
    fresh = set(new.issued) - set(prev.issued)
    for p, entry in prev.issued.items():
        assert new.issued[p].first_issued == entry.first_issued
        if entry.status == RETIRED:
            assert new.issued[p] == entry
    for p in fresh:
        assert new.issued[p] == IssuedId(date, ACTIVE)
    for p in new.issued:
        assert new.issued[forward(new, p)].status == ACTIVE
    before = {r: forward(prev, prev.assignment[r]) for r in clusters if r in prev.assignment}
    for label, group in members.items():  # an id only goes where some of its records went
        assert ids[label] in fresh or ids[label] in {before.get(r) for r in group}
    assert {c.person_id for c in changes if c.kind in ("new", "split")} == fresh
    for c in changes:
        if c.kind == "merged":
            assert prev.issued[c.person_id].status == ACTIVE
            assert new.issued[c.person_id] == IssuedId(prev.issued[c.person_id].first_issued,
                                                       RETIRED, c.other_id)
    changed = sum(1 for r, p in before.items() if new.assignment[r] != p)
    assert sum(c.records for c in changes if c.kind != "new") == changed


@settings(max_examples=150, deadline=None)
@given(histories)
def test_every_refresh_keeps_the_invariants(history):
    state = IdentityState()
    for month, clusters in enumerate(history, start=1):
        date = f"2024-{month:02d}-01"
        new, changes = reconcile(clusters, state, SECRET, date)
        check_run(state, clusters, new, changes, date)
        assert reconcile(clusters, new, SECRET, f"2025-{month:02d}-01") == (new, [])
        state = new


@settings(max_examples=60, deadline=None)
@given(histories, st.randoms(use_true_random=False))
def test_the_result_depends_only_on_which_records_are_together(history, rnd):
    plain = shuffled = IdentityState()
    for month, clusters in enumerate(history, start=1):
        items = list(clusters.items())
        rnd.shuffle(items)
        labels = sorted(set(clusters.values()))
        relabel = dict(zip(labels, rnd.sample(range(10**6), len(labels)), strict=True))
        other = {r: relabel[label] for r, label in items}
        date = f"2024-{month:02d}-01"
        plain, changes = reconcile(clusters, plain, SECRET, date)
        shuffled, changes_shuffled = reconcile(other, shuffled, SECRET, date)
        assert (shuffled, changes_shuffled) == (plain, changes)


@settings(max_examples=15, deadline=None)
@given(histories)
def test_saved_state_loads_back_unchanged(tmp_path_factory, history):
    folder = tmp_path_factory.mktemp("identity")
    state = IdentityState()
    for month, clusters in enumerate(history, start=1):
        date = f"2024-{month:02d}-01"
        state, changes = reconcile(clusters, state, SECRET, date)
        save_state(folder, state, changes, date)
        assert load_state(folder) == state
