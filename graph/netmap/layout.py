"""Where nodes stand: fixed positions for maps drawn without the browser's force simulation.

A detailed map gets a seeded force-directed layout; a map folded by Kreis a grid in AGS order.
"""

from __future__ import annotations

import math

import networkx as nx

from .mapgraph import MapGraph

__all__ = ["LAYOUT_SEED", "layout"]

LAYOUT_SEED = 7


def layout(graph: MapGraph, seed: int = LAYOUT_SEED) -> dict[str, tuple[float, float]]:
    """Fixed positions in vis-network pixels: a seeded force-directed layout.

    Uses :func:`networkx.spring_layout` (Fruchterman & Reingold 1991). Above
    500 nodes networkx switches to its slower sparse solver, so fewer
    iterations keep a large map at about two seconds.

    References
    ----------
    T. M. J. Fruchterman, E. M. Reingold: Graph drawing by force-directed
    placement. Software: Practice and Experience 21(11), 1991.
    """
    if any(n.kind == "kreis" for n in graph.nodes):
        return _grouped_layout(graph, seed)
    g = nx.Graph()
    g.add_nodes_from(n.id for n in graph.nodes)
    g.add_edges_from((e.source, e.target) for e in graph.edges)
    if not g:
        return {}
    scale = 120.0 * math.sqrt(len(g))
    iterations = 50 if len(g) <= 500 else max(10, 50 * 500 // len(g))
    pos = nx.spring_layout(g, seed=seed, scale=scale, k=1.5 / math.sqrt(len(g)), iterations=iterations,
                           method="force")
    return {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in pos.items()}


def _grouped_layout(graph: MapGraph, seed: int) -> dict[str, tuple[float, float]]:
    """Layout of a map folded by Kreis: the Kreise on a grid in AGS order (so the Kreise of one Land
    stand together), each Kreis' alliances in a ring around it. No force simulation: a nationwide map
    with thousands of alliances is laid out in milliseconds, and an alliance always sits by its Kreis."""
    kreise = sorted((n for n in graph.nodes if n.kind == "kreis"), key=lambda n: (n.kreis or "", n.id))
    home = {e.source: e.target for e in graph.edges if e.type == "LOCATED_IN" and e.target.startswith("kreis:")}
    ring: dict[str, list[str]] = {}
    for alliance, kreis in sorted(home.items()):
        ring.setdefault(kreis, []).append(alliance)
    widest = max((len(v) for v in ring.values()), default=1)
    radius_of = {k: 70.0 + 18.0 * math.sqrt(len(v)) for k, v in ring.items()}
    spacing = 2 * (70.0 + 18.0 * math.sqrt(widest)) + 120.0
    columns = max(1, math.ceil(math.sqrt(len(kreise))))
    pos: dict[str, tuple[float, float]] = {}
    for i, node in enumerate(kreise):
        cx, cy = (i % columns) * spacing, (i // columns) * spacing
        pos[node.id] = (round(cx, 1), round(cy, 1))
        members = ring.get(node.id, [])
        for j, alliance in enumerate(members):
            angle = 2 * math.pi * j / len(members) - math.pi / 2
            r = radius_of[node.id]
            pos[alliance] = (round(cx + r * math.cos(angle), 1), round(cy + r * math.sin(angle), 1))
    for n in graph.nodes:  # nothing else occurs in a folded map; keep every node placed all the same
        pos.setdefault(n.id, (0.0, 0.0))
    return pos
