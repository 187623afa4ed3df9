"""The shared rules of graph/rules.py, and that every view asks them instead of keeping a copy."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from graph import api
from graph.cli import main
from graph.model import Alliance, Dataset, Municipality, ServiceOffice
from graph.netmap import MapFilter, build_network
from graph.rules import office_of_alliance
from graph.store import ENV_STORE, open_store

AS_OF = date(2026, 1, 15)
BUERO_PAGE = str(Path(__file__).resolve().parent.parent / "ui" / "seiten" / "buero.py")

# An alliance in NW whose own office is Magdeburg's: its office and its Land's office differ.
OFFICE_DOC = {
    "format": "buendnisnetz/1",
    "service_offices": [{"id": "sb-koeln", "name": "Servicebüro Köln", "city": "Köln", "states": ["NW"]},
                        {"id": "sb-magdeburg", "name": "Servicebüro Magdeburg", "city": "Magdeburg",
                         "states": ["ST", "SN", "TH"]}],
    "municipalities": [{"id": "05334", "name": "Städteregion Aachen", "level": "kreis", "state": "NW"},
                       {"id": "05314", "name": "Bonn", "level": "kreisfreie_stadt", "state": "NW"},
                       {"id": "15003", "name": "Magdeburg", "level": "kreisfreie_stadt", "state": "ST"}],
    "alliances": [{"id": "b-aachen", "name": "Bündnis Aachen", "municipality": "05334", "office": "sb-magdeburg"},
                  {"id": "b-bonn", "name": "Bündnis Bonn", "municipality": "05314"},
                  {"id": "b-magdeburg", "name": "Bündnis Magdeburg", "municipality": "15003"}],
}
EXPECTED = {"sb-koeln": {"b-bonn"}, "sb-magdeburg": {"b-aachen", "b-magdeburg"}}


@pytest.fixture
def office_store(tmp_path) -> str:
    uri = f"sqlite:///{tmp_path / 'office.db'}"
    with open_store(uri) as store:
        api.import_document(store, OFFICE_DOC, "office.json")
    return uri


def _json(capsys) -> object:
    return json.loads(capsys.readouterr().out)


@pytest.mark.parametrize("office", sorted(EXPECTED))
def test_every_view_assigns_an_alliance_to_the_same_servicebuero(office_store, office, capsys, tmp_path,
                                                                monkeypatch):
    ds = api.snapshot(open_store(office_store))
    assert {a for a in ds.alliances if office_of_alliance(ds, a) == office} == EXPECTED[office]

    # health --office
    assert main(["--store", office_store, "health", "--office", office, "--as-of", AS_OF.isoformat(),
                 "--format", "json"]) == 0
    assert {r["alliance"] for r in _json(capsys)} == EXPECTED[office]

    # the map of the office's region
    graph = build_network(ds, AS_OF, MapFilter(office=office))
    assert {n.id for n in graph.nodes if n.kind == "alliance"} == EXPECTED[office]

    # the office command
    assert main(["--store", office_store, "office", "--office", office, "--as-of", AS_OF.isoformat(),
                 "--format", "json"]) == 0
    view = _json(capsys)
    assert {line["alliance"] for lines in view["alliances"].values() for line in lines} == EXPECTED[office]

    # health --by office counts them the same way
    assert main(["--store", office_store, "health", "--by", "office", "--as-of", AS_OF.isoformat(),
                 "--format", "json"]) == 0
    assert {r["id"]: r["alliances"] for r in _json(capsys)}[office] == len(EXPECTED[office])

    # the Servicebüro page
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(ENV_STORE, office_store)
    at = AppTest.from_file(BUERO_PAGE, default_timeout=120)
    at.session_state["as_of"] = AS_OF
    at.session_state["buero_office"] = office
    at.run()
    assert not at.exception
    names = {name for frame in at.dataframe if "Bündnis" in frame.value.columns for name in frame.value["Bündnis"]}
    assert names == {ds.alliances[a].name for a in EXPECTED[office]}


def test_the_app_tables_name_the_same_servicebuero(office_store):
    from ui.common import office_of, report_rows

    ds = api.snapshot(open_store(office_store))
    from graph.health import check_alliances

    rows = {row["id"]: row["Servicebüro"] for row in report_rows(ds, check_alliances(ds, AS_OF))}
    for office, alliances in EXPECTED.items():
        for alliance in alliances:
            assert office_of(ds, alliance) == office
            assert rows[alliance] == ds.service_offices[office].name


def test_an_office_not_in_the_data_falls_back_to_the_land():
    ds = Dataset()
    ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    ds.add(Municipality("05334", "Städteregion Aachen", "kreis", "NW"))
    ds.add(Alliance("b1", "Bündnis Aachen", "05334", office="sb-gibt-es-nicht"))
    assert office_of_alliance(ds, "b1") == "sb-koeln"


def test_two_offices_serving_one_land_give_the_first_by_id():
    ds = Dataset()
    ds.add(ServiceOffice("sb-z", "Z", "Z", ("NW",)))
    ds.add(ServiceOffice("sb-a", "A", "A", ("NW",)))
    ds.add(Alliance("b1", "Bündnis Aachen", "05334"))
    assert office_of_alliance(ds, "b1") == "sb-a"


def test_the_partner_minimum_is_read_from_one_place():
    """Set graph.rules.MIN_PARTNERS before anything else is imported: every consumer follows."""
    import subprocess
    import sys

    code = """
import graph.rules as rules
rules.MIN_PARTNERS = 4
from click.testing import CliRunner
from graph.health import HealthConfig
from graph.offers import HOST_MIN_PARTNERS
from graph.suggest import SuggestionContext
from graph.model import Dataset
from graph.cli import cli
import datetime, json
print(json.dumps([HealthConfig().min_partners, HOST_MIN_PARTNERS,
                  SuggestionContext(Dataset(), datetime.date(2026, 1, 1)).min_partners,
                  "mindestens vier lokale Partner" in CliRunner().invoke(cli, ["health", "--help"]).output]))
"""
    run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parent.parent)
    assert run.returncode == 0, run.stderr
    assert json.loads(run.stdout) == [4, 6, 4, True]


def test_voices_and_administrations_of_many_members_follow_the_single_rules():
    from graph.model import Actor, Dataset, Institution
    from graph.rules import gives_youth_voice, is_administration, voices_and_administrations

    ds = Dataset()
    ds.add(Institution("mo", "Verein", "migrantenorganisation", "zivilgesellschaft"))
    ds.add(Institution("mo2", "Netzwerk", "initiative", "migrantenorganisation"))
    ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung"))
    ds.add(Institution("schule", "Schule", "schule", "bildung"))
    for i, institution in enumerate(["mo", "mo2", "ja", "schule", None, "fehlt", "ja"]):
        ds.add(Actor(f"p{i}", f"P{i}", institution=institution, is_refugee_youth=i in (3, 6)))
    members = [*ds.institutions, *ds.actors, "unbekannt"]
    voices, administrations = voices_and_administrations(ds, members)
    assert voices == [gives_youth_voice(ds, m) for m in members]
    assert administrations == [is_administration(ds, m) for m in members]
    assert any(voices) and not all(voices) and any(administrations) and not all(administrations)
