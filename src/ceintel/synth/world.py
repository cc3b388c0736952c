"""The hidden story: people, households, places, adults who harm, and what happens to each child.

The world is generated one ward at a time so memory stays flat as the
partnership grows: a ward's households, their children's lives and the
incidents among them are made, handed to the agency writers, and dropped.
Only the small global cast (places of concern and the adults linked to them)
lives for the whole run. Every random draw comes from a generator seeded by
(seed, ward), so the same seed gives the same world.

Nothing here knows how any agency records things: that is ``agencies``.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

import yaml

from ceintel.synth.geography import OUT_OF_FORCE, Geography
from ceintel.synth.ids import NhsNumbers
from ceintel.synth.params import Params

DAY = dt.timedelta(days=1)

# ONS group of each DfE code (kept here to avoid reading the code list for every child).
ONS_OF_POOL = {"white_british": "white", "white_irish_other": "white", "asian": "asian",
               "black": "black", "mixed": "mixed", "other": "other"}


@dataclass(frozen=True)
class Names:
    pools: dict[str, dict]
    pool_weights: dict[str, float]
    streets: list[str]
    ward_words: list[str]
    ward_suffixes: list[str]
    nicknames: dict[str, list[str]]
    surname_tail: dict[str, list[str]] = field(default_factory=dict)
    """pool -> rare surnames, drawn as often as the common ones together (see SynthParams.surname_tail)"""

    @classmethod
    def load(cls) -> Names:
        data = yaml.safe_load((resources.files("ceintel.synth") / "data" / "names.yaml").read_text("utf-8"))
        text = (resources.files("ceintel.codes") / "nicknames.csv").read_text("utf-8")
        nicknames: dict[str, list[str]] = {}
        for line in text.splitlines()[1:]:
            if line.strip():
                formal, nick = (p.strip() for p in line.split(",", 1))
                nicknames.setdefault(formal, []).append(nick)
        tail = [a + b.lower() for a in data["surname_tail_prefixes"] for b in data["surname_tail_suffixes"]]
        return cls(data["pools"], data["pool_weights"], data["streets"], data["ward_words"],
                   data["ward_suffixes"], nicknames, {pool: tail for pool in data["surname_tail_pools"]})

    def surname(self, rng: random.Random, pool: str, tail_share: float) -> str:
        """A surname of the pool: a rare one from the long tail with probability ``tail_share``."""
        tail = self.surname_tail.get(pool)
        if tail and rng.random() < tail_share:
            return rng.choice(tail)
        return rng.choice(self.pools[pool]["surname"])


@dataclass
class Address:
    since: dt.date
    postcode: str
    lsoa: str
    la: str
    line: str


@dataclass
class Household:
    hid: str
    pool: str
    surname: str
    addresses: list[Address]
    risk: float  # relative need for help: drives how often services meet the family
    aces: set[str]
    deprivation: float
    first_names: set[str] = field(default_factory=set)
    """given names of its children: parents do not give two children one name"""


@dataclass(eq=False)
class Person:
    pid: str
    role: str  # child | adult
    first: str
    middle: str | None
    last: str
    sex: str  # M | F
    dob: dt.date
    dfe: str
    ons: str
    household: Household | None
    addresses: list[Address]
    surname_changes: list[tuple[dt.date, str]] = field(default_factory=list)
    twin_of: str | None = None
    sen: str | None = None  # K support, E EHCP
    disability: bool = False
    looked_after_from: dt.date | None = None
    school: str | None = None
    nhs: str | None = None
    upn: str | None = None
    exploitation: Exploitation | None = None
    group: str | None = None
    events: list[TrueEvent] = field(default_factory=list)

    def address_at(self, when: dt.date) -> Address:
        current = self.addresses[0]
        for a in self.addresses[1:]:
            if a.since <= when:
                current = a
        return current

    def surname_at(self, when: dt.date) -> str:
        name = self.last
        for since, new in self.surname_changes:
            if since <= when:
                name = new
        return name

    def age_at(self, when: dt.date) -> int:
        return when.year - self.dob.year - ((when.month, when.day) < (self.dob.month, self.dob.day))

    @cached_property
    def eighteenth(self) -> dt.date:
        try:
            return self.dob.replace(year=self.dob.year + 18)
        except ValueError:  # 29 February
            return dt.date(self.dob.year + 18, 3, 1)

    @property
    def home_la(self) -> str:
        return self.addresses[0].la


@dataclass
class Place:
    place_id: str
    kind: str  # place_type code
    name: str
    lsoa: str
    la: str
    lon: float
    lat: float
    postcode: str
    concern: float  # how strongly harm concentrates here (truth)
    planted: bool  # one of the places the story centres on


@dataclass
class Exploitation:
    types: tuple[str, ...]
    start: dt.date
    end: dt.date
    place: Place
    perpetrators: tuple[Person, ...]
    outside_area: bool


@dataclass
class TrueEvent:
    """Something that happened, before any agency recorded it."""

    kind: str  # event_type code
    start: dt.date
    end: dt.date | None = None
    detail: dict = field(default_factory=dict)
    incident: Incident | None = None


@dataclass(eq=False)
class Incident:
    """A police-recorded occurrence with everyone named in it."""

    ref: str
    kind: str  # missing_report | exploitation | domestic | assault | other
    start: dt.date
    place: Place | None
    postcode: str
    lsoa: str
    la: str
    true_types: tuple[str, ...]
    people: list[tuple[Person, str]]  # (person, event_role)
    offence: str


@dataclass
class WardWorld:
    ward: str
    people: list[Person]  # children and their household adults who appear in records
    incidents: list[Incident]
    groups: dict[str, list[Person]]


def poisson(rng: random.Random, lam: float) -> int:
    if lam <= 0:
        return 0
    if lam > 30:
        return max(0, round(rng.gauss(lam, math.sqrt(lam))))
    limit, k, p = math.exp(-lam), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def between(rng: random.Random, a: dt.date, b: dt.date) -> dt.date:
    span = (b - a).days
    return a + dt.timedelta(days=rng.randint(0, max(0, span)))


def _pick(rng: random.Random, weights: dict[str, float]) -> str:
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def _lerp(pair: tuple[float, float], x: float) -> float:
    return pair[0] + (pair[1] - pair[0]) * x


class Cast:
    """The global cast: places of concern and the adults linked to them, made once per run."""

    KINDS = ("park", "takeaway", "transport_hub", "shopping_centre", "hotel", "estate",
             "short_term_let", "residential_address_of_concern")
    NAMES = {"park": "{w} Park", "takeaway": "{w} Chicken & Pizza", "transport_hub": "{w} Station",
             "shopping_centre": "{w} Shopping Centre", "hotel": "{w} Lodge Hotel", "estate": "{w} Estate",
             "short_term_let": "Short-term let, {w}", "residential_address_of_concern": "Address of concern, {w}",
             "online": "Online (social media and gaming platforms)"}

    def __init__(self, geo: Geography, names: Names, params: Params, rng: random.Random):
        self.geo, self.params = geo, params
        self.places: list[Place] = []
        self.perpetrators: dict[str, list[Person]] = {}
        home = geo.home.code
        for la in geo.las:
            n = max(3, round(geo.children_target[la.code] / params.places_per_children))
            lsoas = sorted(l.code for l in geo.lsoas.values() if l.la == la.code)  # noqa: E741
            for i in range(n):
                kind = self.KINDS[i % len(self.KINDS)]
                lsoa = rng.choice(lsoas)
                word = geo.wards[geo.lsoas[lsoa].ward].name.split()[0]
                planted = la.code == home and i < 3  # a park, a takeaway and a station
                lon, lat = geo.point_in(lsoa, rng.uniform(0.3, 0.7), rng.uniform(0.3, 0.7))
                self.places.append(Place(
                    f"PL{len(self.places) + 1:05d}", kind, self.NAMES[kind].format(w=word), lsoa, la.code,
                    lon, lat, rng.choice(geo.lsoas[lsoa].postcodes),
                    concern=(8.0 if planted else rng.uniform(0.5, 2.0)) * (1.0 if la.code == home else 0.6),
                    planted=planted))
        # Beyond the force: where county lines take children.
        self.places.append(Place("PL99001", "transport_hub", "Station outside the force area", "", OUT_OF_FORCE[0],
                                 0.0, 0.0, "", concern=1.5, planted=False))
        self.places.append(Place("PL99002", "online", self.NAMES["online"], "", "", 0.0, 0.0, "", concern=1.0,
                                 planted=False))
        self.names = names
        self.rng = rng

    @property
    def online(self) -> Place:
        return self.places[-1]

    @property
    def out_of_force(self) -> Place:
        return self.places[-2]

    def near(self, rng: random.Random, lsoa: str, la: str) -> Place:
        """A place of concern a child from ``lsoa`` is likely to be harmed at (nearer and more concerning first)."""
        here = self.geo.lsoas[lsoa].centroid
        local = [p for p in self.places if p.lsoa]
        weights = []
        for p in local:
            there = self.geo.lsoas[p.lsoa].centroid
            dist = math.hypot((here[0] - there[0]) / 0.0096, (here[1] - there[1]) / 0.0062)
            weights.append(p.concern * math.exp(-dist / 6.0) * (1.0 if p.la == la else 0.35))
        return rng.choices(local, weights=weights)[0]

    def adults_at(self, place: Place, people: PeopleFactory) -> list[Person]:
        """The adults who exploit children at a place (made on first use, then shared across wards)."""
        if place.place_id not in self.perpetrators:
            n = 3 if place.planted else (1 if self.rng.random() < 0.7 else 2)
            lsoa = place.lsoa or self.rng.choice(sorted(self.geo.lsoas))
            self.perpetrators[place.place_id] = [people.adult(self.rng, lsoa, perpetrator=True) for _ in range(n)]
        return self.perpetrators[place.place_id]


class PeopleFactory:
    """Makes households, children and adults with realistic names, dates and identifiers."""

    def __init__(self, geo: Geography, names: Names, params: Params):
        self.geo, self.names, self.params = geo, names, params
        self.nhs = NhsNumbers()
        self._n_person = 0
        self._n_household = 0

    def _pid(self) -> str:
        self._n_person += 1
        return f"T{self._n_person:08d}"

    def _address(self, rng: random.Random, lsoa: str, since: dt.date) -> Address:
        geo = self.geo.lsoas[lsoa]
        pc = rng.choice(geo.postcodes)
        line = f"{rng.randint(1, 180)} {rng.choice(self.names.streets)}"
        return Address(since, pc, lsoa, geo.la, line)

    def _given(self, rng: random.Random, pool: str, sex: str) -> str:
        return rng.choice(self.names.pools[pool]["male" if sex == "M" else "female"])

    def household(self, rng: random.Random, lsoa: str, start: dt.date) -> Household:
        self._n_household += 1
        dep = self.geo.lsoas[lsoa].deprivation
        weights = dict(self.names.pool_weights)
        weights["white_british"] *= 1.0 - 0.4 * dep  # more diverse in the denser, more deprived areas
        pool = _pick(rng, weights)
        p = self.params
        surname = self.names.surname(rng, pool, p.surname_tail)
        aces = {ace for ace, pair in (
            ("domestic_abuse", p.domestic_abuse), ("household_mental_illness", p.parental_mental_health),
            ("household_substance_misuse", p.parental_substance_misuse),
            ("household_imprisonment", p.parental_imprisonment), ("parental_separation", p.parental_separation),
            ("physical_neglect", p.neglect)) if rng.random() < _lerp(pair, dep)}
        risk = math.exp(rng.gauss(0, 0.9) + 1.2 * dep + 0.55 * len(aces - {"parental_separation"})) / 4.0
        addresses = [self._address(rng, lsoa, start)]
        if rng.random() < p.household_moves:
            moved = between(rng, p.window_start, p.window_end)
            la_lsoas = [c for c in self.geo.wards[self.geo.lsoas[lsoa].ward].lsoas] if rng.random() < 0.5 else \
                [c for c, l in self.geo.lsoas.items() if l.la == self.geo.lsoas[lsoa].la]  # noqa: E741
            addresses.append(self._address(rng, rng.choice(la_lsoas), moved))
        return Household(f"H{self._n_household:07d}", pool, surname, addresses, risk, aces, dep)

    def child(self, rng: random.Random, hh: Household, dob: dt.date, sex: str | None = None) -> Person:
        p = self.params
        sex = sex or ("M" if rng.random() < 0.512 else "F")
        pool = self.names.pools[hh.pool]
        dfe = _pick(rng, pool["dfe"])
        first = self._given(rng, hh.pool, sex)
        for _ in range(20):
            if first not in hh.first_names:
                break
            first = self._given(rng, hh.pool, sex)
        hh.first_names.add(first)
        middle = self._given(rng, hh.pool, sex) if rng.random() < 0.55 else None
        last = hh.surname
        if rng.random() < p.double_surname:
            other = self.names.surname(rng, hh.pool, p.surname_tail)
            if other != last:
                last = f"{last}-{other}" if rng.random() < 0.7 else f"{last} {other}"
        child = Person(self._pid(), "child", first, middle, last, sex, dob, dfe, ONS_OF_POOL[hh.pool], hh,
                       hh.addresses)
        if rng.random() < p.surname_change:
            child.surname_changes.append((between(rng, p.window_start, p.window_end),
                                          self.names.surname(rng, hh.pool, p.surname_tail)))
        r = rng.random()
        boost = 1.3 if sex == "M" else 0.7
        if r < p.ehcp * boost:
            child.sen = "E"
        elif r < (p.ehcp + p.sen_support) * boost:
            child.sen = "K"
        child.disability = rng.random() < (0.35 if child.sen == "E" else 0.03)
        return child

    def adult(self, rng: random.Random, lsoa: str, perpetrator: bool = False) -> Person:
        pool = _pick(rng, self.names.pool_weights)
        sex = "M" if rng.random() < (0.85 if perpetrator else 0.45) else "F"
        age = rng.randint(18, 38) if perpetrator else rng.randint(24, 55)
        dob = self.params.window_start - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        addresses = [self._address(rng, lsoa, self.params.window_start - 3650 * DAY)]
        return Person(self._pid(), "adult", self._given(rng, pool, sex),
                      None, self.names.surname(rng, pool, self.params.surname_tail), sex, dob,
                      _pick(rng, self.names.pools[pool]["dfe"]), ONS_OF_POOL[pool], None, addresses)

    def nhs_number(self, person: Person) -> str:
        if person.nhs is None:
            person.nhs = self.nhs.take()
        return person.nhs
