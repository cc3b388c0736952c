"""ONS lookups are imported whatever the release calls its columns."""

from __future__ import annotations

import csv

import duckdb
import pytest

from ceintel.errors import ConfigError
from ceintel.ingest.geography import import_ons, load_geography


def _write(path, header, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(header)
        w.writerows(rows)


def test_older_column_names_are_found(tmp_path):
    nspl = tmp_path / "NSPL_NOV_2025_UK.csv"
    _write(nspl, ["pcd", "pcd2", "lsoa21", "osward", "oslaua", "pfa", "lat", "long"],
           [["QB1 1AA", "QB1  1AA", "X01000001", "X05000001", "X06000001", "X23000001", "49.6", "-8.1"],
            ["QB12AB", "QB1  2AB", "X01000002", "X05000001", "X06000001", "X23000001", "49.7", "-8.2"]])
    lookup = tmp_path / "LSOA21_WD23_LAD23_EW_LU.csv"
    _write(lookup, ["LSOA21CD", "LSOA21NM", "WD23CD", "WD23NM", "LAD23CD", "LAD23NM"],
           [["X01000001", "Area 001A", "X05000001", "Ward One", "X06000001", "Brackenford"],
            ["X01000002", "Area 001B", "X05000001", "Ward One", "X06000001", "Brackenford"]])
    out = tmp_path / "geography"
    assert import_ons(duckdb.connect(), nspl, lookup, out) == (2, 2)
    con = duckdb.connect()
    load_geography(con, out / "postcodes.csv", out / "areas.csv")
    assert con.execute("SELECT pc_key, lsoa, ward, la FROM geo_postcode ORDER BY 1").fetchall() == [
        ("QB11AA", "X01000001", "X05000001", "X06000001"), ("QB12AB", "X01000002", "X05000001", "X06000001")]
    assert con.execute("SELECT ward_name FROM geo_area LIMIT 1").fetchone() == ("Ward One",)


def test_a_lookup_without_small_areas_names_what_it_looked_for(tmp_path):
    bad = tmp_path / "lookup.csv"
    _write(bad, ["code", "name"], [["a", "b"]])
    with pytest.raises(ConfigError, match=r"lookup.csv: cannot find the lsoa, ward, la column\(s\).*lsoa21cd"):
        load_geography(duckdb.connect(), bad, bad)
