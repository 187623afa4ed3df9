"""How a map looks: German labels, colours, shapes and edge styles of every kind of node and tie,
and the legend that explains them.

Nothing here reads a Dataset.
"""

from __future__ import annotations

from ..model import INSTITUTION_TYPES, SECTORS
from ..rules import STATUS_LABELS
from .mapgraph import MapGraph, MapNode

__all__ = [
    "COLOUR_BY", "EDGE_LABELS", "EDGE_STYLE", "KIND_COLOURS", "KIND_LABELS", "MAX_LABEL", "SECTOR_COLOURS",
    "SHAPES", "STATUS_BORDER", "STATUS_LABELS", "TYPE_COLOURS", "check_colour_by", "colour_groups", "group_of",
    "legend",
]

KIND_LABELS = {
    "alliance": "Bündnis",
    "institution": "Einrichtung",
    "actor": "Person",
    "youth": "Junge*r Geflüchtete*r",
    "kreis": "Kreis",
}
EDGE_LABELS = {
    "MEMBER_OF": "Mitglied",
    "WORKS_AT": "arbeitet bei",
    "KNOWS": "kennt",
    "COOPERATES_WITH": "kooperiert mit",
    "LOCATED_IN": "liegt in",
    "SHARES_MEMBERS": "gemeinsame Mitglieder",
}

# Colour-blind-safe palettes (Okabe–Ito and Tableau 10 order); alliances purple so the
# red/orange status borders stand out.
KIND_COLOURS = {"alliance": "#6A51A3", "institution": "#0072B2", "actor": "#009E73",
                "youth": "#CC79A7", "kreis": "#999999"}
SECTOR_COLOURS = {"verwaltung": "#0072B2", "bildung": "#56B4E9", "freie_wohlfahrt": "#009E73",
                  "zivilgesellschaft": "#F0E442", "migrantenorganisation": "#CC79A7", "sonstige": "#7F7F7F"}
TYPE_PALETTE = ("#4E79A7", "#F28E2B", "#59A14F", "#B07AA1", "#76B7B2", "#EDC948", "#FF9DA7",
                "#9C755F", "#BAB0AC", "#86BCB6", "#D37295", "#A0CBE8", "#8CD17D")
TYPE_COLOURS = {t: TYPE_PALETTE[i % len(TYPE_PALETTE)] for i, t in enumerate(INSTITUTION_TYPES)}
STATUS_BORDER = {"critical": "#D62728", "warn": "#FF7F0E"}
SHAPES = {"alliance": "diamond", "institution": "square", "actor": "dot", "youth": "dot", "kreis": "box"}
EDGE_STYLE = {
    "MEMBER_OF": {"color": "#8C8C8C", "dashes": False},
    "WORKS_AT": {"color": "#B0B0B0", "dashes": [4, 4]},
    "KNOWS": {"color": "#4E79A7", "dashes": [2, 3]},
    "COOPERATES_WITH": {"color": "#4E79A7", "dashes": [2, 3]},
    "LOCATED_IN": {"color": "#C8C8C8", "dashes": [6, 4]},
    "SHARES_MEMBERS": {"color": "#8C8C8C", "dashes": False},
}
COLOUR_BY = ("kind", "type", "sector")
MAX_LABEL = 40


def legend(graph: MapGraph, colour_by: str = "kind") -> list[tuple[str, str]]:
    """(label, colour) for each colour group present in the map, in a stable order."""
    check_colour_by(colour_by)
    present = {group_of(n, colour_by) for n in graph.nodes}
    return [(label, colour) for key, (label, colour) in colour_groups(colour_by).items() if key in present]


def colour_groups(colour_by: str) -> dict[str, tuple[str, str]]:
    kinds = {k: (KIND_LABELS[k], KIND_COLOURS[k]) for k in ("alliance", "kreis")}
    if colour_by == "kind":
        return {k: (KIND_LABELS[k], KIND_COLOURS[k]) for k in KIND_LABELS}
    if colour_by == "sector":
        sectors = {s: (SECTORS[s], c) for s, c in SECTOR_COLOURS.items()}
        return {**kinds, **sectors, "youth": (KIND_LABELS["youth"], KIND_COLOURS["youth"])}
    types = {t: (INSTITUTION_TYPES[t], c) for t, c in TYPE_COLOURS.items()}
    return {**kinds, **types, "person": ("Person", KIND_COLOURS["actor"]),
            "youth": (KIND_LABELS["youth"], KIND_COLOURS["youth"])}


def group_of(node: MapNode, colour_by: str) -> str:
    if colour_by == "kind" or node.kind in ("alliance", "kreis", "youth"):
        return node.kind
    if colour_by == "sector":
        return node.sector or "sonstige"
    return node.type if node.kind == "institution" and node.type in TYPE_COLOURS else "person"


def check_colour_by(colour_by: str) -> None:
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {COLOUR_BY}, not {colour_by!r}")


