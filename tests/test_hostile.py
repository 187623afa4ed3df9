"""Hostile and odd input (issue 15 items 7 and 8): exit 2, a short message naming the place,
nothing written; CSV output guarded and exact in the round trip; XML stays well-formed.
"""

from __future__ import annotations

import csv
import json
import xml.dom.minidom

import pytest

from graph import api
from graph.cli import main
from graph.store import open_store


@pytest.fixture
def uri(tmp_path):
    uri = f"sqlite:///{tmp_path / 'h.db'}"
    assert main(["--store", uri, "init"]) == 0
    return uri


def revision(uri):
    with open_store(uri) as s:
        return s.revision()


def refused(uri, path, capsys, *needles) -> str:
    before = revision(uri)
    assert main(["--store", uri, "import", str(path)]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err and len(err) < 2000
    for needle in needles:
        assert needle in err
    assert revision(uri) == before
    return err


# -- item 8 -------------------------------------------------------------------

def test_a_utf8_csv_with_one_cp1252_byte_is_refused_naming_the_line(uri, tmp_path, capsys):
    path = tmp_path / "institutions.csv"
    path.write_bytes("id;name;type;sector;municipality\n"
                     "ja;Jugendamt Köln;jugendamt;verwaltung;05315\n".encode()
                     + "mo;Verein Brücke;migrantenorganisation;migrantenorganisation;05315\n".encode("cp1252"))
    refused(uri, path, capsys, "institutions.csv:3")


def test_a_consistent_cp1252_csv_is_still_read(uri, tmp_path):
    path = tmp_path / "institutions.csv"
    path.write_bytes("id;name;type;sector;municipality\nja;Jugendamt Köln;jugendamt;verwaltung;05315\n"
                     .encode("cp1252"))
    assert main(["--store", uri, "import", str(path)]) == 0
    with open_store(uri) as s:
        assert s.read().institutions["ja"].name == "Jugendamt Köln"


def test_json_nested_deeper_than_5000_is_refused(uri, tmp_path, capsys):
    path = tmp_path / "tief.json"
    path.write_text('{"format": "buendnisnetz/1", "actors": ' + "[" * 6000 + "]" * 6000 + "}")
    refused(uri, path, capsys, "tief.json")


def test_a_5000_digit_integer_is_refused(uri, tmp_path, capsys):
    path = tmp_path / "zahl.json"
    path.write_text('{"format": "buendnisnetz/1", "offers": [{"id": "o", "type": "dialog", "title": "t", '
                    '"date": "2024-01-01", "people_reached": ' + "9" * 5000 + "}]}")
    refused(uri, path, capsys, "zahl.json")


def test_a_lone_surrogate_is_refused(uri, tmp_path, capsys):
    path = tmp_path / "s.json"
    path.write_text('{"format": "buendnisnetz/1", "actors": [{"id": "p", "name": "A\\ud800B", '
                    '"municipality": "05315"}]}')
    refused(uri, path, capsys, "actors[0]", "name")


@pytest.mark.parametrize("value", ["2024-02-03Tgarbage", "2024-02-03 x", "2024-02-03T25:00", "٠٣.٠٢.٢٠٢٤"])
def test_dates_with_trailing_text_or_foreign_digits_are_refused(uri, tmp_path, capsys, value):
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"format": "buendnisnetz/1", "alliances": [
        {"id": "b", "name": "B", "municipality": "05315", "founded": value}]}))
    refused(uri, path, capsys, "founded")


def test_a_full_iso_timestamp_is_still_a_date(uri, tmp_path):
    path = tmp_path / "d.json"
    path.write_text(json.dumps({"format": "buendnisnetz/1", "alliances": [
        {"id": "b", "name": "B", "municipality": "05315", "founded": "2024-02-03T10:15:00"}]}))
    assert main(["--store", uri, "import", str(path)]) == 0


def test_an_ags_with_non_ascii_digits_is_refused(uri, tmp_path, capsys):
    path = tmp_path / "m.json"
    path.write_text(json.dumps({"format": "buendnisnetz/1", "municipalities": [
        {"id": "05٣١٥001", "name": "X", "level": "gemeinde", "state": "NW"}]}, ensure_ascii=False))
    refused(uri, path, capsys, "municipalities[0]")


@pytest.mark.parametrize("field", ["is_refugee_youth", "name", "id", "municipality", "role"])
def test_echoed_values_are_cut(uri, tmp_path, capsys, field):
    path = tmp_path / "gross.json"
    actor = {"id": "p", "name": "A", "municipality": "05315", field: "x" * 1_000_000}
    path.write_text(json.dumps({"format": "buendnisnetz/1", "actors": [actor]}))
    refused(uri, path, capsys, field)


def test_topic_ids_from_names_never_collide_or_rename_reference_topics(uri, tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"format": "buendnisnetz/1", "alliances": [
        {"id": "b1", "name": "B1", "municipality": "05315", "topics": ["!!!", "???"]},
        {"id": "b2", "name": "B2", "municipality": "05315", "topics": ["Unterbringung!"]}]}))
    with open_store(uri) as s:
        reference = dict(s.read().topics)
    assert main(["--store", uri, "import", str(path)]) == 0
    assert main(["--store", uri, "import", str(path)]) == 0  # again: nothing new
    with open_store(uri) as s:
        ds = s.read()
    for ident, topic in reference.items():
        assert ds.topics[ident] == topic
    names = {t.name for t in ds.topics.values()}
    assert {"!!!", "???", "Unterbringung!"} <= names
    assert len(ds.topics) == len(reference) + 3
    assert len(ds.alliances["b1"].topics) == 2


# -- item 7 -------------------------------------------------------------------

def test_health_csv_guards_formula_cells(uri, tmp_path, capsys):
    path = tmp_path / "b.json"
    path.write_text(json.dumps({"format": "buendnisnetz/1", "alliances": [
        {"id": "b", "name": '=HYPERLINK("http://x","klick")', "municipality": "05315"}]}))
    assert main(["--store", uri, "import", str(path)]) == 0
    capsys.readouterr()
    assert main(["--store", uri, "health", "--format", "csv"]) == 0
    rows = list(csv.reader(capsys.readouterr().out.splitlines(), delimiter=";"))
    assert [r[1] for r in rows[1:]] == ["'=HYPERLINK(\"http://x\",\"klick\")"]


def test_csv_round_trip_is_exact_for_apostrophes_and_bars(uri, tmp_path):
    tricky = ["'=1+1", "'hallo", "''", "=SUMME(A1)", "-5", "a|b", "x\\|y", "back\\slash"]
    doc = {"format": "buendnisnetz/1",
           "institutions": [{"id": f"i{n}", "name": name, "type": "sonstige", "sector": "zivilgesellschaft",
                             "municipality": "05315"} for n, name in enumerate(tricky)],
           "alliances": [{"id": "b", "name": "B", "municipality": "05315", "topics": ["Wohnen | Arbeit", "a\\b"]}]}
    with open_store(uri) as s:
        api.import_document(s, doc, "x")
        api.export(s, "csv", tmp_path / "csv", reveal=True)
        first = s.read()
    other = f"sqlite:///{tmp_path / 'o.db'}"
    assert main(["--store", other, "init"]) == 0
    assert main(["--store", other, "import", str(tmp_path / "csv")]) == 0
    with open_store(other) as s:
        again = s.read()
    assert {i: first.institutions[i].name for i in first.institutions} == {
        i: again.institutions[i].name for i in again.institutions}
    assert sorted(again.topics[t].name for t in again.alliances["b"].topics) == ["Wohnen | Arbeit", "a\\b"]


@pytest.mark.parametrize("char", ["\ufffe", "\uffff", "\ufdd0"])
def test_xml_illegal_characters_are_refused_at_import(uri, tmp_path, capsys, char):
    path = tmp_path / "institutions.csv"
    path.write_text(f"id;name;type;sector;municipality\nja;Jugend{char}amt;jugendamt;verwaltung;05315\n",
                    encoding="utf-8")
    refused(uri, path, capsys, "institutions.csv:2", "name")


def test_graph_files_stay_well_formed_with_every_name_the_import_accepts(uri, tmp_path):
    names = ["<b>&amp;</b>", "Tab\there", "Zeile\u2028Trenner", "Emoji 🚀", "\u00a0nbsp"]
    path = tmp_path / "n.json"
    path.write_text(json.dumps({"format": "buendnisnetz/1", "institutions": [
        {"id": f"i{n}", "name": name, "type": "sonstige", "sector": "zivilgesellschaft", "municipality": "05315"}
        for n, name in enumerate(names)]}))
    main(["--store", uri, "import", str(path)])
    for fmt in ("graphml", "gexf"):
        assert main(["--store", uri, "export", "--format", fmt, "--out", str(tmp_path / f"g.{fmt}")]) == 0
        xml.dom.minidom.parse(str(tmp_path / f"g.{fmt}"))
