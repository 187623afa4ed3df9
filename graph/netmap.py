"""Network maps: who works with whom, as data (pure) and as a standalone offline HTML page.

:func:`build_network` turns a :class:`~graph.model.Dataset` into a :class:`MapGraph`
(alliances, institutions and people with their current memberships, workplaces
and ties as of a date), filtered by Land, Kreis, Bündnis, Servicebüro, Thema,
Sektor or around one person (ego network). Above :data:`AGGREGATE_ABOVE` nodes
:func:`aggregate` folds it into alliances grouped by Kreis and says so.

:func:`render_html` draws a MapGraph with pyvis/vis-network into one HTML file
that needs no network access: vis-network is inlined, pyvis' CDN links
(bootstrap) are not used, and a Content-Security-Policy forbids any request.
Names from the data never become markup: node data is written as JSON escaped
for ``<script>`` (``<``, ``>``, ``&``, ``'`` as ``\\uXXXX``), and tooltips are
plain text, which vis-network >= 9 shows via ``innerText`` (vis-network PR #1275).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

import networkx as nx

from .errors import NotFound
from .model import (
    INSTITUTION_TYPES,
    OFFER_TYPES,
    SECTORS,
    STATE_BY_AGS_PREFIX,
    STATES,
    Dataset,
    kreis_of,
)
from .partners import PERSON_SECTOR

#: More nodes than this and the map shows alliances grouped by Kreis instead.
AGGREGATE_ABOVE = 300
#: More nodes than this and the layout is precomputed (physics off) so the browser stays responsive.
LAYOUT_ABOVE = 150
LAYOUT_SEED = 7

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
STATUS_LABELS = {"ok": "in Ordnung", "warn": "Warnung", "critical": "kritisch"}

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
    status: str | None = None  # ok | warn | critical for alliances
    flagged: bool = False


@dataclass(frozen=True, slots=True)
class MapEdge:
    source: str
    target: str
    type: str  # MEMBER_OF | WORKS_AT | KNOWS | COOPERATES_WITH | LOCATED_IN | SHARES_MEMBERS
    tooltip: str = ""
    weight: float = 1.0


@dataclass
class MapGraph:
    """A map ready to draw: nodes, edges and what the reader should know about it."""

    nodes: list[MapNode] = field(default_factory=list)
    edges: list[MapEdge] = field(default_factory=list)
    title: str = "Netzwerkkarte"
    as_of: date | None = None
    aggregated: bool = False
    note: str | None = None  # German, shown above the map (e.g. why it is aggregated)

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
        if (tie.since is None or tie.since <= as_of) and tie.source in g and tie.target in g:
            kind = "KNOWS" if tie.source in ds.actors else "COOPERATES_WITH"
            g.add_edge(tie.source, tie.target, type=kind, since=tie.since)
    return g


def place_of(ds: Dataset, node_id: str) -> str | None:
    """The municipality (AGS) a node belongs to: an alliance's, else the member's (partner rule)."""
    if node_id in ds.alliances:
        return ds.alliances[node_id].municipality
    return ds.municipality_of_member(node_id)


def state_of_place(ds: Dataset, ags: str | None) -> str | None:
    if not ags:
        return None
    if ags in ds.municipalities:
        return ds.municipalities[ags].state
    return STATE_BY_AGS_PREFIX.get(ags[:2])


def sector_of(ds: Dataset, node_id: str) -> str | None:
    """An institution's sector; a person's institution's; a person alone counts as civil society.

    Same rule as :class:`graph.partners.Partner` (``PERSON_SECTOR``).
    """
    if node_id in ds.institutions:
        return ds.institutions[node_id].sector
    actor = ds.actors.get(node_id)
    if actor is None:
        return None
    if actor.institution in ds.institutions:
        return ds.institutions[actor.institution].sector
    return PERSON_SECTOR


def build_network(ds: Dataset, as_of: date, *, state: str | None = None, kreis: str | None = None,
                  alliance: str | None = None, office: str | None = None, topic: str | None = None,
                  sector: str | None = None, ego: str | None = None, depth: int = 1, reveal: bool = False,
                  health: dict | None = None, max_nodes: int | None = AGGREGATE_ABOVE) -> MapGraph:
    """The network map for a selection, as of a date.

    Parameters
    ----------
    ds : Dataset
    as_of : date
        Memberships current on this date (partner rule) and ties begun by it.
    state, kreis, alliance, office, topic : str, optional
        Keep alliances in this Land (``"NW"``), Kreis (5-digit AGS), with this
        id, served by this Servicebüro (its own alliances and those in its
        Länder) or working on this topic, with their current members and the
        members' institutions. Without ``alliance``/``topic``, people and
        institutions located in the selected place are kept as well.
    sector : str, optional
        Keep institutions of this sector and people working there, with the alliances they belong to.
    ego : str, optional
        Keep only what lies within ``depth`` steps (1–3) of this person,
        institution or alliance, inside the other filters.
    reveal : bool
        Show refugee young people by name instead of pseudonym. With ``alliance``
        this reveals only that alliance's own members (privacy rule).
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
    >>> graph = build_network(ds, date(2026, 1, 1), kreis="05315", health={})
    >>> [(n.id, n.kind, n.label) for n in graph.nodes]
    [('b1', 'alliance', 'Bündnis Köln'), ('ja', 'institution', 'Jugendamt Köln'), ('y1', 'youth', 'Jugendliche*r 1')]
    """
    _check_filters(ds, state=state, kreis=kreis, alliance=alliance, office=office, topic=topic,
                   sector=sector, ego=ego, depth=depth)
    g = network_graph(_near_places(ds, state=state, kreis=kreis, office=office) if (state or kreis or office) else ds,
                      as_of)
    keep = _selected_nodes(ds, g, state=state, kreis=kreis, alliance=alliance, office=office,
                           topic=topic, sector=sector)
    if ego is not None:
        keep.add(ego)
        keep = set(nx.ego_graph(g.subgraph(keep), ego, radius=depth))
    sub = g if len(keep) == len(g) else g.subgraph(keep).copy()  # a view is slow to iterate
    if health is None:  # only the alliances on this map: one Kreis need not check the whole country
        from .health import check_alliances

        shown = sorted(n for n in sub if n in ds.alliances)
        health = {r.alliance: r for r in check_alliances(ds, as_of, alliance_ids=shown)} if shown else {}

    revealed: set[str] = set()
    if reveal:
        revealed = {n for n in sub if alliance is None or sub.has_edge(n, alliance)}
    offers_of: dict[str, list] = {}
    for offer in ds.offers.values():  # one pass, for the alliances on this map only
        if offer.alliance in sub:
            offers_of.setdefault(offer.alliance, []).append(offer)
    nodes = [_map_node(ds, sub, node_id, as_of, health, node_id in revealed, offers_of.get(node_id, ()))
             for node_id in sorted(sub)]
    edges = []
    for u, v, data in sorted(sub.edges(data=True), key=lambda e: (e[0], e[1])):
        if u in ds.alliances or (u in ds.institutions and v in ds.actors):
            u, v = v, u  # the member before its alliance, the person before their workplace
        edges.append(MapEdge(u, v, data["type"], _edge_tooltip(ds, u, v, data, revealed)))
    graph = MapGraph(nodes, edges, _title(ds, state=state, kreis=kreis, alliance=alliance, office=office,
                                           topic=topic, sector=sector, ego=ego, depth=depth, reveal=reveal),
                     as_of)
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


def _check_filters(ds: Dataset, *, state, kreis, alliance, office, topic, sector, ego, depth) -> None:
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


def _near_places(ds: Dataset, *, state, kreis, office) -> Dataset:
    """The part of `ds` a place filter can reach: its alliances with their members and workplaces,
    everyone located there, and the ties among them. Building the graph of one Kreis from this
    instead of the whole country keeps a Kreis map fast at national scale; the selection made
    by :func:`_selected_nodes` on it is the same as on the whole graph."""
    place_ok = _place_filter(ds, state=state, kreis=kreis, office=office)
    out = Dataset(municipalities=ds.municipalities, service_offices=ds.service_offices, topics=ds.topics,
                  states=ds.states)
    for a in ds.alliances.values():
        if place_ok(a.id) or (office and a.office == office and not (kreis or state)):
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
    for key, t in ds.ties.items():
        if (t.source in out.actors or t.source in out.institutions) and (
                t.target in out.actors or t.target in out.institutions):
            out.ties[key] = t
    return out


def _place_filter(ds: Dataset, *, state, kreis, office):
    """Whether a node's place (:func:`place_of`) lies in the chosen Kreis, Land and Servicebüro region."""
    office_states = set(ds.service_offices[office].states) if office else set()

    def place_ok(node_id: str) -> bool:
        ags = place_of(ds, node_id)
        if kreis and (not ags or kreis_of(ags) != kreis):
            return False
        if state and state_of_place(ds, ags) != state:
            return False
        if office and state_of_place(ds, ags) not in office_states:
            return False
        return True

    return place_ok


def _selected_nodes(ds: Dataset, g: nx.Graph, *, state, kreis, alliance, office, topic, sector) -> set[str]:
    place_ok = _place_filter(ds, state=state, kreis=kreis, office=office)

    alliances = set()
    for a in ds.alliances.values():
        if alliance and a.id != alliance:
            continue
        if topic and topic not in a.topics:
            continue
        if office and a.office == office and not (kreis or state):
            alliances.add(a.id)
            continue
        if place_ok(a.id):
            alliances.add(a.id)
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
            lines.append(f"Status: {STATUS_LABELS.get(status, status)} – {report.partners} Partner, "
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
    return f"{names[0]} – {names[1]}: {text}"


def _title(ds: Dataset, *, state, kreis, alliance, office, topic, sector, ego, depth, reveal) -> str:
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


# -- drawing ----------------------------------------------------------------

def legend(graph: MapGraph, colour_by: str = "kind") -> list[tuple[str, str]]:
    """(label, colour) for each colour group present in the map, in a stable order."""
    _check_colour_by(colour_by)
    present = {_group(n, colour_by) for n in graph.nodes}
    return [(label, colour) for key, (label, colour) in _groups(colour_by).items() if key in present]


def _groups(colour_by: str) -> dict[str, tuple[str, str]]:
    kinds = {k: (KIND_LABELS[k], KIND_COLOURS[k]) for k in ("alliance", "kreis")}
    if colour_by == "kind":
        return {k: (KIND_LABELS[k], KIND_COLOURS[k]) for k in KIND_LABELS}
    if colour_by == "sector":
        sectors = {s: (SECTORS[s], c) for s, c in SECTOR_COLOURS.items()}
        return {**kinds, **sectors, "youth": (KIND_LABELS["youth"], KIND_COLOURS["youth"])}
    types = {t: (INSTITUTION_TYPES[t], c) for t, c in TYPE_COLOURS.items()}
    return {**kinds, **types, "person": ("Person", KIND_COLOURS["actor"]),
            "youth": (KIND_LABELS["youth"], KIND_COLOURS["youth"])}


def _group(node: MapNode, colour_by: str) -> str:
    if colour_by == "kind" or node.kind in ("alliance", "kreis", "youth"):
        return node.kind
    if colour_by == "sector":
        return node.sector or "sonstige"
    return node.type if node.kind == "institution" and node.type in TYPE_COLOURS else "person"


def _check_colour_by(colour_by: str) -> None:
    if colour_by not in COLOUR_BY:
        raise ValueError(f"colour_by must be one of {COLOUR_BY}, not {colour_by!r}")


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


_CSS_SIZE = re.compile(r"^\d{1,5}(px|vh|%)$")

_TEMPLATE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{{ title }}</title>
<style>{% include 'lib/vis-9.1.2/vis-network.css' %}</style>
<script>{% include 'lib/vis-9.1.2/vis-network.min.js' %}</script>
<style>
  body { margin: 0; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #222; }
  #kopf { padding: 6px 10px; font-size: 14px; }
  #kopf h1 { font-size: 16px; margin: 0 0 2px 0; }
  #hinweis { color: #8a4b00; }
  #rahmen { position: relative; width: 100%; height: {{ height }}; }
  #mynetwork { width: 100%; height: 100%; border: 1px solid #ddd; box-sizing: border-box; }
  #legende { position: absolute; top: 8px; left: 8px; background: rgba(255,255,255,0.92);
             border: 1px solid #ccc; border-radius: 4px; padding: 6px 8px; font-size: 12px; z-index: 5;
             max-height: 90%; overflow: auto; }
  #legende div { margin: 2px 0; white-space: nowrap; }
  .farbe { display: inline-block; width: 11px; height: 11px; border-radius: 2px; margin-right: 5px;
           vertical-align: -1px; border: 1px solid #777; }
  .rand { display: inline-block; width: 9px; height: 9px; margin-right: 5px; vertical-align: -1px;
          border: 3px solid; background: #fff; }
  #details { position: absolute; right: 8px; top: 8px; max-width: 320px; background: rgba(255,255,255,0.95);
             border: 1px solid #ccc; border-radius: 4px; padding: 6px 8px; font-size: 12px;
             white-space: pre-wrap; display: none; z-index: 5; }
  div.vis-tooltip { white-space: pre-wrap; font-family: inherit; font-size: 12px; max-width: 360px; }
</style>
</head>
<body>
{% if header %}
<div id="kopf">
  <h1>{{ title }}</h1>
  <div>Stand {{ as_of }} · {{ node_count }} Knoten, {{ edge_count }} Verbindungen</div>
  {% if note %}<div id="hinweis">{{ note }}</div>{% endif %}
</div>
{% endif %}
<div id="rahmen">
  <div id="mynetwork"></div>
  <div id="legende" aria-label="Legende">
    <strong>Legende</strong>
    {% for label, colour in legend %}
    <div><span class="farbe" style="background: {{ colour }}"></span>{{ label }}</div>
    {% endfor %}
    {% if has_flags %}
    <div><span class="rand" style="border-color: {{ border_critical }}"></span>⚠ kritisch
      (unter Mindestzahl o. Ä.)</div>
    <div><span class="rand" style="border-color: {{ border_warn }}"></span>⚠ Warnung</div>
    {% endif %}
    <div style="color:#666">Größe: Zahl der Verbindungen</div>
  </div>
  <div id="details" role="status"></div>
</div>
<script>
  var nodes = new vis.DataSet({{ nodes|tojson }});
  var edges = new vis.DataSet({{ edges|tojson }});
  var options = {{ options|tojson }};
  var network = new vis.Network(document.getElementById("mynetwork"), {nodes: nodes, edges: edges}, options);
  var details = document.getElementById("details");
  function showDetails(id) {
    var node = nodes.get(id);
    if (!node) { details.style.display = "none"; return; }
    details.textContent = node.title;  /* text, never markup */
    details.style.display = "block";
  }
  network.on("selectNode", function (params) { showDetails(params.nodes[0]); });
  network.on("deselectNode", function () { details.style.display = "none"; });
  var selected = {{ selected|tojson }};
  if (selected !== null && nodes.get(selected)) {
    network.once("afterDrawing", function () {
      network.selectNodes([selected]);
      network.focus(selected, {scale: 1.0});
      showDetails(selected);
    });
  }
</script>
</body>
</html>
"""


def render_html(graph: MapGraph, *, physics: bool = True, colour_by: str = "kind", height: str = "700px",
                selected: str | None = None, header: bool = True) -> str:
    """A standalone HTML page drawing the map with vis-network (via pyvis), needing no network access.

    Parameters
    ----------
    graph : MapGraph
    physics : bool
        Let the force simulation settle the layout (and keep nodes movable).
        When off, or above :data:`LAYOUT_ABOVE` nodes, positions come from a
        seeded ``networkx.spring_layout`` (Fruchterman–Reingold 1991) and the
        simulation is off, so large maps open without waiting.
    colour_by : {"kind", "type", "sector"}
        Colour nodes by kind (Bündnis, Einrichtung, Person), institution type or sector.
    height : str
        CSS height of the drawing, e.g. ``"700px"``.
    selected : str, optional
        A node id to select and focus when the page opens.
    header : bool
        Show title, date, counts and note above the drawing (off when the
        page is embedded where these are shown already).

    Returns
    -------
    str
        The HTML. Every name is carried as JSON data (``<`` escaped as
        ``\\u003c``) or as escaped text; tooltips are plain text.
    """
    from jinja2 import ChoiceLoader, DictLoader, Environment, FileSystemLoader
    from pyvis.edge import Edge
    from pyvis.network import Network

    _check_colour_by(colour_by)
    if not _CSS_SIZE.match(height):
        raise ValueError(f"height must be a CSS size like '700px', not {height!r}")
    precomputed = not physics or len(graph.nodes) > LAYOUT_ABOVE
    positions = layout(graph) if precomputed else {}
    groups = _groups(colour_by)

    net = Network(height=height, width="100%", directed=False, cdn_resources="in_line")
    for n in graph.nodes:
        fill = groups[_group(n, colour_by)][1]
        border = STATUS_BORDER.get(n.status or "", "#555555")
        extra = {"x": positions[n.id][0], "y": positions[n.id][1]} if n.id in positions else {}
        net.add_node(n.id, label=n.label, shape=SHAPES.get(n.kind, "dot"), title=n.tooltip, size=n.size,
                     color={"background": fill, "border": border,
                            "highlight": {"background": fill, "border": STATUS_BORDER.get(n.status or "", "#000000")},
                            "hover": {"background": fill, "border": STATUS_BORDER.get(n.status or "", "#000000")}},
                     borderWidth=4 if n.flagged else 1, borderWidthSelected=5 if n.flagged else 3,
                     font={"size": 14 if n.kind in ("alliance", "kreis") else 12,
                           "color": "#B00000" if n.flagged else "#222222"},
                     **extra)
    for e in graph.edges:
        style = EDGE_STYLE.get(e.type, EDGE_STYLE["MEMBER_OF"])
        # pyvis' add_edge re-checks every node and edge (quadratic); a MapGraph's edges are unique already.
        net.edges.append(Edge(e.source, e.target, title=e.tooltip or EDGE_LABELS.get(e.type, e.type),
                              color={"color": style["color"], "highlight": "#000000"}, dashes=style["dashes"],
                              width=min(1.0 + e.weight, 8.0) if e.type == "SHARES_MEMBERS" else 1.5).options)
    options = {
        "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False, "multiselect": False},
        "physics": {"enabled": not precomputed, "solver": "forceAtlas2Based",
                    "forceAtlas2Based": {"gravitationalConstant": -60, "springLength": 110},
                    "stabilization": {"enabled": True, "iterations": 400}},
        "edges": {"smooth": False},
        "nodes": {"font": {"face": "system-ui, sans-serif"}},
    }
    env = Environment(autoescape=True, loader=ChoiceLoader([
        DictLoader({"buendnisnetz.html": _TEMPLATE}), FileSystemLoader(net.template_dir)]))
    return env.get_template("buendnisnetz.html").render(
        title=graph.title, as_of=graph.as_of.strftime("%d.%m.%Y") if graph.as_of else "heute",
        node_count=len(graph.nodes), edge_count=len(graph.edges), note=graph.note,
        legend=legend(graph, colour_by), has_flags=any(n.flagged for n in graph.nodes),
        border_critical=STATUS_BORDER["critical"], border_warn=STATUS_BORDER["warn"],
        height=height, nodes=net.nodes, edges=net.edges, options=options,
        selected=selected if selected and graph.node(selected) else None, header=header,
    )


def write_map(ds: Dataset, out: str | Path, *, alliance: str | None = None, kreis: str | None = None,
              office: str | None = None, as_of: date | None = None) -> Path:
    """Write the standalone HTML map for the CLI ``map`` command; return the path written."""
    graph = build_network(ds, as_of or date.today(), alliance=alliance, kreis=kreis, office=office)
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(graph), encoding="utf-8")
    return path
