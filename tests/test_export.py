"""Exports: the exchange JSON, CSV and Excel that re-import unchanged, GraphML/GEXF for Gephi.

Refugee young people are minors: every format names them by pseudonym unless
the caller asks to reveal names.
"""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest
from openpyxl import load_workbook

from graph import api
from graph.errors import InputError
from graph.io.exchange import write_json
from graph.io.export import export, pseudonymized
from graph.model import Actor
from graph.store import open_store

DOC = {
    "format": "buendnisnetz/1",
    "municipalities": [{"id": "05315001", "name": "Köln-Innenstadt", "level": "gemeinde", "state": "NW"}],
    "institutions": [
        {"id": "ja-koeln", "name": "Jugendamt Köln", "type": "jugendamt", "sector": "verwaltung",
         "municipality": "05315"},
        {"id": "mo-koeln", "name": "Verein Brücke e.V.", "type": "migrantenorganisation",
         "sector": "migrantenorganisation", "municipality": "05315001"},
    ],
    "actors": [
        {"id": "p-mueller", "name": "Jürgen Müller", "role": "Sachgebietsleitung", "institution": "ja-koeln"},
        {"id": "y-1", "name": "Amira K.", "municipality": "05315", "is_refugee_youth": True,
         "pseudonym": "Sternschnuppe"},
    ],
    "alliances": [{"id": "b-koeln", "name": "Bündnis Köln", "municipality": "05315", "founded": "2016-03-01",
                   "topics": ["Kinderschutz", "Sport und Freizeit"], "office": "sb-koeln"}],
    "memberships": [
        {"member": "p-mueller", "alliance": "b-koeln", "since": "2016-03-01", "role": "Sprecher"},
        {"member": "y-1", "alliance": "b-koeln", "since": "2017-01-01", "until": "2018-06-30"},
        {"member": "y-1", "alliance": "b-koeln", "since": "2019-01-01"},
        {"member": "mo-koeln", "alliance": "b-koeln"},
    ],
    "ties": [{"source": "p-mueller", "target": "y-1", "since": "2018-02-01", "strength": 2.5},
             {"source": "ja-koeln", "target": "mo-koeln"}],
    "offers": [{"id": "o-1", "type": "dialog", "title": "Dialogforum Köln", "date": "2017-05-10",
                "office": "sb-koeln", "alliance": "b-koeln", "municipality": "05315",
                "participants": ["ja-koeln", "p-mueller"], "people_reached": 40,
                "note": "mit Dolmetscherin; gut besucht"}],
}


def new_store(path: Path):
    store = open_store(str(path))
    api.init_store(store)
    return store


@pytest.fixture
def ds(tmp_path):
    store = new_store(tmp_path / "source.db")
    api.import_document(store, DOC, "test")
    yield store.read()
    store.close()


def reimported(tmp_path, paths):
    store = new_store(tmp_path / "target.db")
    api.import_paths(store, paths)
    return store.read()


def test_json_round_trip_through_a_store_is_identical(ds, tmp_path):
    export(ds, "json", tmp_path / "a.json", reveal=True)

    again = reimported(tmp_path, [tmp_path / "a.json"])

    assert write_json(again) == (tmp_path / "a.json").read_text(encoding="utf-8")


def test_json_export_names_refugee_youth_by_pseudonym_by_default(ds, tmp_path):
    export(ds, "json", tmp_path / "a.json")

    text = (tmp_path / "a.json").read_text(encoding="utf-8")
    actors = {a["name"]: a for a in json.loads(text)["actors"]}
    assert "Amira" not in text and '"y-1"' not in text  # not even the stored id (tests/test_pseudonymous.py)
    assert actors["Sternschnuppe"]["id"].startswith("jugendliche-")
    assert actors["Jürgen Müller"]["id"] == "p-mueller"


def test_json_export_reveals_names_only_when_asked(ds, tmp_path):
    export(ds, "json", tmp_path / "a.json", reveal=True)

    assert "Amira K." in (tmp_path / "a.json").read_text(encoding="utf-8")


def test_csv_export_is_excel_friendly(ds, tmp_path):
    export(ds, "csv", tmp_path / "csv")

    raw = (tmp_path / "csv" / "alliances.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # BOM: Excel shows umlauts
    assert raw.decode("utf-8-sig").splitlines() == [
        "id;name;municipality;founded;status;topics;office",
        "b-koeln;Bündnis Köln;05315;2016-03-01;aktiv;Kinderschutz|Sport und Freizeit;sb-koeln",
    ]
    assert "ja-koeln;mo-koeln" in (tmp_path / "csv" / "ties.csv").read_text(encoding="utf-8-sig")
    assert "p-mueller" not in (tmp_path / "csv" / "ties.csv").read_text(encoding="utf-8-sig")  # no tie to a minor


def test_csv_export_reimports_to_the_same_json(ds, tmp_path):
    export(ds, "csv", tmp_path / "csv", reveal=True)

    again = reimported(tmp_path, sorted((tmp_path / "csv").glob("*.csv")))

    assert write_json(again) == write_json(ds)


def test_pseudonymized_csv_export_reimports_to_the_pseudonymized_json(ds, tmp_path):
    shown = pseudonymized(ds)
    export(shown, "csv", tmp_path / "csv", reveal=True)  # already pseudonymised: written as it is

    again = reimported(tmp_path, sorted((tmp_path / "csv").glob("*.csv")))

    assert write_json(again) == write_json(shown)


def test_xlsx_export_reimports_to_the_same_json(ds, tmp_path):
    export(ds, "xlsx", tmp_path / "b.xlsx", reveal=True)

    again = reimported(tmp_path, [tmp_path / "b.xlsx"])

    assert write_json(again) == write_json(ds)


def test_xlsx_export_keeps_formula_like_text_as_text(ds, tmp_path):
    ds.actors["p-mueller"] = Actor("p-mueller", '=HYPERLINK("x")')

    export(ds, "xlsx", tmp_path / "b.xlsx")

    sheet = load_workbook(tmp_path / "b.xlsx")["actors"]
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "p-mueller")
    assert (cell.value, cell.data_type) == ('=HYPERLINK("x")', "s")


def test_graphml_reads_back_with_every_node_and_its_attributes(ds, tmp_path):
    export(ds, "graphml", tmp_path / "g.graphml", reveal=True)

    g = nx.read_graphml(tmp_path / "g.graphml")

    assert g.number_of_nodes() == sum(ds.counts()[name] for name in (
        "states", "municipalities", "service_offices", "topics", "institutions", "actors", "alliances", "offers"))
    assert g.nodes["Institution:mo-koeln"] == {
        "label": "Verein Brücke e.V.", "name": "Verein Brücke e.V.", "kind": "Institution",
        "entity_id": "mo-koeln", "type": "migrantenorganisation", "sector": "migrantenorganisation",
        "municipality": "05315001", "state": "NW"}


def test_graphml_edges_carry_relationship_type_and_properties(ds, tmp_path):
    export(ds, "graphml", tmp_path / "g.graphml", reveal=True)

    g = nx.read_graphml(tmp_path / "g.graphml")

    rejoined = g.get_edge_data("Actor:y-1", "Alliance:b-koeln").values()
    spells = sorted((d.get("since"), d.get("until")) for d in rejoined)
    assert spells == [("2017-01-01", "2018-06-30"), ("2019-01-01", None)]
    [sprecher] = g.get_edge_data("Actor:p-mueller", "Alliance:b-koeln").values()
    assert (sprecher["type"], sprecher["role"]) == ("MEMBER_OF", "Sprecher")
    [knows] = g.get_edge_data("Actor:p-mueller", "Actor:y-1").values()
    assert (knows["type"], knows["weight"]) == ("KNOWS", 2.5)
    assert {d["type"] for _, _, d in g.edges(data=True)} >= {
        "MEMBER_OF", "KNOWS", "COOPERATES_WITH", "LOCATED_IN", "WORKS_AT", "LIVES_IN", "WORKS_ON",
        "SUPPORTED_BY", "SERVES", "OFFERED_BY", "FOR"}


def test_gexf_reads_back_with_labels_for_gephi(ds, tmp_path):
    export(ds, "gexf", tmp_path / "g.gexf")

    g = nx.read_gexf(tmp_path / "g.gexf")

    assert g.nodes["Alliance:b-koeln"]["label"] == "Bündnis Köln"
    assert g.nodes["Actor:p-mueller"]["municipality"] == "05315"  # the institution's place
    [cooperation] = g.get_edge_data("Institution:ja-koeln", "Institution:mo-koeln").values()
    assert cooperation["label"] == cooperation["relationship"] == "COOPERATES_WITH"


@pytest.mark.parametrize("fmt", ["graphml", "gexf"])
def test_graph_files_name_refugee_youth_by_pseudonym_unless_revealed(ds, tmp_path, fmt):
    export(ds, fmt, tmp_path / f"hidden.{fmt}")
    export(ds, fmt, tmp_path / f"shown.{fmt}", reveal=True)

    assert "Amira" not in (tmp_path / f"hidden.{fmt}").read_text(encoding="utf-8")
    assert "Amira K." in (tmp_path / f"shown.{fmt}").read_text(encoding="utf-8")


def test_unknown_format_is_bad_input(ds, tmp_path):
    with pytest.raises(InputError):
        export(ds, "pdf", tmp_path / "x.pdf")


def test_csv_export_onto_an_existing_file_is_bad_input(ds, tmp_path):
    (tmp_path / "taken").write_text("x")

    with pytest.raises(InputError):
        export(ds, "csv", tmp_path / "taken")


def test_library_errors_name_the_field_not_a_cli_flag(ds, tmp_path):
    (tmp_path / "taken").write_text("x")
    with pytest.raises(InputError) as unknown:
        export(ds, "pdf", tmp_path / "x.pdf")
    with pytest.raises(InputError) as taken:
        export(ds, "csv", tmp_path / "taken")

    assert [(p.field, "'pdf'" in p.message) for p in unknown.value.problems] == [("format", True)]
    assert [p.field for p in taken.value.problems] == ["out"]
    assert not any("--" in p.message for p in unknown.value.problems + taken.value.problems)


def test_the_cli_names_its_option_for_a_library_problem(tmp_path, capsys):
    from graph.cli import main

    uri = f"sqlite:///{tmp_path / 's.db'}"
    (tmp_path / "taken").write_text("x")
    assert main(["--store", uri, "export", "--format", "csv", "--out", str(tmp_path / "taken")]) == 2
    assert "Fehler: --out: " in capsys.readouterr().err


def test_the_cli_and_the_app_offer_exactly_the_registered_formats(monkeypatch, tmp_path):
    from streamlit.testing.v1 import AppTest

    from graph.cli import cli
    from graph.io.export import EXPORT_FORMATS
    from graph.store import ENV_STORE

    (option,) = [p for p in cli.commands["export"].params if p.name == "fmt"]
    assert list(option.type.choices) == list(EXPORT_FORMATS)

    monkeypatch.setenv(ENV_STORE, f"sqlite:///{tmp_path / 'app.db'}")
    page = Path(__file__).resolve().parent.parent / "ui" / "seiten" / "daten.py"
    at = AppTest.from_file(str(page), default_timeout=120).run()
    assert list(at.selectbox(key="daten_export_format").options) == [f.label for f in EXPORT_FORMATS.values()]
