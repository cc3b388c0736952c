"""Indicators against the synthetic partnership's hidden truth.

The truth says who every extract row really is (``records.csv``: source file and row → true person)
and who that person is (``people.csv``: role, date of birth, home). Every warehouse row can be traced
back to its extract row: an event's ``event_id`` starts with its spreadsheet row number, and a
record's rows are listed in the identity staging files (``source_file``, ``source_rows``). So for an
indicator we can recount, from the rows the agencies actually recorded, what it *should* show if
every row were attributed to the right child, and compare it with what the engine computes from the
linked ``person_id``\\s.

What the comparison tolerates, and why:

* **Exact** where linkage cannot matter: incidents counted by where they happened, and episodes
  from a single source keyed by that source's own child number.
* Counts of **children** may differ by ``1 + 10%`` of the true count in any period. Linkage is
  imperfect (pairwise F1 about 0.97-0.99; for exploited children, whose records are the messiest,
  the whole-person F1 is similar): a child whose records were not joined is counted twice, two
  children wrongly joined are counted once, and a joined person takes the birth month and home most
  sources give, which can move a child across the age-18 or partnership boundary. In a period with
  around ten children that is at most one or two children; the relative term covers larger periods.
* **Percentages**: numerator and denominator each within the count tolerance, and the percentage
  within 5 points when the denominator is 20 or more.
* **Rates**: the population denominator is exact (it is the geography's own file), the numerator
  within the count tolerance.

The rule for "a child at the date" is the indicators' own: under 18 as far as the birth month tells
(so in the month of their 18th birthday a young person still counts).
"""

from __future__ import annotations

import collections
import csv
import datetime as dt
from importlib import resources

import pytest

from ceintel import duck
from ceintel.framework import compute, dimensions, periods, registry, views
from ceintel.warehouse import warehouse_path

TESTED = ("children_cse", "police_incidents_exploitation", "away_episodes", "rhi_accepted", "rhi_offered",
          "children_exploitation_rate")
AMBIGUOUS_SOURCES = {"police_associations", "police_disruptions"}
"""Sources whose rows name two people (an association's second person; the child a disruption protects),
so a row does not identify one true person."""


def count_tolerance(true_count: int) -> float:
    return 1 + 0.1 * true_count


class Truth:
    """The truth files, and the way back from warehouse rows to true people."""

    def __init__(self, con, ws, folder):
        self.people = {r["person_id"]: r for r in _csv(folder / "people.csv")}
        self.row_person = {(r["file"], int(r["row"])): r["person_id"] for r in _csv(folder / "records.csv")}
        staging = con.execute(
            f"SELECT source_id, record_key, source_file, source_rows "
            f"FROM read_parquet('{ws.identity_staging}/*.parquet')").fetchall()
        self.file_of = {s: f for s, _, f, _ in staging}
        self.record_person = {}
        for source, key, file, rows in staging:
            if source in AMBIGUOUS_SOURCES:
                continue
            votes = collections.Counter(self.row_person.get((file, r)) for r in rows)
            self.record_person[(source, key)] = votes.most_common(1)[0][0]
        self.codes = set(ws.config().area_codes)

    def event(self, source_id: str, event_id: str) -> str | None:
        return self.row_person.get((self.file_of[source_id], int(event_id.split(".")[0])))

    def record(self, source_id: str, record_id: str) -> str | None:
        return self.record_person.get((source_id, record_id))

    def child(self, pid: str | None, when: dt.date) -> bool:
        """A true child, under 18 by the birth month at ``when``."""
        p = self.people.get(pid)
        if p is None or p["role"] != "child":
            return False
        dob = dt.date.fromisoformat(p["dob"])
        return 12 * dob.year + dob.month >= 12 * when.year + when.month - 216

    def lives_here(self, pid: str | None) -> bool:
        p = self.people.get(pid)
        return p is not None and p["home_la"] in self.codes

    def child_here(self, pid: str | None, when: dt.date) -> bool:
        return self.child(pid, when) and self.lives_here(pid)


def _csv(path):
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="module")
def computed(linked_workspace):
    """The tested indicators computed on the linked workspace, with the truth beside them."""
    ws = linked_workspace.workspace
    partnership = ws.config()
    con = duck.connect(":memory:")
    con.execute(f"ATTACH '{warehouse_path(ws)}' AS wh (READ_ONLY)")
    con.execute("SET search_path = 'main,wh.main'")
    dimensions.build_dimensions(con, partnership)
    views.create_views(con)
    reporting = periods.reporting_periods(partnership.periods, dt.date(2026, 9, 30))
    compute.create_period_table(con, reporting)
    compute.create_cell_table(con)
    folder = resources.files("ceintel.framework") / "indicators"
    for ind_id in TESTED:
        ind = registry.parse_indicator((folder / f"{ind_id}.sql").read_text(encoding="utf-8"), f"{ind_id}.sql")
        compute.compute_indicator(con, ind, partnership.area_codes)
    truth = Truth(con, ws, linked_workspace.truth)
    yield con, truth, reporting, ws
    con.close()


def _cells(con, ind_id: str, area_level: str = "partnership") -> dict[str, tuple[int, float | None, float | None]]:
    rows = con.execute("SELECT period, numerator, denominator, value FROM fw_cell WHERE indicator_id = ? "
                       "AND area_level = ? AND breakdown = 'all'", [ind_id, area_level]).fetchall()
    return {p: (n, d, v) for p, n, d, v in rows}


def _of_kind(reporting, kind: str):
    return [p for p in reporting if p.kind == kind]


# ------------------------------------------------------------------ children: CSE by quarter

def _concern_units(con, truth: Truth, flag_where: str, event_where: str, factor_codes: tuple[str, ...]):
    units = [(truth.record(s, r), d) for s, r, d in
             con.execute(f"SELECT source_id, record_id, start_date FROM flag WHERE {flag_where}").fetchall()]
    units += [(truth.event(s, e), d) for s, e, d in
              con.execute(f"SELECT source_id, event_id, start_date FROM event WHERE {event_where}").fetchall()]
    for s, e, d, detail in con.execute("SELECT source_id, event_id, COALESCE(end_date, start_date), detail "
                                       "FROM event WHERE event_type = 'assessment'").fetchall():
        if set((detail or "").split(",")) & set(factor_codes):
            units.append((truth.event(s, e), d))
    return units


def test_children_cse_per_quarter_matches_the_truth(computed):
    con, truth, reporting, _ = computed
    units = _concern_units(con, truth, "exploitation_type = 'cse'", "array_contains(exploitation_types, 'cse')",
                           ("11A",))
    got = _cells(con, "children_cse")
    total = 0
    for q in _of_kind(reporting, "quarter"):
        expected = len({t for t, d in units if q.start <= d <= q.end and truth.child_here(t, d)})
        total += expected
        assert abs(got[q.label][0] - expected) <= count_tolerance(expected), (q.label, got[q.label][0], expected)
    assert total > 0, "the synthetic partnership should hold CSE concerns"


def test_children_counted_for_cse_were_mostly_exploited(computed, linked_workspace):
    """Not a linkage check: most children the agencies flagged for CSE were truly sexually exploited."""
    con, truth, _, _ = computed
    exploited = {r["person_id"]: r["types"].split(";") for r in _csv(linked_workspace.truth / "exploitation.csv")}
    units = _concern_units(con, truth, "exploitation_type = 'cse'", "array_contains(exploitation_types, 'cse')",
                           ("11A",))
    flagged = {t for t, d in units if truth.child_here(t, d)}
    assert flagged
    assert sum("cse" in exploited.get(t, ()) for t in flagged) >= 0.6 * len(flagged)


# ------------------------------------------------------------------ events: incidents and away episodes

def test_police_incidents_flagged_for_exploitation_are_exact(computed):
    con, truth, reporting, _ = computed
    la_of = dict(con.execute("SELECT lsoa, la FROM geography").fetchall())
    lsoa_of = dict(con.execute("SELECT place_id, lsoa FROM place").fetchall())
    incidents = collections.defaultdict(list)
    for s, e, ref, d, place in con.execute(
            "SELECT source_id, event_id, incident_ref, start_date, place_id FROM event "
            "WHERE event_type = 'police_incident' AND array_length(exploitation_types) > 0").fetchall():
        incidents[ref].append((truth.event(s, e), d, lsoa_of.get(place)))
    got_total = _cells(con, "police_incidents_exploitation")
    got_placed = collections.Counter()
    for period, area, n in con.execute(
            "SELECT period, area_code, numerator FROM fw_cell WHERE indicator_id = 'police_incidents_exploitation' "
            "AND area_level = 'small_area'").fetchall():
        if "~" not in area:
            got_placed[period] += n
    checked = 0
    for fy in _of_kind(reporting, "financial_year"):  # wards and small areas are kept for years
        placed = unplaced = 0
        for rows in incidents.values():
            day = min(d for _, d, _ in rows)
            children = [t for t, d, _ in rows if truth.child(t, d)]
            if not children or not fy.start <= day <= fy.end:
                continue
            lsoa = min((x for _, _, x in rows if x), default=None)
            if lsoa is not None:
                placed += la_of.get(lsoa) in truth.codes
            else:
                unplaced += any(truth.lives_here(t) for t in children)
        checked += placed
        # where the incident happened is on the incident itself: no linkage involved
        assert got_placed[fy.label] == placed, fy.label
        # incidents with no location fall back to where a child lives, which linkage decides
        assert abs(got_total[fy.label][0] - placed - unplaced) <= 1, fy.label
    assert checked > 0


def test_away_episodes_are_exact(computed):
    con, truth, reporting, _ = computed
    episodes = {(truth.event(s, e), d) for s, e, d in con.execute(
        "SELECT source_id, event_id, start_date FROM event WHERE event_type = 'away_without_authorisation'"
    ).fetchall()}
    got = _cells(con, "away_episodes")
    for fy in _of_kind(reporting, "financial_year"):
        expected = sum(1 for t, d in episodes if fy.start <= d <= fy.end and truth.child_here(t, d))
        assert got[fy.label][0] == expected, fy.label
    assert episodes


# ------------------------------------------------------------------ percentages: return home interviews

def _true_rhi(con, truth: Truth):
    """Missing episodes per true child and day (away days set apart), and which had an interview."""
    episodes: dict[tuple[str, dt.date], tuple[bool, dt.date | None]] = {}
    for s, e, kind, start, end in con.execute(
            "SELECT source_id, event_id, event_type, start_date, end_date FROM event "
            "WHERE event_type IN ('missing', 'away_without_authorisation')").fetchall():
        key = (truth.event(s, e), start)
        away, last = episodes.get(key, (False, None))
        episodes[key] = (away or kind == "away_without_authorisation",
                         max([x for x in (last, end) if x is not None], default=None))
    starts = collections.defaultdict(list)
    for pid, start in episodes:
        starts[pid].append(start)
    offered, accepted = set(), set()
    for s, e, day, detail in con.execute("SELECT source_id, event_id, start_date, LOWER(detail) FROM event "
                                         "WHERE event_type = 'return_home_interview'").fetchall():
        pid = truth.event(s, e)
        before = [x for x in starts.get(pid, ()) if x <= day and (day - x).days <= 28]
        if before:
            offered.add((pid, max(before)))
            if detail == "yes":
                accepted.add((pid, max(before)))
    return episodes, offered, accepted


@pytest.mark.parametrize("ind_id", ["rhi_offered", "rhi_accepted"])
def test_return_home_interview_percentages_match_the_truth(computed, ind_id):
    con, truth, reporting, _ = computed
    episodes, offered, accepted = _true_rhi(con, truth)
    hit = offered if ind_id == "rhi_offered" else accepted
    got = _cells(con, ind_id)
    checked = 0
    for fy in _of_kind(reporting, "financial_year"):
        den = [k for k, (away, end) in episodes.items()
               if not away and fy.start <= (end or k[1]) <= fy.end and truth.child_here(*k)]
        num = sum(1 for k in den if k in hit)
        n, d, value = got[fy.label]
        assert abs(d - len(den)) <= count_tolerance(len(den)), (fy.label, d, len(den))
        assert abs(n - num) <= count_tolerance(num), (fy.label, n, num)
        if len(den) >= 20:
            assert abs(value - 100 * num / len(den)) <= 5, (fy.label, value, num, len(den))
            checked += 1
    assert checked > 0


# ------------------------------------------------------------------ rates: exploitation concerns per 10,000

def test_children_exploitation_rate_matches_the_truth(computed):
    con, truth, reporting, ws = computed
    area_la = {r["lsoa21cd"]: r["lad24cd"] for r in _csv(ws.geography / "areas.csv")}
    population = collections.Counter()
    for r in _csv(ws.geography / "population.csv"):
        if area_la.get(r["lsoa21cd"]) in truth.codes and int(r["age"]) <= 17:
            population[int(r["year"])] += int(r["children"])
    units = _concern_units(con, truth, "TRUE", "array_length(exploitation_types) > 0", ("11A", "12A", "24A"))
    got = _cells(con, "children_exploitation_rate")
    for fy in _of_kind(reporting, "financial_year"):
        year = min(population, key=lambda y: (abs(y - fy.end.year), -y))
        n, d, value = got[fy.label]
        assert d == population[year], "the denominator is the population living in the partnership"
        expected = len({t for t, day in units if fy.start <= day <= fy.end and truth.child_here(t, day)})
        assert abs(n - expected) <= count_tolerance(expected), (fy.label, n, expected)
        assert value == pytest.approx(10000 * n / d)
