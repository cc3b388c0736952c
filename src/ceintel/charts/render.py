"""Vega-Lite spec to SVG, offline, with the chart's title and description inside the SVG.

vl-convert bundles Vega, so rendering needs no network and no browser. The
SVG it returns has no accessible name, so :func:`render_svg` adds
``role="img"``, ``aria-label``, ``<title>`` and ``<desc>`` from the spec's own
``title`` and ``description``: the words a screen reader hears are the ones
the chart was made with. :func:`inline_svg` strips the namespace
declarations, which HTML5 does not need inside a page (and which would be the
only ``http`` strings in a self-contained report).
"""

from __future__ import annotations

import re
from html import escape

_OPEN = re.compile(r"<svg\b([^>]*)>", re.S)
_NS = re.compile(r'\s+xmlns(?::\w+)?="[^"]*"')
_XLINK = re.compile(r"\bxlink:href=")


def spec_title(spec: dict) -> str:
    title = spec.get("title", "")
    if isinstance(title, dict):
        title = title.get("text", "")
    if isinstance(title, list):
        title = " ".join(title)
    return str(title)


def accessible(svg: str, title: str, description: str) -> str:
    """The SVG with ``role="img"``, an ``aria-label`` and ``<title>``/``<desc>`` as its first children."""
    m = _OPEN.search(svg)
    if m is None:
        raise ValueError("not an SVG document")
    attrs = re.sub(r'\s+(role|aria-label|aria-roledescription)="[^"]*"', "", m.group(1))
    label = escape(f"{title}. {description}" if description else title, quote=True)
    head = (f'<svg{attrs} role="img" aria-label="{label}">'
            f"<title>{escape(title)}</title><desc>{escape(description)}</desc>")
    return svg[:m.start()] + head + svg[m.end():]


def render_svg(spec: dict) -> str:
    """A standalone SVG document of a Vega-Lite spec, with title and description for assistive technology."""
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec)
    return accessible(svg, spec_title(spec), str(spec.get("description", "")))


_INNER_ATTRS = re.compile(r'\s(?:aria-label|aria-roledescription|aria-hidden|role|class|pointer-events)="[^"]*"')
_HIDDEN_PATHS = re.compile(r'<path\b[^>]*\bdisplay="none"[^>]*/>')
_LONG_NUMBER = re.compile(r"(-?\d+\.\d)\d+")


def compact_svg(svg: str) -> str:
    """Vega's SVG without per-mark ARIA labels, empty paths and 14-digit coordinates.

    The chart's own ``<title>``/``<desc>`` and the data table say it all; the
    per-mark labels would make a screen reader read every bar twice, and the
    bulk makes the PDF slow to lay out. The root element is left as it is.
    """
    m = _OPEN.search(svg)
    if m is None:
        raise ValueError("not an SVG document")
    head_end = svg.find("</desc>", m.end())
    cut = head_end + len("</desc>") if head_end >= 0 else m.end()
    body = _HIDDEN_PATHS.sub("", svg[cut:])
    body = _INNER_ATTRS.sub("", body)
    body = _LONG_NUMBER.sub(r"\1", body)
    return svg[:cut] + body


def inline_svg(svg: str) -> str:
    """The SVG ready to sit inside an HTML5 page: compact, no namespace declarations, ``href`` for ``xlink:href``."""
    svg = compact_svg(svg)
    m = _OPEN.search(svg)
    svg = svg[:m.start()] + "<svg" + _NS.sub("", m.group(1)) + ">" + svg[m.end():]
    svg = re.sub(r"<\?xml[^>]*\?>\s*", "", svg)
    return _XLINK.sub("href=", svg)
