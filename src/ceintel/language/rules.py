"""Reading ``rules.yaml``: validated rules with their patterns compiled once.

The rule file is data that practitioners may edit, so every problem is
reported as a :class:`~ceintel.errors.ConfigError` naming the file, the rule
and the field (``rules.yaml: rules[3] (recruited).patterns[0]: ...``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ceintel.errors import ConfigError
from ceintel.language.patterns import PatternError, compile_pattern, compile_vocabulary

_ID = re.compile(r"^[a-z][a-z0-9_]*$")


class ContextPattern(BaseModel):
    """A pattern that counts only when one of ``near`` is in the same sentence."""

    model_config = ConfigDict(extra="forbid")

    match: str = Field(min_length=1)
    near: list[str] = Field(min_length=1)


class RuleSpec(BaseModel):
    """One rule as written in the YAML file."""

    model_config = ConfigDict(extra="forbid")

    id: str
    title: str = Field(min_length=3)
    patterns: list[str | ContextPattern] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    why: str = Field(min_length=10)
    suggestions: list[str] = Field(min_length=1)
    source: str = Field(min_length=10)

    @field_validator("id")
    @classmethod
    def _id_form(cls, v: str) -> str:
        if not _ID.match(v):
            raise ValueError("must be lower case letters, digits and underscores, starting with a letter")
        return v


class RuleFileSpec(BaseModel):
    """The whole file: a version, shared word lists, the rules."""

    model_config = ConfigDict(extra="forbid")

    version: str
    sources: list[str] = Field(default_factory=list)
    vocabulary: dict[str, list[str]] = Field(default_factory=dict)
    rules: list[RuleSpec] = Field(min_length=1)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, v: object) -> object:
        return str(v) if isinstance(v, int | float) else v


@dataclass(frozen=True)
class Pattern:
    """A compiled pattern; ``near`` is empty when the pattern counts anywhere."""

    text: str
    regex: re.Pattern[str]
    near: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class Rule:
    """A rule ready to match: the advice it gives and its compiled patterns."""

    id: str
    title: str
    why: str
    suggestions: tuple[str, ...]
    source: str
    patterns: tuple[Pattern, ...]
    unless: tuple[re.Pattern[str], ...] = ()


@dataclass(frozen=True)
class RuleSet:
    version: str
    rules: tuple[Rule, ...]
    path: str

    def __iter__(self):
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)

    def get(self, rule_id: str) -> Rule:
        for rule in self.rules:
            if rule.id == rule_id:
                return rule
        raise KeyError(rule_id)


def builtin_rules_path() -> Path:
    return Path(str(resources.files("ceintel.language") / "rules.yaml"))


def _problems(exc: ValidationError) -> str:
    return "; ".join(f"{_where(e['loc'])}: {e['msg']}" for e in exc.errors())


def _where(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("str", "ContextPattern"):  # pydantic's union branch names
            continue
        else:
            out += f".{part}" if out else str(part)
    return out or "file"


def parse_rules(text: str, path: str = "<text>") -> RuleSet:
    """Validate and compile a rule file's text; errors name ``path``, the rule and the field."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a rule file is a mapping with version, vocabulary and rules")
    try:
        spec = RuleFileSpec(**raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {_problems(exc)}") from None
    try:
        vocabulary = compile_vocabulary(spec.vocabulary)
    except PatternError as exc:
        raise ConfigError(f"{path}: vocabulary: {exc}") from None

    seen: set[str] = set()
    rules = []
    for i, r in enumerate(spec.rules):
        where = f"{path}: rules[{i}] ({r.id})"
        if r.id in seen:
            raise ConfigError(f"{where}.id: another rule already has this id")
        seen.add(r.id)

        def build(pattern: str, field: str, where: str = where) -> re.Pattern[str]:
            try:
                return compile_pattern(pattern, vocabulary)
            except (PatternError, re.error) as exc:
                raise ConfigError(f"{where}.{field}: {exc}") from None

        patterns = []
        for j, p in enumerate(r.patterns):
            if isinstance(p, str):
                patterns.append(Pattern(p, build(p, f"patterns[{j}]")))
            else:
                near = tuple(build(n, f"patterns[{j}].near[{k}]") for k, n in enumerate(p.near))
                patterns.append(Pattern(p.match, build(p.match, f"patterns[{j}].match"), near))
        unless = tuple(build(u, f"unless[{k}]") for k, u in enumerate(r.unless))
        rules.append(Rule(r.id, r.title, " ".join(r.why.split()), tuple(r.suggestions), r.source,
                          tuple(patterns), unless))
    return RuleSet(spec.version, tuple(rules), path)


@cache
def _load(path: str) -> RuleSet:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the language rules ({exc.strerror})") from None
    return parse_rules(text, path)


def load_rules(path: str | Path | None = None) -> RuleSet:
    """The rules in ``path`` (default: the built-in ``rules.yaml``), read and compiled once per path."""
    return _load(str(path) if path is not None else str(builtin_rules_path()))
