"""Roles see and change only what they may: enforced in the library, so also in CLI and exports."""

import json
from datetime import date

import pytest

from graph import api
from graph.access import AccessDenied, User, check_write, scope
from graph.accounts import authenticate, resolve, set_account
from graph.cli import main
from graph.model import Actor, Alliance, Dataset, Institution, Membership, Municipality, ServiceOffice
from graph.store import open_store
from graph.validate import RawRecord

KOELN_OFFICE = User("ko", "office", office="sb-koeln")
AACHEN_COORD = User("ac", "coordinator", kreis="05334")
VIEWER = User("v", "viewer")


@pytest.fixture
def ds():
    d = Dataset()
    d.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    d.add(Municipality("05334", "Städteregion Aachen", "kreis", "NW"))
    d.add(Municipality("05315", "Köln", "kreisfreie_stadt", "NW"))
    d.add(Municipality("14612", "Dresden", "kreisfreie_stadt", "SN"))
    d.add(Institution("ja-ac", "Jugendamt Aachen", "jugendamt", "verwaltung", "05334"))
    d.add(Institution("ja-dd", "Jugendamt Dresden", "jugendamt", "verwaltung", "14612"))
    d.add(Actor("y1", "Amira K.", "Jugendliche", None, "05334", True, "Jugendliche*r A1"))
    d.add(Alliance("b-ac", "Bündnis Aachen", "05334"))
    d.add(Alliance("b-k", "Bündnis Köln", "05315"))
    d.add(Alliance("b-dd", "Bündnis Dresden", "14612"))
    d.add(Membership("y1", "b-ac", date(2023, 1, 1)))
    d.add(Membership("ja-ac", "b-ac", date(2023, 1, 1)))
    return d


def test_office_staff_see_only_the_states_of_their_office(ds):
    seen = scope(ds, KOELN_OFFICE)
    assert set(seen.alliances) == {"b-ac", "b-k"}
    assert "ja-dd" not in seen.institutions


def test_coordinator_sees_only_their_kreis(ds):
    assert set(scope(ds, AACHEN_COORD).alliances) == {"b-ac"}


def test_refugee_youth_is_pseudonymised_for_office_staff(ds):
    assert scope(ds, KOELN_OFFICE).actors["y1"].name == "Jugendliche*r A1"


def test_coordinator_of_the_kreis_sees_the_young_persons_name(ds):
    assert scope(ds, AACHEN_COORD).actors["y1"].name == "Amira K."


def test_viewer_sees_all_alliances_but_no_names_of_minors(ds):
    seen = scope(ds, VIEWER)
    assert set(seen.alliances) == {"b-ac", "b-k", "b-dd"}
    assert seen.actors["y1"].name == "Jugendliche*r A1"


def test_viewer_may_not_write(ds):
    new = Dataset()
    new.add(Alliance("b-new", "Neu", "05334"))
    assert check_write(VIEWER, ds, new)


def test_coordinator_may_not_write_outside_their_kreis(ds):
    new = Dataset()
    new.add(Membership("ja-dd", "b-dd", date(2024, 1, 1)))
    problems = check_write(AACHEN_COORD, ds, new)
    assert [p.field for p in problems] == ["alliance"]


def test_coordinator_may_add_a_member_to_their_alliance(ds):
    new = Dataset()
    new.add(Membership("ja-ac", "b-ac", date(2024, 1, 1)))
    assert check_write(AACHEN_COORD, ds, new) == []


def test_only_admins_change_reference_data(ds):
    new = Dataset()
    new.add(Municipality("05334002", "Alsdorf", "gemeinde", "NW"))
    assert check_write(KOELN_OFFICE, ds, new)


@pytest.fixture
def store(tmp_path):
    s = open_store(str(tmp_path / "a.db"))
    api.init_store(s)
    api.import_document(s, {
        "alliances": [{"id": "b-ac", "name": "Bündnis Aachen", "municipality": "05334"},
                      {"id": "b-dd", "name": "Bündnis Dresden", "municipality": "14612"}],
        "actors": [{"id": "y1", "name": "Amira K.", "municipality": "05334", "is_refugee_youth": True}],
        "memberships": [{"member": "y1", "alliance": "b-ac"}],
    }, "setup")
    yield s
    s.close()


def test_a_denied_import_writes_nothing(store):
    before = store.revision()
    records = [RawRecord("alliances", "neu.json", "alliances[0]", {"id": "b-x", "name": "X", "municipality": "14612"})]
    with pytest.raises(AccessDenied):
        api.import_records(store, records, user=AACHEN_COORD)
    assert store.revision() == before


def test_export_by_office_staff_has_no_name_of_a_minor(store, tmp_path):
    out = tmp_path / "x.json"
    api.export(store, "json", out, user=KOELN_OFFICE)
    text = out.read_text(encoding="utf-8")
    assert "Amira" not in text and "b-dd" not in text
    with pytest.raises(AccessDenied):
        api.export(store, "json", out, user=KOELN_OFFICE, reveal=True)


def test_accounts_store_only_a_salted_hash(tmp_path):
    path = tmp_path / "accounts.json"
    set_account("k.schmidt", "geheim-und-lang", "coordinator", kreis="05334", path=path)
    set_account("l.meier", "geheim-und-lang", "coordinator", kreis="05334", path=path)
    data = json.loads(path.read_text())["users"]
    assert "geheim" not in path.read_text()
    assert data["k.schmidt"]["hash"] != data["l.meier"]["hash"]  # salted
    assert authenticate("k.schmidt", "geheim-und-lang", path) == User("k.schmidt", "coordinator", None, "05334")
    assert authenticate("k.schmidt", "falsch-falsch", path) is None


def test_cli_acts_as_the_named_account(tmp_path, monkeypatch, capsys):
    path = tmp_path / "accounts.json"
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(path))
    set_account("ac", "geheim-und-lang", "coordinator", kreis="05334", path=path)
    uri = f"sqlite:///{tmp_path / 'c.db'}"
    assert main(["--store", uri, "init"]) == 2  # no account named admin once accounts exist
    set_account("chef", "geheim-und-lang", "admin", path=path)
    assert main(["--store", uri, "--user", "chef", "init"]) == 0
    bad = tmp_path / "b.json"
    bad.write_text(json.dumps({"alliances": [{"id": "b-dd", "name": "D", "municipality": "14612"}]}))
    capsys.readouterr()
    assert main(["--store", uri, "--user", "ac", "import", str(bad)]) == 2
    assert "Keine Berechtigung für ac" in capsys.readouterr().err
    assert resolve("ac", path).kreis == "05334"
