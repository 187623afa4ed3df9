"""Network maps: who works with whom, as data (pure) and as a standalone offline HTML page.

The package is split by concern; import from here:

- :mod:`.mapgraph` – the drawable data (:class:`MapNode`, :class:`MapEdge`, :class:`MapGraph`) and the
  selection (:class:`MapFilter`);
- :mod:`.build` – from a Dataset to a MapGraph (:func:`build_network`, :func:`aggregate`);
- :mod:`.style` – labels, colours, shapes, edge styles and the legend;
- :mod:`.layout` – fixed positions when the browser's simulation is off;
- :mod:`.html` – the offline, inert HTML page (:func:`render_html`, :func:`write_map`).
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
from .html import LAYOUT_ABOVE, render_html, write_map
from .layout import LAYOUT_SEED, layout
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
    STATUS_LABELS,
    TYPE_COLOURS,
    legend,
)

__all__ = [
    "AGGREGATE_ABOVE", "COLOUR_BY", "EDGE_LABELS", "EDGE_STYLE", "KIND_COLOURS", "KIND_LABELS", "LAYOUT_ABOVE",
    "LAYOUT_SEED", "SECTOR_COLOURS", "SHAPES", "STATUS_BORDER", "STATUS_LABELS", "TYPE_COLOURS", "MapEdge",
    "MapFilter", "MapGraph", "MapNode", "aggregate", "build_network", "layout", "legend", "network_graph",
    "place_of", "render_html", "sector_of", "state_of_place", "write_map",
]
