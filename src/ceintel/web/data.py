"""Read-only access to what the pipeline publishes: the framework, the analyses, the warehouse.

Builds write a new file and rename it into place (``framework.duckdb``,
``analysis.duckdb``, ``warehouse.duckdb``), so the app never blocks a build:
it holds a read-only connection to the file it opened and reopens when the
file on disk has been replaced (a new inode or modification time). Each
request gets its own cursor, which DuckDB allows across threads.

Pages ask for published data by audience; record-level rows (analyst tables,
the warehouse) are only reachable through functions that take the
:class:`~ceintel.web.permissions.Principal` and check it.
"""

from __future__ import annotations

import contextlib
import threading
from pathlib import Path

import duckdb
import pandas as pd

from ceintel import duck
from ceintel.web.permissions import Forbidden, Principal
from ceintel.workspace import Workspace

CACHE_ENTRIES = 2000
FILES = {"framework": "framework.duckdb", "analysis": "analysis.duckdb", "warehouse": "warehouse.duckdb"}


class NotBuilt(Exception):
    """A file the page needs has not been built yet."""


class Readers:
    """One cached read-only connection per file, reopened when the file is replaced."""

    def __init__(self, ws: Workspace):
        self.ws = ws
        self._cons: dict[str, tuple[tuple[int, float], duckdb.DuckDBPyConnection]] = {}
        self._lock = threading.Lock()
        self._cache: dict[tuple, pd.DataFrame] = {}

    def cursor(self, name: str) -> duckdb.DuckDBPyConnection:
        path: Path = self.ws.root / FILES[name]
        try:
            st = path.stat()
        except FileNotFoundError:
            raise NotBuilt(f"{path.name} has not been built yet") from None
        stamp = (st.st_ino, st.st_mtime)
        with self._lock:
            cached = self._cons.get(name)
            if cached is None or cached[0] != stamp:
                if cached is not None:
                    with contextlib.suppress(duckdb.Error):
                        cached[1].close()
                self._cons[name] = (stamp, duck.connect(path, read_only=True))
            return self._cons[name][1].cursor()

    def df(self, name: str, sql: str, params: list | None = None) -> pd.DataFrame:
        """Run a query; published files' answers are cached until the file is replaced (they cannot change)."""
        cur = self.cursor(name)
        key = (name, self._cons[name][0], sql, tuple(params or ()))
        if name != "warehouse":
            with self._lock:
                hit = self._cache.get(key)
            if hit is not None:
                cur.close()
                return hit.copy()
        try:
            result = cur.execute(sql, params or []).df()
        finally:
            cur.close()
        if name != "warehouse":
            with self._lock:
                if len(self._cache) >= CACHE_ENTRIES:
                    self._cache.pop(next(iter(self._cache)))
                self._cache[key] = result
            return result.copy()
        return result

    def close(self) -> None:
        with self._lock:
            for _, con in self._cons.values():
                con.close()
            self._cons.clear()

    # ------------------------------------------------------------------ published data (everyone)

    def indicators(self) -> pd.DataFrame:
        return self.df("framework", "SELECT id, title, theme, theme_title, question, cannot_tell, unit, counts, "
                                    "breakdowns, geographies, sources, caveats FROM indicator ORDER BY position")

    def indicator(self, indicator_id: str) -> dict | None:
        rows = self.df("framework", "SELECT * EXCLUDE (sql, path) FROM indicator WHERE id = ?", [indicator_id])
        return None if rows.empty else rows.iloc[0].to_dict()

    def periods(self, kind: str | None = None) -> pd.DataFrame:
        sql = "SELECT * FROM period" + (" WHERE period_kind = ?" if kind else "") + " ORDER BY sort"
        return self.df("framework", sql, [kind] if kind else [])

    def areas(self, level: str | None = None) -> pd.DataFrame:
        sql = "SELECT * FROM area" + (" WHERE area_level = ?" if level else "") + " ORDER BY area_code"
        return self.df("framework", sql, [level] if level else [])

    def cells(self, principal: Principal, indicator_id: str, *, period_kind: str | None = None,
              period: str | None = None, area_level: str = "partnership", breakdown: str = "all") -> pd.DataFrame:
        """Published cells for the principal's audience (never ``indicator_cell``)."""
        where = ["c.audience = ?", "c.indicator_id = ?", "c.area_level = ?", "c.breakdown = ?"]
        params: list = [principal.audience, indicator_id, area_level, breakdown]
        for column, value in (("period_kind", period_kind), ("period", period)):
            if value:
                where.append(f"c.{column} = ?")
                params.append(value)
        return self.df("framework", f"""
            SELECT c.period_kind, c.period, p.period_start, p.period_end, p.complete, c.area_level, c.area_code,
                   a.area_name, c.breakdown, c.category, c.value, c.numerator, c.denominator, c.status, c.caveat
            FROM published_cell c
            JOIN period p USING (period_kind, period)
            LEFT JOIN area a ON a.area_level = c.area_level AND a.area_code = c.area_code
            WHERE {' AND '.join(where)}
            ORDER BY p.sort, c.area_code, c.category""", params)

    def build_info(self) -> dict:
        rows = self.df("framework", "SELECT * FROM build_info")
        return {} if rows.empty else rows.iloc[0].to_dict()

    def analysis_info(self) -> pd.DataFrame:
        return self.df("analysis", "SELECT * FROM analysis_info")

    def analysis(self, principal: Principal, table: str) -> pd.DataFrame:
        """A published analysis table for the principal's audience, or — for analysts only — a record-level one."""
        info = self.analysis_info()
        row = info[info["table_name"] == table]
        if row.empty:
            raise KeyError(table)
        if row.iloc[0]["audience"] == "analyst":
            principal.require_records()
            return self.df("analysis", f'SELECT * FROM "{table}"')
        return self.df("analysis", f'SELECT * EXCLUDE (audience) FROM "{table}" WHERE audience = ?',
                       [principal.audience])

    # ------------------------------------------------------------------ warehouse: quality (aggregate) and records

    def warehouse(self, sql: str, params: list | None = None) -> pd.DataFrame:
        return self.df("warehouse", sql, params)

    def records_of_agency(self, principal: Principal, agency: str, sql: str, params: list | None = None) -> pd.DataFrame:
        if not principal.sees_records(agency):
            raise Forbidden("record-level data of this agency")
        return self.df("warehouse", sql, params)
