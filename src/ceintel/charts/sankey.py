"""A Sankey (journey) diagram as hand-written SVG: steps as columns, services as boxes, children as flows.

Vega-Lite has no Sankey layout, and the web app and the report need the
same static picture, so it is drawn here from the published ``pathway_nodes``
and ``pathway_links``. Widths come only from shown counts; a hidden node is a
small grey dashed box labelled "c" and a hidden link a thin dashed line, so
hidden journeys are visible as hidden and their size cannot be read off.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from ceintel.charts.style import BAR, HIDDEN, HIDDEN_STROKE, INK
from ceintel.charts.svg import document, text
from ceintel.charts.values import read_value, records

COLUMN_GAP = 215
NODE_WIDTH = 14
HIDDEN_HEIGHT = 6
MIN_GAP = 16


def _name(node: str) -> str:
    """ "2. Police" → "Police": the step is the column."""
    head, _, rest = node.partition(". ")
    return rest if head.isdigit() and rest else node


def sankey_layout(nodes: Any, links: Any, *, height: float = 360) -> dict:
    """Positions of nodes and links (plain data, for tests and for drawing)."""
    node_rows = [r for r in records(nodes)]
    steps = sorted({int(r["step"]) for r in node_rows})
    by_step: dict[int, list[dict]] = defaultdict(list)
    for r in node_rows:
        v = read_value(r.get("children"))
        by_step[int(r["step"])].append({"id": str(r["node"]), "name": _name(str(r["node"])), "value": v})
    total = max((sum(n["value"].number or 0 for n in ns) for ns in by_step.values()), default=1) or 1
    most = max((len(ns) for ns in by_step.values()), default=1)
    scale = max(0.5, (height - most * MIN_GAP) / total)
    placed: dict[str, dict] = {}
    for col, step in enumerate(steps):
        ns = sorted(by_step[step], key=lambda n: (n["value"].number is None, -(n["value"].number or 0), n["name"]))
        y = 30.0
        for n in ns:
            h = n["value"].number * scale if n["value"].shown and n["value"].number else HIDDEN_HEIGHT
            placed[n["id"]] = {**n, "x": 10 + col * COLUMN_GAP, "y": y, "h": max(h, 2.0), "out": 0.0, "in": 0.0,
                               "step": step}
            y += max(h, 2.0) + MIN_GAP
    flows = []
    for r in records(links):
        s, t = placed.get(str(r["source"])), placed.get(str(r["target"]))
        if s is None or t is None:
            continue
        v = read_value(r.get("children"))
        w = (v.number or 0) * scale if v.shown else 0.0
        flows.append({"source": s["id"], "target": t["id"], "value": v, "width": w,
                      "y0": s["y"] + s["out"] + w / 2, "y1": t["y"] + t["in"] + w / 2,
                      "x0": s["x"] + NODE_WIDTH, "x1": t["x"]})
        s["out"] += w
        t["in"] += w
    bottom = max((n["y"] + n["h"] for n in placed.values()), default=height)
    return {"nodes": list(placed.values()), "links": flows, "steps": steps,
            "width": 10 + max(len(steps) - 1, 0) * COLUMN_GAP + 220, "height": max(bottom + 20, 120)}


def sankey_svg(nodes: Any, links: Any, *, title: str, description: str, height: float = 360) -> str:
    """SVG of the journeys; every node labelled with its service and count (or "c")."""
    lay = sankey_layout(nodes, links, height=height)
    body: list[str] = []
    for i, step in enumerate(lay["steps"]):
        body.append(text(10 + i * COLUMN_GAP, 16, f"Step {step}", weight="bold"))
    for f in lay["links"]:
        mid = (f["x0"] + f["x1"]) / 2
        path = f'M{f["x0"]:.1f},{f["y0"]:.1f} C{mid:.1f},{f["y0"]:.1f} {mid:.1f},{f["y1"]:.1f} {f["x1"]:.1f},{f["y1"]:.1f}'
        if f["value"].shown and f["width"] > 0:
            body.append(f'<path d="{path}" fill="none" stroke="{BAR}" stroke-opacity="0.35" '
                        f'stroke-width="{f["width"]:.1f}"/>')
        elif not f["value"].shown:
            body.append(f'<path d="{path}" fill="none" stroke="#9a9a9a" stroke-width="0.7" '
                        f'stroke-dasharray="3 3"/>')
    for n in lay["nodes"]:
        if n["value"].shown:
            body.append(f'<rect x="{n["x"]}" y="{n["y"]:.1f}" width="{NODE_WIDTH}" height="{n["h"]:.1f}" '
                        f'fill="{INK}"/>')
        else:
            body.append(f'<rect x="{n["x"]}" y="{n["y"]:.1f}" width="{NODE_WIDTH}" height="{n["h"]:.1f}" '
                        f'fill="{HIDDEN}" stroke="{HIDDEN_STROKE}" stroke-dasharray="2 1"/>')
    for n in lay["nodes"]:
        words = f'{n["name"]} ({n["value"].label()})'
        y = n["y"] + min(n["h"], 20) / 2 + 4
        body.append(f'<rect x="{n["x"] + NODE_WIDTH + 2}" y="{y - 10:.1f}" width="{len(words) * 5.6 + 4:.0f}" '
                    f'height="13" fill="white" fill-opacity="0.85"/>')
        body.append(text(n["x"] + NODE_WIDTH + 4, y, words, size=10))
    note = ("Grey dashed boxes and lines: counts hidden (c), of 1 to 5 children or ones that would reveal them; "
            "the table gives every step and link.")
    body.append(text(10, lay["height"] + 4, note, size=10))
    return document(lay["width"], lay["height"] + 14, body, title=title, description=description)
