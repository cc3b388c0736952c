"""Controlled vocabularies, kept as YAML beside this module.

Each code list is one YAML file: a name, a title, where the list comes from,
and entries with a code, a label written in non-blaming language, the source
of its definition, optional aliases (other spellings agencies use) and
optional attributes (for example the ONS 2021 group an ethnicity code maps
to). Code lists are data, so adding a code is editing a file, not code.

    >>> from ceintel.codes import code_list
    >>> code_list("exploitation_type").label("CCE")
    'Child criminal exploitation'
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from ceintel.errors import ConfigError

_SPACE = re.compile(r"[\s_\-./]+")


def normalise_code_text(value: object) -> str:
    """The form used to compare a raw value with codes and aliases: case, spaces and punctuation folded."""
    return _SPACE.sub(" ", str(value)).strip().casefold()


class Code(BaseModel):
    """One entry of a code list."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: str
    label: str
    source: str
    description: str | None = None
    aliases: tuple[str, ...] = ()
    attributes: dict[str, Any] = Field(default_factory=dict)


class CodeList(BaseModel):
    """A named, sourced list of codes with lookups by code, label or alias."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str
    title: str
    description: str
    source: str
    version: str
    entries: tuple[Code, ...]

    _code_index: dict[str, Code] = PrivateAttr(default_factory=dict)
    _text_index: dict[str, str] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _codes_and_aliases_are_unique(self) -> CodeList:
        seen: dict[str, str] = {}
        for entry in self.entries:
            for text in (entry.code, entry.label, *entry.aliases):
                key = normalise_code_text(text)
                if key in seen and seen[key] != entry.code:
                    raise ValueError(
                        f"'{text}' names both {seen[key]} and {entry.code}; each code, label "
                        "and alias must point to one code"
                    )
                seen[key] = entry.code
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.entries)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code()

    def __getitem__(self, code: str) -> Code:
        try:
            return self._by_code()[code]
        except KeyError:
            raise KeyError(f"{code!r} is not a code of {self.name}; known: {', '.join(self.codes)}") from None

    def label(self, code: str) -> str:
        return self[code].label

    def lookup(self, value: object) -> str | None:
        """The code that a raw value (code, label or alias, any case) stands for, or None."""
        if value is None:
            return None
        return self._by_text().get(normalise_code_text(value))

    def attribute(self, code: str, name: str, default: Any = None) -> Any:
        return self[code].attributes.get(name, default)

    def _by_code(self) -> dict[str, Code]:
        return self._code_index

    def _by_text(self) -> dict[str, str]:
        return self._text_index

    def model_post_init(self, __context: Any) -> None:
        self._code_index = {e.code: e for e in self.entries}
        self._text_index = {
            normalise_code_text(text): e.code
            for e in self.entries
            for text in (e.code, e.label, *e.aliases)
        }


def available() -> tuple[str, ...]:
    """Names of every code list shipped with ceintel."""
    files = resources.files(__name__).iterdir()
    return tuple(sorted(f.name[: -len(".yaml")] for f in files if f.name.endswith(".yaml")))


@cache
def code_list(name: str) -> CodeList:
    """Load a shipped code list by name (the YAML file's stem)."""
    if name not in available():
        raise ConfigError(f"there is no code list '{name}'; available: {', '.join(available())}")
    path = resources.files(__name__) / f"{name}.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    try:
        parsed = CodeList.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(f"code list {name}.yaml is not valid: {exc}") from None
    if parsed.name != name:
        raise ConfigError(f"code list {name}.yaml says its name is '{parsed.name}'; they must match")
    return parsed
