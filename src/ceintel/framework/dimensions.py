"""The dimensions indicators are counted by: people with their areas and groups, and the areas.

One place defines how a child is placed in an area and a group, so every
indicator breaks down the same way and every breakdown adds up to its total
(each child sits in exactly one area and one category of each breakdown;
what no source records is a category of its own, "not known").
"""

from __future__ import annotations

import duckdb

from ceintel.config import Partnership

NOT_KNOWN = "not_known"
ALL = "all"

AGE_BANDS: tuple[tuple[str, int, int], ...] = (
    ("0-9", 0, 9),
    ("10-13", 10, 13),
    ("14-15", 14, 15),
    ("16-17", 16, 17),
    ("18+", 18, 200),
)
"""Age bands used by CE problem profiles: exploitation concerns rise sharply from 10 and peak at 14-17."""

CATEGORIES: dict[str, tuple[tuple[str, str], ...]] = {
    "age_band": tuple((b, f"aged {b}" if b != "18+" else "aged 18 and over") for b, _, _ in AGE_BANDS)
    + ((NOT_KNOWN, "age not known"),),
    "sex": (("F", "female"), ("M", "male"), ("U", "sex not known or not recorded")),
    "ethnicity_group": (
        ("white", "White"), ("mixed", "Mixed or multiple"), ("asian", "Asian or Asian British"),
        ("black", "Black, Black British, Caribbean or African"), ("other", "Other ethnic group"),
        (NOT_KNOWN, "ethnicity not known or refused"),
    ),
    "looked_after": (("yes", "looked after"), ("not_recorded", "not recorded as looked after")),
    "sen": (("yes", "special educational needs recorded"), ("not_recorded", "no special educational needs recorded")),
    "disability": (("yes", "disability recorded"), ("not_recorded", "no disability recorded")),
}
"""Breakdown categories and their labels; ``source`` categories are the sources themselves."""

BREAKDOWN_LABELS = {
    "all": "All",
    "age_band": "Age band",
    "sex": "Sex",
    "ethnicity_group": "Ethnic group (ONS 2021)",
    "looked_after": "Looked after",
    "sen": "Special educational needs",
    "disability": "Disability",
    "source": "Source",
}


def age_band_sql(birth_month: str, at: str) -> str:
    """SQL for the age band of someone born in ``birth_month`` on date ``at``."""
    age = (f"(EXTRACT(YEAR FROM {at}) - EXTRACT(YEAR FROM {birth_month}) "
           f"- CASE WHEN EXTRACT(MONTH FROM {at}) < EXTRACT(MONTH FROM {birth_month}) THEN 1 ELSE 0 END)")
    whens = " ".join(f"WHEN {age} BETWEEN {lo} AND {hi} THEN '{band}'" for band, lo, hi in AGE_BANDS)
    return f"CASE WHEN {birth_month} IS NULL OR {at} IS NULL THEN '{NOT_KNOWN}' {whens} ELSE '{NOT_KNOWN}' END"


def build_dimensions(con: duckdb.DuckDBPyConnection, partnership: Partnership) -> None:
    """Create ``area`` and ``fw_person`` in the connection's main schema.

    A person is counted for the partnership when their home is in one of its
    areas, or, when no source gives a home, when a source that knows them
    covers only the partnership's areas (a police force's records of children
    living elsewhere are not the partnership's to count).
    """
    codes = ", ".join(f"'{c}'" for c in partnership.area_codes)
    names = " ".join(f"WHEN '{a.code}' THEN '{a.name.replace(chr(39), chr(39) * 2)}'" for a in partnership.areas)
    con.execute(f"""
        CREATE OR REPLACE TABLE area AS
        WITH g AS (SELECT * FROM geography WHERE la IN ({codes}))
        SELECT 'partnership' AS area_level, 'partnership' AS area_code, '{_q(partnership.name)}' AS area_name,
               CAST(NULL AS VARCHAR) AS parent_code
        UNION ALL
        SELECT 'council', code, CASE code {names} END, 'partnership'
        FROM (SELECT UNNEST([{codes}]) AS code)
        UNION ALL SELECT 'council', 'partnership~unknown', 'Home area not known', 'partnership'
        UNION ALL
        SELECT DISTINCT 'ward', ward, FIRST(ward_name), la FROM g GROUP BY ward, la
        UNION ALL
        SELECT 'ward', la || '~unknown', 'Ward not known', la FROM (SELECT UNNEST([{codes}]) AS la)
        UNION ALL
        SELECT 'small_area', lsoa, lsoa_name, ward FROM g
    """)
    con.execute(f"""
        CREATE OR REPLACE TABLE fw_person AS
        WITH rec AS (
            SELECT person_id,
                   BOOL_OR(COALESCE(looked_after, FALSE)) AS looked_after,
                   BOOL_OR(COALESCE(sen, FALSE)) AS sen,
                   BOOL_OR(COALESCE(disability, FALSE)) AS disability
            FROM person_record WHERE person_id IS NOT NULL GROUP BY person_id
        ),
        local_source AS (
            SELECT source_id FROM source
            WHERE coverage IS NOT NULL AND list_bool_and(
                list_transform(string_split(coverage, ','), c -> trim(c) IN ({codes})))
        ),
        known_locally AS (
            SELECT DISTINCT p.person_id FROM person p, UNNEST(p.source_ids) AS s(source_id)
            WHERE s.source_id IN (SELECT source_id FROM local_source)
        )
        SELECT p.person_id, p.role, p.birth_month,
               COALESCE(p.sex, 'U') AS sex,
               COALESCE(p.ethnicity_group, '{NOT_KNOWN}') AS ethnicity_group,
               CASE WHEN r.looked_after THEN 'yes' ELSE 'not_recorded' END AS looked_after,
               CASE WHEN r.sen THEN 'yes' ELSE 'not_recorded' END AS sen,
               CASE WHEN r.disability THEN 'yes' ELSE 'not_recorded' END AS disability,
               COALESCE(p.home_la, 'partnership~unknown') AS la,
               CASE WHEN g.lsoa IS NOT NULL THEN g.ward
                    WHEN p.home_la IN ({codes}) THEN p.home_la || '~unknown' END AS ward,
               CASE WHEN g.lsoa IS NOT NULL THEN g.lsoa
                    WHEN p.home_la IN ({codes}) THEN p.home_la || '~unknown~' END AS lsoa,
               (p.home_la IN ({codes}) OR (p.home_la IS NULL AND k.person_id IS NOT NULL)) AS in_partnership
        FROM person p
        LEFT JOIN rec r USING (person_id)
        LEFT JOIN geography g ON g.lsoa = p.home_lsoa AND g.la = p.home_la
        LEFT JOIN known_locally k USING (person_id)
    """)
    # a small area "not known" inside each ward-not-known keeps every level adding up
    con.execute(f"""
        INSERT INTO area
        SELECT 'small_area', la || '~unknown~', 'Small area not known', la || '~unknown'
        FROM (SELECT UNNEST([{codes}]) AS la)
    """)


def _q(text: str) -> str:
    return text.replace("'", "''")
