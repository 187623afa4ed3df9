"""GraphML and GEXF: the whole property graph for Gephi, yEd or Cytoscape.

Nodes are keyed ``"Label:id"`` because ids are unique per label only
(docs/design.md, Graph schema). Every node carries ``label`` (the display name,
which Gephi shows), ``name``, ``kind`` (the Neo4j label), ``entity_id`` and,
where known, ``type``, ``sector``, ``role``, ``level``, ``municipality``
(AGS) and ``state``. Every relationship becomes an edge labelled with its
type (``MEMBER_OF``, ``KNOWS``, ...) plus its properties. Values are never
None: an unknown value is simply left out.

The writers stream: nodes and edges are generated from the dataset and written
one by one (two passes, the first only collects the attribute declarations),
so memory stays that of the dataset rather than of a networkx graph plus an
XML tree of the whole country. The files read back with networkx's
``read_graphml`` / ``read_gexf`` as the graph :func:`to_networkx` builds.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape, quoteattr

from ..model import Dataset
from ..store.graphmap import node_rows, rel_rows
from .export import pseudonymized

if TYPE_CHECKING:
    import networkx as nx

GRAPH_NAME = "Bündnisnetz"
#: Python type -> attribute type, as networkx writes them (bool before int: a bool is an int).
_XML_TYPES = ((bool, "boolean"), (int, "long"), (float, "double"), (str, "string"))

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


def _nodes(ds: Dataset) -> Iterator[tuple[str, dict[str, Any]]]:
    """(node key, attributes) of every node of an already pseudonymised dataset."""
    for label, ident, props in node_rows(ds):
        attrs = {k: v for k, v in props.items() if k not in _GEXF_RESERVED}
        name = props.get("name") or props.get("title") or ident
        attrs.update(label=name, name=name, kind=label, entity_id=ident)
        municipality, state = _place(ds, label, ident)
        if municipality:
            attrs["municipality"] = municipality
        if state:
            attrs["state"] = state
        yield node_key(label, ident), {k: v for k, v in attrs.items() if v is not None}


def _edges(ds: Dataset) -> Iterator[tuple[str, str, str, dict[str, Any]]]:
    """(source key, target key, edge key, attributes) of every relationship, ``label`` first."""
    for (type_, src_label, src, dst_label, dst, key), props in rel_rows(ds):
        attrs = {"label": type_, **{k: v for k, v in props.items() if v is not None}}
        if "strength" in attrs:
            attrs["weight"] = float(attrs["strength"])  # Gephi sizes edges by weight
        yield node_key(src_label, src), node_key(dst_label, dst), f"{type_}@{key}" if key else type_, attrs


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
    >>> [d["label"] for n, d in g.nodes(data=True) if n.startswith("Actor:")], g.nodes["Alliance:b1"]["state"]
    (['Stern'], 'NW')
    >>> "Actor:y1" in g  # a pseudonymous entry under an id for this export only
    False
    >>> sorted(d["label"] for _, _, d in g.edges(data=True))
    ['LOCATED_IN', 'MEMBER_OF']
    """
    import networkx as nx

    ds = pseudonymized(ds, reveal=reveal)
    g = nx.MultiDiGraph(name=GRAPH_NAME)
    for node, attrs in _nodes(ds):
        g.add_node(node, **attrs)
    for u, v, key, attrs in _edges(ds):
        g.add_edge(u, v, key=key, **attrs)
    return g


def _xml_type(value) -> str:
    for python_type, name in _XML_TYPES:
        if isinstance(value, python_type):
            return name
    raise TypeError(f"attribute value type is not allowed: {type(value).__name__}")


def _text(value) -> str:
    return str(value).lower() if isinstance(value, bool) else str(value)


def write_graphml(ds: Dataset, path: Path, *, reveal: bool = False) -> Path:
    """GraphML; each edge also carries its relationship type as attribute ``type``."""
    ds = pseudonymized(ds, reveal=reveal)

    def edges():
        for u, v, key, attrs in _edges(ds):
            attrs["type"] = attrs["label"]
            yield u, v, key, attrs

    keys: dict[tuple[str, str, str], str] = {}  # (scope, name, type) -> key id, in order of first use
    keys[("graph", "name", "string")] = "d0"
    for scope, items in (("node", (a for _, a in _nodes(ds))), ("edge", (a for *_, a in edges()))):
        for attrs in items:
            for name, value in attrs.items():
                keys.setdefault((scope, name, _xml_type(value)), f"d{len(keys)}")
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
                  'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n')
        for (scope, name, type_), ident in keys.items():
            out.write(f'  <key id="{ident}" for="{scope}" attr.name={quoteattr(name)} attr.type="{type_}" />\n')
        out.write('  <graph edgedefault="directed">\n'
                  f'    <data key="d0">{escape(GRAPH_NAME)}</data>\n')

        def data(scope: str, attrs: dict) -> str:
            return "".join(f'      <data key="{keys[(scope, name, _xml_type(value))]}">{escape(_text(value))}</data>\n'
                           for name, value in attrs.items())

        for node, attrs in _nodes(ds):
            out.write(f"    <node id={quoteattr(node)}>\n{data('node', attrs)}    </node>\n")
        for u, v, key, attrs in edges():
            out.write(f"    <edge source={quoteattr(u)} target={quoteattr(v)} id={quoteattr(key)}>\n"
                      f"{data('edge', attrs)}    </edge>\n")
        out.write("  </graph>\n</graphml>\n")
    return Path(path)


def write_gexf(ds: Dataset, path: Path, *, reveal: bool = False) -> Path:
    """GEXF 1.2 for Gephi; the relationship type is the edge label.

    GEXF reserves the edge attribute ``type`` for directed/undirected, so the
    relationship type is written as edge ``label`` and attribute ``relationship``;
    the multigraph edge key as attribute ``networkx_key`` (as networkx does).
    """
    ds = pseudonymized(ds, reveal=reveal)

    def nodes():
        for node, attrs in _nodes(ds):
            label = attrs.pop("label", node)
            yield node, label, attrs

    def edges():
        for number, (u, v, key, attrs) in enumerate(_edges(ds)):
            label = attrs.pop("label")
            weight = attrs.pop("weight", None)
            attrs["relationship"] = label
            attrs["networkx_key"] = key
            yield u, v, number, label, weight, attrs

    declared: dict[str, dict[str, tuple[str, str]]] = {"node": {}, "edge": {}}  # class -> title -> (id, type)
    count = 0
    for cls, items in (("node", (a for *_, a in nodes())), ("edge", (a for *_, a in edges()))):
        for attrs in items:
            for name, value in attrs.items():
                if name not in declared[cls]:
                    declared[cls][name] = (str(count), _xml_type(value))
                    count += 1
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("<?xml version='1.0' encoding='utf-8'?>\n"
                  '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
                  'version="1.2">\n'
                  f'  <meta lastmodifieddate="{date.today().isoformat()}">\n'
                  "    <creator>Bündnisnetz</creator>\n  </meta>\n"
                  f'  <graph defaultedgetype="directed" mode="static" name={quoteattr(GRAPH_NAME)}>\n')
        for cls in ("edge", "node"):
            if declared[cls]:
                out.write(f'    <attributes mode="static" class="{cls}">\n')
                for title, (ident, type_) in declared[cls].items():
                    out.write(f'      <attribute id="{ident}" title={quoteattr(title)} type="{type_}" />\n')
                out.write("    </attributes>\n")

        def values(cls: str, attrs: dict) -> str:
            if not attrs:
                return ""
            return ("        <attvalues>\n"
                    + "".join(f'          <attvalue for="{declared[cls][name][0]}" value={quoteattr(_text(value))} />\n'
                              for name, value in attrs.items())
                    + "        </attvalues>\n")

        out.write("    <nodes>\n")
        for node, label, attrs in nodes():
            out.write(f"      <node id={quoteattr(node)} label={quoteattr(str(label))}>\n"
                      f"{values('node', attrs)}      </node>\n")
        out.write("    </nodes>\n    <edges>\n")
        for u, v, number, label, weight, attrs in edges():
            extra = f" weight={quoteattr(str(weight))}" if weight is not None else ""
            out.write(f'      <edge source={quoteattr(u)} target={quoteattr(v)} id="{number}" '
                      f"label={quoteattr(str(label))}{extra}>\n{values('edge', attrs)}      </edge>\n")
        out.write("    </edges>\n  </graph>\n</gexf>\n")
    return Path(path)
