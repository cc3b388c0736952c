"""Small helpers the page modules share: plain rows from data frames, analysis tables, chart specs.

Why here: every page turns a published data frame into rows a template can
print (no NaN, no numpy types) and asks for analysis tables the same way; a
table that an older build lacks is an empty table, not a 500.
"""

import json
import math
import threading
from pathlib import Path

import pandas as pd

from ceintel.web.data import NotBuilt


def plain(value):
    """A value a template (or JSON) can use: NaN and NA become None, numpy scalars Python ones."""
    if value is None:
        return None
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "item") and not isinstance(value, str):
        try:
            return value.item()
        except (ValueError, AttributeError):
            return value
    if isinstance(value, float) and math.isnan(value):
        return None
    return value


def rows(df: pd.DataFrame | None, columns: list[str] | None = None) -> list[dict]:
    """The frame as a list of dicts of plain values (optionally only ``columns`` that exist)."""
    if df is None or df.empty:
        return []
    if columns:
        df = df[[c for c in columns if c in df.columns]]
    return [{k: plain(v) for k, v in r.items()} for r in df.to_dict("records")]


def analysis(state, me, table: str) -> pd.DataFrame:
    """A published analysis table for the principal (empty when the build does not have it)."""
    try:
        return state.readers.analysis(me, table)
    except KeyError:
        return pd.DataFrame()


def has_analysis(state) -> bool:
    try:
        state.readers.analysis_info()
        return True
    except NotBuilt:
        return False


def spec_json(spec: dict) -> dict:
    """A spec made JSON-clean (Altair's output can hold numpy numbers or dates)."""
    return json.loads(json.dumps(spec, default=lambda v: plain(v) if not isinstance(v, (pd.Timestamp,)) else str(v)))


class FileCache:
    """Parsed files kept until they change on disk (GeoJSON boundaries, the linkage report)."""

    def __init__(self):
        self._items: dict[str, tuple[float, object]] = {}
        self._lock = threading.Lock()
        self._building: dict[str, threading.Lock] = {}

    def get(self, path: Path, parse, name: str = ""):
        """``parse(path)``, cached until the file changes (``name`` tells apart things parsed from one file)."""
        try:
            stamp = path.stat().st_mtime
        except FileNotFoundError:
            return None
        key = f"{path}:{name}"
        with self._lock:
            hit = self._items.get(key)
            if hit and hit[0] == stamp:
                return hit[1]
            building = self._building.setdefault(key, threading.Lock())
        with building:  # one request builds; the others arriving meanwhile wait for its result
            with self._lock:
                hit = self._items.get(key)
                if hit and hit[0] == stamp:
                    return hit[1]
            value = parse(path)
            with self._lock:
                self._items[key] = (stamp, value)
            return value


files = FileCache()


def cached_spec(state, key: str, build):
    """A chart spec built from analysis tables, kept until ``analysis.duckdb`` is rebuilt (Altair is slow)."""
    path = state.ws.root / "analysis.duckdb"
    return files.get(path, lambda _: build(), name=f"spec:{key}") if path.exists() else build()


def cached_framework(state, key: str, build):
    """Something built from published framework cells (a page's specs and rows), kept until the next build.

    Published cells change only when ``framework.duckdb`` is rebuilt, and the
    key always carries the audience, so this never mixes audiences.
    """
    path = state.ws.root / "framework.duckdb"
    return files.get(path, lambda _: build(), name=f"framework:{key}") if path.exists() else build()


_sources_lock = threading.Lock()
_sources_cache: dict[str, tuple[tuple, list]] = {}


def source_configs(state) -> list:
    """The workspace's source configurations, read again only when a source YAML is added, removed or changed."""
    from ceintel.ingest.source_config import load_sources

    folder = state.ws.sources
    stamp = tuple(sorted((p.name, p.stat().st_mtime) for p in folder.glob("*.yaml")))
    with _sources_lock:
        hit = _sources_cache.get(str(folder))
        if hit and hit[0] == stamp:
            return hit[1]
    configs = load_sources(folder)
    with _sources_lock:
        _sources_cache[str(folder)] = (stamp, configs)
    return configs
