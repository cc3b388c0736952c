"""The canonical tables of the warehouse, defined once.

Every stage speaks these names: ingest maps agency columns onto them, the
identity step fills ``person_id``, the framework's SQL reads them. Columns that
would identify a child (names, full dates of birth, addresses, agency
numbers) are deliberately absent: they live only inside the identity step.

Types are DuckDB SQL types; they also transpile to Spark SQL.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    code_list: str | None = None
    """Name of the code list (``ceintel.codes``) the values come from, if any."""
    restricted: bool = False
    """True where the value is record-level text only analysts may read."""


@dataclass(frozen=True)
class Table:
    name: str
    grain: str
    """What one row is."""
    columns: tuple[Column, ...]
    key: tuple[str, ...] = field(default=())

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(f"table {self.name} has no column {name!r}; columns: {', '.join(self.column_names)}")

    def create_sql(self) -> str:
        """A CREATE TABLE statement (portable SQL: DuckDB and Spark)."""
        cols = ",\n  ".join(
            f"{c.name} {c.type}{' NOT NULL' if c.required else ''}" for c in self.columns
        )
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  {cols}\n)"


def _c(name: str, type_: str, description: str, **kw: object) -> Column:
    return Column(name, type_, description, **kw)  # type: ignore[arg-type]


SOURCE = Table(
    "source",
    "dataset (one extract) submitted by an agency",
    (
        _c("source_id", "VARCHAR", "stable name of the source, e.g. police_incidents", required=True),
        _c("agency", "VARCHAR", "the agency that holds the data", required=True),
        _c("system", "VARCHAR", "the recording system the extract comes from"),
        _c("kind", "VARCHAR", "what the extract is, in the agency's words"),
        _c("extracted_at", "DATE", "date the extract was taken"),
        _c("coverage", "VARCHAR", "area the source covers (local authority codes)"),
        _c("legal_basis", "VARCHAR", "lawful basis for sharing"),
        _c("file_name", "VARCHAR", "file the rows came from"),
        _c("file_sha256", "VARCHAR", "content hash of the file, so a re-ingest is recognised"),
    ),
    key=("source_id",),
)

PERSON_RECORD = Table(
    "person_record",
    "person as one source knows them",
    (
        _c("source_id", "VARCHAR", "source the record comes from", required=True),
        _c("record_id", "VARCHAR", "the source's own key for the person (pseudonymised on load)", required=True),
        _c("person_id", "VARCHAR", "keyed pseudonym of the linked person"),
        _c("role", "VARCHAR", "child or adult", code_list="role"),
        _c("sex", "VARCHAR", "sex as recorded", code_list="sex"),
        _c("birth_month", "DATE", "first day of the month of birth (the day is never kept)"),
        _c("ethnicity_group", "VARCHAR", "ONS 2021 group", code_list="ethnicity_ons"),
        _c("home_lsoa", "VARCHAR", "small area of the home address"),
        _c("home_la", "VARCHAR", "local authority of the home address"),
        _c("looked_after", "BOOLEAN", "recorded as looked after by this source"),
        _c("sen", "BOOLEAN", "special educational needs (support or EHCP) recorded"),
        _c("disability", "BOOLEAN", "disability recorded"),
    ),
    key=("source_id", "record_id"),
)

EVENT = Table(
    "event",
    "thing that happened to or with a person",
    (
        _c("event_id", "VARCHAR", "unique id of the event within its source", required=True),
        _c("person_id", "VARCHAR", "keyed pseudonym of the person"),
        _c("source_id", "VARCHAR", "source the event comes from", required=True),
        _c("record_id", "VARCHAR", "source record of the person"),
        _c("event_type", "VARCHAR", "what happened", required=True, code_list="event_type"),
        _c("event_role", "VARCHAR", "the person's recorded role in the event", code_list="event_role"),
        _c("start_date", "DATE", "when it started", required=True),
        _c("end_date", "DATE", "when it ended, if it has"),
        _c("place_id", "VARCHAR", "where it happened"),
        _c("exploitation_types", "VARCHAR[]", "exploitation types recorded on the event", code_list="exploitation_type"),
        _c("detail", "VARCHAR", "coded detail (CIN factors, outcome, presentation...)"),
        _c("incident_ref", "VARCHAR", "reference shared by people in the same incident (pseudonymised)"),
    ),
    key=("source_id", "event_id"),
)

FLAG = Table(
    "flag",
    "exploitation concern recorded for a person",
    (
        _c("person_id", "VARCHAR", "keyed pseudonym of the person"),
        _c("source_id", "VARCHAR", "source that recorded the concern", required=True),
        _c("record_id", "VARCHAR", "source record of the person"),
        _c("exploitation_type", "VARCHAR", "type of exploitation", required=True, code_list="exploitation_type"),
        _c("start_date", "DATE", "when the concern was recorded", required=True),
        _c("end_date", "DATE", "when it was closed, if it was"),
        _c("status", "VARCHAR", "open or closed as recorded"),
    ),
)

PERSON = Table(
    "person",
    "person recognised across sources by the identity step",
    (
        _c("person_id", "VARCHAR", "keyed pseudonym, stable across refreshes", required=True),
        _c("role", "VARCHAR", "child or adult (child if a record that knows the age says so; a source's default role counts only when none does)", code_list="role"),
        _c("sex", "VARCHAR", "the sex most sources record", code_list="sex"),
        _c("birth_month", "DATE", "the birth month most sources record"),
        _c("ethnicity_group", "VARCHAR", "the ONS group most sources record, unknowns set aside",
           code_list="ethnicity_ons"),
        _c("home_lsoa", "VARCHAR", "small area of home in the most recent extract that gives one"),
        _c("home_la", "VARCHAR", "local authority of home in the most recent extract that gives one"),
        _c("records", "INTEGER", "records linked into this person"),
        _c("sources", "INTEGER", "sources that know this person"),
        _c("source_ids", "VARCHAR[]", "the sources that know this person"),
    ),
    key=("person_id",),
)

PLACE = Table(
    "place",
    "location of concern or of an event",
    (
        _c("place_id", "VARCHAR", "stable id of the place", required=True),
        _c("kind", "VARCHAR", "type of place", code_list="place_type"),
        _c("lsoa", "VARCHAR", "small area"),
        _c("ward", "VARCHAR", "electoral ward"),
        _c("la", "VARCHAR", "local authority"),
        _c("lat", "DOUBLE", "latitude, where the source gives it"),
        _c("lon", "DOUBLE", "longitude, where the source gives it"),
    ),
    key=("place_id",),
)

ASSOCIATION = Table(
    "association",
    "recorded link between two people",
    (
        _c("person_a", "VARCHAR", "keyed pseudonym of the first person"),
        _c("person_b", "VARCHAR", "keyed pseudonym of the second person"),
        _c("kind", "VARCHAR", "kind of link", code_list="association_kind"),
        _c("date", "DATE", "when it was recorded"),
        _c("source_id", "VARCHAR", "source that recorded it", required=True),
        _c("record_a", "VARCHAR", "source record of the first person"),
        _c("record_b", "VARCHAR", "source record of the second person"),
    ),
)

ACE = Table(
    "ace",
    "adverse childhood experience recorded for a child",
    (
        _c("person_id", "VARCHAR", "keyed pseudonym of the linked person"),
        _c("ace_type", "VARCHAR", "which experience", required=True, code_list="ace_type"),
        _c("recorded_date", "DATE", "when a source recorded it"),
        _c("source_id", "VARCHAR", "source that recorded it", required=True),
        _c("record_id", "VARCHAR", "source record of the person"),
    ),
)

NOTE = Table(
    "note",
    "free text from a record (restricted to analysts)",
    (
        _c("person_id", "VARCHAR", "keyed pseudonym"),
        _c("source_id", "VARCHAR", "source of the text", required=True),
        _c("date", "DATE", "date of the note"),
        _c("text", "VARCHAR", "the text, as recorded", restricted=True),
    ),
)

GEOGRAPHY = Table(
    "geography",
    "small area (LSOA) with the areas it sits in",
    (
        _c("lsoa", "VARCHAR", "small area code", required=True),
        _c("lsoa_name", "VARCHAR", "small area name"),
        _c("ward", "VARCHAR", "ward code"),
        _c("ward_name", "VARCHAR", "ward name"),
        _c("la", "VARCHAR", "local authority code"),
        _c("la_name", "VARCHAR", "local authority name"),
        _c("police_force", "VARCHAR", "police force area code"),
        _c("health_board", "VARCHAR", "health board (ICB) code"),
    ),
    key=("lsoa",),
)

POPULATION = Table(
    "population",
    "children living in a small area, by single year of age and sex",
    (
        _c("lsoa", "VARCHAR", "small area code", required=True),
        _c("age", "INTEGER", "age in years (0-17)", required=True),
        _c("sex", "VARCHAR", "M or F", required=True, code_list="sex"),
        _c("children", "INTEGER", "number of children", required=True),
        _c("year", "INTEGER", "mid-year the estimate refers to", required=True),
    ),
)

TABLES: dict[str, Table] = {
    t.name: t
    for t in (SOURCE, PERSON_RECORD, PERSON, EVENT, FLAG, PLACE, ASSOCIATION, ACE, NOTE, GEOGRAPHY, POPULATION)
}

IDENTIFYING_FIELDS: tuple[str, ...] = (
    "first_name",
    "last_name",
    "date_of_birth",
    "address",
    "postcode",
    "nhs_number",
    "upn",
    "agency_number",
)
"""Identifiers that are read only inside the identity step and never reach the warehouse."""


def table(name: str) -> Table:
    try:
        return TABLES[name]
    except KeyError:
        raise KeyError(f"no canonical table {name!r}; tables: {', '.join(TABLES)}") from None
