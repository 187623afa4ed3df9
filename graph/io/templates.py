"""Templates (Vorlagen) for the CSV/XLSX import: one per list, German column headings and fictitious example rows.

The headings are ones the importer accepts (:mod:`graph.io.tabular`); the examples name alliances,
institutions, people and places by name (:mod:`graph.io.resolve`), so nobody needs to know an id.
Imported together into a store with the reference data, the examples of all lists load without a problem.
"""

from __future__ import annotations

import io

from .csvfile import csv_text

#: list -> (file stem / sheet name, column headings, example rows); all names are invented.
TEMPLATES: dict[str, tuple[str, tuple[str, ...], tuple[tuple[str, ...], ...]]] = {
    "institutions": ("Einrichtungen", ("Kennung", "Name", "Typ", "Sektor", "Gemeinde"), (
        ("i-jugendamt-musterstadt", "Jugendamt Musterstadt (Beispiel)", "jugendamt", "verwaltung", "Köln, Stadt"),
    )),
    "actors": ("Personen", ("Kennung", "Name", "Rolle", "Einrichtung", "Wohnort", "junge*r Geflüchtete*r"), (
        ("p-erika-muster", "Erika Muster (Beispiel)", "Fachkraft", "Jugendamt Musterstadt (Beispiel)", "", "nein"),
        ("p-max-beispiel", "Max Beispiel (Beispiel)", "Ehrenamt", "", "Köln, Stadt", "nein"),
    )),
    "alliances": ("Bündnisse", ("Kennung", "Name", "Gemeinde", "gegründet", "Status", "Themen", "Servicebüro"), (
        ("b-willkommen-musterstadt", "Willkommensbündnis Musterstadt (Beispiel)", "Köln, Stadt", "01.03.2024",
         "aktiv", "unterbringung|kinderschutz", "Servicebüro Köln"),
    )),
    "memberships": ("Mitgliedschaften", ("Mitglied", "Bündnis", "seit", "bis", "Rolle"), (
        ("Jugendamt Musterstadt (Beispiel)", "Willkommensbündnis Musterstadt (Beispiel)", "01.03.2024", "", ""),
        ("Erika Muster (Beispiel)", "Willkommensbündnis Musterstadt (Beispiel)", "01.03.2024", "", "Koordination"),
    )),
    "ties": ("Verbindungen", ("von", "nach", "seit", "Stärke"), (
        ("Erika Muster (Beispiel)", "Max Beispiel (Beispiel)", "15.06.2024", "2"),
    )),
    "offers": ("Angebote", ("Kennung", "Typ", "Titel", "Datum", "Servicebüro", "Bündnis", "erreichte Personen",
                            "Notiz"), (
        ("a-fortbildung-musterstadt", "fortbildung", "Fortbildung Kinderschutz (Beispiel)", "15.05.2025",
         "Servicebüro Köln", "Willkommensbündnis Musterstadt (Beispiel)", "12", ""),
    )),
}


def template_name(list_name: str) -> str:
    """The German file stem / sheet name of a list's template (the importer recognises it)."""
    return TEMPLATES[list_name][0]


def template_csv(list_name: str) -> bytes:
    """A list's template as CSV for German Excel: ``;``-separated, UTF-8 with BOM."""
    _, header, rows = TEMPLATES[list_name]
    return ("\ufeff" + csv_text([header, *rows])).encode("utf-8")


def template_xlsx(list_name: str) -> bytes:
    """A list's template as an Excel workbook with one sheet named after the list; every cell is text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    sheet_name, header, rows = TEMPLATES[list_name]
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_name
    sheet.append(list(header))
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(list(row))
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.number_format = "@"  # text: Excel must not turn 05315 or 01.03.2024 into numbers
    for column in sheet.columns:
        sheet.column_dimensions[column[0].column_letter].width = max(12, *(len(str(c.value or "")) + 2
                                                                          for c in column))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
