"""CSV and Excel import as offices really keep their lists (issue 8).

Every file here is made by the test, in the encoding and dialect an office's
Excel would produce, so a reader sees the exact bytes that are imported.
"""

from __future__ import annotations

from datetime import date, datetime

import pytest
from openpyxl import Workbook

from graph import api
from graph.errors import InputError
from graph.io.tabular import read_csv, read_xlsx
from graph.store import open_store


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "x.db"))
    api.init_store(s)
    yield s
    s.close()


def write(path, text: str, encoding: str = "utf-8"):
    path.write_bytes(text.replace("\n", "\r\n").encode(encoding))
    return path


def problems_of(excinfo) -> set[tuple[str, str, str]]:
    return {(p.file.rsplit("/", 1)[-1], p.line, p.field) for p in excinfo.value.problems}


EINRICHTUNGEN = """Kennung;Name;Art;Sektor;AGS
ja-koeln;Jugendamt Köln;Jugendamt;Verwaltung;05315
mo-koeln;Verein Brücke e.V.;Migrantenorganisation;Migrantenorganisation;05315
"""
BUENDNISSE = """Kennung;Bezeichnung;Gemeinde;gegründet;Themen;Servicebüro
b-koeln;Bündnis Köln-Mülheim;05315;01.03.2016;Kinderschutz|Unterbringung;sb-koeln
"""


def test_cp1252_semicolon_file_with_german_headers_and_dates_is_imported(store, tmp_path):
    einrichtungen = write(tmp_path / "einrichtungen.csv", EINRICHTUNGEN, "cp1252")
    buendnisse = write(tmp_path / "Bündnisse.csv", BUENDNISSE, "cp1252")
    personen = write(tmp_path / "personen.csv",
                     "Kennung;Name;Rolle;Einrichtung;Geflüchtete*r Jugendliche*r\n"
                     "p-mueller;Jürgen Müller;Sachgebietsleitung;ja-koeln;nein\n"
                     "y-1;Ahmad S.;;;ja\n", "cp1252")
    mitgliedschaften = write(tmp_path / "mitgliedschaften.csv",
                             "Person/Einrichtung;Bündnis;seit;bis\n"
                             "p-mueller;b-koeln;15.04.2016;\n"
                             "mo-koeln;b-koeln;01.03.2016;31.12.2019\n", "cp1252")

    api.import_paths(store, [einrichtungen, buendnisse, personen, mitgliedschaften])

    ds = store.read()
    assert ds.actors["p-mueller"].name == "Jürgen Müller"
    assert ds.actors["y-1"].is_refugee_youth
    assert ds.institutions["mo-koeln"].name == "Verein Brücke e.V."
    assert ds.alliances["b-koeln"].founded == date(2016, 3, 1)
    assert ds.memberships[("mo-koeln", "b-koeln", "2016-03-01")].until == date(2019, 12, 31)


def test_utf8_bom_comma_file_is_imported(store, tmp_path):
    path = write(tmp_path / "institutions.csv",
                 "id,name,type,sector,municipality\n"
                 'fl-dd,"Flüchtlingskoordination Dresden, Stadt",fluechtlingskoordination,verwaltung,14612\n',
                 "utf-8-sig")

    api.import_paths(store, [path])

    assert store.read().institutions["fl-dd"].name == "Flüchtlingskoordination Dresden, Stadt"


def test_list_cells_are_split_on_pipe(store, tmp_path):
    path = write(tmp_path / "alliances.csv",
                 "id;name;municipality;topics\nb1;Bündnis Halle;15002;Kinderschutz | Berufsorientierung\n")

    api.import_paths(store, [path])

    assert store.read().alliances["b1"].topics == ("berufsorientierung", "kinderschutz")


def test_excel_unicode_text_utf16_with_tabs_is_read(tmp_path):
    path = write(tmp_path / "Personen.csv", "Kennung\tName\np1\tJürgen Müller\n", "utf-16")

    [record] = read_csv(path)

    assert record.data == {"id": "p1", "name": "Jürgen Müller"}


def test_excel_sep_line_is_no_header_and_keeps_line_numbers(tmp_path):
    path = write(tmp_path / "actors.csv", "sep=,\nid,name,role\np1,Anna,\"Leitung; Jugendhilfe\"\n")

    [record] = read_csv(path)

    assert (record.line, record.data["role"]) == ("3", "Leitung; Jugendhilfe")


def test_headers_match_regardless_of_case_spaces_and_umlaut_spelling(tmp_path):
    path = write(tmp_path / "memberships.csv", " MITGLIED ;buendnis;Seit\np1;b1;2020-01-01\n")

    [record] = read_csv(path)

    assert record.data == {"member": "p1", "alliance": "b1", "since": "2020-01-01"}


def test_xlsx_workbook_with_german_sheet_names_is_imported(store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Einrichtungen"
    sheet.append(["Kennung", "Name", "Typ", "Sektor", "Gemeinde"])
    sheet.append(["schule-md", "Berufsschule Magdeburg", "schule", "bildung", "15003"])
    sheet = book.create_sheet("Bündnisse")
    sheet.append(["Kennung", "Name", "Gemeinde", "gegründet", "Themen"])
    sheet.append(["b-md", "Bündnis Magdeburg", "15003", datetime(2017, 9, 1), "Berufsorientierung"])
    sheet = book.create_sheet("Mitgliedschaften")
    sheet.append(["Mitglied", "Bündnis", "seit"])
    sheet.append(["schule-md", "b-md", datetime(2017, 9, 1)])
    book.save(tmp_path / "buendnisse.xlsx")

    api.import_paths(store, [tmp_path / "buendnisse.xlsx"])

    ds = store.read()
    assert ds.alliances["b-md"].founded == date(2017, 9, 1)
    assert ds.memberships[("schule-md", "b-md", "2017-09-01")].member == "schule-md"


def test_xlsx_problems_name_the_sheet_and_its_row(store, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "Personen"
    sheet.append(["Kennung", "Name", "Einrichtung"])
    sheet.append([])
    sheet.append(["p1", "Anna Schmidt", "gibt-es-nicht"])
    book.save(tmp_path / "liste.xlsx")

    with pytest.raises(InputError) as excinfo:
        api.import_paths(store, [tmp_path / "liste.xlsx"])

    assert [str(p) for p in excinfo.value.problems] == [
        f"{tmp_path / 'liste.xlsx'}[Personen]:3: institution: "
        "unbekannte Referenz: Einrichtung 'gibt-es-nicht' gibt es nicht"]


def test_xlsx_ags_that_excel_stored_as_number_gets_its_leading_zero_back(tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.title = "institutions"
    sheet.append(["id", "name", "type", "sector", "municipality"])
    sheet.append(["ja-k", "Jugendamt Köln", "jugendamt", "verwaltung", 5315])
    book.save(tmp_path / "b.xlsx")

    [record] = read_xlsx(tmp_path / "b.xlsx")

    assert record.data["municipality"] == "05315"


def test_xlsx_sheet_with_unknown_name_and_data_is_a_problem(tmp_path):
    book = Workbook()
    book.active.title = "Notizen"
    book.active.append(["bitte nicht vergessen"])
    book.create_sheet("Leer")
    book.save(tmp_path / "b.xlsx")

    with pytest.raises(InputError) as excinfo:
        read_xlsx(tmp_path / "b.xlsx")

    assert problems_of(excinfo) == {("b.xlsx[Notizen]", "-", "-")}


def test_file_that_is_no_workbook_is_a_problem_not_a_crash(tmp_path):
    path = write(tmp_path / "actors.xlsx", "id;name\n")

    with pytest.raises(InputError) as excinfo:
        read_xlsx(path)

    assert "keine gültige XLSX-Datei" in excinfo.value.problems[0].message


def test_unknown_column_is_reported_at_line_1_with_its_name(tmp_path):
    path = write(tmp_path / "actors.csv", "id;name;Lieblingsfarbe\np1;Anna;blau\n")

    with pytest.raises(InputError) as excinfo:
        read_csv(path)

    assert problems_of(excinfo) == {("actors.csv", "1", "Lieblingsfarbe")}


def test_missing_required_column_is_reported_once_at_the_header(tmp_path):
    path = write(tmp_path / "memberships.csv", "member;since\np1;2020-01-01\np2;2020-01-01\n")

    with pytest.raises(InputError) as excinfo:
        read_csv(path)

    assert problems_of(excinfo) == {("memberships.csv", "1", "alliance")}


def test_unknown_file_name_is_a_problem(tmp_path):
    path = write(tmp_path / "adressen.csv", "id;name\n")

    with pytest.raises(InputError) as excinfo:
        read_csv(path)

    assert problems_of(excinfo) == {("adressen.csv", "-", "-")}


def test_row_with_more_cells_than_the_header_is_a_problem(tmp_path):
    path = write(tmp_path / "actors.csv", "id;name\np1;Anna\np2;Ben;zu viel\np3;Cem;;\n")

    with pytest.raises(InputError) as excinfo:
        read_csv(path)

    assert problems_of(excinfo) == {("actors.csv", "3", "-")}


def test_empty_rows_are_skipped_and_lines_stay_physical(tmp_path):
    path = write(tmp_path / "actors.csv", "id;name\n\n;\np1;Anna\n")

    [record] = read_csv(path)

    assert (record.line, record.data) == ("4", {"id": "p1", "name": "Anna"})


def test_multiline_quoted_cell_keeps_line_numbers_of_later_rows(tmp_path):
    path = write(tmp_path / "actors.csv", 'id;name;role\np1;Anna;"Leitung\nJugendhilfe"\np2;Ben;\n')

    records = read_csv(path)

    assert [r.line for r in records] == ["2", "4"]


def test_every_problem_is_reported_with_its_line_and_nothing_is_written(store, tmp_path):
    write(tmp_path / "kommunen.csv",
          "AGS;Name;Ebene;Land\n"
          "0531512;Köln-Mülheim;Gemeinde;NW\n", "cp1252")                # 2: wrong AGS (7 digits)
    write(tmp_path / "institutions.csv",
          "id;name;type;sector;municipality\n"
          "ja-x;Jugendamt X;jugendamt;verwaltung;05315\n"
          "ja-y;;jugendamt;verwaltung;05315\n", "cp1252")                # 3: missing name
    write(tmp_path / "actors.csv",
          "id;name;institution\n"
          "p1;Anna Schmidt;ja-y-typo\n"                                   # 2: unknown reference
          "p2;Ben Öztürk;\n"
          "p2;Ben Öztürk (doppelt);\n", "cp1252")                        # 4: duplicate id
    write(tmp_path / "alliances.csv", "id;name;municipality;founded\nb1;Bündnis;05315;31.02.2024\n", "cp1252")
    write(tmp_path / "ties.csv", "source;target\np2;ja-x\n", "cp1252")   # 2: mixed tie
    revision = store.revision()
    paths = [tmp_path / f"{n}.csv" for n in ("kommunen", "institutions", "actors", "alliances", "ties")]

    with pytest.raises(InputError) as excinfo:
        api.import_paths(store, paths)

    assert problems_of(excinfo) == {
        ("kommunen.csv", "2", "id"),
        ("institutions.csv", "3", "name"),
        ("actors.csv", "2", "institution"),
        ("actors.csv", "4", "id"),
        ("alliances.csv", "2", "founded"),
        ("ties.csv", "2", "target"),
    }
    assert store.revision() == revision


def test_mixed_tie_is_reported_as_such(store, tmp_path):
    write(tmp_path / "institutions.csv", "id;name;type;sector\nja-x;Jugendamt X;jugendamt;verwaltung\n")
    write(tmp_path / "actors.csv", "id;name\np1;Anna\n")
    write(tmp_path / "verbindungen.csv", "von;nach;Stärke\np1;ja-x;2\n", "cp1252")

    with pytest.raises(InputError) as excinfo:
        api.import_paths(store, [tmp_path / "institutions.csv", tmp_path / "actors.csv",
                                 tmp_path / "verbindungen.csv"])

    [problem] = excinfo.value.problems
    assert (problem.line, problem.field) == ("2", "target") and "gemischte Verbindung" in problem.message


def test_impossible_date_is_named_impossible(store, tmp_path):
    path = write(tmp_path / "offers.csv", "Kennung;Art;Titel;Datum\no1;Dialog;Dialogtag;31.02.2024\n")

    with pytest.raises(InputError) as excinfo:
        api.import_paths(store, [path])

    [problem] = excinfo.value.problems
    assert (problem.line, problem.field) == ("2", "date") and "unmögliches Datum" in problem.message


def test_files_of_one_import_are_one_transaction(store, tmp_path):
    good = write(tmp_path / "actors.csv", "id;name\np1;Anna Schmidt\n")
    bad = write(tmp_path / "memberships.csv", "member;alliance\np1;kein-buendnis\n")
    revision = store.revision()

    with pytest.raises(InputError):
        api.import_paths(store, [good, bad])

    assert "p1" not in store.read().actors
    assert store.revision() == revision


def test_reimporting_the_same_csv_changes_nothing(store, tmp_path):
    path = write(tmp_path / "einrichtungen.csv", EINRICHTUNGEN, "cp1252")
    api.import_paths(store, [path])
    revision = store.revision()

    result = api.import_paths(store, [path])

    assert result.summary()["new"] == 0 and result.summary()["changed"] == 0
    assert store.revision() == revision


def test_undecodable_file_is_a_problem(tmp_path):
    path = tmp_path / "actors.csv"
    path.write_bytes(b"id;name\np1;\x81\x8d\n")  # bytes that neither UTF-8 nor Windows-1252 define

    with pytest.raises(InputError) as excinfo:
        read_csv(path)

    assert "weder UTF-8 noch Windows-1252" in excinfo.value.problems[0].message


def test_formula_like_names_are_exported_as_text_and_read_back_unchanged(tmp_path):
    from graph.io.tabular import read_csv, write_csv_dir
    from graph.model import Actor, Dataset

    ds = Dataset()
    ds.add(Actor("p1", "=HYPERLINK(\"http://x\";\"klick\")"))
    ds.add(Actor("p2", "@Verein"))
    write_csv_dir(ds, tmp_path)
    text = (tmp_path / "actors.csv").read_text(encoding="utf-8-sig")
    assert "'=HYPERLINK" in text and "'@Verein" in text
    names = {r.data["id"]: r.data["name"] for r in read_csv(tmp_path / "actors.csv")}
    assert names == {"p1": "=HYPERLINK(\"http://x\";\"klick\")", "p2": "@Verein"}
