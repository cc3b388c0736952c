"""The demo: a synthetic partnership taken through every stage that exists.

``ceintel demo`` is the first thing a new user runs, so it makes a complete,
realistic workspace (the fictional Brackenford partnership) and then runs each
pipeline stage in order. Later stages add themselves to :data:`STAGES`.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from ceintel.config import Area, Partnership, Periods
from ceintel.errors import WorkspaceError
from ceintel.progress import ProgressCallback
from ceintel.synth import SynthResult, synthesise
from ceintel.synth.geography import LOCAL_AUTHORITIES
from ceintel.synth.params import DEFAULT
from ceintel.workspace import Workspace, init_workspace

DEMO_CHILDREN = 60_000  # a realistic single borough
DEMO_SEED = 2026


def demo_partnership() -> Partnership:
    home = next(la for la in LOCAL_AUTHORITIES if la.home)
    return Partnership(
        name=f"{home.name} Safeguarding Children Partnership (synthetic)",
        areas=[Area(code=home.code, name=home.name)],
        periods=Periods(start=DEFAULT.window_start, end=DEFAULT.window_end),
    )


@dataclass(frozen=True)
class DemoResult:
    workspace: Workspace
    synth: SynthResult
    truth: Path


def make_demo_workspace(folder: Path, *, children: int = DEMO_CHILDREN, seed: int = DEMO_SEED,
                        force: bool = False, progress: ProgressCallback | None = None) -> DemoResult:
    """Create the demo workspace and fill its inbox with the synthetic partnership's extracts."""
    folder = Path(folder)
    if folder.exists() and any(folder.iterdir()):
        marker = folder / "partnership.yaml"
        if not force:
            raise WorkspaceError(f"{folder} already exists; use --force to replace it or --dir to choose another folder")
        if not marker.exists():
            raise WorkspaceError(f"{folder} exists and is not a ceintel workspace; refusing to delete it")
        shutil.rmtree(folder)
    ws = init_workspace(folder, demo_partnership())
    for config in sorted((resources.files("ceintel.synth") / "sources").iterdir()):
        if config.name.endswith(".yaml"):
            (ws.sources / config.name).write_text(config.read_text(encoding="utf-8"), encoding="utf-8")
    truth = folder / "truth"
    result = synthesise(ws.inbox, ws.geography, truth, children=children, seed=seed, progress=progress)
    (truth / "README.txt").write_text(
        "The hidden truth of the synthetic partnership, for tests and evaluation only.\n"
        "No pipeline stage reads this folder.\n", encoding="utf-8")
    return DemoResult(ws, result, truth)


def _ingest(ws: Workspace) -> str:
    from ceintel.ingest.run import ingest_workspace
    from ceintel.warehouse import build_warehouse

    runs = ingest_workspace(ws)
    build_warehouse(ws)
    read = sum(r.read or 0 for r in runs)
    loaded = sum(r.loaded or 0 for r in runs)
    held = sum(r.quarantined or 0 for r in runs)
    failed = [r.source for r in runs if r.status not in ("loaded", "unchanged")]
    note = f"; not loaded: {', '.join(failed)}" if failed else ""
    return (f"{len(runs)} sources, {read:,} rows read = {loaded:,} loaded + {held:,} quarantined "
            f"(see quarantine/){note}")


def _datamap(ws: Workspace) -> str:
    from ceintel.quality.datamap import write_datamap

    result = write_datamap(ws)
    return (f"{result.sources} datasets from {result.agencies} agencies in "
            f"{result.markdown.relative_to(ws.root)} and {result.csv.name}")


def _identity(ws: Workspace) -> str:
    from ceintel.identity.run import link_workspace

    truth = ws.root / "truth"
    run = link_workspace(ws, truth=truth / "records.csv", cohort=truth / "exploitation.csv")
    quality = run.scores["all records"]
    cohort = run.scores.get("cohort")
    also = (f"; exploited children: whole-person F1 {cohort.person_f1:.3f}, pairwise {cohort.pair_f1:.3f}"
            if cohort else "")
    return (f"{run.records:,} records → {run.people:,} people; against the hidden truth pairwise F1 "
            f"{quality.pair_f1:.3f} (precision {quality.pair_precision:.3f}), whole-person F1 "
            f"{quality.person_f1:.3f}{also}; {run.review_pairs:,} pairs for review; reports/linkage.html")


def _framework(ws: Workspace) -> str:
    from ceintel.framework.build import build_framework, connect

    result = build_framework(ws)
    con = connect(ws)
    try:
        hidden, total = con.execute("SELECT COUNT(*) FILTER (WHERE status = 'c'), COUNT(*) FROM published_cell "
                                    "WHERE audience = 'public'").fetchone()
    finally:
        con.close()
    return (f"{result.indicators} indicators × {result.periods} periods × areas × breakdowns = "
            f"{result.cells:,} cells in {result.seconds:.0f} s; {hidden / max(total, 1):.0%} of public cells "
            f"suppressed (counts 1-5 and what would give them away)")


def _maturity(ws: Workspace) -> str:
    from ceintel.synth.maturity import seed_demo

    return seed_demo(ws).summary()


def _analyses(ws: Workspace) -> str:
    from ceintel.analysis.run import run_analyses

    result = run_analyses(ws)
    s = result.summary
    return (f"{len(result.rows)} analyses in {sum(result.seconds.values()):.0f} s: "
            f"{s['children_with_concern']:,} children with exploitation concerns, {s['places_of_concern']} places "
            f"of concern, {s['peer_groups']} peer groups, {s['adults_linked_2']} adults linked to 2 or more "
            f"children (analysis.duckdb)")


def _report(ws: Workspace) -> str:
    from ceintel.report import build_profile
    from ceintel.synth.narratives import seed_narratives

    added = seed_narratives(ws)
    result = build_profile(ws)
    return (f"{added} practice narratives; profile for {result.period}: reports/{result.html.name} and "
            f"reports/{result.pdf.name} ({result.pages} pages)")


Stage = Callable[[Workspace], str]
STAGES: list[tuple[str, Stage]] = [("Ingest and data quality", _ingest), ("Identity", _identity),
                                   ("Maturity self-assessments and action plans", _maturity),
                                   ("Data map", _datamap), ("Intelligence framework", _framework),
                                   ("Analyses", _analyses), ("Practice narratives and the profile", _report)]
"""Pipeline stages the demo runs after synthesis, in order: (name, function returning a one-line summary)."""
