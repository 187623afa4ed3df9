"""Art. 15 and Art. 17 DSGVO: a person's data can be handed out and erased without trace."""

import json

import pytest

from graph import api
from graph.access import AccessDenied, User
from graph.privacy import erase_person, person_data
from graph.store import open_store

DOC = {
    "institutions": [{"id": "ja-ac", "name": "Jugendamt Aachen", "type": "jugendamt", "sector": "verwaltung",
                      "municipality": "05334"}],
    "actors": [
        {"id": "y1", "name": "Amira Kaya", "municipality": "05334", "is_refugee_youth": True},
        {"id": "p2", "name": "Bernd Vogel", "institution": "ja-ac"},
    ],
    "alliances": [{"id": "b-ac", "name": "Bündnis Aachen", "municipality": "05334"}],
    "memberships": [{"member": "y1", "alliance": "b-ac", "since": "2023-01-01"},
                    {"member": "p2", "alliance": "b-ac", "since": "2023-01-01"}],
    "ties": [{"source": "y1", "target": "p2", "strength": 3}],
}


def _fill(s):
    api.init_store(s)
    api.import_document(s, DOC, "setup")
    s.add_dismissal("introduction", "y1", "p2", user="admin")
    return s


@pytest.fixture
def store(any_store):
    """Every backend: SQLite, the Bolt test server, Neo4j when NEO4J_URI is set."""
    return _fill(any_store)


@pytest.fixture
def sqlite_file_store(tmp_path):
    s = _fill(open_store(str(tmp_path / "p.db")))
    yield s
    s.close()


def test_person_data_contains_memberships_ties_and_audit(store):
    doc = person_data(store.read(), "y1", store.audit_log())
    assert doc["actors"][0]["name"] == "Amira Kaya"
    assert len(doc["memberships"]) == 1 and len(doc["ties"]) == 1
    assert any(e["target"] == "Actor:y1" for e in doc["audit"])


def test_erase_removes_the_person_and_every_relation(store):
    erase_person(store, "y1", user=User("admin"))
    ds = store.read()
    assert "y1" not in ds.actors
    assert all(m.member != "y1" for m in ds.memberships.values())
    assert all("y1" not in (t.source, t.target) for t in ds.ties.values())
    assert store.dismissals() == set()


def test_erase_leaves_no_personal_data_in_the_audit_log(store):
    erase_person(store, "y1", user=User("admin"))
    log = json.dumps([e.as_dict() for e in store.audit_log()], ensure_ascii=False)
    assert "Amira" not in log and ":y1" not in log and "y1->" not in log
    assert any(e.action == "erase" and e.target.startswith("gelöscht-") for e in store.audit_log())


def test_erase_leaves_no_bytes_of_the_name_in_the_database_file(sqlite_file_store, tmp_path):
    erase_person(sqlite_file_store, "y1", user=User("admin"))
    raw = b"".join(p.read_bytes() for p in tmp_path.glob("p.db*"))
    assert b"Amira" not in raw


def test_erase_leaves_exports_clean(store, tmp_path):
    erase_person(store, "y1", user=User("admin"))
    out = tmp_path / "e.json"
    api.export(store, "json", out, reveal=True)
    assert "Amira" not in out.read_text(encoding="utf-8")


def test_only_admins_erase(store):
    with pytest.raises(AccessDenied):
        erase_person(store, "y1", user=User("k", "coordinator", kreis="05334"))
    assert "y1" in store.read().actors
