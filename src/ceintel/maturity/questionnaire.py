"""The questionnaire as data: domains, items, five levels each, and the measures that evidence them.

The questions live in ``questionnaire.yaml`` (versioned) so a partnership can
read, discuss and change them without touching code; this module only checks
the file's shape and the consistency a score depends on (five levels per
item, unique ids, known measures, bands that rise with the level). Errors
name the file and the field.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from ceintel.config import describe_validation_error
from ceintel.errors import ConfigError

LEVELS = (1, 2, 3, 4, 5)
BUILTIN = "questionnaire.yaml"


class Level(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    level: int = Field(ge=1, le=5)
    name: str = Field(min_length=3)
    summary: str = Field(min_length=5)


class Evidence(BaseModel):
    """A measured fact put beside an item, and the level each measured value suggests."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    measure: str
    direction: Literal["higher_is_better", "lower_is_better"] = "higher_is_better"
    bands: dict[int, float] = Field(min_length=1, description="level → the value that suggests it (at least, "
                                                             "or at most when lower is better)")

    @field_validator("measure")
    @classmethod
    def _known(cls, v: str) -> str:
        from ceintel.maturity.measures import MEASURES

        if v not in MEASURES:
            raise ValueError(f"unknown measure {v!r}; measures: {', '.join(sorted(MEASURES))}")
        return v

    @field_validator("bands")
    @classmethod
    def _monotonic(cls, bands: dict[int, float], info: ValidationInfo) -> dict[int, float]:
        levels = sorted(bands)
        if any(lv not in LEVELS for lv in levels):
            raise ValueError(f"bands are keyed by level 1-5, not {levels}")
        direction = info.data.get("direction", "higher_is_better")
        values = [bands[lv] for lv in levels]
        rising = direction == "higher_is_better"
        ordered = all((a <= b) if rising else (a >= b) for a, b in zip(values, values[1:], strict=False))
        if not ordered:
            word = "rise" if rising else "fall"
            raise ValueError(f"values must {word} with the level ({direction}): {bands}")
        return bands

    def level_for(self, value: float | None) -> int | None:
        """The level a measured value suggests (1 when it reaches no band), or None if nothing was measured."""
        if value is None:
            return None
        met = [lv for lv, t in self.bands.items()
               if (value >= t if self.direction == "higher_is_better" else value <= t)]
        return max(met, default=1)


class Item(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    question: str = Field(min_length=10)
    levels: dict[int, str]
    suggestion: str = Field(min_length=10, description="an action that would move a low answer up")
    indicator: str | None = Field(default=None, description="the indicator that shows this item's effect, if any")
    evidence: tuple[Evidence, ...] = ()

    @field_validator("levels")
    @classmethod
    def _five(cls, v: dict[int, str]) -> dict[int, str]:
        if sorted(v) != list(LEVELS):
            raise ValueError(f"every item describes levels 1 to 5; found {sorted(v)}")
        for lv, text in v.items():
            if not str(text).strip():
                raise ValueError(f"level {lv} has no descriptor")
        return v


class Domain(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    title: str
    short: str | None = Field(default=None, max_length=30, description="a short title for charts")
    description: str
    items: tuple[Item, ...] = Field(min_length=1)

    @property
    def label(self) -> str:
        return self.short or self.title


class Questionnaire(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    version: str
    title: str
    levels: tuple[Level, ...]
    domains: tuple[Domain, ...] = Field(min_length=1)
    path: str = ""

    @field_validator("levels")
    @classmethod
    def _scheme(cls, v: tuple[Level, ...]) -> tuple[Level, ...]:
        if tuple(lv.level for lv in v) != LEVELS:
            raise ValueError("the level scheme lists levels 1 to 5 in order")
        return v

    @model_validator(mode="after")
    def _unique(self) -> Questionnaire:
        seen: set[str] = set()
        for d in self.domains:
            for i in d.items:
                if i.id in seen:
                    raise ValueError(f"item id {i.id!r} appears twice")
                seen.add(i.id)
        if len({d.id for d in self.domains}) != len(self.domains):
            raise ValueError("domain ids must be unique")
        return self

    # ------------------------------------------------------------ look-ups
    @property
    def items(self) -> tuple[Item, ...]:
        return tuple(i for d in self.domains for i in d.items)

    def item(self, item_id: str) -> Item:
        for i in self.items:
            if i.id == item_id:
                return i
        raise ConfigError(f"no questionnaire item {item_id!r} in {self.id} version {self.version}; "
                          f"run `ceintel maturity questionnaire` to list them")

    def domain_of(self, item_id: str) -> Domain:
        for d in self.domains:
            if any(i.id == item_id for i in d.items):
                return d
        raise ConfigError(f"no questionnaire item {item_id!r}")

    def level_name(self, level: int) -> str:
        return self.levels[level - 1].name


def parse_questionnaire(text: str, path: str = "<text>") -> Questionnaire:
    """Read a questionnaire from YAML text; errors name the file and the field."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: a questionnaire is a YAML mapping with id, version, levels and domains")
    try:
        return Questionnaire(**data, path=str(path))
    except ValidationError as exc:
        raise ConfigError(describe_validation_error(path, exc, Questionnaire)) from None
    except TypeError as exc:
        raise ConfigError(f"{path}: {exc}") from None


@cache
def builtin_questionnaire() -> Questionnaire:
    text = (resources.files("ceintel.maturity") / BUILTIN).read_text(encoding="utf-8")
    return parse_questionnaire(text, f"maturity/{BUILTIN}")


def load_questionnaire(path: Path | None = None) -> Questionnaire:
    """The built-in questionnaire, or a partnership's own version of it."""
    if path is None:
        return builtin_questionnaire()
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the questionnaire: {exc.strerror}") from None
    return parse_questionnaire(text, str(path))
