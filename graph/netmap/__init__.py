"""Network maps: who works with whom, as data (pure) and as a standalone offline HTML page.

The package is split by concern; import from here:

- :mod:`.mapgraph` – the drawable data (:class:`MapNode`, :class:`MapEdge`, :class:`MapGraph`) and the
  selection (:class:`MapFilter`);
- :mod:`.build` – from a Dataset to a MapGraph (:func:`build_network`, :func:`aggregate`);
- :mod:`.levels` – the levels Bund → Land → Kreis → Bündnis → Person (:func:`map_for`, :func:`overview`,
  :func:`drill_down`);
- :mod:`.style` – labels, colours, shapes, edge styles and the legends; :mod:`.colours` measures the
  palette's distinctness (CIEDE2000, simulated colour-vision deficiency);
- :mod:`.layout` – fixed positions when the browser's simulation is off;
- :mod:`.vis` – a MapGraph as vis-network data (shared by the HTML page and the app component);
- :mod:`.html` – the offline, inert HTML page (:func:`render_html`, :func:`write_map`); the viewer's
  JavaScript and the vendored vis-network live in ``graph/netmap/static/``.
"""

from __future__ import annotations

from .build import (
    AGGREGATE_ABOVE,
    aggregate,
    build_network,
    network_graph,
    place_of,
    sector_of,
    state_of_place,
)
from .html import LAYOUT_ABOVE, STATIC, file_stem, json_for_script, render_html, write_map
from .layout import LAYOUT_SEED, layout
from .levels import LEVEL_LABELS, LEVELS, drill_down, level_of, map_for, overview
from .mapgraph import MapEdge, MapFilter, MapGraph, MapNode
from .style import (
    COLOUR_BY,
    EDGE_LABELS,
    EDGE_STYLE,
    KIND_COLOURS,
    KIND_LABELS,
    SECTOR_COLOURS,
    SHAPES,
    STATUS_BORDER,
    STATUS_COLOURS,
    STATUS_LABELS,
    TYPE_COLOURS,
    TYPE_LOOKS,
    legend,
)
from .vis import vis_data

__all__ = [
    "AGGREGATE_ABOVE", "COLOUR_BY", "EDGE_LABELS", "EDGE_STYLE", "KIND_COLOURS", "KIND_LABELS", "LAYOUT_ABOVE",
    "LAYOUT_SEED", "LEVELS", "LEVEL_LABELS", "SECTOR_COLOURS", "SHAPES", "STATIC", "STATUS_BORDER",
    "STATUS_COLOURS", "STATUS_LABELS", "TYPE_COLOURS", "TYPE_LOOKS", "MapEdge", "MapFilter", "MapGraph", "MapNode",
    "aggregate", "build_network", "drill_down", "file_stem", "json_for_script", "layout", "legend", "level_of",
    "map_for", "network_graph", "overview", "place_of", "render_html", "sector_of", "state_of_place", "vis_data",
    "write_map",
]
