"""The DuckDB warehouse: canonical tables assembled from every source's staging, swapped in atomically.

A build writes a new file beside the current one and renames it into place,
so a reader (the web app) never sees a half-built warehouse and a failed
build leaves the previous one untouched (see ../shared/STACK.md: a DuckDB
writer locks the file against every reader).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import duckdb

from ceintel import duck
from ceintel.ingest.geography import load_geography
from ceintel.ingest.readers import read_raw
from ceintel.model import TABLES
from ceintel.quality.profile import write_quality_tables
from ceintel.workspace import Workspace

WAREHOUSE_FILE = "warehouse.duckdb"


def warehouse_path(ws: Workspace) -> Path:
    return ws.root / WAREHOUSE_FILE


def connect(ws: Workspace, read_only: bool = True) -> duckdb.DuckDBPyConnection:
    path = warehouse_path(ws)
    if not path.exists():
        from ceintel.errors import WorkspaceError

        raise WorkspaceError(f"{path} does not exist yet; run: ceintel ingest {ws.root}")
    return duck.connect(path, read_only=read_only)


def _parquet(ws: Workspace, table: str) -> list[str]:
    return sorted(str(p) for p in ws.staging.glob(f"*/{table}.parquet"))


def build_warehouse(ws: Workspace) -> Path:
    """Assemble the warehouse from staging and the geography files; returns its path."""
    final = warehouse_path(ws)
    tmp = final.with_name(final.name + ".building")
    for leftover in (tmp, tmp.with_name(tmp.name + ".wal")):
        leftover.unlink(missing_ok=True)
    con = duck.connect(tmp)
    try:
        for table in TABLES.values():
            con.execute(table.create_sql())
        for name in ("person_record", "event", "flag", "ace", "association"):
            files = _parquet(ws, name)
            if files:
                cols = ", ".join(TABLES[name].column_names)
                con.execute(f"INSERT INTO {name} ({cols}) SELECT {cols} FROM read_parquet({files!r}, "
                            f"union_by_name = true)")
        files = _parquet(ws, "place")
        if files:
            cols = ", ".join(TABLES["place"].column_names)
            con.execute(f"INSERT INTO place ({cols}) SELECT DISTINCT ON (place_id) {cols} "
                        f"FROM read_parquet({files!r}, union_by_name = true) ORDER BY place_id")
        _sources_and_quality(ws, con)
        _people(ws, con)
        _geography(ws, con)
        write_quality_tables(con, ws)
        con.execute("CHECKPOINT")
    finally:
        con.close()
    os.replace(tmp, final)
    return final


def _people(ws: Workspace, con: duckdb.DuckDBPyConnection) -> None:
    """Give every record its person_id from the identity step's map, and build the person table.

    The map holds pseudonyms only (source, pseudonymised record key, person_id);
    records ingested since the last link have no person_id until the next one.
    """
    person_map = ws.identity / "person_map.parquet"
    if not person_map.exists():
        return
    con.execute(f"CREATE TEMP TABLE person_map AS SELECT source_id, record_key, person_id "
                f"FROM read_parquet('{person_map}')")
    for name in ("person_record", "event", "flag", "ace"):
        con.execute(f"""UPDATE {name} t SET person_id = m.person_id FROM person_map m
                        WHERE m.source_id = t.source_id AND m.record_key = t.record_id""")
    for side in ("a", "b"):
        con.execute(f"""UPDATE association t SET person_{side} = m.person_id FROM person_map m
                        WHERE m.source_id = t.source_id AND m.record_key = t.record_{side}""")
    cols = ", ".join(TABLES["person"].column_names)
    con.execute(f"""
        INSERT INTO person ({cols})
        SELECT r.person_id,
               -- a record that knows the age decides; a source's default role (for people it gives no date of
               -- birth) counts only when no record knows the age: a disruption order's subject is an adult
               CASE WHEN bool_or(r.role = 'child' AND r.birth_month IS NOT NULL) THEN 'child'
                    WHEN bool_or(r.birth_month IS NOT NULL) THEN 'adult'
                    WHEN bool_or(r.role = 'adult') THEN 'adult' ELSE any_value(r.role) END,
               mode(r.sex) FILTER (WHERE r.sex IN ('M', 'F')),
               mode(r.birth_month),
               mode(r.ethnicity_group) FILTER (WHERE r.ethnicity_group NOT IN ('not_known', 'refused')),
               arg_max(r.home_lsoa, s.extracted_at) FILTER (WHERE r.home_lsoa IS NOT NULL),
               arg_max(r.home_la, s.extracted_at) FILTER (WHERE r.home_la IS NOT NULL),
               count(*), count(DISTINCT r.source_id), list(DISTINCT r.source_id ORDER BY r.source_id)
        FROM person_record r LEFT JOIN source s USING (source_id)
        WHERE r.person_id IS NOT NULL GROUP BY r.person_id ORDER BY r.person_id""")
    con.execute("DROP TABLE person_map")


def _sources_and_quality(ws: Workspace, con: duckdb.DuckDBPyConnection) -> None:
    con.execute("""CREATE TABLE quality_field (source_id VARCHAR, extract_date DATE, field VARCHAR, "column" VARCHAR,
                   rows BIGINT, present BIGINT, invalid BIGINT, distinct_values BIGINT, completeness DOUBLE,
                   validity DOUBLE, current BOOLEAN)""")
    con.execute("""CREATE TABLE ingest_summary (source_id VARCHAR, file VARCHAR, extract_date DATE, "read" BIGINT,
                   loaded BIGINT, quarantined BIGINT, out_of_area BIGINT, warnings JSON)""")
    for folder in sorted(ws.staging.glob("*/")):
        manifest_path = folder / "manifest.json"
        if not manifest_path.exists():
            continue
        m = json.loads(manifest_path.read_text())
        con.execute("INSERT INTO source VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [m["source"], m["agency"], m.get("system"), m.get("kind"), m["extract_date"],
                     ",".join(m.get("coverage", [])), m.get("legal_basis"), m["file"], m["sha256"]])
        con.execute("INSERT INTO ingest_summary VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    [m["source"], m["file"], m["extract_date"], m["read"], m["loaded"], m["quarantined"],
                     m["out_of_area"], json.dumps(m.get("warnings", {}))])
        profiles = [(folder / "profile.json", True)] + [(p, False) for p in sorted((folder / "history").glob("*.json"))]
        for path, current in profiles:
            if not path.exists():
                continue
            profile = json.loads(path.read_text())
            for f in profile["fields"]:
                con.execute("INSERT INTO quality_field VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                            [f["source_id"], profile["extract_date"], f["field"], f["column"], f["rows"],
                             f["present"], f["invalid"], f["distinct_values"], f["completeness"], f["validity"],
                             current])


def _geography(ws: Workspace, con: duckdb.DuckDBPyConnection) -> None:
    geo = ws.config().geography
    postcodes, areas, population = ws.root / geo.postcode_lookup, ws.root / geo.areas, ws.root / geo.population
    if not (postcodes.exists() and areas.exists()):
        return
    load_geography(con, postcodes, areas)
    con.execute("""INSERT INTO geography SELECT lsoa, lsoa_name, ward, ward_name, la, la_name, police_force,
                   health_board FROM geo_area""")
    con.execute("DROP TABLE geo_postcode")
    con.execute("DROP TABLE geo_area")
    if population.exists():
        raw = read_raw(population, wanted_columns=["lsoa21cd", "age", "sex", "children", "year"])
        con.register("pop_raw", raw.table)
        idx = {name: raw.column_index([name]) for name in ("lsoa21cd", "age", "sex", "children", "year")}
        if None not in idx.values():
            con.execute(f"""INSERT INTO population SELECT c{idx['lsoa21cd']}, c{idx['age']}::INTEGER, c{idx['sex']},
                            c{idx['children']}::INTEGER, c{idx['year']}::INTEGER FROM pop_raw""")
        con.unregister("pop_raw")
