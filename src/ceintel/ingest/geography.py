"""Geography lookups from files: postcode → small area → ward → council → force.

A real partnership imports ONS products (NSPL or ONSPD for postcodes, the
LSOA 2021 → ward → local authority lookup); their column names change between
releases (``lsoa21cd``, ``lsoa11``, ``LSOA21CD``...), so columns are found
tolerantly by the candidates below. The demo's synthetic files use the same
names.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from ceintel.errors import ConfigError
from ceintel.ingest.readers import read_raw

POSTCODE_COLUMNS = {
    "postcode": ["pcds", "pcd", "pcd2", "pcd7", "pcd8", "postcode"],
    "lsoa": ["lsoa21cd", "lsoa21", "lsoa11cd", "lsoa11", "lsoa", "lsoacd"],
    "ward": ["wd24cd", "wd23cd", "wd22cd", "osward", "ward", "wardcd"],
    "la": ["lad24cd", "lad23cd", "lad22cd", "oslaua", "laua", "lad", "ladcd"],
    "lat": ["lat", "latitude"],
    "lon": ["long", "lon", "longitude"],
}
AREA_COLUMNS = {
    "lsoa": ["lsoa21cd", "lsoa11cd", "lsoacd", "lsoa"],
    "lsoa_name": ["lsoa21nm", "lsoa11nm", "lsoanm"],
    "ward": ["wd24cd", "wd23cd", "wd22cd", "wardcd", "ward"],
    "ward_name": ["wd24nm", "wd23nm", "wd22nm", "wardnm"],
    "la": ["lad24cd", "lad23cd", "lad22cd", "ladcd", "lad"],
    "la_name": ["lad24nm", "lad23nm", "lad22nm", "ladnm"],
    "police_force": ["pfa23cd", "pfa22cd", "pfacd", "pfa"],
    "health_board": ["icb23cd", "icb22cd", "icbcd", "icb"],
}


def normalise_postcode_sql(expr: str) -> str:
    """SQL: a postcode folded to upper case without spaces (the join key)."""
    return f"upper(regexp_replace(coalesce({expr}, ''), '[^A-Za-z0-9]', '', 'g'))"


def _select(path: Path, wanted: dict[str, list[str]], required: tuple[str, ...]) -> tuple[object, dict[str, str]]:
    raw = read_raw(path, wanted_columns=[c for cands in wanted.values() for c in cands])
    found = {}
    for name, candidates in wanted.items():
        i = raw.column_index(candidates)
        if i is not None:
            found[name] = f"c{i}"
    missing = [n for n in required if n not in found]
    if missing:
        raise ConfigError(f"{path}: cannot find the {', '.join(missing)} column(s); looked for "
                          + "; ".join(f"{n}: {', '.join(wanted[n])}" for n in missing)
                          + f". Headers are: {', '.join(h for h in raw.headers if h)}")
    return raw.table, found


def load_geography(con: duckdb.DuckDBPyConnection, postcodes: Path, areas: Path) -> None:
    """Create ``geo_postcode`` (pc_key, lsoa, ward, la, lat, lon) and ``geo_area`` tables."""
    table, cols = _select(areas, AREA_COLUMNS, ("lsoa", "ward", "la"))
    con.register("areas_raw", table)
    select = ", ".join(f"{cols[k]} AS {k}" if k in cols else f"NULL::VARCHAR AS {k}" for k in AREA_COLUMNS)
    con.execute(f"CREATE OR REPLACE TABLE geo_area AS SELECT DISTINCT {select} FROM areas_raw WHERE {cols['lsoa']} <> ''")
    con.unregister("areas_raw")
    table, cols = _select(postcodes, POSTCODE_COLUMNS, ("postcode", "lsoa"))
    con.register("pc_raw", table)
    lat = f"try_cast({cols['lat']} AS DOUBLE)" if "lat" in cols else "NULL::DOUBLE"
    lon = f"try_cast({cols['lon']} AS DOUBLE)" if "lon" in cols else "NULL::DOUBLE"
    con.execute(f"""
        CREATE OR REPLACE TABLE geo_postcode AS
        SELECT DISTINCT ON (pc_key) {normalise_postcode_sql(cols['postcode'])} AS pc_key, p.{cols['lsoa']} AS lsoa,
               a.ward, a.la, {lat} AS lat, {lon} AS lon
        FROM pc_raw p LEFT JOIN geo_area a ON a.lsoa = p.{cols['lsoa']}
        WHERE {cols['postcode']} <> ''""")
    con.unregister("pc_raw")



def import_ons(con: duckdb.DuckDBPyConnection, postcodes: Path, areas: Path, out: Path) -> tuple[int, int]:
    """Import ONS products (NSPL/ONSPD and the LSOA → ward → council lookup) into a workspace's geography folder.

    Writes ``postcodes.csv`` and ``areas.csv`` with the column names ceintel reads
    (the synthetic files use the same), whatever the release called them.
    Returns (postcodes, small areas) written.
    """
    load_geography(con, postcodes, areas)
    out.mkdir(parents=True, exist_ok=True)
    con.execute(f"""COPY (SELECT a.lsoa AS lsoa21cd, a.lsoa_name AS lsoa21nm, a.ward AS wd24cd, a.ward_name AS wd24nm,
                            a.la AS lad24cd, a.la_name AS lad24nm, a.police_force AS pfa23cd, NULL AS pfa23nm,
                            a.health_board AS icb23cd, NULL AS icb23nm
                     FROM geo_area a ORDER BY a.lsoa) TO '{out / "areas.csv"}' (HEADER, DELIMITER ',')""")
    con.execute(f"""COPY (SELECT pc_key AS pcds, lsoa AS lsoa21cd, ward AS wd24cd, la AS lad24cd, NULL AS pfa23cd,
                            lat, lon AS long FROM geo_postcode ORDER BY pc_key)
                    TO '{out / "postcodes.csv"}' (HEADER, DELIMITER ',')""")
    counts = con.execute("SELECT (SELECT count(*) FROM geo_postcode), (SELECT count(*) FROM geo_area)").fetchone()
    return counts[0], counts[1]
