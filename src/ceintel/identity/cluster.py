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

Some links are stronger than any score and are made first: the spellings
of one agency record, records that share a person number in a shared
numbering (``record_id_scheme``), and pairs an analyst confirmed. Only an
analyst's "different" can keep such records apart.

At region scale most people hold no conflicting evidence at all, so people
are first formed as plain connected components (vectorised); only the
components whose records disagree on hard evidence, or may hold twins, or
hold an analyst's "different", are rebuilt link by link.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

import duckdb
import numpy as np
import pyarrow as pa

from ceintel.config import MATCH_PROBABILITY

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
    """Union-find over the records of troubled components, each root carrying the evidence its records hold."""

    def __init__(self, evidence: dict[int, dict], apart: dict[int, set[int]]):
        self.parent: dict[int, int] = {i: i for i in evidence}
        self.nhs = {i: set(e["nhs"]) for i, e in evidence.items()}
        self.upn = {i: set(e["upn"]) for i, e in evidence.items()}
        self.dob = {i: set(e["dob"]) for i, e in evidence.items()}
        self.names = {i: dict(e["names"]) for i, e in evidence.items()}
        """root -> (date of birth, surname) -> the first names (with their formal names) held under it"""
        self.members = {i: {i} for i in evidence}
        self.apart = apart

    def find(self, r: int) -> int:
        parent = self.parent
        root = r
        while parent[root] != root:
            root = parent[root]
        while parent[r] != root:
            parent[r], r = root, parent[r]
        return root

    def conflict(self, a: int, b: int, forced: bool = False) -> str | None:
        """Why roots ``a`` and ``b`` may not be one person, or None (forced links heed analysts only)."""
        small, large = (a, b) if len(self.members[a]) <= len(self.members[b]) else (b, a)
        if any(self.apart.get(m, set()) & self.members[large] for m in self.members[small]):
            return ANALYST
        if forced:
            return None
        for name, sets in (("two NHS numbers", self.nhs), ("two pupil numbers", self.upn)):
            x, y = sets[a], sets[b]
            if x and y and len(x | y) > max(len(x), len(y)):
                return name
        x, y = self.dob[a], self.dob[b]
        if x and y and x != y and not all(any(dates_compatible(p, q) for q in y) for p in x):
            return "dates of birth no keying slip explains"
        x, y = self.names[a], self.names[b]
        for key in x.keys() & y.keys():
            if not any(names_compatible(p, q) for p in x[key] for q in y[key]):
                return TWIN_LIKE
        return None

    def union(self, a: int, b: int) -> int:
        if b < a:
            a, b = b, a
        self.parent[b] = a
        for sets in (self.nhs, self.upn, self.dob, self.members):
            sets[a] |= sets.pop(b)
        names = self.names.pop(b)
        for key, held in names.items():
            self.names[a].setdefault(key, set()).update(held)
        return a


ANALYST = "an analyst said different"


def dates_compatible(a: dt.date, b: dt.date) -> bool:
    """Equal, day and month swapped, or one keying slip apart (as text YYYYMMDD)."""
    if a == b or (a.year == b.year and a.day == b.month and a.month == b.day):
        return True
    x, y = a.strftime("%Y%m%d"), b.strftime("%Y%m%d")
    diff = [i for i in range(8) if x[i] != y[i]]
    return len(diff) == 1 or (len(diff) == 2 and diff[1] == diff[0] + 1 and x[diff[0]] == y[diff[1]]
                              and x[diff[1]] == y[diff[0]])


def names_compatible(a: tuple[str, tuple[str, ...]], b: tuple[str, tuple[str, ...]]) -> bool:
    """Two (first name, formal names) could be one child's: equal, one formal name, or one slip apart."""
    (x, fx), (y, fy) = a, b
    if x == y or set(fx) & set(fy):
        return True
    if abs(len(x) - len(y)) > 1:
        return False
    if len(x) == len(y):
        diff = [i for i in range(len(x)) if x[i] != y[i]]
        return len(diff) == 1 or (len(diff) == 2 and sorted(x) == sorted(y))
    short, long_ = (x, y) if len(x) < len(y) else (y, x)
    return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))


def components(n: int, a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Connected components of ``n`` nodes joined by edges ``a[k]``--``b[k]``: each node's smallest node."""
    label = np.arange(n, dtype=np.int64)
    if len(a) == 0:
        return label
    while True:
        la, lb = label[a], label[b]
        low = np.minimum(la, lb)
        np.minimum.at(label, la, low)
        np.minimum.at(label, lb, low)
        while True:  # pointer jumping: every node straight to its root
            jumped = label[label]
            if np.array_equal(jumped, label):
                break
            label = jumped
        if np.array_equal(label[a], label[b]):
            return label


def _register(con: duckdb.DuckDBPyConnection, name: str, columns: dict) -> None:
    con.register(name + "_arrow", pa.table(columns))
    con.execute(f"CREATE OR REPLACE TEMP TABLE {name} AS SELECT * FROM {name}_arrow")
    con.unregister(name + "_arrow")


def cluster(con: duckdb.DuckDBPyConnection, records: str = "id_records", pairs: str = "id_pairs",
            same: Iterable[tuple[str, str]] = (), different: Iterable[tuple[str, str]] = (),
            threshold: float = MATCH_PROBABILITY) -> Outcome:
    """Group the records of ``records`` into people using the scored ``pairs`` and analysts' decisions."""
    outcome = Outcome(person_of={})
    con.execute(f"""CREATE OR REPLACE TEMP TABLE id_rec AS
                    SELECT record, (row_number() OVER (ORDER BY record) - 1)::BIGINT AS i,
                           any_value(scheme_key) AS scheme_key FROM {records} GROUP BY record""")
    n = con.execute("SELECT count(*) FROM id_rec").fetchone()[0]
    same, different = sorted(same), sorted(different)
    for name, decided in (("id_same", same), ("id_different", different)):
        _register(con, name, {"a": [x for x, _ in decided], "b": [y for _, y in decided]})
    forced = con.execute("""
        SELECT i_l, i_r FROM (
          SELECT min(i) OVER (PARTITION BY scheme_key) AS i_l, i AS i_r FROM id_rec WHERE scheme_key IS NOT NULL)
        WHERE i_l <> i_r
        UNION ALL
        SELECT l.i, r.i FROM id_same s JOIN id_rec l ON l.record = s.a JOIN id_rec r ON r.record = s.b""").fetchnumpy()
    scored = con.execute(f"""
        SELECT least(l.i, r.i) AS i_l, greatest(l.i, r.i) AS i_r, max(p.match_weight) AS w,
               bool_or(p.gamma_first_name = 0 AND ls.dob = rs.dob AND ls.last_name = rs.last_name
                       AND coalesce(p.gamma_nhs_number, -1) <> 1 AND coalesce(p.gamma_upn, -1) <> 1) AS twin_like
        FROM {pairs} p JOIN {records} ls ON ls.uid = p.uid_l JOIN {records} rs ON rs.uid = p.uid_r
        JOIN id_rec l ON l.record = ls.record JOIN id_rec r ON r.record = rs.record
        WHERE p.match_probability >= {threshold} AND l.i <> r.i
        GROUP BY ALL ORDER BY w DESC, i_l, i_r""").fetchnumpy()
    twins = np.asarray(scored["twin_like"], dtype=bool)
    outcome.refused[TWIN_LIKE] = int(twins.sum())
    keep = ~twins
    s_l, s_r, s_w = (np.asarray(scored[k])[keep] for k in ("i_l", "i_r", "w"))
    f_l, f_r = np.asarray(forced["i_l"], dtype=np.int64), np.asarray(forced["i_r"], dtype=np.int64)
    label = components(n, np.concatenate([f_l, s_l]).astype(np.int64), np.concatenate([f_r, s_r]).astype(np.int64))

    # components whose records disagree on hard evidence, may hold twins, or hold an analyst's "different"
    _register(con, "id_label", {"i": np.arange(n, dtype=np.int64), "c": label})
    troubled = con.execute(f"""
        WITH r AS (SELECT x.*, l.c FROM {records} x JOIN id_rec USING (record) JOIN id_label l USING (i))
        SELECT c FROM r GROUP BY c
        HAVING count(DISTINCT nhs_number) > 1 OR count(DISTINCT upn) > 1 OR count(DISTINCT dob) > 1
        UNION SELECT c FROM r WHERE first_name IS NOT NULL AND dob IS NOT NULL GROUP BY c, dob, last_name
              HAVING count(DISTINCT first_name) > 1
        UNION SELECT la.c FROM id_different d JOIN id_rec a ON a.record = d.a JOIN id_rec b ON b.record = d.b
              JOIN id_label la ON la.i = a.i JOIN id_label lb ON lb.i = b.i WHERE la.c = lb.c""").fetchnumpy()["c"]
    troubled_set = np.isin(label, np.asarray(troubled, dtype=np.int64))
    if troubled_set.any():
        label = _rebuild(con, records, label, troubled_set, (f_l, f_r), (s_l, s_r, s_w), different, outcome)
    outcome.forced_links = int(len(f_l))
    outcome.scored_links = int(len(s_l))
    names = [r[0] for r in con.execute("SELECT record FROM id_rec ORDER BY i").fetchall()]
    outcome.person_of = {names[i]: names[label[i]] for i in range(n)}
    for t in ("id_rec", "id_same", "id_different", "id_label"):
        con.execute(f"DROP TABLE IF EXISTS {t}")
    return outcome


def _rebuild(con: duckdb.DuckDBPyConnection, records: str, label: np.ndarray, troubled: np.ndarray,
             forced: tuple[np.ndarray, np.ndarray], scored: tuple[np.ndarray, np.ndarray, np.ndarray],
             different: list[tuple[str, str]], outcome: Outcome) -> np.ndarray:
    """Rebuild the troubled components strongest link first, refusing links against hard evidence."""
    nodes = np.flatnonzero(troubled)
    _register(con, "id_troubled", {"i": nodes.astype(np.int64)})
    evidence: dict[int, dict] = {int(i): {"nhs": set(), "upn": set(), "dob": set(), "names": {}} for i in nodes}
    for i, nhs, upn, dob, first, formal, last in con.execute(f"""
            SELECT t.i, x.nhs_number, x.upn, x.dob, x.first_name, x.first_formal, x.last_name
            FROM id_troubled t JOIN id_rec USING (i) JOIN {records} x USING (record)""").fetchall():
        e = evidence[i]
        for key, value in (("nhs", nhs), ("upn", upn), ("dob", dob)):
            if value is not None:
                e[key].add(value)
        if first and dob:
            e["names"].setdefault((dob, last), set()).add((first, tuple(formal or ())))
    index = dict(con.execute("SELECT record, i FROM id_rec WHERE i IN (SELECT i FROM id_troubled)").fetchall())
    apart: dict[int, set[int]] = {}
    for a, b in different:
        if a in index and b in index:
            apart.setdefault(index[a], set()).add(index[b])
            apart.setdefault(index[b], set()).add(index[a])
    con.execute("DROP TABLE id_troubled")
    groups = _Groups(evidence, apart)
    f_l, f_r = forced
    s_l, s_r, _ = scored
    for links, is_forced in (((f_l, f_r), True), ((s_l, s_r), False)):  # scored links are sorted, strongest first
        a_all, b_all = links
        inside = troubled[a_all]
        for a, b in zip(a_all[inside].tolist(), b_all[inside].tolist(), strict=True):
            ra, rb = groups.find(a), groups.find(b)
            if ra == rb:
                continue
            why = groups.conflict(ra, rb, forced=is_forced)
            if why:
                outcome.refused[why] = outcome.refused.get(why, 0) + 1
                continue
            groups.union(ra, rb)
    label = label.copy()
    for i in nodes.tolist():
        label[i] = groups.find(i)
    return label
