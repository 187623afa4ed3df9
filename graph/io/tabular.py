"""CSV files and Excel workbooks, as offices really keep their lists.

One CSV file or one worksheet per list of the exchange format (docs/design.md, Exchange format),
named after the list in English or German (``actors.csv``, ``Personen.csv``,
sheet ``Bündnisse``). Column headers may be the exchange field names or common
German ones (``Kennung``, ``Einrichtung``, ``AGS``, ``seit``, ``Geflüchtete*r
Jugendliche*r``), compared without case, spaces, punctuation and umlauts.

CSV files may be ``;``-, ``,``- or tab-separated (or name the separator in an
Excel ``sep=;`` first line) and UTF-8 (with or without BOM), Windows-1252 (what
German Excel writes) or UTF-16 with BOM (Excel's "Unicode text"); separator and
encoding are detected per file.

The readers only turn cells into :class:`~graph.validate.RawRecord` items with
canonical field names and exact locations (physical line number; sheet row).
Every value check (dates, ``|`` lists, ja/nein, AGS, references) is done by
:mod:`graph.validate`. The writers produce files that read back unchanged.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date
from pathlib import Path
from zipfile import BadZipFile

from ..errors import InputError, Problem
from ..model import ALL_LISTS, Dataset
from ..validate import RawRecord
from .csvfile import join_list, unguard, write_csv
from .exchange import FIELDS, to_document
from .export import pseudonymized

DATE_FIELDS = frozenset({"founded", "date", "since", "until"})
#: Fields holding an AGS; Excel drops its leading zero (``05315`` -> ``5315``).
AGS_FIELDS = {("municipalities", "id"), ("institutions", "municipality"), ("actors", "municipality"),
              ("alliances", "municipality"), ("offers", "municipality")}


def normalize(text: str) -> str:
    """A header or list name for comparison: lower case, umlauts spelt out, letters and digits only.

    Examples
    --------
    >>> normalize("Geflüchtete*r Jugendliche*r")
    'gefluechteterjugendlicher'
    >>> normalize("is_refugee_youth") == normalize("Is Refugee Youth")
    True
    """
    text = text.strip().casefold()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    return re.sub(r"[^a-z0-9]", "", text)


#: list -> names a file (without .csv) or sheet may have, besides the list name itself.
_LIST_ALIASES = {
    "states": ("Länder", "Bundesländer"),
    "municipalities": ("Kommunen", "Gemeinden", "Kreise", "Gebietskörperschaften"),
    "service_offices": ("Servicebüros", "Büros", "Service Offices"),
    "topics": ("Themen",),
    "institutions": ("Einrichtungen", "Institutionen", "Organisationen"),
    "actors": ("Personen", "Akteure", "Akteurinnen", "Beteiligte"),
    "alliances": ("Bündnisse",),
    "offers": ("Angebote",),
    "memberships": ("Mitgliedschaften", "Mitglieder"),
    "ties": ("Verbindungen", "Kontakte", "Beziehungen", "Kooperationen"),
}
LIST_NAMES = {normalize(alias): name for name, aliases in _LIST_ALIASES.items()
              for alias in (name, *aliases)}

_ID = ("Kennung", "ID", "Nr", "Nummer", "Schlüssel")
_AGS = ("Gemeinde", "AGS", "Kommune", "Gemeindeschlüssel", "Kreis", "Ort")
_OFFICE = ("Servicebüro", "Büro", "Service Office")
#: list -> field -> German (or other) column headers accepted for it.
_COLUMN_ALIASES: dict[str, dict[str, tuple[str, ...]]] = {
    "states": {"id": (*_ID, "Kürzel", "Code", "Land"), "name": ("Name", "Bezeichnung")},
    "municipalities": {
        "id": (*_ID, "AGS", "Gemeindeschlüssel", "Kreisschlüssel"),
        "name": ("Name", "Bezeichnung", "Kommune", "Gemeinde"),
        "level": ("Ebene", "Typ", "Art", "Gebietstyp"),
        "state": ("Land", "Bundesland"),
    },
    "service_offices": {
        "id": _ID, "name": ("Name", "Bezeichnung"), "city": ("Stadt", "Ort", "Sitz"),
        "states": ("Länder", "Bundesländer"),
    },
    "topics": {"id": _ID, "name": ("Name", "Thema")},
    "institutions": {
        "id": _ID, "name": ("Name", "Bezeichnung", "Einrichtung"), "type": ("Typ", "Art", "Einrichtungsart"),
        "sector": ("Sektor", "Bereich"), "municipality": _AGS,
    },
    "actors": {
        "id": _ID, "name": ("Name",), "role": ("Rolle", "Funktion"),
        "institution": ("Einrichtung", "Institution", "Organisation"),
        "municipality": (*_AGS, "Wohnort"),
        "is_refugee_youth": ("Geflüchtete*r Jugendliche*r", "Geflüchtete Jugendliche", "Geflüchteter Jugendlicher",
                             "junge*r Geflüchtete*r", "minderjährig Geflüchtet", "minderjährig geflüchtet",
                             "Refugee Youth"),
        "pseudonym": ("Pseudonym",),
    },
    "alliances": {
        "id": _ID, "name": ("Name", "Bezeichnung", "Bündnis"), "municipality": _AGS,
        "founded": ("gegründet", "Gründung", "Gründungsdatum"), "status": ("Status",),
        "topics": ("Themen", "Thema"), "office": _OFFICE,
    },
    "offers": {
        "id": _ID, "type": ("Typ", "Art", "Angebotsart", "Format"), "title": ("Titel", "Bezeichnung"),
        "date": ("Datum",), "office": _OFFICE, "alliance": ("Bündnis",), "municipality": _AGS,
        "participants": ("Teilnehmende", "Teilnehmer", "Teilnehmer*innen", "Beteiligte"),
        "people_reached": ("erreichte Personen", "Erreichte", "Anzahl erreicht", "Reichweite"),
        "note": ("Notiz", "Bemerkung", "Anmerkung"),
    },
    "memberships": {
        "member": ("Mitglied", "Person", "Person/Einrichtung", "Einrichtung"), "alliance": ("Bündnis",),
        "since": ("seit", "von", "ab", "Beginn"), "until": ("bis", "Ende"), "role": ("Rolle", "Funktion"),
    },
    "ties": {
        "source": ("von", "Quelle", "Person 1", "Einrichtung 1"), "target": ("nach", "an", "Ziel", "Person 2",
                                                                            "Einrichtung 2"),
        "since": ("seit",), "strength": ("Stärke", "Gewicht", "Intensität"),
    },
}


def _column_table(list_name: str) -> dict[str, str]:
    table = {}
    for field_name in FIELDS[list_name]:
        for alias in (field_name, *_COLUMN_ALIASES[list_name].get(field_name, ())):
            key = normalize(alias)
            assert table.setdefault(key, field_name) == field_name, (list_name, alias)
    return table


COLUMNS = {name: _column_table(name) for name in ALL_LISTS}

#: Columns without which no row of a list can be valid; missing ones are reported once, at the header.
REQUIRED_COLUMNS = {
    "states": ("id", "name"),
    "municipalities": ("id", "name", "level", "state"),
    "service_offices": ("id", "name", "city"),
    "topics": ("id", "name"),
    "institutions": ("id", "name", "type", "sector"),
    "actors": ("id", "name"),
    "alliances": ("id", "name", "municipality"),
    "offers": ("id", "type", "title", "date"),
    "memberships": ("member", "alliance"),
    "ties": ("source", "target"),
}


def list_name_for(name: str) -> str | None:
    """The exchange list a file stem or sheet name stands for, or None.

    >>> list_name_for("Bündnisse"), list_name_for("MITGLIEDSCHAFTEN"), list_name_for("notes")
    ('alliances', 'memberships', None)
    """
    return LIST_NAMES.get(normalize(name))


def _allowed_lists() -> str:
    return ", ".join(f"{name} ({_LIST_ALIASES[name][0]})" for name in ALL_LISTS)


# -- reading ----------------------------------------------------------------

def _header(list_name: str, cells: list, file: str, line: str, problems: list[Problem]) -> list[str | None]:
    """Field name per column (None for a column without heading); problems for the rest."""
    table = COLUMNS[list_name]
    fields: list[str | None] = []
    seen: dict[str, str] = {}
    for cell in cells:
        text = "" if cell is None else str(cell).strip()
        if not text:
            fields.append(None)
            continue
        field_name = table.get(normalize(text))
        if field_name is None:
            problems.append(Problem(file, line, text, f"unbekannte Spalte für {list_name}; erlaubt: "
                                                      f"{', '.join(FIELDS[list_name])}"))
        elif field_name in seen:
            problems.append(Problem(file, line, text, f"Spalte doppelt: {seen[field_name]!r} meint schon "
                                                      f"{field_name}"))
            field_name = None
        else:
            seen[field_name] = text
        fields.append(field_name)
    for field_name in REQUIRED_COLUMNS[list_name]:
        if field_name not in seen:
            problems.append(Problem(file, line, field_name, "Pflichtspalte fehlt"))
    return fields


def _cell(list_name: str, field_name: str | None, value, *, guarded: bool = False):
    """A cell as validate expects it: text stripped, empty as None, whole numbers as text.

    Dates, booleans and ``strength`` pass through; an AGS that Excel stored as
    a number or without its leading zero (``5315``) gets the zero back.
    """
    if isinstance(value, str):
        if guarded:
            value = unguard(value)  # the apostrophe a CSV cell carries before formula-like text (csvfile)
        value = value.strip()
        if not value:
            return None
    elif value is None or isinstance(value, (bool, date)) or field_name == "strength":
        return value
    elif isinstance(value, (int, float)):
        value = str(int(value)) if float(value).is_integer() else str(value)
    if (list_name, field_name) in AGS_FIELDS and value.isdigit() and len(value) in (4, 7) and value[0] != "0":
        value = "0" + value  # the Länderschlüssel 01-09 lost its zero in Excel
    return value


def _blank(cells) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _records(list_name: str, file: str, rows: Iterable[tuple[int, list]], *, guarded: bool = False
             ) -> list[RawRecord]:
    """Raw records from numbered rows (header first); raises InputError with every problem."""
    problems: list[Problem] = []
    records: list[RawRecord] = []
    fields: list[str | None] | None = None
    for number, cells in rows:
        if fields is None:
            if not _blank(cells):
                fields = _header(list_name, cells, file, str(number), problems)
                if problems:
                    break
            continue
        data = {}
        unnamed = None
        for index, (field_name, value) in enumerate(zip(fields, cells)):
            value = _cell(list_name, field_name, value, guarded=guarded)
            if value is None:
                continue
            if field_name is None:
                unnamed = index + 1
            else:
                data[field_name] = value
        overflow = len(cells) > len(fields) and not _blank(cells[len(fields):])
        if not data and unnamed is None and not overflow:
            continue  # an empty row
        line = str(number)
        if overflow:
            problems.append(Problem(file, line, "-", f"zu viele Zellen: {len(cells)}, die Kopfzeile hat "
                                                     f"{len(fields)} Spalten"))
        if unnamed is not None:
            problems.append(Problem(file, line, "-", f"Wert in Spalte {unnamed} ohne Überschrift"))
        records.append(RawRecord(list_name, file, line, data))
    if problems:
        raise InputError(problems)
    return records


def decode(data: bytes) -> str:
    """Text of a CSV file: UTF-8 (BOM optional), UTF-16 with BOM, else Windows-1252.

    UTF-8 is tried strictly first: real Windows-1252 text with umlauts is
    never valid UTF-8, so the guess cannot silently garble a UTF-8 file.

    >>> decode("Jugendamt Köln".encode("cp1252")), decode("\\ufeffKöln".encode("utf-8"))
    ('Jugendamt Köln', 'Köln')
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        if _UTF8_MULTIBYTE.search(data):  # UTF-8 elsewhere: a mix, not a Windows file
            raise MixedEncoding(data.count(b"\n", 0, exc.start) + 1) from exc
        return data.decode("cp1252")


#: A non-ASCII character encoded as UTF-8 (2 to 4 bytes); Windows-1252 text practically never has one.
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")


class MixedEncoding(UnicodeError):
    """A file that is UTF-8 in some places and not in others (e.g. one line pasted from Windows)."""

    def __init__(self, line: int):
        super().__init__(line)
        self.line = line


def sniff_delimiter(header_line: str) -> str:
    """``;``, ``,`` or tab: whichever occurs most in the header line outside quotes (``;`` on a tie).

    >>> sniff_delimiter('Kennung;Name;"Rolle, Funktion"'), sniff_delimiter("id,name")
    (';', ',')
    """
    unquoted = re.sub(r'"[^"]*"', "", header_line)
    return max((";", ",", "\t"), key=lambda d: (unquoted.count(d), d == ";"))


def _numbered_csv_rows(text: str, delimiter: str, file: str) -> Iterator[tuple[int, list]]:
    """Rows with the physical line they start on; quoted cells may span lines."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise InputError([Problem(file, str(reader.line_num), "-", f"kein gültiges CSV: {exc}")]) from exc
        yield start, row
        start = reader.line_num + 1


def read_csv(path: str | Path) -> list[RawRecord]:
    """Raw records of one CSV file; the list is given by the file name.

    Raises
    ------
    InputError
        Unknown file name, undecodable or malformed file, unknown or missing
        columns, rows with more cells than the header — all of them.
    """
    path = Path(path)
    file = str(path)
    list_name = list_name_for(path.stem)
    if list_name is None:
        raise InputError([Problem(file, "-", "-", f"unbekannte Liste {path.stem!r} (Dateiname); "
                                                  f"erlaubt: {_allowed_lists()}")])
    try:
        text = decode(path.read_bytes())
    except MixedEncoding as exc:
        raise InputError([Problem(file, str(exc.line), "-", "Zeichen passen nicht zur Kodierung UTF-8 der übrigen "
                                                            "Datei (gemischte Kodierung; als CSV UTF-8 speichern)")]
                         ) from exc
    except UnicodeDecodeError as exc:
        raise InputError([Problem(file, "-", "-", "weder UTF-8 noch Windows-1252 (als CSV UTF-8 speichern)")]) from exc
    first_line = text.split("\n", 1)[0].rstrip("\r")
    hint = re.fullmatch(r"\s*sep=(.)\s*", first_line)
    if hint:  # Excel's "sep=;" line names the separator; blank it so line numbers stay physical
        delimiter, text = hint.group(1), text[len(first_line):]
    else:
        header_line = next((line for line in io.StringIO(text) if line.strip()), "")
        delimiter = sniff_delimiter(header_line)
    return _records(list_name, file, _numbered_csv_rows(text, delimiter, file), guarded=True)


def read_xlsx(path: str | Path) -> list[RawRecord]:
    """Raw records of every sheet of a workbook; each sheet is named after its list.

    Locations read ``book.xlsx[Personen]:7``: the sheet in brackets, the Excel row number.
    Empty sheets are skipped; dates arrive as ``datetime`` and pass through.
    """
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    path = Path(path)
    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, KeyError, ValueError) as exc:
        # openpyxl's own reason ("File is not a zip file") is English and says nothing more to a user
        raise InputError([Problem(str(path), "-", "-", "Die Datei ist keine gültige XLSX-Datei "
                                  "(Excel-Arbeitsmappe); bitte in Excel als .xlsx speichern.")]) from exc
    records: list[RawRecord] = []
    problems: list[Problem] = []
    try:
        for sheet in book.worksheets:
            file = f"{path}[{sheet.title}]"
            rows = ((number, list(cells)) for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1))
            list_name = list_name_for(sheet.title)
            if list_name is None:
                if any(any(c is not None and str(c).strip() for c in cells) for _, cells in rows):
                    problems.append(Problem(file, "-", "-", f"unbekannte Liste {sheet.title!r} (Blattname); "
                                                            f"erlaubt: {_allowed_lists()}"))
                continue
            try:
                records += _records(list_name, file, rows)
            except InputError as exc:
                problems += exc.problems
    finally:
        book.close()
    if problems:
        raise InputError(problems)
    return records


# -- writing ----------------------------------------------------------------

def table_rows(ds: Dataset, list_name: str) -> tuple[tuple[str, ...], list[list]]:
    """Header and rows of one list, exactly as in the JSON exchange file (topics by name).

    Cells keep their JSON types (str, float, bool, list); the writers format them.
    """
    header = FIELDS[list_name]
    doc = to_document(ds, (list_name,))
    return header, [[row.get(f) for f in header] for row in doc[list_name]]


def write_csv_dir(ds: Dataset, directory: str | Path, *, reveal: bool = False) -> list[Path]:
    """One CSV file per list in `directory`, for German Excel and for re-import.

    ``;``-separated, UTF-8 with BOM (so Excel shows umlauts), ISO dates,
    ``|`` between list items, ``ja`` for true, decimal comma. Reading the
    directory back gives the same data as the JSON export.
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    ds = pseudonymized(ds, reveal=reveal)
    written = []
    for list_name in ALL_LISTS:
        header, rows = table_rows(ds, list_name)
        target = directory / f"{list_name}.csv"
        written.append(write_csv(target, [header, *rows]))
    return written


def write_xlsx(ds: Dataset, path: str | Path, *, reveal: bool = False) -> Path:
    """One sheet per list; dates as Excel dates, text never turned into a formula."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    ds = pseudonymized(ds, reveal=reveal)
    book = Workbook(write_only=True)
    for list_name in ALL_LISTS:
        sheet = book.create_sheet(list_name)
        header, rows = table_rows(ds, list_name)
        sheet.append(list(header))
        for row in rows:
            cells = []
            for field_name, value in zip(header, row):
                if value is None:
                    cells.append(None)
                elif field_name in DATE_FIELDS:
                    cells.append(date.fromisoformat(value))
                elif isinstance(value, bool):
                    cells.append("ja" if value else "nein")
                elif isinstance(value, list):
                    cells.append(join_list(value))
                elif isinstance(value, str) and value.startswith("="):
                    cell = WriteOnlyCell(sheet, value=value)
                    cell.data_type = "s"  # a name like "=Bündnis" must stay text, not become a formula
                    cells.append(cell)
                else:
                    cells.append(value)
            sheet.append(cells)
    book.save(Path(path))
    return Path(path)
