"""What the data cannot tell us, per indicator: caveats drawn from the quality of its sources.

An indicator's own header says what it cannot tell us in principle; this
module adds what this partnership's data cannot tell us now — sources that
start late, months with gaps or spikes in recording, stale extracts, fields
often left empty, records without a home area — read from the quality
profile the ingest step wrote (``quality_source``, ``quality_period``).
"""

from __future__ import annotations

import datetime as dt
import json

import duckdb

from ceintel.config import Partnership
from ceintel.framework.registry import Registry

STALE_DAYS = 45
"""An extract whose newest record is older than this is flagged as not up to date."""
LOW_COMPLETENESS = 0.9
UNKNOWN_AREA_SHARE = 0.1


def source_caveats(con: duckdb.DuckDBPyConnection, sources: list[str], start: dt.date) -> tuple[list[str], dt.date | None]:
    """Sentences about the given sources' quality, and the first date any of them has data for."""
    if not sources:
        return ["No source holds the data this indicator needs yet: its values are all zero."], None
    rows = con.execute("""
        SELECT source_id, agency, oldest_event, newest_event, days_newest_to_extract, gap_months, spike_months,
               lowest_completeness, lowest_completeness_field, area_unknown_share
        FROM quality_source WHERE source_id IN (SELECT UNNEST(?)) ORDER BY source_id
    """, [sources]).fetchall()
    notes: list[str] = []
    firsts = []
    for (sid, _agency, oldest, _newest, stale, gaps, spikes, low, low_field, unknown) in rows:
        if oldest is not None:
            firsts.append(oldest)
            if oldest > start + dt.timedelta(days=31):
                notes.append(f"{sid} holds records only from {oldest:%B %Y}: earlier periods count less.")
        if stale is not None and stale > STALE_DAYS:
            notes.append(f"{sid}'s newest record is {stale} days older than its extract: recent months may be missing.")
        if gaps:
            notes.append(f"{sid} has {gaps} month(s) with unusually few records (possible gaps in recording).")
        if spikes:
            notes.append(f"{sid} has {spikes} month(s) with unusually many records (possible bulk entry).")
        if low is not None and low < LOW_COMPLETENESS and low_field:
            notes.append(f"{sid}: {low_field.split('.')[-1]} is filled in on only {low:.0%} of rows.")
        if unknown is not None and unknown > UNKNOWN_AREA_SHARE:
            notes.append(f"{sid}: {unknown:.0%} of records have no home area (counted for the partnership, "
                         f"not in any ward).")
    missing = sorted(set(sources) - {r[0] for r in rows})
    if missing:
        notes.append(f"No quality profile for {', '.join(missing)}.")
    return notes, (min(firsts) if firsts else None)


def write_indicator_table(con: duckdb.DuckDBPyConnection, registry: Registry, meta: dict[str, dict],
                          partnership: Partnership) -> None:
    """Create ``indicator``: the registry's metadata, the sources used and their caveats.

    Also sets ``meta[id]['cell_caveat']`` for periods before any source has data.
    """
    rows = []
    start = partnership.periods.start
    for i, ind in enumerate(registry):
        m = meta[ind.id]
        notes, first = source_caveats(con, m["sources"], start)
        if first is not None and first > start:
            m["cell_caveat"] = (first, f"before the first record of any source used ({first:%B %Y})")
        rows.append((
            ind.id, i, ind.title, ind.theme, ind.theme_title, ind.question, ind.cannot_tell, ind.unit, ind.counts,
            ind.numerator, ind.denominator, json.dumps(list(ind.needs)), json.dumps(list(ind.breakdowns)),
            json.dumps(list(ind.geographies)), ind.area, ind.disclosure, m["time_additive"],
            json.dumps(m["sources"]), json.dumps(notes), ind.sql, ind.path,
        ))
    con.execute("""CREATE OR REPLACE TABLE indicator (id VARCHAR, position INTEGER, title VARCHAR, theme VARCHAR,
        theme_title VARCHAR, question VARCHAR, cannot_tell VARCHAR, unit VARCHAR, counts VARCHAR,
        numerator VARCHAR, denominator VARCHAR, needs JSON, breakdowns JSON, geographies JSON, area VARCHAR,
        disclosure VARCHAR, time_additive BOOLEAN, sources JSON, caveats JSON, sql VARCHAR, path VARCHAR)""")
    con.executemany("INSERT INTO indicator VALUES (" + ", ".join(["?"] * 21) + ")", rows)
