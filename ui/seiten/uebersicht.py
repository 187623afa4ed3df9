"""Übersicht: alliances by status per Servicebüro, Land or Kreis; flagged ones first."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui.common import (
    REPORT_COLUMNS,
    STATUS_TEXT,
    app_context,
    empty_hint,
    md,
    remember,
    status_counts,
    sticky,
    styled_status,
)

st.title("Übersicht")
ctx = app_context()
ds = ctx.ds
st.caption(f"Stand {ctx.as_of:%d.%m.%Y} · Willkommen bei Freunden – Bündnisse für junge Flüchtlinge")
if empty_hint(ds):
    st.stop()

rows = ctx.report_rows()
by_status = {code: sum(1 for r in ctx.health() if r.status == code) for code in STATUS_TEXT}
cols = st.columns(6)
cols[0].metric("Bündnisse", len(ctx.health()), help="Geprüft: gegründet bis zum Stichtag, nicht beendet")
cols[1].metric("kritisch", by_status["critical"])
cols[2].metric("mit Warnung", by_status["warn"])
cols[3].metric("in Ordnung", by_status["ok"])
cols[4].metric("Einrichtungen", len(ds.institutions))
cols[5].metric("Personen", len(ds.actors))

st.subheader("Bündnisse nach Status")
group_key = sticky("uebersicht_gruppe")
group = st.segmented_control("Gruppieren nach", ["Servicebüro", "Land", "Kreis"], key=group_key, required=True,
                             **({} if group_key in st.session_state else {"default": "Servicebüro"}))
remember(group_key)
st.dataframe(status_counts(rows, group or "Servicebüro"), hide_index=True, width="stretch")

st.subheader("Bündnisse mit Hinweisen")
flagged = [r for r in rows if r["Status"] != STATUS_TEXT["ok"]]
if flagged:
    st.caption("Eine Zeile anklicken, um alle Hinweise im Wortlaut zu lesen.")
    event = st.dataframe(styled_status(pd.DataFrame(flagged)[REPORT_COLUMNS]), hide_index=True, width="stretch",
                         column_config={"Hinweise": st.column_config.TextColumn(width="large")},
                         on_select="rerun", selection_mode="single-row", key="uebersicht_tabelle")
    chosen = [row for row in event.selection.rows if row < len(flagged)]  # another Stichtag may list fewer
    if chosen:
        row = flagged[chosen[0]]
        st.info(f"**{md(row['Bündnis'])}** ({md(row['Status'])}, {md(row['Partner'])} Partner)\n\n"
                + "\n".join(f"- {md(reason)}" for reason in row["Hinweise"].split(" · ")))
    st.page_link("seiten/check.py", label="Zum Bündnis-Check mit Einzelheiten", icon=":material/fact_check:")
else:
    st.success("Alle Bündnisse sind in Ordnung.")

st.subheader("Kreise")
kreise = status_counts(rows, "Kreis")
kreise["Einrichtungen und Personen"] = kreise["Kreis"].map(ctx.people_per_kreis()).fillna(0).astype(int)
st.dataframe(kreise, hide_index=True, width="stretch")
