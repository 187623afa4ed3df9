"""The map as one standalone HTML page: offline and inert.

The page needs no network access: vis-network (vendored in ``graph/netmap/static/``, see
``graph/netmap/static/VENDOR.md``) and the viewer ``graph/netmap/static/karte.js`` are inlined, and a
Content-Security-Policy forbids any request. Names from the data never become
markup: the map data is one JSON block escaped for ``<script>`` (``<``, ``>``,
``&`` as ``\\uXXXX``) that the viewer reads with ``JSON.parse``; it sets every
name as text, and vis-network >= 9 shows plain-text tooltips via ``innerText``
(vis-network PR #1275).
"""

from __future__ import annotations

import json
import re
from datetime import date
from functools import cache
from pathlib import Path

from ..model import Dataset
from .levels import map_for
from .mapgraph import MapFilter, MapGraph
from .vis import LAYOUT_ABOVE, vis_data

__all__ = ["LAYOUT_ABOVE", "STATIC", "file_stem", "json_for_script", "map_page", "render_html", "write_map"]

#: The viewer's files: vis-network, karte.js, karte.css and the app component's index.html.
STATIC = Path(__file__).with_name("static")
_CSS_SIZE = re.compile(r"^\d{1,5}(px|vh|%)$")

_TEMPLATE = """<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy"
      content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>{{ title }}</title>
<style>{{ css }}</style>
<style>
  body { margin: 0; padding: 6px 10px; font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif;
         color: #222; }
  #kopf { font-size: 14px; margin-bottom: 6px; }
  #kopf h1 { font-size: 16px; margin: 0 0 2px 0; }
  #hinweis { color: #8a4b00; }
</style>
<script>{{ vis_js }}</script>
<script>{{ karte_js }}</script>
</head>
<body>
{% if header %}
<div id="kopf">
  <h1>{{ title }}</h1>
  <div>Stand {{ as_of }} · {{ node_count }} Knoten, {{ edge_count }} Verbindungen</div>
  {% if note %}<div id="hinweis">{{ note }}</div>{% endif %}
</div>
{% endif %}
<div id="karte"></div>
<script type="application/json" id="kartendaten">{{ data }}</script>
<script>
  BNKarte.mount(document.getElementById("karte"),
                JSON.parse(document.getElementById("kartendaten").textContent),
                {height: {{ height_px }}, selected: {{ selected }}, fileStem: {{ file_stem }}});
</script>
</body>
</html>
"""


@cache
def _asset(name: str) -> str:
    return (STATIC / name).read_text(encoding="utf-8")


def json_for_script(value) -> str:
    """JSON that cannot end a ``<script>`` element or open markup: ``<``, ``>``, ``&`` escaped.

    >>> json_for_script({"name": "</script><b>"})
    '{"name": "\\\\u003c/script\\\\u003e\\\\u003cb\\\\u003e"}'
    """
    text = json.dumps(value, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def render_html(graph: MapGraph, *, physics: bool = True, colour_by: str = "kind", height: str = "700px",
                selected: str | None = None, header: bool = True, file_stem: str = "netzwerkkarte") -> str:
    """A standalone HTML page drawing the map with vis-network, needing no network access.

    Parameters
    ----------
    graph : MapGraph
    physics : bool
        Let the force simulation settle the layout before the map is shown.
        When off, for overview maps, or above :data:`LAYOUT_ABOVE` nodes,
        positions come from :func:`graph.netmap.layout.layout`.
    colour_by : {"kind", "type", "sector"}
        Colour nodes by kind (Bündnis, Einrichtung, Person), institution type or sector.
    height : str
        CSS height of the drawing in pixels, e.g. ``"700px"``.
    selected : str, optional
        A node id to select and focus when the page opens.
    header : bool
        Show title, date, counts and note above the drawing (off when the
        page is embedded where these are shown already).
    file_stem : str
        Name (without extension) of the PNG the page's export button saves.

    Returns
    -------
    str
        The HTML. Every name is carried as JSON data (``<`` escaped as
        ``\\u003c``) or as escaped text; tooltips are plain text.
    """
    from jinja2 import Environment
    from markupsafe import Markup

    if not _CSS_SIZE.match(height) or not height.endswith("px"):
        raise ValueError(f"height must be a CSS size in pixels like '700px', not {height!r}")
    data = vis_data(graph, colour_by=colour_by, physics=physics)
    env = Environment(autoescape=True)
    return env.from_string(_TEMPLATE).render(
        title=graph.title, as_of=graph.as_of.strftime("%d.%m.%Y") if graph.as_of else "heute",
        node_count=len(graph.nodes), edge_count=len(graph.edges), note=graph.note, header=header,
        css=Markup(_asset("karte.css")), vis_js=Markup(_asset("vis-network.min.js")),
        karte_js=Markup(_asset("karte.js")), data=Markup(json_for_script(data)), height_px=int(height[:-2]),
        selected=Markup(json_for_script(selected if selected and graph.node(selected) else None)),
        file_stem=Markup(json_for_script(file_stem)),
    )


def file_stem(sel: MapFilter, as_of: date) -> str:
    """A download name that says what the map shows, e.g. ``netzwerkkarte-kreis-14713-2026-11-29``.

    >>> file_stem(MapFilter(kreis="14713"), date(2026, 11, 29))
    'netzwerkkarte-kreis-14713-2026-11-29'
    >>> file_stem(MapFilter(), date(2026, 11, 29))
    'netzwerkkarte-bund-2026-11-29'
    """
    parts = ["netzwerkkarte"]
    for name, value in (("land", sel.state), ("buero", sel.office), ("kreis", sel.kreis),
                        ("buendnis", sel.alliance), ("thema", sel.topic), ("sektor", sel.sector), ("ego", sel.ego)):
        if value:
            parts += [name, re.sub(r"[^a-z0-9]+", "-", str(value).lower()).strip("-")]
    if sel.ego and sel.depth != 1:
        parts.append(f"tiefe-{sel.depth}")
    if len(parts) == 1:
        parts.append("bund")
    return "-".join(parts + [as_of.isoformat()])


def map_page(ds: Dataset, *, alliance: str | None = None, kreis: str | None = None, office: str | None = None,
             as_of: date | None = None) -> str:
    """The standalone HTML map the CLI ``map`` command writes (:func:`write_map`).

    Without a filter the page shows the Bund overview (one node per Land)."""
    as_of = as_of or date.today()
    sel = MapFilter(alliance=alliance, kreis=kreis, office=office)
    return render_html(map_for(ds, as_of, sel), file_stem=file_stem(sel, as_of))


def write_map(ds: Dataset, out: str | Path, *, alliance: str | None = None, kreis: str | None = None,
              office: str | None = None, as_of: date | None = None) -> Path:
    """Write :func:`map_page` to `out` (folders created as needed); return the path written."""
    path = Path(out)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(map_page(ds, alliance=alliance, kreis=kreis, office=office, as_of=as_of), encoding="utf-8")
    return path
