"""Person files: plain lists of children from several agencies, messed up by a different hand.

The main synthetic partnership makes records the way its agency writers do;
a linker tuned only on it could learn that shape rather than the people. These
files come from elsewhere: one row per registration, the same eight columns in
every file, and a heavier, different mess (see :class:`MessProfile`): scanned
forms read by OCR, names typed in capitals or reversed, surnames given in part,
accents and apostrophes lost, dates mistyped, families who moved. They prove
linkage quality holds on data of another shape, and feed the standalone
``ceintel link FILE... --out OUT.csv`` command.

    write_person_files(folder, people=20_000, files=4, seed=1)

writes ``agency_a.csv``, ``agency_b.csv``... and ``truth.csv``
(``source,record_id,person_id,mess``: who every record really is, and the
slips planted in it). The children live in households in a fictional town:
siblings share a surname and an address, some are twins. Postcodes begin with
Q and NHS numbers with 999, so none can be real.

Everything is drawn from one ``random.Random`` seeded by the seed, in a fixed
order, so a seed gives byte-identical files.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import unicodedata
from bisect import bisect
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import accumulate
from pathlib import Path
from string import ascii_lowercase
from typing import Generic, TypeVar

import numpy as np

from ceintel.safe_csv import write_csv
from ceintel.synth.world import Names

T = TypeVar("T")

COLUMNS = ["record_id", "first_name", "last_name", "dob", "sex", "postcode", "address", "nhs_number"]
TRUTH_COLUMNS = ["source", "record_id", "person_id", "mess"]
REFERENCE_DATE = dt.date(2026, 3, 31)  # every child is 0-17 on this day
TOWN = "Sedgecrag"
MAX_PEOPLE = 900_000  # the 999 test range holds about 909,000 valid NHS numbers

MESS_KINDS = (
    "typo_ocr", "typo_dropped", "typo_doubled", "typo_transposed", "name_swap", "all_caps",
    "lower_case", "extra_middle_name", "surname_one_part", "surname_hyphen_dropped", "nickname",
    "accent_dropped", "apostrophe_dropped", "swap_day_month", "year_typo", "blank_dob",
    "moved_house", "sex_missing", "nhs_missing", "nhs_spaced", "postcode_format",
    "address_abbreviated", "within_file_duplicate",
)
"""Every slip a record can carry, as named in ``truth.csv`` and :attr:`PersonFiles.mess`."""

# Population shape (not mess: these are true facts about the children).
CHILDREN_PER_HOUSEHOLD = ((1, 2, 3, 4), (0.42, 0.35, 0.16, 0.07))
DOUBLE_SURNAME = 0.07  # households whose surname is hyphenated
TWINS = 0.05  # households with two or more children whose first two are twins
MIDDLE_NAMES = ((0, 1, 2), (0.45, 0.45, 0.10))
POSTCODE_HOUSES = 15  # consecutive house numbers sharing one postcode
HOUSES_PER_STREET = 120

# A small pool of names with accents and apostrophes, beside the shipped ones.
ACCENTED = {
    "male": ["Léo", "Joël", "Raphaël", "Tomás", "Andrés", "Zoltán", "Noël", "Rémi"],
    "female": ["Anaïs", "Noémie", "Inès", "Léa", "Zoë", "Chloë", "Maëlle", "Mía"],
    "surname": ["Martínez", "Gómez", "Müller", "Lefèvre", "Núñez", "O'Reilly", "D'Souza", "O'Hara",
                "D'Arcy", "Côté"],
}
ACCENTED_WEIGHT = 0.04  # share of households drawn from ACCENTED

STREET_KINDS = ("Road", "Street", "Lane", "Avenue", "Close", "Drive", "Way", "Grove", "Crescent",
                "Terrace", "Gardens", "Walk")
ABBREVIATIONS = {"Road": "Rd", "Street": "St", "Lane": "Ln", "Avenue": "Ave", "Close": "Cl",
                 "Drive": "Dr", "Crescent": "Cres", "Terrace": "Terr", "Gardens": "Gdns"}
POSTCODE_AREAS = "ABD"  # QA, QB, QD: one fictional postal town
POSTCODE_UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"  # the letters real inward codes use

# Characters OCR confuses on a scanned form, each way round where it happens both ways.
OCR_CONFUSIONS = (
    ("rn", "m"), ("m", "rn"), ("cl", "d"), ("d", "cl"), ("li", "h"), ("h", "li"), ("l", "1"),
    ("I", "l"), ("l", "I"), ("O", "0"), ("o", "0"), ("S", "5"), ("B", "8"), ("e", "c"), ("c", "e"),
    ("u", "v"), ("n", "ri"), ("vv", "w"), ("w", "vv"), ("a", "o"), ("g", "q"), ("i", "l"),
    ("t", "f"), ("f", "t"),
)
TYPO_KINDS = (("typo_ocr", "typo_dropped", "typo_doubled", "typo_transposed"), (0.35, 0.22, 0.18, 0.25))


@dataclass(frozen=True)
class MessProfile:
    """How often each slip is made. Rates are per record unless said otherwise.

    Heavier than the main partnership's agency writers on purpose (they make a
    typing error in 3% of records and swap day and month in 1%: see
    ``synth.params``), and of different kinds (OCR confusions, reversed
    names, capitals, lost accents, mistyped years) that the main synthesis
    never makes.
    """

    typo: float = 0.15
    """Records with a typing error in a name: an OCR confusion, or a dropped, doubled or transposed letter."""
    second_typo: float = 0.30
    """Of records with a typing error, those with a second one."""
    name_swap: float = 0.03
    """Records with first and last names in each other's columns."""
    all_caps: float = 0.10
    """Records with names in capitals."""
    lower_case: float = 0.04
    """Records with names in lower case."""
    extra_middle_name: float = 0.10
    """Of records of children with middle names, those giving them after the first name."""
    surname_one_part: float = 0.40
    """Of records of children with a hyphenated surname, those giving it differently: one part
    (three times in four) or both parts without the hyphen."""
    nickname: float = 0.15
    """Of records of children whose first name has a nickname, those using it."""
    accent_dropped: float = 0.50
    """Of records whose names carry accents, those typed without them (Zoë as Zoe)."""
    apostrophe_dropped: float = 0.50
    """Of records whose names carry an apostrophe, those typed without it (O'Neill as ONeill or O Neill)."""
    swap_day_month: float = 0.04
    """Of records whose date of birth could be read either way round, those with day and month swapped."""
    year_typo: float = 0.03
    """Records with the year of birth mistyped (one or ten out, or its last two digits swapped)."""
    blank_dob: float = 0.04
    """Records with no date of birth."""
    moved_house: float = 0.12
    """Households that moved: each record of their children shows the old or the new address at even odds."""
    sex_missing: float = 0.06
    """Records with no sex."""
    nhs_missing: float = 0.10
    """In files that carry NHS numbers, records without one."""
    nhs_spaced: float = 0.10
    """In files that carry NHS numbers, records giving it spaced 3-3-4."""
    postcode_format: float = 0.08
    """Records with the postcode unspaced, in lower case, or both."""
    address_abbreviated: float = 0.10
    """Records with the street type abbreviated (Road as Rd)."""
    within_file_duplicate: float = 0.03
    """Of each child's appearances in a file, those registered a second time under another record id."""
    in_all_files: float = 0.08
    """Children who appear in every file."""
    in_two_files: float = 0.30
    """Children who appear in exactly two files."""
    in_some_files: float = 0.07
    """Children who appear in three or more files but not all; the rest appear in one."""


DEFAULT_PROFILE = MessProfile()


@dataclass(frozen=True)
class PersonFiles:
    """What :func:`write_person_files` wrote."""

    files: tuple[Path, ...]
    truth: Path
    people: int
    records: int
    twin_pairs: int
    mess: dict[str, int]
    """How many records carry each slip (a record can carry several)."""
    postcode_in_address: tuple[str, ...]
    """Sources whose postcode column is blank: the postcode is only inside the address."""
    without_nhs: tuple[str, ...]
    """Sources whose nhs_number column is blank throughout."""


@dataclass(slots=True)
class Address:
    """A home, with the two ways files write it made once (siblings and records share them)."""

    line: str  # house number and street
    postcode: str
    in_town: str = ""  # "12 Brackenfield Road, Sedgecrag"
    with_postcode: str = ""  # the same followed by the postcode

    def __post_init__(self) -> None:
        self.in_town = f"{self.line}, {TOWN}"
        self.with_postcode = f"{self.in_town}, {self.postcode}"


@dataclass(slots=True)
class Child:
    """A true person, before any agency wrote them down.

    Not frozen: a frozen dataclass is several times slower to build, and a run
    makes hundreds of thousands.
    """

    pid: str
    first: str
    middles: tuple[str, ...]
    last: str
    sex: str  # M | F
    dob: dt.date
    nhs: str
    addresses: tuple[Address, ...]  # current first; a second when the family moved
    twin_of: str | None = None
    dob_iso: str = ""
    accented: bool = False  # first or last name holds a letter outside ASCII
    apostrophe: bool = False

    def __post_init__(self) -> None:
        self.dob_iso = self.dob.isoformat()
        self.accented = not (self.first + self.last).isascii()
        self.apostrophe = "'" in self.first or "'" in self.last


@dataclass(frozen=True, slots=True)
class FileShape:
    """How one source lays out what it knows."""

    source: str
    postcode_in_address: bool
    has_nhs: bool

    def record_id(self, index: int, n: int) -> str:
        """Each system numbers its records its own way (one with bare numbers)."""
        letter = ascii_lowercase[index].upper()
        style = index % 3
        if style == 0:
            return f"{letter}{n:07d}"
        if style == 1:
            return str(100_000 + n)
        return f"{letter}-{n:06d}"


def write_person_files(folder: Path, *, people: int, files: int = 4, seed: int = 0,
                       profile: MessProfile | None = None) -> PersonFiles:
    """Write ``files`` agency CSVs and ``truth.csv`` into ``folder``; a seed gives identical bytes."""
    if not 1 <= people <= MAX_PEOPLE:
        raise ValueError(f"people must be between 1 and {MAX_PEOPLE:,}")
    if not 1 <= files <= len(ascii_lowercase):
        raise ValueError(f"files must be between 1 and {len(ascii_lowercase)}")
    profile = profile or DEFAULT_PROFILE
    rng = random.Random(f"{seed}:person-files")
    names = Names.load()
    children = make_children(rng, names, people, profile)
    shapes = file_shapes(files)
    rows, mess = make_records(rng, names, children, shapes, profile)
    folder.mkdir(parents=True, exist_ok=True)
    paths, truth_rows = [], []
    for index, (shape, file_rows) in enumerate(zip(shapes, rows, strict=True)):
        rng.shuffle(file_rows)  # registration order would give families away
        path = folder / f"{shape.source}.csv"
        write_csv(path, COLUMNS, _numbered(index, shape, file_rows, truth_rows))
        paths.append(path)
    truth = folder / "truth.csv"
    write_csv(truth, TRUTH_COLUMNS, (dict(zip(TRUTH_COLUMNS, r, strict=True)) for r in truth_rows))
    return PersonFiles(
        tuple(paths), truth, len(children), len(truth_rows),
        sum(c.twin_of is not None for c in children),
        {k: mess[k] for k in MESS_KINDS if mess[k]},
        tuple(s.source for s in shapes if s.postcode_in_address),
        tuple(s.source for s in shapes if not s.has_nhs))


def file_shapes(files: int) -> list[FileShape]:
    """Every other file gives the postcode only in the address; the third and fourth of each four
    carry no NHS number, so four files cover every combination."""
    return [FileShape(f"agency_{ascii_lowercase[i]}", postcode_in_address=i % 2 == 1, has_nhs=i % 4 < 2)
            for i in range(files)]


def _numbered(index: int, shape: FileShape, rows: list[tuple],
              truth_rows: list[tuple]) -> Iterator[dict[str, str]]:
    for n, (pid, kinds, *values) in enumerate(rows, start=1):
        record_id = shape.record_id(index, n)
        truth_rows.append((shape.source, record_id, pid, kinds))
        yield dict(zip(COLUMNS, (record_id, *values), strict=True))


# ---------------------------------------------------------------- the true population
class Picker(Generic[T]):
    """A weighted choice with its cumulative weights worked out once (``random.choices`` redoes them)."""

    def __init__(self, items: Iterable[T], weights: Iterable[float]):
        self.items = list(items)
        self.cumulative = list(accumulate(weights))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> T:
        return self.items[bisect(self.cumulative, rng.random() * self.total)]


TYPO_PICK = Picker(*TYPO_KINDS)


class Town:
    """Invented streets, house numbers and Q postcodes, handed out without repeats."""

    def __init__(self, rng: random.Random, names: Names, addresses: int):
        self.rng = rng
        streets = [f"{w}{s} {k}" for w in names.ward_words for s in names.ward_suffixes for k in STREET_KINDS]
        wanted = min(len(streets), max(12, math.ceil(addresses / HOUSES_PER_STREET)))
        self.streets = rng.sample(streets, wanted)
        self.houses = [0] * wanted
        self.postcodes: list[list[str]] = [[] for _ in range(wanted)]
        self._used: set[int] = set()

    def address(self) -> Address:
        s = self.rng.randrange(len(self.streets))
        self.houses[s] += 1
        number = self.houses[s]
        codes = self.postcodes[s]
        if (number - 1) // POSTCODE_HOUSES >= len(codes):
            codes.append(self._postcode())
        return Address(f"{number} {self.streets[s]}", codes[(number - 1) // POSTCODE_HOUSES])

    def _postcode(self) -> str:
        units = len(POSTCODE_UNIT_LETTERS)
        while True:
            k = self.rng.randrange(len(POSTCODE_AREAS) * 19 * 10 * units * units)
            if k not in self._used:
                self._used.add(k)
                break
        k, u2 = divmod(k, units)
        k, u1 = divmod(k, units)
        k, sector = divmod(k, 10)
        area, district = divmod(k, 19)
        return (f"Q{POSTCODE_AREAS[area]}{district + 1} {sector}"
                f"{POSTCODE_UNIT_LETTERS[u1]}{POSTCODE_UNIT_LETTERS[u2]}")


def nhs_numbers(rng: random.Random, n: int) -> list[str]:
    """``n`` distinct valid NHS numbers in the 999 test range, in random order.

    The modulus 11 check (weights 10 down to 2 on the first nine digits; 11
    minus the remainder is the check digit, 11 reads as 0 and 10 means no
    valid number) is worked out for all candidates at once with numpy, as
    ``ids.nhs_check_digit`` does one at a time: a large run needs a million.
    """
    bodies = np.array(rng.sample(range(1_000_000), min(1_000_000, math.ceil(n * 1.2) + 100)))
    digits = bodies[:, None] // 10 ** np.arange(5, -1, -1) % 10  # the six digits after 999
    total = 9 * (10 + 9 + 8) + digits @ np.arange(7, 1, -1)
    check = (11 - total % 11) % 11
    valid = check != 10
    numbers = (9_990_000_000 + bodies * 10 + check)[valid][:n]
    if len(numbers) < n:  # pragma: no cover - MAX_PEOPLE keeps well inside the range
        raise ValueError(f"the NHS test range cannot give {n:,} numbers")
    return [str(x) for x in numbers.tolist()]


def make_children(rng: random.Random, names: Names, people: int,
                  profile: MessProfile = DEFAULT_PROFILE) -> list[Child]:
    """Households of children until there are ``people``: siblings share surname and address."""
    pools = {**names.pools, "accented": ACCENTED}
    weights = {k: w * (1 - ACCENTED_WEIGHT) for k, w in names.pool_weights.items()}
    weights["accented"] = ACCENTED_WEIGHT
    pool_of = Picker([pools[k] for k in weights], list(weights.values()))
    household_size, middle_count = Picker(*CHILDREN_PER_HOUSEHOLD), Picker(*MIDDLE_NAMES)
    town = Town(rng, names, math.ceil(people / 1.9 * 1.2))
    nhs = nhs_numbers(rng, people)
    span = (REFERENCE_DATE - REFERENCE_DATE.replace(year=REFERENCE_DATE.year - 18)).days
    children: list[Child] = []
    while len(children) < people:
        pool = pool_of(rng)
        surname = rng.choice(pool["surname"])
        if rng.random() < DOUBLE_SURNAME:
            other = rng.choice(pool_of(rng)["surname"])
            if other != surname:
                surname = f"{surname}-{other}"
        moved = rng.random() < profile.moved_house
        addresses = (town.address(), town.address()) if moved else (town.address(),)
        size = min(household_size(rng), people - len(children))
        twins = size >= 2 and rng.random() < TWINS
        given: set[str] = set()
        for i in range(size):
            sex = "M" if rng.random() < 0.512 else "F"
            first_pool = pool["male" if sex == "M" else "female"]
            first = rng.choice(first_pool)
            if first in given:  # parents rarely give two children one name; twins never
                first = rng.choice([n for n in first_pool if n not in given] or first_pool)
            given.add(first)
            middles = tuple(dict.fromkeys(  # no repeats, and never the first name again
                m for m in (rng.choice(first_pool) for _ in range(middle_count(rng))) if m != first))
            if twins and i == 1:
                dob, twin_of = children[-1].dob, children[-1].pid
            else:
                dob, twin_of = REFERENCE_DATE - dt.timedelta(days=rng.randrange(1, span)), None
            n = len(children)
            children.append(Child(f"P{n + 1:07d}", first, middles, surname, sex, dob, nhs[n],
                                  addresses, twin_of))
    return children


# ---------------------------------------------------------------- the records
def make_records(rng: random.Random, names: Names, children: list[Child], shapes: list[FileShape],
                 profile: MessProfile) -> tuple[list[list[tuple]], Counter[str]]:
    """Rows for each file as (person_id, mess, first, last, dob, sex, postcode, address, nhs)."""
    rows: list[list[tuple]] = [[] for _ in shapes]
    mess: Counter[str] = Counter()
    files = len(shapes)
    everywhere = list(range(files))
    for child in children:
        for f in _files_for(rng, profile, files, everywhere):
            copies = 2 if rng.random() < profile.within_file_duplicate else 1
            for copy in range(copies):
                kinds = ["within_file_duplicate"] if copy else []
                row = _record(rng, names, profile, child, shapes[f], kinds)
                mess.update(kinds)
                rows[f].append((child.pid, ";".join(kinds) if kinds else "", *row))
    return rows, mess


def _files_for(rng: random.Random, p: MessProfile, files: int, everywhere: list[int]) -> list[int]:
    r = rng.random()
    if files == 1 or r < p.in_all_files:
        return everywhere
    if r < p.in_all_files + p.in_two_files:
        k = 2
    elif r < p.in_all_files + p.in_two_files + p.in_some_files:
        k = rng.randint(3, files - 1) if files > 3 else files
    else:
        k = 1
    return sorted(rng.sample(everywhere, k))


def _record(rng: random.Random, names: Names, p: MessProfile, child: Child, shape: FileShape,
            kinds: list[str]) -> tuple[str, ...]:
    """One registration of a child: (first, last, dob, sex, postcode, address, nhs), slips in ``kinds``."""
    chance = rng.random
    first, last = child.first, child.last
    nicks = names.nicknames.get(first)
    if nicks and chance() < p.nickname:
        first = rng.choice(nicks)
        kinds.append("nickname")
    if child.middles and chance() < p.extra_middle_name:
        first = " ".join((first, *child.middles))
        kinds.append("extra_middle_name")
    if "-" in last and chance() < p.surname_one_part:
        parts = last.split("-")
        if chance() < 0.75:
            last = rng.choice(parts)
            kinds.append("surname_one_part")
        else:
            last = " ".join(parts)
            kinds.append("surname_hyphen_dropped")
    if child.accented and chance() < p.accent_dropped:
        stripped = _strip_accents(first), _strip_accents(last)
        if stripped != (first, last):
            first, last = stripped
            kinds.append("accent_dropped")
    if child.apostrophe and chance() < p.apostrophe_dropped and ("'" in first or "'" in last):
        gap = "" if chance() < 0.7 else " "
        first, last = first.replace("'", gap), last.replace("'", gap)
        kinds.append("apostrophe_dropped")
    if chance() < p.typo:
        for _ in range(2 if chance() < p.second_typo else 1):
            kind = TYPO_PICK(rng)
            if chance() < 0.5:
                first, kind = typo(rng, first, kind)
            else:
                last, kind = typo(rng, last, kind)
            kinds.append(kind)
    if chance() < p.name_swap:
        first, last = last, first
        kinds.append("name_swap")
    r = chance()
    if r < p.all_caps:
        first, last = first.upper(), last.upper()
        kinds.append("all_caps")
    elif r < p.all_caps + p.lower_case:
        first, last = first.lower(), last.lower()
        kinds.append("lower_case")

    dob_text = _dob(rng, p, child.dob, child.dob_iso, kinds)
    sex = child.sex
    if chance() < p.sex_missing:
        sex = ""
        kinds.append("sex_missing")

    address = child.addresses[0]
    if len(child.addresses) > 1 and chance() < 0.5:
        address = child.addresses[1]
        kinds.append("moved_house")
    line, postcode, changed = address.line, address.postcode, False
    if chance() < p.address_abbreviated:
        head, _, kind = line.rpartition(" ")
        if kind in ABBREVIATIONS:
            line, changed = f"{head} {ABBREVIATIONS[kind]}", True
            kinds.append("address_abbreviated")
    if chance() < p.postcode_format:
        r = chance()
        postcode = postcode.replace(" ", "") if r < 0.5 else postcode.lower() if r < 0.8 else \
            postcode.replace(" ", "").lower()
        changed = True
        kinds.append("postcode_format")
    if changed:
        address = Address(line, postcode)
    if shape.postcode_in_address:
        postcode_cell, address_cell = "", address.with_postcode
    else:
        postcode_cell, address_cell = postcode, address.in_town

    nhs = ""
    if shape.has_nhs:
        if chance() < p.nhs_missing:
            kinds.append("nhs_missing")
        else:
            nhs = child.nhs
            if chance() < p.nhs_spaced:
                nhs = f"{nhs[:3]} {nhs[3:6]} {nhs[6:]}"
                kinds.append("nhs_spaced")
    return first, last, dob_text, sex, postcode_cell, address_cell, nhs


def _dob(rng: random.Random, p: MessProfile, dob: dt.date, iso: str, kinds: list[str]) -> str:
    if rng.random() < p.blank_dob:
        kinds.append("blank_dob")
        return ""
    same = dob
    if dob.day <= 12 and dob.day != dob.month and rng.random() < p.swap_day_month:
        dob = dt.date(dob.year, dob.day, dob.month)
        kinds.append("swap_day_month")
    if rng.random() < p.year_typo:
        dob = _year_typo(rng, dob)
        kinds.append("year_typo")
    return iso if dob is same else dob.isoformat()


def _year_typo(rng: random.Random, dob: dt.date) -> dt.date:
    """The year one or ten out, or its last two digits swapped; never a birth after the reference day."""
    text = str(dob.year)
    swapped = int(text[:2] + text[3] + text[2])
    if swapped != dob.year and swapped >= REFERENCE_DATE.year - 25 and rng.random() < 0.4:
        out = _with_year(dob, swapped)
    else:
        out = _with_year(dob, dob.year + rng.choice((-1, 1, -10, 10)))
    return out if out <= REFERENCE_DATE else _with_year(dob, dob.year - 1)


def _with_year(d: dt.date, year: int) -> dt.date:
    try:
        return d.replace(year=year)
    except ValueError:  # 29 February in a year without one
        return dt.date(year, 2, 28)


def _strip_accents(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def typo(rng: random.Random, word: str, kind: str) -> tuple[str, str]:
    """A keying or scanning error of ``kind``; returns the word and the kind actually made.

    OCR falls back to a transposition when the word holds no confusable
    letters; a word too short to transpose gets a doubled letter.
    """
    if kind == "typo_ocr":
        spots = [(i, src, dst) for src, dst in OCR_CONFUSIONS for i in _find_all(word, src)]
        if spots:
            i, src, dst = rng.choice(spots)
            return word[:i] + dst + word[i + len(src):], kind
        kind = "typo_transposed"
    if kind == "typo_transposed":
        spots = [i for i in range(1, len(word) - 1) if word[i] != word[i + 1]]
        if spots:
            i = rng.choice(spots)
            return word[:i] + word[i + 1] + word[i] + word[i + 2:], kind
        kind = "typo_doubled"
    if kind == "typo_dropped" and len(word) >= 3:
        i = rng.randrange(1, len(word))
        return word[:i] + word[i + 1:], kind
    i = rng.randrange(1, len(word)) if len(word) > 1 else 0
    return word[:i] + word[i] + word[i:], "typo_doubled"


def _find_all(word: str, part: str) -> list[int]:
    found, i = [], word.find(part)
    while i >= 0:
        found.append(i)
        i = word.find(part, i + 1)
    return found
