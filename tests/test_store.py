"""The app state store: migrations from empty, constraints, append-only history; SQLite and (if set) PostgreSQL."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ceintel.store.db import (
    URL_VARIABLE,
    current_revision,
    downgrade,
    make_engine,
    session_scope,
    store_url,
    table_names,
    upgrade,
)
from ceintel.store.models import (
    Action,
    ActionPlan,
    ActionUpdate,
    AppendOnlyError,
    Base,
    MaturityAnswer,
    MaturityRound,
)

POSTGRES = os.environ.get("CEINTEL_TEST_POSTGRES_URL")
APP_TABLES = {"maturity_round", "maturity_answer", "action_plan", "action", "action_update", "narrative", "app_user",
              "login_session", "audit_event"}


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request, tmp_path):
    """An empty database: a SQLite file, or the PostgreSQL at CEINTEL_TEST_POSTGRES_URL (emptied after)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'app.db'}"
        return
    if not POSTGRES:
        pytest.skip("set CEINTEL_TEST_POSTGRES_URL to also test on PostgreSQL")
    downgrade(POSTGRES, "base")
    yield POSTGRES
    downgrade(POSTGRES, "base")


HEAD = "0002"


def test_upgrade_from_empty_creates_every_table_at_head(db_url):
    assert current_revision(db_url) is None
    upgrade(db_url)
    assert current_revision(db_url) == HEAD
    assert set(table_names(db_url)) >= APP_TABLES
    upgrade(db_url)  # running again is harmless
    assert current_revision(db_url) == HEAD


def test_downgrade_to_base_removes_the_tables(db_url):
    upgrade(db_url)
    downgrade(db_url, "base")
    assert not APP_TABLES & set(table_names(db_url))


def test_models_and_migrations_agree(db_url):
    """A model changed without a migration would show up here as a difference."""
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    upgrade(db_url)
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    finally:
        engine.dispose()
    assert diff == []


def _round(session) -> MaturityRound:
    rnd = MaturityRound(label="2026-03", questionnaire_version="2026.1", held_on=dt.date(2026, 3, 31))
    session.add(rnd)
    session.flush()
    return rnd


def test_answers_are_stored_and_read_back(db_url):
    upgrade(db_url)
    with session_scope(db_url) as s:
        rnd = _round(s)
        s.add(MaturityAnswer(round_id=rnd.id, agency="Police", item_id="ex_types", level=4,
                             evidence_note="see the audit", answered_by="Data lead",
                             answered_at=dt.datetime(2026, 3, 10, 9, 30)))
    with session_scope(db_url) as s:
        a = s.scalar(select(MaturityAnswer))
        assert (a.agency, a.item_id, a.level, a.round.label) == ("Police", "ex_types", 4, "2026-03")
        assert a.answered_at == dt.datetime(2026, 3, 10, 9, 30)


@pytest.mark.parametrize("level", [0, 6])
def test_a_level_outside_1_to_5_is_refused_by_the_database(db_url, level):
    upgrade(db_url)
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        rnd = _round(s)
        s.add(MaturityAnswer(round_id=rnd.id, agency="Police", item_id="ex_types", level=level))
        s.flush()


def test_one_answer_per_agency_item_and_round(db_url):
    upgrade(db_url)
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        rnd = _round(s)
        for level in (2, 3):
            s.add(MaturityAnswer(round_id=rnd.id, agency="Police", item_id="ex_types", level=level))
        s.flush()


def test_a_partnership_plan_has_no_agency(db_url):
    upgrade(db_url)
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        s.add(ActionPlan(scope="partnership", agency="Police", title="wrong"))
        s.flush()


def test_unknown_action_status_is_refused(db_url):
    upgrade(db_url)
    with pytest.raises(IntegrityError), session_scope(db_url) as s:
        plan = ActionPlan(scope="agency", agency="Police", title="Police plan")
        s.add(plan)
        s.flush()
        s.add(Action(plan_id=plan.id, what="x", status="finished"))
        s.flush()


def test_action_history_is_append_only_and_goes_with_its_plan(db_url):
    upgrade(db_url)
    with session_scope(db_url) as s:
        plan = ActionPlan(scope="agency", agency="Police", title="Police plan")
        s.add(plan)
        s.flush()
        action = Action(plan_id=plan.id, what="Add a place kind field", status="not_started")
        s.add(action)
        s.flush()
        s.add(ActionUpdate(action_id=action.id, new_status="not_started", note="added"))
    with pytest.raises(AppendOnlyError), session_scope(db_url) as s:
        update = s.scalar(select(ActionUpdate))
        update.note = "rewritten"
        s.flush()
    with session_scope(db_url) as s:
        assert s.scalar(select(ActionUpdate)).note == "added"
        s.delete(s.scalar(select(ActionPlan)))
    with session_scope(db_url) as s:
        assert s.scalars(select(Action)).all() == []
        assert s.scalars(select(ActionUpdate)).all() == []


def test_store_url_defaults_to_the_workspace_and_follows_the_environment(tmp_path, monkeypatch):
    from ceintel.workspace import Workspace

    monkeypatch.delenv(URL_VARIABLE, raising=False)
    assert store_url(Workspace(tmp_path)) == f"sqlite:///{tmp_path.resolve() / 'app.db'}"
    monkeypatch.setenv(URL_VARIABLE, "postgresql+psycopg://u@host/db")
    assert store_url(Workspace(tmp_path)) == "postgresql+psycopg://u@host/db"


def test_an_unreachable_store_is_one_clear_error(tmp_path):
    from ceintel.store.db import StoreError

    with pytest.raises(StoreError, match="cannot"):
        upgrade(f"sqlite:///{tmp_path / 'missing-folder' / 'app.db'}")


def test_narratives_keep_versions_and_bring_back_language_suggestions(db_url):
    from ceintel.store.db import session_scope
    from ceintel.store.narratives import (
        NarrativeError,
        current_narratives,
        history,
        save_narrative,
        withdraw,
    )

    with session_scope(db_url) as s:
        first, findings = save_narrative(s, target_kind="indicator", target_id="children_cce", author="Practice lead",
                                         text="Young people told us the station is where adults approach them.")
        assert findings == []
        second, findings = save_narrative(s, target_kind="indicator", target_id="children_cce", author="Practice lead",
                                          key=first.key, text="She was putting herself at risk at the station.")
        assert second.version == 2 and [f.rule_id for f in findings] == ["putting_self_at_risk"]
    with pytest.raises(AppendOnlyError), session_scope(db_url) as s:
        history(s, first.key)[1].text = "rewritten"
        s.flush()
    with session_scope(db_url) as s:
        shown = current_narratives(s, "indicator", "children_cce")
        assert [n.version for n in shown] == [2]
        assert [n.version for n in history(s, first.key)] == [1, 2]
        withdraw(s, first.key)
    with session_scope(db_url) as s:
        assert current_narratives(s) == []
        with pytest.raises(NarrativeError):
            save_narrative(s, target_kind="child", target_id="x", author="a", text="t")
