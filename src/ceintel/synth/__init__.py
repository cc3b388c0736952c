"""The synthetic partnership: realistic, messy agency extracts with the hidden truth beside them.

    synthesise(out_extracts, out_geography, out_truth, children=60_000, seed=1)

writes a fictional borough's geography, one export per agency system (in the
shape and with the faults of real exports) and, separately, the truth the
pipeline never reads: who every record really is, who was exploited, where,
by whom and with whom. See docs/synthetic-partnership.md.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ceintel.synth.agencies import REGISTRY
from ceintel.synth.extracts import Truth
from ceintel.synth.geography import build_geography, write_geography
from ceintel.synth.params import DEFAULT, Params
from ceintel.synth.story import Storyteller
from ceintel.synth.world import Cast, Names, PeopleFactory, Person, WardWorld

Progress = Callable[[int, int, str], None]
POPULATION_DATE = dt.date(2026, 6, 30)


@dataclass(frozen=True)
class SynthResult:
    children: int
    people: int
    exploited: int
    wards: int
    files: tuple[Path, ...]


def synthesise(extracts: Path, geography: Path, truth_dir: Path, *, children: int = 60_000, seed: int = 1,
               params: Params = DEFAULT, progress: Progress | None = None) -> SynthResult:
    """Generate the partnership. Memory stays near one ward's worth of people plus the agencies' record maps."""
    if children < 200:
        raise ValueError("--children must be at least 200 (a borough needs a few small areas)")
    for folder in (extracts, geography, truth_dir):
        folder.mkdir(parents=True, exist_ok=True)
    names = Names.load()
    geo = build_geography(children, np.random.default_rng(seed), names.ward_words, names.ward_suffixes)
    write_geography(geo, geography)
    people = PeopleFactory(geo, names, params)
    cast = Cast(geo, names, params, random.Random(f"{seed}:cast"))
    teller = Storyteller(geo, params, people, cast, seed)
    truth = Truth(truth_dir)
    home = geo.home.code
    agencies = [cls(extracts, truth, params, names, people, seed, home) for cls in REGISTRY]
    peers = {a.key: a for a in agencies}
    for a in agencies:
        a.peers = peers

    population: Counter[tuple[str, int, str]] = Counter()
    out = _TruthTables(truth_dir)
    wards = [(la, w) for la in geo.las for w in geo.wards_of(la.code)]
    n_people = n_exploited = n_children = 0
    for index, (la, ward) in enumerate(wards):
        per_ward = _share(geo.children_target[la.code], len(geo.wards_of(la.code)),
                          geo.wards_of(la.code).index(ward))
        world = teller.ward(index, ward.code, per_ward)
        for agency in agencies:
            agency.ward(world)
        for person in world.people:
            if person.role == "child":
                age = person.age_at(POPULATION_DATE)
                if 0 <= age < 18 and person.dob <= POPULATION_DATE:
                    population[(person.address_at(POPULATION_DATE).lsoa, age, person.sex)] += 1
                    n_children += la.home
                n_exploited += bool(person.exploitation) and la.home
        n_people += out.write(world)
        if progress:
            progress(index + 1, len(wards), ward.name)
    for agency in agencies:
        agency.close()
    out.close(cast)
    truth.close()
    with open(geography / "population.csv", "w", encoding="utf-8", newline="") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["lsoa21cd", "age", "sex", "children", "year"])
        for (lsoa, age, sex), n in sorted(population.items()):
            w.writerow([lsoa, age, sex, n, POPULATION_DATE.year])
    files = tuple(sorted(p for p in extracts.iterdir() if p.is_file()))
    return SynthResult(n_children, n_people, n_exploited, len(wards), files)


def _share(total: int, parts: int, index: int) -> int:
    base, extra = divmod(total, parts)
    return base + (1 if index < extra else 0)


class _TruthTables:
    """people.csv, exploitation.csv, groups.csv, places.csv, perpetrators.csv in the truth folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self._files = {n: open(folder / f"{n}.csv", "w", encoding="utf-8", newline="")
                       for n in ("people", "exploitation", "groups")}
        self.w = {n: csv.writer(f, lineterminator="\n") for n, f in self._files.items()}
        self.w["people"].writerow(["person_id", "role", "sex", "dob", "ethnicity_dfe", "ethnicity_group", "home_la",
                                   "home_lsoa", "household_id", "twin_of", "sen", "disability",
                                   "looked_after_from", "moved", "surname_changed", "aces", "exploited"])
        self.w["exploitation"].writerow(["person_id", "types", "start", "end", "place_id", "group_id",
                                         "perpetrators", "outside_area"])
        self.w["groups"].writerow(["group_id", "person_id"])
        self._seen_adults: set[str] = set()

    def write(self, world: WardWorld) -> int:
        n = 0
        for p in world.people:
            if p.role == "adult":
                if p.pid in self._seen_adults:
                    continue
                self._seen_adults.add(p.pid)
            n += 1
            self._person(p)
        for gid, members in world.groups.items():
            for m in members:
                self.w["groups"].writerow([gid, m.pid])
        return n

    def _person(self, p: Person) -> None:
        hh = p.household
        self.w["people"].writerow([
            p.pid, p.role, p.sex, p.dob.isoformat(), p.dfe, p.ons, p.home_la, p.addresses[0].lsoa,
            hh.hid if hh else "", p.twin_of or "", p.sen or "", int(p.disability),
            p.looked_after_from.isoformat() if p.looked_after_from else "", int(len(p.addresses) > 1),
            int(bool(p.surname_changes)), ";".join(sorted(hh.aces)) if hh else "", int(p.exploitation is not None)])
        e = p.exploitation
        if e is not None:
            self.w["exploitation"].writerow([p.pid, ";".join(e.types), e.start.isoformat(), e.end.isoformat(),
                                             e.place.place_id, p.group or "",
                                             ";".join(a.pid for a in e.perpetrators), int(e.outside_area)])

    def close(self, cast: Cast) -> None:
        for f in self._files.values():
            f.close()
        with open(self.folder / "places.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["place_id", "kind", "name", "lsoa", "la", "lon", "lat", "postcode", "concern", "planted"])
            for pl in cast.places:
                w.writerow([pl.place_id, pl.kind, pl.name, pl.lsoa, pl.la, pl.lon, pl.lat, pl.postcode,
                            round(pl.concern, 3), int(pl.planted)])
        with open(self.folder / "perpetrators.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["person_id", "place_id", "sex", "dob"])
            for place_id, adults in sorted(cast.perpetrators.items()):
                for a in adults:
                    w.writerow([a.pid, place_id, a.sex, a.dob.isoformat()])
