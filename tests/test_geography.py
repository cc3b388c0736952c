"""The fictional geography: valid polygons that tile the map, postcodes inside their areas, codes that cannot be real."""

from __future__ import annotations

import csv
import json

import pytest


def _area(ring):
    return sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False)) / 2


def _inside(point, ring):
    x, y = point
    inside = False
    for (x0, y0), (x1, y1) in zip(ring, ring[1:], strict=False):
        if (y0 > y) != (y1 > y) and x < x0 + (y - y0) * (x1 - x0) / (y1 - y0):
            inside = not inside
    return inside


@pytest.fixture(scope="module")
def geo(small_partnership):
    folder = small_partnership.geography
    lsoas = json.loads((folder / "lsoa.geojson").read_text())["features"]
    wards = json.loads((folder / "wards.geojson").read_text())["features"]
    with open(folder / "postcodes.csv", encoding="utf-8") as fh:
        postcodes = list(csv.DictReader(fh))
    with open(folder / "areas.csv", encoding="utf-8") as fh:
        areas = list(csv.DictReader(fh))
    return lsoas, wards, postcodes, areas


def test_rings_are_closed_and_counter_clockwise(geo):
    lsoas, wards, _, _ = geo
    for feature in lsoas + wards:
        ring = feature["geometry"]["coordinates"][0]
        assert ring[0] == ring[-1]
        assert _area(ring) > 0, "RFC 7946 exterior rings run counter-clockwise"


def test_wards_are_exactly_their_small_areas(geo):
    lsoas, wards, _, _ = geo
    by_ward = {}
    for f in lsoas:
        by_ward.setdefault(f["properties"]["wd24cd"], []).append(_area(f["geometry"]["coordinates"][0]))
    for w in wards:
        code = w["properties"]["wd24cd"]
        assert _area(w["geometry"]["coordinates"][0]) == pytest.approx(sum(by_ward[code]), rel=1e-6)


def test_postcodes_lie_inside_their_small_area(geo):
    lsoas, _, postcodes, _ = geo
    rings = {f["properties"]["lsoa21cd"]: f["geometry"]["coordinates"][0] for f in lsoas}
    for pc in postcodes:
        assert _inside((float(pc["long"]), float(pc["lat"])), rings[pc["lsoa21cd"]]), pc["pcds"]


def test_codes_and_places_cannot_be_real(geo):
    lsoas, wards, postcodes, areas = geo
    assert all(a["lsoa21cd"].startswith("X01") and a["wd24cd"].startswith("X05") and a["lad24cd"].startswith("X06")
               for a in areas)
    assert all(pc["pcds"][0] == "Q" for pc in postcodes)
    assert len({pc["pcds"] for pc in postcodes}) == len(postcodes)
    for pc in postcodes:  # in the sea south-west of Cornwall
        assert 49.0 < float(pc["lat"]) < 50.0 and -8.5 < float(pc["long"]) < -6.5
    assert {a["lad24nm"] for a in areas} == {"Brackenford", "Hallowmoor", "Sedgecombe"}
    assert {a["imd_decile"] for a in areas} <= {str(d) for d in range(1, 11)}
