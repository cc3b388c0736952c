"""Finding blaming language in text: pure functions from text to findings.

The report, the narratives and the indicator registry call these so that the
words the system shows lead with care (DESIGN principle 2). A finding gives
the words as written, where they are, why they harm and what to say instead;
it never rewrites the text, because only the author can keep the concern
explicit while changing the words.

A line holding ``language-check: allow`` is not checked (for a verbatim quote
of a child's own words or an offence name); lines between
``language-check: off`` and ``language-check: on`` are not checked either
(for text that quotes the rules themselves, such as ``docs/language.md``).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ceintel.errors import ConfigError
from ceintel.language.rules import Rule, RuleSet, load_rules

ALLOW = "language-check: allow"
OFF = "language-check: off"
ON = "language-check: on"

_BOUNDARY = re.compile(r"[.!?;](?=\s|$)|\n[ \t]*\n|\||\n[ \t]*(?:[-*+]|\d+\.)[ \t]")
"""Where a sentence (the context a rule looks at) ends: full stop, blank line, table cell, list item."""


@dataclass(frozen=True)
class Finding:
    """One phrase to reconsider. ``start``/``end`` index the checked text; line and column count from 1."""

    line: int
    column: int
    phrase: str
    rule_id: str
    why: str
    suggestions: tuple[str, ...]
    start: int
    end: int
    where: str = ""

    def __str__(self) -> str:
        place = f"{self.where}:" if self.where else ""
        return f'{place}{self.line}:{self.column}: "{self.phrase}" ({self.rule_id}): {self.why}'


def _sentence(text: str, start: int, end: int, boundaries: list[int]) -> tuple[int, int]:
    """The span of the sentence around ``text[start:end]``."""
    left, right = 0, len(text)
    for b in boundaries:
        if b <= start:
            left = b
        elif b >= end:
            right = b
            break
    return left, right


def _excused(text: str, span: tuple[int, int], rule: Rule, sentence: tuple[int, int]) -> bool:
    """True when an ``unless`` phrase of the rule covers part of the match."""
    piece = text[sentence[0]:sentence[1]]
    for regex in rule.unless:
        for m in regex.finditer(piece):
            s, e = m.start() + sentence[0], m.end() + sentence[0]
            if s < span[1] and span[0] < e:
                return True
    return False


def _skipped_lines(text: str) -> set[int]:
    """Line numbers (from 1) excused by an allow marker or inside an off/on block."""
    skipped: set[int] = set()
    off = False
    for number, line in enumerate(text.split("\n"), start=1):
        lowered = line.lower()
        if OFF in lowered:
            off = True
        if off or ALLOW in lowered:
            skipped.add(number)
        if ON in lowered:
            off = False
    return skipped


def _spans(text: str, rule: Rule, boundaries: list[int]) -> list[tuple[int, int]]:
    found: list[tuple[int, int]] = []
    for pattern in rule.patterns:
        for m in pattern.regex.finditer(text):
            if m.end() == m.start():
                continue
            sentence = _sentence(text, m.start(), m.end(), boundaries)
            if pattern.near:
                piece = text[sentence[0]:sentence[1]]
                if not any(n.search(piece) for n in pattern.near):
                    continue
            if _excused(text, (m.start(), m.end()), rule, sentence):
                continue
            found.append((m.start(), m.end()))
    # one finding per stretch of text per rule: overlapping matches merge into the earliest, longest
    merged: list[tuple[int, int]] = []
    for s, e in sorted(found, key=lambda se: (se[0], -se[1])):
        if merged and s < merged[-1][1]:
            continue
        merged.append((s, e))
    return merged


def check_text(text: str, rules: RuleSet | None = None, where: str = "") -> list[Finding]:
    """Every phrase in ``text`` that a rule flags, in reading order."""
    rules = rules or load_rules()
    boundaries = [m.start() for m in _BOUNDARY.finditer(text)]
    skipped = _skipped_lines(text) if "language-check" in text.lower() else set()
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    findings = []
    for rule in rules:
        for start, end in _spans(text, rule, boundaries):
            line = _line_of(line_starts, start)
            if line in skipped:
                continue
            findings.append(Finding(line, start - line_starts[line - 1] + 1, text[start:end], rule.id,
                                    rule.why, rule.suggestions, start, end, where))
    return sorted(findings, key=lambda f: (f.start, f.rule_id))


def _line_of(line_starts: list[int], offset: int) -> int:
    lo, hi = 0, len(line_starts) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if line_starts[mid] <= offset:
            lo = mid
        else:
            hi = mid - 1
    return lo + 1


def check_lines(lines: Iterable[str], rules: RuleSet | None = None, where: str = "") -> list[Finding]:
    """``check_text`` over lines (with or without their line endings), numbered from 1."""
    return check_text("\n".join(line.rstrip("\r\n") for line in lines), rules, where)


def check_file(path: str | Path, rules: RuleSet | None = None) -> list[Finding]:
    """``check_text`` over a UTF-8 file; findings carry the path."""
    try:
        text = Path(path).read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read the file to check ({exc.strerror})") from None
    return check_text(text, rules, str(path))


def check_labels(items: Iterable[tuple[str, str]], rules: RuleSet | None = None) -> list[Finding]:
    """Check ``(where, text)`` pairs, e.g. ``("indicator children_cse: title", "Children ...")``.

    Each text is checked on its own (a label's context is the label), and each
    finding's ``where`` says which item it came from.
    """
    rules = rules or load_rules()
    findings: list[Finding] = []
    for where, text in items:
        findings.extend(check_text(text or "", rules, where))
    return findings
