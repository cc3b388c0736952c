"""The fictional geography: a home borough, two neighbours, one police force, one health board.

Small areas are cells of a jittered lattice (so maps look like places, not
chessboards); wards are blocks of cells; each council is a band of columns.
Every code starts with X (real ONS codes start with E, W, S or N), every
postcode with Q (no UK postcode area does), and the coordinates lie in the
sea south-west of Cornwall, so nothing can be mistaken for a real place.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

CHILDREN_PER_LSOA = 320
WARD_BLOCK = 3  # wards are up to 3 x 3 small areas
CELL_LAT = 0.0062
CELL_LON = 0.0096
ORIGIN = (49.55, -8.2)  # lat, lon of the south-west corner
INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

FORCE = ("X23000001", "Brackenshire Police")
HEALTH_BOARD = ("X54000001", "Brackenshire Integrated Care Board")
OUT_OF_FORCE = ("X06000099", "Outside the force area")


@dataclass(frozen=True)
class LocalAuthority:
    code: str
    name: str
    postcode_area: str
    la_number: str  # three digits, used in pupil numbers
    home: bool
    share: float  # child population relative to the home borough


LOCAL_AUTHORITIES = (
    LocalAuthority("X06000002", "Hallowmoor", "QH", "997", False, 0.25),
    LocalAuthority("X06000001", "Brackenford", "QB", "999", True, 1.0),
    LocalAuthority("X06000003", "Sedgecombe", "QS", "998", False, 0.25),
)


@dataclass
class Lsoa:
    code: str
    name: str
    ward: str
    la: str
    row: int
    col: int
    corners: list[tuple[float, float]]  # (lon, lat), counter-clockwise
    deprivation: float  # 0 (least) .. 1 (most)
    weight: float  # relative child density
    postcodes: list[str] = field(default_factory=list)

    @property
    def centroid(self) -> tuple[float, float]:
        xs, ys = zip(*self.corners, strict=True)
        return (sum(xs) / 4, sum(ys) / 4)


@dataclass
class Ward:
    code: str
    name: str
    la: str
    lsoas: list[str] = field(default_factory=list)


@dataclass
class Postcode:
    postcode: str
    lsoa: str
    lon: float
    lat: float


@dataclass
class Geography:
    las: tuple[LocalAuthority, ...]
    lsoas: dict[str, Lsoa]
    wards: dict[str, Ward]
    postcodes: dict[str, Postcode]
    children_target: dict[str, int]  # children aged 0-17 per local authority

    def la(self, code: str) -> LocalAuthority:
        return next(a for a in self.las if a.code == code)

    @property
    def home(self) -> LocalAuthority:
        return next(a for a in self.las if a.home)

    def wards_of(self, la_code: str) -> list[Ward]:
        return [w for w in self.wards.values() if w.la == la_code]

    def point_in(self, lsoa_code: str, u: float, v: float) -> tuple[float, float]:
        """A point inside a small area from unit coordinates (bilinear in the cell)."""
        return _bilinear(self.lsoas[lsoa_code].corners, u, v)


def _ward_names(rng: np.random.Generator, words: list[str], suffixes: list[str], n: int) -> list[str]:
    names: list[str] = []
    seen: set[str] = set()
    while len(names) < n:
        name = f"{words[rng.integers(len(words))]}{suffixes[rng.integers(len(suffixes))]}"
        if rng.random() < 0.25:
            name += (" North", " South", " East", " West", " Central")[rng.integers(5)]
        if name in seen:
            name = f"{name} {len(names) + 1}"  # the word pool is exhausted at region scale
        seen.add(name)
        names.append(name)
    return names


def build_geography(home_children: int, rng: np.random.Generator, words: list[str], suffixes: list[str]) -> Geography:
    """Lay out councils, wards, small areas and postcodes for a home borough of ``home_children``."""
    targets = {la.code: max(1, round(home_children * la.share)) for la in LOCAL_AUTHORITIES}
    cells = {code: max(4, math.ceil(n / CHILDREN_PER_LSOA)) for code, n in targets.items()}
    rows = max(2, round(math.sqrt(sum(cells.values()) / 2.2)))
    cols = {code: max(2, math.ceil(c / rows)) for code, c in cells.items()}
    total_cols = sum(cols.values())

    # Jittered lattice vertices; the outer border stays straight.
    jitter = rng.uniform(-0.32, 0.32, size=(rows + 1, total_cols + 1, 2))
    jitter[0, :, 1] = jitter[-1, :, 1] = 0
    jitter[:, 0, 0] = jitter[:, -1, 0] = 0

    def vertex(r: int, c: int) -> tuple[float, float]:
        lon = ORIGIN[1] + (c + jitter[r, c, 0]) * CELL_LON
        lat = ORIGIN[0] + (r + jitter[r, c, 1]) * CELL_LAT
        return (round(lon, 6), round(lat, 6))

    # A smooth deprivation surface: a few "bumps" of need plus noise.
    bumps = [(rng.uniform(0, total_cols), rng.uniform(0, rows), rng.uniform(2, 6)) for _ in range(max(3, total_cols // 5))]

    lsoas: dict[str, Lsoa] = {}
    wards: dict[str, Ward] = {}
    n_wards = sum(math.ceil(cols[la.code] / WARD_BLOCK) * math.ceil(rows / WARD_BLOCK) for la in LOCAL_AUTHORITIES)
    ward_names = _ward_names(rng, words, suffixes, n_wards)
    lsoa_n = ward_n = 0
    col0 = 0
    for la in LOCAL_AUTHORITIES:
        la_lsoa_index = 0
        for bc in range(0, cols[la.code], WARD_BLOCK):
            for br in range(0, rows, WARD_BLOCK):
                ward_n += 1
                ward = Ward(f"X05{ward_n:06d}", ward_names[ward_n - 1], la.code)
                wards[ward.code] = ward
                for c in range(col0 + bc, min(col0 + bc + WARD_BLOCK, col0 + cols[la.code])):
                    for r in range(br, min(br + WARD_BLOCK, rows)):
                        lsoa_n += 1
                        la_lsoa_index += 1
                        code = f"X01{lsoa_n:06d}"
                        dep = sum(h * math.exp(-((c - x) ** 2 + (r - y) ** 2) / (2 * 4.0)) for x, y, h in bumps)
                        lsoas[code] = Lsoa(
                            code=code,
                            name=f"{la.name} {(la_lsoa_index - 1) // 4 + 1:03d}{'ABCD'[(la_lsoa_index - 1) % 4]}",
                            ward=ward.code,
                            la=la.code,
                            row=r,
                            col=c,
                            corners=[vertex(r, c), vertex(r, c + 1), vertex(r + 1, c + 1), vertex(r + 1, c)],
                            deprivation=dep,
                            weight=float(rng.lognormal(0, 0.25)),
                        )
                        ward.lsoas.append(code)
        col0 += cols[la.code]

    # Scale deprivation to 0..1 by rank, so every borough has the full range.
    order = sorted(lsoas, key=lambda k: (lsoas[k].deprivation + rng.normal(0, 0.3)))
    for rank, code in enumerate(order):
        lsoas[code].deprivation = rank / max(1, len(order) - 1)
        lsoas[code].weight *= 0.8 + 0.5 * lsoas[code].deprivation  # denser where need is higher

    postcodes: dict[str, Postcode] = {}
    for la in LOCAL_AUTHORITIES:
        la_wards = (w for w in wards.values() if w.la == la.code)
        for district, ward in enumerate(la_wards, start=1):
            for code in ward.lsoas:
                for _ in range(int(rng.integers(6, 13))):
                    while True:
                        pc = (
                            f"{la.postcode_area}{district} {rng.integers(1, 10)}"
                            f"{INWARD_LETTERS[rng.integers(len(INWARD_LETTERS))]}"
                            f"{INWARD_LETTERS[rng.integers(len(INWARD_LETTERS))]}"
                        )
                        if pc not in postcodes:
                            break
                    u, v = rng.uniform(0.15, 0.85, size=2)
                    lon, lat = _bilinear(lsoas[code].corners, u, v)
                    postcodes[pc] = Postcode(pc, code, lon, lat)
                    lsoas[code].postcodes.append(pc)
    return Geography(LOCAL_AUTHORITIES, lsoas, wards, postcodes, targets)


def _bilinear(corners: list[tuple[float, float]], u: float, v: float) -> tuple[float, float]:
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = corners
    lon = (1 - u) * (1 - v) * x0 + u * (1 - v) * x1 + u * v * x2 + (1 - u) * v * x3
    lat = (1 - u) * (1 - v) * y0 + u * (1 - v) * y1 + u * v * y2 + (1 - u) * v * y3
    return (round(float(lon), 6), round(float(lat), 6))


def _ring(points: list[tuple[float, float]]) -> list[list[float]]:
    return [list(p) for p in points] + [list(points[0])]


def _ward_outline(geo: Geography, ward: Ward) -> list[tuple[float, float]]:
    """The outline of a ward: boundary edges of its cells, chained counter-clockwise."""
    cells = {(geo.lsoas[c].row, geo.lsoas[c].col): geo.lsoas[c] for c in ward.lsoas}
    edges: dict[tuple[float, float], tuple[float, float]] = {}
    for (r, c), cell in cells.items():
        p = cell.corners  # (r,c) (r,c+1) (r+1,c+1) (r+1,c): counter-clockwise
        neighbours = [(r - 1, c), (r, c + 1), (r + 1, c), (r, c - 1)]
        for i, nb in enumerate(neighbours):
            if nb not in cells:
                edges[p[i]] = p[(i + 1) % 4]
    start = min(edges)
    ring = [start]
    point = edges[start]
    while point != start:
        ring.append(point)
        point = edges[point]
    return ring


def write_geography(geo: Geography, folder: Path) -> None:
    """Write the lookups and boundaries a partnership would import from ONS products."""
    folder.mkdir(parents=True, exist_ok=True)
    la_names = {la.code: la.name for la in geo.las}
    with open(folder / "areas.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("lsoa21cd,lsoa21nm,wd24cd,wd24nm,lad24cd,lad24nm,pfa23cd,pfa23nm,icb23cd,icb23nm,imd_decile\n")
        for lsoa in geo.lsoas.values():
            ward = geo.wards[lsoa.ward]
            decile = 10 - min(9, int(lsoa.deprivation * 10))
            fh.write(
                f"{lsoa.code},{lsoa.name},{ward.code},{ward.name},{lsoa.la},{la_names[lsoa.la]},"
                f"{FORCE[0]},{FORCE[1]},{HEALTH_BOARD[0]},{HEALTH_BOARD[1]},{decile}\n"
            )
    with open(folder / "postcodes.csv", "w", encoding="utf-8", newline="") as fh:
        fh.write("pcds,lsoa21cd,wd24cd,lad24cd,pfa23cd,lat,long\n")
        for pc in sorted(geo.postcodes.values(), key=lambda p: p.postcode):
            lsoa = geo.lsoas[pc.lsoa]
            fh.write(f"{pc.postcode},{pc.lsoa},{lsoa.ward},{lsoa.la},{FORCE[0]},{pc.lat},{pc.lon}\n")

    def collection(features: list[dict]) -> str:
        return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))

    lsoa_features = [
        {
            "type": "Feature",
            "properties": {"lsoa21cd": l.code, "lsoa21nm": l.name, "wd24cd": l.ward, "lad24cd": l.la},
            "geometry": {"type": "Polygon", "coordinates": [_ring(l.corners)]},
        }
        for l in geo.lsoas.values()  # noqa: E741
    ]
    (folder / "lsoa.geojson").write_text(collection(lsoa_features), encoding="utf-8")
    ward_features = [
        {
            "type": "Feature",
            "properties": {"wd24cd": w.code, "wd24nm": w.name, "lad24cd": w.la},
            "geometry": {"type": "Polygon", "coordinates": [_ring(_ward_outline(geo, w))]},
        }
        for w in geo.wards.values()
    ]
    (folder / "wards.geojson").write_text(collection(ward_features), encoding="utf-8")
