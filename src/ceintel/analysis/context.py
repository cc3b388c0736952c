"""One connection every analysis reads: the warehouse, read-only, with the framework's shared definitions.

Why one context: an analysis must count "a child with an exploitation concern"
and "a child of this partnership" exactly as the indicators do, or a profile
would print two different numbers for one question. So the context attaches
the warehouse read-only, makes the framework's dimensions (``fw_person``,
``area``) and shared views (``concern``, ``event_age``, ``missing_episode``)
in a private in-memory database, and adds three small tables the analyses
share:

``an_child``
    children of the partnership (the framework's ``in_partnership`` rule), with
    their home ward and small area.
``an_concern``
    those with an exploitation concern recorded while under 18 in the window:
    first concern date, the types, the agencies that recorded one.
``an_contact``
    every event of a partnership child with its agency and service group
    (the ``group`` attribute of ``codes/event_type.yaml``).

Nothing here is written to disk: record-level rows stay in memory and leave
only as the analyst views :mod:`ceintel.analysis.run` chooses to keep.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb

from ceintel import duck
from ceintel.codes import code_list
from ceintel.config import Partnership
from ceintel.errors import WorkspaceError
from ceintel.framework.build import reporting_end
from ceintel.framework.dimensions import build_dimensions
from ceintel.framework.views import create_views
from ceintel.warehouse import warehouse_path
from ceintel.workspace import Workspace


@dataclass(frozen=True)
class Window:
    """The reporting window the analyses look at (the framework's periods)."""

    start: dt.date
    end: dt.date


@dataclass
class Context:
    """What every analysis function takes: the connection, the partnership and its window."""

    con: duckdb.DuckDBPyConnection
    partnership: Partnership
    window: Window

    @property
    def area_codes(self) -> tuple[str, ...]:
        return self.partnership.area_codes

    def threshold(self, audience: str = "public") -> int:
        return self.partnership.disclosure.audiences[audience].threshold

    def round_to(self, audience: str = "public") -> int | None:
        return self.partnership.disclosure.audiences[audience].round_to

    def df(self, sql: str, params: list | None = None):
        """Run SQL and return a pandas data frame."""
        return self.con.execute(sql, params or []).df()


@contextmanager
def open_context(ws: Workspace, window: Window | None = None) -> Iterator[Context]:
    """The analysis context of a workspace whose warehouse is built and linked."""
    wh = warehouse_path(ws)
    if not wh.exists():
        raise WorkspaceError(f"{wh} does not exist yet; run: ceintel ingest {ws.root}")
    partnership = ws.config()
    con = duck.connect(":memory:")
    try:
        con.execute(f"ATTACH '{wh}' AS wh (READ_ONLY)")
        con.execute("USE memory")
        con.execute("SET search_path = 'memory.main,wh.main'")
        if con.execute("SELECT count(*) FROM person").fetchone()[0] == 0:
            raise WorkspaceError(f"{wh} has no linked people yet; run: ceintel link {ws.root}")
        if window is None:
            end = reporting_end(con, partnership.periods.end)
            window = Window(partnership.periods.start, end)
        build_dimensions(con, partnership)
        create_views(con)
        _shared_tables(con, window)
        yield Context(con, partnership, window)
    finally:
        con.close()


def service_groups() -> dict[str, str]:
    """Event type → the service group that records it (``codes/event_type.yaml``)."""
    return {e.code: e.attributes.get("group", "other") for e in code_list("event_type").entries}


def _shared_tables(con: duckdb.DuckDBPyConnection, window: Window) -> None:
    groups = ", ".join(f"('{k}', '{v}')" for k, v in service_groups().items())
    start, end = f"DATE '{window.start}'", f"DATE '{window.end}'"
    con.execute("""
        CREATE TABLE an_child AS
        SELECT person_id, birth_month, sex, ethnicity_group, la, ward, lsoa
        FROM fw_person WHERE in_partnership AND role = 'child'""")
    con.execute(f"CREATE TABLE an_service AS SELECT * FROM (VALUES {groups}) AS t(event_type, service)")
    con.execute(f"""
        CREATE TABLE an_contact AS
        SELECT e.person_id, e.event_type, s.service, src.agency, e.source_id, e.start_date, e.end_date,
               e.place_id, e.event_role, e.exploitation_types, e.detail, e.incident_ref, e.under_18
        FROM event_age e
        JOIN an_child c USING (person_id)
        LEFT JOIN an_service s USING (event_type)
        LEFT JOIN source src ON src.source_id = e.source_id
        WHERE e.start_date <= {end}""")
    con.execute(f"""
        CREATE TABLE an_concern AS
        SELECT c.person_id, min(c.date) AS first_concern,
               list(DISTINCT c.exploitation_type ORDER BY c.exploitation_type) AS types,
               list(DISTINCT s.agency ORDER BY s.agency) AS agencies
        FROM concern c
        JOIN an_child USING (person_id)
        LEFT JOIN source s ON s.source_id = c.source_id
        WHERE c.under_18 AND c.date BETWEEN {start} AND {end}
        GROUP BY c.person_id""")
