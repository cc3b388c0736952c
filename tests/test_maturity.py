"""The maturity self-assessment: questionnaire, scoring, evidence, exchange files, radar, synthetic answers."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from ceintel.errors import CeintelError, ConfigError
from ceintel.maturity.evidence import GAP, compare, largest_gaps
from ceintel.maturity.exchange import read_answers, write_answers
from ceintel.maturity.measures import MEASURES, MeasuredFact
from ceintel.maturity.questionnaire import Evidence, builtin_questionnaire, parse_questionnaire
from ceintel.maturity.radar import radar_svg
from ceintel.maturity.scoring import (
    Answer,
    AnswerError,
    AnswerSet,
    domain_scores,
    overall_score,
    partnership_profile,
    round_change,
)

Q = builtin_questionnaire()
ITEM_IDS = [i.id for i in Q.items]
SVG = "{http://www.w3.org/2000/svg}"


# --------------------------------------------------------------------------- questionnaire

def test_the_questionnaire_covers_the_domains_the_partnerships_assessed():
    domains = {d.id for d in Q.domains}
    assert {"data_collection", "recording_systems", "analysis", "decision_making", "leadership_culture",
            "skills_capacity", "sharing_governance", "exploitation_recording"} <= domains
    assert [lv.name for lv in Q.levels] == ["beginning", "emerging", "developing", "embedding", "mastering"]
    for item in Q.items:
        assert sorted(item.levels) == [1, 2, 3, 4, 5]
        assert len(set(item.levels.values())) == 5, f"{item.id}: levels must differ"


def test_it_asks_what_exploitation_data_needs():
    ex = {i.id for i in next(d for d in Q.domains if d.id == "exploitation_recording").items}
    assert {"ex_types", "ex_flags", "ex_adults", "ex_places", "ex_child_voice", "ex_searchable"} <= ex


BLAMING = ("involved in", "choose", "choosing", "choice", "risky behaviour", "lifestyle", "putting themselves",
           "prostitut", "sexually active", "recruited", "money mule", "in a relationship with")


def test_its_words_never_put_the_responsibility_on_a_child():
    text = _builtin_text().lower()
    for phrase in BLAMING:
        assert phrase not in text, phrase


def test_the_language_check_finds_nothing_in_what_the_assessment_shows():
    language = pytest.importorskip("ceintel.language")
    from ceintel.synth.maturity import NOTES, PLANTED

    texts = [Q.title, *(lv.summary for lv in Q.levels), *(f"{d.title}. {d.description}" for d in Q.domains)]
    for item in Q.items:
        texts += [item.question, item.suggestion, *item.levels.values()]
    texts += [f"{m.title}; {m.caveat}" for m in MEASURES.values()]
    texts += [p.note for p in PLANTED] + list(NOTES.values())
    assert [f for t in texts for f in language.check_text(t)] == []


def _builtin_text() -> str:
    from importlib import resources

    return (resources.files("ceintel.maturity") / "questionnaire.yaml").read_text(encoding="utf-8")


def test_every_evidence_measure_is_known_and_every_measure_evidences_something():
    used = {ev.measure for i in Q.items for ev in i.evidence}
    assert used == set(MEASURES)


def _broken(edit) -> str:
    data = yaml.safe_load(_builtin_text())
    edit(data)
    return yaml.safe_dump(data)


@pytest.mark.parametrize(("edit", "where"), [
    (lambda d: d["domains"][0]["items"][0]["levels"].pop(3), "domains.0.items.0.levels"),
    (lambda d: d["domains"][0]["items"][1]["evidence"][0].update(measure="nonsense"), "measure"),
    (lambda d: d["domains"][0]["items"][1]["evidence"][0].update(bands={1: 0.9, 2: 0.1}), "bands"),
    (lambda d: d["domains"][1]["items"].append(d["domains"][0]["items"][0]), "appears twice"),
    (lambda d: d.pop("version"), "version"),
])
def test_a_broken_questionnaire_names_the_file_and_the_field(edit, where):
    with pytest.raises(ConfigError) as exc:
        parse_questionnaire(_broken(edit), "partnership/questionnaire.yaml")
    assert "partnership/questionnaire.yaml" in str(exc.value)
    assert where in str(exc.value)


@pytest.mark.parametrize(("value", "level"), [(None, None), (0.0, 1), (0.49, 1), (0.5, 2), (0.86, 4), (1.0, 5)])
def test_bands_turn_a_share_into_the_level_it_suggests(value, level):
    ev = Evidence(measure="records_with_ethnicity", bands={1: 0.0, 2: 0.5, 3: 0.7, 4: 0.85, 5: 0.95})
    assert ev.level_for(value) == level


@pytest.mark.parametrize(("days", "level"), [(3, 5), (7, 5), (8, 4), (31, 3), (60, 2), (400, 1)])
def test_lower_is_better_bands(days, level):
    ev = Evidence(measure="days_newest_event_to_extract", direction="lower_is_better",
                  bands={5: 7, 4: 14, 3: 31, 2: 92})
    assert ev.level_for(days) == level


# --------------------------------------------------------------------------- scoring

def test_domain_score_is_the_mean_of_answered_items_with_counts():
    d = Q.domains[0]
    ids = [i.id for i in d.items]
    scores = domain_scores(Q, {ids[0]: 1, ids[1]: 4})
    first = scores[0]
    assert (first.domain_id, first.mean, first.answered, first.unanswered) == (d.id, 2.5, 2, len(ids) - 2)
    assert all(s.mean is None and s.answered == 0 for s in scores[1:])
    assert overall_score(scores) == 2.5


def test_overall_weighs_each_domain_the_same():
    a, b = Q.domains[0], Q.domains[1]
    levels = {i.id: 5 for i in a.items} | {b.items[0].id: 1}
    assert overall_score(domain_scores(Q, levels)) == 3.0


@pytest.mark.parametrize("levels", [{"no_such_item": 3}, {ITEM_IDS[0]: 0}, {ITEM_IDS[0]: 6}])
def test_answers_outside_the_questionnaire_are_refused(levels):
    with pytest.raises(AnswerError):
        domain_scores(Q, levels)


answers_strategy = st.dictionaries(st.sampled_from(ITEM_IDS), st.integers(1, 5))


@settings(max_examples=60, deadline=None)
@given(answers_strategy)
def test_scores_always_lie_within_the_answers(levels):
    scores = domain_scores(Q, levels)
    assert sum(s.answered + s.unanswered for s in scores) == len(ITEM_IDS)
    assert sum(s.answered for s in scores) == len(levels)
    for s, d in zip(scores, Q.domains, strict=True):
        given_levels = [levels[i.id] for i in d.items if i.id in levels]
        if given_levels:
            assert min(given_levels) <= s.mean <= max(given_levels)
        else:
            assert s.mean is None
    overall = overall_score(scores)
    assert (overall is None) == (not levels)
    if levels:
        assert min(levels.values()) <= overall <= max(levels.values())
    assert domain_scores(Q, dict(reversed(list(levels.items())))) == scores


@settings(max_examples=40, deadline=None)
@given(answers_strategy, st.integers(0, 4))
def test_raising_one_answer_never_lowers_a_score(levels, bump):
    if not levels:
        return
    item = sorted(levels)[0]
    higher = {**levels, item: min(5, levels[item] + bump)}
    for a, b in zip(domain_scores(Q, levels), domain_scores(Q, higher), strict=True):
        assert (a.mean or 0) <= (b.mean or 0)


def test_partnership_profile_puts_agencies_side_by_side():
    d0 = [i.id for i in Q.domains[0].items]
    profile = partnership_profile(Q, {"B police": {d0[0]: 4}, "A health": {d0[0]: 2, d0[1]: 2}})
    assert [p.agency for p in profile.agencies] == ["A health", "B police"]
    first = Q.domains[0].id
    assert profile.partnership[first] == 3.0
    assert (profile.lowest[first], profile.highest[first]) == (2.0, 4.0)
    assert profile.partnership[Q.domains[1].id] is None
    assert profile.overall == 3.0


def test_change_between_rounds():
    d0 = [i.id for i in Q.domains[0].items]
    domains, items = round_change(Q, {d0[0]: 2, d0[1]: 2}, {d0[0]: 4, d0[1]: 2, d0[2]: 3})
    assert domains[0].before == 2.0 and domains[0].after == 3.0 and domains[0].change == 1.0
    assert domains[1].change is None
    by_item = {c.item_id: c.change for c in items}
    assert by_item == {d0[0]: 2, d0[1]: 0, d0[2]: None}


# --------------------------------------------------------------------------- evidence

def _facts(agency: str, **values) -> dict[str, MeasuredFact]:
    return {k: MeasuredFact(agency, k, v, None, None) for k, v in values.items()}


def test_a_gap_of_two_levels_is_highlighted_in_neutral_words():
    facts = _facts("Health", exploitation_types_used=0.0, records_with_ethnicity=0.9)
    rows = compare(Q, "Health", {"ex_types": 4, "dc_demographics": 4}, facts)
    by_item = {r.item_id: r for r in rows}
    types, ethnicity = by_item["ex_types"], by_item["dc_demographics"]
    assert (types.measured_level, types.gap, types.highlighted) == (1, 3, True)
    assert (ethnicity.measured_level, ethnicity.gap, ethnicity.highlighted) == (4, 0, False)
    text = types.message(Q).lower()
    assert "the extract suggests" in text and "worth talking through" in text
    for word in ("wrong", "false", "incorrect", "fail", "inaccurate", "overstat"):
        assert word not in text
    assert [r.item_id for r in largest_gaps(rows)] == ["ex_types"]


def test_an_answer_lower_than_the_extract_is_a_conversation_too():
    rows = compare(Q, "VCS", {"ex_flags": 1}, _facts("VCS", flags_recorded=1.0))
    (row,) = [r for r in rows if r.item_id == "ex_flags"]
    assert row.gap == -3 and row.highlighted
    assert "more may be in place" in row.message(Q)


def test_nothing_measured_means_no_gap():
    rows = compare(Q, "MACE", {"dc_demographics": 5}, _facts("MACE", records_with_ethnicity=None))
    (row,) = [r for r in rows if r.item_id == "dc_demographics"]
    assert row.measured_level is None and not row.highlighted
    assert "cannot show" in row.message(Q)
    assert GAP == 2


# --------------------------------------------------------------------------- import and export

NASTY = ["=HYPERLINK(\"http://x\",\"click\")", "+44 1234", "-2 levels", "@SUM(A1)", "plain note, with ünïcode"]


def _answer_set() -> AnswerSet:
    answers = tuple(Answer(item_id, (k % 5) + 1, NASTY[k % len(NASTY)] if k % 3 else None,
                           "=Data lead" if k == 1 else "Data lead", dt.datetime(2026, 3, 10, 9, 30))
                    for k, item_id in enumerate(ITEM_IDS) if k != 4)
    return AnswerSet("Brackenshire Police", "2026-03", Q.version, answers)


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_answers_round_trip(tmp_path, suffix):
    original = _answer_set()
    path = write_answers(Q, tmp_path / f"answers{suffix}", original)
    back = read_answers(path, Q)
    assert back == original


def test_xlsx_cells_cannot_run_as_formulas(tmp_path):
    from openpyxl import load_workbook

    path = write_answers(Q, tmp_path / "answers.xlsx", _answer_set())
    wb = load_workbook(path)
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(("=", "+", "-", "@")), cell.value
    notes = [c.value for c in wb["Answers"]["F"] if c.value]
    assert "'=HYPERLINK(\"http://x\",\"click\")" in notes


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_a_blank_form_reads_back_as_no_answers_and_a_filled_one_as_answers(tmp_path, suffix):
    path = write_answers(Q, tmp_path / f"blank{suffix}", None, agency="Youth Justice", round="2027-03")
    blank = read_answers(path, Q)
    assert (blank.agency, blank.round, blank.answers) == ("Youth Justice", "2027-03", ())
    if suffix == ".yaml":
        data = yaml.safe_load(path.read_text())
        data["answers"][0]["level"] = 3
        path.write_text(yaml.safe_dump(data))
    else:
        from openpyxl import load_workbook

        wb = load_workbook(path)
        wb["Answers"]["D2"] = 3
        wb.save(path)
    filled = read_answers(path, Q)
    assert filled.levels == {ITEM_IDS[0]: 3}


def test_a_bad_level_in_a_workbook_names_the_row(tmp_path):
    from openpyxl import load_workbook

    path = write_answers(Q, tmp_path / "form.xlsx", None, agency="Police", round="2026-03")
    wb = load_workbook(path)
    wb["Answers"]["D5"] = 7
    wb.save(path)
    with pytest.raises(ConfigError, match=r"form.xlsx: sheet Answers row 5 column level"):
        read_answers(path, Q)


def test_answers_to_another_questionnaire_version_are_refused(tmp_path):
    path = write_answers(Q, tmp_path / "a.yaml", _answer_set())
    path.write_text(path.read_text().replace(f"version: '{Q.version}'", "version: '1999.1'"))
    with pytest.raises(ConfigError, match="version 1999.1"):
        read_answers(path, Q)


def test_unknown_items_are_refused_on_import(tmp_path):
    path = tmp_path / "a.yaml"
    path.write_text(yaml.safe_dump({"questionnaire": Q.id, "version": Q.version, "agency": "Police",
                                    "round": "2026-03", "answers": [{"item": "no_such_item", "level": 2}]}))
    with pytest.raises(ConfigError, match="no_such_item"):
        read_answers(path, Q)


def test_only_yaml_and_xlsx(tmp_path):
    with pytest.raises(ConfigError, match=".yaml or .xlsx"):
        write_answers(Q, tmp_path / "a.csv", _answer_set())


# --------------------------------------------------------------------------- radar

def test_radar_is_accessible_self_contained_svg():
    now = domain_scores(Q, {i: 4 for i in ITEM_IDS})
    before = domain_scores(Q, {i: 2 for i in ITEM_IDS[:10]})
    svg = radar_svg([("2026-03", now), ("2025-03", before)], title="Police & partners")
    root = ET.fromstring(svg)
    assert root.tag == f"{SVG}svg" and root.get("role") == "img"
    assert root.find(f"{SVG}title").text == "Police & partners"
    desc = root.find(f"{SVG}desc").text
    assert "2026-03" in desc and "2025-03" in desc and "not answered" in desc
    assert all(f"{s.title} 4.0" in desc for s in now)
    lowered = svg.lower()
    assert "<script" not in lowered and "href" not in lowered and "url(" not in lowered
    series = [p for p in root.iter(f"{SVG}polygon") if p.find(f"{SVG}title") is not None]
    assert [p.find(f"{SVG}title").text for p in series] == ["2025-03", "2026-03"]
    assert any(p.get("stroke-dasharray") for p in series), "the second round is dashed, not only coloured"


def test_radar_points_sit_at_the_score():
    scores = domain_scores(Q, {i: 5 for i in ITEM_IDS})
    root = ET.fromstring(radar_svg([("r", scores)], title="t", size=500))
    centre = 250
    points = [(float(c.get("cx")), float(c.get("cy"))) for c in root.iter(f"{SVG}circle")]
    radii = {round(((x - centre) ** 2 + (y - centre) ** 2) ** 0.5) for x, y in points}
    assert len(points) == len(Q.domains) and radii == {round(500 * 0.27)}


# --------------------------------------------------------------------------- the synthetic partnership

@pytest.fixture(scope="module")
def seeded(linked_workspace, tmp_path_factory):
    """The synthetic agencies' answers and plans, in a store outside the (shared) workspace."""
    from ceintel.synth.maturity import seed_demo

    url = f"sqlite:///{tmp_path_factory.mktemp('store') / 'app.db'}"
    result = seed_demo(linked_workspace.workspace, seed=1, url=url)
    return linked_workspace.workspace, url, result


def _warehouse(ws):
    from ceintel.warehouse import connect

    return connect(ws)


@pytest.mark.slow
def test_measures_match_the_extracts(linked_workspace):
    """Facts recomputed here from the warehouse rows, and what the synthetic sources are known to hold."""
    from ceintel.maturity.measures import measure_agencies

    ws = linked_workspace.workspace
    con = _warehouse(ws)
    try:
        facts = measure_agencies(con)
        agencies = {r[0] for r in con.execute("SELECT DISTINCT agency FROM source").fetchall()}
        events = con.execute("SELECT s.agency, e.place_id, e.exploitation_types, p.kind FROM event e "
                             "JOIN source s USING (source_id) LEFT JOIN place p USING (place_id)").df()
        flags = con.execute("SELECT s.agency, f.exploitation_type FROM flag f JOIN source s USING (source_id)").df()
        children = con.execute("SELECT s.agency, p.source_id, p.record_id FROM person_record p "
                               "JOIN source s USING (source_id) WHERE coalesce(p.role, 'child') = 'child'").df()
        coded = con.execute("SELECT source_id, record_id FROM flag UNION SELECT source_id, record_id FROM event "
                            "WHERE len(exploitation_types) > 0").df()
    finally:
        con.close()
    assert set(facts) == agencies
    for agency in agencies:
        mine = events[events.agency == agency]
        placed = mine[mine.place_id.notna()]
        assert facts[agency]["events_with_place"].value == pytest.approx(len(placed) / len(mine))
        types = {t for ts in mine.exploitation_types.dropna() for t in ts}
        types |= set(flags[flags.agency == agency].exploitation_type)
        assert facts[agency]["exploitation_types_used"].value == pytest.approx(len(types) / 8)
        assert facts[agency]["flags_recorded"].value == float((flags.agency == agency).any())
        kids = children[children.agency == agency]
        keys = set(zip(coded.source_id, coded.record_id, strict=True))
        with_type = sum((a, b) in keys for a, b in zip(kids.source_id, kids.record_id, strict=True))
        fact = facts[agency]["exploitation_recorded_share"]
        assert (fact.numerator, fact.denominator) == (with_type, len(kids))
    police = next(a for a in agencies if "Police" in a)
    health = next(a for a in agencies if "hospitals" in a)
    vcs = next(a for a in agencies if "voluntary" in a)
    # the ED feed carries no exploitation field at all; the police record several types and adults of concern
    assert facts[health]["exploitation_coded"].value == 0
    assert facts[police]["exploitation_types_used"].value >= 0.5
    assert facts[police]["adults_recorded"].value == 1
    # the exploitation service works with exploited children: most of its records carry a type
    assert facts[vcs]["exploitation_recorded_share"].value > facts[police]["exploitation_recorded_share"].value
    # sources that do not carry ethnicity at all are "not measurable", not 0%
    assert facts[vcs]["records_with_ethnicity"].value is None


@pytest.mark.slow
def test_the_planted_differences_are_the_ones_highlighted(seeded):
    from ceintel.maturity.summary import summarise

    ws, url, result = seeded
    s = summarise(ws, url=url)
    assert (s.previous_round, s.round) == ("2025-03", "2026-03")
    assert set(s.levels) == set(result.agencies) and len(result.agencies) == 8
    assert len(result.planted) >= 3
    highlighted = {(r.agency, r.item_id) for r in s.gaps()}
    planted = {(p.agency, p.item_id) for p in result.planted}
    assert planted <= highlighted
    multi_measure = {i.id for i in Q.items if len(i.evidence) > 1}
    assert {h for h in highlighted - planted if h[1] not in multi_measure} == set()
    health = next(p for p in result.planted if "hospitals" in p.agency)
    assert (health.item_id, health.self_level, health.measured_level) == ("ex_types", 5, 1)


@pytest.mark.slow
def test_synthetic_answers_are_deterministic_and_change_between_rounds(seeded, linked_workspace):
    from ceintel.maturity.summary import measure_workspace
    from ceintel.synth.maturity import synthetic_answers

    _, _, result = seeded
    facts = measure_workspace(linked_workspace.workspace)
    again, _ = synthetic_answers(Q, facts, seed=1)
    assert again == result.answers
    other, _ = synthetic_answers(Q, facts, seed=2)
    assert other != result.answers
    first = {a.agency: a.levels for a in result.answers if a.round == "2025-03"}
    latest = {a.agency: a.levels for a in result.answers if a.round == "2026-03"}
    moved = sum(first[a].get(i) != lv for a in latest for i, lv in latest[a].items())
    assert moved > 0
    assert partnership_profile(Q, latest).overall >= partnership_profile(Q, first).overall


@pytest.mark.slow
def test_demo_plans_have_a_partnership_plan_and_overdue_actions(seeded):
    from ceintel.actions.plans import list_actions
    from ceintel.store.db import session_scope

    _, url, result = seeded
    with session_scope(url) as session:
        views = list_actions(session, dt.date(2026, 10, 5))
        partnership = list_actions(session, dt.date(2026, 10, 5), partnership_only=True)
    assert partnership and all(v.plan == "partnership" for v in partnership)
    assert {v.plan for v in views} - {"partnership"} == set(result.agencies)
    assert any(v.overdue for v in views) and result.overdue == sum(v.overdue for v in views)
    assert any(v.status == "done" for v in views)
    assert all(v.history and v.history[0].note.startswith("added") for v in views)


@pytest.mark.slow
def test_summary_command_prints_scores_and_the_largest_gaps(seeded, monkeypatch):
    from ceintel.maturity.cli import maturity_app

    ws, url, _ = seeded
    monkeypatch.setenv("CEINTEL_STORE_URL", url)
    monkeypatch.setenv("COLUMNS", "200")
    result = CliRunner().invoke(maturity_app, ["summary", str(ws.root), "--gaps", "3"])
    assert result.exit_code == 0, result.output
    assert "round 2026-03" in result.output and "partnership" in result.output
    assert "Largest differences" in result.output and "conversation starters" in result.output
    assert "ex_types" in result.output
    bad = CliRunner().invoke(maturity_app, ["summary", str(ws.root), "--round", "1999-01"])
    assert isinstance(bad.exception, CeintelError) and "1999-01" in str(bad.exception)


# --------------------------------------------------------------------------- commands without a warehouse

@pytest.fixture
def empty_workspace(tmp_path, monkeypatch):
    from ceintel.workspace import init_workspace

    monkeypatch.delenv("CEINTEL_STORE_URL", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    return init_workspace(tmp_path / "ws")


def test_questionnaire_import_export_commands(empty_workspace, tmp_path):
    from openpyxl import load_workbook

    from ceintel.maturity.cli import maturity_app

    ws = empty_workspace
    runner = CliRunner()
    form = tmp_path / "form.xlsx"
    r = runner.invoke(maturity_app, ["questionnaire", "--out", str(form), "--agency", "Police", "--round", "2026-03"])
    assert r.exit_code == 0, r.output
    wb = load_workbook(form)
    for row in range(2, 2 + len(ITEM_IDS)):
        wb["Answers"][f"D{row}"] = 3
    wb.save(form)
    r = runner.invoke(maturity_app, ["import", str(form), "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    assert f"Stored {len(ITEM_IDS)} of {len(ITEM_IDS)}" in r.output
    out = tmp_path / "police.yaml"
    r = runner.invoke(maturity_app, ["export", "--agency", "pol", "--out", str(out), "-w", str(ws.root)])
    assert r.exit_code == 0, r.output
    assert set(read_answers(out, Q).levels.values()) == {3}
    r = runner.invoke(maturity_app, ["summary", str(ws.root)])
    assert r.exit_code == 0 and "No warehouse yet" in r.output and "3.0" in r.output
    listed = runner.invoke(maturity_app, ["questionnaire"])
    assert listed.exit_code == 0 and "ex_child_voice" in listed.output
    svg = tmp_path / "radar.svg"
    r = runner.invoke(maturity_app, ["radar", "--agency", "Police", "--out", str(svg), "-w", str(ws.root)])
    assert r.exit_code == 0 and svg.read_text().startswith("<svg")
    missing = runner.invoke(maturity_app, ["import", str(tmp_path / "nope.yaml"), "-w", str(ws.root)])
    assert isinstance(missing.exception, CeintelError)
