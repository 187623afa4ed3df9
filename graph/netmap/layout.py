"""Where nodes stand: fixed positions for maps drawn without the browser's force simulation.

A detailed map gets a seeded force-directed layout; a map folded by Kreis a grid in AGS order;
the Bund overview a tile map of the Länder (each Land one cell, roughly where it lies); the Land
overview one block of Kreise per Land, in AGS order under a heading box.
"""

from __future__ import annotations

import math

import networkx as nx

from ..model import STATE_BY_AGS_PREFIX
from .mapgraph import MapGraph

__all__ = ["LAND_TILES", "LAYOUT_SEED", "layout"]

#: (column, row) of each Land in a tile map of Germany: every Land one cell, neighbours stay near.
LAND_TILES = {
    "SH": (2, 0),
    "HB": (1, 1), "HH": (2, 1), "MV": (3, 1),
    "NW": (0, 2), "NI": (1, 2), "ST": (2, 2), "BB": (3, 2), "BE": (4, 2),
    "RP": (0, 3), "HE": (1, 3), "TH": (2, 3), "SN": (3, 3),
    "SL": (0, 4), "BW": (1, 4), "BY": (2, 4),
}
TILE = (300.0, 190.0)
FRAGMENT_GAP = 140.0
KREIS_CELL = (230.0, 150.0)

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
    if graph.level == "bund":
        return _tile_layout(graph)
    if graph.level == "land":
        return _land_blocks(graph)
    if any(n.kind == "kreis" for n in graph.nodes):
        return _grouped_layout(graph, seed)
    g = nx.Graph()
    g.add_nodes_from(n.id for n in graph.nodes)
    g.add_edges_from((e.source, e.target) for e in graph.edges)
    if not g:
        return {}
    # Fragments of one or two nodes would be pushed far out and shrink the rest when the view is
    # fitted; they stand in a row below the drawing instead.
    fragments = sorted((sorted(c) for c in nx.connected_components(g) if len(c) <= 2), key=lambda c: c[0])
    loose = {n for c in fragments for n in c}
    main = g.subgraph(n for n in g if n not in loose).copy() if loose else g
    pos: dict[str, tuple[float, float]] = {}
    if main:
        scale = 120.0 * math.sqrt(len(main))
        iterations = 50 if len(main) <= 500 else max(10, 50 * 500 // len(main))
        spring = nx.spring_layout(main, seed=seed, scale=scale, k=1.5 / math.sqrt(len(main)),
                                  iterations=iterations, method="force")
        pos = {n: (round(float(x), 1), round(float(y), 1)) for n, (x, y) in spring.items()}
    if fragments:
        left = min((x for x, _ in pos.values()), default=0.0)
        right = max((x for x, _ in pos.values()), default=0.0)
        top = max((y for _, y in pos.values()), default=-FRAGMENT_GAP) + FRAGMENT_GAP
        per_row = max(1, int((right - left) // FRAGMENT_GAP) + 1)
        for i, n in enumerate(n for c in fragments for n in c):
            pos[n] = (round(left + (i % per_row) * FRAGMENT_GAP, 1), round(top + (i // per_row) * FRAGMENT_GAP, 1))
    return pos


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


def _tile_layout(graph: MapGraph) -> dict[str, tuple[float, float]]:
    """Länder at their tiles; an unknown Land below the map."""
    pos = {}
    for n in graph.nodes:
        col, row = LAND_TILES.get(n.id.partition(":")[2], (2, 5))
        pos[n.id] = (col * TILE[0], row * TILE[1])
    return pos


def _land_blocks(graph: MapGraph, aspect: float = 1.7) -> dict[str, tuple[float, float]]:
    """Each Land's Kreise on a grid (AGS order) under the Land's heading; Länder side by side, four a row.

    A block's columns are chosen so that the whole map is about ``aspect`` times as wide as high,
    the shape of the drawing on a laptop screen."""
    headings = sorted((n for n in graph.nodes if n.kind == "land"), key=lambda n: n.id)
    kreise: dict[str, list[str]] = {}
    for n in sorted((n for n in graph.nodes if n.kind == "kreis"), key=lambda n: n.id):
        kreise.setdefault(_land_code(n.kreis), []).append(n.id)
    per_row = min(4, max(1, len(headings)))
    pos: dict[str, tuple[float, float]] = {}
    x0 = y0 = row_height = 0.0
    for i, heading in enumerate(headings):
        members = kreise.get(heading.id.partition(":")[2], [])
        ideal = math.sqrt(aspect * len(members) * KREIS_CELL[1] / (per_row * KREIS_CELL[0]))
        columns = max(1, min(len(members), math.ceil(ideal)))
        rows = max(1, math.ceil(len(members) / columns))
        if i and i % per_row == 0:
            x0, y0, row_height = 0.0, y0 + row_height + KREIS_CELL[1] * 0.5, 0.0
        width = columns * KREIS_CELL[0]
        pos[heading.id] = (x0 + (width - KREIS_CELL[0]) / 2, y0)
        for j, node_id in enumerate(members):
            pos[node_id] = (x0 + (j % columns) * KREIS_CELL[0], y0 + (0.8 + j // columns) * KREIS_CELL[1])
        x0 += width + KREIS_CELL[0] * 0.7
        row_height = max(row_height, (rows + 0.8) * KREIS_CELL[1])
    for n in graph.nodes:
        pos.setdefault(n.id, (0.0, 0.0))
    return pos


def _land_code(kreis: str | None) -> str:
    return STATE_BY_AGS_PREFIX.get((kreis or "")[:2], "?")
