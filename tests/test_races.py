"""An import commits only against the revision it was validated on (issue 15 item 2).

A hook between validation and write lets another writer in deterministically:
`person erase` running there must not be undone by the import.
"""

from __future__ import annotations

import pytest

from graph import api
from graph.access import User
from graph.errors import InputError
from graph.privacy import erase_person

DOC = {
    "institutions": [{"id": "ja-ac", "name": "Jugendamt Aachen", "type": "jugendamt", "sector": "verwaltung",
                      "municipality": "05334"}],
    "actors": [
        {"id": "y1", "name": "Amira Kaya", "municipality": "05334", "is_refugee_youth": True},
        {"id": "p2", "name": "Bernd Vogel", "institution": "ja-ac"},
        {"id": "p3", "name": "Cem Uysal", "institution": "ja-ac"},
    ],
    "alliances": [{"id": "b-ac", "name": "Bündnis Aachen", "municipality": "05334"},
                  {"id": "b-ac2", "name": "Bündnis Aachen Nord", "municipality": "05334"}],
    "memberships": [{"member": "p2", "alliance": "b-ac", "since": "2023-01-01"}],
}

#: What an office sends in while the erasure runs: the young person's memberships and ties.
RACING = {
    "memberships": [{"member": "y1", "alliance": "b-ac", "since": "2024-01-01"},
                    {"member": "y1", "alliance": "b-ac2", "since": "2024-02-01"}],
    "ties": [{"source": "y1", "target": "p2", "strength": 2}, {"source": "p3", "target": "y1"}],
}


@pytest.fixture
def store(any_store):
    api.init_store(any_store)
    api.import_document(any_store, DOC, "setup")
    return any_store


def rows_naming(store, ident):
    nodes, rels = store._read_rows()
    found = [(label, i) for label, items in nodes.items() for i in items if i == ident]
    found += [key for key in rels if ident in (key[2], key[4])]
    return found


def once(action):
    calls = []

    def hook():
        if not calls:
            calls.append(1)
            action()
    return hook


def test_an_import_racing_an_erase_resurrects_nothing(store):
    hook = once(lambda: erase_person(store, "y1", user=User("admin")))
    with pytest.raises(InputError) as err:
        api.import_document(store, RACING, "rennen.json", before_write=hook)
    assert "y1" in str(err.value)  # validated again: the person is gone, so the references are unknown
    assert rows_naming(store, "y1") == []


def test_an_import_racing_an_unrelated_write_is_validated_again_and_written(store):
    hook = once(lambda: api.import_document(store, {"actors": [{"id": "p9", "name": "Neu",
                                                                 "municipality": "05334"}]}, "dazwischen"))
    result = api.import_document(store, RACING, "rennen.json", before_write=hook)
    assert result.changes == 4  # two memberships, two ties
    ds = store.read()
    assert "p9" in ds.actors and ("y1", "b-ac2", "2024-02-01") in ds.memberships


def test_a_write_against_an_old_revision_is_refused_inside_the_transaction(store):
    from graph.io.exchange import records_from_document
    from graph.store import plan_upsert
    from graph.store.base import StaleRevision
    from graph.validate import validate

    existing, revision = store.read_with_revision()
    changes = plan_upsert(existing, validate(records_from_document(RACING, "x"), existing).dataset)
    erase_person(store, "y1", user=User("admin"))
    with pytest.raises(StaleRevision):
        store.apply(changes, user="admin", action="import", expected_revision=revision)
    assert rows_naming(store, "y1") == []
