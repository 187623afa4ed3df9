"""The network map as a bidirectional Streamlit component around vis-network, bundled offline.

The component's files are the map viewer's (``graph/netmap/static``: vendored vis-network 9.1.2,
``karte.js``, ``index.html`` + ``komponente.js``); no CDN, no build step. The page sends the map
data and the node chosen in its Details panel; the component sends back what the user did in the
map: ``{"event": "click" | "search" | "open" | "drawn", "id": node id, "nonce": unique}``. Names travel as
JSON data and are drawn as text.
"""

from __future__ import annotations

import streamlit.components.v1 as components

from graph.netmap import STATIC

__all__ = ["map_component"]

_component = components.declare_component("netzwerkkarte", path=str(STATIC))


def map_component(data: dict, *, data_key: str, selected: str | None, file_stem: str, height: int,
                  key: str, report_drawn: bool = False) -> dict | None:
    """Draw the map (``graph.netmap.vis_data``) and return the user's last action in it, or None.

    ``data_key`` names the data: the map is drawn again only when it changes, so choosing a node
    in the page (``selected``) just focuses it. With ``report_drawn`` the component also reports
    ``{"event": "drawn"}`` once this map is on screen (the page then draws the rest of itself).
    """
    return _component(data=data, data_key=data_key, selected=selected, file_stem=file_stem, height=height,
                      report_drawn=report_drawn, key=key, default=None)
