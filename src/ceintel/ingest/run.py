"""Ingesting a workspace: every source's newest extract, each on its own, then the warehouse.

A source whose file cannot be read stops alone with one clear message; the
others load. Re-ingesting the same file is a no-op (its hash is in the
source's manifest); a newer extract replaces the older one in staging, and
the older one's quality profile is kept in the source's history for trends.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pyarrow.parquet as pq

from ceintel import duck
from ceintel.errors import CeintelError
from ceintel.ingest.engine import IngestOutcome, ingest_file
from ceintel.ingest.geography import load_geography
from ceintel.ingest.source_config import SourceConfig, load_sources
from ceintel.safe_csv import write_csv
from ceintel.workspace import Workspace

QUARANTINE_COLUMNS = ["file", "row", "field", "reason", "value", "also"]
Progress = Callable[[int, int, str], None]


@dataclass
class SourceRun:
    source: str
    agency: str
    status: str  # loaded | unchanged | failed | no file
    file: str | None = None
    read: int = 0
    loaded: int = 0
    quarantined: int = 0
    out_of_area: int = 0
    extract_date: str | None = None
    message: str | None = None
    warnings: dict[str, int] = field(default_factory=dict)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def newest_file(ws: Workspace, cfg: SourceConfig) -> Path | None:
    """The newest extract matching the source's file pattern (by modification time, then name)."""
    matches = [p for p in ws.inbox.glob(cfg.file) if p.is_file()]
    if not matches:
        return None
    return max(matches, key=lambda p: (p.stat().st_mtime, p.name))


def read_manifest(ws: Workspace, source: str) -> dict | None:
    path = ws.staging / source / "manifest.json"
    return json.loads(path.read_text()) if path.exists() else None


def ingest_workspace(ws: Workspace, *, only: list[str] | None = None, force: bool = False,
                     progress: Progress | None = None) -> list[SourceRun]:
    """Ingest every source (or ``only`` these); returns what happened to each."""
    partnership = ws.config()
    secret = ws.secret()
    configs = load_sources(ws.sources)
    if only:
        unknown = sorted(set(only) - {c.source for c in configs})
        if unknown:
            raise CeintelError(f"no source called {', '.join(unknown)} in {ws.sources}; "
                               f"sources: {', '.join(c.source for c in configs)}")
        configs = [c for c in configs if c.source in only]
    con = duck.connect()
    geo = partnership.geography
    postcodes, areas = ws.root / geo.postcode_lookup, ws.root / geo.areas
    geography_loaded = postcodes.exists() and areas.exists()
    if geography_loaded:
        load_geography(con, postcodes, areas)
    runs = []
    for n, cfg in enumerate(configs):
        if progress:
            progress(n, len(configs), cfg.source)
        runs.append(_one(ws, con, cfg, secret, partnership.area_codes, geography_loaded, force))
    if progress:
        progress(len(configs), len(configs), "done")
    con.close()
    return runs


def _one(ws: Workspace, con: duckdb.DuckDBPyConnection, cfg: SourceConfig, secret: bytes,
         areas: tuple[str, ...], geography_loaded: bool, force: bool) -> SourceRun:
    run = SourceRun(cfg.source, cfg.agency, "no file")
    path = newest_file(ws, cfg)
    if path is None:
        run.message = f"no file in {ws.inbox} matches '{cfg.file}'"
        return run
    run.file = path.name
    digest = sha256(path)
    manifest = read_manifest(ws, cfg.source)
    if manifest and manifest.get("sha256") == digest and not force:
        run.status = "unchanged"
        for key in ("read", "loaded", "quarantined", "out_of_area", "extract_date"):
            setattr(run, key, manifest.get(key))
        run.message = "same file as last time; nothing to do"
        return run
    try:
        outcome = ingest_file(con, cfg, path, secret=secret, partnership_areas=areas,
                              geography_loaded=geography_loaded)
    except CeintelError as exc:
        run.status = "failed"
        run.message = str(exc)
        return run
    _store(ws, cfg, outcome, digest, manifest)
    run.status = "loaded"
    run.read, run.loaded, run.quarantined, run.out_of_area = (outcome.read, outcome.loaded, outcome.quarantined,
                                                              outcome.out_of_area)
    run.extract_date = outcome.extract_date.isoformat() if outcome.extract_date else None
    run.warnings = dict(outcome.warnings)
    return run


def _store(ws: Workspace, cfg: SourceConfig, outcome: IngestOutcome, digest: str, previous: dict | None) -> None:
    """Replace the source's staging with this extract's, keeping the previous profile in its history."""
    folder = ws.staging / cfg.source
    history = folder / "history"
    if previous:
        history.mkdir(parents=True, exist_ok=True)
        old_profile = folder / "profile.json"
        if old_profile.exists():
            shutil.copy2(old_profile, history / f"{previous['extract_date']}_{previous['sha256'][:12]}.json")
    tmp = folder.with_name(folder.name + ".new")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    for name, table in outcome.tables.items():
        pq.write_table(table, tmp / f"{name}.parquet")
    manifest = {"source": cfg.source, "agency": cfg.agency, "system": cfg.system, "kind": cfg.description,
                "file": outcome.file.name, "sha256": digest, "extract_date": outcome.extract_date.isoformat(),
                "ingested_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                "read": outcome.read, "loaded": outcome.loaded, "quarantined": outcome.quarantined,
                "out_of_area": outcome.out_of_area, "warnings": dict(outcome.warnings),
                "coverage": cfg.coverage, "legal_basis": cfg.legal_basis, "retention": cfg.retention,
                "owner": cfg.owner, "refresh": cfg.refresh, "tables": cfg.tables, "file_info": outcome.file_info}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=1, default=str))
    (tmp / "profile.json").write_text(json.dumps({"extract_date": manifest["extract_date"], "sha256": digest,
                                                  "fields": outcome.profile}, indent=1, default=str))
    if (folder / "history").exists():
        shutil.move(str(folder / "history"), str(tmp / "history"))
    if folder.exists():
        shutil.rmtree(folder)
    tmp.rename(folder)
    identity = ws.identity_staging
    identity.mkdir(parents=True, exist_ok=True)
    pq.write_table(outcome.identifiers, identity / f"{cfg.source}.parquet")
    write_csv(ws.quarantine / f"{cfg.source}.csv", QUARANTINE_COLUMNS, outcome.quarantine)

