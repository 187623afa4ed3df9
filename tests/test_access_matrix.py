"""Every write path × every role × inside and outside its scope (issue 14, "Done when").

A refused write must leave everything as it was: the full graph (compared as the
complete exchange document with real names, not as counts), the dismissals, the
audit log and the accounts file. An allowed write must change something, so the
table also shows that each path really writes (a refusal is not trivially true).
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest

from graph import api
from graph.access import AccessDenied, User
from graph.accounts import set_account
from graph.io.exchange import write_json
from graph.offers import plan_offer_records
from graph.store import open_store
from graph.suggest import Suggestion, suggestion_to_records
from graph.validate import RawRecord

PASSWORD = "ein-langes-passwort"
ROLES = {
    "admin": User("chef", "admin"),
    "office": User("sb.k", "office", office="sb-koeln"),
    "coordinator": User("k.koeln", "coordinator", kreis="05315"),
    "viewer": User("leser", "viewer"),
}
#: Köln (NW, Kreis 05315) is inside the office's and the coordinator's scope; Leipzig (SN, 14713) outside.
PLACES = {
    "inside": {"alliance": "demo-b01", "institution": "demo-i005", "kreis": "05315", "person": "demo-p005",
               "office": "sb-koeln"},
    "outside": {"alliance": "demo-b19", "institution": "demo-i090", "kreis": "14713", "person": "demo-p341",
                "office": "sb-magdeburg"},
}
DAY = date(2030, 6, 1)


def membership(place: dict) -> dict:
    return {"member": place["institution"], "alliance": place["alliance"], "since": DAY.isoformat()}


def import_json(store, user, place, tmp):
    path = tmp / "neu.json"
    path.write_text(json.dumps({"format": "buendnisnetz/1", "memberships": [membership(place)]}), encoding="utf-8")
    api.import_paths(store, [path], user=user)


def import_csv(store, user, place, tmp):
    path = tmp / "mitgliedschaften.csv"
    row = membership(place)
    path.write_text("member;alliance;since\n" + ";".join(row.values()) + "\n", encoding="utf-8")
    api.import_paths(store, [path], user=user)


def import_xlsx(store, user, place, tmp):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.title = "memberships"
    row = membership(place)
    sheet.append(list(row))
    sheet.append(list(row.values()))
    path = tmp / "mappe.xlsx"
    book.save(path)
    api.import_paths(store, [path], user=user)


def form_person(store, user, place, tmp):  # Daten → Erfassen → Person, as the page builds it
    data = {"id": "p-neu-formular", "name": "Neu Formular", "role": "Ehrenamt", "institution": None,
            "municipality": place["kreis"], "is_refugee_youth": False}
    api.import_records(store, [RawRecord("actors", "Formular Person", "1", data)], user=user,
                       action="Formular Person")


def form_membership(store, user, place, tmp):  # Daten → Erfassen → Mitgliedschaft
    api.import_records(store, [RawRecord("memberships", "Formular Mitgliedschaft", "1", membership(place))],
                       user=user, action="Formular Mitgliedschaft")


def accept(store, user, place, tmp):  # Vorschläge → Annehmen
    suggestion = Suggestion("membership", place["institution"], place["alliance"], 1.0, [])
    api.import_records(store, suggestion_to_records(suggestion, DAY, store.read()), user=user,
                       action="Vorschlag angenommen (membership)")


def dismiss(store, user, place, tmp):  # Vorschläge → Verwerfen
    api.dismiss(store, "membership", place["institution"], place["alliance"], user=user)


def plan_offer(store, user, place, tmp):  # Servicebüro → Angebot planen
    records = plan_offer_records(place["alliance"], "fortbildung", DAY, place["office"], "Wunsch vor Ort",
                                 as_of=date(2030, 1, 1))
    api.import_records(store, records, user=user, action="Angebot geplant")


def person_erase(store, user, place, tmp):
    api.person_erase(store, place["person"], user=user)


def backup(store, user, place, tmp):
    api.backup(store, tmp / "sicherung.db", user=user)


def restore(store, user, place, tmp):
    api.restore(store, tmp / "vorher.db", user=user)


def user_add(store, user, place, tmp):
    api.user_add(store, "neu", PASSWORD, "coordinator", kreis=place["kreis"], user=user)


def user_remove(store, user, place, tmp):
    api.user_remove(store, "leser", user=user)


#: path -> whether office staff and coordinators may use it inside their scope (else: admins only)
PATHS = {
    import_json: True, import_csv: True, import_xlsx: True, form_person: True, form_membership: True,
    accept: True, dismiss: True, plan_offer: True,
    person_erase: False, backup: False, restore: False, user_add: False, user_remove: False,
}
CASES = [pytest.param(path, role, where, id=f"{path.__name__}-{role}-{where}")
         for path in PATHS for role in ROLES for where in PLACES]


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    """Built once: a backup (the demo), the live store (the demo and one alliance more), the accounts."""
    folder = tmp_path_factory.mktemp("matrix")
    store = open_store(f"sqlite:///{folder / 'live.db'}")
    api.load_demo(store)
    api.backup(store, folder / "vorher.db", user=ROLES["admin"])
    api.import_records(store, [RawRecord("alliances", "setup", "1", {
        "id": "b-nach-sicherung", "name": "Nach der Sicherung", "municipality": "05315"})], user=ROLES["admin"])
    store.close()
    set_account("chef", PASSWORD, "admin", path=folder / "konten.json")
    set_account("leser", PASSWORD, "viewer", path=folder / "konten.json")
    return folder


@pytest.fixture
def setup(template, tmp_path, monkeypatch):
    """Fresh copies of the live store, the backup and the accounts file for one case."""
    for name in ("live.db", "vorher.db", "konten.json"):
        shutil.copy(template / name, tmp_path / name)
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(tmp_path / "konten.json"))
    store = open_store(f"sqlite:///{tmp_path / 'live.db'}")
    yield store, tmp_path / "konten.json"
    store.close()


def state(store, accounts: Path) -> tuple:
    """Everything a write could change, in full."""
    return (write_json(store.read()), sorted(store.dismissals()), [e.as_dict() for e in store.audit_log()],
            accounts.read_text(encoding="utf-8"))


@pytest.mark.parametrize(("path", "role", "where"), CASES)
def test_write_path_role_scope(setup, tmp_path, path, role, where):
    store, accounts = setup
    user = ROLES[role]
    allowed = role == "admin" or (PATHS[path] and role in ("office", "coordinator") and where == "inside")
    before = state(store, accounts)
    if allowed:
        path(store, user, PLACES[where], tmp_path)
        assert state(store, accounts) != before
    else:
        with pytest.raises(AccessDenied):
            path(store, user, PLACES[where], tmp_path)
        assert state(store, accounts) == before
