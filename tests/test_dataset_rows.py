"""Building the dataset from the stored rows: the fast construction equals the straightforward one.

The first read after every write builds the whole graph from its rows
(:func:`graph.store.graphmap.dataset_from_rows`) and keeps it as a snapshot
(:mod:`graph.store.snapshot`); both are tuned for speed (issue 17). Here they are
compared item for item, in order and with the type of every field (``1 == 1.0`` would
hide an int where a float belongs), with the plain construction they replaced, on the demo
and on synthetic data.
"""

from __future__ import annotations

import json
from dataclasses import fields
from datetime import date

import pytest

from graph import api
from graph.model import (
    ALL_LISTS,
    Actor,
    Alliance,
    Dataset,
    Institution,
    Membership,
    Municipality,
    Offer,
    ServiceOffice,
    State,
    Tie,
    Topic,
)
from graph.store import snapshot
from graph.store.graphmap import dataset_from_parts, dataset_from_rows
from graph.store.sqlite import SQLiteStore


def reference_dataset_from_rows(nodes, rels) -> Dataset:
    """The construction as it was before issue 17's tuning: one item at a time, through ``key``."""
    def d(value):
        return date.fromisoformat(value) if value else None

    owned: dict = {}
    memberships, ties = [], []
    for (type_, src_label, src, _dst_label, dst, _key), props in rels.items():
        if type_ == "MEMBER_OF":
            memberships.append(Membership(src, dst, d(props.get("since")), d(props.get("until")), props.get("role")))
        elif type_ in ("KNOWS", "COOPERATES_WITH"):
            strength, trust, value = props.get("strength"), props.get("trust"), props.get("value")
            ties.append(Tie(src, dst, d(props.get("since")), float(strength) if strength is not None else None,
                            props.get("frequency"), float(trust) if trust is not None else None,
                            float(value) if value is not None else None, props.get("wave"),
                            props.get("reported_by")))
        else:
            owned.setdefault((src_label, src, type_), []).append(dst)

    def one(label, ident, type_):
        targets = owned.get((label, ident, type_))
        return sorted(targets)[0] if targets else None

    def many(label, ident, type_):
        return tuple(sorted(owned.get((label, ident, type_), ())))

    ds = Dataset()
    for ident, p in nodes.get("State", {}).items():
        ds.add(State(ident, p.get("name", ident)))
    for ident, p in nodes.get("Municipality", {}).items():
        ds.add(Municipality(ident, p.get("name", ident), p.get("level"), p.get("state")))
    for ident, p in nodes.get("ServiceOffice", {}).items():
        ds.add(ServiceOffice(ident, p.get("name", ident), p.get("city"), many("ServiceOffice", ident, "SERVES")))
    for ident, p in nodes.get("Topic", {}).items():
        ds.add(Topic(ident, p.get("name", ident)))
    for ident, p in nodes.get("Institution", {}).items():
        ds.add(Institution(ident, p.get("name", ident), p.get("type"), p.get("sector"),
                           one("Institution", ident, "LOCATED_IN")))
    for ident, p in nodes.get("Actor", {}).items():
        ds.add(Actor(ident, p.get("name", ident), p.get("role"), one("Actor", ident, "WORKS_AT"),
                     one("Actor", ident, "LIVES_IN"), bool(p.get("is_refugee_youth", False)), p.get("pseudonym")))
    for ident, p in nodes.get("Alliance", {}).items():
        ds.add(Alliance(ident, p.get("name", ident), one("Alliance", ident, "LOCATED_IN"), d(p.get("founded")),
                        p.get("status", "aktiv"), many("Alliance", ident, "WORKS_ON"),
                        one("Alliance", ident, "SUPPORTED_BY")))
    for ident, p in nodes.get("Offer", {}).items():
        reached = p.get("people_reached")
        ds.add(Offer(ident, p.get("type"), p.get("title"), d(p.get("date")), one("Offer", ident, "OFFERED_BY"),
                     one("Offer", ident, "FOR"), one("Offer", ident, "LOCATED_IN"), many("Offer", ident, "WITH"),
                     int(reached) if reached is not None else None, p.get("note")))
    for m in memberships:
        ds.add(m)
    for t in ties:
        ds.add(t)
    return ds


def reference_rows(store: SQLiteStore):
    """The rows as read before: one ``json.loads`` per row."""
    nodes: dict = {}
    rels: dict = {}
    for label, ident, props in store.conn.execute("SELECT label, id, props FROM nodes"):
        nodes.setdefault(label, {})[ident] = json.loads(props)
    for *key, props in store.conn.execute("SELECT type, src_label, src_id, dst_label, dst_id, key, props FROM rels"):
        rels[tuple(key)] = json.loads(props)
    return nodes, rels


def exactly(ds: Dataset) -> dict:
    """Every table as a list of (key, class, (field, type, value) ...), in the table's order."""
    return {name: [(key, type(item), tuple((f.name, type(getattr(item, f.name)), getattr(item, f.name))
                                           for f in fields(item)))
                   for key, item in getattr(ds, name).items()]
            for name in ALL_LISTS}


def _synthetic():
    import sys
    from pathlib import Path

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate

    return json.loads(json.dumps(generate(0.3, seed=11)))


@pytest.fixture(params=["demo", "synthetic"])
def store(request, tmp_path):
    store = SQLiteStore(tmp_path / "s.db")
    if request.param == "demo":
        api.load_demo(store, anchor=date(2026, 6, 1))
    else:
        api.init_store(store)
        api.import_document(store, _synthetic(), "synthetisch")
    yield store
    store.close()


def test_the_dataset_from_the_rows_equals_the_straightforward_construction(store):
    expected = exactly(reference_dataset_from_rows(*reference_rows(store)))
    assert sum(len(v) for v in expected.values()) > 300
    assert exactly(dataset_from_rows(*reference_rows(store))) == expected
    assert exactly(dataset_from_rows(*store._read_rows())) == expected
    assert exactly(dataset_from_parts(*store._read_parts())) == expected  # what a read without snapshot does
    snapshot.invalidate(snapshot.snapshot_path(store.path))
    assert exactly(store.read()) == expected  # built from the rows, and kept
    assert snapshot.snapshot_path(store.path).exists()
    assert exactly(store.read()) == expected  # from the snapshot file


def test_odd_rows_give_the_same_dataset_as_the_straightforward_construction():
    """What generated data lacks: several targets of a one-target field (the smallest wins), a tie stored
    in both directions and a membership twice (the last wins, at the first one's place), integers in
    float fields, texts in odd places, missing names and dates."""
    nodes = {
        "Municipality": {"05315000": {"name": "Köln", "level": "kreisfreie_stadt", "state": "NW"}},
        "Institution": {"i2": {"name": "B", "type": "schule", "sector": "bildung"}, "i1": {"type": "kita"}},
        "Actor": {"p2": {"name": "Zoe", "is_refugee_youth": 1, "pseudonym": "X"}, "p1": {"name": "Al", "role": "r"}},
        "Alliance": {"a1": {"name": "A", "founded": "2020-02-29", "status": "ruhend"}, "a2": {}},
        "Offer": {"o1": {"type": "dialog", "title": "T", "date": "2026-01-05", "people_reached": 12}},
        "Topic": {"t1": {"name": "Bildung"}, "t0": {}},
    }
    rels = {}
    for key, props in [
        (("WORKS_AT", "Actor", "p1", "Institution", "i2", ""), {}),
        (("WORKS_AT", "Actor", "p1", "Institution", "i1", ""), {}),
        (("LOCATED_IN", "Alliance", "a1", "Municipality", "05315000", ""), {}),
        (("WORKS_ON", "Alliance", "a1", "Topic", "t1", ""), {}),
        (("WORKS_ON", "Alliance", "a1", "Topic", "t0", ""), {}),
        (("WITH", "Offer", "o1", "Actor", "p2", ""), {}),
        (("WITH", "Offer", "o1", "Actor", "p1", ""), {}),
        (("MEMBER_OF", "Actor", "p1", "Alliance", "a1", "2021-01-01"), {"since": "2021-01-01", "role": "x"}),
        (("MEMBER_OF", "Actor", "p2", "Alliance", "a1", ""), {"until": "2024-12-31"}),
        (("MEMBER_OF", "Actor", "p1", "Alliance", "a2", ""), {}),
        (("KNOWS", "Actor", "p2", "Actor", "p1", ""), {"strength": 2, "trust": 3.5, "value": 1, "since": "2022-03-01"}),
        (("KNOWS", "Actor", "p1", "Actor", "p2", ""), {"strength": 0.25, "frequency": "monatlich", "wave": "w1",
                                                         "reported_by": "p1"}),
        (("COOPERATES_WITH", "Institution", "i1", "Institution", "i2", ""), {}),
    ]:
        rels[key] = props
    expected = exactly(reference_dataset_from_rows(nodes, rels))
    assert exactly(dataset_from_rows(nodes, rels)) == expected
    assert len(expected["ties"]) == 2 and expected["ties"][0][2][3] == ("strength", float, 0.25)


def test_a_snapshot_with_rows_that_fit_no_item_is_a_miss_not_an_error(tmp_path):
    path = tmp_path / "s.snapshot"
    snapshot._save_object(path, (1,), (snapshot._PACKED, (("actors", ["p1"], [("p1",) * 9]),)))
    assert snapshot.load(path, (1,)) is None
    snapshot.save(path, (1,), Dataset(actors={"p1": Actor("p1", "A")}))
    assert snapshot.load(path, (1,)).actors == {"p1": Actor("p1", "A")}
