"""The compact audit form of the embedded store (issue 17): one row per chunk of a write.

The log reads the same as with one row per change (who, when, what, before/after),
old stores with per-change rows still read, and erasure redacts inside the chunks.
"""

from __future__ import annotations

import json
import sqlite3

import orjson
import pytest

from graph import api
from graph.access import User
from graph.cli import main
from graph.privacy import erase_person
from graph.store import base, open_store
from graph.store.base import audit_chunk_text, audit_entries, decode_audit_chunk, dumps, encode_audit_chunk
from graph.store.graphmap import plan_upsert
from graph.store.sqlite import SQLiteStore

PEOPLE = {
    "actors": [{"id": f"p{i}", "name": f"Person {i}", "municipality": "05334", "role": "Ehrenamt"}
               for i in range(12)],
    "ties": [{"source": f"p{i}", "target": f"p{i + 1}", "strength": 1.5 + i} for i in range(11)],
}


def legacy_write(path, entries):
    """Audit rows as stores before the chunk form wrote them: one row per entry, values as JSON text."""
    with sqlite3.connect(path) as conn:
        conn.executemany("INSERT INTO audit (at, user, action, target, before, after) VALUES (?,?,?,?,?,?)",
                         [(e.at, e.user, e.action, e.target, dumps(e.before), dumps(e.after)) for e in entries])


def planned(store, doc):
    from graph.io.exchange import records_from_document
    from graph.validate import validate

    existing = store.read()
    return plan_upsert(existing, validate(records_from_document(doc, "t"), existing).dataset)


def test_a_chunk_round_trips_values_and_key_order():
    items = [["Actor:p1", None, {"role": "x", "name": "Zoë „Z“ \\ \"q\"", "is_refugee_youth": True}],
             ["KNOWS:p1->p2", {"strength": 2.0, "since": "2020-01-01"}, {"strength": 2.5}],
             ["Topic:t", {}, None]]
    decoded = decode_audit_chunk(encode_audit_chunk(items))
    assert decoded == items
    assert list(decoded[0][2]) == ["is_refugee_youth", "name", "role"]  # sorted, as json.loads of dumps gives
    assert [type(v) for v in decoded[1][2].values()] == [float]


def test_a_damaged_chunk_is_an_error_not_silence():
    with pytest.raises(ValueError):
        decode_audit_chunk(b"not a chunk")


def test_strings_escape_exactly_as_the_per_row_json_did():
    """The erasure looks for a stored value in a chunk's text before decoding it: the escaping must match."""
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    assert orjson.dumps(text) == json.dumps(text, ensure_ascii=False).encode("utf-8")


def test_the_log_reads_as_one_entry_per_change_newest_first(sqlite_store, monkeypatch):
    monkeypatch.setattr(base, "AUDIT_CHUNK", 5)  # several chunks for one write
    api.init_store(sqlite_store)
    changes = planned(sqlite_store, PEOPLE)
    expected = audit_entries(changes, "k.schmidt", "import")
    api.import_document(sqlite_store, PEOPLE, "t", user="k.schmidt", action="import")
    rows = sqlite_store.conn.execute("SELECT count(*) FROM audit WHERE action = 'import'").fetchone()[0]
    assert rows == -(-len(changes.nodes) // 5) + -(-len(changes.rels) // 5)  # one row per chunk, not per change
    log = sqlite_store.audit_log()[:len(expected)]
    assert [(e.user, e.action, e.target, e.before, e.after) for e in log] == \
           [(e.user, e.action, e.target, e.before, e.after) for e in reversed(expected)]
    assert len({e.at for e in log}) == 1
    for limit in (1, 4, 5, 6, 11, len(expected) + 3):
        assert sqlite_store.audit_log(limit) == sqlite_store.audit_log()[:limit]


def test_changes_keep_before_and_after(sqlite_store):
    api.init_store(sqlite_store)
    api.import_document(sqlite_store, PEOPLE, "t")
    api.import_document(sqlite_store, {"actors": [{**PEOPLE["actors"][3], "role": "Leitung"}]}, "t2", action="edit")
    newest = sqlite_store.audit_log(1)[0]
    assert (newest.action, newest.target) == ("edit", "Actor:p3")
    assert newest.before["role"] == "Ehrenamt" and newest.after["role"] == "Leitung"


def test_old_per_change_rows_still_read_between_chunks(sqlite_store):
    api.init_store(sqlite_store)
    changes = planned(sqlite_store, PEOPLE)
    old = audit_entries(changes, "alt", "import (alt)", at="2024-01-01T00:00:00+00:00")
    legacy_write(sqlite_store.path, old)
    api.import_document(sqlite_store, {"actors": [{**PEOPLE["actors"][0], "role": "Neu"}]}, "t", action="neu")
    log = sqlite_store.audit_log()
    new = [e.action for e in log].index("import (alt)")
    assert new >= 1 and {e.action for e in log[:new]} == {"neu"}
    assert log[new:new + len(old)] == list(reversed(old))
    assert {e.action for e in log[new + len(old):]} == {"init"}


def test_cli_audit_output_is_the_same_for_old_rows_and_chunks(tmp_path, capsys):
    """The same changes, stored per row (as before) and in chunks: `buendnisnetz audit` prints the same."""
    outputs = []
    for form in ("rows", "chunks"):
        uri = f"sqlite:///{tmp_path / form}.db"
        with open_store(uri) as store:
            api.init_store(store)
            changes = planned(store, PEOPLE)
            shown = str(len(changes.nodes) + len(changes.rels))  # these entries only, not the init's
            if form == "rows":
                legacy_write(store.path, audit_entries(changes, "admin", "import", at="2025-05-05T10:00:00+00:00"))
            else:
                store._write(changes, audit_entries(changes, "admin", "import", at="2025-05-05T10:00:00+00:00"),
                             None)
        for fmt in ("json", "table"):
            capsys.readouterr()
            assert main(["--store", uri, "audit", "--limit", shown, "--format", fmt]) == 0
            outputs.append((fmt, capsys.readouterr().out))
    assert outputs[:2] == outputs[2:]
    assert "Person 3" in outputs[0][1]


def test_erasure_redacts_inside_compressed_chunks(tmp_path):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    api.init_store(store)
    api.import_document(store, PEOPLE, "t")
    # an entry about something else that mentions the person's name in its values
    api.import_document(store, {"offers": [{"id": "o1", "type": "dialog", "title": "Dialog", "date": "2024-03-05",
                                            "note": "mit Person 4 gesprochen"}]}, "t2")
    erase_person(store, "p4", user=User("admin"))
    for (blob,) in store.conn.execute("SELECT after FROM audit WHERE typeof(after) = 'blob'"):
        text = audit_chunk_text(blob).decode()
        assert "p4" not in text and "Person 4" not in text
    log = store.audit_log()
    assert not [e for e in log if "p4" in json.dumps(e.as_dict(), ensure_ascii=False)]
    assert not [e for e in log if "Person 4" in json.dumps(e.as_dict(), ensure_ascii=False)]
    redacted = [e for e in log if e.target.startswith("gelöscht-")]
    assert {e.before for e in redacted} == {None} and {e.after for e in redacted} == {None}
    assert len(redacted) >= 4  # the person, two ties, the place
    offer = next(e for e in log if e.target == "Offer:o1")
    assert offer.after is None  # its value named the person
    other = next(e for e in log if e.target == "Actor:p5")
    assert other.after["name"] == "Person 5"  # everything else stays
    store.close()


def test_a_backup_with_chunks_restores(tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    api.init_store(store)
    api.import_document(store, PEOPLE, "t")
    before = store.audit_log()
    store.backup(tmp_path / "copy.db", user="admin")
    api.import_document(store, {"actors": [{**PEOPLE["actors"][0], "role": "Neu"}]}, "t", action="neu")
    store.restore(tmp_path / "copy.db", user="admin")
    after = store.audit_log()
    assert after[0].action == "restore"
    assert [e for e in after if e.action in ("import", "init")][:len(before) - 1] == \
           [e for e in before if e.action in ("import", "init")][:len(before) - 1]
    store.close()


def test_erasure_redacts_old_rows_and_chunks_alike(tmp_path):
    """A store written before the chunk form, then imported into: both kinds of row lose the person."""
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    api.init_store(store)
    changes = planned(store, PEOPLE)
    legacy_write(store.path, audit_entries(changes, "alt", "import (alt)", at="2024-01-01T00:00:00+00:00"))
    api.import_document(store, PEOPLE, "t")  # the data itself, audited in chunks
    api.import_document(store, {"actors": [{**PEOPLE["actors"][4], "role": "Leitung"}]}, "t2", action="edit")
    erase_person(store, "p4", user=User("admin"))
    rows = store.conn.execute("SELECT target, before, after FROM audit WHERE typeof(after) != 'blob'").fetchall()
    assert not [r for r in rows if any(v and ("p4" in v or "Person 4" in v) for v in r)]
    log = store.audit_log()
    assert not [e for e in log if "Person 4" in json.dumps(e.as_dict(), ensure_ascii=False)]
    assert {e.action for e in log if e.target.startswith("gelöscht-")} >= {"import (alt)", "import", "edit"}
    store.close()
