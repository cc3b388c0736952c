"""The source configuration: one YAML file per agency extract, mapping it to the canonical model.

A field is either a column name (``Forename``), a list of header names the
column may go by (``[Child Unique ID, Child unique ID, ChildUniqueID]``), a
constant (``{value: police_incident}``), or a full mapping::

    ethnicity:
      column: Officer Defined Ethnicity
      codes: ethnicity_police_ic      # a ceintel code list; its aliases are understood
      map: {"IC0": null}              # the agency's own values → codes (applied first)
      default: not_known              # for values neither knows (omit: the row is quarantined)

    kind: {column: Location, codes: place_type,
           patterns: {"* Park": park}}    # name patterns, when values are names (``*`` is any text)

    exploitation_types: {column: Flags, split: ";", codes: exploitation_type,
                         map: {"COUNTY LINES": county_lines, DA: null}}

See docs/sources.md for the whole format with a worked example.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ceintel.codes import available, code_list
from ceintel.config import read_yaml, validate

IdentifierName = Literal["record_id", "first_name", "last_name", "full_name", "date_of_birth", "postcode",
                         "nhs_number", "upn", "address"]
PersonField = Literal["sex", "ethnicity", "looked_after", "sen", "disability"]
Table = Literal["person_record", "event", "flag", "ace", "place", "association"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FieldSpec(_Strict):
    """Where a value comes from and how it is read."""

    column: list[str] | None = None
    value: Any = None
    split: str | None = Field(default=None, description="regular expression between values, e.g. ';' or '[,&]'")
    codes: str | None = None
    map: dict[str, str | None] = Field(default_factory=dict)
    patterns: dict[str, str | None] = Field(
        default_factory=dict,
        description="name patterns (``*`` is any text), tried in order when neither the map nor the code list "
                    "knows a value, e.g. {'* Park': park} for places recorded by name")
    default: str | None = None
    formats: list[str] | None = None
    required: bool = False
    true_values: list[str] = Field(default_factory=lambda: ["y", "yes", "true", "1"])

    @field_validator("column", mode="before")
    @classmethod
    def _one_or_many(cls, v: Any) -> Any:
        return [v] if isinstance(v, str) else v

    @field_validator("codes")
    @classmethod
    def _known_code_list(cls, v: str | None) -> str | None:
        if v is not None and v not in available():
            raise ValueError(f"'{v}' is not a code list; available: {', '.join(available())}")
        return v

    @model_validator(mode="after")
    def _column_or_value(self) -> FieldSpec:
        if self.column is None and self.value is None:
            raise ValueError("give a column (or a list of header names) or a value")
        if self.split is not None:
            try:
                re.compile(self.split)
            except re.error as exc:
                raise ValueError(f"split '{self.split}' is not a valid regular expression: {exc}") from None
        if self.codes:
            known = code_list(self.codes)
            targets = ([("default", self.default)] + [(f"map['{k}']", v) for k, v in self.map.items()]
                       + [(f"patterns['{k}']", v) for k, v in self.patterns.items()])
            for where, code in targets:
                if code is not None and code not in known:
                    raise ValueError(f"{where} = '{code}' is not a code of {self.codes}; "
                                     f"codes are: {', '.join(known.codes)}")
        return self

    @property
    def columns(self) -> list[str]:
        return self.column or []


def _as_field(v: Any) -> Any:
    if isinstance(v, str | list):
        return {"column": v}
    return v


class PlaceSpec(_Strict):
    name: FieldSpec | None = None
    kind: FieldSpec | None = None
    postcode: FieldSpec | None = None
    lsoa: FieldSpec | None = None

    _fields = field_validator("name", "kind", "postcode", "lsoa", mode="before")(classmethod(lambda cls, v: _as_field(v)))


class EventSpec(_Strict):
    """One event a row describes (a row may describe several: a MACE referral and its plan)."""

    event_type: FieldSpec
    start_date: FieldSpec
    end_date: FieldSpec | None = None
    role: FieldSpec | None = None
    exploitation_types: FieldSpec | None = None
    factors: FieldSpec | None = None
    detail: FieldSpec | None = None
    incident_ref: FieldSpec | None = None
    place: PlaceSpec | None = None
    optional: bool = Field(default=False, description="skip (do not quarantine) when the start date is blank")

    _fields = field_validator("event_type", "start_date", "end_date", "role", "exploitation_types", "factors",
                              "detail", "incident_ref", mode="before")(classmethod(lambda cls, v: _as_field(v)))


class AssociationSpec(_Strict):
    """A second person on each row and the recorded link between the two (e.g. Nominal 1 and Nominal 2).

    The second person is mapped like ``identifiers`` (at least a record id) and
    reaches the identity step as a record of this source, so the link lands
    between two linked people. A row whose second record id is blank keeps its
    first person and gives no link.
    """

    with_: dict[IdentifierName, FieldSpec] = Field(alias="with", description="the second person's identifiers")
    kind: FieldSpec
    date: FieldSpec | None = None
    role: Literal["child", "adult"] | None = Field(
        default=None, description="the second person's role when the source says it (e.g. the child a "
                                  "disruption order protects); otherwise worked out from age at the date")

    @field_validator("with_", mode="before")
    @classmethod
    def _fields(cls, v: Any) -> Any:
        return {k: _as_field(x) for k, x in v.items()} if isinstance(v, dict) else v

    @field_validator("kind", "date", mode="before")
    @classmethod
    def _field(cls, v: Any) -> Any:
        return _as_field(v)

    @model_validator(mode="after")
    def _has_record_id(self) -> AssociationSpec:
        if "record_id" not in self.with_:
            raise ValueError("association.with.record_id is required: the column holding the second person's number")
        return self


class ExtractDate(_Strict):
    value: dt.date | None = None
    from_file_name: str | None = Field(default=None, description="regular expression whose first group is the date")
    format: str = "%Y%m%d"
    column: str | None = Field(default=None, description="the latest date in this column")

    @model_validator(mode="after")
    def _one_way(self) -> ExtractDate:
        ways = [w for w in (self.value, self.from_file_name, self.column) if w is not None]
        if len(ways) != 1:
            raise ValueError("give exactly one of value, from_file_name or column")
        if self.from_file_name is not None:
            try:
                re.compile(self.from_file_name)
            except re.error as exc:
                raise ValueError(f"from_file_name is not a valid regular expression: {exc}") from None
        return self


class RoleSpec(_Strict):
    default: Literal["child", "adult"] = "child"
    adult_from_age: int | None = Field(default=18, description="aged this or more at the event: an adult")


class SourceConfig(_Strict):
    source: str = Field(pattern=r"^[a-z][a-z0-9_]*$", description="stable name, lower case and underscores")
    agency: str
    system: str | None = None
    description: str
    owner: str | None = None
    file: str = Field(description="file name pattern in the inbox, e.g. NICHE_occurrences*.csv")
    format: Literal["auto", "csv", "xlsx", "ods"] = "auto"
    encoding: str = "auto"
    delimiter: str = "auto"
    sheet: str | int | None = None
    header_row: int | Literal["auto"] = "auto"
    date_formats: list[str] = Field(default_factory=lambda: ["%Y-%m-%d", "%d/%m/%Y"])
    extract_date: ExtractDate
    coverage: list[str] = Field(min_length=1, description="local authority codes the extract covers")
    legal_basis: str
    retention: str
    refresh: str | None = Field(default=None, description="how often a new extract arrives")
    role: RoleSpec = Field(default_factory=RoleSpec)
    identifiers: dict[IdentifierName, FieldSpec]
    record_id_scheme: str | None = Field(
        default=None, pattern=r"^[a-z][a-z0-9_]*$",
        description="name of the numbering the record id belongs to; sources that share a scheme (e.g. one "
                    "council's case-management Person ID) are the same person when their ids are equal")
    person: dict[PersonField, FieldSpec] = Field(default_factory=dict)
    events: list[EventSpec] = Field(default_factory=list)
    association: AssociationSpec | None = None

    @field_validator("identifiers", "person", mode="before")
    @classmethod
    def _fields(cls, v: Any) -> Any:
        return {k: _as_field(x) for k, x in v.items()} if isinstance(v, dict) else v

    @model_validator(mode="after")
    def _has_record_id(self) -> SourceConfig:
        if "record_id" not in self.identifiers:
            raise ValueError("identifiers.record_id is required: the column holding the agency's own person number")
        return self

    @property
    def tables(self) -> list[str]:
        out = ["person_record"]
        if self.events:
            out.append("event")
        if any(e.exploitation_types or e.factors for e in self.events):
            out.append("flag")
        if any(e.factors for e in self.events):
            out.append("ace")
        if any(e.place for e in self.events):
            out.append("place")
        if self.association:
            out.append("association")
        return out

    def all_fields(self) -> list[tuple[str, FieldSpec]]:
        """Every field with a dotted name, e.g. ``events[0].start_date``."""
        out: list[tuple[str, FieldSpec]] = []
        out += [(f"identifiers.{k}", v) for k, v in self.identifiers.items()]
        out += [(f"person.{k}", v) for k, v in self.person.items()]
        for i, e in enumerate(self.events):
            for name in ("event_type", "start_date", "end_date", "role", "exploitation_types", "factors", "detail",
                         "incident_ref"):
                spec = getattr(e, name)
                if spec is not None:
                    out.append((f"events[{i}].{name}", spec))
            if e.place:
                for name in ("name", "kind", "postcode", "lsoa"):
                    spec = getattr(e.place, name)
                    if spec is not None:
                        out.append((f"events[{i}].place.{name}", spec))
        if self.association:
            a = self.association
            out += [(f"association.with.{k}", v) for k, v in a.with_.items()]
            out.append(("association.kind", a.kind))
            if a.date is not None:
                out.append(("association.date", a.date))
        return out


def load_source(path: Path) -> SourceConfig:
    """Read and validate a source YAML; mistakes name the file and key."""
    return validate(path, read_yaml(path), SourceConfig)


def load_sources(folder: Path) -> list[SourceConfig]:
    configs = [load_source(p) for p in sorted(folder.glob("*.yaml"))]
    seen: dict[str, str] = {}
    for path, cfg in zip(sorted(folder.glob("*.yaml")), configs, strict=True):
        if cfg.source in seen:
            from ceintel.errors import ConfigError

            raise ConfigError(f"{path}: source '{cfg.source}' is also defined in {seen[cfg.source]}")
        seen[cfg.source] = path.name
    return configs
