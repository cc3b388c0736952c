"""Reporting periods: months, quarters, financial years and rolling 12 months.

Every period is a whole number of months between the partnership's start and
end, so a quarter or a year is exactly the sum of its months when rows are
counted (disclosure control relies on that). DfE returns use financial years
ending 31 March, so quarters follow the financial year when it starts on a
quarter boundary. A year still running is shown "to date"; a rolling window
is shown only when all twelve of its months are inside the reporting range.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ceintel.config import Periods

KIND_ORDER = ("month", "quarter", "financial_year", "rolling_12_months")
KIND_LABELS = {
    "month": "Month",
    "quarter": "Quarter",
    "financial_year": "Financial year",
    "rolling_12_months": "Rolling 12 months",
}


@dataclass(frozen=True)
class Period:
    kind: str
    label: str
    start: dt.date
    end: dt.date
    months: tuple[dt.date, ...]
    """First days of the months it spans."""
    complete: bool = True
    """False for a year or quarter still running at the end of the reporting range."""


def _month_add(d: dt.date, n: int) -> dt.date:
    y, m = divmod(d.month - 1 + n, 12)
    return dt.date(d.year + y, m + 1, 1)


def _month_end(d: dt.date) -> dt.date:
    return _month_add(d, 1) - dt.timedelta(days=1)


def _fy_label(first: dt.date, start_month: int) -> str:
    if start_month == 1:
        return str(first.year)
    return f"{first.year}-{(first.year + 1) % 100:02d}"


def reporting_periods(periods: Periods, end: dt.date) -> list[Period]:
    """All periods of the configured kinds from ``periods.start`` to ``end`` (inclusive)."""
    first = dt.date(periods.start.year, periods.start.month, 1)
    last = dt.date(end.year, end.month, 1)
    if last < first:
        return []
    months: list[dt.date] = []
    m = first
    while m <= last:
        months.append(m)
        m = _month_add(m, 1)
    start_month = periods.financial_year_start_month
    quarter_anchor = start_month if start_month in (1, 4, 7, 10) else 1
    out: list[Period] = []
    kinds = [k for k in KIND_ORDER if k in periods.kinds]
    for kind in kinds:
        if kind == "month":
            out.extend(Period("month", mo.strftime("%Y-%m"), mo, _month_end(mo), (mo,)) for mo in months)
        elif kind == "quarter":
            out.extend(_grouped(months, 3, quarter_anchor, "quarter", start_month))
        elif kind == "financial_year":
            out.extend(_grouped(months, 12, start_month, "financial_year", start_month))
        elif kind == "rolling_12_months":
            for i in range(11, len(months)):
                window = tuple(months[i - 11: i + 1])
                out.append(Period("rolling_12_months", f"12 months to {window[-1]:%Y-%m}",
                                  window[0], _month_end(window[-1]), window))
    return out


def _grouped(months: list[dt.date], size: int, anchor_month: int, kind: str, fy_start: int) -> list[Period]:
    groups: dict[dt.date, list[dt.date]] = {}
    for mo in months:
        offset = (mo.month - anchor_month) % size
        groups.setdefault(_month_add(mo, -offset), []).append(mo)
    out = []
    for begin, ms in groups.items():
        complete = len(ms) == size
        if kind == "quarter":
            fy_first = _month_add(begin, -((begin.month - fy_start) % 12))
            q = ((begin.month - fy_start) % 12) // 3 + 1
            label = f"{_fy_label(fy_first, fy_start)} Q{q}" if fy_start in (1, 4, 7, 10) else f"{begin.year} Q{(begin.month - 1) // 3 + 1}"
        else:
            label = _fy_label(begin, fy_start)
        if not complete:
            label += " (to date)" if ms[0] == begin else " (part)"
        out.append(Period(kind, label, ms[0], _month_end(ms[-1]), tuple(ms), complete))
    return out
