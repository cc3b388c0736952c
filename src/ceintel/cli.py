"""The ``ceintel`` command line: thin — it parses, calls the library, reports progress and errors."""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from ceintel import __version__
from ceintel.errors import CeintelError

app = typer.Typer(
    name="ceintel",
    help="A partnership intelligence framework for child exploitation and extra-familial harm.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console()
err_console = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        console.print(f"ceintel {__version__}")
        raise typer.Exit()


@app.callback()
def _root(version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                                help="Show the version and exit.")] = False) -> None:
    """ceintel: one shared, safe, honest picture of child exploitation for a safeguarding partnership."""


@app.command()
def init(
    folder: Annotated[Path, typer.Argument(help="Folder for the new workspace.")],
    name: Annotated[str, typer.Option(help="The partnership's name.")] = "My Safeguarding Children Partnership",
    area: Annotated[list[str] | None, typer.Option(
        help="A local authority the partnership covers, as CODE:NAME (repeat for several).")] = None,
) -> None:
    """Create a partnership workspace: configuration, folders and a fresh pseudonymisation secret."""
    from ceintel.config import Area
    from ceintel.workspace import default_partnership, init_workspace

    areas = None
    if area:
        areas = []
        for item in area:
            code, sep, area_name = item.partition(":")
            if not sep or not code.strip() or not area_name.strip():
                raise CeintelError(f"--area '{item}' must be CODE:NAME, e.g. E08000014:Sefton")
            areas.append(Area(code=code.strip(), name=area_name.strip()))
    ws = init_workspace(folder, default_partnership(name=name, areas=areas))
    console.print(f"Created workspace [bold]{ws.root}[/]")
    console.print(f"  edit {ws.config_path} (partnership name, areas, periods, disclosure rules, roles)")
    console.print(f"  the pseudonymisation secret is {ws.secret_path} (mode 600): back it up, never share it")


@app.command("check-config")
def check_config(folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path(".")) -> None:
    """Validate a workspace's partnership.yaml and say what is wrong, if anything."""
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    cfg = ws.config()
    ws.secret()
    console.print(f"[green]OK[/] {ws.config_path}: {cfg.name}, areas {', '.join(cfg.area_codes)}")


@app.command()
def synth(
    folder: Annotated[Path, typer.Argument(help="Output folder: extracts/, geography/ and truth/ are made in it.")],
    children: Annotated[int, typer.Option(help="Children aged 0-17 in the home borough (2000 for tests, "
                                               "60000 a borough, 600000 a region).")] = 60_000,
    seed: Annotated[int, typer.Option(help="Random seed; the same seed gives byte-identical files.")] = 1,
) -> None:
    """Generate the synthetic partnership: messy agency extracts, geography, and the hidden truth."""
    from ceintel.progress import bar
    from ceintel.synth import synthesise

    started = time.perf_counter()
    with bar(console, "Synthesising wards") as progress:
        result = synthesise(folder / "extracts", folder / "geography", folder / "truth",
                            children=children, seed=seed, progress=progress)
    _synth_summary(result, time.perf_counter() - started)
    console.print(f"Extracts in {folder / 'extracts'}; the truth (never read by the pipeline) in {folder / 'truth'}")


def _synth_summary(result, seconds: float) -> None:
    table = Table(title="Agency extracts", show_lines=False)
    table.add_column("file")
    table.add_column("size", justify="right")
    for path in result.files:
        table.add_row(path.name, f"{path.stat().st_size / 1024:,.0f} KiB")
    console.print(table)
    console.print(f"{result.children:,} children in the home borough, {result.exploited:,} of them exploited "
                  f"in the window (hidden truth); {result.people:,} people across {result.wards} wards; "
                  f"{seconds:.1f} s")


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Where to create the demo workspace.")] = Path("ceintel-demo"),
    children: Annotated[int, typer.Option(help="Children in the synthetic home borough.")] = 60_000,
    seed: Annotated[int, typer.Option(help="Random seed.")] = 2026,
    force: Annotated[bool, typer.Option(help="Replace an existing demo workspace.")] = True,
    serve: Annotated[bool, typer.Option(help="Serve the web app at the end (--no-serve to only build).")] = True,
) -> None:
    """Build the synthetic Brackenford partnership and run every pipeline stage on it."""
    from ceintel.demo import STAGES, make_demo_workspace
    from ceintel.progress import bar

    started = time.perf_counter()
    console.rule("[bold]ceintel demo: the synthetic Brackenford partnership")
    with bar(console, "Synthesising wards") as progress:
        result = make_demo_workspace(folder, children=children, seed=seed, force=force, progress=progress)
    _synth_summary(result.synth, time.perf_counter() - started)
    for name, stage in STAGES:
        t = time.perf_counter()
        with console.status(f"{name}..."):
            summary = stage(result.workspace)
        console.print(f"[green]✓[/] {name}: {summary} ({time.perf_counter() - t:.1f} s)")
    console.print(f"Workspace: [bold]{result.workspace.root}[/] (extracts in inbox/, geography in geography/, "
                  f"the hidden truth in truth/)")
    from ceintel.store import store_url
    from ceintel.web.users import demo_logins

    logins = demo_logins(store_url(result.workspace))
    console.print(f"Done in {time.perf_counter() - started:.1f} s.")
    table = Table(title="Demo sign-ins (new passwords each run)", box=box.SIMPLE)
    for col in ("name", "role", "password"):
        table.add_column(col)
    for login in logins:
        table.add_row(login.name, login.role + (f" ({login.agency})" if login.agency else ""), login.password)
    console.print(table)
    if serve:
        import uvicorn

        from ceintel.web.app import create_app

        console.print("Serving the partnership at [bold]http://127.0.0.1:8000/[/] (Ctrl+C to stop)")
        uvicorn.run(create_app(result.workspace), host="127.0.0.1", port=8000, log_level="warning")


source_app = typer.Typer(help="Work on source configurations (one YAML per agency extract).",
                         no_args_is_help=True)
app.add_typer(source_app, name="source")


@source_app.command("check")
def source_check(
    config: Annotated[Path, typer.Argument(help="The source YAML to try.")],
    data: Annotated[Path | None, typer.Option(help="The extract to try it on (default: the newest matching file "
                                                   "in the workspace inbox).")] = None,
    workspace: Annotated[Path | None, typer.Option(help="Workspace (default: the folder above the YAML's).")] = None,
) -> None:
    """Validate a source YAML against the real file: what maps, what does not, unmapped codes with counts."""
    from ceintel.ingest.check import check_source
    from ceintel.ingest.run import newest_file
    from ceintel.ingest.source_config import load_source
    from ceintel.workspace import Workspace

    cfg = load_source(config)
    ws_root = workspace or config.resolve().parent.parent
    ws = Workspace(ws_root)
    path = data or newest_file(ws, cfg)
    if path is None:
        raise CeintelError(f"no file matching '{cfg.file}' in {ws.inbox}; give one with --data FILE")
    geography = None
    areas: tuple[str, ...] = ()
    if ws.config_path.exists():
        partnership = ws.config()
        areas = partnership.area_codes
        geography = (ws.root / partnership.geography.postcode_lookup, ws.root / partnership.geography.areas)
    report = check_source(cfg, path, areas=areas, geography=geography)
    o = report.outcome
    info = o.file_info
    console.print(f"[bold]{cfg.source}[/] ({cfg.agency}) on {path.name}: header on row {info['header_row']}"
                  + (f", sheet '{info['sheet']}'" if info["sheet"] else "")
                  + (f", encoding {info['encoding']}, delimiter {info['delimiter']!r}" if info["encoding"] else ""))
    table = Table(title="Fields")
    for col in ("field", "column", "filled", "valid"):
        table.add_column(col)
    for f in o.profile:
        filled = "" if f["completeness"] is None else f"{f['completeness']:.1%}"
        valid = "" if f["validity"] is None else f"{f['validity']:.1%}"
        table.add_row(f["field"], f["column"], filled, valid)
    console.print(table)
    if report.unmapped_codes:
        codes_table = Table(title="Values no mapping knows (add them to 'map', or set a 'default')")
        for col in ("field", "value", "rows"):
            codes_table.add_column(col)
        for name, rows in report.unmapped_codes.items():
            for value, n in rows[:15]:
                codes_table.add_row(name, repr(value), f"{n:,}")
        console.print(codes_table)
    else:
        console.print("[green]Every coded value maps.[/]")
    if report.unused_columns:
        console.print(f"Columns in the file not mapped: {', '.join(report.unused_columns)}")
    console.print(f"Rows read {o.read:,} = would load {o.loaded:,} + would quarantine {o.quarantined:,}"
                  + (f" (of which {o.out_of_area:,} outside the partnership area)" if o.out_of_area else ""))
    for reason, n in report.reasons.most_common(10):
        console.print(f"  {n:>7,}  {reason}")


@app.command()
def ingest(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    source: Annotated[list[str] | None, typer.Option(help="Only this source (repeat for several).")] = None,
    force: Annotated[bool, typer.Option(help="Ingest again even if the file has not changed.")] = False,
) -> None:
    """Read every source's newest extract from the inbox, quarantine bad rows, and build the warehouse."""
    from ceintel.ingest.run import ingest_workspace
    from ceintel.progress import bar
    from ceintel.warehouse import build_warehouse
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    with bar(console, "Ingesting sources") as progress:
        runs = ingest_workspace(ws, only=source, force=force, progress=progress)
    _ingest_table(runs)
    path = build_warehouse(ws)
    console.print(f"Warehouse: {path}")
    failed = [r for r in runs if r.status in ("failed", "no file")]
    for r in failed:
        err_console.print(f"[bold red]{r.source}:[/] {r.message}", highlight=False, soft_wrap=True)
    if failed:
        raise typer.Exit(1)


def _ingest_table(runs) -> None:
    table = Table(title="Ingest")
    for col in ("source", "status", "file", "read", "loaded", "quarantined", "of which out of area"):
        table.add_column(col, justify="right" if col in ("read", "loaded", "quarantined") else "left")
    for r in runs:
        table.add_row(r.source, r.status, r.file or "", f"{r.read or 0:,}", f"{r.loaded or 0:,}",
                      f"{r.quarantined or 0:,}", f"{r.out_of_area or 0:,}")
    console.print(table)


@app.command()
def link(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="A workspace folder (default: .), or person CSV files to link outside any workspace.")] = None,
    out: Annotated[Path | None, typer.Option(help="With person files: where to write source,record_id,person_id.")]
    = None,
    evaluate: Annotated[Path | None, typer.Option(
        "--evaluate", help="A truth file (source,record_id,person_id, or the synthetic file,row,person_id): "
                           "score the linkage against it.")] = None,
    cohort: Annotated[Path | None, typer.Option(
        help="A file of truth person_ids (e.g. truth/exploitation.csv): also score their records alone.")] = None,
) -> None:
    """Recognise the same person across sources (Splink), keep stable pseudonyms, write the linkage report."""
    paths = paths or [Path(".")]
    if len(paths) == 1 and paths[0].is_dir():
        _link_workspace(paths[0], evaluate, cohort)
        return
    if out is None:
        raise CeintelError("linking person files needs --out OUT.csv (or give a workspace folder instead)")
    _link_files(paths, out, evaluate)


def _link_workspace(folder: Path, truth: Path | None, cohort: Path | None) -> None:
    from ceintel.identity.run import link_workspace
    from ceintel.progress import bar
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    with bar(console, "Linking") as progress:
        run = link_workspace(ws, truth=truth, cohort=cohort, progress=progress)
    changes = ", ".join(f"{n:,} records {kind}" for kind, n in sorted(run.changes.items())) or "no changes"
    console.print(f"{run.records:,} records → {run.people:,} people ({run.pairs:,} pairs scored); "
                  f"person_ids: {changes}")
    console.print(f"{run.review_pairs:,} uncertain pairs wait for review: ceintel review list {folder}")
    for name, s in run.scores.items():
        _print_scores(name, s)
    console.print("Report: " + ", ".join(str(p) for p in run.reports))
    console.print(f"Done in {run.timings.get('total', 0):.1f} s")


def _print_scores(name: str, s) -> None:
    table = Table(title=f"Linkage quality: {name} ({s.records:,} records)", box=box.SIMPLE)
    for col in ("view", "precision", "recall", "F1"):
        table.add_column(col, justify="left" if col == "view" else "right")
    for view, p, r, f in (("pairs of records", s.pair_precision, s.pair_recall, s.pair_f1),
                          ("B-cubed (per record)", s.bcubed_precision, s.bcubed_recall, s.bcubed_f1),
                          ("whole people", s.person_precision, s.person_recall, s.person_f1)):
        table.add_row(view, f"{p:.4f}", f"{r:.4f}", f"{f:.4f}")
    console.print(table)
    console.print(f"  {s.false_merges:,} predicted people hold records of two or more people; "
                  f"{s.split_people:,} people are split across predicted people")


def _link_files(paths: list[Path], out: Path, truth: Path | None) -> None:
    from ceintel.identity.files import link_files

    result = link_files(paths, out, truth)
    console.print(f"{result.records:,} records from {len(paths)} files → {result.people:,} people: {result.out}")
    if result.problems:
        console.print(f"{result.problems:,} values could not be used: {result.problems_file}")
    if result.scores:
        _print_scores("against " + str(truth), result.scores)


review_app = typer.Typer(help="Clerical review of the pairs the linkage is unsure of.", no_args_is_help=True)
app.add_typer(review_app, name="review")

from ceintel.maturity.cli import actions_app, maturity_app  # noqa: E402  (light: typer and rich only)

app.add_typer(maturity_app, name="maturity")
app.add_typer(actions_app, name="actions")


@review_app.command("list")
def review_list(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    limit: Annotated[int, typer.Option(help="How many pairs to show.")] = 20,
    show_identifiers: Annotated[bool, typer.Option(
        help="Also show names, dates of birth and numbers (only where you may see them).")] = False,
) -> None:
    """The uncertain pairs, most uncertain first, described by how their fields compare."""
    from ceintel.identity import link as model
    from ceintel.identity.review import list_pairs
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    rows = list_pairs(ws.identity, limit, show_identifiers)
    if not rows:
        console.print("No pairs wait for review.")
        return
    console.print("p is the match probability; — means a field is not recorded on one side.")
    table = Table(title="Pairs waiting for review (decide with: ceintel review decide PAIR same|different)",
                  box=box.SIMPLE)
    names = [c.name for c in model.COMPARISONS]
    table.add_column("pair", no_wrap=True, min_width=11)
    table.add_column("p", no_wrap=True)
    for col in names:
        table.add_column(col.replace("_", " "))
    for r in rows:
        levels = ["—" if r[n] == "not recorded" else str(r[n]) for n in names]
        table.add_row(r["pair_id"], f"{r['match_probability']:.2f}", *levels)
        if show_identifiers:
            for side in ("l", "r"):
                shown = r.get(f"identifiers_{side}") or {}
                table.add_row("", side, *["" if shown.get(n) is None else str(shown[n]) for n in names])
    console.print(table)


@review_app.command("decide")
def review_decide(
    pair: Annotated[str, typer.Argument(help="The pair's id from ceintel review list.")],
    decision: Annotated[str, typer.Argument(help="same or different.")],
    folder: Annotated[Path, typer.Option("--dir", help="Workspace folder.")] = Path("."),
    note: Annotated[str, typer.Option(help="Why (kept with the decision).")] = "",
    analyst: Annotated[str | None, typer.Option(help="Who decided (default: your login name).")] = None,
) -> None:
    """Record that a pair is the same person or different people; applied on every later link."""
    from ceintel.identity.review import record_decision
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    made = record_decision(ws.identity, pair, decision, note, analyst)
    console.print(f"{made.pair_id}: {made.decision} (by {made.analyst}); run ceintel link {folder} to apply it")


geography_app = typer.Typer(help="Geography lookups: postcodes, small areas, wards, councils.", no_args_is_help=True)
app.add_typer(geography_app, name="geography")


@geography_app.command("import")
def geography_import(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")],
    postcodes: Annotated[Path, typer.Option(help="ONS postcode lookup (NSPL or ONSPD CSV).")],
    areas: Annotated[Path, typer.Option(help="ONS LSOA 2021 → ward → local authority lookup (CSV).")],
) -> None:
    """Import ONS lookups into the workspace, whatever each release calls its columns."""
    from ceintel import duck
    from ceintel.ingest.geography import import_ons
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    n_postcodes, n_areas = import_ons(duck.connect(), postcodes, areas, ws.geography)
    console.print(f"Imported {n_postcodes:,} postcodes and {n_areas:,} small areas into {ws.geography}")


@app.command()
def quality(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    source: Annotated[str | None, typer.Option(help="One source: its fields, unusual months, agreement "
                                                    "with other sources and the trend over extracts.")] = None,
) -> None:
    """Print the data quality profile of every source (or one source in detail), from the warehouse."""
    from ceintel.quality.profile import (
        field_history,
        field_profile,
        read_consistency,
        read_periods,
        read_sources,
    )
    from ceintel.warehouse import connect
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    con = connect(ws)
    try:
        tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        if "quality_source" not in tables:
            raise CeintelError(f"the warehouse in {ws.root} has no quality profile yet; run: ceintel ingest {ws.root}")
        sources = read_sources(con)
        if not sources:
            console.print(f"No source has been loaded into the warehouse of {ws.root} yet; put the extracts in "
                          f"{ws.inbox} and run: ceintel ingest {ws.root}")
            return
        if source is None:
            _quality_summary(sources, read_consistency(con, scope="across sources"))
            return
        if source not in {s["source_id"] for s in sources}:
            raise CeintelError(f"no source called '{source}' in the warehouse; sources: "
                               f"{', '.join(s['source_id'] for s in sources)}")
        _quality_source(next(s for s in sources if s["source_id"] == source), field_profile(con, source),
                        read_periods(con, source, flagged_only=True), read_consistency(con),
                        field_history(con, source))
    finally:
        con.close()


def _pct(x, digits: int = 0) -> str:
    return "" if x is None else f"{x:.{digits}%}"


def _quality_summary(sources: list[dict], across: list[dict]) -> None:
    dates = sorted({str(s["extract_date"]) for s in sources if s["extract_date"]})
    title = "Data quality by source" + (f" (every extract dated {dates[0]})" if len(dates) == 1 else "")
    table = Table(title=title, caption="held: rows held back with a reason; filled, valid: averages over the "
                                       "fields; odd months: unusually low or high. "
                                       "ceintel quality --source NAME shows one source in detail.",
                  box=box.SIMPLE_HEAD)
    table.add_column("source", overflow="fold")
    if len(dates) > 1:
        table.add_column("extract", no_wrap=True)
    for name in ("rows", "held", "filled", "valid", "newest event", "in area", "odd months"):
        table.add_column(name, justify="left" if name == "newest event" else "right",
                         no_wrap=name == "newest event")
    for s in sources:
        read, held = s["rows_read"] or 0, s["rows_quarantined"] or 0
        residents = "–" if s["area_unknown_share"] == 1 else _pct(s["coverage"])
        odd = (s["gap_months"] or 0) + (s["spike_months"] or 0)
        cells = [s["source_id"]] + ([str(s["extract_date"] or "")] if len(dates) > 1 else [])
        table.add_row(*cells, f"{read:,}", f"{held / read:.1%}" if read else "", _pct(s["mean_completeness"]),
                      _pct(s["mean_validity"]), str(s["newest_event"] or ""), residents,
                      f"{odd} of {s['months']}" if s["months"] else "")
    console.print(table)
    console.print("in area: share of people's records living in the partnership area (– where the extract does "
                  "not record a home area)")
    overall = [c for c in across if c["source_id"] is None]
    if overall:
        checks = Table(title="Do sources agree about the same child? (children sharing an NHS or pupil number)")
        for name in ("linked by", "about", "children in 2+ sources", "known in both", "disagree",
                     "day and month swapped", "known in one only"):
            checks.add_column(name, justify="left" if name in ("linked by", "about") else "right")
        for c in overall:
            checks.add_row(c["linked_by"].replace("_", " "), c["attribute"].replace("_", " "), f"{c['checked']:,}",
                           f"{c['known']:,}", f"{c['disagree']:,}",
                           "" if c["day_month_swapped"] is None else f"{c['day_month_swapped']:,}",
                           f"{c['not_known_one_side']:,}")
        console.print(checks)
    console.print("Figures describe the extracts as delivered: a prompt for a conversation with each data owner, "
                  "not a judgement of their service.")


def _quality_source(s: dict, fields: list[dict], flagged: list[dict], checks: list[dict],
                    history: list[dict]) -> None:
    sid = s["source_id"]
    console.print(f"[bold]{sid}[/] ({s['agency']}), extract dated {s['extract_date']}: {s['rows_read'] or 0:,} rows "
                  f"read = {s['rows_loaded'] or 0:,} loaded + {s['rows_quarantined'] or 0:,} held back "
                  f"({s['duplicate_rows'] or 0:,} exact copies, {s['rows_out_of_area'] or 0:,} outside the area)")
    table = Table(title="Fields")
    for name in ("field", "column", "filled", "valid", "distinct values"):
        table.add_column(name, justify="right" if name in ("filled", "valid", "distinct values") else "left",
                         overflow="fold")
    for f in fields:
        constant = f["column"] == "(constant)"
        table.add_row(f["field"], "(set by the mapping)" if constant else f["column"],
                      "" if constant else _pct(f["completeness"], 1), "" if constant else _pct(f["validity"], 1),
                      "" if constant else f"{f['distinct_values']:,}")
    console.print(table)
    if s["newest_event"]:
        console.print(f"Events dated {s['oldest_event']} to {s['newest_event']} (the newest "
                      f"{s['days_newest_to_extract']} days before the extract); age at the extract: median "
                      f"{s['lag_median_days']:,.0f} days, 90% under {s['lag_p90_days']:,.0f} days.")
    if s["person_records"]:
        console.print(f"{s['person_records']:,} people's records: {s['residents']:,} live in the partnership area, "
                      f"{s['living_elsewhere']:,} elsewhere, {s['area_unknown']:,} not known. "
                      + ("" if s["records_sharing_identifier"] is None else
                         f"{s['records_sharing_identifier']:,} records share an NHS or pupil number with another "
                         f"record of this source."))
    if flagged:
        months = Table(title="Months unusually low or high (against the median month of the same series)")
        for name in ("month", "event type", "events", "typical month", "flag"):
            months.add_column(name, justify="right" if name in ("events", "typical month") else "left")
        for p in flagged:
            months.add_row(f"{p['month']:%b %Y}", p["event_type"] or "(all)", f"{p['events']:,}",
                           f"{p['series_median']:,.0f}", p["flag"])
        console.print(months)
    mine = [c for c in checks if sid in (c["source_id"], c["other_source_id"])]
    if mine:
        agree = Table(title="Agreement on sex and date of birth")
        for name in ("compared with", "linked by", "about", "checked", "known", "disagree", "day/month swapped"):
            agree.add_column(name, justify="right" if name in ("checked", "known", "disagree",
                                                               "day/month swapped") else "left")
        for c in mine:
            other = ("its own rows" if c["scope"] == "within record"
                     else c["other_source_id"] if c["source_id"] == sid else c["source_id"])
            agree.add_row(other, c["linked_by"].replace("_", " "), c["attribute"].replace("_", " "),
                          f"{c['checked']:,}", f"{c['known']:,}", f"{c['disagree']:,}",
                          "" if c["day_month_swapped"] is None else f"{c['day_month_swapped']:,}")
        console.print(agree)
    extracts = sorted({(h["extract_date"], h["current"]) for h in history}, key=lambda x: (x[0], x[1]))
    if len(extracts) > 1:
        trend = Table(title="Trend: share of rows filled in, extract by extract")
        trend.add_column("field")
        for date, current in extracts:
            trend.add_column(f"{date}{' (now)' if current else ''}", justify="right")
        by_field: dict[str, dict] = {}
        for h in history:
            by_field.setdefault(h["field"], {})[(h["extract_date"], h["current"])] = h["completeness"]
        for field, values in by_field.items():
            trend.add_row(field, *(_pct(values.get(e), 1) for e in extracts))
        console.print(trend)


@app.command()
def datamap(folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path(".")) -> None:
    """Write the data map (reports/datamap.md and .csv): every agency's datasets, what each records, and how well."""
    from ceintel.quality.datamap import write_datamap
    from ceintel.warehouse import warehouse_path
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    result = write_datamap(ws)
    console.print(f"Data map of {result.sources} datasets from {result.agencies} agencies "
                  f"({result.loaded} with an extract loaded):")
    console.print(f"  {result.markdown}\n  {result.csv}")
    if not warehouse_path(ws).exists():
        console.print(f"No warehouse yet, so the map has no quality figures; run: ceintel ingest {ws.root}")


@app.command()
def build(folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path(".")) -> None:
    """Compute every indicator × period × area × breakdown, with disclosure control per audience."""
    from ceintel.framework.build import build_framework
    from ceintel.progress import bar
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    with bar(console, "Building the framework") as progress:
        result = build_framework(ws, progress=progress)
    console.print(f"{result.indicators} indicators × {result.periods} periods (to {result.end:%d %B %Y}): "
                  f"{result.cells:,} cells in {result.seconds:.1f} s → {result.path}")


@app.command()
def analyse(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    only: Annotated[list[str] | None, typer.Option(help="Run only this analysis (repeatable); see --list.")] = None,
    list_: Annotated[bool, typer.Option("--list", help="List the analyses and the questions they answer.")] = False,
) -> None:
    """Overlaps, journeys, ACEs, places and networks: aggregate tables for everyone, pseudonymised ones for analysts."""
    from ceintel.analysis.run import ANALYSES, run_analyses
    from ceintel.progress import bar
    from ceintel.workspace import open_workspace

    if list_:
        table = Table(title=f"{len(ANALYSES)} analyses", box=box.SIMPLE)
        for col in ("table", "for", "question"):
            table.add_column(col, overflow="fold")
        for a in ANALYSES:
            table.add_row(a.table, "analysts" if a.audience == "analyst" else "everyone", a.question)
        console.print(table)
        return
    ws = open_workspace(folder)
    with bar(console, "Running the analyses") as progress:
        result = run_analyses(ws, progress=progress, only=tuple(only) if only else None)
    slowest = max(result.seconds, key=result.seconds.get)
    console.print(f"{len(result.rows)} analyses in {sum(result.seconds.values()):.1f} s (slowest: {slowest}, "
                  f"{result.seconds[slowest]:.1f} s) → {result.path}")
    if result.summary:
        s = result.summary
        console.print(f"{s['children_with_concern']:,} children with exploitation concerns; "
                      f"{s['places_of_concern']} places of concern; {s['peer_groups']} peer groups; "
                      f"{s['adults_linked_2']} adults linked to 2 or more children.")


user_app = typer.Typer(help="Accounts for the web app (admin, analyst, agency data owner, practitioner, "
                            "strategic lead).", no_args_is_help=True)
app.add_typer(user_app, name="user")


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Sign-in name.")],
    role: Annotated[str, typer.Option(help="admin, analyst, agency_data_owner, practitioner or strategic_lead.")],
    agency: Annotated[str | None, typer.Option(help="The agency an agency data owner owns data for.")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
    folder: Annotated[Path, typer.Option("--dir", help="Workspace folder.")] = Path("."),
) -> None:
    """Add a user; the password comes from stdin (never from the command line, where shells keep it)."""
    from ceintel.store import store_url
    from ceintel.web.users import add
    from ceintel.workspace import open_workspace

    if not password_stdin:
        raise CeintelError("give the password on stdin with --password-stdin, e.g. "
                           "`read -s P && printf %s \"$P\" | ceintel user add NAME --role analyst --password-stdin`")
    password = sys.stdin.readline().rstrip("\n")
    try:
        user = add(store_url(open_workspace(folder)), name, role, password, agency)
    except ValueError as exc:
        raise CeintelError(str(exc)) from None
    console.print(f"added {user.name} ({user.role}{', ' + user.agency if user.agency else ''})")


@user_app.command("list")
def user_list(folder: Annotated[Path, typer.Option("--dir", help="Workspace folder.")] = Path(".")) -> None:
    """List the users with their roles and whether they are active."""
    from ceintel.store import store_url
    from ceintel.web.users import listing
    from ceintel.workspace import open_workspace

    table = Table(box=box.SIMPLE)
    for col in ("name", "role", "agency", "active", "created"):
        table.add_column(col)
    for u in listing(store_url(open_workspace(folder))):
        table.add_row(u.name, u.role, u.agency or "", "yes" if u.active else "no", f"{u.created_at:%Y-%m-%d}")
    console.print(table)


@app.command()
def serve(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port.")] = 8000,
    insecure_cookies: Annotated[bool, typer.Option(
        "--insecure-cookies", help="Send the session cookie over plain HTTP to a host other than this machine "
                                   "(only behind a TLS proxy that you trust).")] = False,
    workers: Annotated[int, typer.Option(help="Worker processes (about one per core). Sessions live in the app "
                                              "store, so any worker serves any user.")] = 1,
) -> None:
    """Serve the web app for a workspace."""
    import os

    import uvicorn

    from ceintel.web.app import INSECURE_COOKIES_VARIABLE, WORKSPACE_VARIABLE, create_app
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    console.print(f"Serving {folder} at http://{host}:{port}/ (Ctrl+C to stop)")
    if workers > 1:
        os.environ[WORKSPACE_VARIABLE] = str(ws.root.resolve())
        os.environ[INSECURE_COOKIES_VARIABLE] = "1" if insecure_cookies else "0"
        create_app(ws)  # migrate the store once, before the workers start
        uvicorn.run("ceintel.web.app:app_from_environment", factory=True, host=host, port=port, workers=workers,
                    log_level="warning")
    else:
        uvicorn.run(create_app(ws, secure_cookies=not insecure_cookies), host=host, port=port, log_level="warning")


@app.command()
def indicators(folder: Annotated[Path | None, typer.Argument(
        help="Workspace folder (adds its own indicators/ folder); omit for the built-in set.")] = None) -> None:
    """List the indicators: theme, id, unit and the question each answers."""
    from ceintel.framework.registry import load_registry

    registry = load_registry(folder / "indicators" if folder else None)
    table = Table(title=f"{len(registry)} indicators", box=box.SIMPLE)
    for col in ("theme", "id", "unit", "counts", "question"):
        table.add_column(col, overflow="fold")
    for ind in registry:
        table.add_row(ind.theme_title.split(":")[0], ind.id, ind.unit, ind.counts, ind.question)
    console.print(table)


@app.command()
def export(
    folder: Annotated[Path, typer.Argument(help="Workspace folder.")] = Path("."),
    audience: Annotated[str, typer.Option(help="Who the tables are for: public or partnership "
                                               "(sets the disclosure threshold).")] = "public",
    format: Annotated[str, typer.Option("--format", help="csv, xlsx or parquet.")] = "xlsx",
    out: Annotated[Path | None, typer.Option(help="Where to write (default: reports/exports/).")] = None,
) -> None:
    """Write the published indicator tables (after disclosure control) with their metadata."""
    from ceintel.framework.export import export_framework
    from ceintel.workspace import open_workspace

    ws = open_workspace(folder)
    path = export_framework(ws, audience, format, out)
    console.print(f"Published tables for the {audience} audience: {path}")


@app.command()
def codes(name: Annotated[str | None, typer.Argument(help="A code list to show; omit to list them all.")] = None) -> None:
    """Show the controlled vocabularies (code lists) ceintel maps agency codes onto."""
    from ceintel.codes import available, code_list

    if name is None:
        table = Table(title="Code lists")
        table.add_column("name")
        table.add_column("title")
        table.add_column("codes", justify="right")
        for n in available():
            cl = code_list(n)
            table.add_row(n, cl.title, str(len(cl.entries)))
        console.print(table)
        return
    cl = code_list(name)
    table = Table(title=f"{cl.title} ({cl.source})")
    table.add_column("code")
    table.add_column("label")
    table.add_column("aliases")
    for e in cl.entries:
        table.add_row(e.code, e.label, ", ".join(e.aliases))
    console.print(table)


from ceintel.language.cli import check_language  # noqa: E402  (registered beside the other commands)

app.command("check-language", help="Check text for victim-blaming or inappropriate language about exploited "
                                   "children (FILE or - for stdin); exits 1 when anything is found.")(check_language)


from ceintel.report.cli import report  # noqa: E402  (registered beside the other commands)

app.command("report", help="Write the child exploitation profile: one self-contained HTML file and a PDF "
                           "(reports/profile.html, reports/profile.pdf).")(report)


def main() -> None:
    """Entry point: user errors become one clear line and exit code 2."""
    try:
        result = app(standalone_mode=False)  # a typer.Exit comes back as its exit code
        if isinstance(result, int) and result:
            sys.exit(result)
    except CeintelError as exc:
        err_console.print(f"[bold red]error:[/] {exc}", highlight=False, soft_wrap=True)
        sys.exit(exc.exit_code)
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        err_console.print("aborted")
        sys.exit(130)
    except Exception as exc:  # usage errors (Typer's click) carry their own message and exit code
        if hasattr(exc, "show") and isinstance(getattr(exc, "exit_code", None), int):
            exc.show()
            sys.exit(exc.exit_code)
        raise


if __name__ == "__main__":
    main()
