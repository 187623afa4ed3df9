"""Bündnis-Check: every alliance against the partner rule, with the reasons; drill-down per alliance."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from graph.health import FLAG_LABELS
from graph.model import OFFER_TYPES, SECTORS
from graph.partners import partners_of
from graph.rules import MIN_PARTNERS, number_word
from ui.common import (
    REPORT_COLUMNS,
    STATUS_TEXT,
    app_context,
    empty_hint,
    fmt_date,
    map_html,
    md,
    member_label,
    place_name,
    remember,
    show_map,
    sticky,
    styled_status,
)

SEVERITY_BOX = {"critical": st.error, "warning": st.warning, "info": st.info}

st.title("Bündnis-Check")
ctx = app_context()
ds = ctx.ds
st.caption(f"Stand {ctx.as_of:%d.%m.%Y} (Stichtag in der Seitenleiste). Ein Bündnis braucht mindestens "
           f"{number_word(MIN_PARTNERS)} lokale Partner; Personen zählen für ihre Einrichtung, "
           "jede Einrichtung einmal.")
if empty_hint(ds):
    st.stop()

reports = ctx.reports_by_alliance()
rows = ctx.report_rows()
status_key = sticky("check_status")
shown = st.multiselect("Status", list(STATUS_TEXT.values()), key=status_key, placeholder="Status wählen",
                       **({} if status_key in st.session_state else {"default": list(STATUS_TEXT.values())}))
remember(status_key)
table = pd.DataFrame([r for r in rows if r["Status"] in shown])
if table.empty:
    st.info("Kein Bündnis mit diesem Status.")
else:
    st.caption("Eine Zeile anklicken: ihre Einzelheiten mit allen Hinweisen im Wortlaut stehen darunter.")
    event = st.dataframe(styled_status(table[REPORT_COLUMNS]), hide_index=True, width="stretch",
                         column_config={"Hinweise": st.column_config.TextColumn(width="large")},
                         on_select="rerun", selection_mode="single-row", key="check_tabelle")
    rows_chosen = [row for row in event.selection.rows if row < len(table)]  # a filter may have narrowed it
    picked = table["id"].iloc[rows_chosen[0]] if rows_chosen else None
    # only a new click chooses: afterwards the selectbox below stays free to choose another alliance
    if picked is not None and picked != st.session_state.get("_check_angeklickt"):
        st.session_state["check_buendnis"] = picked
    st.session_state["_check_angeklickt"] = picked

st.divider()
st.subheader("Einzelheiten zu einem Bündnis")
ids = [r["id"] for r in rows]
if st.session_state.get("check_buendnis") not in ids:
    st.session_state["check_buendnis"] = ids[0] if ids else None
alliance_id = st.selectbox("Bündnis", ids, key="check_buendnis", format_func=lambda a: ds.alliances[a].name)
if alliance_id is None:
    st.stop()
alliance = ds.alliances[alliance_id]
report = reports[alliance_id]

c1, c2, c3, c4 = st.columns(4)
c1.metric("Status", STATUS_TEXT.get(report.status, report.status))
c2.metric("Partner", report.partners, help="Aktuelle lokale Partnereinheiten (Mindestzahl 3)")
c3.metric("Punktzahl", report.score)
c4.metric("Mitglieder", report.metrics.get("members", "–"))
st.caption(md(f"{place_name(ds, alliance.municipality)} · gegründet {fmt_date(alliance.founded)} · Themen: "
              + (", ".join(ds.topics[t].name for t in alliance.topics if t in ds.topics) or "–")))
for flag in sorted(report.flags, key=lambda f: ["critical", "warning", "info"].index(f.severity)
                   if f.severity in ("critical", "warning", "info") else 9):
    SEVERITY_BOX.get(flag.severity, st.info)(
        f"**{FLAG_LABELS.get(flag.code, flag.code)}** – {md(flag.message)}")
if not report.flags:
    st.success("Keine Hinweise.")

tab_partner, tab_members, tab_time, tab_map, tab_survey = st.tabs(
    ["Partner", "Mitglieder", "Verlauf", "Karte", "Befragung"])
with tab_partner:
    partners = partners_of(ds, alliance_id, ctx.as_of)
    # Inside its own alliance's view a refugee young person may be named (privacy rule).
    st.dataframe(pd.DataFrame([{
        "Partner": member_label(ds, p.unit, reveal=True),
        "Mitglieder": ", ".join(ds.name_of(m, reveal=True) for m in p.members),
        "Ort": place_name(ds, p.municipality) + (" (Ort unbekannt – zählt als lokal)" if p.place_unknown else ""),
        "Sektor": SECTORS.get(p.sector or "", p.sector or "–"),
    } for p in partners]), hide_index=True, width="stretch")
    sectors = pd.Series([SECTORS.get(p.sector or "", "–") for p in partners]).value_counts()
    if not sectors.empty:
        st.caption("Sektoren der Partner: " + " · ".join(f"{md(name)} {count}" for name, count in sectors.items()))
with tab_members:
    members = [m for m in ds.memberships.values() if m.alliance == alliance_id]
    st.dataframe(pd.DataFrame([{
        "Mitglied": member_label(ds, m.member, reveal=True),
        "Rolle": m.role or "–",
        "seit": fmt_date(m.since),
        "bis": fmt_date(m.until),
        "aktuell": m.is_current(ctx.as_of),
        "Ort": place_name(ds, ds.municipality_of_member(m.member)),
    } for m in sorted(members, key=lambda m: (m.since or alliance.founded or ctx.as_of, m.member))]),
        hide_index=True, width="stretch")
with tab_time:
    events = []
    for m in members:
        if m.since:
            events.append({"Datum": m.since, "Ereignis": "Beitritt", "Was": member_label(ds, m.member, reveal=True)})
        if m.until:
            events.append({"Datum": m.until, "Ereignis": "Austritt", "Was": member_label(ds, m.member, reveal=True)})
    for offer in ds.offers.values():
        if offer.alliance == alliance_id:
            events.append({"Datum": offer.date, "Ereignis": OFFER_TYPES.get(offer.type, offer.type),
                           "Was": offer.title})
    if alliance.founded:
        events.append({"Datum": alliance.founded, "Ereignis": "Gründung", "Was": alliance.name})
    if events:
        frame = pd.DataFrame(sorted(events, key=lambda e: e["Datum"], reverse=True))
        frame["Datum"] = frame["Datum"].map(fmt_date)
        st.dataframe(frame, hide_index=True, width="stretch")
    else:
        st.info("Keine datierten Ereignisse.")
with tab_map:
    html = map_html(ctx.uri, ctx.view, ctx.as_of, "sector", True, alliance_id, 420,
                    alliance=alliance_id, reveal=True)
    show_map(html, 420)
with tab_survey:
    from ui.seiten.befragung_tab import render as survey_tab

    survey_tab(ctx, alliance_id)
