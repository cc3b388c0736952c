"""The indicator registry: one indicator per ``.sql`` file, its metadata in a YAML header.

Adding an indicator is adding a file to ``framework/indicators/`` (or to a
workspace's own ``indicators/`` folder). The header says what question the
number answers and what it cannot tell us, so that every figure the system
shows carries its own caveats (DESIGN principle 3). The SQL below the header
selects *units* — one row per thing to count — and the engine
(:mod:`ceintel.framework.compute`) does the counting across periods, areas and
breakdowns, so an indicator never repeats that logic.

A file looks like this (see ``docs/indicators.md`` for the full contract)::

    /*
    id: children_cce
    title: Children identified as at risk of or experiencing criminal exploitation
    theme: patterns_of_harm
    question: How many children did any agency record a concern of criminal exploitation for?
    cannot_tell: Children no agency has recognised; ...
    unit: count
    counts: children
    numerator: children with a CCE concern open at any time in the period
    needs: [flag]
    breakdowns: [age_band, sex, ethnicity_group, looked_after, sen, disability]
    */
    SELECT person_id, start_date AS date, end_date FROM flag WHERE exploitation_type = 'cce'
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ceintel.errors import ConfigError
from ceintel.model import TABLES

Theme = Literal[
    "missing_from_data",
    "vulnerability_and_context",
    "patterns_of_harm",
    "perpetrators_and_disruption",
    "patterns_of_help",
    "outcomes",
    "data_quality",
]
THEMES: dict[str, str] = {
    "missing_from_data": "Children missing from the data",
    "vulnerability_and_context": "Vulnerability and context",
    "patterns_of_harm": "Patterns of harm: victims, types, places and times",
    "perpetrators_and_disruption": "Perpetrators and disruption",
    "patterns_of_help": "Patterns of help: response and journeys",
    "outcomes": "Outcomes",
    "data_quality": "Data quality: what the data cannot tell us",
}
"""The themes, in the order a profile reads them (after the Tackling Child
Exploitation data series and the VOLT structure of problem profiles)."""

Unit = Literal["count", "rate_per_10000", "percentage", "median_days"]
Counts = Literal["children", "events", "first_time"]
Breakdown = Literal["age_band", "sex", "ethnicity_group", "looked_after", "sen", "disability", "source"]
Geography = Literal["partnership", "council", "ward", "small_area"]
DisclosureClass = Literal["children", "events", "none"]

GEOGRAPHIES: tuple[str, ...] = ("partnership", "council", "ward", "small_area")
PERSON_BREAKDOWNS: tuple[str, ...] = ("age_band", "sex", "ethnicity_group", "looked_after", "sen", "disability")

_HEADER = re.compile(r"\A\s*/\*(?P<yaml>.*?)\*/(?P<sql>.*)\Z", re.S)
_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class Indicator(BaseModel):
    """One indicator: what it answers, how it is counted, and its SQL."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(description="stable name, lower case with underscores; also the file name")
    title: str = Field(min_length=5, description="what the number is, in plain, non-blaming words")
    theme: Theme
    question: str = Field(min_length=10, description="the question the number answers")
    cannot_tell: str = Field(min_length=10, description="what the number cannot tell us")
    unit: Unit
    counts: Counts = Field(description="children: each child once per period; events: every row; "
                                       "first_time: each child once, in the period of their first row")
    numerator: str = Field(min_length=3)
    denominator: str | None = Field(default=None, description="required for rates and percentages")
    needs: tuple[str, ...] = Field(min_length=1, description="warehouse tables (or table:event_type) the SQL reads")
    breakdowns: tuple[Breakdown, ...] = ()
    geographies: tuple[Geography, ...] = GEOGRAPHIES
    area: Literal["home", "event"] = Field(default="home", description="count by where the child lives, or by "
                                                                       "the lsoa column the SQL returns")
    disclosure: DisclosureClass = Field(default="children", description="children or events: small counts are "
                                        "hidden; none: the count is not about people (e.g. sources)")
    order: int = Field(default=100, description="position within its theme")
    sql: str
    path: str = ""

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("must be lower case letters, digits and underscores, starting with a letter")
        return v

    @field_validator("needs")
    @classmethod
    def _known_tables(cls, needs: tuple[str, ...]) -> tuple[str, ...]:
        for need in needs:
            table = need.split(":", 1)[0]
            if table not in TABLES:
                raise ValueError(f"{need!r}: no warehouse table {table!r} (tables: {', '.join(TABLES)})")
        return needs

    @model_validator(mode="after")
    def _consistent(self) -> Indicator:
        if self.unit in ("rate_per_10000", "percentage") and not self.denominator:
            raise ValueError(f"unit {self.unit} needs a denominator: say what the number is divided by")
        if self.unit == "median_days" and self.counts != "events":
            raise ValueError("unit median_days summarises rows: set counts: events")
        if "source" in self.breakdowns and self.counts != "events":
            raise ValueError("the source breakdown adds up only when rows are counted: set counts: events")
        if self.geographies != GEOGRAPHIES[: len(self.geographies)]:
            raise ValueError(f"geographies must run from the top down without gaps: one of "
                             f"{[list(GEOGRAPHIES[:n]) for n in range(1, 5)]}")
        if self.area == "event" and self.counts != "events":
            raise ValueError("area: event places each row where it happened, so a child could sit in two "
                             "areas: set counts: events")
        if self.unit == "rate_per_10000" and set(self.breakdowns) - {"age_band", "sex"}:
            raise ValueError("population estimates give children by age and sex only: a rate's breakdowns "
                             "can be age_band and sex")
        if self.unit == "rate_per_10000" and self.area == "event":
            raise ValueError("rates per 10,000 children use where children live: set area: home")
        return self

    @property
    def time_additive(self) -> bool:
        """True when a period's count is exactly the sum of its months (so months, quarters and
        years constrain each other and disclosure control must treat them together)."""
        return self.counts in ("events", "first_time") and self.unit in ("count", "rate_per_10000", "percentage")

    @property
    def theme_title(self) -> str:
        return THEMES[self.theme]


def split_header(text: str, path: str = "<text>", kind: str = "an indicator file") -> tuple[dict, str]:
    """The YAML header (with ``id`` defaulting to the file name) and the SQL of a ``/* header */ SELECT`` file.

    Shared by indicators and framework views (:mod:`ceintel.framework.views`); errors name the file.
    """
    m = _HEADER.match(text)
    if not m:
        raise ConfigError(f"{path}: {kind} starts with a /* ... */ YAML header, then the SQL")
    try:
        header = yaml.safe_load(m["yaml"]) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: the header is not valid YAML: {exc}") from None
    if not isinstance(header, dict):
        raise ConfigError(f"{path}: the header must be a YAML mapping of field: value")
    sql = m["sql"].strip().rstrip(";").strip()
    if not sql:
        raise ConfigError(f"{path}: no SQL below the header")
    stem = Path(path).stem
    if path != "<text>" and header.get("id") not in (None, stem):
        raise ConfigError(f"{path}: id {header.get('id')!r} differs from the file name {stem!r}")
    header.setdefault("id", stem)
    return header, sql


def validation_problems(exc: ValidationError) -> str:
    """A pydantic error as ``field: message; ...``, for a ConfigError that names the header field."""
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'header'}: {e['msg']}" for e in exc.errors())


def parse_indicator(text: str, path: str = "<text>") -> Indicator:
    """Read one indicator file; errors name the file and the header field."""
    header, sql = split_header(text, path)
    try:
        return Indicator(**header, sql=sql, path=str(path))
    except ValidationError as exc:
        raise ConfigError(f"{path}: {validation_problems(exc)}") from None


def _builtin_files() -> list[tuple[str, str]]:
    folder = resources.files("ceintel.framework") / "indicators"
    return sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql"))


@cache
def builtin_indicators() -> tuple[Indicator, ...]:
    return tuple(parse_indicator(text, f"framework/indicators/{name}") for name, text in _builtin_files())


@dataclass(frozen=True)
class Registry:
    indicators: tuple[Indicator, ...]

    def __iter__(self):
        return iter(self.indicators)

    def __len__(self) -> int:
        return len(self.indicators)

    def get(self, indicator_id: str) -> Indicator:
        for ind in self.indicators:
            if ind.id == indicator_id:
                return ind
        raise ConfigError(f"no indicator {indicator_id!r}; run `ceintel indicators` to list them")


def load_registry(extra_folder: Path | None = None) -> Registry:
    """The built-in indicators plus any in a workspace's own folder (which may replace one by id)."""
    by_id = {ind.id: ind for ind in builtin_indicators()}
    if extra_folder is not None and extra_folder.is_dir():
        for path in sorted(extra_folder.glob("*.sql")):
            ind = parse_indicator(path.read_text(encoding="utf-8"), str(path))
            by_id[ind.id] = ind
    ordered = sorted(by_id.values(), key=lambda i: (list(THEMES).index(i.theme), i.order, i.id))
    return Registry(tuple(ordered))
