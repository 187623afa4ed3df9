"""Large writes to the embedded store (issue 17): the index by target is rebuilt after a first
import instead of filled row by row, and a failing write leaves it (and everything else) as it was."""

from __future__ import annotations

import pytest

from graph import api
from graph.store import sqlite as sqlite_module

DOC = {
    "actors": [{"id": f"p{i}", "name": f"Person {i}", "municipality": "05334"} for i in range(30)],
    "ties": [{"source": f"p{i}", "target": f"p{i + 1}", "strength": 2} for i in range(29)],
}


def index_sql(store):
    return store.conn.execute("SELECT sql FROM sqlite_master WHERE name = 'rels_by_dst'").fetchone()


def uses_index(store) -> bool:
    plan = store.conn.execute("EXPLAIN QUERY PLAN SELECT * FROM rels WHERE dst_label = 'Actor' AND dst_id = 'p3'")
    return any("rels_by_dst" in row[-1] for row in plan)


@pytest.fixture
def store(sqlite_store, monkeypatch):
    monkeypatch.setattr(sqlite_module, "_BIG_WRITE", 10)
    api.init_store(sqlite_store)
    return sqlite_store


def test_a_first_large_import_rebuilds_the_index(store):
    before = index_sql(store)
    assert before is not None
    calls = []
    api.import_document(store, DOC, "t", progress=lambda done, total: calls.append(
        index_sql(store) is None))
    assert any(calls)  # the index was away while the rows went in
    assert index_sql(store) == before and uses_index(store)
    ds = store.read()
    assert len(ds.ties) == 29 and len(ds.actors) == 30
    assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_a_failing_large_write_keeps_the_index_and_writes_nothing(store):
    revision = store.revision()

    def fail(done, total):
        if index_sql(store) is None:
            raise RuntimeError("Abbruch mitten im Schreiben")

    with pytest.raises(RuntimeError):
        api.import_document(store, DOC, "t", progress=fail)
    assert index_sql(store) is not None and uses_index(store)
    assert store.revision() == revision and not store.read().actors


def test_the_page_cache_is_given_back_after_a_large_write(store):
    size = store.conn.execute("PRAGMA cache_size").fetchone()[0]
    api.import_document(store, DOC, "t")
    assert store.conn.execute("PRAGMA cache_size").fetchone()[0] == size
