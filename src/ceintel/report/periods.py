"""Which period the profile reports on, the one it compares with, and the points of its trend lines.

The default is the most recent complete rolling 12 months: a whole year (so
no seasonal swing, and counts large enough to show), ending as recently as
the data allows. A financial year or any other period in the framework's
``period`` table can be asked for by its label. Trend lines use rolling 12
months ending every third month up to the period's end, so each point is a
whole year and the last point is the period itself.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ceintel.errors import CeintelError

KIND_WORDS = {"month": "month", "quarter": "quarter", "financial_year": "financial year",
              "rolling_12_months": "12 months"}


class PeriodError(CeintelError):
    """A period the framework does not hold."""


@dataclass(frozen=True)
class ReportPeriod:
    kind: str
    label: str
    start: dt.date
    end: dt.date
    complete: bool

    def words(self) -> str:
        """The period in words, e.g. "the 12 months from 1 October 2025 to 30 September 2026"."""
        span = f"{self.start:%-d %B %Y} to {self.end:%-d %B %Y}"
        if self.kind == "rolling_12_months":
            return f"the 12 months from {span}"
        if self.kind == "financial_year":
            return f"the financial year {self.label} ({span})"
        return f"{self.label} ({span})"


def periods_from_rows(rows: list[tuple]) -> list[ReportPeriod]:
    """(kind, label, start, end, complete) rows, oldest end first."""
    out = [ReportPeriod(k, label, start, end, bool(done)) for k, label, start, end, done in rows]
    return sorted(out, key=lambda p: (p.end, p.start, p.kind))


def choose_period(periods: list[ReportPeriod], wanted: str | None = None) -> ReportPeriod:
    """The period labelled ``wanted``, else the latest complete rolling 12 months (else financial year)."""
    if wanted:
        for p in periods:
            if p.label.casefold() == wanted.strip().casefold():
                return p
        years = [p.label for p in periods if p.kind == "financial_year" and p.complete]
        rolling = [p.label for p in periods if p.kind == "rolling_12_months" and p.complete][-3:]
        choices = years + rolling
        raise PeriodError(f"no period {wanted!r} in the framework; try one of: {', '.join(choices)}")
    for kind in ("rolling_12_months", "financial_year"):
        done = [p for p in periods if p.kind == kind and p.complete]
        if done:
            return done[-1]
    if not periods:
        raise PeriodError("the framework holds no periods; run: ceintel build")
    return periods[-1]


def _months_between(a: dt.date, b: dt.date) -> int:
    return (b.year - a.year) * 12 + b.month - a.month


def year_before(periods: list[ReportPeriod], p: ReportPeriod) -> ReportPeriod | None:
    """The period of the same kind ending twelve months earlier (for "compared with")."""
    for q in periods:
        if q.kind == p.kind and _months_between(q.end, p.end) == 12:
            return q
    return None


def trend_points(periods: list[ReportPeriod], p: ReportPeriod, limit: int = 12) -> list[ReportPeriod]:
    """Whole years ending every three months up to ``p`` (or ``p``'s own kind for shorter periods)."""
    if p.kind in ("rolling_12_months", "financial_year"):
        pts = [q for q in periods if q.kind == "rolling_12_months" and q.end <= p.end
               and _months_between(q.end, p.end) % 3 == 0]
        if p.kind == "financial_year" and not any(q.end == p.end for q in pts):
            pts.append(p)
    else:
        pts = [q for q in periods if q.kind == p.kind and q.end <= p.end]
    pts = sorted(pts, key=lambda q: q.end)[-limit:]
    return pts
