"""Charts shared by the profile report and the web app: Vega-Lite specs (via Altair) and hand-written SVG.

Each function takes published rows (after disclosure control) and returns a
spec or an SVG string with a title and a description (the alt text). Hidden
values are drawn as hidden, never dropped; colours survive black-and-white
printing because values are also labelled directly.

    spec = bar_spec(rows, category="category", title=..., description=...)
    svg = render_svg(spec)          # standalone SVG, offline (vl-convert)
    html_svg = inline_svg(svg)      # for an HTML5 page
"""

from ceintel.charts.bar import bar_spec
from ceintel.charts.choropleth import choropleth_spec, wind_clockwise
from ceintel.charts.network import network_svg
from ceintel.charts.render import inline_svg, render_svg
from ceintel.charts.sankey import sankey_svg
from ceintel.charts.trend import trend_spec
from ceintel.charts.upset import upset_spec

__all__ = ["bar_spec", "choropleth_spec", "inline_svg", "network_svg", "render_svg", "sankey_svg", "trend_spec",
           "upset_spec", "wind_clockwise"]
