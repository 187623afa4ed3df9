"""GraphML and GEXF: the whole property graph for Gephi, yEd or Cytoscape.

Nodes are keyed ``"Label:id"`` because ids are unique per label only
(design.md, graph schema). Every node carries ``label`` (the display name,
which Gephi shows), ``name``, ``kind`` (the Neo4j label), ``entity_id`` and,
where known, ``type``, ``sector``, ``role``, ``level``, ``municipality``
(AGS) and ``state``. Every relationship becomes an edge labelled with its
type (``MEMBER_OF``, ``KNOWS``, ...) plus its properties. Values are never
None: the networkx writers reject None, so an unknown value is simply left out.
"""

from __future__ import annotations

from pathlib import Path

import networkx as nx

from ..model import Dataset
from ..store.graphmap import node_rows, rel_rows
from .export import pseudonymized

#: Node attributes that the GEXF writer treats specially; we never set them as data.
_GEXF_RESERVED = {"id", "start", "end", "viz", "pid"}


def node_key(label: str, ident: str) -> str:
    """The node key in exported graphs, e.g. ``Actor:a-17``."""
    return f"{label}:{ident}"


def _place(ds: Dataset, label: str, ident: str) -> tuple[str | None, str | None]:
    """(municipality AGS, state code) of a node, where the graph says it."""
    municipality = None
    if label == "Municipality":
        return None, ds.municipalities[ident].state
    if label == "Institution":
        municipality = ds.institutions[ident].municipality
    elif label == "Actor":
        municipality = ds.municipality_of_member(ident)
    elif label == "Alliance":
        municipality = ds.alliances[ident].municipality
    elif label == "Offer":
        offer = ds.offers[ident]
        alliance = ds.alliances.get(offer.alliance) if offer.alliance else None
        municipality = offer.municipality or (alliance.municipality if alliance else None)
    elif label == "State":
        return None, ident
    place = ds.municipalities.get(municipality) if municipality else None
    return municipality, place.state if place else None


def to_networkx(ds: Dataset, *, reveal: bool = False) -> nx.MultiDiGraph:
    """The dataset as a networkx multigraph ready for the file writers.

    Parameters
    ----------
    ds : Dataset
    reveal : bool
        Real names of refugee young people instead of pseudonyms.

    Returns
    -------
    networkx.MultiDiGraph
        One node per entity, one edge per relationship (a person who left an
        alliance and rejoined has two ``MEMBER_OF`` edges, hence a multigraph).
        Edge keys are ``TYPE`` or ``TYPE@since``.

    Examples
    --------
    >>> from graph.model import Actor, Alliance, Membership, Municipality
    >>> ds = Dataset()
    >>> ds.add(Municipality("05315", "Köln", "kreisfreie_stadt", "NW"))
    >>> ds.add(Actor("y1", "Amira K.", is_refugee_youth=True, pseudonym="Stern"))
    >>> ds.add(Alliance("b1", "Bündnis Köln", "05315"))
    >>> ds.add(Membership("y1", "b1"))
    >>> g = to_networkx(ds)
    >>> g.nodes["Actor:y1"]["label"], g.nodes["Alliance:b1"]["state"]
    ('Stern', 'NW')
    >>> sorted(d["label"] for _, _, d in g.edges(data=True))
    ['LOCATED_IN', 'MEMBER_OF']
    """
    ds = pseudonymized(ds, reveal=reveal)
    g = nx.MultiDiGraph(name="Bündnisnetz")
    for label, ident, props in node_rows(ds):
        attrs = {k: v for k, v in props.items() if k not in _GEXF_RESERVED}
        name = props.get("name") or props.get("title") or ident
        attrs.update(label=name, name=name, kind=label, entity_id=ident)
        municipality, state = _place(ds, label, ident)
        if municipality:
            attrs["municipality"] = municipality
        if state:
            attrs["state"] = state
        g.add_node(node_key(label, ident), **{k: v for k, v in attrs.items() if v is not None})
    for (type_, src_label, src, dst_label, dst, key), props in rel_rows(ds):
        attrs = {k: v for k, v in props.items() if v is not None}
        if "strength" in attrs:
            attrs["weight"] = float(attrs["strength"])  # Gephi sizes edges by weight
        g.add_edge(node_key(src_label, src), node_key(dst_label, dst), key=f"{type_}@{key}" if key else type_,
                   label=type_, **attrs)
    return g


def write_graphml(ds: Dataset, path: Path, *, reveal: bool = False) -> Path:
    """GraphML; each edge also carries its relationship type as attribute ``type``."""
    g = to_networkx(ds, reveal=reveal)
    for _, _, data in g.edges(data=True):
        data["type"] = data["label"]
    nx.write_graphml(g, Path(path), encoding="utf-8")
    return Path(path)


def write_gexf(ds: Dataset, path: Path, *, reveal: bool = False) -> Path:
    """GEXF 1.2 for Gephi; the relationship type is the edge label.

    GEXF reserves the edge attribute ``type`` for directed/undirected, so the
    relationship type is written as edge ``label`` and attribute ``relationship``.
    """
    g = to_networkx(ds, reveal=reveal)
    for _, _, data in g.edges(data=True):
        data["relationship"] = data["label"]
    nx.write_gexf(g, Path(path), encoding="utf-8")
    return Path(path)
