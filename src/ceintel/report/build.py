"""``build_profile``: gather, compose, check, then write the HTML and the PDF (the only side effects).

Writes ``reports/profile.html`` and ``reports/profile.pdf`` by default; each
file is written beside its final name and renamed into place, so a reader
never opens half a report.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

from ceintel.report.gather import gather
from ceintel.report.model import ReportResult
from ceintel.report.profile import compose
from ceintel.report.render import check_html, render_html, write_pdf
from ceintel.workspace import Workspace

AUDIENCES = ("public", "partnership")


def build_profile(ws: Workspace, audience: str = "partnership", period: str | None = None, *,
                  out: Path | None = None, pdf: bool = True, today: dt.date | None = None) -> ReportResult:
    """Write the child exploitation profile for ``audience`` and ``period`` (default: latest complete 12 months)."""
    from ceintel.errors import CeintelError

    if audience not in AUDIENCES:
        raise CeintelError(f"audience must be one of {', '.join(AUDIENCES)}, not {audience!r}")
    g = gather(ws, audience, period, today=today)
    profile = compose(g)
    html = render_html(profile)
    check_html(html)
    printed = render_html(profile, printing=True) if pdf else ""
    if pdf:
        check_html(printed)
    folder = Path(out) if out else ws.reports
    folder.mkdir(parents=True, exist_ok=True)
    html_path = folder / "profile.html"
    tmp = html_path.with_name(html_path.name + ".writing")
    tmp.write_text(html, encoding="utf-8")
    os.replace(tmp, html_path)
    pdf_path, pages = None, 0
    if pdf:
        pdf_path = folder / "profile.pdf"
        tmp = pdf_path.with_name(pdf_path.name + ".writing")
        pages = write_pdf(printed, tmp)
        os.replace(tmp, pdf_path)
    return ReportResult(html_path, pdf_path, pages, g.period.label, audience, tuple(s.id for s in profile.sections),
                        len(profile.language_notes))
