"""Writes are judged on the item as stored AND as it would be after the write (issue 14, item 2).

Each test attacks one way a user could move data into (or out of) their scope
through an ordinary import, and checks that the store is unchanged afterwards by
comparing the admin's full JSON export, the dismissals and the audit log.
"""

from __future__ import annotations

import json
import shutil

import pytest

from graph import api
from graph.access import AccessDenied, User
from graph.cli import main
from graph.store import open_store
from graph.validate import RawRecord

LEIPZIG = User("k.leipzig", "coordinator", kreis="14713")
KOELN = User("k.koeln", "coordinator", kreis="05315")
OFFICE_KOELN = User("sb.k", "office", office="sb-koeln")
OFFICE_MAGDEBURG = User("sb.m", "office", office="sb-magdeburg")


@pytest.fixture
def store(demo_db, tmp_path):
    path = tmp_path / "s.db"
    shutil.copy(demo_db, path)
    s = open_store(f"sqlite:///{path}")
    yield s
    s.close()


def state_of(store, tmp_path) -> tuple:
    """Everything a write could change: the full export (with names), dismissals, audit log."""
    from graph.io.exchange import write_json

    return (write_json(store.read()), sorted(store.dismissals()),
            [e.as_dict() for e in store.audit_log()])


def records(doc: dict, file: str = "angriff.json") -> list[RawRecord]:
    return [RawRecord(name, file, f"{name}[{i}]", row) for name, rows in doc.items() for i, row in enumerate(rows)]


def refused(store, tmp_path, user: User, doc: dict) -> list:
    """Import `doc` as `user`; assert it is refused and nothing changed; return the problems."""
    before = state_of(store, tmp_path)
    with pytest.raises(AccessDenied) as caught:
        api.import_records(store, records(doc), user=user)
    assert state_of(store, tmp_path) == before
    return caught.value.problems


def test_coordinator_cannot_take_over_a_minor_of_another_kreis_by_pseudonym(store, tmp_path):
    """The critical case: name = pseudonym kept the real name, then --reveal showed it."""
    doc = {"actors": [{"id": "demo-p008", "name": "x", "pseudonym": "x", "is_refugee_youth": True,
                       "municipality": "14713"}]}
    problems = refused(store, tmp_path, LEIPZIG, doc)
    assert [(p.file, p.line) for p in problems] == [("angriff.json", "actors[0]")]
    assert "Amir" not in str(problems)


def test_the_critical_case_through_the_cli(store, tmp_path, monkeypatch, capsys):
    from graph.accounts import set_account

    accounts = tmp_path / "accounts.json"
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(accounts))
    set_account("chef", "geheim-und-lang", "admin", path=accounts)
    set_account("k.leipzig", "geheim-und-lang", "coordinator", kreis="14713", path=accounts)
    attack = tmp_path / "x.json"
    attack.write_text(json.dumps({"format": "buendnisnetz/1", "actors": [
        {"id": "demo-p008", "name": "x", "pseudonym": "x", "is_refugee_youth": True, "municipality": "14713"}]}))
    before = state_of(store, tmp_path)
    uri = store.uri
    assert main(["--store", uri, "--user", "k.leipzig", "import", str(attack)]) == 2
    err = capsys.readouterr().err
    assert f"{attack}:actors[0]" in err and "nichts geschrieben" in err
    out = tmp_path / "leak.json"
    main(["--store", uri, "--user", "k.leipzig", "export", "--format", "json", "--out", str(out)])
    assert "Amir M." not in (out.read_text(encoding="utf-8") if out.exists() else "")
    assert state_of(store, tmp_path) == before


def test_coordinator_cannot_move_another_kreis_alliance_into_their_own(store, tmp_path):
    other = next(a for a in store.read().alliances.values() if a.municipality == "05315")
    problems = refused(store, tmp_path, LEIPZIG,
                       {"alliances": [{"id": other.id, "name": other.name, "municipality": "14713"}]})
    assert problems[0].line == "alliances[0]"


def test_coordinator_cannot_rename_and_move_staff_of_another_kreis(store, tmp_path):
    ds = store.read()
    staff = next(a for a in ds.actors.values()
                 if not a.is_refugee_youth and not a.institution and a.municipality == "05315")
    refused(store, tmp_path, LEIPZIG,
            {"actors": [{"id": staff.id, "name": "Umbenannt", "municipality": "14713"}]})


def test_coordinator_cannot_tie_own_person_to_a_minor_of_another_kreis(store, tmp_path):
    problems = refused(store, tmp_path, LEIPZIG, {"ties": [{"source": "demo-p341", "target": "demo-p008"}]})
    assert problems[0].line == "ties[0]"


def test_coordinator_cannot_dismiss_a_suggestion_of_another_kreis(store, tmp_path):
    before = state_of(store, tmp_path)
    with pytest.raises(AccessDenied):
        api.dismiss(store, "membership", "demo-p341", "demo-b19", user=KOELN)
    assert state_of(store, tmp_path) == before
    api.dismiss(store, "membership", "demo-p341", "demo-b19", user=LEIPZIG)  # their own: allowed
    assert ("membership", "demo-p341", "demo-b19") in store.dismissals()


def test_office_cannot_move_an_alliance_of_another_region_into_its_own(store, tmp_path):
    b19 = store.read().alliances["demo-b19"]
    refused(store, tmp_path, OFFICE_KOELN,
            {"alliances": [{"id": "demo-b19", "name": b19.name, "municipality": "05315"}]})


def test_office_cannot_book_an_offer_under_another_office(store, tmp_path):
    nw = next(a for a in store.read().alliances.values() if a.municipality.startswith("05"))
    problems = refused(store, tmp_path, OFFICE_KOELN, {"offers": [
        {"id": "fremd-1", "type": "hospitation", "title": "X", "date": "2030-01-01", "office": "sb-magdeburg",
         "alliance": nw.id}]})
    assert problems[0].field == "office"


def test_office_cannot_move_an_offer_of_another_region(store, tmp_path):
    ds = store.read()
    offer = next(o for o in ds.offers.values() if o.alliance and ds.alliances[o.alliance].municipality[:2] == "14")
    nw = next(a for a in ds.alliances.values() if a.municipality.startswith("05"))
    refused(store, tmp_path, OFFICE_KOELN, {"offers": [
        {"id": offer.id, "type": offer.type, "title": offer.title, "date": offer.date.isoformat(),
         "office": "sb-koeln", "alliance": nw.id}]})


def test_coordinator_cannot_rename_a_reference_topic(store, tmp_path):
    problems = refused(store, tmp_path, LEIPZIG, {"topics": [{"id": "unterbringung", "name": "Gekapert"}]})
    assert problems[0].field == "name"


def test_only_admins_add_places(store, tmp_path):
    refused(store, tmp_path, OFFICE_MAGDEBURG,
            {"municipalities": [{"id": "14713999", "name": "Neuort", "level": "gemeinde", "state": "SN"}]})


def test_every_refused_item_is_reported_with_its_line(store, tmp_path):
    other = next(a for a in store.read().alliances.values() if a.municipality == "05315")
    problems = refused(store, tmp_path, LEIPZIG, {
        "alliances": [{"id": other.id, "name": other.name, "municipality": "14713"}],
        "topics": [{"id": "unterbringung", "name": "Gekapert"}],
        "ties": [{"source": "demo-p341", "target": "demo-p008"}]})
    assert sorted(p.line for p in problems) == ["alliances[0]", "ties[0]", "topics[0]"]


# -- what stays allowed ----------------------------------------------------------------------------

def test_coordinator_may_still_change_their_own_alliance_and_propose_a_topic(store):
    b19 = store.read().alliances["demo-b19"]
    api.import_records(store, records({"alliances": [
        {"id": "demo-b19", "name": b19.name + " neu", "municipality": "14713", "topics": ["Ganz neues Thema"]}]}),
        user=LEIPZIG)
    ds = store.read()
    assert ds.alliances["demo-b19"].name.endswith(" neu")
    assert "ganz-neues-thema" in ds.topics


def test_coordinator_may_reimport_their_own_export_unchanged(store, tmp_path):
    """Items identical to the stored ones are no write, even where they lie outside the Kreis
    (the members of the coordinator's alliances). Young refugees leave an export under ids valid
    for that export only, so they are left out here."""
    out = tmp_path / "own.json"
    api.export(store, "json", out, user=LEIPZIG)
    doc = json.loads(out.read_text(encoding="utf-8"))
    youth = {a["id"] for a in doc["actors"] if a.get("is_refugee_youth")}
    doc["actors"] = [a for a in doc["actors"] if a["id"] not in youth]
    doc["memberships"] = [m for m in doc["memberships"] if m["member"] not in youth]
    doc["ties"] = [t for t in doc.get("ties", []) if not {t["source"], t["target"]} & youth]
    out.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    result = api.import_paths(store, [out], user=LEIPZIG)
    assert result.summary()["new"] == 0 and result.summary()["changed"] == 0
    assert result.summary()["unchanged"] > 50


def test_office_may_book_an_offer_under_its_own_office(store):
    nw = next(a for a in store.read().alliances.values() if a.municipality.startswith("05"))
    api.import_records(store, records({"offers": [
        {"id": "eigen-1", "type": "hospitation", "title": "X", "date": "2030-01-01", "office": "sb-koeln",
         "alliance": nw.id}]}), user=OFFICE_KOELN)
    assert "eigen-1" in store.read().offers


def test_coordinator_cannot_move_their_own_alliance_out_of_their_kreis(store, tmp_path):
    b19 = store.read().alliances["demo-b19"]
    refused(store, tmp_path, LEIPZIG, {"alliances": [{"id": "demo-b19", "name": b19.name, "municipality": "05315"}]})
