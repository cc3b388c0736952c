"""``ceintel maturity`` and ``ceintel actions``: thin commands over the maturity and action plan libraries.

The main command line mounts :data:`maturity_app` and :data:`actions_app`;
problems a user can fix are raised as :class:`~ceintel.errors.CeintelError`
and shown by ``ceintel.cli.main`` as one line.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from ceintel.errors import CeintelError

console = Console()

maturity_app = typer.Typer(help="Data maturity self-assessment: answers, scores by domain, evidence beside them.",
                           no_args_is_help=True)
actions_app = typer.Typer(help="Agency and partnership data action plans: list, add, update, suggest.",
                          no_args_is_help=True)

WorkspaceOpt = Annotated[Path, typer.Option("--workspace", "-w", help="Workspace folder.")]


def _workspace(folder: Path):
    from ceintel.workspace import open_workspace

    return open_workspace(folder)


def _date(value: str | None, what: str) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CeintelError(f"{what} '{value}' is not a date; write it as YYYY-MM-DD, e.g. 2026-06-30") from None


def resolve_agency(name: str, known: list[str]) -> str:
    """The agency ``name`` means: an exact name, or the one agency whose name contains it (any case)."""
    if name in known:
        return name
    hits = [a for a in known if name.casefold() in a.casefold()]
    if len(hits) == 1:
        return hits[0]
    if not known:
        return name
    which = "matches several agencies" if hits else "matches no agency"
    raise CeintelError(f"--agency '{name}' {which}; agencies: {'; '.join(hits or known)}")


def _known_agencies(ws, session=None) -> list[str]:
    """Agencies the warehouse's sources name, and any the store has answers or plans for."""
    from ceintel.warehouse import connect, warehouse_path

    names: set[str] = set()
    if warehouse_path(ws).exists():
        con = connect(ws)
        try:
            names |= {r[0] for r in con.execute("SELECT DISTINCT agency FROM source").fetchall()}
        finally:
            con.close()
    if session is not None:
        from sqlalchemy import select

        from ceintel.store.models import ActionPlan, MaturityAnswer

        names |= set(session.scalars(select(MaturityAnswer.agency).distinct()))
        names |= {a for a in session.scalars(select(ActionPlan.agency).distinct()) if a}
    return sorted(names)


def _score(value: float | None) -> str:
    return "–" if value is None else f"{value:.1f}"


def overall_score_of(changes) -> float | None:
    """The overall score of the earlier round, from a list of domain changes."""
    from ceintel.maturity.scoring import DomainScore, overall_score

    if not changes:
        return None
    return overall_score([DomainScore(c.domain_id, c.title, c.before, 0, 0) for c in changes])


# --------------------------------------------------------------------------- maturity

@maturity_app.command("summary")
def summary(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    round: Annotated[str | None, typer.Option(help="Assessment round (default: the latest).")] = None,
    gaps: Annotated[int, typer.Option(help="How many of the largest differences to show.")] = 10,
) -> None:
    """Scores by agency and domain, change since the round before, and the largest gaps with measured evidence."""
    from ceintel.maturity.summary import summarise

    ws = _workspace(folder)
    s = summarise(ws, round)
    if s.round is None:
        console.print("No assessment answered yet: export a blank form with `ceintel maturity questionnaire "
                      "--out FORM.xlsx`, fill it in, then `ceintel maturity import FORM.xlsx`.")
        return
    q = s.questionnaire
    title = f"Self-assessed maturity, round {s.round}" + (f" (overall: change since {s.previous_round})"
                                                        if s.previous_round else "")
    table = Table(title=title, box=box.SIMPLE)
    table.add_column("agency", overflow="fold", min_width=16)
    for n, _d in enumerate(q.domains, start=1):
        table.add_column(str(n), justify="right")
    table.add_column("overall", justify="right", no_wrap=True, min_width=10 if s.previous_round else 7)

    def overall(now: float | None, changes) -> str:
        was = overall_score_of(changes) if s.previous_round else None
        moved = "" if was is None or now is None else f" ({now - was:+.1f})"
        return _score(now) + moved

    for p in s.profile.agencies:
        table.add_row(p.agency, *(_score(p.mean(d.id)) for d in q.domains),
                      overall(p.overall, s.changes.get(p.agency)))
    table.add_row("[bold]partnership[/] (mean of agencies)", *(_score(s.profile.partnership[d.id]) for d in q.domains),
                  overall(s.profile.overall, s.partnership_change))
    console.print(table)
    console.print("Domains (lowest–highest agency): " + "; ".join(
        f"{n} {d.label} ({_score(s.profile.lowest[d.id])}–{_score(s.profile.highest[d.id])})"
        for n, d in enumerate(q.domains, start=1)) + ".")
    if s.partnership_change:
        console.print(f"Partnership change since {s.previous_round}: " + "; ".join(
            f"{d.label} {_score(c.before)} → {_score(c.after)}"
            for d, c in zip(q.domains, s.partnership_change, strict=True)) + ".")
    console.print("Levels: " + ", ".join(f"{lv.level} {lv.name}" for lv in q.levels)
                  + ". A domain's score is the mean of its answered items.")
    if not s.warehouse:
        console.print(f"No warehouse yet, so no measured evidence to compare; run: ceintel ingest {ws.root}")
        return
    top = s.gaps(gaps)
    if not top:
        console.print("[green]No answer differs from its measured evidence by two levels or more.[/]")
        return
    gap_table = Table(title="Largest differences between self-assessment and the agency's extract "
                            "(conversation starters, not verdicts)", box=box.SIMPLE, show_lines=True)
    for col in ("agency", "item", "self", "extract", "what the extract shows"):
        gap_table.add_column(col, overflow="fold", justify="right" if col in ("self", "extract") else "left")
    for r in top:
        gap_table.add_row(r.agency, r.item_id, str(r.self_level), str(r.measured_level), r.message(q))
    console.print(gap_table)


@maturity_app.command("import")
def import_answers(
    file: Annotated[Path, typer.Argument(help="Answers as .yaml or .xlsx (a form from `maturity questionnaire` "
                                              "or `maturity export`, filled in).")],
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Store an agency's answers for a round (replacing any it gave for that round before)."""
    from ceintel.maturity.exchange import read_answers
    from ceintel.maturity.questionnaire import load_questionnaire
    from ceintel.maturity.storage import save_answers
    from ceintel.store.db import session_scope, store_url

    ws = _workspace(workspace)
    q = load_questionnaire()
    answers = read_answers(file, q)
    if not answers.answers:
        raise CeintelError(f"{file}: no item has a level; fill in the 'level' column (1-5) first")
    with session_scope(store_url(ws)) as session:
        n = save_answers(session, q, answers)
    console.print(f"Stored {n} of {len(q.items)} answers from {answers.agency} for round {answers.round}.")


@maturity_app.command("export")
def export_answers(
    agency: Annotated[str, typer.Option(help="The agency (its full name, or a unique part of it).")],
    out: Annotated[Path, typer.Option(help="File to write (.yaml or .xlsx).")],
    round: Annotated[str | None, typer.Option(help="Assessment round (default: the latest).")] = None,
    format: Annotated[str | None, typer.Option("--format", help="yaml or xlsx (default: from --out).")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write an agency's answers for a round, to review or to fill in again for the next round."""
    from ceintel.maturity.exchange import write_answers
    from ceintel.maturity.questionnaire import load_questionnaire
    from ceintel.maturity.storage import load_answers, round_labels
    from ceintel.store.db import session_scope, store_url

    ws = _workspace(workspace)
    q = load_questionnaire()
    with session_scope(store_url(ws)) as session:
        labels = round_labels(session)
        if not labels:
            raise CeintelError("no assessment round stored yet; import answers with `ceintel maturity import FILE`")
        label = round or labels[-1]
        name = resolve_agency(agency, _known_agencies(ws, session))
        answers = load_answers(session, name, label)
    path = write_answers(q, out, answers, fmt=format)
    console.print(f"{len(answers.answers)} answers of {name}, round {label}: {path}")


@maturity_app.command("questionnaire")
def questionnaire(
    out: Annotated[Path | None, typer.Option(help="Write a blank form to fill in (.yaml or .xlsx) instead of "
                                                  "printing the questions.")] = None,
    format: Annotated[str | None, typer.Option("--format", help="yaml or xlsx (default: from --out).")] = None,
    agency: Annotated[str, typer.Option(help="Agency name to put on the form.")] = "",
    round: Annotated[str, typer.Option(help="Round label to put on the form, e.g. 2027-03.")] = "",
) -> None:
    """Print the questionnaire, or write it as a blank form for an agency to fill in."""
    from ceintel.maturity.exchange import write_answers
    from ceintel.maturity.questionnaire import load_questionnaire

    q = load_questionnaire()
    if out is not None:
        path = write_answers(q, out, None, fmt=format, agency=agency, round=round)
        console.print(f"Blank form ({len(q.items)} items, version {q.version}): {path}")
        return
    console.print(f"[bold]{q.title}[/] (version {q.version})")
    console.print("Levels: " + "; ".join(f"{lv.level} {lv.name}: {lv.summary}" for lv in q.levels))
    for d in q.domains:
        table = Table(title=f"{d.title}: {d.description}", box=box.SIMPLE, title_justify="left")
        table.add_column("item")
        table.add_column("question", overflow="fold")
        table.add_column("evidence", overflow="fold")
        for i in d.items:
            table.add_row(i.id, i.question, ", ".join(ev.measure for ev in i.evidence))
        console.print(table)


@maturity_app.command("radar")
def radar(
    agency: Annotated[str, typer.Option(help="The agency (its full name, or a unique part of it).")],
    out: Annotated[Path, typer.Option(help="SVG file to write.")],
    round: Annotated[str | None, typer.Option(help="Round (default: the latest); the round before is overlaid.")]
    = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Write an agency's radar chart of domain scores (SVG), with the round before overlaid."""
    from ceintel.maturity.radar import radar_svg
    from ceintel.maturity.scoring import domain_scores
    from ceintel.maturity.summary import summarise

    ws = _workspace(workspace)
    s = summarise(ws, round, facts={})  # scores only: no need to measure the extracts
    name = resolve_agency(agency, sorted(s.levels))
    if name not in s.levels:
        raise CeintelError(f"{name!r} has no answers in round {s.round}")
    series = [(s.round, domain_scores(s.questionnaire, s.levels[name]))]
    if s.previous_round and name in s.changes:
        from ceintel.maturity.storage import levels_by_agency
        from ceintel.store.db import session_scope, store_url

        with session_scope(store_url(ws)) as session:
            before = levels_by_agency(session, s.previous_round).get(name)
        if before:
            series.append((s.previous_round, domain_scores(s.questionnaire, before)))
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(radar_svg(series, title=f"Data maturity of {name}, round {s.round}"), encoding="utf-8")
    console.print(f"Radar chart of {name}: {out}")


# --------------------------------------------------------------------------- actions

def _history(views) -> None:
    for v in views:
        console.print(f"[bold]{v.id}[/] {v.what}")
        for u in v.history:
            change = f"{(u.old_status or '').replace('_', ' ') or 'new'} → {u.new_status.replace('_', ' ')}. " \
                if u.new_status else ""
            console.print(f"    {u.at:%Y-%m-%d} {u.by or 'someone'}: {change}{u.note or ''}", highlight=False)


def _actions_table(views) -> Table:
    table = Table(box=box.SIMPLE)
    for col in ("id", "plan", "what", "owner", "due", "status", "linked to"):
        table.add_column(col, overflow="fold", min_width=30 if col == "what" else None)
    for v in views:
        due = "" if v.due_on is None else f"{v.due_on:%d %b %Y}"
        if v.overdue:
            due = f"[bold red]{due} OVERDUE[/]"
        linked = ", ".join(x for x in (v.maturity_item_id, v.indicator_id) if x)
        table.add_row(str(v.id), v.plan, v.what, v.owner or "", due, v.status.replace("_", " "), linked)
    return table


@actions_app.command("list")
def list_cmd(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    agency: Annotated[str | None, typer.Option(help="Only this agency's plan (a unique part of the name will do).")]
    = None,
    partnership: Annotated[bool, typer.Option("--partnership", help="Only the partnership plan.")] = False,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only actions past their due date and not done.")]
    = False,
    open_only: Annotated[bool, typer.Option("--open", help="Leave out actions done or dropped.")] = False,
    history: Annotated[bool, typer.Option("--history", help="Show every update under each action.")] = False,
    today: Annotated[str | None, typer.Option(help="Judge 'overdue' as of this date (default: today).")] = None,
) -> None:
    """The actions of every plan (partnership first), overdue ones highlighted."""
    from ceintel.actions.plans import list_actions
    from ceintel.store.db import session_scope, store_url

    ws = _workspace(folder)
    when = _date(today, "--today") or dt.date.today()
    with session_scope(store_url(ws)) as session:
        name = resolve_agency(agency, _known_agencies(ws, session)) if agency else None
        views = list_actions(session, when, agency=name, partnership_only=partnership, overdue_only=overdue,
                             include_closed=not open_only)
    if not views:
        console.print("No actions" + (" overdue" if overdue else "") + ". Suggestions: ceintel actions suggest")
        return
    console.print(_actions_table(views))
    if history:
        _history(views)
    late = sum(v.overdue for v in views)
    console.print(f"{len(views)} actions, {late} overdue as of {when:%d %B %Y}.")


@actions_app.command("add")
def add_cmd(
    what: Annotated[str, typer.Argument(help="What will be done.")],
    agency: Annotated[str | None, typer.Option(help="The agency whose plan it joins (omit for the partnership "
                                                    "plan).")] = None,
    why: Annotated[str | None, typer.Option(help="Why: the gap or finding it answers.")] = None,
    owner: Annotated[str | None, typer.Option(help="Who leads it (a role is enough).")] = None,
    due: Annotated[str | None, typer.Option(help="Due date, YYYY-MM-DD.")] = None,
    item: Annotated[str | None, typer.Option(help="The maturity item it answers.")] = None,
    indicator: Annotated[str | None, typer.Option(help="The indicator that will show its effect.")] = None,
    by: Annotated[str | None, typer.Option(help="Who is recording this.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Add an action to an agency's plan or to the partnership plan."""
    from ceintel.actions.plans import add_action
    from ceintel.store.db import session_scope, store_url

    ws = _workspace(workspace)
    if item is not None:
        from ceintel.maturity.questionnaire import load_questionnaire

        load_questionnaire().item(item)
    if indicator is not None:
        from ceintel.framework.registry import load_registry

        load_registry(ws.root / "indicators").get(indicator)
    with session_scope(store_url(ws)) as session:
        name = resolve_agency(agency, _known_agencies(ws, session)) if agency else None
        action = add_action(session, agency=name, what=what, why=why, owner=owner, due_on=_date(due, "--due"),
                            maturity_item_id=item, indicator_id=indicator, by=by)
        action_id = action.id
    console.print(f"Added action {action_id} to the {name or 'partnership'} plan.")


@actions_app.command("update")
def update_cmd(
    action_id: Annotated[int, typer.Argument(metavar="ID", help="The action's id (see `actions list`).")],
    status: Annotated[str | None, typer.Option(help="not_started, in_progress, done or dropped.")] = None,
    note: Annotated[str | None, typer.Option(help="What happened.")] = None,
    due: Annotated[str | None, typer.Option(help="A new due date, YYYY-MM-DD.")] = None,
    owner: Annotated[str | None, typer.Option(help="A new owner.")] = None,
    by: Annotated[str | None, typer.Option(help="Who is recording this.")] = None,
    workspace: WorkspaceOpt = Path("."),
) -> None:
    """Change an action's status, due date or owner, or add a note; every update is kept in its history."""
    from ceintel.actions.plans import update_action
    from ceintel.store.db import session_scope, store_url

    ws = _workspace(workspace)
    with session_scope(store_url(ws)) as session:
        action = update_action(session, action_id, status=status, note=note, due_on=_date(due, "--due"),
                               owner=owner, by=by)
        state, updates = action.status, len(action.updates)
    console.print(f"Action {action_id}: {state.replace('_', ' ')} ({updates} updates in its history).")


@actions_app.command("suggest")
def suggest_cmd(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    agency: Annotated[str | None, typer.Option(help="Only suggestions for this agency.")] = None,
    add: Annotated[bool, typer.Option("--add", help="Add the suggestions to the plans (each once).")] = False,
    due: Annotated[str | None, typer.Option(help="With --add: the due date to give them.")] = None,
    owner: Annotated[str | None, typer.Option(help="With --add: the owner to give them.")] = None,
    limit: Annotated[int, typer.Option(help="How many to show.")] = 40,
) -> None:
    """Suggested actions from low-scoring answers, gaps with measured evidence, and data quality findings."""
    from ceintel.actions.plans import add_suggestions
    from ceintel.actions.workspace import workspace_suggestions
    from ceintel.store.db import session_scope, store_url

    ws = _workspace(folder)
    suggestions = workspace_suggestions(ws)
    if agency:
        name = resolve_agency(agency, sorted({s.agency for s in suggestions if s.agency}))
        suggestions = [s for s in suggestions if s.agency == name]
    if not suggestions:
        console.print("No suggestions: no answer is low, no gap stands out, and no quality finding needs one.")
        return
    table = Table(box=box.SIMPLE, show_lines=True)
    for col in ("plan", "what", "why", "linked to"):
        table.add_column(col, overflow="fold")
    for s in suggestions[:limit]:
        table.add_row(s.agency or "partnership", s.what, s.why,
                      ", ".join(x for x in (s.maturity_item_id, s.indicator_id) if x))
    console.print(table)
    if len(suggestions) > limit:
        console.print(f"... and {len(suggestions) - limit} more (use --limit).")
    if add:
        with session_scope(store_url(ws)) as session:
            added = add_suggestions(session, suggestions, due_on=_date(due, "--due"), owner=owner)
        console.print(f"Added {len(added)} actions ({len(suggestions) - len(added)} were already in a plan).")
    else:
        console.print(f"{len(suggestions)} suggestions; add them to the plans with --add.")
