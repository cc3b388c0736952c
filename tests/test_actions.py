"""Action plans: suggestions from answers, evidence and quality; history; overdue; the commands."""

from __future__ import annotations

import datetime as dt

import pytest
from typer.testing import CliRunner

from ceintel.actions.plans import (
    ActionError,
    add_action,
    add_suggestions,
    get_action,
    is_overdue,
    list_actions,
    update_action,
)
from ceintel.actions.suggest import Suggestion, from_answers, from_evidence, from_quality, ordered
from ceintel.errors import CeintelError
from ceintel.maturity.evidence import compare
from ceintel.maturity.measures import MeasuredFact
from ceintel.maturity.questionnaire import builtin_questionnaire
from ceintel.store.db import session_scope

Q = builtin_questionnaire()
TODAY = dt.date(2026, 10, 5)


@pytest.fixture
def url(tmp_path):
    return f"sqlite:///{tmp_path / 'app.db'}"


# --------------------------------------------------------------------------- overdue

@pytest.mark.parametrize(("due", "status", "overdue"), [
    (dt.date(2026, 10, 4), "not_started", True),
    (dt.date(2026, 10, 4), "in_progress", True),
    (dt.date(2026, 10, 4), "done", False),
    (dt.date(2026, 10, 4), "dropped", False),
    (dt.date(2026, 10, 5), "not_started", False),  # due today is not yet overdue
    (None, "not_started", False),
])
def test_overdue_means_past_due_and_still_open(due, status, overdue):
    assert is_overdue(due, status, TODAY) is overdue


# --------------------------------------------------------------------------- plans and history

def test_actions_keep_their_history(url):
    with session_scope(url) as s:
        a = add_action(s, agency="Brackenshire Police", what="Add a place kind to occurrences",
                       why="Places rarely have a kind", owner="BI lead", due_on=dt.date(2026, 6, 30),
                       maturity_item_id="ex_places", by="analyst", at=dt.datetime(2026, 4, 1, 9))
        action_id = a.id
    with session_scope(url) as s:
        update_action(s, action_id, status="in_progress", note="Supplier asked", by="BI lead",
                      at=dt.datetime(2026, 5, 1, 9))
        update_action(s, action_id, due_on=dt.date(2026, 12, 31), by="BI lead", at=dt.datetime(2026, 6, 1, 9))
    with session_scope(url) as s:
        view = get_action(s, action_id, TODAY)
    assert view.status == "in_progress" and view.due_on == dt.date(2026, 12, 31) and not view.overdue
    assert view.updated_at == dt.datetime(2026, 6, 1, 9)
    assert [(u.old_status, u.new_status) for u in view.history] == [
        (None, "not_started"), ("not_started", "in_progress"), ("in_progress", None)]
    assert view.history[1].note == "Supplier asked"
    assert "due date 2026-06-30 → 2026-12-31" in view.history[2].note


def test_bad_updates_are_refused(url):
    with session_scope(url) as s:
        action_id = add_action(s, agency=None, what="Agree one list of exploitation types").id
    with pytest.raises(ActionError, match="status 'finished'"), session_scope(url) as s:
        update_action(s, action_id, status="finished")
    with pytest.raises(ActionError, match="no action 999"), session_scope(url) as s:
        update_action(s, 999, note="x")
    with pytest.raises(ActionError, match="nothing to update"), session_scope(url) as s:
        update_action(s, action_id)
    with pytest.raises(ActionError, match="needs a 'what'"), session_scope(url) as s:
        add_action(s, agency=None, what="  ")


def test_listing_puts_the_partnership_first_and_filters_overdue(url):
    with session_scope(url) as s:
        add_action(s, agency="Police", what="late", due_on=dt.date(2026, 6, 30))
        add_action(s, agency="Police", what="done late", due_on=dt.date(2026, 6, 30), status="done")
        add_action(s, agency="Health", what="future", due_on=dt.date(2027, 3, 31))
        add_action(s, agency=None, what="shared", due_on=dt.date(2026, 9, 30))
    with session_scope(url) as s:
        everything = list_actions(s, TODAY)
        overdue = list_actions(s, TODAY, overdue_only=True)
        police = list_actions(s, TODAY, agency="Police", include_closed=False)
        later = list_actions(s, dt.date(2026, 1, 1), overdue_only=True)
    assert [v.what for v in everything] == ["shared", "future", "late", "done late"]
    assert [v.what for v in overdue] == ["shared", "late"]
    assert [v.what for v in police] == ["late"]
    assert later == []


def test_one_plan_per_agency_and_one_for_the_partnership(url):
    from sqlalchemy import func, select

    from ceintel.store.models import ActionPlan

    with session_scope(url) as s:
        for agency in ("Police", "Police", None, None):
            add_action(s, agency=agency, what="x")
    with session_scope(url) as s:
        assert s.scalar(select(func.count()).select_from(ActionPlan)) == 2


def test_adding_suggestions_twice_adds_each_once(url):
    suggestions = [Suggestion("k1", "agency", "Police", "do a", "why a"),
                   Suggestion("k2", "partnership", None, "do b", "why b", maturity_item_id="ex_types")]
    with session_scope(url) as s:
        first = add_suggestions(s, suggestions, due_on=dt.date(2026, 6, 30))
    with session_scope(url) as s:
        again = add_suggestions(s, suggestions)
        views = list_actions(s, TODAY)
    assert len(first) == 2 and again == []
    assert [(v.plan, v.suggestion_key, v.overdue) for v in views] == [("partnership", "k2", True),
                                                                     ("Police", "k1", True)]


# --------------------------------------------------------------------------- suggestions

def test_low_answers_suggest_agency_actions_and_shared_lows_a_partnership_action():
    by_agency = {"Police": {"ex_types": 1, "dc_purpose": 4}, "Health": {"ex_types": 2, "dc_purpose": 3},
                 "VCS": {"ex_types": 4, "dc_purpose": 2}}
    out = from_answers(Q, by_agency)
    keys = {s.key for s in out}
    assert {"maturity:Police:ex_types", "maturity:Health:ex_types", "maturity:VCS:dc_purpose"} <= keys
    assert "maturity:Police:dc_purpose" not in keys
    shared = [s for s in out if s.scope == "partnership"]
    assert [s.maturity_item_id for s in shared] == ["ex_types"]  # 2 of 3 low; dc_purpose only 1 of 3
    assert "2 of 3 agencies" in shared[0].why
    police = next(s for s in out if s.key == "maturity:Police:ex_types")
    assert police.what == Q.item("ex_types").suggestion and police.indicator_id == Q.item("ex_types").indicator


def test_high_answers_suggest_nothing():
    assert from_answers(Q, {"Police": {i.id: 4 for i in Q.items}}) == []


def test_only_highlighted_evidence_suggests_a_conversation():
    facts = {"exploitation_types_used": MeasuredFact("Health", "exploitation_types_used", 0.0),
             "records_with_ethnicity": MeasuredFact("Health", "records_with_ethnicity", 0.9)}
    rows = compare(Q, "Health", {"ex_types": 5, "dc_demographics": 4}, facts)
    out = from_evidence(Q, rows)
    assert [s.key for s in out] == ["evidence:Health:ex_types:exploitation_types_used"]
    assert out[0].what.startswith("Talk through")


def _source(**kw):
    base = {"source_id": "police_occurrences", "agency": "Police", "lowest_completeness": 0.9,
            "lowest_completeness_field": "person.ethnicity", "rows_read": 1000, "rows_quarantined": 10,
            "rows_out_of_area": 0, "days_newest_to_extract": 5, "mean_validity": 0.99, "gap_months": 0}
    return base | kw


def test_quality_findings_suggest_actions_at_their_thresholds():
    assert from_quality([_source()]) == []
    out = from_quality([_source(lowest_completeness=0.46, rows_quarantined=292, rows_out_of_area=200,
                                days_newest_to_extract=120, mean_validity=0.9, gap_months=2)])
    kinds = [s.key.split(":")[2] for s in out]
    assert kinds == ["completeness", "held_back", "stale", "validity", "gaps"]
    assert "'ethnicity'" in out[0].what and "46%" in out[0].why
    assert "92 of 1,000" in out[1].why  # out-of-area rows are not a problem to fix
    assert all(s.agency == "Police" and s.scope == "agency" for s in out)


def test_ordered_puts_partnership_first_and_drops_duplicates():
    a = Suggestion("a", "agency", "Police", "x", "y", priority=1)
    p = Suggestion("p", "partnership", None, "x", "y", priority=3)
    assert [s.key for s in ordered([a, p, a])] == ["p", "a"]


# --------------------------------------------------------------------------- commands

@pytest.fixture
def ws(tmp_path, monkeypatch):
    from ceintel.workspace import init_workspace

    monkeypatch.delenv("CEINTEL_STORE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return init_workspace(tmp_path / "ws")


def test_actions_commands_add_list_update(ws):
    from ceintel.maturity.cli import actions_app

    runner = CliRunner()
    root = str(ws.root)
    r = runner.invoke(actions_app, ["add", "Agree one list of exploitation types", "--due", "2026-06-30",
                                    "--owner", "Chair", "--item", "ex_types", "-w", root])
    assert r.exit_code == 0 and "partnership plan" in r.output, r.output
    r = runner.invoke(actions_app, ["add", "Validate postcodes", "--agency", "Brackenshire Police",
                                    "--due", "2027-01-31", "-w", root])
    assert r.exit_code == 0, r.output
    r = runner.invoke(actions_app, ["list", root, "--overdue", "--today", "2026-10-05"])
    assert r.exit_code == 0 and "OVERDUE" in r.output
    assert "Agree one list" in r.output and "Validate postcodes" not in r.output
    r = runner.invoke(actions_app, ["update", "1", "--status", "done", "--note", "Agreed at the board",
                                    "-w", root])
    assert r.exit_code == 0 and "done" in r.output, r.output
    r = runner.invoke(actions_app, ["list", root, "--overdue", "--today", "2026-10-05"])
    assert "No actions overdue" in r.output
    r = runner.invoke(actions_app, ["list", root, "--agency", "police", "--history"])
    assert r.exit_code == 0 and "Validate postcodes" in r.output and "new → not started" in r.output


@pytest.mark.parametrize("args", [
    ["update", "42", "--note", "x"],
    ["update", "1", "--status", "finished"],
    ["add", "x", "--due", "30/06/2026"],
    ["add", "x", "--item", "no_such_item"],
])
def test_actions_commands_report_problems_as_user_errors(ws, args):
    from ceintel.maturity.cli import actions_app

    runner = CliRunner()
    runner.invoke(actions_app, ["add", "first", "-w", str(ws.root)])
    r = runner.invoke(actions_app, [*args, "-w", str(ws.root)])
    assert r.exit_code != 0
    assert isinstance(r.exception, CeintelError), r.exception


def test_suggest_command_adds_suggestions_once(ws):
    from ceintel.maturity.cli import actions_app
    from ceintel.maturity.scoring import Answer, AnswerSet
    from ceintel.maturity.storage import save_answers
    from ceintel.store.db import store_url

    with session_scope(store_url(ws)) as s:
        for agency in ("Police", "Health"):
            save_answers(s, Q, AnswerSet(agency, "2026-03", Q.version,
                                         (Answer("ex_types", 1), Answer("dc_purpose", 4))))
    runner = CliRunner()
    r = runner.invoke(actions_app, ["suggest", str(ws.root), "--add", "--due", "2026-12-31"])
    assert r.exit_code == 0, r.output
    assert "Added 3 actions" in r.output  # Police, Health, and the partnership
    r = runner.invoke(actions_app, ["suggest", str(ws.root), "--add"])
    assert "Added 0 actions (3 were already in a plan)" in r.output
