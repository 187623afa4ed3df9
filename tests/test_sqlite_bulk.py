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


def test_rows_go_in_several_to_a_statement_in_order(sqlite_store, monkeypatch):
    """Multi-row INSERTs (and the rest row by row): every row written, and of a key given twice
    (within one statement and across statements) the later row stays, as row by row."""
    from graph.store.graphmap import ChangeSet, NodeChange, RelChange

    monkeypatch.setattr(sqlite_module, "_ROWS_PER_STATEMENT", 3)
    monkeypatch.setattr(sqlite_module, "_BATCH", 7)
    nodes = [NodeChange("Actor", f"p{i:02}", {"name": f"Person {i}"}, None) for i in range(20)]
    nodes.insert(1, NodeChange("Actor", "p01", {"name": "zuerst"}, None))  # same statement as the later p01
    nodes.insert(0, NodeChange("Actor", "p19", {"name": "zuerst"}, None))  # another batch than the later p19
    rels = [RelChange(("KNOWS", "Actor", f"p{i:02}", "Actor", f"p{i + 1:02}", ""), {"strength": float(i)}, None)
            for i in range(19)]
    rels.append(RelChange(rels[4].key, {"strength": 99.0}, None))
    progress = []
    sqlite_store.apply(ChangeSet(nodes, rels), user="admin", action="test",
                       progress=lambda done, total: progress.append((done, total)))
    stored = dict(sqlite_store.conn.execute("SELECT id, props FROM nodes WHERE label = 'Actor'").fetchall())
    assert stored == {f"p{i:02}": f'{{"name":"Person {i}"}}' for i in range(20)}
    strengths = [row[0] for row in sqlite_store.conn.execute("SELECT props FROM rels ORDER BY src_id")]
    assert strengths == [f'{{"strength":{99.0 if i == 4 else float(i)}}}' for i in range(19)]
    assert progress[-1] == (42, 42) and [d for d, _ in progress] == sorted(d for d, _ in progress)
    assert len(sqlite_store.audit_log()) == 42


def test_a_row_of_the_wrong_width_writes_nothing(sqlite_store, monkeypatch):
    """Rows go in flattened, so one short row would shift every value after it: the write refuses instead."""
    monkeypatch.setattr(sqlite_module, "_ROWS_PER_STATEMENT", 3)
    good = [("Actor", f"p{i}", "{}") for i in range(5)]
    with pytest.raises(ValueError, match="nodes"):
        sqlite_store._write_sorted([], [], [*good, ("Actor", "p9")], 6, [], 0, [], None, None)
    assert sqlite_store.conn.execute("SELECT count(*) FROM nodes").fetchone()[0] == 0
