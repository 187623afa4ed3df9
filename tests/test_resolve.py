"""Imports may name alliances, institutions, people and places instead of giving their ids (graph/io/resolve.py)."""

from __future__ import annotations

import pytest

from graph import api
from graph.access import User
from graph.errors import InputError
from graph.store import open_store

ALLIANCES = ("id;name;municipality\n"
             "b-koeln;Willkommensbündnis;05315\n"
             "b-dueren;Willkommensbündnis;05358\n"
             "b-bonn;Bündnis Bonn;05314\n")
INSTITUTIONS = ("id;name;type;sector;municipality\n"
                "i-ja-koeln;Jugendamt;jugendamt;verwaltung;05315\n"
                "i-ja-dueren;Jugendamt;jugendamt;verwaltung;05358\n"
                "i-verein;Lernpaten e.V.;initiative;zivilgesellschaft;05314\n")


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "x.db"))
    api.init_store(s)
    (tmp_path / "alliances.csv").write_text(ALLIANCES, encoding="utf-8")
    (tmp_path / "institutions.csv").write_text(INSTITUTIONS, encoding="utf-8")
    api.import_paths(s, [tmp_path / "alliances.csv", tmp_path / "institutions.csv"])
    yield s
    s.close()


def members(store) -> set[tuple[str, str]]:
    return {(m.member, m.alliance) for m in store.read().memberships.values()}


def test_memberships_may_name_member_and_alliance(store, tmp_path):
    path = tmp_path / "Mitgliedschaften.csv"
    path.write_text("Mitglied;Bündnis;seit\nLernpaten e.V.;bündnis  bonn;01.02.2025\n", encoding="utf-8")
    api.import_paths(store, [path])
    assert members(store) == {("i-verein", "b-bonn")}


def test_a_repeated_name_is_narrowed_by_the_kreis_in_brackets(store, tmp_path):
    path = tmp_path / "Mitgliedschaften.csv"
    path.write_text("Mitglied;Bündnis\nJugendamt (Düren);Willkommensbündnis (05358)\n"
                    "Jugendamt (Köln);Willkommensbündnis (Köln)\n", encoding="utf-8")
    api.import_paths(store, [path])
    assert members(store) == {("i-ja-dueren", "b-dueren"), ("i-ja-koeln", "b-koeln")}


def test_an_ambiguous_name_is_a_problem_of_its_line_listing_the_candidates(store, tmp_path):
    path = tmp_path / "Mitgliedschaften.csv"
    path.write_text("Mitglied;Bündnis\nLernpaten e.V.;Willkommensbündnis\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        api.import_paths(store, [path])
    [problem] = info.value.problems
    assert (problem.file, problem.line, problem.field) == (str(path), "2", "alliance")
    assert problem.message.startswith("„Willkommensbündnis“ ist mehrdeutig: ")
    assert "b-koeln" in problem.message and "b-dueren" in problem.message
    assert members(store) == set()


def test_only_what_the_user_may_see_counts(store, tmp_path):
    """A Düren coordinator's „Willkommensbündnis“ is the one in Düren: Köln's is not theirs to see."""
    path = tmp_path / "Mitgliedschaften.csv"
    path.write_text("Mitglied;Bündnis\nJugendamt;Willkommensbündnis\n", encoding="utf-8")
    api.import_paths(store, [path], user=User("k.dueren", "coordinator", kreis="05358"))
    assert members(store) == {("i-ja-dueren", "b-dueren")}


def test_new_people_may_be_referenced_by_name_in_the_same_import_and_places_by_name(store, tmp_path):
    people = tmp_path / "Personen.csv"
    people.write_text("Kennung;Name;Einrichtung;Wohnort\np-neu;Erika Muster;Lernpaten e.V.;Bonn, Stadt\n",
                      encoding="utf-8")
    links = tmp_path / "Mitgliedschaften.csv"
    links.write_text("Mitglied;Bündnis\nErika Muster;Bündnis Bonn\n", encoding="utf-8")
    api.import_paths(store, [people, links])
    ds = store.read()
    assert ds.actors["p-neu"].institution == "i-verein" and ds.actors["p-neu"].municipality == "05314"
    assert ("p-neu", "b-bonn") in members(store)


def test_an_unknown_name_stays_an_unknown_reference(store, tmp_path):
    path = tmp_path / "Mitgliedschaften.csv"
    path.write_text("Mitglied;Bündnis\nLernpaten e.V.;Gibt es nicht\n", encoding="utf-8")
    with pytest.raises(InputError) as info:
        api.import_paths(store, [path])
    assert [p.field for p in info.value.problems] == ["alliance"]
