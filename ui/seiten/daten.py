"""Daten: import (with preview and Probelauf), export in every format, a form to add people and memberships."""

from __future__ import annotations

import io
import shutil
import tempfile
import zipfile
from dataclasses import replace
from pathlib import Path

import pandas as pd
import streamlit as st

from graph import api
from graph.errors import InputError
from graph.io import read_paths
from graph.io.export import EXPORT_FORMATS, FORMATS
from graph.io.templates import TEMPLATES, template_csv, template_name, template_xlsx
from graph.model import INSTITUTION_TYPES, SECTORS
from graph.validate import RawRecord, slugify
from ui.common import app_context, clear_caches, fmt_date, md, show_input_error
from ui.labels import FIELD_LABELS, audit_action, audit_target, list_label, local_time

FLASH_KEY = "daten_meldung"
UPLOAD_TYPES = (".json", ".csv", ".xlsx")
FORMAT_LABELS = {name: f.label for name, f in EXPORT_FORMATS.items()}  # the one list: graph.io.export
MIME = {name: f.mime for name, f in EXPORT_FORMATS.items()}

st.title("Daten")
ctx = app_context()
ds = ctx.ds
if FLASH_KEY in st.session_state:
    st.success(md(st.session_state.pop(FLASH_KEY)))


def new_id(prefix: str, name: str, taken) -> str:
    """An id for a new entry from its name that does not overwrite an existing one."""
    if not name.strip():
        return ""
    base = f"{prefix}-{slugify(name)}"
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def result_frame(result: api.ImportResult) -> pd.DataFrame:
    return pd.DataFrame([{"Liste": list_label(name), "neu": c["new"], "geändert": c["changed"],
                          "unverändert": c["unchanged"]} for name, c in result.counts.items() if any(c.values())])


def write(records: list[RawRecord], action: str, *, dry_run: bool = False,
          form: str | None = None) -> api.ImportResult | None:
    """Validate and (unless a dry run) write; problems are shown as a table and nothing is written."""
    try:
        result = api.import_records(ctx.store, records, user=ctx.user, action=action, dry_run=dry_run)
    except InputError as exc:
        show_input_error(exc, form=form)
        return None
    if not dry_run:
        clear_caches()
    return result


tab_import, tab_form, tab_export, tab_log = st.tabs(["Import", "Erfassen", "Export", "Protokoll"])

with tab_import:
    st.write("JSON-Austauschdatei (`buendnisnetz/1`), CSV-Dateien (eine je Liste, z. B. `Personen.csv`) "
             "oder eine Excel-Mappe (ein Blatt je Liste). Alles oder nichts: bei einem Fehler wird nichts gespeichert.")
    # No type= filter: Streamlit would reject other files with an English message of its own.
    uploads = st.file_uploader("Dateien (JSON, CSV oder XLSX)", accept_multiple_files=True, key="daten_upload")
    wrong = [u.name for u in uploads or [] if Path(u.name).suffix.lower() not in UPLOAD_TYPES]
    if wrong:
        st.error("Nur JSON-, CSV- oder XLSX-Dateien lassen sich importieren, nicht: " + md(", ".join(wrong))
                 + ". Es wurde nichts gespeichert.")
        uploads = None
    if uploads:
        folder = Path(tempfile.mkdtemp(prefix="buendnisnetz-upload-"))
        try:
            paths = []
            for upload in uploads:
                path = folder / Path(upload.name).name  # the file name says which list a CSV holds
                path.write_bytes(upload.getvalue())
                paths.append(path)
            try:
                # show the uploaded file's name, not the temporary path
                records = [replace(r, file=Path(r.file).name) for r in read_paths(paths)]
            except InputError as exc:
                show_input_error(InputError([replace(p, file=Path(p.file).name) for p in exc.problems]),
                                 "Die Dateien lassen sich nicht lesen. Es wurde nichts gespeichert.")
                records = None
            if records is not None:
                by_list: dict[str, list[dict]] = {}
                for record in records:
                    by_list.setdefault(record.list_name, []).append(record.data)
                st.subheader("Vorschau")
                st.dataframe(pd.DataFrame([{"Liste": list_label(n), "Einträge": len(items)}
                                           for n, items in by_list.items()]), hide_index=True)
                for name, items in by_list.items():
                    with st.expander(f"{list_label(name)} ({len(items)})"):
                        st.dataframe(pd.DataFrame(items[:50]).astype(str).rename(columns=FIELD_LABELS),
                                     hide_index=True, width="stretch")
                c1, c2, _ = st.columns([2, 1, 3])
                if c1.button("Probelauf (nichts speichern)", key="daten_probelauf"):
                    result = write(records, "import (Probelauf)", dry_run=True)
                    if result is not None:
                        st.success("Probelauf ohne Fehler. So würde sich der Datenbestand ändern:")
                        st.dataframe(result_frame(result), hide_index=True)
                        for warning in result.warnings:
                            st.warning(md(str(warning)))
                if c2.button("Importieren", key="daten_importieren", type="primary"):
                    result = write(records, "import " + ", ".join(u.name for u in uploads))
                    if result is not None:
                        summary = result.summary()
                        st.session_state[FLASH_KEY] = (f"Import gespeichert: {summary['new']} neu, "
                                                       f"{summary['changed']} geändert, "
                                                       f"{summary['unchanged']} unverändert.")
                        st.rerun()
        finally:
            shutil.rmtree(folder, ignore_errors=True)

    with st.expander("Vorlagen (CSV und Excel)"):
        st.write("Eine Vorlage je Liste mit den Spalten und einem erfundenen Beispiel. Bündnisse, Einrichtungen, "
                 "Personen, Orte und Servicebüros dürfen mit ihrem **Namen** stehen statt mit einer Kennung; gibt "
                 "es einen Namen mehrfach, hilft der Kreis in Klammern: „Jugendamt (Düren)“. Die Beispielzeilen "
                 "vor dem Import ersetzen oder löschen.")
        template = st.selectbox("Liste", list(TEMPLATES), key="daten_vorlage", format_func=list_label)
        c1, c2, _ = st.columns([1, 1, 2])
        c1.download_button("Vorlage als CSV", template_csv(template), file_name=f"{template_name(template)}.csv",
                           mime="text/csv", key="daten_vorlage_csv", icon=":material/download:")
        c2.download_button("Vorlage als Excel (XLSX)", template_xlsx(template),
                           file_name=f"{template_name(template)}.xlsx", mime=MIME["xlsx"], key="daten_vorlage_xlsx",
                           icon=":material/download:")

    with st.expander("Demodaten"):
        st.write("Ein erfundener Datensatz (alle Namen sind fiktiv, markiert mit „(Demo)“), der jeden Fall des "
                 "Bündnis-Checks zeigt.")
        if st.button("Demodaten laden", key="daten_demo"):
            try:
                api.load_demo(ctx.store, user=ctx.user)
            except InputError as exc:
                show_input_error(exc)
            else:
                clear_caches()
                st.session_state[FLASH_KEY] = "Demodaten geladen."
                st.rerun()

with tab_form:
    st.write("Einzelne Einträge erfassen. Die Eingaben werden wie ein Import geprüft und protokolliert.")
    kind = st.radio("Was?", ["actor", "institution", "membership"], horizontal=True, key="daten_formular_art",
                    format_func={"actor": "Person", "institution": "Einrichtung",
                                 "membership": "Mitgliedschaft"}.get)
    institutions = sorted(ds.institutions, key=lambda i: ds.institutions[i].name)
    # places by name (type to search); the AGS in brackets tells apart places of the same name
    places = [None, *sorted(ds.municipalities, key=lambda a: (ds.municipalities[a].name, a))]

    def place_label(ags: str | None) -> str:
        return "– keiner –" if ags is None else f"{ds.municipalities[ags].name} ({ags})"

    alliances = sorted(ds.alliances, key=lambda a: ds.alliances[a].name)
    if kind == "actor":
        with st.form("daten_formular_person", clear_on_submit=False):
            name = st.text_input("Name", key="form_person_name")
            role = st.text_input("Rolle (z. B. Fachkraft, Ehrenamt)", key="form_person_rolle")
            institution = st.selectbox("Einrichtung", [None, *institutions], key="form_person_einrichtung",
                                       format_func=lambda i: "– keine –" if i is None else ds.institutions[i].name)
            municipality = st.selectbox("Wohnort (optional; zum Suchen tippen)", places, key="form_person_ort",
                                        format_func=place_label)
            youth = st.checkbox("junge geflüchtete Person (wird außerhalb ihres Bündnisses pseudonymisiert)",
                                key="form_person_jugend")
            submitted = st.form_submit_button("Person speichern")
        if submitted:
            data = {"id": new_id("p", name, ds.actors), "name": name, "role": role or None,
                    "institution": institution, "municipality": municipality,
                    "is_refugee_youth": youth}
            if write([RawRecord("actors", "Formular Person", "1", data)], "Formular Person",
                     form="Formular Person") is not None:
                st.session_state[FLASH_KEY] = f"Person gespeichert (id {data['id']})."
                st.rerun()
    elif kind == "institution":
        with st.form("daten_formular_einrichtung"):
            name = st.text_input("Name", key="form_einrichtung_name")
            type_ = st.selectbox("Typ", list(INSTITUTION_TYPES), key="form_einrichtung_typ",
                                 format_func=INSTITUTION_TYPES.get)
            sector = st.selectbox("Sektor", list(SECTORS), key="form_einrichtung_sektor", format_func=SECTORS.get)
            municipality = st.selectbox("Ort (zum Suchen tippen)", places, key="form_einrichtung_ort",
                                        format_func=place_label)
            submitted = st.form_submit_button("Einrichtung speichern")
        if submitted:
            data = {"id": new_id("i", name, ds.institutions), "name": name, "type": type_,
                    "sector": sector, "municipality": municipality}
            if write([RawRecord("institutions", "Formular Einrichtung", "1", data)], "Formular Einrichtung",
                     form="Formular Einrichtung"):
                st.session_state[FLASH_KEY] = f"Einrichtung gespeichert (id {data['id']})."
                st.rerun()
    else:
        members = {i: f"{ds.institutions[i].name} (Einrichtung)" for i in institutions}
        members |= {a: f"{ds.name_of(a)} (Person)" for a in ds.actors}
        with st.form("daten_formular_mitgliedschaft"):
            member = st.selectbox("Mitglied", sorted(members, key=lambda m: members[m].lower()),
                                  key="form_mitglied", format_func=members.get)
            alliance = st.selectbox("Bündnis", alliances, key="form_mitglied_buendnis",
                                    format_func=lambda a: ds.alliances[a].name)
            since = st.date_input("seit", value=ctx.as_of, key="form_mitglied_seit", format="DD.MM.YYYY")
            role = st.text_input("Rolle im Bündnis (optional)", key="form_mitglied_rolle")
            submitted = st.form_submit_button("Mitgliedschaft speichern")
        if submitted:
            data = {"member": member, "alliance": alliance, "since": since.isoformat() if since else None,
                    "role": role or None}
            if write([RawRecord("memberships", "Formular Mitgliedschaft", "1", data)], "Formular Mitgliedschaft",
                     form="Formular Mitgliedschaft"):
                st.session_state[FLASH_KEY] = f"Mitgliedschaft gespeichert (seit {fmt_date(since)})."
                st.rerun()

with tab_export:
    st.write("Junge Geflüchtete erscheinen im Export nur mit Pseudonym.")
    fmt = st.selectbox("Format", list(FORMATS), key="daten_export_format", format_func=FORMAT_LABELS.get)
    if st.button("Export erstellen", key="daten_export"):
        folder = Path(tempfile.mkdtemp(prefix="buendnisnetz-export-"))
        try:
            directory = EXPORT_FORMATS[fmt].directory
            out = api.export(ctx.store, fmt, folder / ("buendnisnetz" if directory else f"buendnisnetz.{fmt}"),
                             user=ctx.user)
            if directory:
                buffer = io.BytesIO()
                with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                    for file in sorted(out.iterdir()):
                        archive.write(file, file.name)
                payload, file_name = buffer.getvalue(), f"buendnisnetz-{fmt}.zip"
            else:
                payload, file_name = out.read_bytes(), out.name
        except InputError as exc:
            show_input_error(exc)
        else:
            st.session_state["daten_export_datei"] = (payload, file_name, MIME[fmt])
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if "daten_export_datei" in st.session_state:
        payload, file_name, mime = st.session_state["daten_export_datei"]
        st.download_button(f"{file_name} herunterladen ({len(payload) // 1024 + 1} KB)", payload,
                           file_name=file_name, mime=mime, key="daten_export_download")

with tab_log:
    entries = api.audit_log(ctx.store, ctx.user, 200) if ctx.user.role == "admin" else None
    if entries is None:
        st.info("Das Änderungsprotokoll sehen nur Administrator*innen.")
    elif entries:
        st.dataframe(pd.DataFrame([{"Zeit": local_time(e.at), "Wer": e.user, "Aktion": audit_action(e.action),
                                    "Was": audit_target(ds, e.target)} for e in entries]),
                     hide_index=True, width="stretch")
    else:
        st.info("Noch keine Änderungen protokolliert.")
