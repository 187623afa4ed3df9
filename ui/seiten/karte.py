"""Netzwerkkarte: the network at five levels (Bund → Land → Kreis → Bündnis → Person), map and panel in step.

Clicking a Land or Kreis in the map drills down; clicking any other node shows it in the Details
panel; choosing a node in the panel (or the map's search) focuses it in the map. Every view has
a table with the same nodes and edges (BITV 2.0: information in graphics also as text). A session
that opens on this page gets its first map before the filter fields and the rest of the page
(``ui.common.MAP_FIRST_KEY``).
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.model import SECTORS, STATES, kreis_of
from graph.netmap import (
    EDGE_LABELS,
    KIND_LABELS,
    LEVEL_LABELS,
    STATUS_LABELS,
    MapFilter,
    drill_down,
    file_stem,
    level_of,
    render_html,
)
from ui.common import (
    FIRST_MAP,
    MAP_ALLIANCE_LIST_LIMIT,
    MAP_COMPONENT_KEY,
    MAP_FIRST_KEY,
    app_context,
    empty_hint,
    kreis_name,
    map_data,
    map_filters,
    md,
    network_map,
    state_of,
)
from ui.karte_komponente import map_component

MAP_HEIGHT = 470
#: The height of the filter row with "Weitere Filter" below it, kept free while a first map is drawn
#: (1440×900; on a phone the four fields stand one below the other).
FILTER_ROW_HEIGHT = 124
FILTER_ROW_HEIGHT_PHONE = 376
FILTER_KEYS = {"state": "karte_land", "kreis": "karte_kreis", "alliance": "karte_buendnis", "office": "karte_buero",
               "topic": "karte_thema", "sector": "karte_sektor"}

# The map belongs in the first viewport of a laptop screen (1440×900): less blank space above the title.
st.html('<style>[data-testid="stMainBlockContainer"] { padding-top: 2.5rem; }'
        # the space kept for the filter row while a first map is drawn: on a phone its fields stand one below
        # the other (Streamlit stacks columns below 640 px)
        '@media (max-width: 640px) { [data-testid="stLayoutWrapper"]:has(> .st-key-karte_filter_platz), '
        f'.st-key-karte_filter_platz {{ height: {FILTER_ROW_HEIGHT_PHONE}px !important; '
        f'min-height: {FILTER_ROW_HEIGHT_PHONE}px !important; max-height: none !important; }} }}'
        '</style>')
st.title("Netzwerkkarte")
ctx = app_context()
ds = ctx.ds
if empty_hint(ds):
    st.stop()
state_ = st.session_state

#: The filters under "Weitere Filter" and their defaults. They are drawn only while that section is open
#: (a first view of the page draws a third fewer elements); in between, their values are kept under
#: MORE_KEPT, because Streamlit forgets the state of a widget that a run does not draw.
MORE = {"karte_buero": None, "karte_thema": None, "karte_sektor": None, "karte_tiefe": 1,
        "karte_physik": FIRST_MAP["physics"]}
MORE_KEPT = "karte_weitere_werte"


def kept() -> dict:
    return state_.setdefault(MORE_KEPT, dict(MORE))


# Coming from another page, Streamlit has dropped the state of this page's widgets (the colour choice is
# drawn on every run of this page): the kept values go the same way, so every filter starts afresh.
if "karte_farbe" not in state_:
    state_[MORE_KEPT] = dict(MORE)


def current(key: str):
    return kept()[key] if key in MORE else state_.get(key)


def current_filter() -> MapFilter:
    values = {field: current(key) for field, key in FILTER_KEYS.items()}
    ego = state_.get("karte_ego")
    return MapFilter(**values, ego=ego, depth=current("karte_tiefe") if ego else 1)


def apply(sel: MapFilter) -> None:
    """Put a selection into the filter widgets (before they are drawn in this run)."""
    for field, key in FILTER_KEYS.items():
        if getattr(sel, field) is None:
            state_.pop(key, None)  # the widget's default: "alle" (an explicit None would show a placeholder)
        else:
            state_[key] = getattr(sel, field)
        if key in MORE:
            kept()[key] = getattr(sel, field)
    state_["karte_ego"] = sel.ego
    state_.pop("karte_knoten", None)


def open_node(node_id: str) -> None:
    """Drill down from an overview node; open an alliance's map or a person's/institution's ego network."""
    sel = current_filter()
    deeper = drill_down(sel, node_id)
    if deeper is None and node_id in ds.alliances:
        ags = ds.alliances[node_id].municipality
        deeper = MapFilter(state=state_of(ds, ags), kreis=kreis_of(ags), alliance=node_id, topic=sel.topic,
                           sector=sel.sector)
    elif deeper is None and (node_id in ds.actors or node_id in ds.institutions):
        deeper = MapFilter(**{**{f: getattr(sel, f) for f in FILTER_KEYS}, "ego": node_id})
    if deeper is not None:
        apply(deeper)


# What the user did in the map on the last run: handled once (nonce), before the widgets are drawn.
action = state_.get(MAP_COMPONENT_KEY)
if isinstance(action, dict) and action.get("nonce") != state_.get("karte_erledigt"):
    state_["karte_erledigt"] = action.get("nonce")
    if action.get("event") == "open":
        open_node(str(action.get("id")))
    elif action.get("id"):
        state_["karte_knoten"] = str(action["id"])


def pick(key: str, options: list) -> str | None:
    """The current choice of a filter; a stale one (no longer offered) falls back to 'alle' (None)."""
    if state_.get(key) not in options:
        state_.pop(key, None)  # the widget's default: "alle" (an explicit None would show a placeholder)
        return None
    return state_[key]


def choose(label: str, options: list, key: str, names: dict, *, column, **kwargs) -> str | None:
    """A selectbox with 'alle' first, showing the choice :func:`pick` made before."""
    return column.selectbox(label, [None, *options], key=key,
                            format_func=lambda v: "alle" if v is None else names[v], **kwargs)


# The selection comes from the widgets' state, read before the widgets are drawn: the map is sent to the
# browser first and starts loading while the filter row is drawn above it (same values either way).
places = {a.id: a.municipality for a in ds.alliances.values()}
states = sorted({state_of(ds, ags) for ags in places.values()} - {None}, key=lambda s: STATES[s][0])
state = pick("karte_land", states)
kreise = sorted({kreis_of(ags) for ags in places.values() if state is None or state_of(ds, ags) == state})
kreis = pick("karte_kreis", kreise)
alliance_ids = sorted((a for a, ags in places.items()
                       if (state is None or state_of(ds, ags) == state) and (kreis is None or kreis_of(ags) == kreis)),
                      key=lambda a: ds.alliances[a].name)
alliances_wait = state is None and kreis is None and len(alliance_ids) > MAP_ALLIANCE_LIST_LIMIT
if alliances_wait:
    alliance_ids = []
alliance = pick("karte_buendnis", alliance_ids)
COLOURS = {"kind": "Art", "type": "Typ", "sector": "Sektor"}
colour_by = state_.get("karte_farbe", FIRST_MAP["colour_by"])
for key in MORE:
    if key in state_:  # drawn in the last run (the section was open)
        kept()[key] = state_[key]


def pick_kept(key: str, options: list) -> str | None:
    if kept()[key] not in options:
        kept()[key] = None
    return kept()[key]


offices = sorted(ds.service_offices)
office = pick_kept("karte_buero", offices)
topics = sorted(ds.topics, key=lambda t: ds.topics[t].name)
topic = pick_kept("karte_thema", topics)
sector = pick_kept("karte_sektor", list(SECTORS))
depth = kept()["karte_tiefe"]
physics = kept()["karte_physik"]


def draw_filters() -> None:
    """The filter row and "Weitere Filter" (drawn after the map, into their place above it)."""
    c1, c2, c3, c4 = st.columns([1, 1, 1.4, 0.8])
    choose("Land", states, "karte_land", {s: STATES[s][0] for s in states}, column=c1)
    choose("Kreis", kreise, "karte_kreis", {k: kreis_name(ds, k) for k in kreise}, column=c2)
    choose("Bündnis", alliance_ids, "karte_buendnis", {a: ds.alliances[a].name for a in alliance_ids}, column=c3,
           disabled=alliances_wait,
           help=f"Bei mehr als {MAP_ALLIANCE_LIST_LIMIT} Bündnissen: zuerst ein Land oder einen Kreis wählen."
           if alliances_wait else None)
    c4.selectbox("Farbe nach", list(COLOURS), key="karte_farbe", index=list(COLOURS).index(FIRST_MAP["colour_by"]),
                 format_func=COLOURS.get)
    # Streamlit tracks the section's state with its key and reruns when it is opened or closed.
    with st.expander("Weitere Filter: Servicebüro, Thema, Sektor, Ego-Netz", key="karte_weitere",
                     on_change="rerun") as more:
        if not more.open:
            return
        for key in MORE:  # the kept values into the widgets (no widget below passes a default of its own)
            if kept()[key] is None:
                state_.pop(key, None)
            else:
                state_[key] = kept()[key]
        e1, e2, e3, e4 = st.columns(4)
        choose("Servicebüro", offices, "karte_buero", {o: ds.service_offices[o].name for o in offices}, column=e1)
        choose("Thema", topics, "karte_thema", {t: ds.topics[t].name for t in topics}, column=e2)
        choose("Sektor", list(SECTORS), "karte_sektor", SECTORS, column=e3)
        e4.slider("Tiefe des Ego-Netzes", 1, 3, key="karte_tiefe",
                  help="Schritte vom Mittelpunkt; ein Ego-Netz öffnen Sie mit Doppelklick auf eine Person "
                       "oder Einrichtung in der Karte oder im Bereich Details.")
        e4.toggle("Physik", key="karte_physik",
                  help="An: kleine Karten ordnen sich beim Öffnen selbst an. Aus: feste, vorab berechnete "
                       "Anordnung.")


ego = state_.get("karte_ego")
if ego is not None and ego not in ds.actors and ego not in ds.institutions:
    ego = state_["karte_ego"] = None
sel = MapFilter(state=state, kreis=kreis, alliance=alliance, office=office, topic=topic, sector=sector, ego=ego,
                depth=depth if ego else 1)
filters = map_filters(sel)
level = level_of(sel)


def crumbs() -> list[tuple[str, MapFilter]]:
    """The way down to this view; each step a selection one can go back to."""
    keep = {"topic": sel.topic, "sector": sel.sector}
    steps = [("Bund", MapFilter(**keep))]
    if sel.office and not sel.state:
        steps.append((ds.service_offices[sel.office].name, MapFilter(office=sel.office, **keep)))
    if sel.state:
        steps.append((STATES[sel.state][0], MapFilter(state=sel.state, office=sel.office, **keep)))
    if sel.kreis:
        steps.append((kreis_name(ds, sel.kreis), MapFilter(state=sel.state, kreis=sel.kreis, office=sel.office,
                                                           **keep)))
    if sel.alliance:
        steps.append((ds.alliances[sel.alliance].name, MapFilter(state=sel.state, kreis=sel.kreis,
                                                                  alliance=sel.alliance, **keep)))
    if sel.ego:
        steps.append((f"Ego-Netz: {ds.name_of(sel.ego)}", sel))
    return steps


def draw_level(steps: list[tuple[str, MapFilter]]) -> None:
    """The level, the way back up (one button per step) and what the map shows."""
    with st.container(horizontal=True, vertical_alignment="center", gap="small"):
        st.markdown(f"**Ebene: {LEVEL_LABELS[level]}**", width="content")
        for i, (label, target) in enumerate(steps if len(steps) > 1 else []):
            last = i == len(steps) - 1
            st.button(("› " if i else "") + md(label), key=f"karte_ebene_{i}", disabled=last, type="tertiary",
                      help=None if last else "Zu dieser Ebene zurück", on_click=apply, args=(target,))
        st.caption(md(f"{graph.title} · Stand {ctx.as_of:%d.%m.%Y} · {kind_counts} · Verbindungen: "
                      f"{len(graph.edges)}"), width="stretch")


graph = network_map(ctx.uri, ctx.view, ctx.as_of, **filters)
counts = graph.counts()
kind_counts = " · ".join(f"{KIND_LABELS.get(k, k)}: {n}" for k, n in sorted(counts.items()))
filter_area, level_area = st.container(), st.container()
if not graph.nodes:
    state_[MAP_FIRST_KEY] = False  # no map to wait for
    with filter_area:
        draw_filters()
    with level_area:
        draw_level(crumbs())
    st.warning("Für diese Auswahl gibt es keine Knoten. Lockern Sie die Filter.")
    st.stop()

node_names = {n.id: n.label.replace("\n", " · ") for n in graph.nodes}
if state_.get("karte_knoten") not in node_names:
    state_["karte_knoten"] = None
stem = file_stem(sel, ctx.as_of)
map_first = bool(state_.get(MAP_FIRST_KEY))


def show_hint() -> None:
    """How to use the map, under the Details heading while no node is chosen."""
    st.caption("Klicken Sie einen Knoten in der Karte an oder wählen Sie ihn hier. Ein Klick auf ein Land oder einen "
               "Kreis öffnet die nächste Ebene; ein Doppelklick auf ein Bündnis seine Karte, auf eine Person oder "
               "Einrichtung ihr Ego-Netz.")


map_col, detail_col = st.columns([3.6, 1])
with map_col:  # first: the browser loads the map while the rest of the page is drawn
    data = map_data(ctx.uri, ctx.view, ctx.as_of, colour_by, physics, **filters)
    map_component(data, data_key=f"{ctx.view}|{ctx.as_of}|{colour_by}|{physics}|{sorted(filters.items())}",
                  selected=state_.get("karte_knoten"), file_stem=stem, height=MAP_HEIGHT, key=MAP_COMPONENT_KEY,
                  report_drawn=map_first)
with level_area:
    draw_level(crumbs())
if map_first:  # a session's first map: the rest of the page once it is drawn (ui.common.MAP_FIRST_KEY)
    with filter_area, st.container(height=FILTER_ROW_HEIGHT, border=False, key="karte_filter_platz"):
        st.caption("Filter werden geladen …")
    with detail_col:
        st.subheader("Details")
        show_hint()
    st.stop()
with filter_area:
    draw_filters()

with detail_col:
    st.subheader("Details")
    selected = st.selectbox("Knoten auswählen", sorted(node_names, key=lambda n: node_names[n].lower()),
                            index=None, placeholder="Knoten wählen …", key="karte_knoten",
                            format_func=node_names.get)
    if selected is None:
        show_hint()
    else:
        node = graph.node(selected)
        st.markdown(f"**{md(KIND_LABELS.get(node.kind, node.kind))}**"
                    + (f" · Status: **{md(STATUS_LABELS.get(node.status, node.status))}**" if node.status else ""))
        st.text(node.tooltip)  # plain text: names from the data are never markup
        neighbours = [{"Verbindung": EDGE_LABELS.get(e.type, e.type), "mit": node_names.get(other, other)}
                      for e, other in graph.neighbours(selected)]
        if neighbours:
            st.dataframe(pd.DataFrame(neighbours), hide_index=True, width="stretch", height=min(36 * 7, 36 * (
                len(neighbours) + 1)))
        if drill_down(sel, selected) is not None:
            st.button("Nächste Ebene zeigen", key="karte_tiefer", type="primary", on_click=open_node, args=(selected,))
        if selected in ds.alliances:
            if selected != sel.alliance:
                st.button("Karte dieses Bündnisses", key="karte_buendniskarte", on_click=open_node, args=(selected,))
            if st.button("Im Bündnis-Check öffnen", key="karte_zum_check", icon=":material/fact_check:"):
                state_["check_buendnis"] = selected
                st.switch_page("seiten/check.py")
            if st.button("Vorschläge für dieses Bündnis", key="karte_zu_vorschlaegen", icon=":material/lightbulb:"):
                state_["vorschlaege_modus"] = "alliance"
                state_["vorschlaege_buendnis"] = selected
                st.switch_page("seiten/vorschlaege.py")
        elif selected in ds.actors or selected in ds.institutions:
            if selected != sel.ego:
                st.button("Ego-Netz zeigen", key="karte_ego_zeigen", on_click=open_node, args=(selected,))
            if selected in ds.actors and st.button("Vorschläge für diese Person", key="karte_zu_vorschlaegen",
                                                   icon=":material/lightbulb:"):
                state_["vorschlaege_modus"] = "actor"
                state_["vorschlaege_person"] = selected
                st.switch_page("seiten/vorschlaege.py")



def standalone_page() -> str:
    """The offline HTML page of this view; built only when the download is clicked."""
    return render_html(graph, physics=physics, colour_by=colour_by, height="700px", header=True, file_stem=stem)


st.download_button("Karte als HTML herunterladen", standalone_page, file_name=f"{stem}.html", mime="text/html",
                   key="karte_download", icon=":material/download:", on_click="ignore",
                   help="Eigenständige Datei, die ohne Internetverbindung geöffnet werden kann. Ein Bild der "
                        "aktuellen Ansicht speichert die Schaltfläche „PNG“ über der Karte.")


def show_tables() -> None:
    """The map's nodes and edges as two tables (BITV 2.0: what the graphic shows, also as text)."""
    st.caption("Dieselben Knoten und Verbindungen wie in der Karte, als Text.")
    st.dataframe(pd.DataFrame([{"Name": node_names[n.id], "Art": KIND_LABELS.get(n.kind, n.kind),
                                "Status": STATUS_LABELS.get(n.status, "") if n.status else "",
                                "Bündnisse": n.count,
                                "Verbindungen": n.degree} for n in graph.nodes]),
                 hide_index=True, width="stretch", key="karte_tabelle_knoten")
    st.dataframe(pd.DataFrame([{"Von": node_names.get(e.source, e.source),
                                "Verbindung": EDGE_LABELS.get(e.type, e.type),
                                "Zu": node_names.get(e.target, e.target), "Angaben": e.tooltip}
                               for e in graph.edges], columns=["Von", "Verbindung", "Zu", "Angaben"]),
                 hide_index=True, width="stretch", key="karte_tabelle_verbindungen")


# The tables are built when the expander is open (Streamlit tracks its state with a key and reruns on a
# change): closed, they would only cost the first draw of the page – their data and the browser's table code.
with st.expander(f"Karte als Tabelle: {len(graph.nodes)} Knoten, {len(graph.edges)} Verbindungen",
                 key="karte_tabelle", on_change="rerun") as table_box:
    if table_box.open:
        show_tables()
