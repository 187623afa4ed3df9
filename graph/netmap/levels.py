"""The five levels of the map – Bund, Land, Kreis, Bündnis, Person – and the overview maps of the top two.

A selection (:class:`MapFilter`) has one level (:func:`level_of`): a person or institution at its
centre is the Person level, an alliance the Bündnis level, a Kreis the Kreis level, a Land or a
Servicebüro region the Land level, nothing the Bund level. The Kreis, Bündnis and Person levels
draw the network itself (:func:`graph.netmap.build.build_network`); Bund and Land draw an
overview (:func:`overview`): one node per Land, or per Kreis grouped by Land, standing for its
alliances – sized by how many, coloured by the worst status among them, labelled with the counts.
Clicking such a node drills down to the next level (:func:`drill_down`).
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

from ..model import STATES, Dataset, kreis_of
from .build import AGGREGATE_ABOVE, _check_filters, _title, build_network, sector_of, selected_alliances, state_of_place
from .mapgraph import MapEdge, MapFilter, MapGraph, MapNode
from .style import STATUS_LABELS

__all__ = ["LEVELS", "LEVEL_LABELS", "drill_down", "level_of", "map_for", "overview"]

LEVELS = ("bund", "land", "kreis", "buendnis", "person")
LEVEL_LABELS = {"bund": "Bund", "land": "Land", "kreis": "Kreis", "buendnis": "Bündnis", "person": "Person"}
_RANK = {"ok": 0, "warn": 1, "critical": 2}


def level_of(sel: MapFilter) -> str:
    """The level a selection is drawn at (one of :data:`LEVELS`).

    >>> level_of(MapFilter()), level_of(MapFilter(state="SN")), level_of(MapFilter(kreis="14713"))
    ('bund', 'land', 'kreis')
    >>> level_of(MapFilter(kreis="14713", alliance="b1")), level_of(MapFilter(alliance="b1", ego="p1"))
    ('buendnis', 'person')
    """
    if sel.ego:
        return "person"
    if sel.alliance:
        return "buendnis"
    if sel.kreis:
        return "kreis"
    if sel.state or sel.office:
        return "land"
    return "bund"


def map_for(ds: Dataset, as_of: date, sel: MapFilter | None = None, *, health: dict | None = None,
            max_nodes: int | None = AGGREGATE_ABOVE) -> MapGraph:
    """The map of a selection at its level: an :func:`overview` for Bund and Land, the network below."""
    sel = sel or MapFilter()
    level = level_of(sel)
    if level in ("bund", "land"):
        return overview(ds, as_of, sel, health=health)
    graph = build_network(ds, as_of, sel, health=health, max_nodes=max_nodes)
    graph.level = level
    return graph


def drill_down(sel: MapFilter, node_id: str) -> MapFilter | None:
    """The selection one level down from an overview node (``land:SN``, ``kreis:14713``); None for others.

    >>> drill_down(MapFilter(), "land:SN").state
    'SN'
    >>> drill_down(MapFilter(state="SN"), "kreis:14713").kreis
    '14713'
    """
    kind, _, key = node_id.partition(":")
    if kind == "land" and key in STATES:
        return replace(sel, state=key, kreis=None, alliance=None, ego=None)
    if kind == "kreis" and len(key) == 5 and key.isdigit():
        return replace(sel, kreis=key, alliance=None, ego=None)
    return None


def overview(ds: Dataset, as_of: date, sel: MapFilter | None = None, *, health: dict | None = None) -> MapGraph:
    """The Bund or Land overview: one node per Land (no place chosen) or per Kreis grouped by Land.

    Each node stands for the selected alliances there (place, topic, and – with a sector – those with
    a current member of that sector). Its status is the worst status among them; two nodes are
    joined (``SHARES_MEMBERS``, weight = count) when member units (an institution, or a person
    without one) belong to alliances on both sides. At the Land level each Land also gets a box
    heading its Kreise (kind ``land``, no count).

    Examples
    --------
    >>> from graph.model import Alliance, Municipality
    >>> ds = Dataset()
    >>> ds.add(Municipality("14713", "Leipzig, Stadt", "kreisfreie_stadt", "SN"))
    >>> ds.add(Alliance("b1", "Bündnis Leipzig", "14713"))
    >>> ds.add(Alliance("b2", "Bündnis Connewitz", "14713"))
    >>> [(n.id, n.count, n.label) for n in overview(ds, date(2026, 1, 1), health={}).nodes]
    [('land:SN', 2, 'Sachsen\\n2 Bündnisse')]
    """
    sel = sel or MapFilter()
    _check_filters(ds, sel)
    by_land = not sel.has_place
    alliances = selected_alliances(ds, sel)
    current = [m for m in ds.memberships.values() if m.alliance in alliances and m.is_current(as_of)]
    if sel.sector:
        alliances = {m.alliance for m in current if sector_of(ds, m.member) == sel.sector}
        current = [m for m in current if m.alliance in alliances]
    if health is None:
        from ..health import check_alliances

        reports = check_alliances(ds, as_of, alliance_ids=sorted(alliances)) if alliances else []
        health = {r.alliance: r for r in reports}

    def group_of(alliance_id: str) -> str:
        ags = ds.alliances[alliance_id].municipality
        return f"land:{state_of_place(ds, ags) or '?'}" if by_land else f"kreis:{kreis_of(ags)}"

    members: dict[str, list[str]] = {}
    for a in sorted(alliances):
        members.setdefault(group_of(a), []).append(a)
    edges = _shared_member_edges(ds, current, group_of, lambda g: _group_name(ds, g))
    degree = {g: 0 for g in members}
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    largest = max((len(ids) for ids in members.values()), default=1)
    # The largest node fills about a third of its tile (Bund) or grid cell (Land); the rest by area.
    radius = (12.0, 50.0) if by_land else (8.0, 26.0)
    nodes = [_group_node(ds, g, ids, health, degree[g], round(radius[0] + radius[1] * math.sqrt(len(ids) / largest), 1))
             for g, ids in sorted(members.items())]
    if not by_land:
        lands: dict[str, list[MapNode]] = {}
        for n in nodes:
            lands.setdefault(state_of_place(ds, n.kreis) or "?", []).append(n)
        for code, kreise in sorted(lands.items()):
            count = sum(n.count or 0 for n in kreise)
            name = STATES[code][0] if code in STATES else "Land unbekannt"
            nodes.append(MapNode(f"land:{code}", f"{name} ({_alliances(count)})", "land", None, None, 0, 20.0,
                                 f"Land: {name}\nBündnisse: {count}\nKreise mit Bündnissen: {len(kreise)}"))
    title = _title(ds, sel).replace(" (alle Bündnisse)", "")
    title += ": Länder" if by_land and title == "Netzwerkkarte" else " – Länder" if by_land else " – Kreise"
    note = ("Jeder Punkt steht für die Bündnisse eines " + ("Landes" if by_land else "Kreises")
            + ": Größe = Zahl der Bündnisse, Farbe = schlechtester Status, Linien = gemeinsame Mitglieder. "
            + "Ein Klick auf einen Punkt zeigt " + ("die Kreise des Landes." if by_land else "das Netzwerk im Kreis."))
    return MapGraph(nodes, edges, title, as_of, aggregated=True, note=note, level="bund" if by_land else "land")


def _alliances(n: int) -> str:
    return f"{n} Bündnis" if n == 1 else f"{n} Bündnisse"


def _group_name(ds: Dataset, group: str) -> str:
    kind, _, key = group.partition(":")
    if kind == "land":
        return STATES[key][0] if key in STATES else "Land unbekannt"
    name = ds.municipalities[key].name if key in ds.municipalities else key
    return name.removesuffix(", Stadt").removesuffix(", Landeshauptstadt")


def _group_node(ds: Dataset, group: str, alliance_ids: list[str], health: dict, degree: int, size: float) -> MapNode:
    statuses = [health[a].status for a in alliance_ids if a in health]
    counts = {s: statuses.count(s) for s in ("ok", "warn", "critical")}
    worst = max(statuses, key=lambda s: _RANK.get(s, 0), default="ok")
    name = _group_name(ds, group)
    kind, _, key = group.partition(":")
    label = f"{name}\n{_alliances(len(alliance_ids))}" + (f" · {counts['critical']} kritisch" if counts["critical"]
                                                           else "")
    share = round(100 * counts["critical"] / len(alliance_ids))
    lines = [f"{'Land' if kind == 'land' else 'Kreis'}: {name}" + (f" ({key})" if kind == "kreis" else ""),
             f"Bündnisse: {len(alliance_ids)}",
             ", ".join(f"{STATUS_LABELS[s]}: {n}" for s, n in counts.items()) + f" (ohne Prüfung: "
             f"{len(alliance_ids) - len(statuses)})" * (len(statuses) < len(alliance_ids)),
             f"Anteil kritisch: {share} %",
             "Klick: " + ("die Kreise dieses Landes zeigen" if kind == "land" else "das Netzwerk im Kreis zeigen")]
    return MapNode(group, label, kind, None, None, degree, size, "\n".join(lines),
                   kreis=key if kind == "kreis" else None, status=worst, flagged=worst != "ok",
                   count=len(alliance_ids))


def _shared_member_edges(ds: Dataset, memberships, group_of, name_of) -> list[MapEdge]:
    """Groups joined by member units (an institution; a person counts as their institution) in both."""
    groups_of_unit: dict[str, set[str]] = {}
    for m in memberships:
        actor = ds.actors.get(m.member)
        unit = actor.institution if actor is not None and actor.institution in ds.institutions else m.member
        groups_of_unit.setdefault(unit, set()).add(group_of(m.alliance))
    shared: dict[tuple[str, str], int] = {}
    for groups in groups_of_unit.values():
        ordered = sorted(groups)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                shared[(a, b)] = shared.get((a, b), 0) + 1
    return [MapEdge(a, b, "SHARES_MEMBERS", f"{name_of(a)} – {name_of(b)}: {n} gemeinsame Mitglieder "
                    "bzw. Einrichtungen", float(n)) for (a, b), n in sorted(shared.items())]
