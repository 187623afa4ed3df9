"""Bolt writes are always audited (issue 15 item 10), on FalkorDB (tx=autocommit, batch_bytes=3000).

Every batch that reaches the store is in the audit, also when the write dies half-way;
an audit row never blocks the write it belongs to (long values are split).
"""

from __future__ import annotations

import pytest

from graph import api
from graph.store import open_store
from graph.store.neo4j import Neo4jStore

pytestmark = pytest.mark.bolt


@pytest.fixture
def store(falkordb_server):
    from bolt_server import wipe

    uri = falkordb_server.uri()
    wipe(uri)
    s = open_store(uri)
    api.init_store(s)
    yield s
    s.close()


#: about 1,900 characters (a note may have 2,000): before and after together exceed batch_bytes=3000
NOTE = ("Übergabe an die Jugendhilfeplanung; Rückmeldung folgt über Größe der Gruppe. " * 24).strip()


def test_a_long_offer_note_can_be_updated_and_its_audit_row_is_complete(store):
    doc = {"alliances": [{"id": "b", "name": "B", "municipality": "05315"}],
           "offers": [{"id": "o", "type": "dialog", "title": "T", "date": "2024-01-01", "alliance": "b",
                       "note": NOTE}]}
    api.import_document(store, doc, "a")
    doc["offers"][0]["note"] = NOTE.upper()
    api.import_document(store, doc, "b")
    assert store.read().offers["o"].note == NOTE.upper()
    entry = next(e for e in store.audit_log() if e.target == "Offer:o" and e.before)
    assert entry.before["note"] == NOTE and entry.after["note"] == NOTE.upper()


def test_a_write_dying_half_way_leaves_every_written_batch_in_the_audit(store, monkeypatch):
    doc = {"actors": [{"id": f"p{i:03d}", "name": f"Person {i}", "municipality": "05315"} for i in range(400)]}
    original = Neo4jStore._runner
    sent = []

    def dying_runner(self, target):
        run = original(self, target)

        def wrapped(query, params=None):
            if "MERGE (n:`Actor`" in query:
                sent.append(1)
                if len(sent) == 3:
                    raise RuntimeError("Verbindung abgebrochen")
            return run(query, params)
        return wrapped

    monkeypatch.setattr(Neo4jStore, "_runner", dying_runner)
    with pytest.raises(RuntimeError):
        api.import_document(store, doc, "gross")
    monkeypatch.setattr(Neo4jStore, "_runner", original)
    written = set(store.read().actors)
    assert written  # two batches reached the store
    audited = {e.target.split(":", 1)[1] for e in store.audit_log() if e.target.startswith("Actor:")}
    assert written <= audited
