"""Netzwerkkarte: who works with whom, filtered by place, alliance, topic, sector or around one person."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.model import SECTORS, STATES, kreis_of
from graph.netmap import EDGE_LABELS, KIND_LABELS
from ui.common import app_context, empty_hint, kreis_name, map_html, md, network_map, show_map, state_of

st.title("Netzwerkkarte")
ctx = app_context()
ds = ctx.ds
if empty_hint(ds):
    st.stop()


def choose(label: str, options: list, key: str, names: dict, *, column) -> str | None:
    """A selectbox with 'alle' first; a stale choice (no longer offered) falls back to 'alle'."""
    choices = [None, *options]
    if st.session_state.get(key) not in choices:
        st.session_state[key] = None
    return column.selectbox(label, choices, key=key, format_func=lambda v: "alle" if v is None else names[v])


places = {a.id: a.municipality for a in ds.alliances.values()}
c1, c2, c3 = st.columns(3)
states = sorted({state_of(ds, ags) for ags in places.values()} - {None}, key=lambda s: STATES[s][0])
state = choose("Land", states, "karte_land", {s: STATES[s][0] for s in states}, column=c1)
kreise = sorted({kreis_of(ags) for ags in places.values() if state is None or state_of(ds, ags) == state})
kreis = choose("Kreis", kreise, "karte_kreis", {k: kreis_name(ds, k) for k in kreise}, column=c2)
offices = sorted(ds.service_offices)
office = choose("Servicebüro", offices, "karte_buero", {o: ds.service_offices[o].name for o in offices}, column=c3)

c1, c2, c3 = st.columns(3)
alliance_ids = sorted((a for a, ags in places.items()
                       if (state is None or state_of(ds, ags) == state) and (kreis is None or kreis_of(ags) == kreis)),
                      key=lambda a: ds.alliances[a].name)
alliance = choose("Bündnis", alliance_ids, "karte_buendnis", {a: ds.alliances[a].name for a in alliance_ids},
                  column=c1)
topics = sorted(ds.topics, key=lambda t: ds.topics[t].name)
topic = choose("Thema", topics, "karte_thema", {t: ds.topics[t].name for t in topics}, column=c2)
sector = choose("Sektor", list(SECTORS), "karte_sektor", SECTORS, column=c3)

c1, c2, c3, c4 = st.columns([2, 1, 1, 1])
ego_names = {i: f"{inst.name} (Einrichtung)" for i, inst in ds.institutions.items()}
ego_names |= {a: f"{ds.name_of(a)} (Person)" for a in ds.actors}
ego = choose("Ego-Netz von (Person oder Einrichtung)", sorted(ego_names, key=lambda i: ego_names[i].lower()),
             "karte_ego", ego_names, column=c1)
depth = c2.slider("Tiefe", 1, 3, 1, key="karte_tiefe", disabled=ego is None,
                  help="Schritte vom Mittelpunkt des Ego-Netzes")
colour_by = c3.radio("Farbe nach", ["kind", "type", "sector"], key="karte_farbe",
                     format_func={"kind": "Art", "type": "Typ", "sector": "Sektor"}.get)
physics = c4.toggle("Physik", value=True, key="karte_physik",
                   help="An: Knoten ordnen sich beweglich an. Aus: feste, vorab berechnete Anordnung.")

filters = {"state": state, "kreis": kreis, "alliance": alliance, "office": office, "topic": topic,
           "sector": sector, "ego": ego, "depth": depth if ego else 1}
graph = network_map(ctx.uri, ctx.view, ctx.as_of, **filters)
if graph.aggregated:
    st.info(graph.note)
if not graph.nodes:
    st.warning("Für diese Auswahl gibt es keine Knoten. Lockern Sie die Filter.")
    st.stop()
counts = graph.counts()
st.caption(md(graph.title + " · " + " · ".join(f"{KIND_LABELS[k]}: {n}" for k, n in sorted(counts.items()))
              + f" · Verbindungen: {len(graph.edges)}"))

node_names = {n.id: n.label for n in graph.nodes}
map_col, detail_col = st.columns([3, 1])
with detail_col:
    st.subheader("Details")
    if st.session_state.get("karte_knoten") not in node_names:
        st.session_state["karte_knoten"] = None
    selected = st.selectbox("Knoten auswählen", sorted(node_names, key=lambda n: node_names[n].lower()),
                            index=None, placeholder="Knoten wählen …", key="karte_knoten",
                            format_func=node_names.get)
    if selected is not None:
        node = graph.node(selected)
        st.text(node.tooltip)  # plain text: names from the data are never markup
        neighbours = [{"Verbindung": EDGE_LABELS.get(e.type, e.type), "mit": node_names.get(other, other)}
                      for e, other in graph.neighbours(selected)]
        if neighbours:
            st.dataframe(pd.DataFrame(neighbours), hide_index=True, width="stretch")
    else:
        st.caption("Wählen Sie einen Knoten, um Einzelheiten und Verbindungen zu sehen. "
                   "In der Karte zeigt das Überfahren mit der Maus dieselben Angaben.")

with map_col:
    show_map(map_html(ctx.uri, ctx.view, ctx.as_of, colour_by, physics, selected, **filters))
    standalone = map_html(ctx.uri, ctx.view, ctx.as_of, colour_by, physics, None, header=True, **filters)
    st.download_button("Karte als HTML herunterladen", standalone, file_name="netzwerkkarte.html", mime="text/html",
                       key="karte_download",
                       help="Eigenständige Datei, die ohne Internetverbindung geöffnet werden kann.")
