"""Backup and restore of the embedded store: checked before anything is replaced, never lossy.

Issue 15 item 1 and issue 14 item 3: a corrupted or foreign candidate is refused with the
store unchanged; earlier pre-restore copies are never overwritten; restore bumps the
revision and is audited; backup and restore are admin only and audited.
"""

from __future__ import annotations

import json
import random
import sqlite3

import pytest

from graph import api
from graph.access import AccessDenied, User
from graph.cli import main
from graph.errors import InputError
from graph.io.exchange import to_document
from graph.store import open_store

DOC = {
    "format": "buendnisnetz/1",
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


@pytest.fixture
def uri(tmp_path):
    uri = f"sqlite:///{tmp_path / 'store.db'}"
    with open_store(uri) as store:
        api.init_store(store)
        api.import_document(store, DOC, "setup")
    return uri


def state(uri) -> tuple:
    """Everything a user can observe of a store: graph, dismissals, audit log."""
    with open_store(uri) as store:
        ds = store.read()
        return (json.dumps(to_document(ds), sort_keys=True, ensure_ascii=False),
                sorted(store.dismissals()), [e.as_dict() for e in store.audit_log()])


def backup_file(uri, path) -> None:
    assert main(["--store", uri, "backup", str(path)]) == 0


def test_backup_then_restore_round_trips(uri, tmp_path):
    target = tmp_path / "sicherung.db"
    backup_file(uri, target)
    graph_before = state(uri)[0]
    extra = tmp_path / "extra.json"
    extra.write_text(json.dumps({"actors": [{"id": "p9", "name": "Neu", "municipality": "05334"}]}))
    assert main(["--store", uri, "import", str(extra)]) == 0
    assert main(["--store", uri, "restore", "--yes", str(target)]) == 0
    assert state(uri)[0] == graph_before


def _corrupt(source, dest, seed: int, count: int) -> None:
    data = bytearray(source.read_bytes())
    rng = random.Random(seed)
    for _ in range(count):
        at = rng.randrange(0, len(data) - 64)
        data[at:at + 64] = rng.randbytes(64)
    dest.write_bytes(bytes(data))


@pytest.mark.parametrize("seed", range(6))
def test_a_corrupted_backup_is_refused_and_the_store_is_unchanged(uri, tmp_path, capsys, seed):
    good = tmp_path / "gut.db"
    backup_file(uri, good)
    bad = tmp_path / "kaputt.db"
    _corrupt(good, bad, seed, count=40)
    before = state(uri)
    assert main(["--store", uri, "restore", "--yes", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "kaputt.db" in err and "Traceback" not in err
    assert state(uri) == before
    assert not list(tmp_path.glob("store.vor-restore*"))  # nothing replaced, so no undo copy either


@pytest.mark.parametrize("seed", range(20))
def test_a_single_corruption_is_refused_or_changes_nothing(uri, tmp_path, seed):
    """One 64-byte corruption may land in unused space; then the content restored must be the backup's."""
    good = tmp_path / "gut.db"
    backup_file(uri, good)
    graph_in_backup = state(uri)[0]
    bad = tmp_path / "kaputt.db"
    _corrupt(good, bad, 1000 + seed, count=1)
    before = state(uri)
    code = main(["--store", uri, "restore", "--yes", str(bad)])
    assert code in (0, 2)
    if code == 2:
        assert state(uri) == before
    else:
        assert state(uri)[0] == graph_in_backup
    with open_store(uri) as store:  # the store is never left malformed
        assert store.conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def _foreign_with_nodes(path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE nodes (x)")
        conn.execute("INSERT INTO nodes VALUES (1)")
    conn.close()


def _foreign_other(path) -> None:
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE kunden (name TEXT)")
    conn.close()


def _wrong_schema_version(path) -> None:
    src = path.parent / "store.db"
    with sqlite3.connect(src) as live, sqlite3.connect(path) as dest:
        live.backup(dest)
        dest.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    dest.close()


def _missing_column(path) -> None:
    src = path.parent / "store.db"
    with sqlite3.connect(src) as live, sqlite3.connect(path) as dest:
        live.backup(dest)
        dest.execute("ALTER TABLE audit DROP COLUMN after")
    dest.close()


def _text(path) -> None:
    path.write_text("keine Datenbank")


@pytest.mark.parametrize("make", [_foreign_with_nodes, _foreign_other, _wrong_schema_version, _missing_column,
                                  _text])
def test_a_foreign_file_is_refused_and_the_store_is_unchanged(uri, tmp_path, capsys, make):
    candidate = tmp_path / "fremd.db"
    make(candidate)
    before = state(uri)
    assert main(["--store", uri, "restore", "--yes", str(candidate)]) == 2
    assert "keine gültige Bündnisnetz-Sicherung" in capsys.readouterr().err
    assert state(uri) == before


def test_restore_never_overwrites_an_earlier_pre_restore_copy(uri, tmp_path, capsys):
    target = tmp_path / "sicherung.db"
    backup_file(uri, target)
    for name in ("n1", "n2"):
        extra = tmp_path / f"{name}.json"
        extra.write_text(json.dumps({"actors": [{"id": name, "name": name, "municipality": "05334"}]}))
        assert main(["--store", uri, "import", str(extra)]) == 0
        assert main(["--store", uri, "restore", "--yes", str(target)]) == 0
    copies = sorted(tmp_path.glob("store.vor-restore*.db"))
    assert len(copies) == 2
    held = []
    for copy in copies:
        with open_store(f"sqlite:///{copy}") as s:
            held.append({"n1", "n2"} & set(s.read().actors))
    assert sorted(map(sorted, held)) == [["n1"], ["n2"]]
    err = capsys.readouterr().err
    assert all(c.name in err for c in copies)


def test_restore_bumps_the_revision_beyond_every_earlier_one_and_is_audited(uri, tmp_path):
    target = tmp_path / "sicherung.db"
    backup_file(uri, target)
    with open_store(uri) as store:
        for i in range(3):
            api.import_document(store, {"actors": [{"id": f"x{i}", "name": "X", "municipality": "05334"}]}, "x")
        high = store.revision()
    assert main(["--store", uri, "restore", "--yes", str(target)]) == 0
    with open_store(uri) as store:
        assert store.revision() > high
        actions = [e.action for e in store.audit_log()]
    assert actions[0] == "restore"
    assert "backup" in actions


def test_backup_into_a_missing_folder_is_a_clear_error(uri, tmp_path, capsys):
    assert main(["--store", uri, "backup", str(tmp_path / "fehlt" / "s.db")]) == 2
    err = capsys.readouterr().err
    assert "fehlt" in err and "Ordner" in err and "Traceback" not in err


def test_backup_refuses_to_overwrite_the_store_itself(uri, tmp_path, capsys):
    before = state(uri)
    assert main(["--store", uri, "backup", str(tmp_path / "store.db")]) == 2
    assert state(uri) == before


@pytest.mark.parametrize("name", ["a%20b.db", "a#b.db", "100%.db", "x?mode=rwc.db"])
def test_paths_with_uri_characters_work(uri, tmp_path, name):
    target = tmp_path / name
    backup_file(uri, target)
    assert [p.name for p in tmp_path.iterdir() if p.name not in ("store.db", "store.db-wal", "store.db-shm")] \
        == [name]
    assert main(["--store", uri, "restore", "--yes", str(target)]) == 0


def test_backup_files_are_private(uri, tmp_path):
    target = tmp_path / "s.db"
    backup_file(uri, target)
    assert target.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("role", [User("l", "viewer"), User("k", "coordinator", kreis="05334"),
                                  User("o", "office", office="sb-koeln")])
def test_backup_and_restore_are_admin_only(uri, tmp_path, role):
    target = tmp_path / "s.db"
    with open_store(uri) as store:
        with pytest.raises(AccessDenied):
            api.backup(store, target, user=role)
        assert not target.exists()
        api.backup(store, target, user=User("admin"))
        before = state(uri)
        with pytest.raises(AccessDenied):
            api.restore(store, target, user=role)
    assert state(uri) == before


def test_backup_is_audited_with_the_user(uri, tmp_path):
    with open_store(uri) as store:
        api.backup(store, tmp_path / "s.db", user=User("chef"))
        entry = store.audit_log(1)[0]
    assert (entry.user, entry.action) == ("chef", "backup")


def test_the_cli_refuses_a_viewer_backup(uri, tmp_path, monkeypatch, capsys):
    from graph import accounts

    path = tmp_path / "accounts.json"
    monkeypatch.setenv("BUENDNISNETZ_ACCOUNTS", str(path))
    accounts.set_account("chef", "geheim-geheim", "admin", path=path)
    accounts.set_account("leser", "geheim-geheim", "viewer", path=path)
    assert main(["--store", uri, "--user", "leser", "backup", str(tmp_path / "s.db")]) == 2
    assert not (tmp_path / "s.db").exists()


@pytest.mark.bolt
def test_bolt_stores_explain_how_to_back_up(falkordb_server, tmp_path):
    uri = falkordb_server.uri()
    with open_store(uri) as store:
        with pytest.raises(InputError, match="neo4j-admin"):
            api.backup(store, tmp_path / "s.db", user=User("admin"))
        with pytest.raises(InputError, match="neo4j-admin"):
            api.restore(store, tmp_path / "s.db", user=User("admin"))
