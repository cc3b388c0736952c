"""From computed cells to what may leave the system: disclosure control for each audience.

Every output path (exports, the profile, web pages) reads ``published_cell``
and nothing else, so the suppression rule in :mod:`ceintel.framework.disclosure`
is applied once, here, for every audience in ``partnership.yaml``.

The additive relations a reader could use to work a hidden count out are
stated here, from the table's own structure:

- areas: the partnership is the sum of its councils (and "home area not
  known"), a council of its wards, a ward of its small areas;
- breakdowns: each breakdown's categories add up to the area's total;
- time, where each unit falls in one month: a quarter, a year or a rolling
  12 months is the sum of its months (shown for the partnership and councils;
  wards and small areas show years and rolling years only);
- periods of the same months (the rolling 12 months ending in March and that
  financial year) hold the same count, whatever is counted.

Rates are hidden with their numerator (the population is public, so a rate
gives its count away); percentages with their numerator or denominator;
medians when they summarise 1 to threshold rows.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pyarrow as pa

from ceintel.config import AudienceRule, Partnership
from ceintel.framework.dimensions import ALL
from ceintel.framework.disclosure import (
    NOT_APPLICABLE,
    NOT_AVAILABLE,
    ROUNDS_TO_ZERO,
    SUPPRESSED,
    Constraint,
    round_counts_to_base,
    suppress,
)
from ceintel.framework.registry import Indicator, Registry

PUBLISHED_COLUMNS = (
    "audience", "indicator_id", "period_kind", "period", "area_level", "area_code", "breakdown", "category",
    "value", "numerator", "denominator", "status", "caveat",
)


def constraints(con: duckdb.DuckDBPyConnection, time_additive: bool) -> list[Constraint]:
    """The exact sums that hold between the cells of ``fw_c`` (one indicator's cells, ids 0..n-1)."""
    queries = [
        # areas: a parent is the sum of its children, for the same period and category
        """SELECT t.cell_id, LIST(c.cell_id ORDER BY c.cell_id)
           FROM fw_c c JOIN area a ON a.area_level = c.area_level AND a.area_code = c.area_code
           JOIN fw_c t ON t.area_code = a.parent_code AND t.period_kind = c.period_kind AND t.period = c.period
                AND t.breakdown = c.breakdown AND t.category = c.category
           GROUP BY t.cell_id""",
        # breakdowns: the categories of one breakdown add up to the total
        f"""SELECT t.cell_id, LIST(c.cell_id ORDER BY c.cell_id)
            FROM fw_c c JOIN fw_c t ON t.period_kind = c.period_kind AND t.period = c.period
                 AND t.area_level = c.area_level AND t.area_code = c.area_code
                 AND t.breakdown = '{ALL}' AND t.category = '{ALL}'
            WHERE c.breakdown <> '{ALL}'
            GROUP BY t.cell_id, c.breakdown""",
    ]
    # the same months (a rolling 12 months ending in March and that financial year) give the same count
    queries.append(
        """WITH spans AS (SELECT period_kind, period, STRING_AGG(month, ',' ORDER BY month) AS months
                         FROM period_month GROUP BY period_kind, period),
                twins AS (SELECT a.period_kind AS kind_a, a.period AS period_a, b.period_kind AS kind_b,
                                 b.period AS period_b
                          FROM spans a JOIN spans b ON a.months = b.months
                               AND (a.period_kind, a.period) < (b.period_kind, b.period))
           SELECT ta.cell_id, LIST(tb.cell_id)
           FROM twins w
           JOIN fw_c ta ON ta.period_kind = w.kind_a AND ta.period = w.period_a
           JOIN fw_c tb ON tb.period_kind = w.kind_b AND tb.period = w.period_b AND tb.area_level = ta.area_level
                AND tb.area_code = ta.area_code AND tb.breakdown = ta.breakdown AND tb.category = ta.category
           GROUP BY ta.cell_id, tb.cell_id""")
    if time_additive:
        queries.append(
            """SELECT t.cell_id, LIST(c.cell_id ORDER BY c.cell_id)
               FROM fw_c t JOIN period_month pm ON pm.period_kind = t.period_kind AND pm.period = t.period
               JOIN fw_c c ON c.period_kind = 'month' AND c.period = pm.month AND c.area_level = t.area_level
                    AND c.area_code = t.area_code AND c.breakdown = t.breakdown AND c.category = t.category
               GROUP BY t.cell_id""")
    out: list[Constraint] = []
    for q in queries:
        for total, parts in con.execute(q).fetchall():
            if parts:
                out.append(Constraint(int(total), tuple(int(p) for p in parts)))
    return out


def publish_indicator(con: duckdb.DuckDBPyConnection, ind: Indicator, time_additive: bool,
                      audiences: dict[str, AudienceRule], cell_caveat: str | None) -> pa.Table:
    """The published rows of one indicator for every audience."""
    con.execute("""
        CREATE OR REPLACE TEMP TABLE fw_c AS
        SELECT ROW_NUMBER() OVER (ORDER BY c.period_kind, c.period, c.area_level, c.area_code, c.breakdown,
                                  c.category) - 1 AS cell_id, c.*, p.period_start, p.complete
        FROM fw_cell c JOIN period p USING (period_kind, period)
        WHERE c.indicator_id = ?
    """, [ind.id])
    cells = con.execute("SELECT * FROM fw_c ORDER BY cell_id").to_arrow_table()
    rels = constraints(con, time_additive)
    numerator = np.asarray(cells["numerator"].to_numpy(zero_copy_only=False), dtype=np.int64)
    denominator = cells["denominator"].to_numpy(zero_copy_only=False).astype(float)
    value = cells["value"].to_numpy(zero_copy_only=False).astype(float)
    units = np.asarray(cells["units"].to_numpy(zero_copy_only=False), dtype=np.int64)
    area_code = np.asarray(cells["area_code"].to_pylist(), dtype=object)
    breakdown = np.asarray(cells["breakdown"].to_pylist(), dtype=object)
    unknown_area = np.array(["~unknown" in a for a in area_code])
    complete = np.asarray(cells["complete"].to_pylist(), dtype=bool)
    notes = [[] if done else ["the period is not yet complete"] for done in complete]
    if cell_caveat:
        for note, start in zip(notes, cells["period_start"].to_pylist(), strict=True):
            if start < cell_caveat[0]:
                note.append(cell_caveat[1])
    caveats = np.array(["; ".join(n) or None for n in notes], dtype=object)

    tables = []
    done: dict[tuple[int, int | None], pa.Table] = {}
    for audience, rule in audiences.items():
        key = (rule.threshold, rule.round_to)
        if key in done:
            tables.append(done[key].set_column(0, "audience", pa.array([audience] * len(cells))))
            continue
        threshold = rule.threshold if ind.disclosure != "none" else 0
        status = np.full(len(cells), "", dtype=object)
        pub_value = value.copy()
        pub_num = round_counts_to_base(numerator, rule.round_to)
        pub_den = denominator.copy()
        if ind.unit == "median_days":
            # the number of rows a median summarises adds up like any count, so it is protected like one
            hidden = suppress(units, rels, threshold)
            status[units == 0] = NOT_APPLICABLE
            status[hidden] = SUPPRESSED
            pub_value[hidden | (units == 0)] = np.nan
            pub_num[hidden] = np.nan
        else:
            hidden_num = suppress(numerator, rels, threshold)
            hidden = hidden_num
            if ind.unit == "percentage":
                den_counts = np.nan_to_num(denominator).astype(np.int64)
                hidden_den = suppress(den_counts, rels, threshold)
                pub_den = round_counts_to_base(den_counts, rule.round_to)
                pub_den[hidden_den] = np.nan
                status[den_counts == 0] = NOT_APPLICABLE
                hidden = hidden | hidden_den
            pub_num[hidden_num] = np.nan
            if ind.unit == "count":
                pub_value = round_counts_to_base(numerator, rule.round_to)
                if rule.round_to:
                    status[(numerator > 0) & (pub_value == 0)] = ROUNDS_TO_ZERO
            elif ind.unit == "rate_per_10000":
                no_pop = np.isnan(denominator) | (denominator <= 0)
                status[no_pop] = NOT_AVAILABLE
                status[no_pop & unknown_area] = NOT_APPLICABLE
                other_breakdown = ~np.isin(breakdown, [ALL, "age_band", "sex"])
                status[no_pop & other_breakdown] = NOT_AVAILABLE
            status[hidden] = SUPPRESSED
            pub_value[hidden] = np.nan
            pub_num[hidden] = np.nan  # "0 of a hidden 1 to 5" would give the hidden group away
        pub_value[status == NOT_APPLICABLE] = np.nan
        pub_value[status == NOT_AVAILABLE] = np.nan
        table = pa.table({
            "audience": pa.array([audience] * len(cells)),
            "indicator_id": cells["indicator_id"],
            "period_kind": cells["period_kind"],
            "period": cells["period"],
            "area_level": cells["area_level"],
            "area_code": cells["area_code"],
            "breakdown": cells["breakdown"],
            "category": cells["category"],
            "value": pa.array(pub_value, mask=np.isnan(pub_value)),
            "numerator": pa.array(pub_num, mask=np.isnan(pub_num)),
            "denominator": pa.array(pub_den, mask=np.isnan(pub_den)),
            "status": pa.array(status.astype(str)),
            "caveat": pa.array(caveats.tolist(), type=pa.string()),
        })
        done[key] = table
        tables.append(table)
    return pa.concat_tables(tables)


def publish_all(con: duckdb.DuckDBPyConnection, registry: Registry, meta: dict[str, dict],
                partnership: Partnership) -> None:
    """Create ``published_cell`` for every indicator and audience."""
    con.execute("""CREATE OR REPLACE TABLE published_cell (audience VARCHAR, indicator_id VARCHAR,
        period_kind VARCHAR, period VARCHAR, area_level VARCHAR, area_code VARCHAR, breakdown VARCHAR,
        category VARCHAR, value DOUBLE, numerator DOUBLE, denominator DOUBLE, status VARCHAR, caveat VARCHAR)""")
    audiences = dict(partnership.disclosure.audiences)
    for ind in registry:
        m = meta[ind.id]
        table = publish_indicator(con, ind, m["time_additive"], audiences, m.get("cell_caveat"))
        con.register("fw_published", table)
        con.execute("INSERT INTO published_cell SELECT * FROM fw_published")
        con.unregister("fw_published")
    con.execute("DROP TABLE IF EXISTS fw_c")
