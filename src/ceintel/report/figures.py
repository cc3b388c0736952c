"""Figures for the profile: a chart (inline SVG), its alt text, its caption and the table of its data.

Every figure carries the data it draws as a table, so a reader who cannot
see the chart (or prints it in black and white) loses nothing. The alt text
is written from the same rows: what is shown, the largest values and which
are hidden.
"""

from __future__ import annotations

from collections.abc import Iterable

from ceintel.charts import (
    bar_spec,
    choropleth_spec,
    inline_svg,
    network_svg,
    render_svg,
    sankey_svg,
    trend_spec,
    upset_spec,
)
from ceintel.charts.bar import bar_rows
from ceintel.charts.values import read_value, records
from ceintel.report.model import Cell, Figure, Table


def describe(pairs: Iterable[tuple[str, str, bool]], what: str) -> str:
    """Alt text from (name, label, shown) pairs: the largest shown values, and how many are hidden."""
    pairs = list(pairs)
    shown = [(n, lab) for n, lab, s in pairs if s]
    hidden = [n for n, _, s in pairs if not s]
    parts = [f"{what}: {len(pairs)} value{'s' if len(pairs) != 1 else ''}."]
    if shown:
        parts.append("Shown: " + "; ".join(f"{n} {lab}" for n, lab in shown[:8]) + ("; and more." if len(shown) > 8
                                                                                   else "."))
    if hidden:
        parts.append(f"{len(hidden)} hidden (c) to protect children's privacy: " + "; ".join(hidden[:8])
                     + ("; and more." if len(hidden) > 8 else "."))
    return " ".join(parts)


def _figure(fid: str, title: str, description: str, svg: str, caption: str, tables: list[Table]) -> Figure:
    return Figure(fid, title, description, inline_svg(svg), caption, tables)


def bar_figure(fid: str, rows: list[dict], *, title: str, caption: str, what: str, unit: str = "count",
               counts_people: bool = True, axis_title: str = "Children", column: str = "Category",
               value_column: str = "Value") -> Figure:
    """A bar chart of (category, value, status) rows and the same rows as a table."""
    drawn = bar_rows(rows, "category", unit=unit)
    desc = describe(((r["category"], r["label"], r["value"] is not None) for r in drawn), what)
    spec = bar_spec(rows, category="category", title=title, description=desc, unit=unit, axis_title=axis_title)
    table = Table(caption=f"Data for: {title}", columns=[column, value_column],
                  rows=[[Cell(r["category"]), Cell(r["label"], count=counts_people and r["value"] is not None,
                                                   numeric=True)] for r in drawn])
    return _figure(fid, title, desc, render_svg(spec), caption, [table])


def trend_figure(fid: str, rows: list[dict], *, title: str, caption: str, what: str, unit: str = "count",
                 counts_people: bool = True, axis_title: str = "Children") -> Figure:
    """Lines over the trend points, and a table with a row per period and a column per series."""
    series = list(dict.fromkeys(r["series"] for r in rows))
    periods = list(dict.fromkeys(r["period"] for r in rows))
    grid = {(r["period"], r["series"]): read_value(r["value"], r["status"]) for r in rows}
    last = periods[-1] if periods else ""
    desc = describe(((f"{s}, {last}", grid[(last, s)].label(unit), grid[(last, s)].shown) for s in series
                     if (last, s) in grid), what + f", {periods[0]} to {last}" if periods else what)
    spec = trend_spec(rows, period="period", series="series" if len(series) > 1 else None, title=title,
                      description=desc, unit=unit, axis_title=axis_title)
    table_rows = []
    for p in periods:
        row = [Cell(p)]
        for s in series:
            v = grid.get((p, s))
            row.append(Cell(v.label(unit) if v else ":", count=bool(counts_people and v and v.shown), numeric=True))
        table_rows.append(row)
    table = Table(f"Data for: {title}", ["Period", *series], table_rows)
    return _figure(fid, title, desc, render_svg(spec), caption, [table])


def map_figure(fid: str, geojson: dict, rows: list[dict], *, key_property: str, name_property: str, title: str,
               caption: str, what: str, unit: str = "count", counts_people: bool = True, legend_title: str = "Children",
               label_names: bool = True, names: dict[str, str] | None = None) -> Figure:
    """A choropleth of (area_code, value, status) rows over the boundaries, and the values as a table."""
    names = names or {str((f.get("properties") or {}).get(key_property)): str(f["properties"].get(name_property))
                      for f in geojson["features"]}
    by_code = {str(r["area_code"]): read_value(r.get("value"), r.get("status")) for r in rows}
    pairs = [(names.get(c, c), by_code.get(c, read_value(None, ":")).label(unit), by_code.get(c) is not None
              and by_code[c].shown) for c in names]
    desc = describe(pairs, what)
    spec = choropleth_spec(geojson, rows, key_property=key_property, name_property=name_property, title=title,
                           description=desc, unit=unit, legend_title=legend_title, label_names=label_names)
    table = Table(f"Data for: {title}", ["Area", "Value"],
                  [[Cell(n), Cell(lab, count=counts_people and shown, numeric=True)] for n, lab, shown in pairs])
    return _figure(fid, title, desc, render_svg(spec), caption, [table])


def upset_figure(fid: str, combos, *, title: str, caption: str) -> Figure:
    rows = records(combos)
    vals = [(str(r["agencies"]), read_value(r["children"])) for r in rows]
    desc = describe(((a, v.label(), v.shown) for a, v in sorted(vals, key=lambda x: -(x[1].number or -1))),
                    "Children with exploitation concerns by the combination of agencies that hold a record of them")
    spec = upset_spec(rows, title=title, description=desc)
    table = Table(f"Data for: {title}", ["Agencies holding a record", "Children"],
                  [[Cell(a), Cell(v.label(), count=v.shown, numeric=True)] for a, v in vals])
    return _figure(fid, title, desc, render_svg(spec), caption, [table])


def sankey_figure(fid: str, nodes, links, *, title: str, caption: str) -> Figure:
    nrows, lrows = records(nodes), records(links)
    desc = describe(((str(r["node"]), read_value(r["children"]).label(), read_value(r["children"]).shown)
                     for r in nrows), "Children reaching each service at each step of their journey")
    svg = sankey_svg(nrows, lrows, title=title, description=desc)
    steps = Table(f"Steps: {title}", ["Step and service", "Children"],
                  [[Cell(str(r["node"])), Cell(read_value(r["children"]).label(), count=read_value(r["children"]).shown,
                                               numeric=True)] for r in nrows])
    flows = Table(f"Links: {title}", ["From", "To", "Children"],
                  [[Cell(str(r["source"])), Cell(str(r["target"])),
                    Cell(read_value(r["children"]).label(), count=read_value(r["children"]).shown, numeric=True)]
                   for r in lrows])
    return Figure(fid, title, desc, inline_svg(svg), caption, [steps, flows])


def network_figure(fid: str, summary, *, title: str, caption: str) -> Figure:
    rows = records(summary)
    pairs = [(str(r["measure"]), read_value(r["value"]).label(), read_value(r["value"]).shown) for r in rows]
    desc = describe(pairs, "Peer groups and links recorded between people")
    svg = network_svg(rows, title=title, description=desc)
    table = Table(f"Data for: {title}", ["Measure", "Value"],
                  [[Cell(str(r["measure"]).capitalize()),
                    Cell(read_value(r["value"]).label(), count=bool(r.get("counts_people")) and read_value(r["value"]).shown,
                         numeric=True)] for r in rows])
    return Figure(fid, title, desc, inline_svg(svg), caption, [table])


def svg_figure(fid: str, svg: str, *, title: str, description: str, caption: str, tables: list[Table]) -> Figure:
    """A figure from an SVG made elsewhere (the maturity radar)."""
    return Figure(fid, title, description, inline_svg(svg), caption, tables)
