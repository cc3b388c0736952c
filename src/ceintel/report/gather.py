"""The edge that reads: everything the profile shows, from published and aggregate sources only.

It reads ``published_cell`` (never ``indicator_cell``), the analyses' tables
for everyone (``audience = 'all'`` in ``analysis_info``) filtered to the
chosen audience, the sources' quality profile and extract dates, the
maturity picture, action plans and practice narratives. It returns plain data
(:class:`Gathered`); :mod:`ceintel.report.profile` turns that into the
profile without touching a file or a database.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from ceintel.errors import CeintelError
from ceintel.report.periods import (
    ReportPeriod,
    choose_period,
    periods_from_rows,
    trend_points,
    year_before,
)
from ceintel.workspace import Workspace


@dataclass
class Gathered:
    partnership: str
    audience: str
    threshold: int
    round_to: int | None
    built_at: dt.datetime
    period: ReportPeriod
    previous: ReportPeriod | None
    trend: list[ReportPeriod]
    indicators: dict[str, dict]
    cells: pd.DataFrame
    areas: pd.DataFrame
    analyses: dict[str, pd.DataFrame] = field(default_factory=dict)
    analysis_info: dict[str, dict] = field(default_factory=dict)
    analysis_window: tuple[dt.date, dt.date] | None = None
    wards: dict | None = None
    small_areas: dict | None = None
    sources: list[dict] = field(default_factory=list)
    quality: dict[str, dict] = field(default_factory=dict)
    maturity: Any = None
    actions: list | None = None
    narratives: list[dict] = field(default_factory=list)
    today: dt.date = field(default_factory=dt.date.today)


def _json(value: Any) -> Any:
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def read_framework(ws: Workspace, audience: str, period: str | None) -> dict:
    """Published cells of the periods the profile uses, the indicators' metadata, areas and build info."""
    from ceintel.framework.build import connect

    con = connect(ws)
    try:
        info = con.execute("SELECT partnership, built_at, disclosure FROM build_info").fetchone()
        rules = _json(info[2]) or {}
        if audience not in rules:
            raise CeintelError(f"no disclosure audience {audience!r} in this build; audiences: "
                               f"{', '.join(sorted(rules)) or 'none'}")
        periods = periods_from_rows(con.execute(
            "SELECT period_kind, period, period_start, period_end, complete FROM period").fetchall())
        chosen = choose_period(periods, period)
        previous = year_before(periods, chosen)
        trend = trend_points(periods, chosen)
        wanted = sorted({chosen.label, *(p.label for p in trend), *([previous.label] if previous else [])})
        cells = con.execute(
            "SELECT indicator_id, period_kind, period, area_level, area_code, breakdown, category, value, numerator, "
            "denominator, status, caveat FROM published_cell WHERE audience = ? AND period IN (SELECT UNNEST(?))",
            [audience, wanted]).df()
        meta = con.execute("SELECT * FROM indicator ORDER BY position, id").df()
        indicators = {}
        for rec in meta.to_dict(orient="records"):
            for k in ("needs", "breakdowns", "geographies", "sources", "caveats"):
                rec[k] = _json(rec.get(k)) or []
            indicators[rec["id"]] = rec
        areas = con.execute("SELECT * FROM area").df()
    finally:
        con.close()
    rule = rules[audience]
    return {"partnership": info[0], "built_at": info[1], "threshold": int(rule.get("threshold", 5)),
            "round_to": rule.get("round_to"), "period": chosen, "previous": previous, "trend": trend,
            "cells": cells, "indicators": indicators, "areas": areas}


def read_analyses(ws: Workspace, audience: str) -> tuple[dict[str, pd.DataFrame], dict[str, dict], tuple | None]:
    """Every analysis table for everyone, filtered to ``audience``; analyst tables are never opened."""
    from ceintel.analysis.run import analysis_path, connect

    if not analysis_path(ws).exists():
        return {}, {}, None
    con = connect(ws)
    try:
        info = {r["table_name"]: r for r in con.execute(
            "SELECT * FROM analysis_info WHERE audience = 'all' ORDER BY table_name").df().to_dict(orient="records")}
        tables = {t: con.execute(f'SELECT * FROM "{t}" WHERE audience = ?', [audience]).df() for t in info}
    finally:
        con.close()
    window = None
    if info:
        first = next(iter(info.values()))
        if first.get("window_start") is not None:
            window = (pd.Timestamp(first["window_start"]).date(), pd.Timestamp(first["window_end"]).date())
    return tables, info, window


def _geo(path: Path, key: str, codes: set[str]) -> dict | None:
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    feats = [f for f in data.get("features", []) if str((f.get("properties") or {}).get(key)) in codes]
    return {"type": "FeatureCollection", "features": feats} if feats else None


def read_geography(ws: Workspace, areas: pd.DataFrame) -> tuple[dict | None, dict | None]:
    """Boundaries of the partnership's own wards and small areas (others' are left off the map)."""
    geo = ws.config().geography
    wards = set(areas.loc[areas.area_level == "ward", "area_code"].astype(str))
    small = set(areas.loc[areas.area_level == "small_area", "area_code"].astype(str))
    return _geo(ws.root / geo.ward_boundaries, "wd24cd", wards), _geo(ws.root / geo.boundaries, "lsoa21cd", small)


def read_sources(ws: Workspace) -> tuple[list[dict], dict[str, dict]]:
    """Each source's agency, kind and extract date, and its quality profile (aggregates only)."""
    from ceintel.maturity.summary import quality_sources
    from ceintel.warehouse import connect, warehouse_path

    if not warehouse_path(ws).exists():
        return [], {}
    con = connect(ws)
    try:
        rows = con.execute("SELECT source_id, agency, system, kind, extracted_at FROM source "
                           "ORDER BY agency, source_id").df().to_dict(orient="records")
    finally:
        con.close()
    return rows, {q["source_id"]: q for q in quality_sources(ws)}


def _store_exists(ws: Workspace) -> bool:
    """Whether there is an app store to read: building a report must not create one."""
    from ceintel.store.db import STORE_FILE, store_url

    url = store_url(ws)
    return not url.startswith("sqlite:///") or (ws.root / STORE_FILE).exists() or Path(url[10:]).exists()


def read_store(ws: Workspace, today: dt.date) -> tuple[Any, list | None, list[dict]]:
    """The maturity summary, action plans and current narratives (None/empty when there is no store)."""
    if not _store_exists(ws):
        return None, None, []
    from ceintel.actions.plans import list_actions
    from ceintel.maturity.summary import summarise
    from ceintel.store.db import session_scope, store_url
    from ceintel.store.narratives import current_narratives

    url = store_url(ws)
    with session_scope(url) as session:
        actions = list_actions(session, today)
        narratives = [{"key": n.key, "target_kind": n.target_kind, "target_id": n.target_id, "period": n.period,
                       "title": n.title, "text": n.text, "author": n.author, "author_role": n.author_role,
                       "created_at": n.created_at} for n in current_narratives(session)]
    maturity = summarise(ws, url=url)
    if maturity.round is None:
        maturity = None
    return maturity, actions, narratives


def gather(ws: Workspace, audience: str = "partnership", period: str | None = None,
           today: dt.date | None = None) -> Gathered:
    """Read everything the profile needs, once."""
    today = today or dt.date.today()
    fw = read_framework(ws, audience, period)
    tables, info, window = read_analyses(ws, audience)
    wards, small = read_geography(ws, fw["areas"])
    sources, quality = read_sources(ws)
    maturity, actions, narratives = read_store(ws, today)
    return Gathered(partnership=fw["partnership"], audience=audience, threshold=fw["threshold"],
                    round_to=fw["round_to"], built_at=fw["built_at"], period=fw["period"], previous=fw["previous"],
                    trend=fw["trend"], indicators=fw["indicators"], cells=fw["cells"], areas=fw["areas"],
                    analyses=tables, analysis_info=info, analysis_window=window, wards=wards, small_areas=small,
                    sources=sources, quality=quality, maturity=maturity, actions=actions, narratives=narratives,
                    today=today)
