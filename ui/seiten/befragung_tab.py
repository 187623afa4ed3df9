"""The "Befragung" tab of the Bündnis-Check: an alliance's survey waves, their results and the change between them.

Only the alliance's coordinator, its Servicebüro and admins see it (graph.survey_api applies the roles).
"""

from __future__ import annotations

from datetime import date, timedelta

import pandas as pd
import streamlit as st

from graph import survey_api
from graph.errors import InputError
from graph.model import FREQUENCIES
from graph.survey import health_note
from ui.common import full_snapshot, md, member_label, show_input_error


def _num(x, digits: int = 2) -> str:
    return "–" if x is None else f"{x:.{digits}f}".replace(".", ",")


def _pct(x) -> str:
    return "–" if x is None else f"{x:.0%}"


def render(ctx, alliance_id: str) -> None:
    ds, store, user = ctx.ds, ctx.store, ctx.user
    if not survey_api.may_manage(user, ds, alliance_id):
        st.info("Befragungen eines Bündnisses sehen nur seine Koordination, sein Servicebüro und die Administration.")
        return
    # the rights check on the whole graph of this revision, as the app holds it (not a fresh read per run)
    results = survey_api.alliance_results(store, alliance_id, user=user, ds=full_snapshot(ctx.uri, ctx.revision))
    running = [r for r in results if r.closed is None]
    closed = [r for r in results if r.closed is not None]
    st.caption("Netzwerkbefragung: Die Mitglieder sagen selbst, mit wem sie wie oft zusammenarbeiten und wie sie "
               "Vertrauen (Offenheit, Verlässlichkeit, gemeinsames Anliegen) und Nutzen (Einfluss, Ressourcen, "
               "Beteiligung) einschätzen, jeweils 1–4.")
    if closed:
        last = closed[-1]
        note = health_note(last, ctx.as_of)
        if note:
            st.warning(md(note))
        change = last.change or {}
        st.markdown(f"**Letzte Welle {md(last.wave)}**, geschlossen am {last.closed:%d.%m.%Y}"
                    + (f" – Veränderung seit {change['previous_wave']}" if change else ""))
        cols = st.columns(5)
        for col, label, value, key, fmt in (
                (cols[0], "Rücklauf", last.response_rate, "response_rate", _pct),
                (cols[1], "Dichte", last.density, "density", _num),
                (cols[2], "Gegenseitigkeit", last.reciprocity, None, _num),
                (cols[3], "Vertrauen (1–4)", last.trust, "trust", _num),
                (cols[4], "Nutzen (1–4)", last.value, "value", _num)):
            delta = change.get(key) if key else None
            col.metric(label, fmt(value), delta=None if delta is None else
                       (f"{delta:+.0%}" if key == "response_rate" else f"{delta:+.2f}".replace(".", ",")))
        if change:
            st.caption(f"Verbindungen: {change['ties_new']} neu, {change['ties_gone']} nicht mehr genannt.")
        st.dataframe(pd.DataFrame([{
            "Welle": r.wave, "Beginn": f"{r.started:%d.%m.%Y}",
            "geschlossen": f"{r.closed:%d.%m.%Y}" if r.closed else "läuft",
            "eingeladen": r.invited, "geantwortet": r.answered, "Rücklauf": _pct(r.response_rate),
            "Dichte": _num(r.density), "Gegenseitigkeit": _num(r.reciprocity), "Vertrauen": _num(r.trust),
            "Nutzen": _num(r.value)} for r in results]), hide_index=True, width="stretch")
        st.markdown("**Mitglieder** (Vertrauen und Nutzen: wie die anderen sie einschätzen)")
        st.dataframe(pd.DataFrame([{
            "Mitglied": member_label(ds, m["member"], reveal=True), "geantwortet": m["answered"],
            "Verbindungen": m["ties"], "Zentralität": _num(m["centrality"]), "Vertrauen": _num(m["trust"]),
            "Nutzen": _num(m["value"])} for m in sorted(last.members, key=lambda m: -m["centrality"])]),
            hide_index=True, width="stretch")
        st.markdown("**Berichtete Verbindungen**")
        st.dataframe(pd.DataFrame([{
            "Verbindung": " – ".join(member_label(ds, t[end], reveal=True) for end in ("source", "target")),
            "berichtet": "beidseitig" if t["mutual"] else
            f"einseitig, von {ds.name_of(t['reported_by'], reveal=True)}",
            "wie oft": FREQUENCIES.get(t["frequency"] or "", "–"), "Vertrauen": _num(t["trust"]),
            "Nutzen": _num(t["value"])} for t in last.ties]), hide_index=True, width="stretch")
    elif not running:
        st.info("Für dieses Bündnis gab es noch keine Befragung.")

    for r in running:
        st.markdown(f"**Laufende Welle {md(r.wave)}** seit {r.started:%d.%m.%Y}: {r.answered} von {r.invited} "
                    f"haben geantwortet ({_pct(r.response_rate)}).")
        missing = survey_api.missing_names(store, r.wave, user=user)
        if missing:
            st.markdown("Prüfliste „Wer fehlt?“ (wird nicht automatisch angelegt):")
            st.dataframe(pd.DataFrame([{"Name": m["name"], "genannt von": m["reported_by"]} for m in missing]),
                         hide_index=True, width="stretch")
        if user.can_write and st.button(f"Welle {md(r.wave)} schließen", key=f"befragung_schliessen_{r.wave}"):
            try:
                done = survey_api.close_wave(store, r.wave, user=user)
            except InputError as exc:
                show_input_error(exc)
            else:
                st.success(f"Geschlossen: {done['ties']} Verbindung(en), davon {done['one_sided']} einseitig.")
                st.rerun()

    if not running and user.can_write:
        with st.expander("Neue Befragungswelle starten"):
            with st.form(f"befragung_start_{alliance_id}"):
                closes = st.date_input("Links gelten bis", value=date.today() + timedelta(days=28),
                                       min_value=date.today(), format="DD.MM.YYYY", key="befragung_frist")
                base = st.text_input("Adresse der App für die Links", value=survey_api.base_url(),
                                     key="befragung_adresse")
                start = st.form_submit_button("Starten und Briefe erzeugen")
            if start:
                try:
                    links = survey_api.start_waves(store, user=user, alliance=alliance_id, closes=closes, base=base)
                except InputError as exc:
                    show_input_error(exc)
                    return
                from graph.survey_letters import render_letters

                html = render_letters(links, {links[0].wave: ds.alliances[alliance_id].name},
                                      {links[0].wave: closes})
                st.success(f"Welle {md(links[0].wave)} gestartet: {len(links)} persönliche Links. Bitte jetzt die "
                           "Briefe herunterladen – die Links werden nur einmal angezeigt.")
                st.download_button("Briefe zum Drucken (HTML)", html, file_name=f"briefe-{md(links[0].wave)}.html",
                                   mime="text/html", key="befragung_briefe")
