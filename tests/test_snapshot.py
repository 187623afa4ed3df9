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
    monkeypatch.setattr(demo_store, "_read_parts", no_rows)
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


# -- shards: one alliance's neighbourhood ---------------------------------------------------------

def _synthetic():
    import json
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate

    return json.loads(json.dumps(generate(0.3, seed=5)))


def _filled_store(tmp_path, data: str) -> SQLiteStore:
    """A store holding the demo (anchored at 1 June 2026) or the small synthetic document."""
    from datetime import date

    store = SQLiteStore(tmp_path / "s.db")
    if data == "demo":
        api.load_demo(store, anchor=date(2026, 6, 1))
    else:
        api.init_store(store)
        api.import_document(store, _synthetic(), "synthetisch")
    return store


@pytest.mark.parametrize("data", ["demo", "synthetic"])
def test_health_of_one_alliance_on_its_shard_equals_health_on_the_whole_graph(tmp_path, data):
    from datetime import date

    from graph.access import User, scope
    from graph.health import check_alliances
    from graph.model import kreis_of

    store = _filled_store(tmp_path, data)
    ds = store.read()
    as_of = date(2026, 6, 1)
    users = [User("admin", "admin"), User("k", "coordinator", kreis=kreis_of(next(iter(ds.alliances.values()))
                                                                             .municipality))]
    for alliance in sorted(ds.alliances):
        shard = store.read_alliance(alliance)
        for user in users:
            whole, part = scope(ds, user), scope(shard, user)
            if alliance not in whole.alliances:
                assert alliance not in part.alliances
                continue
            expected = [r.as_dict() for r in check_alliances(whole, as_of, alliance_ids=[alliance])]
            assert [r.as_dict() for r in check_alliances(part, as_of, alliance_ids=[alliance])] == expected, \
                (alliance, user.role)
    assert len(shard.actors) < len(ds.actors)  # the last one came from a shard, not the whole graph
    store.close()


def test_health_of_one_alliance_reads_its_shard_and_no_write_leaves_one(demo_store, monkeypatch):
    demo_store.read_alliance("demo-b09")  # builds the shards
    assert snapshot.shard_dir(demo_store.path).exists()
    monkeypatch.setattr(demo_store, "_read_rows", lambda: pytest.fail("read every row for one alliance"))
    monkeypatch.setattr(demo_store, "_read_parts", lambda: pytest.fail("read every row for one alliance"))
    shard = demo_store.read_alliance("demo-b09")
    assert "demo-b09" in shard.alliances and len(shard.alliances) < 35
    monkeypatch.undo()
    api.dismiss(demo_store, "introduction", "demo-p061", "demo-p297")
    assert not any(snapshot.shard_dir(demo_store.path).iterdir())


@pytest.mark.parametrize("data", ["demo", "synthetic"])
def test_the_map_of_a_kreis_from_its_shard_equals_the_map_from_the_whole_graph(tmp_path, data):
    from datetime import date

    from graph.access import User, scope
    from graph.model import kreis_of
    from graph.netmap import MapFilter, map_for

    store = _filled_store(tmp_path, data)
    ds = store.read()
    as_of = date(2026, 6, 1)
    with_alliances = sorted({kreis_of(a.municipality) for a in ds.alliances.values()})
    placed = {kreis_of(p) for n in [*ds.actors, *ds.institutions] if (p := ds.municipality_of_member(n))}
    kreise = with_alliances[:40] + sorted(placed - set(with_alliances))[:5] + ["99999"]
    users = [User("admin", "admin"), User("k", "coordinator", kreis=with_alliances[0]),
             User("o", "office", office="sb-koeln")]
    store.read_kreis(kreise[0])  # the first read after the import builds the shards
    for kreis in kreise:
        part = store.read_kreis(kreis)
        if kreis in with_alliances:
            assert len(part.actors) < len(ds.actors), kreis  # a shard, not the whole graph
        for user in users:
            whole, shard = scope(ds, user), scope(part, user)
            if kreis not in whole.municipalities:
                assert kreis not in shard.municipalities
                continue
            sel = MapFilter(kreis=kreis)
            assert map_for(shard, as_of, sel) == map_for(whole, as_of, sel), (kreis, user.role)
            assert map_for(shard, as_of, sel, max_nodes=None) == map_for(whole, as_of, sel, max_nodes=None), \
                (kreis, user.role)
    store.close()


def test_office_results_are_kept_per_user_and_date_until_the_next_write(demo_store, monkeypatch):
    from datetime import date

    import graph.health
    import graph.office
    from graph.access import User

    admin, coordinator = User("admin", "admin"), User("k", "coordinator", kreis="05315")
    day = date(2026, 6, 1)
    first, reference = api.office_view(demo_store, admin, day, "sb-koeln")
    files = [p for p in snapshot.shard_dir(demo_store.path).iterdir() if p.name.startswith("derived-")]
    assert len(files) == 1 and stat.S_IMODE(files[0].stat().st_mode) == 0o600
    assert first.as_dict() == graph.office.office_view(api.read(demo_store), "sb-koeln", day).as_dict()
    assert set(reference.service_offices) == {"sb-koeln", "sb-magdeburg"} and not reference.actors

    def no_check(*args, **kwargs):
        raise AssertionError("checked every alliance again")

    monkeypatch.setattr(graph.health, "check_alliances", no_check)
    monkeypatch.setattr(graph.office, "office_view", no_check)
    again, _ = api.office_view(demo_store, admin, day, "sb-koeln")
    assert again.as_dict() == first.as_dict()
    for other_user, other_day, office in ((coordinator, day, "sb-koeln"), (admin, date(2026, 6, 2), "sb-koeln"),
                                          (admin, day, "sb-magdeburg")):
        with pytest.raises(AssertionError, match="again"):
            api.office_view(demo_store, other_user, other_day, office)
    monkeypatch.undo()
    api.dismiss(demo_store, "introduction", "demo-p061", "demo-p297")
    assert not any(snapshot.shard_dir(demo_store.path).iterdir())


def test_the_map_of_a_kreis_is_kept_per_user_and_date_and_an_erased_person_survives_in_none(demo_store, monkeypatch):
    from datetime import date

    import graph.netmap.html
    from graph.access import User
    from graph.netmap import MapFilter, map_for
    from graph.privacy import erase_person

    admin, coordinator = User("admin", "admin"), User("k", "coordinator", kreis="05315")
    day = date(2026, 6, 1)
    page = api.kreis_map(demo_store, admin, day, "05315")
    assert page == graph.netmap.html.map_page(api.read(demo_store), kreis="05315", as_of=day)
    kept = [p for p in snapshot.shard_dir(demo_store.path).iterdir() if p.name.startswith("derived-map-kreis-")]
    assert len(kept) == 1 and stat.S_IMODE(kept[0].stat().st_mode) == 0o600
    assert api.kreis_map(demo_store, admin, day, "99999") is None
    assert len(list(snapshot.shard_dir(demo_store.path).glob("derived-*"))) == 1  # nothing kept for no Kreis

    def no_drawing(*args, **kwargs):
        raise AssertionError("drew the map again")

    monkeypatch.setattr(graph.netmap.html, "map_page", no_drawing)
    assert api.kreis_map(demo_store, admin, day, "05315") == page
    for user, other_day, kreis in ((coordinator, day, "05315"), (admin, date(2026, 6, 2), "05315"),
                                   (admin, day, "05334")):
        with pytest.raises(AssertionError, match="again"):
            api.kreis_map(demo_store, user, other_day, kreis)
    monkeypatch.undo()

    shown = {n.id for n in map_for(api.read(demo_store), day, MapFilter(kreis="05315")).nodes}
    ds = api.read(demo_store)
    person = next(a for a in ds.actors.values() if a.id in shown and not a.is_refugee_youth)
    assert person.name in page
    erase_person(demo_store, person.id, user=admin)
    assert not any(p.name.startswith("derived-") for p in snapshot.shard_dir(demo_store.path).iterdir())
    after = api.kreis_map(demo_store, admin, day, "05315")
    assert person.name not in after and person.id not in after
    for kept_file in snapshot.shard_dir(demo_store.path).iterdir():
        assert person.name.encode() not in kept_file.read_bytes(), kept_file.name


def test_a_kept_kreis_map_is_written_without_networkx_or_numpy(demo_store, tmp_path):
    """A command answered from a kept page pays neither the layout nor its imports (about 0.3 s)."""
    import subprocess
    import sys
    from pathlib import Path

    script = ("import sys\n"
              "from graph.cli import main\n"
              "code = main(sys.argv[1:])\n"
              "print(code, sorted(m for m in ('networkx', 'numpy', 'jinja2') if m in sys.modules))\n")
    args = ["--store", f"sqlite:///{demo_store.path}", "map", "--kreis", "05315", "--as-of", "2026-06-01"]
    accounts = tmp_path / "accounts.json"
    from graph.accounts import set_single_user

    set_single_user(accounts)
    env = {**os.environ, "BUENDNISNETZ_ACCOUNTS": str(accounts),
           "PYTHONPATH": str(Path(__file__).resolve().parents[1])}
    outputs = []
    for n in (1, 2):
        out = tmp_path / f"k{n}.html"
        done = subprocess.run([sys.executable, "-c", script, *args, "--out", str(out)], env=env,
                              capture_output=True, text=True, check=True)
        outputs.append((done.stdout.strip(), out.read_text(encoding="utf-8")))
    (first, first_page), (second, second_page) = outputs
    assert first.startswith("0 ") and "networkx" in first  # drawn: building the map imported it
    assert second == "0 []"
    assert second_page == first_page


def test_one_alliance_builds_only_its_kreis_shard_and_another_kreis_comes_from_the_snapshot(demo_store, monkeypatch):
    from graph.model import kreis_of

    ds = demo_store.read()
    home = kreis_of(ds.alliances["demo-b09"].municipality)
    other = next(kreis_of(a.municipality) for a in ds.alliances.values() if kreis_of(a.municipality) != home)
    demo_store.read_alliance("demo-b09")
    assert sorted(p.name for p in snapshot.shard_dir(demo_store.path).iterdir()) == ["index", f"kreis-{home}"]
    monkeypatch.setattr(demo_store, "_read_rows", lambda: pytest.fail("read every row for a second Kreis"))
    monkeypatch.setattr(demo_store, "_read_parts", lambda: pytest.fail("read every row for a second Kreis"))
    part = demo_store.read_kreis(other)
    assert any(kreis_of(a.municipality) == other for a in part.alliances.values())
    assert len(part.actors) < len(ds.actors)
    assert (snapshot.shard_dir(demo_store.path) / f"kreis-{other}").exists()
    assert demo_store.read_kreis("../../x") is not None  # not a Kreis: the whole graph, no file
    assert len(list(snapshot.shard_dir(demo_store.path).iterdir())) == 3


@pytest.mark.parametrize("data", ["demo", "synthetic"])
def test_a_shard_read_from_the_rows_equals_the_kreis_cut_from_the_whole_graph(tmp_path, data):
    from graph.model import kreis_of

    store = _filled_store(tmp_path, data)
    ds = store.read()
    placed = {kreis_of(p) for n in [*ds.actors, *ds.institutions] if (p := ds.municipality_of_member(n))}
    kreise = sorted({snapshot.kreis_of_alliance(ds, a) for a in ds.alliances} | placed)
    for kreis in kreise:
        snapshot.invalidate_shards(store.path)  # read from the rows, not from a kept shard
        part = store.read_kreis(kreis) if kreis != snapshot.NO_PLACE else None
        if part is None:
            continue
        assert part == snapshot.kreis_slice(ds, kreis), kreis
        for name in ("alliances", "actors", "institutions", "memberships", "ties", "offers"):
            assert list(getattr(part, name)) == list(getattr(snapshot.kreis_slice(ds, kreis), name)), (kreis, name)
    store.close()


def test_the_check_of_all_alliances_is_kept_until_the_next_write(demo_store, monkeypatch):
    from datetime import date

    import graph.health
    from graph.access import User

    admin = User("admin", "admin")
    first = api.health_reports(demo_store, admin, date(2026, 6, 1))
    monkeypatch.setattr(graph.health, "check_alliances", lambda *a, **k: pytest.fail("checked every alliance again"))
    assert [r.as_dict() for r in api.health_reports(demo_store, admin, date(2026, 6, 1))] == \
        [r.as_dict() for r in first]
    monkeypatch.undo()
    api.dismiss(demo_store, "introduction", "demo-p061", "demo-p297")
    assert not any(p.name.startswith("derived-") for p in snapshot.shard_dir(demo_store.path).iterdir())


def test_a_store_without_kept_results_checks_the_dataset_it_was_given(demo_store):
    from datetime import date

    from graph.health import check_alliances

    class Plain:  # a store that keeps nothing (as the Neo4j store): no second read of the graph
        def read(self):
            pytest.fail("read the whole graph again")

    ds = demo_store.read()
    day = date(2026, 6, 1)
    assert [r.as_dict() for r in api.health_reports(Plain(), "admin", day, ds)] == \
        [r.as_dict() for r in check_alliances(ds, day)]


def test_health_of_all_alliances_first_after_a_write_loads_the_graph_once(demo_store, monkeypatch, capsys):
    """The command reads the graph for its output; checking every alliance (then kept) uses that same
    dataset instead of loading the snapshot it has just written (x10: 0.2 s of the first call)."""
    from graph.cli import main

    api.dismiss(demo_store, "introduction", "demo-p061", "demo-p297")  # a write: no snapshot, nothing kept
    loads, row_reads = [], []
    load, read_rows = snapshot.load, SQLiteStore._read_parts
    monkeypatch.setattr(snapshot, "load", lambda *a: loads.append(a) or load(*a))
    monkeypatch.setattr(SQLiteStore, "_read_parts", lambda self: row_reads.append(self) or read_rows(self))
    args = ["--store", f"sqlite:///{demo_store.path}", "health", "--as-of", "2026-06-01", "--format", "json"]
    assert main(args) == 0
    first = capsys.readouterr().out
    assert (len(loads), len(row_reads)) == (1, 1)  # one look for a snapshot (none yet), one read of the rows
    assert main(args) == 0
    assert capsys.readouterr().out == first


@pytest.mark.parametrize("data", ["demo", "synthetic"])
def test_the_members_part_read_from_the_rows_is_the_graph_without_persons_outside_alliances(tmp_path, data):
    """graph.store.slices.member_rows (what office --office reads from a Bolt server), asked in SQL."""
    from graph.store.graphmap import dataset_from_rows
    from graph.store.slices import SQLiteRows, member_rows

    store = _filled_store(tmp_path, data)
    ds = store.read()
    members = {m.member for m in ds.memberships.values()}
    part = dataset_from_rows(*member_rows(SQLiteRows(store.conn)))
    assert part.actors == {k: a for k, a in ds.actors.items() if k in members}
    assert part.ties == {k: t for k, t in ds.ties.items() if t.source in members and t.target in members}
    for name in ("states", "municipalities", "service_offices", "topics", "alliances", "institutions",
                 "memberships", "offers"):
        assert getattr(part, name) == getattr(ds, name), name
    assert len(part.actors) < len(ds.actors)
    store.close()


@pytest.mark.parametrize("data", ["demo", "synthetic"])
def test_the_embedded_store_reads_the_members_part_as_member_rows_gives_it_item_for_item_in_order(tmp_path, data):
    """SQLiteStore.read_members after a write (its own SQL, not member_rows) builds the same dataset as
    member_rows does: every table equal, types included, and in the same order."""
    from graph.store.graphmap import LABELS, dataset_from_rows
    from graph.store.slices import SQLiteRows, member_rows

    store = _filled_store(tmp_path, data)
    store.conn.execute("INSERT INTO rels VALUES ('KNOWS', 'Actor', 'nobody', 'Actor', 'nobody-else', '', '{}')")
    snapshot.invalidate(snapshot.snapshot_path(store.path))
    part = store.read_members()
    expected = dataset_from_rows(*member_rows(SQLiteRows(store.conn)))
    for name in [*LABELS.values(), "memberships", "ties"]:
        got, want = getattr(part, name), getattr(expected, name)
        assert list(got.items()) == list(want.items()), name
        assert [type(v) for v in got.values()] == [type(v) for v in want.values()], name
    assert part.ties and part.memberships and part.actors
    store.close()


def test_kept_results_stay_within_their_budget_the_least_recently_used_go_first(tmp_path, monkeypatch):
    """A store read for weeks without a write would gather a map page per Kreis, date and account; kept
    results stop at DERIVED_BUDGET bytes, and what was used last stays."""
    import os

    db = tmp_path / "store.db"
    key = (1, 1, "2026-11-30")
    blob = b"x" * 10_000
    monkeypatch.setattr(snapshot, "DERIVED_BUDGET", 45_000)  # room for four of them
    for n in range(4):
        snapshot.save_derived(db, key, "map-kreis", (n,), blob)
        path = snapshot.derived_path(db, "map-kreis", (n,))
        os.utime(path, ns=(n * 10**9, n * 10**9))  # saved in this order, a second apart
    assert snapshot.load_derived(db, key, "map-kreis", (0,)) == blob  # the oldest, used again just now
    snapshot.save_derived(db, key, "map-kreis", (4,), blob)
    kept = {n for n in range(5) if snapshot.derived_path(db, "map-kreis", (n,)).exists()}
    assert kept == {0, 2, 3, 4}  # number 1 was the least recently used
    for n in kept:
        assert snapshot.load_derived(db, key, "map-kreis", (n,)) == blob
    monkeypatch.setattr(snapshot, "DERIVED_BUDGET", 1)
    snapshot.save_derived(db, key, "health", ("big",), blob)  # larger than the budget alone: kept, the rest go
    assert [p.name for p in snapshot.shard_dir(db).glob("derived-*")] == \
        [snapshot.derived_path(db, "health", ("big",)).name]


def test_relationships_into_given_nodes_are_read_through_the_index_by_target(demo_store):
    """SQLiteRows.rels_to (ties into a Kreis' members) must look the targets up in rels_by_dst: given a
    list of types, SQLite's planner prefers the primary key's leading `type` and walks every tie (x100:
    0.2 s per call instead of 2 ms)."""
    import json

    from graph.store.slices import SQLiteRows

    captured: list[tuple[str, tuple]] = []
    conn = demo_store.conn

    class Recording:
        def execute(self, sql, params=()):
            captured.append((sql, params))
            return conn.execute(sql, params)

    targets = sorted({conn.execute("SELECT dst_id FROM rels WHERE type = ? LIMIT 1", (t,)).fetchone()[0]
                      for t in ("KNOWS", "COOPERATES_WITH")})
    rows = SQLiteRows(Recording())  # type: ignore[arg-type]
    found = rows.rels_to(("KNOWS", "COOPERATES_WITH"), ("Actor", "Institution"), targets)
    [(sql, params)] = captured
    plan = " ".join(row[3] for row in conn.execute("EXPLAIN QUERY PLAN " + sql, params))
    assert "USING INDEX rels_by_dst" in plan or "USING COVERING INDEX rels_by_dst" in plan, plan
    every = [r for r in conn.execute("SELECT type, src_label, src_id, dst_label, dst_id, key, props FROM rels")
             if r[0] in ("KNOWS", "COOPERATES_WITH") and r[4] in targets]
    assert sorted(found) == sorted(every) and {r[0] for r in found} == {"KNOWS", "COOPERATES_WITH"}
    assert json.loads(params[2]) == targets
