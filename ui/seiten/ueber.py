"""Über / Datenschutz: what the tool is, what it stores and where the reference data comes from."""

from __future__ import annotations

import streamlit as st

from graph.rules import MIN_PARTNERS, number_word
from ui.common import app_context, display_uri

st.title("Über Bündnisnetz / Datenschutz")
ctx = app_context()
counts = ctx.ds.counts()

st.markdown(f"""
**Bündnisnetz** kartiert die lokalen Bündnisse des Bundesprogramms
„Willkommen bei Freunden – Bündnisse für junge Flüchtlinge“ der Deutschen Kinder- und
Jugendstiftung (DKJS) mit dem Bundesfamilienministerium (BMFSFJ): wer in welchem Landkreis,
welcher Stadt oder Gemeinde mit wem zusammenarbeitet, welche Bündnisse unter der Mindestzahl
von {number_word(MIN_PARTNERS)} lokalen Partnern liegen und welche neuen Verbindungen helfen würden.

### Was gespeichert wird
- **Einrichtungen** (Name, Typ, Sektor, Ort) und **Personen** (Name, Rolle, Einrichtung oder Wohnort).
- **Bündnisse** (Name, Ort, Gründung, Themen, Servicebüro), **Mitgliedschaften** (seit, bis, Rolle),
  **Verbindungen** zwischen Personen bzw. Einrichtungen und **Angebote** der Servicebüros.
- Ein **Änderungsprotokoll**: wer wann was geändert hat (Seite *Daten → Protokoll*).

Gespeichert wird nur, was für die Bündnisarbeit nötig ist: keine Geburtsdaten, keine Herkunft,
kein Aufenthaltsstatus.

### Junge Geflüchtete
Junge Geflüchtete sind Minderjährige. Ihre Namen sehen nur die Administration und die Koordination
ihres eigenen Kreises; alle anderen sehen überall nur ein **Pseudonym** („Jugendliche\\*r …“) – in Karten,
Vorschlägen, Übersichten und Exporten. Einen Export mit Namen erstellt nur die Administration, und er wird
protokolliert. Die Daten einer Person können mit der Kommandozeile ausgegeben und gelöscht werden.

### Demodaten
Die Demodaten sind **frei erfunden**. Einrichtungen, Bündnisse und Gemeinden tragen den Zusatz „(Demo)“;
Ähnlichkeiten mit realen Personen sind zufällig.

### Quellen und Lizenzen
- Kreise und kreisfreie Städte (Gemeindeschlüssel, Name, Typ, Einwohnerzahl): npm-Paket
  `landkreise-deutschland` 3.0.0 (Datei `data/districts.csv`), Daten des Statistischen Bundesamts
  (Destatis), Lizenz **CC-BY-4.0**.
- Programmangaben: Deutsche Kinder- und Jugendstiftung, „Willkommen bei Freunden“.
- Netzwerkkarten: vis-network (Apache-2.0/MIT) über pyvis; die Karten laden nichts aus dem Internet.
""")

st.subheader("Datenbestand")
labels = {"states": "Länder", "municipalities": "Kommunen", "service_offices": "Servicebüros",
          "topics": "Themen", "institutions": "Einrichtungen", "actors": "Personen", "alliances": "Bündnisse",
          "offers": "Angebote", "memberships": "Mitgliedschaften", "ties": "Verbindungen"}
cols = st.columns(5)
for i, (name, label) in enumerate(labels.items()):
    cols[i % 5].metric(label, counts.get(name, 0))
if ctx.user.role == "admin":  # where the data lies is the administration's business
    st.caption(f"Datenspeicher: `{display_uri(ctx.uri)}` · Revision {ctx.revision}")
