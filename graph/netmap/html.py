"""The map as one standalone HTML page (vis-network, inlined from pyvis): offline and inert.

The page needs no network access: vis-network is inlined, pyvis' CDN links (bootstrap) are not
used, and a Content-Security-Policy forbids any request. Names from the data never become markup:
node data is written as JSON escaped for ``<script>`` (``<``, ``>``, ``&``, ``'`` as ``\\uXXXX``),
and tooltips are plain text, which vis-network >= 9 shows via ``innerText`` (vis-network PR #1275).
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ..model import Dataset
from .build import build_network
from .layout import layout
from .mapgraph import MapFilter, MapGraph
from .style import (
    EDGE_LABELS,
    EDGE_STYLE,
    SHAPES,
    STATUS_BORDER,
    check_colour_by,
    colour_groups,
    group_of,
    legend,
)

__all__ = ["LAYOUT_ABOVE", "render_html", "write_map"]

#: More nodes than this and the layout is precomputed (physics off) so the browser stays responsive.
LAYOUT_ABOVE = 150

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

    check_colour_by(colour_by)
    if not _CSS_SIZE.match(height):
        raise ValueError(f"height must be a CSS size like '700px', not {height!r}")
    precomputed = not physics or len(graph.nodes) > LAYOUT_ABOVE
    positions = layout(graph) if precomputed else {}
    groups = colour_groups(colour_by)

    net = Network(height=height, width="100%", directed=False, cdn_resources="in_line")
    for n in graph.nodes:
        fill = groups[group_of(n, colour_by)][1]
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
                              color={"color": e.colour or style["color"], "highlight": "#000000"},
                              dashes=False if e.colour else style["dashes"],
                              width=min(1.0 + e.weight, 8.0) if e.type == "SHARES_MEMBERS" or e.colour
                              else 1.5).options)
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
    graph = build_network(ds, as_of or date.today(), MapFilter(alliance=alliance, kreis=kreis, office=office))
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render_html(graph), encoding="utf-8")
    return path
