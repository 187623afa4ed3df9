"""Servicebüro: the office's alliances by status, its offers, the work list, planning an offer, the printable view."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import streamlit as st

from graph import api
from graph.errors import InputError
from graph.model import OFFER_TYPES, kreis_of
from ui.common import (
    STATUS_TEXT,
    app_context,
    clear_caches,
    empty_hint,
    home_office,
    kreis_name,
    md,
    remember,
    show_input_error,
    snapshot,
    state_name,
    state_of,
    sticky,
    styled_status,
)
from ui.labels import number

FLASH_KEY = "buero_meldung"
WORK_PAGE_SIZE = 10
STATUS_ICONS = {"critical": ":material/error:", "warn": ":material/warning:", "ok": ":material/check_circle:"}


@st.cache_resource(max_entries=16, show_spinner="Sicht des Servicebüros wird berechnet …")
def office_view(uri: str, view: tuple, as_of, office_id: str, dismissed: frozenset = frozenset()):
    from graph.office import office_view as build
    from ui.common import health_reports

    return build(snapshot(uri, view), office_id, as_of, reports=health_reports(uri, view, as_of),
                 dismissed=dismissed)


@st.cache_data(max_entries=16, show_spinner=False)
def office_html(uri: str, view: tuple, as_of, office_id: str, dismissed: frozenset = frozenset()) -> str:
    from graph.office import render_office_html

    return render_office_html(office_view(uri, view, as_of, office_id, dismissed), snapshot(uri, view))


st.title("Servicebüro")
ctx = app_context()
ds = ctx.ds
st.caption("Die Bündnisse in den Ländern eines Servicebüros, seine Angebote und die Arbeitsliste: "
           "für jedes Bündnis das empfohlene nächste Angebot mit Begründung. Ein geplantes Angebot "
           "übersteuert die Empfehlung.")
if not ds.service_offices:
    st.info("Noch kein Servicebüro gespeichert. Servicebüros kommen mit den Referenzdaten "
            "(`buendnisnetz init`) oder als Liste `service_offices` über die Seite **Daten**.")
    st.stop()
if empty_hint(ds):
    st.stop()

offices = sorted(ds.service_offices, key=lambda o: (ds.service_offices[o].name, o))
if "buero_office" not in st.session_state:
    st.session_state["buero_office"] = home_office(ds, ctx.user, offices)
office_id = st.selectbox("Servicebüro", offices, key="buero_office",
                         format_func=lambda o: f"{ds.service_offices[o].name} ({ds.service_offices[o].city})")
dismissed = api.dismissals(ctx.store, ctx.user)  # part of the revision, so caching by view stays right
view = office_view(ctx.uri, ctx.view, ctx.as_of, office_id, dismissed)

counts = view.status_counts()
if not sum(counts.values()):
    st.info(f"Keine Bündnisse in den Ländern von {md(ds.service_offices[office_id].name)}"
            + ("" if ctx.user.role == "admin" else ", die Sie sehen dürfen") + ". Wählen Sie oben ein anderes "
            "Servicebüro.")
    st.stop()
# two rows of three: on a phone they wrap into pairs instead of six rows of one
top, bottom = st.columns(3), st.columns(3)
top[0].metric("Bündnisse", sum(counts.values()))
top[1].metric(STATUS_TEXT["critical"], counts["critical"])
top[2].metric(STATUS_TEXT["warn"], counts["warn"])
bottom[0].metric(STATUS_TEXT["ok"], counts["ok"])
bottom[1].metric("Kommunen unterstützt", view.reach.get("municipalities", 0))
bottom[2].metric("Menschen erreicht", view.reach.get("people_reached", 0),
                  help="Summe der Teilnehmendenzahlen aller durchgeführten Angebote bis zum Stichtag"
                       + (f"; {view.reach['offers_without_count']} Angebote ohne Zahl"
                          if view.reach.get("offers_without_count") else ""))

tab_work, tab_alliances, tab_offers = st.tabs(["Arbeitsliste", "Bündnisse nach Status", "Angebote"])

with tab_work:
    places = {r.alliance: ds.alliances[r.alliance].municipality if r.alliance in ds.alliances else None
              for r in view.worklist}
    f1, f2, f3, f4 = st.columns(4)
    statuses = f1.multiselect("Status", list(STATUS_TEXT), key=sticky("buero_filter_status"),
                              format_func=STATUS_TEXT.get, placeholder="alle")
    lands = sorted({state_of(ds, a) for a in places.values()} - {None}, key=state_name)
    land = f2.selectbox("Land", [None, *lands], key=sticky("buero_filter_land"),
                        format_func=lambda c: "alle" if c is None else state_name(c))
    kreise = sorted({kreis_of(a) for a in places.values() if a and (land is None or state_of(ds, a) == land)},
                    key=lambda k: kreis_name(ds, k))
    if st.session_state.get("buero_filter_kreis") not in (None, *kreise):
        st.session_state["buero_filter_kreis"] = None
    kreis = f3.selectbox("Kreis", [None, *kreise], key=sticky("buero_filter_kreis"),
                         format_func=lambda k: "alle" if k is None else kreis_name(ds, k))
    types = f4.multiselect("Empfohlenes Angebot", list(OFFER_TYPES), key=sticky("buero_filter_angebot"),
                           format_func=OFFER_TYPES.get, placeholder="alle")
    remember("buero_filter_status", "buero_filter_land", "buero_filter_kreis", "buero_filter_angebot")
    shown = [r for r in view.worklist
             if (not statuses or r.status in statuses) and (not types or r.offer_type in types)
             and (land is None or state_of(ds, places[r.alliance]) == land)
             and (kreis is None or (places[r.alliance] or "").startswith(kreis))]
    pages = max(1, -(-len(shown) // WORK_PAGE_SIZE))
    if st.session_state.get("buero_seite") not in range(1, pages + 1):
        st.session_state["buero_seite"] = 1
    if not shown:
        st.info("Kein Bündnis passt zu diesen Filtern.")
    else:
        p1, p2 = st.columns([1, 3])
        page_no = p1.selectbox("Seite", list(range(1, pages + 1)), key="buero_seite",
                              format_func=lambda n: f"{n} von {pages}")
        first, last = (page_no - 1) * WORK_PAGE_SIZE, min(page_no * WORK_PAGE_SIZE, len(shown))
        p2.caption(f"Bündnisse {number(first + 1, 0)}–{number(last, 0)} von {len(shown)}"
                   + (f" (gefiltert aus {len(view.worklist)})" if len(shown) != len(view.worklist) else ""))
        for r in shown[first:first + WORK_PAGE_SIZE]:
            with st.container(border=True):
                offer = OFFER_TYPES.get(r.offer_type, r.offer_type)
                st.markdown(f"{STATUS_ICONS.get(r.status, '')} **{md(r.name)}** · "
                            f"{STATUS_TEXT.get(r.status, r.status)} · Punktzahl {r.score}")
                if r.override:
                    st.markdown(f":material/event: **{md(r.override)}**")
                    st.caption(f"Empfehlung war: {md(offer)} – {md(r.reason)}")
                else:
                    st.markdown(f"Empfohlen: **{md(offer)}** – {md(r.reason)}")

    st.subheader("Angebot planen")
    st.caption("Ein geplantes Angebot (Datum nach dem Stichtag) ersetzt die Empfehlung in der Arbeitsliste. "
               "Wer vom empfohlenen Angebot abweicht, sagt in der Begründung warum; die Planung wird wie jede "
               "Änderung protokolliert.")
    recommendations = {r.alliance: r for r in view.worklist}
    ids = [r.alliance for r in view.worklist]

    def follow_recommendation() -> None:
        """A newly chosen alliance brings its recommended offer type along."""
        chosen = recommendations.get(st.session_state.get("buero_plan_buendnis"))
        if chosen is not None:
            st.session_state["buero_plan_art"] = chosen.offer_type

    if st.session_state.get("buero_plan_buendnis") not in ids:
        st.session_state["buero_plan_buendnis"] = ids[0]
        follow_recommendation()
    alliance = st.selectbox("Bündnis", ids, key="buero_plan_buendnis", on_change=follow_recommendation,
                            format_func=lambda a: ds.alliances[a].name if a in ds.alliances else a)
    recommended = recommendations[alliance]
    st.session_state.setdefault("buero_plan_art", recommended.offer_type)
    with st.form("buero_planen", clear_on_submit=False):
        offer_type = st.selectbox("Angebot", list(OFFER_TYPES), key="buero_plan_art", format_func=OFFER_TYPES.get,
                                  help=f"Empfohlen: {OFFER_TYPES.get(recommended.offer_type)} – {recommended.reason}")
        when = st.date_input("Datum", value=ctx.as_of + timedelta(days=14), key="buero_plan_datum",
                             min_value=ctx.as_of + timedelta(days=1), format="DD.MM.YYYY")
        title = st.text_input("Titel (optional)", key="buero_plan_titel")
        note = st.text_area("Begründung (Pflicht, wenn Sie vom empfohlenen Angebot abweichen)",
                            key="buero_plan_begruendung",
                            placeholder="Warum dieses Angebot statt der Empfehlung, bzw. was vereinbart ist")
        submitted = st.form_submit_button("Angebot planen", type="primary", key="buero_plan_speichern")
    if submitted:
        from graph.offers import plan_offer_records

        if not note.strip() and offer_type == recommended.offer_type:
            note = f"Empfehlung übernommen: {recommended.reason}"
        try:
            records = plan_offer_records(alliance, offer_type, when, office_id, note,
                                         title=title.strip() or None, as_of=ctx.as_of)
            api.import_records(ctx.store, records, user=ctx.user, action="Angebot geplant")
        except InputError as exc:
            show_input_error(exc, "Das Angebot wurde nicht geplant. Es wurde nichts gespeichert.",
                             form="Formular Angebot planen")
        else:
            clear_caches()
            st.session_state[FLASH_KEY] = (f"Geplant: {OFFER_TYPES[offer_type]} am {when:%d.%m.%Y} für "
                                           f"{ds.alliances[alliance].name}")
            st.rerun()
    if FLASH_KEY in st.session_state:  # at the form, where the user is
        st.success(md(st.session_state.pop(FLASH_KEY)))

with tab_alliances:
    lines = [line for status in ("critical", "warn", "ok") for line in view.alliances[status]]
    if lines:
        frame = pd.DataFrame([{
            "Status": STATUS_TEXT.get(line.status, line.status), "Bündnis": line.name, "Ort": line.place,
            "Partner": line.partners, "Punktzahl": line.score, "Hinweise": ", ".join(line.flags) or "–",
            "Letztes Angebot": line.last_offer.strftime("%d.%m.%Y") if line.last_offer else "–",
            "Nächstes Angebot": line.next_offer.strftime("%d.%m.%Y") if line.next_offer else "–",
        } for line in lines])
        st.dataframe(styled_status(frame), hide_index=True, width="stretch")
    else:
        st.info("Keine Bündnisse in den Ländern dieses Servicebüros.")
    st.subheader("Ohne Angebot in den letzten 12 Monaten")
    if view.without_offers:
        st.markdown("\n".join(f"- {md(line.name)} ({md(line.place)}), letztes Angebot: "
                              f"{line.last_offer.strftime('%d.%m.%Y') if line.last_offer else 'keines'}"
                              for line in view.without_offers))
    else:
        st.success("Alle Bündnisse hatten in den letzten 12 Monaten ein Angebot.")

with tab_offers:
    st.caption(f"Angebote des Servicebüros je Art und Monat (JJJJ-MM): durchgeführt bis zum Stichtag "
               f"{ctx.as_of:%d.%m.%Y} in den letzten 12 Monaten, danach geplant (6 Monate).")
    # ISO month keys as the x axis: they sort in time order
    wide = pd.DataFrame([{"Monat": c.month, "Art": OFFER_TYPES[c.type], "Angebote": c.done + c.planned}
                         for c in view.offers]).pivot_table(index="Monat", columns="Art", values="Angebote",
                                                            aggfunc="sum", fill_value=0)
    st.caption("Das Diagramm als Text: die Tabelle darunter nennt je Art die durchgeführten und geplanten Angebote.")
    st.bar_chart(wide[[label for label in OFFER_TYPES.values() if label in wide]], stack=True,
                 x_label="Monat", y_label="Angebote")
    done, planned = view.offers_by_type("done"), view.offers_by_type("planned")
    st.dataframe(pd.DataFrame([{"Art": OFFER_TYPES[t], "durchgeführt": done[t], "geplant": planned[t]}
                               for t in OFFER_TYPES]), hide_index=True)

st.download_button("Druckansicht herunterladen (HTML)",
                   data=office_html(ctx.uri, ctx.view, ctx.as_of, office_id, dismissed),
                   file_name=f"servicebuero-{office_id}-{ctx.as_of:%Y-%m-%d}.html", mime="text/html",
                   key="buero_download", icon=":material/print:")
