"""The child exploitation profile: one self-contained HTML file and a PDF of the same content.

    from ceintel.report import build_profile
    result = build_profile(ws, audience="partnership")   # reports/profile.html and .pdf

Reading (``gather``), composing (``profile.compose``, pure) and writing
(``build``) are separate steps; see docs/report.md.
"""

from ceintel.report.build import build_profile
from ceintel.report.model import ReportResult

__all__ = ["ReportResult", "build_profile"]
