"""Standardise identifiers so that the same child written two ways compares as equal.

Agencies spell one child in many ways: ``ZOË O'NEILL-SMITH``, ``Zoe Oneill``,
``Smith, Zoe``. Linkage compares standardised values, built here in SQL from
the identity staging (one row per spelling of an agency record). Nothing is
*corrected*: a date of birth with its day and month swapped stays as it was
written, and the comparison levels in :mod:`ceintel.identity.link` decide
what a swap is worth.

The result, ``id_records``, never leaves the identity step.

    column          what it holds
    uid             row number (Splink's unique id)
    record          "<source_id>:<record_key>" (a pseudonymous record)
    scheme_key      "<scheme>:<agency number>" where sources share a numbering
    first_name      first given name, lower case, no accents or punctuation
    first_names     every given name (middle names kept for review; not compared)
    first_formal    formal names the first name may stand for (nickname table)
    last_name       surname with its parts joined ("smithjones")
    last_parts      the surname's parts (["smith", "jones"])
    dob, dob_text   date of birth, and as YYYYMMDD text for keying-slip levels
    *_sorted        first_name, last_name and dob_text with their characters in order (transpositions)
    postcode        upper case, no space; taken from the address if blank
    pc_sector       e.g. "QA12" (no space); pc_district e.g. "QA1"
    sex             M or F (anything else is not known: NULL)
    nhs_number      10 digits passing the modulus 11 check, not a placeholder
    upn             upper case, passing its check letter
    events          event type and date the source recorded ("contact@2026-03-02")
    linkable        has enough to compare probabilistically
"""

from __future__ import annotations

import csv
from functools import cache
from importlib import resources

import duckdb

from ceintel.ingest.geography import normalise_postcode_sql
from ceintel.ingest.sql import nhs_valid_sql, upn_valid_sql

INPUT_COLUMNS = ("source_id", "record_key", "agency_record_id", "record_id_scheme", "first_name", "last_name",
                 "date_of_birth", "postcode", "nhs_number", "upn", "address", "sex", "events")
"""What the identity step reads: the identity staging written by ingest, or a plain person file.

``events`` lists what the record's source recorded and when ("contact@2026-03-02"): two
records of one birth date with the same event on the same day are very likely one child,
which links records that carry no name (Annex A lists, SSDA903) to those that do."""

# Letters that strip_accents leaves alone, written as English keyboards write them.
_TRANSLITERATE = (("ß", "ss"), ("æ", "ae"), ("œ", "oe"), ("ł", "l"), ("ø", "o"), ("đ", "d"), ("ð", "d"),
                  ("þ", "th"), ("ı", "i"))

POSTCODE_PATTERN = r"([A-Z]{1,2}[0-9][0-9A-Z]{0,2}) ?([0-9][A-Z]{2})"
"""A postcode: letters, a district number, a space, a sector digit and two letters. The district may
run to three characters (UK districts have at most two; the synthetic region's run past 99)."""


@cache
def nickname_pairs() -> tuple[tuple[str, str], ...]:
    """(nickname, formal) pairs from the shipped table, folded like names are."""
    text = (resources.files("ceintel.codes") / "nicknames.csv").read_text("utf-8")
    rows = csv.DictReader(text.splitlines())
    return tuple(sorted({(fold(r["nickname"]), fold(r["formal"])) for r in rows}))


def fold(name: str) -> str:
    """The Python twin of :func:`name_sql`, for tables and tests."""
    import unicodedata

    s = name.lower()
    for a, b in _TRANSLITERATE:
        s = s.replace(a, b)
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    s = s.replace("'", "").replace("’", "").replace("`", "")
    s = "".join(c if c.isalpha() else " " for c in s)
    return " ".join(s.split())


NOT_A_NAME = r'[0-9=@+"<>\\]'
"""A value holding any of these is a note or a formula typed in a name field ("+44 see notes"), not a name."""


def name_sql(expr: str) -> str:
    """SQL folding a name: lower case, accents and apostrophes removed, other punctuation a space.

    A value that cannot be a name (see :data:`NOT_A_NAME`) is treated as not recorded, so that
    "=HYPERLINK(...)" in two children's forename fields does not count as a shared first name.
    """
    s = f"lower(CASE WHEN NOT regexp_matches({expr}, '{NOT_A_NAME}') THEN {expr} END)"
    for a, b in _TRANSLITERATE:
        s = f"replace({s}, '{a}', '{b}')"
    s = f"strip_accents({s})"
    s = f"regexp_replace({s}, '[''’`]', '', 'g')"
    s = f"regexp_replace({s}, '[^a-z]+', ' ', 'g')"
    return f"nullif(trim({s}), '')"


def sorted_sql(expr: str) -> str:
    """SQL: the characters of a value in order, so that a transposed pair of letters compares equal."""
    return f"array_to_string(list_sort(string_split({expr}, '')), '')"


def standardise(con: duckdb.DuckDBPyConnection, source: str = "id_input", target: str = "id_records") -> int:
    """Build ``target`` from ``source`` (columns :data:`INPUT_COLUMNS`); returns its row count."""
    pairs = nickname_pairs()
    con.execute("CREATE OR REPLACE TEMP TABLE id_nicknames (nickname VARCHAR, formal VARCHAR)")
    con.executemany("INSERT INTO id_nicknames VALUES (?, ?)", list(pairs))
    con.execute("""CREATE OR REPLACE TEMP TABLE id_formal AS
                   SELECT name, list_sort(list(DISTINCT formal)) AS formal FROM (
                     SELECT nickname AS name, formal FROM id_nicknames
                     UNION ALL SELECT formal, formal FROM id_nicknames) GROUP BY name""")
    nhs = "regexp_replace(coalesce(nhs_number, ''), '[^0-9]', '', 'g')"
    upn = "upper(trim(upn))"
    pc_given = f"nullif({normalise_postcode_sql('postcode')}, '')"
    pc_address = f"nullif(regexp_replace(regexp_extract(upper(coalesce(address, '')), '{POSTCODE_PATTERN}'), ' ', ''), '')"
    con.execute(f"""
        CREATE OR REPLACE TEMP TABLE id_folded AS
        SELECT source_id, record_key, source_id || ':' || record_key AS record,
               CASE WHEN record_id_scheme IS NOT NULL AND nullif(trim(agency_record_id), '') IS NOT NULL
                    THEN record_id_scheme || ':' || trim(agency_record_id) END AS scheme_key,
               {name_sql('first_name')} AS given, {name_sql('last_name')} AS family,
               TRY_CAST(date_of_birth AS DATE) AS dob,
               coalesce({pc_given}, {pc_address}) AS pc,
               CASE WHEN {nhs_valid_sql(nhs)} AND replace({nhs}, left({nhs}, 1), '') <> '' THEN {nhs} END
                 AS nhs_number,
               CASE WHEN {upn_valid_sql(upn)} THEN {upn} END AS upn,
               CASE upper(trim(sex)) WHEN 'M' THEN 'M' WHEN 'F' THEN 'F' WHEN 'MALE' THEN 'M'
                    WHEN 'FEMALE' THEN 'F' END AS sex,
               CASE WHEN len(events) > 0 THEN events END AS events
        FROM {source}""")
    con.execute(f"""
        CREATE OR REPLACE TABLE {target} AS
        SELECT row_number() OVER (ORDER BY record, given, family, dob, pc, nhs_number, upn, sex, events) AS uid,
               f.record, f.source_id, f.record_key, f.scheme_key,
               split_part(f.given, ' ', 1) AS first_name,
               string_split(f.given, ' ') AS first_names,
               coalesce(n.formal, [split_part(f.given, ' ', 1)]) AS first_formal,
               replace(f.family, ' ', '') AS last_name,
               string_split(f.family, ' ') AS last_parts,
               f.dob, strftime(f.dob, '%Y%m%d') AS dob_text,
               CASE WHEN regexp_full_match(f.pc, '[A-Z]{{1,2}}[0-9][0-9A-Z]{{0,2}}[0-9][A-Z]{{2}}') THEN f.pc END
                 AS postcode,
               f.nhs_number, f.upn, f.sex, f.events
        FROM id_folded f LEFT JOIN id_formal n ON n.name = split_part(f.given, ' ', 1)""")
    con.execute(f"""
        CREATE OR REPLACE TABLE {target} AS
        SELECT *, CASE WHEN postcode IS NOT NULL THEN left(postcode, length(postcode) - 2) END AS pc_sector,
               CASE WHEN postcode IS NOT NULL THEN left(postcode, length(postcode) - 3) END AS pc_district,
               left(first_name, 1) AS first_initial, left(last_name, 3) AS last_prefix,
               {sorted_sql('first_name')} AS first_name_sorted, {sorted_sql('last_name')} AS last_name_sorted,
               {sorted_sql('dob_text')} AS dob_text_sorted,
               (first_name IS NOT NULL AND last_name IS NOT NULL) OR nhs_number IS NOT NULL OR upn IS NOT NULL
                 OR (dob IS NOT NULL AND events IS NOT NULL) AS linkable
        FROM {target}""")
    for t in ("id_nicknames", "id_formal", "id_folded"):
        con.execute(f"DROP TABLE {t}")
    return con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
