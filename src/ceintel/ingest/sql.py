"""Small SQL builders shared by the ingest engine (one place for quoting and folding rules)."""

from __future__ import annotations

import re

from ceintel.codes import CodeList, code_list, normalise_code_text

DROP = "\x01drop"  # a value mapped to null on purpose
UNKNOWN = "\x01unknown"  # a value no mapping knows


def lit(value: object) -> str:
    """A SQL string literal."""
    if value is None:
        return "NULL"
    return "'" + str(value).replace("'", "''") + "'"


def fold_sql(expr: str) -> str:
    """SQL twin of :func:`ceintel.codes.normalise_code_text`."""
    return f"trim(regexp_replace(lower({expr}), '[\\s_\\-./]+', ' ', 'g'))"


def code_case(expr: str, codes: str | None, mapping: dict[str, str | None], *, in_lambda: bool = False,
              patterns: dict[str, str | None] | None = None) -> str:
    """SQL mapping a raw value to a code: the source's own map first, then the code list's codes and aliases,
    then the source's name patterns (``* Park`` → park) in the order given.

    A MAP lookup folds the value once and finds it by hash; inside a lambda (a
    list of values in one cell) DuckDB rebuilds the MAP for every element, so
    there a CASE is faster.
    """
    pairs: dict[str, str] = {}
    if codes:
        cl: CodeList = code_list(codes)
        for entry in cl.entries:
            for text in (entry.code, entry.label, *entry.aliases):
                pairs.setdefault(normalise_code_text(text), entry.code)
    for raw, code in mapping.items():
        if code is not None and codes and code not in code_list(codes):
            raise ValueError(f"map value '{code}' is not a code of {codes}")
        pairs[normalise_code_text(raw)] = code if code is not None else DROP
    if not pairs and not patterns:
        return expr
    unknown = _pattern_case(expr, codes, patterns or {})
    if in_lambda:
        whens = " ".join(f"WHEN {lit(k)} THEN {lit(v)}" for k, v in pairs.items())
        return f"(CASE {fold_sql(expr)} {whens} ELSE {unknown} END)"
    entries = ", ".join(f"{lit(k)}: {lit(v)}" for k, v in pairs.items())
    found = f"(MAP {{{entries}}})[{fold_sql(expr)}]" if pairs else "NULL"
    return (f"(CASE WHEN {expr} IS NULL THEN NULL "
            f"ELSE coalesce({found}, {unknown}) END)")


def _pattern_case(expr: str, codes: str | None, patterns: dict[str, str | None]) -> str:
    """SQL for the name patterns, falling back to UNKNOWN; patterns are folded like values, ``*`` is any text."""
    if not patterns:
        return lit(UNKNOWN)
    whens = []
    for pattern, code in patterns.items():
        if code is not None and codes and code not in code_list(codes):
            raise ValueError(f"pattern value '{code}' is not a code of {codes}")
        folded = normalise_code_text(pattern)
        regex = ".*".join(re.escape(part) for part in folded.split("*"))
        whens.append(f"WHEN regexp_full_match({fold_sql(expr)}, {lit(regex)}) THEN {lit(code if code else DROP)}")
    return f"(CASE {' '.join(whens)} ELSE {lit(UNKNOWN)} END)"


def nhs_valid_sql(digits: str) -> str:
    """SQL: an NHS number (digits only) passes the modulus 11 check. Casts run only on ten-digit values."""
    terms = " + ".join(f"substr({digits}, {i}, 1)::INT * {11 - i}" for i in range(1, 10))
    check = f"(11 - ({terms}) % 11)"
    return (f"(CASE WHEN regexp_full_match({digits}, '[0-9]{{10}}') THEN "
            f"{check} <> 10 AND (CASE WHEN {check} = 11 THEN 0 ELSE {check} END) = substr({digits}, 10, 1)::INT "
            f"ELSE false END)")


def upn_valid_sql(upn: str) -> str:
    """SQL: a Unique Pupil Number's check letter matches (DfE: weights 2..13 on characters 2..13, modulo 23)."""
    terms = " + ".join(f"substr({upn}, {i}, 1)::INT * {i}" for i in range(2, 14))
    return (f"(CASE WHEN regexp_full_match({upn}, '[A-Z][0-9]{{12}}') THEN "
            f"substr('ABCDEFGHJKLMNPQRTUVWXYZ', (({terms}) % 23 + 1)::BIGINT, 1) = substr({upn}, 1, 1) "
            f"ELSE false END)")
