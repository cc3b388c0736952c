"""Framework views: concepts several indicators share, defined once and computed once per build.

A view is one ``.sql`` file in ``framework/views/``: the same ``/* YAML */`` header
as an indicator, with only ``id``, ``description`` and, when a view reads another,
``order`` (views are made in ``order``, then ``id``). The SQL below the header is
one portable ``SELECT`` over the warehouse (and earlier views). The build makes
each view a table in the connection's main schema, after the dimensions and
before any indicator runs, so an indicator reads ``concern`` or ``event_age`` as
if it were a warehouse table::

    /*
    id: concern
    description: One row per recorded exploitation concern ...
    */
    SELECT ...

Why tables rather than CTEs repeated in each indicator: the rule for "an
exploitation concern" or "a child at the date" then lives in one file, so two
indicators cannot drift apart, and it is computed once rather than once per
indicator. View tables hold record-level rows: :func:`drop_views` removes them
before a build's file is kept.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

import duckdb
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ceintel.errors import ConfigError
from ceintel.framework.registry import _ID, split_header, validation_problems
from ceintel.model import TABLES

FRAMEWORK_TABLES = ("area", "period", "period_month", "indicator", "indicator_cell", "published_cell",
                    "build_info", "source_label")
"""Tables a build makes itself (besides its ``fw_`` working tables): no view may take their names."""


class View(BaseModel):
    """One shared view: a name, what its rows are, and its SQL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="the table name indicators read; also the file name")
    description: str = Field(min_length=10, description="what one row is, and its columns")
    order: int = Field(default=100, description="views are made in this order: a view reading another "
                                                "needs a higher order")
    sql: str
    path: str = ""

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("must be lower case letters, digits and underscores, starting with a letter")
        if v in TABLES or v in FRAMEWORK_TABLES or v.startswith("fw_"):
            raise ValueError(f"{v!r} is already a warehouse or framework table; a view needs a name of its own")
        return v


def parse_view(text: str, path: str = "<text>") -> View:
    """Read one view file; errors name the file and the header field."""
    header, sql = split_header(text, path, kind="a view file")
    try:
        return View(**header, sql=sql, path=str(path))
    except ValidationError as exc:
        raise ConfigError(f"{path}: {validation_problems(exc)}") from None


def _builtin_files() -> list[tuple[str, str]]:
    folder = resources.files("ceintel.framework") / "views"
    return sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql"))


@cache
def _builtin_views() -> tuple[View, ...]:
    return tuple(parse_view(text, f"framework/views/{name}") for name, text in _builtin_files())


def load_views(folder: Path | None = None) -> tuple[View, ...]:
    """The built-in views (or those in ``folder``), in the order they are made."""
    if folder is None:
        found = _builtin_views()
    else:
        found = tuple(parse_view(p.read_text(encoding="utf-8"), str(p)) for p in sorted(folder.glob("*.sql")))
    return tuple(sorted(found, key=lambda v: (v.order, v.id)))


def create_views(con: duckdb.DuckDBPyConnection, views: tuple[View, ...] | None = None) -> None:
    """Make each view a table in the connection's main schema, in order."""
    for view in load_views() if views is None else views:
        try:
            con.execute(f"CREATE OR REPLACE TABLE main.{view.id} AS {view.sql}")
        except duckdb.Error as exc:
            raise ConfigError(f"{view.path}: the view's SQL failed: {str(exc).splitlines()[0]}") from None


def drop_views(con: duckdb.DuckDBPyConnection, views: tuple[View, ...] | None = None) -> None:
    """Remove the view tables (they hold record-level rows, which a framework file must not keep)."""
    for view in reversed(load_views() if views is None else views):
        con.execute(f"DROP TABLE IF EXISTS main.{view.id}")
