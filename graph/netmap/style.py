"""How a map looks: German labels, colours, shapes and edge styles of every kind of node and tie,
and the legends that explain them.

The palette is Okabe–Ito's (Okabe & Ito 2008), seven colours that stay apart under red–green
and blue–yellow colour-vision deficiency; :mod:`graph.netmap.colours` measures that (CIEDE2000
under simulated dichromacy), and the tests assert it. Where a colouring has more categories than
the palette (institution types), the shape tells them apart as well. Nothing here reads a Dataset.
"""

from __future__ import annotations

from functools import cache
from typing import NamedTuple

from ..model import INSTITUTION_TYPES, SECTORS
from ..rules import STATUS_LABELS
from .mapgraph import MapGraph, MapNode

__all__ = [
    "COLOUR_BY", "EDGE_LABELS", "EDGE_LEGEND", "EDGE_STYLE", "KIND_COLOURS", "KIND_LABELS", "KIND_SHAPES",
    "MAX_LABEL", "OKABE_ITO", "SECTOR_COLOURS", "SHAPES", "STATUS_BORDER", "STATUS_COLOURS", "STATUS_LABELS",
    "TYPE_LOOKS", "Look", "check_colour_by", "colour_groups", "edge_legend", "group_of", "legend", "look_of",
]

KIND_LABELS = {
    "alliance": "Bündnis",
    "institution": "Einrichtung",
    "actor": "Person",
    "youth": "Junge*r Geflüchtete*r",
    "kreis": "Kreis",
    "land": "Land",
}
EDGE_LABELS = {
    "MEMBER_OF": "Mitglied",
    "WORKS_AT": "arbeitet bei",
    "KNOWS": "kennt",
    "COOPERATES_WITH": "kooperiert mit",
    "LOCATED_IN": "liegt in",
    "SHARES_MEMBERS": "gemeinsame Mitglieder",
}

#: Okabe & Ito (2008), without black: blue, sky blue, bluish green, yellow, vermillion, orange, reddish purple.
OKABE_ITO = ("#0072B2", "#56B4E9", "#009E73", "#F0E442", "#D55E00", "#E69F00", "#CC79A7")
BLUE, SKY, GREEN, YELLOW, VERMILLION, ORANGE, PURPLE = OKABE_ITO


class Look(NamedTuple):
    """How one category is drawn: German label, fill colour, vis-network shape."""

    label: str
    colour: str
    shape: str


#: Shape of each kind of node when the colour does not say more. A Kreis grouping its alliances is a
#: hexagon; a Land heading its Kreise is text only.
KIND_SHAPES = {"alliance": "diamond", "institution": "square", "actor": "dot", "youth": "dot", "kreis": "hexagon",
               "land": "text"}
SHAPES = KIND_SHAPES  # the name used before the palette carried shapes
KIND_COLOURS = {"alliance": "#5E3C99", "institution": BLUE, "actor": GREEN, "youth": PURPLE, "kreis": "#BBBBBB",
                "land": "#E2E2E2"}
# Young refugees keep reddish purple in every colouring; no sector uses it, so a migrant organisation
# (vermillion) and a young refugee never look alike -- the two groups behind the youth-voice check.
SECTOR_COLOURS = {"verwaltung": BLUE, "bildung": SKY, "freie_wohlfahrt": GREEN, "zivilgesellschaft": YELLOW,
                  "migrantenorganisation": VERMILLION, "sonstige": ORANGE}
_TYPE_SHAPES = ("square", "triangle")  # 13 types > 7 colours: the first seven square, the rest triangles
TYPE_LOOKS = {t: Look(label, OKABE_ITO[i % len(OKABE_ITO)], _TYPE_SHAPES[i // len(OKABE_ITO)])
              for i, (t, label) in enumerate(INSTITUTION_TYPES.items())}
TYPE_COLOURS = {t: look.colour for t, look in TYPE_LOOKS.items()}
#: Fill of Land and Kreis overview nodes by the worst status of their alliances; border of an alliance.
STATUS_COLOURS = {"ok": GREEN, "warn": ORANGE, "critical": VERMILLION}
STATUS_BORDER = {"critical": VERMILLION, "warn": ORANGE}
#: Three line styles: solid (belongs to), dashed (works at / lies in), dotted (knows / cooperates with).
EDGE_STYLE: dict[str, dict[str, object]] = {
    "MEMBER_OF": {"color": "#8C8C8C", "dashes": False},
    "WORKS_AT": {"color": "#A0A0A0", "dashes": [8, 5]},
    "KNOWS": {"color": "#0072B2", "dashes": [2, 4]},
    "COOPERATES_WITH": {"color": "#0072B2", "dashes": [2, 4]},
    "LOCATED_IN": {"color": "#A0A0A0", "dashes": [8, 5]},
    "SHARES_MEMBERS": {"color": "#8C8C8C", "dashes": False},
}
#: The legend of the three line styles: (edge types, German text).
EDGE_LEGEND = (
    (("MEMBER_OF", "SHARES_MEMBERS"), "durchgezogen: Mitglied im Bündnis bzw. gemeinsame Mitglieder "
                                      "(Linienbreite = Anzahl)"),
    (("WORKS_AT", "LOCATED_IN"), "gestrichelt: arbeitet bei bzw. liegt im Kreis"),
    (("KNOWS", "COOPERATES_WITH"), "gepunktet: kennt sich bzw. kooperiert"),
)
COLOUR_BY = ("kind", "type", "sector")
MAX_LABEL = 40


def legend(graph: MapGraph, colour_by: str = "kind") -> list[Look]:
    """A :class:`Look` for each category present in the map, in a stable order.

    Overview maps (Länder or Kreise standing for their alliances) are coloured by status whatever
    ``colour_by`` says; their legend lists the statuses.
    """
    check_colour_by(colour_by)
    present = {group_of(n, colour_by) for n in graph.nodes}
    return [look for key, look in colour_groups(colour_by).items() if key in present and look.shape != "text"]


def edge_legend(graph: MapGraph) -> list[tuple[dict[str, object], str]]:
    """(line style, German text) for each of the three line styles present in the map."""
    present = {e.type for e in graph.edges}
    return [(EDGE_STYLE[types[0]], text) for types, text in EDGE_LEGEND if present & set(types)]


@cache
def colour_groups(colour_by: str) -> dict[str, Look]:
    """Every category of a colouring with its look; keys are what :func:`group_of` returns."""
    check_colour_by(colour_by)
    status = {f"status:{s}": Look(f"{STATUS_LABELS[s]} (schlechtester Status)", c, "dot")
              for s, c in STATUS_COLOURS.items()}
    kinds = {k: Look(KIND_LABELS[k], KIND_COLOURS[k], KIND_SHAPES[k]) for k in ("alliance", "kreis", "land")}
    youth = {"youth": Look(KIND_LABELS["youth"], KIND_COLOURS["youth"], "dot")}
    if colour_by == "kind":
        return {**status, **{k: Look(KIND_LABELS[k], KIND_COLOURS[k], KIND_SHAPES[k]) for k in KIND_LABELS}}
    if colour_by == "sector":
        sectors = {f"sector:{s}": Look(SECTORS[s], c, "square") for s, c in SECTOR_COLOURS.items()}
        return {**status, **kinds, **sectors, **youth}
    types = {f"type:{t}": look for t, look in TYPE_LOOKS.items()}
    return {**status, **kinds, **types, "person": Look("Person", KIND_COLOURS["actor"], "dot"), **youth}


def group_of(node: MapNode, colour_by: str) -> str:
    """The category a node is drawn in (a key of :func:`colour_groups`)."""
    if node.kind in ("land", "kreis") and node.count is not None:
        return f"status:{node.status or 'ok'}"
    if colour_by == "kind" or node.kind in ("alliance", "kreis", "land", "youth"):
        return node.kind
    if colour_by == "sector":
        return f"sector:{node.sector if node.sector in SECTOR_COLOURS else 'sonstige'}"
    return f"type:{node.type}" if node.kind == "institution" and node.type in TYPE_LOOKS else "person"


def look_of(node: MapNode, colour_by: str) -> tuple[str, str]:
    """(fill colour, shape) of a node: the colour of its category; the shape of its kind, except
    where the category has a shape of its own (institution types, overview nodes)."""
    key = group_of(node, colour_by)
    look = colour_groups(colour_by)[key]
    if key.startswith(("type:", "status:")):
        return look.colour, look.shape
    return look.colour, KIND_SHAPES.get(node.kind, "dot")


def check_colour_by(colour_by: str) -> None:
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {COLOUR_BY}, not {colour_by!r}")
