"""``ceintel build``: compute every indicator into ``framework.duckdb``, atomically.

The framework file is built beside the current one and renamed into place,
so a failed build leaves the previous good one untouched and readers (the web
app, the report) never see half a build. It holds:

    indicator        the registry's metadata, with caveats drawn from the sources' quality
    indicator_cell   every value before disclosure control (analysts only)
    published_cell   what may leave the system, per audience, after disclosure control

The warehouse is attached read-only, so building never changes it.

Why a full rebuild rather than an incremental one: every indicator reads the
person table, whose links can change when any source changes, so nearly every
cell depends on every source; rebuilding all of them takes seconds at borough
scale (see docs/benchmarks.md).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from ceintel import __version__, duck
from ceintel.errors import WorkspaceError
from ceintel.framework.caveats import write_indicator_table
from ceintel.framework.compute import (
    compute_all,
    create_cell_table,
    create_period_table,
    is_time_additive,
)
from ceintel.framework.dimensions import build_dimensions
from ceintel.framework.periods import reporting_periods
from ceintel.framework.publish import publish_all
from ceintel.framework.registry import Registry, load_registry
from ceintel.framework.views import create_views, drop_views
from ceintel.warehouse import warehouse_path
from ceintel.workspace import Workspace

FRAMEWORK_FILE = "framework.duckdb"
Progress = Callable[[int, int, str], None]


def framework_path(ws: Workspace) -> Path:
    return ws.root / FRAMEWORK_FILE


def connect(ws: Workspace) -> duckdb.DuckDBPyConnection:
    """A read-only connection to the last good build."""
    path = framework_path(ws)
    if not path.exists():
        raise WorkspaceError(f"{path} does not exist yet; run: ceintel build {ws.root}")
    return duck.connect(path, read_only=True)


@dataclass(frozen=True)
class BuildResult:
    path: Path
    indicators: int
    cells: int
    periods: int
    end: dt.date
    seconds: float


def reporting_end(con: duckdb.DuckDBPyConnection, configured: dt.date | None) -> dt.date:
    """The configured end, or the last day of the last whole month before the newest extract."""
    if configured is not None:
        return configured
    newest = con.execute("SELECT MAX(extracted_at) FROM source").fetchone()[0]
    if newest is None:
        newest = con.execute("SELECT MAX(start_date) FROM event").fetchone()[0]
    if newest is None:
        raise WorkspaceError("the warehouse holds no sources yet; run: ceintel ingest")
    nxt = newest + dt.timedelta(days=1)
    if nxt.month != newest.month:
        return newest
    return dt.date(newest.year, newest.month, 1) - dt.timedelta(days=1)


def build_framework(ws: Workspace, registry: Registry | None = None, progress: Progress | None = None) -> BuildResult:
    """Compute every indicator and its published versions; returns what was built."""
    started = time.perf_counter()
    wh = warehouse_path(ws)
    if not wh.exists():
        raise WorkspaceError(f"{wh} does not exist yet; run: ceintel ingest {ws.root}")
    registry = registry or load_registry(ws.root / "indicators")
    partnership = ws.config()
    final = framework_path(ws)
    tmp = final.with_name(final.name + ".building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duck.connect(tmp)
    try:
        con.execute(f"ATTACH '{wh}' AS wh (READ_ONLY)")
        con.execute("SET search_path = 'main,wh.main'")
        end = reporting_end(con, partnership.periods.end)
        periods = reporting_periods(partnership.periods, end)
        build_dimensions(con, partnership)
        create_views(con)
        create_period_table(con, periods)
        create_cell_table(con)
        steps = len(registry) + 2
        columns = compute_all(con, list(registry), partnership.area_codes, progress=progress)
        drop_views(con)  # record-level rows: a framework file keeps only counts
        if progress:
            progress(len(registry), steps, "counting")
        meta = {ind.id: {"time_additive": is_time_additive(ind, columns[ind.id]), "columns": columns[ind.id],
                         "sources": _sources_used(con, ind, columns[ind.id])} for ind in registry}
        write_indicator_table(con, registry, meta, partnership)
        if progress:
            progress(len(registry) + 1, steps, "disclosure control")
        publish_all(con, registry, meta, partnership)
        cells = con.execute("SELECT COUNT(*) FROM fw_cell").fetchone()[0]
        con.execute("ALTER TABLE fw_cell RENAME TO indicator_cell")
        for t in ("fw_person", "fw_pop"):
            con.execute(f"DROP TABLE IF EXISTS {t}")
        _build_info(con, partnership, end, len(registry))
        con.execute("DETACH wh")
        con.execute("CHECKPOINT")
        if progress:
            progress(steps, steps, "done")
    except BaseException:
        con.close()
        tmp.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(tmp, final)
    return BuildResult(final, len(registry), cells, len(periods), end, time.perf_counter() - started)


def _build_info(con: duckdb.DuckDBPyConnection, partnership, end: dt.date, indicators: int) -> None:
    """What the build was made from and under which disclosure rules, so every reader can say so."""
    rules = {name: rule.model_dump() for name, rule in partnership.disclosure.audiences.items()}
    con.execute("""CREATE TABLE build_info AS SELECT ? AS partnership, CAST(? AS TIMESTAMP) AS built_at,
                   CAST(? AS DATE) AS reporting_start, CAST(? AS DATE) AS reporting_end,
                   CAST(? AS JSON) AS disclosure, ? AS indicators, ? AS ceintel_version""",
                [partnership.name, dt.datetime.now().replace(microsecond=0), partnership.periods.start, end,
                 json.dumps(rules), indicators, __version__])
    # labels for the source breakdown, so outputs never need to read the warehouse
    con.execute("CREATE TABLE source_label AS SELECT source_id, agency, system, kind FROM wh.main.source")


def _sources_used(con: duckdb.DuckDBPyConnection, ind, cols: tuple[str, ...]) -> list[str]:
    """The sources an indicator's numbers rest on: those of its units, else those feeding what it needs."""
    if "source_id" in cols:
        rows = con.execute("SELECT source_id FROM fw_unit_sources WHERE indicator_id = ? ORDER BY 1",
                           [ind.id]).fetchall()
        return [r[0] for r in rows]
    found: set[str] = set()
    for need in ind.needs:
        table, _, event_type = need.partition(":")
        if table in ("geography", "population", "person", "place"):
            continue
        if table == "association":
            q, params = "SELECT DISTINCT source_id FROM association", []
        elif event_type:
            q, params = f"SELECT DISTINCT source_id FROM {table} WHERE event_type = ?", [event_type]
        else:
            q, params = f"SELECT DISTINCT source_id FROM {table}", []
        found.update(r[0] for r in con.execute(q, params).fetchall())
    return sorted(found)
