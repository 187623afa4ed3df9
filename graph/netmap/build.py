"""Building a map from the data: which nodes and edges a selection keeps, as of a date.

:func:`build_network` turns a :class:`~graph.model.Dataset` into a :class:`MapGraph`
(alliances, institutions and people with their current memberships, workplaces
and ties as of a date) for a :class:`MapFilter`: Land, Kreis, Bündnis,
Servicebüro, Thema, Sektor or around one node (ego network). Above
:data:`AGGREGATE_ABOVE` nodes :func:`aggregate` folds it into alliances grouped
by Kreis and says so. Pure functions; nothing here draws.
"""

from __future__ import annotations

import math
from dataclasses import replace
from datetime import date

import networkx as nx

from ..errors import NotFound
from ..model import (
    INSTITUTION_TYPES,
    OFFER_TYPES,
    SECTORS,
    STATES,
    Dataset,
    kreis_of,
)
from ..partners import unit_sector
from ..rules import STATUS_LABELS, office_of_alliance, state_of_place, tie_in_force
from .mapgraph import MapEdge, MapFilter, MapGraph, MapNode
from .style import EDGE_LABELS, MAX_LABEL
from .survey_edges import survey_attributes, survey_tooltip, trust_colour

__all__ = ["AGGREGATE_ABOVE", "aggregate", "build_network", "network_graph", "place_of", "sector_of",
           "selected_alliances", "state_of_place"]

#: More nodes than this and the map shows alliances grouped by Kreis instead.
AGGREGATE_ABOVE = 300


# -- building ---------------------------------------------------------------

def network_graph(ds: Dataset, as_of: date) -> nx.Graph:
    """The whole network as of a date as a networkx graph.

    Nodes are alliances, institutions and people (attribute ``kind``); edges are
    current memberships (``MEMBER_OF``), workplaces (``WORKS_AT``) and ties
    begun by ``as_of`` (``KNOWS`` between people, ``COOPERATES_WITH`` between
    institutions), attribute ``type``.

    Examples
    --------
    >>> from graph.model import Alliance, Institution, Membership
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Bündnis", "05315"))
    >>> ds.add(Institution("i1", "Jugendamt", "jugendamt", "verwaltung", "05315"))
    >>> ds.add(Membership("i1", "b1"))
    >>> sorted(network_graph(ds, date(2026, 1, 1)).edges(data="type"))
    [('b1', 'i1', 'MEMBER_OF')]
    """
    g = nx.Graph()
    for alliance in ds.alliances.values():
        g.add_node(alliance.id, kind="alliance")
    for inst in ds.institutions.values():
        g.add_node(inst.id, kind="institution")
    for actor in ds.actors.values():
        g.add_node(actor.id, kind="youth" if actor.is_refugee_youth else "actor")
    for actor in ds.actors.values():
        if actor.institution in ds.institutions:
            g.add_edge(actor.id, actor.institution, type="WORKS_AT", since=None)
    for m in ds.memberships.values():
        if m.is_current(as_of) and m.alliance in g and m.member in g:
            g.add_edge(m.member, m.alliance, type="MEMBER_OF", since=m.since, role=m.role)
    for tie in ds.ties.values():
        if tie_in_force(tie, as_of) and tie.source in g and tie.target in g:
            kind = "KNOWS" if tie.source in ds.actors else "COOPERATES_WITH"
            g.add_edge(tie.source, tie.target, type=kind, since=tie.since, **survey_attributes(tie))
    return g


def place_of(ds: Dataset, node_id: str) -> str | None:
    """The municipality (AGS) a node belongs to: an alliance's, else the member's (partner rule)."""
    if node_id in ds.alliances:
        return ds.alliances[node_id].municipality
    return ds.municipality_of_member(node_id)


def sector_of(ds: Dataset, node_id: str) -> str | None:
    """A person's or institution's sector by the partner rule (:func:`graph.partners.unit_sector`)."""
    return unit_sector(ds, node_id)


def build_network(ds: Dataset, as_of: date, selection: MapFilter | None = None, *, health: dict | None = None,
                  max_nodes: int | None = AGGREGATE_ABOVE) -> MapGraph:
    """The network map for a selection, as of a date.

    Parameters
    ----------
    ds : Dataset
    as_of : date
        Memberships current on this date (partner rule) and ties begun by it.
    selection : MapFilter, optional
        ``state``, ``kreis``, ``alliance``, ``office``, ``topic`` keep alliances
        in this Land (``"NW"``), Kreis (5-digit AGS), with this id, served by
        this Servicebüro (:func:`graph.rules.office_of_alliance`) or working
        on this topic, with their current members and the members'
        institutions. Without ``alliance``/``topic``, people and institutions
        located in the selected place are kept as well. ``sector`` keeps
        institutions of this sector and people working there, with the
        alliances they belong to. ``ego`` keeps only what lies within
        ``depth`` steps (1–3) of this person, institution or alliance, inside
        the other filters. ``reveal`` shows refugee young people by name
        instead of pseudonym; with ``alliance`` only that alliance's own
        members (privacy rule). None: everything.
    health : dict, optional
        Alliance id -> :class:`graph.health.AllianceReport`; computed when not given.
    max_nodes : int or None
        Above this many nodes return :func:`aggregate` of the map (None: never).

    Returns
    -------
    MapGraph

    Raises
    ------
    NotFound
        An id given as a filter does not exist.

    Examples
    --------
    >>> from graph.model import Actor, Alliance, Institution, Membership
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Bündnis Köln", "05315"))
    >>> ds.add(Institution("ja", "Jugendamt Köln", "jugendamt", "verwaltung", "05315"))
    >>> ds.add(Actor("y1", "Echter Name", municipality="05315", is_refugee_youth=True, pseudonym="Jugendliche*r 1"))
    >>> for member in ("ja", "y1"):
    ...     ds.add(Membership(member, "b1"))
    >>> graph = build_network(ds, date(2026, 1, 1), MapFilter(kreis="05315"), health={})
    >>> [(n.id, n.kind, n.label) for n in graph.nodes]
    [('b1', 'alliance', 'Bündnis Köln'), ('ja', 'institution', 'Jugendamt Köln'), ('y1', 'youth', 'Jugendliche*r 1')]
    """
    sel = selection or MapFilter()
    _check_filters(ds, sel)
    g = network_graph(_near_places(ds, sel) if sel.has_place else ds, as_of)
    keep = _selected_nodes(ds, g, sel)
    if sel.ego is not None:
        keep.add(sel.ego)
        keep = set(nx.ego_graph(g.subgraph(keep), sel.ego, radius=sel.depth))
    sub = g if len(keep) == len(g) else g.subgraph(keep).copy()  # a view is slow to iterate
    if health is None:  # only the alliances on this map: one Kreis need not check the whole country
        from ..health import check_alliances

        shown = sorted(n for n in sub if n in ds.alliances)
        health = {r.alliance: r for r in check_alliances(ds, as_of, alliance_ids=shown)} if shown else {}

    revealed: set[str] = set()
    if sel.reveal:
        revealed = {n for n in sub if sel.alliance is None or sub.has_edge(n, sel.alliance)}
    offers_of: dict[str, list] = {}
    for offer in ds.offers.values():  # one pass, for the alliances on this map only
        if offer.alliance is not None and offer.alliance in sub:
            offers_of.setdefault(offer.alliance, []).append(offer)
    nodes = [_map_node(ds, sub, node_id, as_of, health, node_id in revealed, offers_of.get(node_id, ()))
             for node_id in sorted(sub)]
    edges = []
    # Each tie from its smaller id: the graph is undirected, and the end networkx reports first
    # follows the iteration order of a set (different in every process).
    ends = sorted((min(a, b), max(a, b), data) for a, b, data in sub.edges(data=True))
    for u, v, data in ends:
        if u in ds.alliances or (u in ds.institutions and v in ds.actors):
            u, v = v, u  # the member before its alliance, the person before their workplace
        edges.append(MapEdge(u, v, data["type"], _edge_tooltip(ds, u, v, data, revealed),
                             float(data.get("strength") or 1.0), trust_colour(data.get("trust"))))
    graph = MapGraph(nodes, edges, _title(ds, sel), as_of)
    if max_nodes is not None and len(graph.nodes) > max_nodes:
        return aggregate(graph, ds)
    return graph


def aggregate(graph: MapGraph, ds: Dataset) -> MapGraph:
    """Fold a large map into its alliances, grouped by Kreis.

    Each Kreis becomes one node joined to its alliances (``LOCATED_IN``); two
    alliances are joined (``SHARES_MEMBERS``, weight = count) when they share
    members or their members' institutions. People and institutions are no
    longer drawn, and the map's ``note`` says so.
    """
    alliances = [n for n in graph.nodes if n.kind == "alliance"]
    alliance_ids = {n.id for n in alliances}
    # Which alliances each person/institution belongs to, counting a person for their institution too.
    units: dict[str, set[str]] = {}
    workplace = {e.source: e.target for e in graph.edges if e.type == "WORKS_AT"}
    for e in graph.edges:
        if e.type != "MEMBER_OF":
            continue
        member, target = (e.source, e.target) if e.target in alliance_ids else (e.target, e.source)
        units.setdefault(workplace.get(member, member), set()).add(target)
    shared: dict[tuple[str, str], int] = {}
    for members_of in units.values():
        ordered = sorted(members_of)
        for i, a in enumerate(ordered):
            for b in ordered[i + 1:]:
                shared[(a, b)] = shared.get((a, b), 0) + 1

    by_kreis: dict[str, list[MapNode]] = {}
    for n in alliances:
        by_kreis.setdefault(n.kreis or "?", []).append(n)
    edges = [MapEdge(a, b, "SHARES_MEMBERS", f"{count} gemeinsame Mitglieder bzw. Einrichtungen", float(count))
             for (a, b), count in sorted(shared.items())]
    degree = {n.id: 0 for n in alliances}
    for e in edges:
        degree[e.source] += 1
        degree[e.target] += 1
    nodes = [replace(n, degree=degree[n.id], size=_size("alliance", degree[n.id])) for n in alliances]
    for kreis, members in sorted(by_kreis.items()):
        kreis_id = f"kreis:{kreis}"
        name = ds.municipalities[kreis].name if kreis in ds.municipalities else kreis
        flagged = sum(1 for n in members if n.flagged)
        tooltip = f"Kreis: {name} ({kreis})\nBündnisse: {len(members)}\ndavon mit Hinweisen: {flagged}"
        nodes.append(MapNode(kreis_id, _short(f"{name} ({len(members)})"), "kreis", None, None, len(members),
                             _size("kreis", len(members)), tooltip, kreis=kreis))
        edges += [MapEdge(n.id, kreis_id, "LOCATED_IN", f"liegt in {name}") for n in members]
    note = (f"Die Auswahl umfasst {len(graph.nodes)} Knoten – zu viele für eine lesbare Karte. "
            f"Gezeigt werden die {len(alliances)} Bündnisse, gruppiert nach Kreis; Linien zwischen "
            "Bündnissen zeigen gemeinsame Mitglieder. Filter (Kreis, Bündnis, Ego-Netz) zeigen Einzelheiten.")
    return MapGraph(nodes, edges, graph.title + " (zusammengefasst nach Kreis)", graph.as_of, True, note)


def _check_filters(ds: Dataset, sel: MapFilter) -> None:
    state, kreis, alliance, office, topic, sector, ego, depth = (
        sel.state, sel.kreis, sel.alliance, sel.office, sel.topic, sel.sector, sel.ego, sel.depth)
    problems = []
    if state is not None and state not in STATES:
        problems.append(f"Land {state!r} gibt es nicht")
    if kreis is not None and not (len(kreis) == 5 and kreis.isdigit()):
        problems.append(f"Kreis {kreis!r}: erwartet einen 5-stelligen Gemeindeschlüssel")
    for value, table, label in ((alliance, ds.alliances, "Bündnis"), (office, ds.service_offices, "Servicebüro"),
                                (topic, ds.topics, "Thema")):
        if value is not None and value not in table:
            problems.append(f"{label} {value!r} gibt es nicht")
    if sector is not None and sector not in SECTORS:
        problems.append(f"Sektor {sector!r} gibt es nicht")
    if ego is not None and ego not in ds.actors and ego not in ds.institutions and ego not in ds.alliances:
        problems.append(f"Person/Einrichtung {ego!r} gibt es nicht")
    if not 1 <= depth <= 3:
        problems.append(f"Tiefe {depth}: erlaubt sind 1 bis 3")
    if problems:
        raise NotFound("; ".join(problems))


def _near_places(ds: Dataset, sel: MapFilter) -> Dataset:
    """The part of `ds` a place filter can reach: its alliances with their members and workplaces,
    everyone located there, and the ties among them. Building the graph of one Kreis from this
    instead of the whole country keeps a Kreis map fast at national scale; the selection made
    by :func:`_selected_nodes` on it is the same as on the whole graph."""
    place_ok = _place_filter(ds, sel)
    out = Dataset(municipalities=ds.municipalities, service_offices=ds.service_offices, topics=ds.topics,
                  states=ds.states)
    for a in ds.alliances.values():
        if place_ok(a.id):
            out.alliances[a.id] = a
    for key, m in ds.memberships.items():
        if m.alliance in out.alliances:
            out.memberships[key] = m
    wanted = {m.member for m in out.memberships.values()}
    wanted |= {i for i in ds.institutions if place_ok(i)} | {a for a in ds.actors if place_ok(a)}
    for ident in wanted:
        if ident in ds.actors:
            actor = out.actors[ident] = ds.actors[ident]
            if actor.institution in ds.institutions:
                out.institutions[actor.institution] = ds.institutions[actor.institution]
        elif ident in ds.institutions:
            out.institutions[ident] = ds.institutions[ident]
    for tie_key, t in ds.ties.items():
        if (t.source in out.actors or t.source in out.institutions) and (
                t.target in out.actors or t.target in out.institutions):
            out.ties[tie_key] = t
    return out


def _place_filter(ds: Dataset, sel: MapFilter):
    """Whether a node's place (:func:`place_of`) lies in the chosen Kreis, Land and Servicebüro region."""
    state, kreis, office = sel.state, sel.kreis, sel.office
    office_states = set(ds.service_offices[office].states) if office else set()

    def place_ok(node_id: str) -> bool:
        ags = place_of(ds, node_id)
        if kreis and (not ags or kreis_of(ags) != kreis):
            return False
        if state and state_of_place(ds, ags) != state:
            return False
        if office:  # an alliance by the one office rule (graph.rules), anyone else by the office's Länder
            if node_id in ds.alliances:
                return office_of_alliance(ds, node_id) == office
            return state_of_place(ds, ags) in office_states
        return True

    return place_ok


def selected_alliances(ds: Dataset, sel: MapFilter) -> set[str]:
    """The alliances a selection keeps by place (Land, Kreis, Servicebüro by graph.rules), id and topic."""
    place_ok = _place_filter(ds, sel)
    alliances = set()
    for a in ds.alliances.values():
        if sel.alliance and a.id != sel.alliance:
            continue
        if sel.topic and sel.topic not in a.topics:
            continue
        if place_ok(a.id):
            alliances.add(a.id)
    return alliances


def _selected_nodes(ds: Dataset, g: nx.Graph, sel: MapFilter) -> set[str]:
    place_ok = _place_filter(ds, sel)
    alliance, topic, sector = sel.alliance, sel.topic, sel.sector
    alliances = selected_alliances(ds, sel)
    keep = set(alliances)
    for a in alliances:
        for member in g[a]:
            keep.add(member)
            # the partner unit: a person's institution shows who they stand for
            keep.update(n for n in g[member] if g.edges[member, n]["type"] == "WORKS_AT")
    if not (alliance or topic):
        keep.update(n for n, kind in g.nodes(data="kind") if kind != "alliance" and place_ok(n))
    if sector:
        people = {n for n in keep if n not in ds.alliances and sector_of(ds, n) == sector}
        keep = people | {a for a in alliances if any(g.has_edge(a, n) for n in people)}
    return keep


def _size(kind: str, degree: int) -> float:
    base = {"alliance": 22.0, "kreis": 18.0}.get(kind, 12.0)
    return round(base + 4.0 * math.sqrt(degree), 1)


def _short(text: str) -> str:
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1] + "…"


def _place_text(ds: Dataset, ags: str | None) -> str:
    if not ags:
        return "unbekannt"
    name = ds.municipalities[ags].name if ags in ds.municipalities else ags
    kreis = kreis_of(ags)
    if kreis != ags and kreis in ds.municipalities:
        return f"{name} (Kreis {ds.municipalities[kreis].name})"
    return name


def _offer_lines(offers, as_of: date) -> list[str]:
    """The alliance's last Servicebüro offer held and the next one planned, for its tooltip."""
    held = [o for o in offers if o.date <= as_of]
    planned = [o for o in offers if o.date > as_of]
    lines = []
    if held:
        last = max(held, key=lambda o: (o.date, o.id))
        lines.append(f"Letztes Angebot: {OFFER_TYPES.get(last.type, last.type)} am {last.date:%d.%m.%Y}")
    if planned:
        nxt = min(planned, key=lambda o: (o.date, o.id))
        lines.append(f"Geplant: {OFFER_TYPES.get(nxt.type, nxt.type)} am {nxt.date:%d.%m.%Y}")
    return lines or ["Noch kein Angebot eines Servicebüros"]


def _map_node(ds: Dataset, g: nx.Graph, node_id: str, as_of: date, health: dict, reveal: bool,
              offers=()) -> MapNode:
    kind = g.nodes[node_id]["kind"]
    degree = g.degree(node_id)
    alliances_here = sorted(ds.alliances[n].name for n in g[node_id] if n in ds.alliances)
    if kind == "alliance":
        a = ds.alliances[node_id]
        report = health.get(node_id)
        status = report.status if report else None
        flagged = status in ("warn", "critical")
        lines = [f"Bündnis: {a.name}", f"Ort: {_place_text(ds, a.municipality)}"]
        if a.topics:
            lines.append("Themen: " + ", ".join(ds.topics[t].name if t in ds.topics else t for t in a.topics))
        if report is not None:
            lines.append(f"Status: {STATUS_LABELS.get(report.status, report.status)} – {report.partners} Partner, "
                         f"Punktzahl {report.score}")
            lines += [f"⚠ {flag.message}" for flag in report.flags if flag.severity != "info"]
        lines += _offer_lines(offers, as_of)
        label = ("⚠ " if flagged else "") + _short(a.name)
        return MapNode(node_id, label, kind, None, None, degree, _size(kind, degree), "\n".join(lines),
                       kreis_of(a.municipality), status, flagged)
    ags = place_of(ds, node_id)
    kreis = kreis_of(ags) if ags else None
    if kind == "institution":
        inst = ds.institutions[node_id]
        lines = [f"Einrichtung: {inst.name}", f"Typ: {INSTITUTION_TYPES.get(inst.type, inst.type)}",
                 f"Sektor: {SECTORS.get(inst.sector, inst.sector)}", f"Ort: {_place_text(ds, ags)}"]
        if alliances_here:
            lines.append("Bündnisse: " + ", ".join(alliances_here))
        return MapNode(node_id, _short(inst.name), kind, inst.type, inst.sector, degree, _size(kind, degree),
                       "\n".join(lines), kreis)
    actor = ds.actors[node_id]
    name = actor.name if reveal else actor.display_name
    if kind == "youth":
        # Least needed: no role, workplace or exact place for minors.
        lines = [f"Person: {name}", "junge geflüchtete Person"]
    else:
        lines = [f"Person: {name}"]
        if actor.role:
            lines.append(f"Rolle: {actor.role}")
        if actor.institution in ds.institutions:
            lines.append(f"Einrichtung: {ds.institutions[actor.institution].name}")
        lines.append(f"Ort: {_place_text(ds, ags)}")
    if alliances_here:
        lines.append("Bündnisse: " + ", ".join(alliances_here))
    return MapNode(node_id, _short(name), kind, actor.role if kind == "actor" else None, sector_of(ds, node_id),
                   degree, _size(kind, degree), "\n".join(lines), kreis)


def _edge_tooltip(ds: Dataset, u: str, v: str, data: dict, revealed: set[str]) -> str:
    text = EDGE_LABELS[data["type"]]
    if data.get("role"):
        text += f" ({data['role']})"
    if data.get("since"):
        text += f" seit {data['since'].strftime('%d.%m.%Y')}"
    names = [ds.name_of(n, reveal=n in revealed) for n in (u, v)]
    text += survey_tooltip(data, ds.name_of(data["reported_by"], reveal=data["reported_by"] in revealed)
                           if data.get("reported_by") else None)
    return f"{names[0]} – {names[1]}: {text}"


def _title(ds: Dataset, sel: MapFilter) -> str:
    state, kreis, alliance, office, topic, sector, ego, depth = (
        sel.state, sel.kreis, sel.alliance, sel.office, sel.topic, sel.sector, sel.ego, sel.depth)
    parts = []
    if alliance:
        parts.append(f"Bündnis {ds.alliances[alliance].name}")
    if kreis:
        parts.append(f"Kreis {ds.municipalities[kreis].name if kreis in ds.municipalities else kreis}")
    if state:
        parts.append(STATES[state][0])
    if office:
        parts.append(ds.service_offices[office].name)
    if topic:
        parts.append(f"Thema {ds.topics[topic].name}")
    if sector:
        parts.append(f"Sektor {SECTORS[sector]}")
    if ego:
        parts.append(f"Ego-Netz von {ds.name_of(ego, reveal=False)} (Tiefe {depth})")
    return "Netzwerkkarte" + (": " + ", ".join(parts) if parts else " (alle Bündnisse)")

