"""DuckDB connections with the project's settings, made in one place.

A memory limit (DuckDB's default is 80% of RAM, see ../shared/STACK.md) and no
progress bar (it writes to the terminal behind the command line's own bars).
"""

from __future__ import annotations

from pathlib import Path

import duckdb

MEMORY_LIMIT = "4GB"


def connect(path: Path | str | None = None, *, read_only: bool = False,
            temp_directory: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A connection; ``temp_directory`` is where DuckDB spills when memory runs short.

    DuckDB spills to ``.tmp`` in the current folder by default: the identity
    step passes a folder inside ``identity/`` so identifiers never land elsewhere.
    """
    config = {"memory_limit": MEMORY_LIMIT}
    if temp_directory is not None:
        Path(temp_directory).mkdir(parents=True, exist_ok=True)
        config["temp_directory"] = str(temp_directory)
    con = duckdb.connect(str(path) if path else ":memory:", read_only=read_only, config=config)
    con.execute("SET enable_progress_bar = false")
    return con
