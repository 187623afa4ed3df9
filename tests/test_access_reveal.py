"""``--reveal`` (real names of minors in an export) is for admins only, and audited (issue 14, item 5)."""

from __future__ import annotations

import pytest

from graph import api
from graph.access import ADMIN, AccessDenied, User
from graph.store import open_store

COORD = User("k.koeln", "coordinator", kreis="05315")


@pytest.fixture
def store(tmp_path):
    s = open_store(f"sqlite:///{tmp_path / 'r.db'}")
    api.load_demo(s)
    yield s
    s.close()


@pytest.mark.parametrize("fmt", ["json", "csv", "xlsx", "graphml", "gexf"])
def test_coordinator_may_not_export_revealed_names(store, tmp_path, fmt):
    out = tmp_path / f"x.{fmt}"
    with pytest.raises(AccessDenied):
        api.export(store, fmt, out, user=COORD, reveal=True)
    assert not out.exists()


def test_a_revealed_export_is_audited_with_who_did_it(store, tmp_path):
    before = len(store.audit_log())
    api.export(store, "json", tmp_path / "voll.json", user=ADMIN, reveal=True)
    entries = store.audit_log()
    assert len(entries) == before + 1
    assert entries[0].user == "admin" and "Klarnamen" in entries[0].action
    assert "voll.json" in entries[0].target


def test_a_pseudonymised_export_needs_no_audit(store, tmp_path):
    before = store.audit_log()
    api.export(store, "json", tmp_path / "p.json", user=COORD)
    assert store.audit_log() == before


def test_every_store_records_an_audit_event(any_store):
    api.init_store(any_store)
    any_store.add_audit("chef", "Anmeldung", "login:chef")
    entry = any_store.audit_log(1)[0]
    assert (entry.user, entry.action, entry.target) == ("chef", "Anmeldung", "login:chef")
