"""Data quality: a profile of every source, and the data map of what each agency collects.

Quality here is a description of the data, never a judgement of the people
who record it: how complete and valid each field is, how many rows were held
back and why, how old the events are when they reach the partnership, whether
a child's sex or date of birth agrees between records and agencies, how many
records are about the partnership's residents, and which months look
unusually empty or full. :mod:`ceintel.quality.profile` computes these figures
(aggregates only: no identifier, name or record key) and stores them in the
warehouse; :mod:`ceintel.quality.datamap` writes the data map.
"""

from ceintel.quality.profile import (
    QUALITY_TABLES,
    consistency,
    coverage,
    field_history,
    field_profile,
    monthly_counts,
    read_consistency,
    read_periods,
    read_sources,
    timeliness,
    uniqueness,
    write_quality_tables,
)

__all__ = [
    "QUALITY_TABLES",
    "consistency",
    "coverage",
    "field_history",
    "field_profile",
    "monthly_counts",
    "read_consistency",
    "read_periods",
    "read_sources",
    "timeliness",
    "uniqueness",
    "write_quality_tables",
]
