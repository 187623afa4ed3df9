"""The on-disk snapshot of the embedded store: used while current, gone after any write, private."""

from __future__ import annotations

import os
import stat

import pytest

from graph import api
from graph.model import Actor
from graph.privacy import erase_person
from graph.store import snapshot
from graph.store.sqlite import SQLiteStore


@pytest.fixture
def demo_store(tmp_path):
    store = SQLiteStore(tmp_path / "demo.db")
    api.load_demo(store)
    yield store
    store.close()


def snapshot_file(store):
    return snapshot.snapshot_path(store.path)


def test_a_second_read_comes_from_the_snapshot_and_equals_the_rows(demo_store, monkeypatch):
    first = demo_store.read()
    path = snapshot_file(demo_store)
    assert path.exists()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600

    def no_rows():
        raise AssertionError("read the rows although the snapshot is current")

    monkeypatch.setattr(demo_store, "_read_rows", no_rows)
    second = demo_store.read()
    assert second.actors == first.actors and second.ties == first.ties and second.memberships == first.memberships


def test_every_write_removes_the_snapshot_and_the_next_read_sees_the_change(demo_store):
    demo_store.read()
    api.dismiss(demo_store, "introduction", "demo-p061", "demo-p297")
    assert not snapshot_file(demo_store).exists()
    demo_store.read()
    api.import_document(demo_store, {"format": "buendnisnetz/1", "actors": [
        {"id": "neu-1", "name": "Neue Person", "municipality": "05315"}]}, "neu")
    assert not snapshot_file(demo_store).exists()
    assert "neu-1" in demo_store.read().actors


def test_an_erased_person_survives_in_no_snapshot(demo_store):
    ds = demo_store.read()
    person = next(a for a in ds.actors.values() if not a.is_refugee_youth)
    assert person.name.encode() in snapshot_file(demo_store).read_bytes()
    erase_person(demo_store, person.id, user=api.as_user("admin"))
    assert not snapshot_file(demo_store).exists()
    assert person.id not in demo_store.read().actors
    assert person.name.encode() not in snapshot_file(demo_store).read_bytes()


def test_a_snapshot_others_could_read_or_write_is_ignored_and_replaced(demo_store):
    demo_store.read()
    path = snapshot_file(demo_store)
    key = demo_store._snapshot_key()
    forged = demo_store.read()
    forged.actors = {"x": Actor("x", "Untergeschoben")}
    snapshot.save(path, key, forged)
    os.chmod(path, 0o644)
    assert "x" not in demo_store.read().actors
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_a_snapshot_of_another_revision_is_not_used(demo_store):
    demo_store.read()
    path = snapshot_file(demo_store)
    forged = demo_store.read()
    forged.actors = {"x": Actor("x", "Veraltet")}
    snapshot.save(path, (demo_store.revision() - 1, 1, "2020-01-01T00:00:00+00:00"), forged)
    assert "x" not in demo_store.read().actors


def test_a_torn_snapshot_is_a_miss_not_an_error(demo_store):
    demo_store.read()
    path = snapshot_file(demo_store)
    path.write_bytes(path.read_bytes()[:100])
    assert demo_store.read().actors
