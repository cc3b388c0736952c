"""What every agency writer shares: its own record numbers and the ways real records go wrong.

Each agency sees a person through its own system: its own record number,
a name typed by someone in a hurry, a date of birth that may be missing or
have its day and month swapped, codes of its own scheme. Those choices are
made once per agency record (as a registration is, in real systems) and
every planted slip is logged to the truth with its row.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from pathlib import Path

from ceintel.synth.extracts import Extract, Truth
from ceintel.synth.params import Params
from ceintel.synth.world import Names, PeopleFactory, Person, WardWorld

KEYBOARD_NEIGHBOURS = {
    "a": "sqz", "b": "vn", "c": "xv", "d": "sf", "e": "wr", "f": "dg", "g": "fh", "h": "gj", "i": "uo",
    "j": "hk", "k": "jl", "l": "k", "m": "n", "n": "bm", "o": "ip", "p": "o", "r": "et", "s": "ad",
    "t": "ry", "u": "yi", "v": "cb", "w": "qe", "y": "tu", "z": "x",
}

# DfE ethnicity code → codes of the other schemes (for agencies that use them).
POLICE_SELF_DEFINED = {"WBRI": "W1", "WIRI": "W2", "WIRT": "W3", "WROM": "W9", "WOTH": "W9",
                       "MWBC": "M1", "MWBA": "M2", "MWAS": "M3", "MOTH": "M9", "AIND": "A1", "APKN": "A2",
                       "ABAN": "A3", "CHNE": "A4", "AOTH": "A9", "BCRB": "B1", "BAFR": "B2", "BOTH": "B9",
                       "OOTH": "O9"}
POLICE_IC = {"white": "IC1", "black": "IC3", "asian": "IC4", "mixed": "IC9", "other": "IC6"}
NHS_ETHNICITY = {"WBRI": "A", "WIRI": "B", "WIRT": "C", "WROM": "C", "WOTH": "C", "MWBC": "D", "MWBA": "E",
                 "MWAS": "F", "MOTH": "G", "AIND": "H", "APKN": "J", "ABAN": "K", "AOTH": "L", "BCRB": "M",
                 "BAFR": "N", "BOTH": "P", "CHNE": "R", "OOTH": "S"}


ALL_FIELDS = frozenset({"first_name", "last_name", "date_of_birth", "sex", "ethnicity", "record_id"})
"""Identity fields whose planted mess a row can show."""


@dataclass(slots=True)
class Identity:
    """A person as one agency record holds them."""

    record_id: str
    first: str
    last: str
    dob: dt.date | None
    dob_text_swapped: bool
    sex: str
    dfe: str | None
    messes: list[tuple[str, str, str]]  # (kind, field, detail) to log on the record's first row
    logged: bool = False


class Agency:
    """Base class for one agency's writer: identities, dates, codes and mess."""

    key = "agency"
    id_prefix = "A"
    id_width = 7

    def __init__(self, folder: Path, truth: Truth, params: Params, names: Names, people: PeopleFactory,
                 seed: int, home_la: str):
        self.folder, self.truth, self.p, self.names, self.people = folder, truth, params, names, people
        self.home_la = home_la
        self.rng = random.Random(f"{seed}:{self.key}")
        self._ids: dict[str, list[Identity]] = {}
        self._records_made = 0

    # ------------------------------------------------------------ to implement
    def ward(self, world: WardWorld) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def close(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    # ------------------------------------------------------------ identities
    def identity(self, person: Person, when: dt.date) -> Identity:
        """The agency's record for a person; now and then a second, duplicate record."""
        records = self._ids.get(person.pid)
        if records is None:
            records = [self._register(person, when)]
            self._ids[person.pid] = records
        elif len(records) == 1 and self.rng.random() < self.p.within_source_duplicate:
            dup = self._register(person, when)
            dup.messes.append(("within_source_duplicate", "record_id",
                               f"second record for the same person as {records[0].record_id}"))
            records.append(dup)
            return dup
        return records[0] if len(records) == 1 or self.rng.random() < 0.5 else records[-1]

    def _register(self, person: Person, when: dt.date) -> Identity:
        rng, p = self.rng, self.p
        self._records_made += 1
        record_id = f"{self.id_prefix}{self._records_made:0{self.id_width}d}"
        messes: list[tuple[str, str, str]] = []
        first = person.first
        nicks = self.names.nicknames.get(first)
        if nicks and rng.random() < p.nickname:
            first = rng.choice(nicks)
            messes.append(("nickname", "first_name", f"{person.first} recorded as {first}"))
        last = person.surname_at(when)
        if last != person.last:
            messes.append(("surname_changed", "last_name", "surname changed during the window"))
        if ("-" in last or " " in last) and rng.random() < 0.5:
            parts = last.replace("-", " ").split()
            last = rng.choice(parts) if rng.random() < 0.7 else " ".join(parts)
            messes.append(("double_surname_varied", "last_name", "double surname recorded differently"))
        if rng.random() < p.typo:
            field = "first_name" if rng.random() < 0.5 else "last_name"
            if field == "first_name":
                first = typo(rng, first)
            else:
                last = typo(rng, last)
            messes.append(("typo", field, "a keying error"))
        dob: dt.date | None = person.dob
        swapped = False
        if rng.random() < p.missing_dob:
            dob = None
            messes.append(("missing_dob", "date_of_birth", "date of birth not recorded"))
        elif person.dob.day <= 12 and person.dob.day != person.dob.month and rng.random() < p.swap_day_month:
            swapped = True
            messes.append(("swapped_day_month", "date_of_birth", "day and month swapped"))
        sex = "U" if rng.random() < p.typo / 3 else person.sex
        if sex != person.sex:
            messes.append(("sex_not_recorded", "sex", "sex recorded as unknown"))
        dfe = person.dfe if rng.random() > 0.08 else None
        if dfe is None:
            messes.append(("missing_ethnicity", "ethnicity", "ethnicity not recorded"))
        return Identity(record_id, first, last, dob, swapped, sex, dfe, messes)

    def written(self, extract: Extract, row: int, ident: Identity, person: Person, event_type: str,
                fields: frozenset[str] = ALL_FIELDS) -> None:
        """Record a row in the truth and log the identity's mess on the first row that shows the field.

        Mess about a field the file does not hold (a nickname in a list without
        names) waits for the identity's first row in a file that does.
        """
        self.truth.record(extract, row, ident.record_id, person.pid, person.role, event_type)
        if ident.logged:
            return
        pending = []
        for mess in ident.messes:
            if mess[1] in fields:
                self.truth.mess(extract, row, *mess)
            else:
                pending.append(mess)
        ident.messes = pending
        ident.logged = not pending

    def existing_identity(self, person: Person) -> Identity | None:
        """The record this agency already holds for a person, without registering a new one."""
        records = self._ids.get(person.pid)
        if not records:
            return None
        return records[0] if len(records) == 1 or self.rng.random() < 0.5 else records[-1]

    def dob_value(self, ident: Identity) -> dt.date | None:
        if ident.dob is None:
            return None
        if ident.dob_text_swapped:
            return dt.date(ident.dob.year, ident.dob.day, ident.dob.month)
        return ident.dob

    # ------------------------------------------------------------ values
    def fmt(self, d: dt.date | None, pattern: str) -> str:
        return "" if d is None else d.strftime(pattern)

    def maybe_impossible(self, extract: Extract, text: str, field: str) -> str:
        """Now and then replace a date with one that cannot be (31 February, a future birth)."""
        if text and self.rng.random() < self.p.impossible_date:
            bad = self.rng.choice(("31/02/2024", "2024-02-31", "30/02/2025", "00/00/0000", "31/13/2024"))
            self.truth.mess(extract, extract.rows + 1, "impossible_date", field, bad)
            return bad
        return text

    def maybe_unknown(self, extract: Extract, code: str, field: str, unknowns: tuple[str, ...]) -> str:
        if self.rng.random() < self.p.unknown_code:
            bad = self.rng.choice(unknowns)
            self.truth.mess(extract, extract.rows + 1, "unknown_code", field, bad)
            return bad
        return code

    def maybe_formula(self, extract: Extract, text: str, field: str) -> str:
        if self.rng.random() < self.p.formula_cell:
            bad = self.rng.choice(("=HYPERLINK(\"http://example.invalid\",\"see file\")", "=1+1", "+44 see notes",
                                   "-see notes", "@SUM(A1:A2)"))
            self.truth.mess(extract, extract.rows + 1, "formula_cell", field, bad[:1])
            return bad
        return text

    def start_row(self, extract: Extract) -> Extract:
        """Call before building a row: now and then leaves an empty row first."""
        if self.rng.random() < self.p.blank_row:
            extract.blank()
        return extract

    def postcode(self, person: Person, when: dt.date, extract: Extract | None = None) -> str:
        address = person.address_at(when)
        if extract is not None and address is not person.addresses[0]:
            self.truth.mess(extract, extract.rows + 1, "address_moved", "postcode", "family moved address")
        pc = address.postcode
        return pc if self.rng.random() > 0.1 else pc.replace(" ", "").lower()


def typo(rng: random.Random, word: str) -> str:
    if len(word) < 3:
        return word + word[-1]
    i = rng.randrange(1, len(word) - 1)
    kind = rng.randrange(4)
    if kind == 0:  # swap two letters
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == 1:  # drop a letter
        return word[:i] + word[i + 1:]
    if kind == 2:  # double a letter
        return word[:i] + word[i] + word[i:]
    near = KEYBOARD_NEIGHBOURS.get(word[i].lower())
    return word[:i] + (rng.choice(near) if near else word[i]) + word[i + 1:]
