"""A busy store (issue 15 item 9): a writer holding the SQLite lock makes another write wait a
bounded time with a visible message, then exit 3 with a German explanation; nothing written.
"""

from __future__ import annotations

import json
import sqlite3
import time

from graph.cli import main
from graph.store import open_store


def test_an_import_waits_visibly_then_gives_up_with_exit_3(tmp_path, monkeypatch, capsys):
    uri = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["--store", uri, "init"]) == 0
    doc = tmp_path / "p.json"
    doc.write_text(json.dumps({"actors": [{"id": "p1", "name": "Ada", "municipality": "05315"}]}))
    monkeypatch.setenv("BUENDNISNETZ_BUSY_TIMEOUT", "1.5")
    holder = sqlite3.connect(tmp_path / "b.db", isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer holds the lock meanwhile
    try:
        capsys.readouterr()
        started = time.monotonic()
        code = main(["--store", uri, "import", str(doc)])
        waited = time.monotonic() - started
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    err = capsys.readouterr().err
    assert code == 3
    assert 1.4 <= waited < 10
    assert "warte" in err and "beschäftigt" in err and "später" in err
    assert "Interner Fehler" not in err and "database is locked" not in err
    with open_store(uri) as s:
        assert "p1" not in s.read().actors


def test_a_short_lock_is_simply_waited_for(tmp_path, monkeypatch):
    import threading

    uri = f"sqlite:///{tmp_path / 'b.db'}"
    assert main(["--store", uri, "init"]) == 0
    doc = tmp_path / "p.json"
    doc.write_text(json.dumps({"actors": [{"id": "p1", "name": "Ada", "municipality": "05315"}]}))
    monkeypatch.setenv("BUENDNISNETZ_BUSY_TIMEOUT", "20")
    holder = sqlite3.connect(tmp_path / "b.db", isolation_level=None, check_same_thread=False)
    holder.execute("BEGIN IMMEDIATE")
    release = threading.Timer(1.0, lambda: holder.execute("ROLLBACK"))
    release.start()
    try:
        assert main(["--store", uri, "import", str(doc)]) == 0
    finally:
        release.join()
        holder.close()
    with open_store(uri) as s:
        assert "p1" in s.read().actors
