"""The small pattern language of ``rules.yaml``, compiled to regular expressions.

Rules are written by practitioners and analysts, not regex authors, so a
pattern reads like the phrase it catches (see ``docs/language.md``)::

    put~ {self} [...] at [...] risk

- words match case-insensitively, whole words only;
- a space matches any run of white space (line breaks included) or a hyphen,
  so ``drug runner`` also catches ``drug-runner``; a hyphen inside a word
  (``drug-runner``) also allows no gap at all (``drugrunner``);
- ``word~`` matches the word's inflections (recruit, recruits, recruited,
  recruiting; put, puts, putting; choose, chose, chosen, choosing);
- ``(a|b c)`` is a choice, ``[a|b c]`` an optional choice;
- ``{name}`` is a word list from the rule file's ``vocabulary``;
- ``...`` stands for up to three other words;
- ``#`` inside a word is any digit (``2#`` matches 20 to 29);
- ``word-(a|b)`` joins the word to the choice as a hyphenated word
  (``non-(compliant|compliance)`` also catches ``noncompliant``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

SEP = r"(?:[\s\u00a0]+|[\s\u00a0]*[-\u2010\u2011\u2012\u2013][\s\u00a0]*)"
"""Between two words: white space or a hyphen (with or without spaces around it)."""
JOIN = r"(?:[\s\u00a0]*[-\u2010\u2011\u2012\u2013][\s\u00a0]*|[\s\u00a0]+)?"
"""Inside a hyphenated word: a hyphen, a space or nothing."""
WORD = r"[\w'\u2019]+"
GAP_WORDS = 3

IRREGULAR: dict[str, tuple[str, ...]] = {
    "be": ("be", "is", "are", "was", "were", "been", "being", "am"),
    "bring": ("bring", "brings", "brought", "bringing"),
    "buy": ("buy", "buys", "bought", "buying"),
    "choose": ("choose", "chooses", "chose", "chosen", "choosing"),
    "deal": ("deal", "deals", "dealt", "dealing"),
    "do": ("do", "does", "did", "done", "doing"),
    "get": ("get", "gets", "got", "gotten", "getting"),
    "give": ("give", "gives", "gave", "given", "giving"),
    "go": ("go", "goes", "went", "gone", "going"),
    "hang": ("hang", "hangs", "hung", "hanged", "hanging"),
    "have": ("have", "has", "had", "having"),
    "keep": ("keep", "keeps", "kept", "keeping"),
    "know": ("know", "knows", "knew", "known", "knowing"),
    "lead": ("lead", "leads", "led", "leading"),
    "make": ("make", "makes", "made", "making"),
    "meet": ("meet", "meets", "met", "meeting"),
    "put": ("put", "puts", "putting"),
    "run": ("run", "runs", "ran", "running"),
    "seek": ("seek", "seeks", "sought", "seeking"),
    "sell": ("sell", "sells", "sold", "selling"),
    "send": ("send", "sends", "sent", "sending"),
    "sleep": ("sleep", "sleeps", "slept", "sleeping"),
    "take": ("take", "takes", "took", "taken", "taking"),
}
"""Verbs whose forms the regular rules below would get wrong."""

_VOWELS = set("aeiou")


class PatternError(ValueError):
    """A pattern that cannot be read; the message says where in the pattern."""


def inflections(base: str) -> tuple[str, ...]:
    """The forms of a verb (or noun) a ``word~`` pattern should match, base form first.

    Regular English rules, generous rather than exact: a doubtful form such as
    ``targetted`` is harmless, a missing one lets a phrase through.
    """
    word = base.lower()
    if word in IRREGULAR:
        return IRREGULAR[word]
    forms = [word]
    if re.search(r"(s|x|z|ch|sh)$", word):
        forms.append(word + "es")
    elif re.search(r"[^aeiou]y$", word):
        forms.append(word[:-1] + "ies")
    else:
        forms.append(word + "s")
    if word.endswith("e"):
        forms.append(word + "d")
        forms.append(word + "ing" if word.endswith(("ee", "ye", "oe")) else word[:-1] + "ing")
    elif re.search(r"[^aeiou]y$", word):
        forms += [word[:-1] + "ied", word + "ing"]
    else:
        forms += [word + "ed", word + "ing"]
        # one vowel before a final consonant: plug -> plugged, commit -> committed
        if (len(word) >= 3 and word[-1] not in _VOWELS | {"w", "x", "y"}
                and word[-2] in _VOWELS and word[-3] not in _VOWELS):
            forms += [word + word[-1] + "ed", word + word[-1] + "ing"]
    return tuple(dict.fromkeys(forms))


@dataclass(frozen=True)
class _Part:
    regex: str
    kind: str = "word"  # word | optional | gap | prefix (joined to the next element without a gap)


class _Parser:
    """Recursive descent over one pattern: sequence := element (' ' element)*; element := word | (..) | [..] | {..} | ..."""

    def __init__(self, text: str, vocabulary: Mapping[str, str], in_vocabulary: bool = False):
        self.text = text
        self.pos = 0
        self.vocabulary = vocabulary
        self.in_vocabulary = in_vocabulary

    def fail(self, message: str) -> PatternError:
        return PatternError(f"{message} at character {self.pos + 1} of {self.text!r}")

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else ""

    def skip_space(self) -> None:
        while self.peek() and self.peek().isspace():
            self.pos += 1

    def alternatives(self, closing: str) -> str:
        options = [self.sequence(closing)]
        while self.peek() == "|":
            self.pos += 1
            options.append(self.sequence(closing))
        return "(?:" + "|".join(options) + ")"

    def sequence(self, closing: str = "") -> str:
        parts: list[_Part] = []
        while True:
            self.skip_space()
            ch = self.peek()
            if not ch or ch == "|" or (closing and ch == closing):
                break
            if ch in ")]}":
                raise self.fail(f"unexpected {ch!r}")
            parts.append(self.element())
        if not parts:
            raise self.fail("empty phrase")
        return _join(parts)

    def element(self) -> _Part:
        ch = self.peek()
        if ch in "([":
            closing = ")" if ch == "(" else "]"
            self.pos += 1
            inner = self.alternatives(closing)
            if self.peek() != closing:
                raise self.fail(f"missing {closing!r}")
            self.pos += 1
            return _Part(inner, "optional" if ch == "[" else "word")
        if ch == "{":
            end = self.text.find("}", self.pos)
            if end < 0:
                raise self.fail("missing '}'")
            name = self.text[self.pos + 1:end].strip()
            self.pos = end + 1
            if self.in_vocabulary:
                raise self.fail(f"a vocabulary entry cannot use another list ({{{name}}})")
            if name not in self.vocabulary:
                known = ", ".join(sorted(self.vocabulary)) or "none"
                raise self.fail(f"unknown word list {{{name}}} (known: {known})")
            return _Part(self.vocabulary[name])
        if self.text.startswith("...", self.pos):
            self.pos += 3
            return _Part("", "gap")
        start = self.pos
        while self.peek() and not self.peek().isspace() and self.peek() not in "()[]{}|":
            self.pos += 1
        token = self.text[start:self.pos]
        if token.endswith("-") and self.peek() == "(":
            # "non-(compliant|engaging)": the prefix joins the choice like a hyphenated word
            return _Part(_word(token.rstrip("-")) + JOIN, "prefix")
        return _Part(_word(token))


def _word(token: str) -> str:
    """One written word: ``~`` for inflections, ``-`` for hyphen/space/nothing, ``#`` for a digit."""
    inflect = token.endswith("~")
    token = token.rstrip("~")
    if not token:
        raise PatternError("'~' must follow a word")

    def literal(piece: str) -> str:
        out = []
        for ch in piece:
            if ch == "#":
                out.append(r"\d")
            elif ch in "'\u2019":
                out.append("['\u2019]")
            else:
                out.append(re.escape(ch))
        return "".join(out)

    pieces = [p for p in token.split("-") if p]
    if not pieces:
        raise PatternError(f"{token!r} is not a word")
    if inflect:
        head, last = pieces[:-1], pieces[-1]
        forms = "(?:" + "|".join(literal(f) for f in inflections(last)) + ")"
        return JOIN.join([literal(p) for p in head] + [forms])
    return JOIN.join(literal(p) for p in pieces)


def _join(parts: list[_Part]) -> str:
    """Glue elements with separators so that optional words and gaps never leave a double gap."""
    out = ""
    need_sep = False
    for part in parts:
        if part.kind == "gap":
            out += f"(?:{SEP}{WORD}){{0,{GAP_WORDS}}}" if need_sep else f"(?:{WORD}{SEP}){{0,{GAP_WORDS}}}"
        elif part.kind == "optional":
            out += f"(?:{SEP}{part.regex})?" if need_sep else f"(?:{part.regex}{SEP})?"
        elif part.kind == "prefix":
            out += (SEP if need_sep else "") + part.regex
            need_sep = False
        else:
            out += (SEP if need_sep else "") + part.regex
            need_sep = True
    if not need_sep:
        raise PatternError("a phrase needs at least one word that is not optional")
    return out


def compile_vocabulary(lists: Mapping[str, list[str]]) -> dict[str, str]:
    """Each named word list as one regex alternative (entries are patterns without ``{lists}``)."""
    compiled: dict[str, str] = {}
    for name, entries in lists.items():
        options = [_Parser(entry, {}, in_vocabulary=True).alternatives("") for entry in entries]
        # longest first, so "child sexual exploitation" wins over "child"
        compiled[name] = "(?:" + "|".join(sorted(options, key=len, reverse=True)) + ")"
    return compiled


def to_regex(pattern: str, vocabulary: Mapping[str, str] | None = None) -> str:
    """The regex source for one pattern, bounded so that it matches whole words only."""
    parser = _Parser(pattern, vocabulary or {})
    body = parser.alternatives("")
    if parser.pos != len(pattern):
        raise parser.fail(f"unexpected {parser.peek()!r}")
    return rf"(?<![\w'\u2019]){body}(?![\w\u2019]|'\w)"


def compile_pattern(pattern: str, vocabulary: Mapping[str, str] | None = None) -> re.Pattern[str]:
    """``to_regex`` compiled case-insensitively."""
    return re.compile(to_regex(pattern, vocabulary), re.IGNORECASE)
