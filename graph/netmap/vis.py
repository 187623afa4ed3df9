"""A MapGraph as vis-network data: node and edge objects, options and the legends, as plain JSON-able dicts.

One function, :func:`vis_data`, feeds both drawings of a map: the standalone HTML page
(:mod:`graph.netmap.html`) and the app's map component (``ui/karte_komponente.py``). Names stay
data: labels and tooltips are plain strings that vis-network draws on the canvas or shows as
text; the legends are strings the page sets with ``textContent``.
"""

from __future__ import annotations

from .layout import layout
from .mapgraph import MapGraph, MapNode
from .style import (
    EDGE_LABELS,
    EDGE_STYLE,
    KIND_LABELS,
    KIND_SHAPES,
    STATUS_BORDER,
    check_colour_by,
    edge_legend,
    legend,
    look_of,
)

__all__ = ["LAYOUT_ABOVE", "vis_data"]

#: More nodes than this and the layout is precomputed (physics off) so the browser stays responsive.
LAYOUT_ABOVE = 150
#: Label size on screen in pixels, whatever the zoom (the page rescales the font as the view zooms).
LABEL_PX = 13


def vis_data(graph: MapGraph, *, colour_by: str = "kind", physics: bool = True) -> dict:
    """Everything the map page needs to draw ``graph``: ``nodes``, ``edges``, ``options``, legends, title.

    Positions are precomputed (and physics off) when ``physics`` is false, for overview maps and
    above :data:`LAYOUT_ABOVE` nodes.
    """
    check_colour_by(colour_by)
    precomputed = not physics or graph.aggregated or len(graph.nodes) > LAYOUT_ABOVE
    positions = layout(graph) if precomputed else {}
    nodes = [_node(n, colour_by, positions.get(n.id)) for n in graph.nodes]
    edges: list[dict[str, object]] = []
    for e in graph.edges:
        style = EDGE_STYLE.get(e.type, EDGE_STYLE["MEMBER_OF"])
        # a survey tie (graph.netmap.survey_edges): solid, coloured by trust, as wide as it is frequent
        edges.append({"from": e.source, "to": e.target, "title": e.tooltip or EDGE_LABELS.get(e.type, e.type),
                      "color": {"color": e.colour or style["color"], "highlight": "#000000", "hover": "#333333"},
                      "dashes": False if e.colour else style["dashes"], "type": e.type,
                      "width": min(1.0 + e.weight, 8.0) if e.type == "SHARES_MEMBERS" or e.colour else 1.5})
    options = {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "multiselect": False,
                        "keyboard": {"enabled": True, "bindToWindow": False}},
        "physics": {"enabled": not precomputed, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
                    "stabilization": {"enabled": True, "iterations": 300, "fit": False}},
        "edges": {"smooth": False},
        "nodes": {"font": {"face": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif"}},
        "layout": {"randomSeed": 7},
    }
    return {
        "title": graph.title, "level": graph.level, "note": graph.note, "aggregated": graph.aggregated,
        "as_of": graph.as_of.strftime("%d.%m.%Y") if graph.as_of else None,
        "nodes": nodes, "edges": edges, "options": options, "labelPx": LABEL_PX,
        "legend": [{"label": look.label, "colour": look.colour, "shape": look.shape}
                   for look in legend(graph, colour_by)],
        "shapes": _shape_legend(graph, colour_by),
        "edgeLegend": [{"text": text, "color": style["color"], "dashes": style["dashes"]}
                       for style, text in edge_legend(graph)] + _survey_legend(graph),
        "notes": _notes(graph),
    }


def _node(n: MapNode, colour_by: str, position: tuple[float, float] | None) -> dict:
    fill, shape = look_of(n, colour_by)
    border = STATUS_BORDER.get(n.status or "", "#555555") if n.count is None else "#333333"
    font: dict[str, object] = {"size": LABEL_PX, "color": "#A00000" if n.flagged and n.count is None else "#1A1A1A"}
    if n.count is None and n.kind != "land":  # lines may cross a name in a network, not in an overview
        font["background"] = "rgba(255,255,255,0.8)"
    if shape == "text":
        font = {"size": LABEL_PX + 2, "color": "#1A1A1A"}
    node: dict[str, object] = {
        "id": n.id, "label": n.label, "title": n.tooltip, "shape": shape, "size": n.size, "kind": n.kind,
        "color": {"background": fill, "border": border,
                  "highlight": {"background": fill, "border": "#000000"},
                  "hover": {"background": fill, "border": "#000000"}},
        "borderWidth": 4 if n.flagged and n.count is None else 1.5,
        "borderWidthSelected": 5 if n.flagged else 3,
        "font": font,
        "importance": _importance(n), "drill": n.count is not None or n.kind == "land",
    }
    if position is not None:
        node["x"], node["y"] = position
    return node


def _importance(n: MapNode) -> float:
    """Which labels win where they would overlap: headings, then overview nodes and alliances (flagged
    first, then by connections), institutions, people."""
    base = {"land": 3000.0 if n.count is None else 2000.0, "kreis": 2000.0 if n.count is not None else 2500.0,
            "alliance": 1000.0, "institution": 100.0}.get(n.kind, 0.0)
    return base + (300.0 if n.flagged else 0.0) + 10.0 * (n.count or 0) + n.degree


def _shape_legend(graph: MapGraph, colour_by: str) -> list[dict]:
    """What the shapes mean where the colour legend does not say it (colouring by sector or type)."""
    if colour_by == "kind" or graph.aggregated:
        return []
    kinds = {n.kind for n in graph.nodes}
    out = []
    for kind in ("institution", "actor"):  # alliances, Kreise, young refugees: in the colour legend already
        if kind in kinds and not (colour_by == "type" and kind == "institution"):
            out.append({"label": f"Form: {KIND_LABELS[kind]}", "colour": "#FFFFFF", "shape": KIND_SHAPES[kind]})
    return out


def _survey_legend(graph: MapGraph) -> list[dict]:
    """Lines of survey-reported ties: one entry per trust band present (colour), width = frequency."""
    from .survey_edges import TRUST_COLOURS

    present = {e.colour for e in graph.edges if e.colour}
    return [{"text": f"Befragung: Vertrauen {band} von 4 (Linienbreite = wie häufig)", "color": colour,
             "dashes": False} for band, colour in sorted(TRUST_COLOURS.items()) if colour in present]


def _notes(graph: MapGraph) -> list[str]:
    notes = []
    if any(n.kind == "kreis" and n.count is None for n in graph.nodes):
        notes.append("(n) hinter einem Kreis (Sechseck): Zahl der Bündnisse in diesem Kreis.")
    if any(n.count is not None for n in graph.nodes):
        notes.append("Größe eines Punktes: Zahl der Bündnisse; Klick öffnet die nächste Ebene.")
    else:
        notes.append("Größe: Zahl der Verbindungen.")
    if any(n.flagged and n.count is None for n in graph.nodes):
        notes.append("Dicker roter bzw. oranger Rand und ⚠: Bündnis kritisch bzw. mit Warnung.")
    notes.append("Nicht jeder Name steht in der Karte: Überfahren oder Heranzoomen zeigt die übrigen.")
    return notes
