"""From scored pairs to people: join records, strongest evidence first, never against hard evidence.

Plain connected components over "probably the same" pairs chain errors:
A looks like B, B looks like C, and two children become one. So people are
built greedily, strongest link first, and a link is refused when it would
put into one person

- two different NHS numbers or two different unique pupil numbers
  (both were check-digit validated, so a difference is real);
- two dates of birth that no keying slip explains (not equal, not day and
  month swapped, not one character apart);
- two records an analyst has said are different people.

A pair that looks like twins (same date of birth and surname, first names
that agree at no level) is never a link however high its score: siblings
share a surname and an address, twins a birth date too, and the model,
which treats fields as independent, overrates that agreement (see
../shared/STACK.md: twin-like pairs were most false merges in child data).

Some links are stronger than any score and are made first, unconditionally:
the spellings of one agency record, records that share a person number in a
shared numbering (``record_id_scheme``), and pairs an analyst confirmed.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb

MATCH_PROBABILITY = 0.8
"""Default: pairs at or above this probability join two records (partnership.yaml: identity.match_probability)."""

TWIN_LIKE = "twin-like (same birth date and surname, different first name)"


@dataclass
class Outcome:
    """Records grouped into people, with what was refused and why (for the report)."""

    person_of: dict[str, str]
    """record -> a representative record of its person (labels change between runs: see pseudonyms)."""
    refused: dict[str, int] = field(default_factory=dict)
    forced_links: int = 0
    scored_links: int = 0


class _Groups:
    """Union-find over records, each root carrying the hard evidence its records hold."""

    def __init__(self, records: Iterable[str]):
        self.parent: dict[str, str] = {r: r for r in records}
        self.nhs: dict[str, set[str]] = {}
        self.upn: dict[str, set[str]] = {}
        self.dob: dict[str, set[dt.date]] = {}
        self.apart: dict[str, set[str]] = {}
        """root -> records that some member was said to be different from"""
        self.decided: dict[str, set[str]] = {}
        """root -> its members that appear in an analyst's "different" """

    def find(self, r: str) -> str:
        parent = self.parent
        root = r
        while parent[root] != root:
            root = parent[root]
        while parent[r] != root:
            parent[r], r = root, parent[r]
        return root

    def conflict(self, a: str, b: str) -> str | None:
        """Why roots ``a`` and ``b`` may not be one person, or None."""
        for name, sets in (("two NHS numbers", self.nhs), ("two pupil numbers", self.upn)):
            x, y = sets.get(a), sets.get(b)
            if x and y and x != y and len(x | y) > max(len(x), len(y)):
                return name
        x, y = self.dob.get(a), self.dob.get(b)
        if x and y and not all(any(dates_compatible(p, q) for q in y) for p in x):
            return "dates of birth no keying slip explains"
        if (self.apart.get(a, set()) & self.decided.get(b, set())
                or self.apart.get(b, set()) & self.decided.get(a, set())):
            return "an analyst said different"
        return None

    def union(self, a: str, b: str) -> str:
        if a == b:
            return a
        # keep the smaller record as the root, so labels do not depend on input order
        if b < a:
            a, b = b, a
        self.parent[b] = a
        for sets in (self.nhs, self.upn, self.dob, self.apart, self.decided):
            if b in sets:
                sets.setdefault(a, set()).update(sets.pop(b))
        return a


def dates_compatible(a: dt.date, b: dt.date) -> bool:
    """Equal, day and month swapped, or one keying slip apart (as text YYYYMMDD)."""
    if a == b or (a.year == b.year and a.day == b.month and a.month == b.day):
        return True
    x, y = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    diff = [i for i in range(8) if x[i] != y[i]]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]]
                              and x[diff[1]] == y[diff[0]])


def cluster(con: duckdb.DuckDBPyConnection, records: str = "id_records", pairs: str = "id_pairs",
            same: Iterable[tuple[str, str]] = (), different: Iterable[tuple[str, str]] = (),
            threshold: float = MATCH_PROBABILITY) -> Outcome:
    """Group the records of ``records`` into people using the scored ``pairs`` and analysts' decisions."""
    rows = con.execute(f"""SELECT record, any_value(scheme_key) AS scheme_key, list(DISTINCT nhs_number),
                                  list(DISTINCT upn), list(DISTINCT dob)
                           FROM {records} GROUP BY record ORDER BY record""").fetchall()
    groups = _Groups(r[0] for r in rows)
    for record, _scheme, nhs, upn, dob in rows:
        for sets, values in ((groups.nhs, nhs), (groups.upn, upn), (groups.dob, dob)):
            values = {v for v in values if v is not None}
            if values:
                sets[record] = values
    for a, b in sorted(different):
        if a in groups.parent and b in groups.parent:
            for x, y in ((a, b), (b, a)):
                groups.apart.setdefault(x, set()).add(y)
                groups.decided.setdefault(x, set()).add(x)
    outcome = Outcome(person_of={})

    scheme_first: dict[str, str] = {}
    forced: list[tuple[str, str]] = []
    for record, scheme, *_ in rows:
        if scheme:
            first = scheme_first.setdefault(scheme, record)
            if first != record:
                forced.append((first, record))
    forced += [(a, b) for a, b in sorted(same) if a in groups.parent and b in groups.parent]
    for a, b in forced:
        ra, rb = groups.find(a), groups.find(b)
        if ra != rb:
            groups.union(ra, rb)
            outcome.forced_links += 1

    scored = con.execute(f"""
        SELECT l.record, r.record, max(p.match_weight) AS w,
               bool_or(p.gamma_first_name = 0 AND l.dob = r.dob AND l.last_name = r.last_name) AS twin_like
        FROM {pairs} p JOIN {records} l ON l.uid = p.uid_l JOIN {records} r ON r.uid = p.uid_r
        WHERE p.match_probability >= {threshold} AND l.record <> r.record
        GROUP BY ALL ORDER BY w DESC, l.record, r.record""").fetchall()
    for a, b, _w, twin_like in scored:
        ra, rb = groups.find(a), groups.find(b)
        if ra == rb:
            continue
        if twin_like:
            outcome.refused[TWIN_LIKE] = outcome.refused.get(TWIN_LIKE, 0) + 1
            continue
        why = groups.conflict(ra, rb)
        if why:
            outcome.refused[why] = outcome.refused.get(why, 0) + 1
            continue
        groups.union(ra, rb)
        outcome.scored_links += 1
    outcome.person_of = {r: groups.find(r) for r in groups.parent}
    return outcome
