"""DuckDB connections with the project's settings, made in one place.

A memory limit (DuckDB's default is 80% of RAM, see ../shared/STACK.md) and no
progress bar (it writes to the terminal behind the command line's own bars).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MEMORY_LIMIT = "4GB"


def connect(path: Path | str | None = None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(str(path) if path else ":memory:", read_only=read_only,
                         config={"memory_limit": MEMORY_LIMIT})
    con.execute("SET enable_progress_bar = false")
    return con
