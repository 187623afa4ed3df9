"""The drawable map: :class:`MapNode`, :class:`MapEdge` and :class:`MapGraph` (plain data, no Dataset),
and :class:`MapFilter`, the selection a map is built for."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

__all__ = ["MapEdge", "MapFilter", "MapGraph", "MapNode"]


@dataclass(frozen=True, slots=True)
class MapFilter:
    """What a map shows: a place (Land, Kreis, Servicebüro region), an alliance, a topic, a sector,
    or the neighbourhood of one node (``ego`` within ``depth`` steps, 1–3).

    ``reveal`` shows refugee young people by name instead of pseudonym (with ``alliance``: only that
    alliance's own members). All fields are optional; the empty filter selects everything.
    """

    state: str | None = None
    kreis: str | None = None
    alliance: str | None = None
    office: str | None = None
    topic: str | None = None
    sector: str | None = None
    ego: str | None = None
    depth: int = 1
    reveal: bool = False

    @property
    def has_place(self) -> bool:
        return bool(self.state or self.kreis or self.office)



@dataclass(frozen=True, slots=True)
class MapNode:
    """One node of a map. ``label`` and ``tooltip`` are plain text, never markup."""

    id: str
    label: str
    kind: str  # alliance | institution | actor | youth | kreis
    type: str | None  # institution type, actor role; None for alliances and Kreise
    sector: str | None  # a key of SECTORS (people without an institution: PERSON_SECTOR); None otherwise
    degree: int
    size: float
    tooltip: str
    kreis: str | None = None
    status: str | None = None  # ok | warn | critical for alliances; the worst of them for overview nodes
    flagged: bool = False
    count: int | None = None  # overview nodes (a Land, a Kreis): how many alliances they stand for


@dataclass(frozen=True, slots=True)
class MapEdge:
    source: str
    target: str
    type: str  # MEMBER_OF | WORKS_AT | KNOWS | COOPERATES_WITH | LOCATED_IN | SHARES_MEMBERS
    tooltip: str = ""
    weight: float = 1.0
    colour: str | None = None  # a survey tie's colour by trust (graph.netmap.survey_edges)


@dataclass
class MapGraph:
    """A map ready to draw: nodes, edges and what the reader should know about it."""

    nodes: list[MapNode] = field(default_factory=list)
    edges: list[MapEdge] = field(default_factory=list)
    title: str = "Netzwerkkarte"
    as_of: date | None = None
    aggregated: bool = False
    note: str | None = None  # German, shown above the map (e.g. why it is aggregated)
    level: str = "kreis"  # bund | land | kreis | buendnis | person (see graph.netmap.levels)

    def node(self, node_id: str) -> MapNode | None:
        return next((n for n in self.nodes if n.id == node_id), None)

    def neighbours(self, node_id: str) -> list[tuple[MapEdge, str]]:
        """Edges at a node with the id at their other end."""
        out = []
        for e in self.edges:
            if e.source == node_id:
                out.append((e, e.target))
            elif e.target == node_id:
                out.append((e, e.source))
        return out

    def counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for n in self.nodes:
            out[n.kind] = out.get(n.kind, 0) + 1
        return out

