"""Score pairs of records with Splink: how likely are two records the same child?

The model is the Fellegi–Sunter model Splink fits. Each comparison below
turns a pair of standardised values (see :mod:`ceintel.identity.standardise`)
into one of a few graded levels; each level has a match weight learned from
the data itself, without labels, so a new partnership needs no hand tuning:

- the chance that two random records match, from deterministic rules;
- u (how often a level occurs between different people) from random pairs;
- m (how often it occurs between records of one person) by expectation
  maximisation on two blocks, each training the fields it does not block on.

Levels start from priors learned on the synthetic borough, so a tiny
dataset, where training cannot converge, still scores sensibly; the training
report says which comparisons kept their prior.

Blocking decides which pairs are scored at all. The rules are tight (every
one keys on two fields or on a strong identifier) so the number of pairs
grows about linearly with the records, not with their square (see
../shared/STACK.md: ``block_on("surname")`` alone gave a billion pairs at 1M).
Name alone is not a rule: at region scale first name and surname gave 13M
pairs, mostly namesakes, so it needs a third field (district, or birth day),
or one side with no date of birth at all (a record with only a name).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field

import duckdb
from splink import DuckDBAPI, Linker, block_on


@dataclass(frozen=True)
class Level:
    """One comparison level: a SQL condition on ``<col>_l`` / ``<col>_r`` and its priors."""

    label: str
    sql: str
    m: float
    u: float
    tf_column: str | None = None

    def as_splink(self, term_frequencies: bool = True) -> dict:
        level = {"sql_condition": self.sql, "label_for_charts": self.label,
                 "m_probability": self.m, "u_probability": self.u}
        if self.tf_column and term_frequencies:
            level |= {"tf_adjustment_column": self.tf_column, "tf_adjustment_weight": 1.0,
                      "tf_minimum_u_value": 0.001}
        return level


@dataclass(frozen=True)
class Comparison:
    """A field compared at graded levels, most specific first; NULL on either side is no evidence."""

    name: str
    description: str
    null_sql: str
    levels: tuple[Level, ...]

    def as_splink(self, term_frequencies: bool = True) -> dict:
        null = {"sql_condition": self.null_sql, "label_for_charts": "not recorded", "is_null_level": True}
        other = {"sql_condition": "ELSE", "label_for_charts": "different", "m_probability": self.levels[-1].m,
                 "u_probability": self.levels[-1].u}
        levels = [lvl.as_splink(term_frequencies) for lvl in self.levels[:-1]]
        return {"output_column_name": self.name, "comparison_description": self.description,
                "comparison_levels": [null, *levels, other]}


def one_slip(col: str) -> str:
    """SQL: the two values differ by one keying slip: a character added, lost or changed, or two swapped.

    The same as Damerau-Levenshtein distance <= 1 for adjacent swaps, but DuckDB's
    damerau_levenshtein was ten times slower than levenshtein on millions of pairs;
    a swap is seen instead as two changed characters holding the same letters.
    """
    return (f"(levenshtein({col}_l, {col}_r) <= 1 OR ({col}_sorted_l = {col}_sorted_r AND "
            f"CASE WHEN length({col}_l) = length({col}_r) THEN hamming({col}_l, {col}_r) END = 2))")


def same_or_different(name: str, description: str, same_sql: str, m: float, u: float) -> Comparison:
    """A comparison of two levels: ``same`` (with its priors) or ``different``.

        not recorded   either side blank
        same           ``same_sql``
        different      anything else
    """
    return Comparison(name, description, _null(name),
                      (Level("same", same_sql, m, u), Level("different", ELSE, 1 - m, 1 - u)))


def _null(*cols: str) -> str:
    return " OR ".join(f"{c}_l IS NULL OR {c}_r IS NULL" for c in cols)


ELSE = "ELSE"

FIRST_NAME = Comparison(
    "first_name", "First name: exact, nickname, written in the surname field, close spelling",
    _null("first_name"),
    (
        Level("exact", "first_name_l = first_name_r", 0.86, 0.004, tf_column="first_name"),
        Level("same formal name (nickname)", "list_has_any(first_formal_l, first_formal_r)", 0.07, 0.002),
        Level("first and last names swapped", "first_name_l = last_name_r AND last_name_l = first_name_r",
              0.02, 0.00001),
        Level("one keying slip", one_slip("first_name"), 0.03, 0.002),
        Level("similar (Jaro-Winkler >= 0.88)", "jaro_winkler_similarity(first_name_l, first_name_r) >= 0.88",
              0.01, 0.01),
        Level("different", ELSE, 0.01, 0.98),
    ),
)

LAST_NAME = Comparison(
    "last_name", "Surname: exact, a shared part of a double surname, close spelling",
    _null("last_name"),
    (
        Level("exact", "last_name_l = last_name_r", 0.88, 0.002, tf_column="last_name"),
        Level("shares a part of a double surname", "list_has_any(last_parts_l, last_parts_r)", 0.04, 0.0005),
        Level("one keying slip", one_slip("last_name"), 0.03, 0.001),
        Level("similar (Jaro-Winkler >= 0.88)", "jaro_winkler_similarity(last_name_l, last_name_r) >= 0.88",
              0.01, 0.01),
        Level("different", ELSE, 0.04, 0.986),
    ),
)

DATE_OF_BIRTH = Comparison(
    "dob", "Date of birth: exact, day and month swapped, one keying slip, same month and year",
    _null("dob"),
    (
        Level("exact", "dob_l = dob_r", 0.92, 0.0002),
        Level("day and month swapped",
              "day(dob_l) = month(dob_r) AND month(dob_l) = day(dob_r) AND year(dob_l) = year(dob_r)",
              0.02, 0.00001),
        Level("one keying slip", one_slip("dob_text"), 0.03, 0.003),
        Level("within a year", "abs(date_diff('day', dob_l, dob_r)) <= 366", 0.01, 0.05),
        Level("different", ELSE, 0.02, 0.947),
    ),
)

POSTCODE = Comparison(
    "postcode", "Postcode: exact, same sector, same district",
    _null("postcode"),
    (
        Level("exact", "postcode_l = postcode_r", 0.75, 0.001, tf_column="postcode"),
        Level("same sector", "pc_sector_l = pc_sector_r", 0.05, 0.01),
        Level("same district", "pc_district_l = pc_district_r", 0.08, 0.1),
        Level("different", ELSE, 0.12, 0.889),
    ),
)

SEX = same_or_different("sex", "Sex: same or different", "sex_l = sex_r", 0.98, 0.5)

NHS_NUMBER = same_or_different("nhs_number", "NHS number: same or different (both checked by modulus 11)",
                               "nhs_number_l = nhs_number_r", 0.98, 0.00001)

UPN = same_or_different("upn", "Unique pupil number: same or different (both checked by their check letter)",
                        "upn_l = upn_r", 0.97, 0.00001)

EVENTS = Comparison(
    "events", "Events: the same kind of event recorded on the same day by both sources", _null("events"),
    (
        Level("same event on the same day", "list_has_any(events_l, events_r)", 0.3, 0.00002),
        Level("different", ELSE, 0.7, 0.99998),
    ),
)

COMPARISONS: tuple[Comparison, ...] = (FIRST_NAME, LAST_NAME, DATE_OF_BIRTH, POSTCODE, SEX, NHS_NUMBER, UPN,
                                       EVENTS)

BLOCKING_RULES: tuple[str, ...] = (
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.dob = r.dob AND l.last_name = r.last_name",
    "l.dob = r.dob AND l.first_name = r.first_name",
    "l.dob = r.dob AND l.postcode = r.postcode",
    "l.first_name = r.first_name AND l.last_name = r.last_name AND l.pc_district = r.pc_district",
    "l.first_name = r.first_name AND l.last_name = r.last_name AND month(l.dob) = month(r.dob) "
    "AND day(l.dob) = day(r.dob)",
    "l.first_name = r.first_name AND l.last_name = r.last_name AND l.dob IS NULL",
    "l.first_name = r.first_name AND l.last_name = r.last_name AND r.dob IS NULL",
    "l.dob = r.dob AND l.first_initial = r.first_initial AND l.last_prefix = r.last_prefix",
    "l.dob = r.dob AND l.first_name = r.last_name",
    "l.first_name = r.first_name AND l.postcode = r.postcode",
    "l.last_name = r.last_name AND l.postcode = r.postcode AND l.first_initial = r.first_initial",
    "year(l.dob) = year(r.dob) AND l.first_name = r.first_name AND l.last_prefix = r.last_prefix",
)
"""Pairs are scored when any rule holds (Splink drops the pairs earlier rules already made)."""

EXPLODED_BLOCKS: tuple[tuple[tuple[str, ...], str], ...] = (
    (("dob", "events"), "events"),
)
"""Rules on one element of a list: same birth date and one event in common (an equi-join once exploded)."""

DETERMINISTIC_RULES: tuple[str, ...] = (
    "l.nhs_number = r.nhs_number",
    "l.upn = r.upn",
    "l.first_name = r.first_name AND l.last_name = r.last_name AND l.dob = r.dob",
)
DETERMINISTIC_RECALL = 0.7

TRAINING_BLOCKS: tuple[str, ...] = (
    "l.dob = r.dob",                                        # trains names, postcode, sex, NHS, UPN
    "l.first_name = r.first_name AND l.last_name = r.last_name",  # trains date of birth and the rest
)
MODEL_COLUMNS = ("uid", "source_id", "first_name", "first_formal", "last_name", "last_parts", "dob", "dob_text",
                 "postcode", "pc_sector", "pc_district", "sex", "nhs_number", "upn", "first_initial",
                 "last_prefix", "events", "first_name_sorted", "last_name_sorted", "dob_text_sorted")


@dataclass
class Training:
    """What training did, for the linkage report."""

    probability_two_random_records_match: float | None = None
    trained: list[str] = field(default_factory=list)
    kept_prior: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)


def settings(term_frequencies: bool = True) -> dict:
    """The Splink settings: dedupe one table of every source's records (within and across sources).

    Term-frequency adjustment (a shared rare name says more than a shared
    common one) needs enough records for frequencies to mean anything; in a
    file of a few dozen children every name looks common, so small inputs go
    without it.
    """
    return {
        "link_type": "dedupe_only",
        "unique_id_column_name": "uid",
        "comparisons": [c.as_splink(term_frequencies) for c in COMPARISONS],
        "blocking_rules_to_generate_predictions": [{"blocking_rule": r} for r in BLOCKING_RULES]
        + [block_on(*cols, arrays_to_explode=[array]) for cols, array in EXPLODED_BLOCKS],
        "retain_matching_columns": True,
        "retain_intermediate_calculation_columns": False,
        "probability_two_random_records_match": 0.00005,
    }


def _linker(con: duckdb.DuckDBPyConnection, table: str, model: dict | None = None,
            term_frequencies: bool = True) -> Linker:
    # Splink logs every step at INFO; the command line draws its own progress.
    db = DuckDBAPI(connection=con)
    sdf = db.register(table)
    return Linker(sdf, model or settings(term_frequencies), log_level=logging.WARNING)


MIN_RECORDS_TO_TRAIN = 2_000
EM_MAX_PAIRS = 500_000
U_MAX_PAIRS = 400_000
SEED = 20_261_201


def train(con: duckdb.DuckDBPyConnection, table: str) -> tuple[dict, Training]:
    """Fit the model on ``table`` (columns :data:`MODEL_COLUMNS`); returns Splink's model JSON."""
    report = Training()
    rows = con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
    linker = _linker(con, table, term_frequencies=rows >= MIN_RECORDS_TO_TRAIN)
    if rows < MIN_RECORDS_TO_TRAIN:
        report.kept_prior = [c.name for c in COMPARISONS]
        report.messages.append(f"{rows:,} records: too few to train or to weigh names by their frequency; "
                               f"the priors are used")
        return linker.misc.save_model_to_json(), report
    linker.training.estimate_probability_two_random_records_match(
        [*DETERMINISTIC_RULES], recall=DETERMINISTIC_RECALL)
    linker.training.estimate_u_using_random_sampling(max_pairs=U_MAX_PAIRS, seed=SEED)
    for rule in TRAINING_BLOCKS:
        try:
            linker.training.estimate_parameters_using_expectation_maximisation(
                rule, max_pairs=EM_MAX_PAIRS, record_sample_proportion=1.0)
        except Exception as exc:  # a block with no pairs, or EM that cannot start
            report.messages.append(f"training on '{rule}' did not run: {str(exc).splitlines()[0]}")
    model = linker.misc.save_model_to_json()
    model = _guard(model, report)
    report.probability_two_random_records_match = model["probability_two_random_records_match"]
    return model, report


M_FLOOR = 0.0005
U_FLOOR = 0.000005


PRIOR_M: dict[tuple[str, str], float] = {(c.name, lvl.label): lvl.m for c in COMPARISONS for lvl in c.levels}
"""The m each level starts from (comparison, level label) -> m, as declared above."""


def _guard(model: dict, report: Training) -> dict:
    """Keep m and u off zero, and fall back to the prior where training gave nonsense.

    A zero m makes a level veto a match on its own, a zero u makes it force
    one; neither is true of any field agencies type by hand. A comparison whose
    closest level came out as no evidence of a match, or as no stronger
    evidence than disagreeing, is implausible, so it keeps the prior m values.
    """
    for comp in model["comparisons"]:
        name = comp["output_column_name"]
        levels = [lvl for lvl in comp["comparison_levels"] if not lvl.get("is_null_level")]
        ms = [lvl.get("m_probability") for lvl in levels]
        us = [lvl.get("u_probability") or U_FLOOR for lvl in levels]
        weights = [m / u if m else 0.0 for m, u in zip(ms, us, strict=True)] if None not in ms else []
        implausible = not weights or weights[0] <= 1 or weights[0] <= weights[-1]
        if implausible:
            for lvl in levels:
                lvl["m_probability"] = PRIOR_M[(name, lvl["label_for_charts"])]
            report.kept_prior.append(name)
        else:
            report.trained.append(name)
        for lvl in levels:
            lvl["m_probability"] = max(lvl["m_probability"], M_FLOOR)
            lvl["u_probability"] = max(lvl.get("u_probability") or U_FLOOR, U_FLOOR)
        total_m = sum(lvl["m_probability"] for lvl in levels)
        total_u = sum(lvl["u_probability"] for lvl in levels)
        for lvl in levels:
            lvl["m_probability"] /= total_m
            lvl["u_probability"] /= total_u
    return model


PAIR_THRESHOLD = 0.05
"""Pairs below this probability are not kept (neither linked nor worth a clerical look)."""


def predict(con: duckdb.DuckDBPyConnection, table: str, model: dict, target: str = "id_pairs") -> int:
    """Score the blocked pairs into ``target`` (uid_l, uid_r, match_weight, match_probability, gamma_*)."""
    linker = _linker(con, table, model)
    result = linker.inference.predict(threshold_match_probability=PAIR_THRESHOLD)
    gammas = ", ".join(f"gamma_{c.name}" for c in COMPARISONS)
    con.execute(f"""CREATE OR REPLACE TABLE {target} AS
                    SELECT uid_l, uid_r, match_weight, match_probability, {gammas}
                    FROM {result.physical_name}""")
    result.drop_table_from_database_and_remove_from_cache()
    return con.execute(f"SELECT count(*) FROM {target}").fetchone()[0]
