"""Measured facts about each agency's data, computed from its own extracts in the warehouse.

A self-assessment says what an agency believes about its data; these facts
say what its latest extract shows. They are put side by side so that the
partnership can talk about the difference: an extract is only part of what
an agency records (a field may exist but not be shared, a service may see
few exploited children), so a fact is a prompt, never a verdict.

Every measure is an aggregate over an agency's sources: a share (0 to 1), a
count of days, or 1/0 for "the extract shows this at all". Nothing here
returns a record or an identifier.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import duckdb

Unit = Literal["share", "days", "yes_no"]


@dataclass(frozen=True)
class Measure:
    name: str
    title: str
    unit: Unit
    caveat: str


@dataclass(frozen=True)
class MeasuredFact:
    """One measured value for one agency, with what it was counted from."""

    agency: str
    measure: str
    value: float | None
    numerator: float | None = None
    denominator: float | None = None

    def describe(self) -> str:
        """The fact in words, e.g. '12% (35 of 381 child records)'."""
        m = MEASURES[self.measure]
        if self.value is None:
            return "not measurable from the extract"
        if m.unit == "yes_no":
            return "yes" if self.value else "no"
        if m.unit == "days":
            return f"{self.value:,.0f} days"
        counted = (f" ({self.numerator:,.0f} of {self.denominator:,.0f})"
                   if self.numerator is not None and self.denominator else "")
        return f"{self.value:.0%}{counted}"


_M = [
    Measure("records_with_ethnicity", "children's records with an ethnicity recorded", "share",
            "'not known' and 'refused' count as not recorded; some services are not asked to record it"),
    Measure("records_with_home_area", "people's records with a home area (small area or council)", "share",
            "a service may hold an address it does not share"),
    Measure("mean_completeness", "share of rows filled in, averaged over the fields the agency shares", "share",
            "a field that does not apply to a row is counted as blank"),
    Measure("mean_validity", "share of values that pass the partnership's checks", "share",
            "a value can be valid and still wrong"),
    Measure("rows_held_back", "rows held back at loading for a problem (outside-area rows not counted)", "share",
            "includes exact duplicate rows, which are harmless"),
    Measure("records_sharing_identifier", "records sharing an NHS or pupil number with another record", "share",
            "needs the identity step; twins and keying slips can share a number"),
    Measure("days_newest_event_to_extract", "days from the newest event to the extract date", "days",
            "a quiet service can have no recent events and still record promptly"),
    Measure("exploitation_types_used", "exploitation types (of the partnership's list) the extract uses",
            "share", "a service that rarely meets a type will not record it"),
    Measure("exploitation_recorded_share", "children's records with an exploitation type in a coded field",
            "share", "depends on how many exploited children the service sees"),
    Measure("flags_recorded", "the extract holds exploitation flags", "yes_no",
            "a flag may exist in the system but not be shared"),
    Measure("adults_recorded", "the extract holds records of adults (people of concern)", "yes_no",
            "only some agencies record adults who pose a risk"),
    Measure("events_with_place", "events with a place recorded", "share",
            "many events (a school absence, an assessment) have no place of harm"),
    Measure("event_places_with_kind", "of events with a place, those whose place has a kind", "share",
            "a postcode without a kind still places the event on a map"),
    Measure("exploitation_coded", "exploitation recorded in coded fields (a flag or an event type)", "yes_no",
            "coded fields may exist but not be shared"),
    Measure("lawful_basis_stated", "datasets shared with a lawful basis stated", "share",
            "stated in the source configuration the partnership keeps"),
    Measure("months_with_gaps", "complete months with fewer than half the usual events", "share",
            "a small series is not judged; a quiet month can be real"),
]
MEASURES: dict[str, Measure] = {m.name: m for m in _M}

NOT_KNOWN_ETHNICITY = ("not_known", "refused")


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return con.execute(sql).fetchall()


def _has_table(con: duckdb.DuckDBPyConnection, name: str) -> bool:
    return con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = ?", [name]).fetchone()[0] > 0


def _sources_mapping(con: duckdb.DuckDBPyConnection, fields: tuple[str, ...]) -> list[str] | None:
    """Sources whose mapping includes one of ``fields`` (None: no field profile, so assume all do)."""
    if not _has_table(con, "quality_field"):
        return None
    marks = ", ".join("?" for _ in fields)
    return [r[0] for r in con.execute(f"SELECT DISTINCT source_id FROM quality_field WHERE current AND field IN "
                                      f"({marks})", list(fields)).fetchall()]


def _in(column: str, values: list[str] | None) -> str:
    if values is None:
        return "true"
    if not values:
        return "false"
    return f"{column} IN (" + ", ".join("'" + v.replace("'", "''") + "'" for v in values) + ")"


def _exploitation_codes() -> int:
    from ceintel.codes import code_list

    return len(code_list("exploitation_type").entries)


def measure_agencies(con: duckdb.DuckDBPyConnection) -> dict[str, dict[str, MeasuredFact]]:
    """Every measure for every agency in the warehouse's ``source`` table."""
    agencies = [r[0] for r in _rows(con, "SELECT DISTINCT agency FROM source ORDER BY agency")]
    out: dict[str, dict[str, MeasuredFact]] = {a: {} for a in agencies}

    def put(agency: str, name: str, value, num=None, den=None) -> None:
        if agency in out:
            v = None if value is None else float(value)
            out[agency][name] = MeasuredFact(agency, name, v, None if num is None else float(num),
                                             None if den is None else float(den))

    def share(agency: str, name: str, num, den) -> None:
        put(agency, name, (num / den) if den else None, num, den)

    not_known = ", ".join(f"'{c}'" for c in NOT_KNOWN_ETHNICITY)
    eth_sources = _sources_mapping(con, ("person.ethnicity",))
    for agency, n, eth in _rows(con, f"""
            SELECT s.agency,
                   count(*) FILTER (WHERE coalesce(p.role, 'child') = 'child'),
                   count(*) FILTER (WHERE coalesce(p.role, 'child') = 'child' AND p.ethnicity_group IS NOT NULL
                                    AND p.ethnicity_group NOT IN ({not_known}))
            FROM source s JOIN person_record p USING (source_id)
            WHERE {_in("s.source_id", eth_sources)} GROUP BY s.agency"""):
        share(agency, "records_with_ethnicity", eth, n)
    home_sources = _sources_mapping(con, ("identifiers.postcode", "person.home_lsoa", "person.home_la"))
    for agency, n, home in _rows(con, f"""
            SELECT s.agency, count(*), count(*) FILTER (WHERE p.home_lsoa IS NOT NULL OR p.home_la IS NOT NULL)
            FROM source s JOIN person_record p USING (source_id)
            WHERE {_in("s.source_id", home_sources)} GROUP BY s.agency"""):
        share(agency, "records_with_home_area", home, n)
    for agency in out:  # the extract does not carry the field at all: nothing to measure
        out[agency].setdefault("records_with_ethnicity", MeasuredFact(agency, "records_with_ethnicity", None))
        out[agency].setdefault("records_with_home_area", MeasuredFact(agency, "records_with_home_area", None))

    # exploitation recorded in coded fields: flags, and exploitation types on events
    coded = """SELECT source_id, record_id, exploitation_type AS t FROM flag
               UNION ALL
               SELECT source_id, record_id, unnest(exploitation_types) FROM event
               WHERE len(coalesce(exploitation_types, [])) > 0"""
    codes = _exploitation_codes()
    for agency, children, with_type, types, flags in _rows(con, f"""
            WITH coded AS ({coded}),
            coded_records AS (SELECT DISTINCT source_id, record_id FROM coded),
            kids AS (SELECT p.source_id, p.record_id, s.agency FROM person_record p JOIN source s USING (source_id)
                     WHERE coalesce(p.role, 'child') = 'child'),
            kid_counts AS (SELECT k.agency, count(*) AS children, count(c.record_id) AS with_type
                           FROM kids k LEFT JOIN coded_records c USING (source_id, record_id) GROUP BY k.agency),
            types AS (SELECT s.agency, count(DISTINCT c.t) AS types FROM coded c JOIN source s USING (source_id)
                      GROUP BY s.agency),
            flags AS (SELECT s.agency, count(*) AS flags FROM flag f JOIN source s USING (source_id)
                      GROUP BY s.agency)
            SELECT a.agency, coalesce(k.children, 0), coalesce(k.with_type, 0), coalesce(t.types, 0),
                   coalesce(f.flags, 0)
            FROM (SELECT DISTINCT agency FROM source) a LEFT JOIN kid_counts k USING (agency)
                 LEFT JOIN types t USING (agency) LEFT JOIN flags f USING (agency)"""):
        share(agency, "exploitation_recorded_share", with_type, children)
        share(agency, "exploitation_types_used", types, codes)
        put(agency, "flags_recorded", int(flags > 0))
        put(agency, "exploitation_coded", int(flags > 0 or types > 0))

    for agency, adults in _rows(con, """
            SELECT s.agency, count(p.record_id) FILTER (WHERE p.role = 'adult')
            FROM source s LEFT JOIN person_record p USING (source_id) GROUP BY s.agency"""):
        put(agency, "adults_recorded", int(adults > 0))

    for agency, events, placed, kinded in _rows(con, """
            SELECT s.agency, count(e.event_id), count(e.place_id),
                   count(e.place_id) FILTER (WHERE pl.kind IS NOT NULL)
            FROM source s JOIN event e USING (source_id) LEFT JOIN place pl USING (place_id)
            GROUP BY s.agency"""):
        share(agency, "events_with_place", placed, events)
        share(agency, "event_places_with_kind", kinded, placed)

    for agency, sources, stated in _rows(con, """
            SELECT agency, count(*), count(*) FILTER (WHERE coalesce(trim(legal_basis), '') <> '')
            FROM source GROUP BY agency"""):
        share(agency, "lawful_basis_stated", stated, sources)

    if _has_table(con, "quality_source"):
        for (agency, completeness, validity, read, held, out_area, sharing, records, days, months,
             gaps) in _rows(con, """
                SELECT agency, avg(mean_completeness), avg(mean_validity), sum(rows_read), sum(rows_quarantined),
                       sum(coalesce(rows_out_of_area, 0)), sum(records_sharing_identifier), sum(person_records),
                       min(days_newest_to_extract), sum(months), sum(gap_months)
                FROM quality_source GROUP BY agency"""):
            put(agency, "mean_completeness", completeness)
            put(agency, "mean_validity", validity)
            if read:
                share(agency, "rows_held_back", (held or 0) - (out_area or 0), read)
            if sharing is not None:
                share(agency, "records_sharing_identifier", sharing, records)
            put(agency, "days_newest_event_to_extract", days)
            if months:
                share(agency, "months_with_gaps", gaps, months)
    return out
