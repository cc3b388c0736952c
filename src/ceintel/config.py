"""The partnership's configuration (``partnership.yaml``), validated.

A partnership edits this file by hand, so every mistake must come back as one
sentence naming the file, the key, the value found and what is allowed —
never a traceback. :func:`load_partnership` does that.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ceintel.errors import ConfigError

PeriodKind = Literal["month", "quarter", "financial_year", "rolling_12_months"]
RoleName = Literal["admin", "analyst", "agency_data_owner", "practitioner", "strategic_lead"]
Audience = Literal["public", "partnership"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Area(_Strict):
    code: str = Field(min_length=1, description="local authority code, e.g. E08000014 (or X... for synthetic areas)")
    name: str = Field(min_length=1)


class Periods(_Strict):
    start: dt.date = Field(description="first day the partnership reports on")
    end: dt.date | None = Field(default=None, description="last day (default: the newest extract)")
    kinds: list[PeriodKind] = Field(default_factory=lambda: ["month", "quarter", "financial_year", "rolling_12_months"])
    financial_year_start_month: int = Field(default=4, ge=1, le=12)

    @model_validator(mode="after")
    def _end_after_start(self) -> Periods:
        if self.end is not None and self.end < self.start:
            raise ValueError(f"end ({self.end}) is before start ({self.start})")
        return self


class AudienceRule(_Strict):
    threshold: int = Field(default=5, ge=0, le=100, description="counts from 1 to this are suppressed")
    round_to: int | None = Field(default=None, ge=1, description="round published counts to this base")


class Disclosure(_Strict):
    audiences: dict[Audience, AudienceRule] = Field(
        default_factory=lambda: {"public": AudienceRule(threshold=5), "partnership": AudienceRule(threshold=5)}
    )


class RoleRule(_Strict):
    record_level: Literal["none", "own_agency", "all"] = "none"
    audience: Audience = "partnership"
    can: list[Literal["narratives", "upload", "maturity", "actions", "admin", "export"]] = Field(default_factory=list)


def _default_roles() -> dict[RoleName, RoleRule]:
    return {
        "admin": RoleRule(record_level="none", can=["admin"]),
        "analyst": RoleRule(record_level="all", can=["narratives", "maturity", "actions", "export"]),
        "agency_data_owner": RoleRule(record_level="own_agency", can=["upload", "maturity", "actions"]),
        "practitioner": RoleRule(record_level="none", can=["narratives"]),
        "strategic_lead": RoleRule(record_level="none", can=["actions", "export"]),
    }


class Geography(_Strict):
    postcode_lookup: str = Field(default="geography/postcodes.csv", description="postcode → small area lookup (CSV)")
    areas: str = Field(default="geography/areas.csv", description="small area → ward → council → force lookup (CSV)")
    boundaries: str = Field(default="geography/lsoa.geojson", description="small area boundaries (GeoJSON)")
    ward_boundaries: str = Field(default="geography/wards.geojson")
    population: str = Field(default="geography/population.csv", description="children by small area, age and sex")


MATCH_PROBABILITY = 0.8
REVIEW_BAND = (0.3, 0.97)


class Identity(_Strict):
    """How sure the identity step must be (see docs/identity.md)."""

    match_probability: float = Field(default=MATCH_PROBABILITY, gt=0, lt=1,
                                     description="pairs scored at or above this are the same person")
    review_band: tuple[float, float] = Field(default=REVIEW_BAND,
                                             description="pairs scored in [low, high) are offered for review")

    @model_validator(mode="after")
    def _band_in_order(self) -> Identity:
        low, high = self.review_band
        if not 0 <= low < high <= 1:
            raise ValueError(f"review_band must be two probabilities, low before high; found {low}, {high}")
        return self


class Partnership(_Strict):
    name: str = Field(min_length=1)
    areas: list[Area] = Field(min_length=1, description="local authority areas the partnership covers")
    periods: Periods
    disclosure: Disclosure = Field(default_factory=Disclosure)
    roles: dict[RoleName, RoleRule] = Field(default_factory=_default_roles)
    geography: Geography = Field(default_factory=Geography)
    identity: Identity = Field(default_factory=Identity)

    @field_validator("areas")
    @classmethod
    def _unique_area_codes(cls, areas: list[Area]) -> list[Area]:
        codes = [a.code for a in areas]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"area codes must be unique; repeated: {', '.join(dupes)}")
        return areas

    @property
    def area_codes(self) -> tuple[str, ...]:
        return tuple(a.code for a in self.areas)


def _allowed_keys(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str] | None:
    """The keys allowed at the parent of ``loc`` (for an 'unknown key' message)."""
    current: Any = model
    for part in loc[:-1]:
        if isinstance(part, int):
            continue
        fields = getattr(current, "model_fields", None)
        if not fields or part not in fields:
            return None
        annotation = fields[part].annotation
        args = getattr(annotation, "__args__", ())
        candidates = [a for a in (annotation, *args) if isinstance(a, type) and issubclass(a, BaseModel)]
        if not candidates:
            return None
        current = candidates[0]
    fields = getattr(current, "model_fields", None)
    return sorted(fields) if fields else None


def describe_validation_error(path: Path | str, exc: ValidationError, model: type[BaseModel]) -> str:
    """One readable line per problem: file, dotted key, bad value, what is allowed."""
    lines = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        key = ".".join(str(p) for p in loc) or "(top level)"
        value = err.get("input")
        if err["type"] == "extra_forbidden":
            allowed = _allowed_keys(model, loc)
            hint = f"; allowed keys here: {', '.join(allowed)}" if allowed else ""
            lines.append(f"{path}: unknown key '{key}'{hint}")
        elif err["type"] == "missing":
            lines.append(f"{path}: '{key}' is required but missing")
        else:
            shown = repr(value) if not isinstance(value, dict | list) else type(value).__name__
            lines.append(f"{path}: '{key}' = {shown} is not allowed: {err['msg']}")
    return "\n".join(lines)


def read_yaml(path: Path) -> Any:
    """Parse a YAML file, turning every failure into a ConfigError that names the file."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}, column {mark.column + 1}" if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise ConfigError(f"{path}: not valid YAML{where}: {problem}") from None


def validate(path: Path, data: Any, model: type[BaseModel]) -> Any:
    """Validate parsed YAML against a model; errors name the file and key."""
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of keys to values, found {type(data).__name__}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(path, exc, model)) from None


def load_partnership(path: Path) -> Partnership:
    """Read and validate ``partnership.yaml``."""
    return validate(path, read_yaml(path), Partnership)


def partnership_yaml(partnership: Partnership) -> str:
    """The YAML text of a configuration, in a stable order, for writing to disk."""
    data = partnership.model_dump(mode="json")
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
