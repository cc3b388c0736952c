"""The profile to HTML (Jinja2) and to PDF (WeasyPrint), and the checks every page must pass first.

The HTML is one self-contained file: CSS inline, charts as inline SVG, no
scripts, no fonts or images fetched from anywhere. :func:`external_references`
lists anything that would make a request (used by the build and the tests);
:func:`visible_text` returns the words a reader sees, split into the
system's own words and people's words (narratives, action titles), so the
language check can fail the build on the first and only note the second.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from ceintel.errors import CeintelError
from ceintel.report.model import Profile

AUTHOR = "data-language-check"


class ReportError(CeintelError):
    """The profile cannot be written as it stands (its own words, or a reference out of the file)."""


def environment() -> Environment:
    return Environment(loader=PackageLoader("ceintel.report", "templates"), autoescape=select_autoescape(["html"]),
                       undefined=StrictUndefined, trim_blocks=False, lstrip_blocks=False)


def render_html(profile: Profile, *, printing: bool = False) -> str:
    """The page; ``printing`` lays chart data out as plain tables (always shown) instead of ``<details>``."""
    return environment().get_template("profile.html").render(p=profile, printing=printing)


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[tuple[str, bool]] = []
        self.system: list[str] = []
        self.people: list[str] = []

    def _author(self) -> bool:
        return any(a for _, a in self.stack)

    def _hidden(self) -> bool:
        return any(t in ("style", "script") for t, _ in self.stack)

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            return
        a = dict(attrs)
        self.stack.append((tag, a.get(AUTHOR) == "author"))
        for key in ("aria-label", "alt", "title"):
            if a.get(key) and not self._author():
                self.system.append(a[key])

    def handle_startendtag(self, tag, attrs):
        a = dict(attrs)
        for key in ("aria-label", "alt", "title"):
            if a.get(key) and not self._author():
                self.system.append(a[key])

    def handle_endtag(self, tag):
        if tag in _VOID:
            return
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data):
        if self._hidden() or not data.strip():
            return
        (self.people if self._author() else self.system).append(data.strip())


def visible_text(html: str) -> tuple[str, str]:
    """(the system's own words, people's words), one piece per line, as a reader or screen reader meets them."""
    p = _Text()
    p.feed(html)
    return "\n\n".join(p.system), "\n\n".join(p.people)


def system_language_findings(html: str) -> list:
    from ceintel.language import check_text

    return check_text(visible_text(html)[0], where="profile")


_REF = re.compile(r"""(?:\b(?:src|href|xlink:href|action|poster|data)\s*=\s*["']?\s*(?!#)([^"'\s>]+))|(?:@import)|"""
                  r"""(?:url\(\s*["']?(?!#)([^"')]+))|(?:https?:)|(?://[a-z0-9.-]+\.[a-z]{2,})""", re.I)


def external_references(html: str) -> list[str]:
    """Everything that could make a request: src/href not to ``#``, ``@import``, ``url()`` not to ``#``, any http."""
    return [m.group(0) for m in _REF.finditer(html)]


def check_html(html: str) -> None:
    """Fail on the system's own blaming language or any reference out of the file."""
    refs = external_references(html)
    if refs:
        raise ReportError(f"the profile would make requests out of the file: {', '.join(sorted(set(refs))[:5])}")
    found = system_language_findings(html)
    if found:
        raise ReportError("the profile's own text has words to reconsider (a bug in ceintel's labels): "
                          + "; ".join(str(f) for f in found[:5]))


def write_pdf(html: str, path: Path) -> int:
    """Write the PDF of ``html`` (print CSS: A4, page numbers); returns the number of pages."""
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    refuse_all = URLFetcher(allowed_protocols=())  # the file is self-contained: nothing may be fetched
    doc = HTML(string=html, url_fetcher=refuse_all).render()
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.write_pdf(path)
    return len(doc.pages)
