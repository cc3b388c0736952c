"""The pseudonymised network as a small SVG (analysts only): children, adults and places as shapes, links as lines.

Why hand-written: the picture must render under the strict CSP without
script, and carry a title per node (its pseudonym and recorded roles) so it
can be read with a screen reader or by hovering. Shapes as well as colours
tell people from places, so it survives printing in black and white.
"""

from html import escape

import networkx as nx
import pandas as pd

WIDTH, HEIGHT, PAD = 900, 600, 20
COLOURS = {"child": "#1d4f91", "adult": "#8a3b00", "place": "#3a7d44"}


def _kind(node: dict) -> str:
    if node.get("node_type") == "place":
        return "place"
    return "adult" if node.get("role") == "adult" else "child"


def graph_svg(nodes: pd.DataFrame, edges: pd.DataFrame, seed: int = 1) -> str:
    g = nx.Graph()
    info = {}
    for n in nodes.to_dict("records"):
        g.add_node(n["node_id"])
        info[n["node_id"]] = n
    for e in edges.to_dict("records"):
        if e["a"] in info and e["b"] in info:
            g.add_edge(e["a"], e["b"], kind=e.get("kind"))
    pos = nx.spring_layout(g, seed=seed, k=None, iterations=60) if len(g) else {}
    xs = [p[0] for p in pos.values()] or [0]
    ys = [p[1] for p in pos.values()] or [0]
    x0, x1, y0, y1 = min(xs), max(xs), min(ys), max(ys)

    def at(node):
        x, y = pos[node]
        return (PAD + (x - x0) / ((x1 - x0) or 1) * (WIDTH - 2 * PAD),
                PAD + (y - y0) / ((y1 - y0) or 1) * (HEIGHT - 2 * PAD))

    counts = {k: sum(1 for n in info.values() if _kind(n) == k) for k in COLOURS}
    desc = (f"{counts['child']} children, {counts['adult']} adults and {counts['place']} places, "
            f"{g.number_of_edges()} links as recorded by agencies. Pseudonyms only; the tables below list them.")
    out = [f'<svg viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" role="img" aria-labelledby="graph-title graph-desc" '
           f'font-family="DejaVu Sans, sans-serif">',
           '<title id="graph-title">Network of children, adults linked to them, and places</title>',
           f'<desc id="graph-desc">{escape(desc)}</desc>', f'<rect width="{WIDTH}" height="{HEIGHT}" fill="white"/>']
    for a, b in g.edges():
        (ax, ay), (bx, by) = at(a), at(b)
        out.append(f'<line x1="{ax:.1f}" y1="{ay:.1f}" x2="{bx:.1f}" y2="{by:.1f}" stroke="#b1b4b6" '
                   f'stroke-width="1"/>')
    for node_id, n in info.items():
        x, y = at(node_id)
        kind = _kind(n)
        roles = n.get("recorded_roles") or n.get("place_type") or ""
        label = escape(f"{kind}: {node_id}" + (f" ({roles})" if roles else ""))
        colour = COLOURS[kind]
        if kind == "place":
            shape = f'<rect x="{x - 5:.1f}" y="{y - 5:.1f}" width="10" height="10" fill="{colour}">'
            out.append(f"{shape}<title>{label}</title></rect>")
        elif kind == "adult":
            out.append(f'<polygon points="{x:.1f},{y - 6:.1f} {x + 6:.1f},{y + 5:.1f} {x - 6:.1f},{y + 5:.1f}" '
                       f'fill="{colour}"><title>{label}</title></polygon>')
        else:
            out.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="4" fill="{colour}"><title>{label}</title></circle>')
    out.append("</svg>")
    return "".join(out)
