"""The row path of an import (graph/rowimport.py) writes exactly what the full path writes.

Every import runs twice into fresh stores, once as it runs (the row path where it can) and once
with the row path switched off (validate, plan_upsert, apply). Both must leave identical tables
(nodes, relationships, audit rows byte for byte but the time, revision) and return identical
results (counts in order, warnings, number of changes); bad input must fail with identical
problems and write nothing. The tests also check which path ran, so a row path that silently
always fell back could not pass them.
"""

from __future__ import annotations

import json
import sqlite3
import sys
from pathlib import Path

import pytest

from graph import api, rowimport
from graph.access import User
from graph.demo import build_demo
from graph.errors import InputError
from graph.model import Dataset
from graph.store import open_store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from generate import generate  # noqa: E402
from test_validate_fast import mutated  # noqa: E402

#: Valid values in every form the row path takes itself (German dates, "ja", floats, survey ties, ...).
VARIED = {
    "institutions": [
        {"id": "e1", "name": "Jugendamt Flensburg", "type": "jugendamt", "sector": "verwaltung",
         "municipality": "01001"},
        {"id": "e2", "name": "Schule „Nord“ \\ Zweig", "type": "schule", "sector": "bildung"},
        {"id": "e3", "name": "Jugendamt Flensburg", "type": "jugendamt", "sector": "verwaltung",
         "municipality": "01001"},  # a likely duplicate: a warning
    ],
    "actors": [
        {"id": "p1", "name": "Ayşe Öztürk", "role": "Leitung", "institution": "e1"},
        {"id": "p2", "name": "Junge Person", "is_refugee_youth": "ja", "municipality": "01001"},
        {"id": "p3", "name": "Noch Jemand", "is_refugee_youth": True, "pseudonym": "Jugendliche*r 00AB12",
         "municipality": "01002"},
        {"id": "p4", "name": "Ohne Rolle", "is_refugee_youth": "nein", "municipality": "01001"},
        {"id": "p5", "name": "Ayşe Öztürk", "institution": "e2"},
    ],
    "alliances": [
        {"id": "b1", "name": "Bündnis Nord", "municipality": "01001", "founded": "01.02.2016",
         "topics": ["Kinderschutz", "Ganz neues Thema"], "office": "sb-x"},
        {"id": "b2", "name": "Bündnis Süd", "municipality": "01002", "status": "ruhend"},
    ],
    "service_offices": [{"id": "sb-x", "name": "Servicebüro X", "city": "Kiel", "states": ["SH"]}],
    "offers": [{"id": "o1", "type": "fortbildung", "title": "Fortbildung", "date": "2020-03-01", "alliance": "b1",
                "participants": ["p1", "e2"], "people_reached": 12}],
    "memberships": [
        {"member": "p1", "alliance": "b1", "since": "2016-02-01", "role": "Koordination"},
        {"member": "p1", "alliance": "b1", "since": "01.03.2019", "until": "2020-01-01"},
        {"member": "e1", "alliance": "b1"},
        {"member": "p2", "alliance": "b2", "until": "2021-05-05", "role": "Mitglied"},
    ],
    "ties": [
        {"source": "p1", "target": "p2", "since": "2016-01-07", "strength": 2},
        {"source": "p4", "target": "p2", "since": "07.01.2016", "strength": 2.25},
        {"source": "e1", "target": "e2"},
        {"source": "p1", "target": "p4", "strength": 0.1234},
        {"source": "p3", "target": "p1", "frequency": "monatlich", "trust": 3, "value": 2.5,
         "wave": "w1", "reported_by": "p3", "since": "2019-12-31"},
        {"source": "p5", "target": "p3", "trust": 4},
    ],
}


def dump(path: Path) -> dict:
    """Every row of the graph and the audit (times aside, blobs as stored) and the revision."""
    with sqlite3.connect(path) as conn:
        return {"nodes": sorted(conn.execute("SELECT * FROM nodes")),
                "rels": sorted(conn.execute("SELECT * FROM rels")),
                "audit": list(conn.execute("SELECT seq, user, action, target, before, after FROM audit ORDER BY seq")),
                "meta": sorted(conn.execute("SELECT * FROM meta"))}


def outcome(store, doc: dict, **kwargs):
    try:
        result = api.import_document(store, doc, "doc.json", **kwargs)
    except InputError as exc:
        return "problems", [str(p) for p in exc.problems]
    return "ok", (list(result.counts.items()), [str(w) for w in result.warnings], result.changes, result.dry_run)


@pytest.fixture
def paths(monkeypatch):
    """Count what plan_rows decided: ``taken`` (rows) and ``declined`` (None)."""
    monkeypatch.setenv("BUENDNISNETZ_TEST_SEED", "11")  # the same pseudonyms on both paths
    seen = {"taken": 0, "declined": 0}
    real = rowimport.plan_rows

    def spy(*args, **kwargs):
        plan = real(*args, **kwargs)
        seen["taken" if plan is not None else "declined"] += 1
        return plan

    monkeypatch.setattr(api, "plan_rows", spy)
    return seen


def both_ways(tmp_path, monkeypatch, paths, steps):
    """Run `steps(store)` (a list of outcomes) on a fresh store each way; return both outcomes and dumps."""
    out = []
    spy = api.plan_rows
    for name, plan in (("rows", spy), ("full", lambda *a, **k: None)):
        monkeypatch.setattr(api, "plan_rows", plan)
        path = tmp_path / f"{name}.db"
        store = open_store(f"sqlite:///{path}")
        api.init_store(store)
        results = steps(store)
        store.close()
        out.append((results, dump(path)))
    monkeypatch.setattr(api, "plan_rows", spy)
    return out


def synthetic() -> dict:
    return {k: v for k, v in generate(0.2, seed=5).items() if k != "format"}


@pytest.mark.parametrize("make", [lambda: VARIED, build_demo, synthetic], ids=["varied", "demo", "synthetic"])
def test_a_first_import_writes_the_same_rows_audit_and_result(make, tmp_path, monkeypatch, paths):
    doc = make()
    (rows, rows_dump), (full, full_dump) = both_ways(tmp_path, monkeypatch, paths,
                                                     lambda store: [outcome(store, doc)])
    assert paths["taken"] >= 2 and rows[0][0] == "ok"  # reference data, then the document itself
    assert rows == full
    assert rows_dump == full_dump


def test_the_varied_document_exercises_every_branch(tmp_path, monkeypatch, paths):
    """Not a vacuous comparison: warnings, pseudonyms, survey ties and owned relationships are there."""
    (rows, dump_), _ = both_ways(tmp_path, monkeypatch, paths, lambda store: [outcome(store, VARIED)])
    counts, warnings, changes, _dry = rows[0][1]
    assert len(warnings) == 2 and "mögliches Duplikat" in warnings[0]
    assert dict(counts)["ties"]["new"] == 6 and dict(counts)["topics"]["new"] == 1
    props = {(label, ident): json.loads(p) for label, ident, p in dump_["nodes"]}
    assert props[("Actor", "p2")]["pseudonym"].startswith("Jugendliche*r ")
    assert props[("Actor", "p3")]["pseudonym"] == "Jugendliche*r 00AB12"
    assert {r[0] for r in dump_["rels"]} >= {"WORKS_AT", "LIVES_IN", "LOCATED_IN", "MEMBER_OF", "KNOWS",
                                             "COOPERATES_WITH", "WITH", "WORKS_ON", "SUPPORTED_BY", "FOR"}


def test_imports_on_top_of_stored_data_match(tmp_path, monkeypatch, paths):
    """New persons and ties next to stored ones, changed alliances (before/after, moved topics), then
    the same file again (stored items: the full path) and a dry run."""
    first = synthetic()
    more = {"alliances": [dict(first["alliances"][0], topics=["Ein anderes Thema"], status="ruhend")],
            "actors": [{"id": "neu-1", "name": "Neue Person", "institution": first["institutions"][0]["id"]},
                       {"id": "neu-2", "name": "Junge Neue", "is_refugee_youth": True, "municipality": "01001"}],
            "ties": [{"source": "neu-1", "target": first["actors"][0]["id"], "since": "2020-01-01"}],
            "memberships": [{"member": "neu-2", "alliance": first["alliances"][0]["id"]}]}

    def steps(store):
        return [outcome(store, first), outcome(store, more, dry_run=True), outcome(store, more),
                outcome(store, first), outcome(store, more)]

    (rows, rows_dump), (full, full_dump) = both_ways(tmp_path, monkeypatch, paths, steps)
    assert rows == full
    assert rows_dump == full_dump
    assert rows[2][1][0][6] == ("alliances", {"new": 0, "changed": 1, "unchanged": 0})
    assert paths["taken"] >= 4 and paths["declined"] >= 2  # a re-import of stored persons goes the full way


@pytest.mark.parametrize("part", [0, 1, 2])
def test_bad_input_fails_the_same_way_and_writes_nothing(part, tmp_path, monkeypatch, paths):
    doc = {k: v for k, v in mutated(generate(0.2, seed=3), part).items() if k != "format"}
    (rows, rows_dump), (full, full_dump) = both_ways(tmp_path, monkeypatch, paths,
                                                     lambda store: [outcome(store, doc)])
    assert rows == full and rows[0][0] == "problems"
    assert rows_dump == full_dump
    assert paths["declined"] >= 1


@pytest.mark.parametrize("change", [
    lambda d: d["ties"][3].update(since="2020-13-01"),  # a wrong field
    lambda d: d["actors"].append(dict(d["actors"][2])),  # a duplicate id
    lambda d: d["institutions"].append(dict(d["institutions"][1])),
    lambda d: d["memberships"].append(dict(d["memberships"][1])),
    lambda d: d["ties"].append({"source": d["ties"][1]["target"], "target": d["ties"][1]["source"]}),
    lambda d: d["memberships"][1].update(alliance="gibt-es-nicht"),  # an unknown reference
    lambda d: d["actors"].append({"id": d["institutions"][0]["id"], "name": "X"}),  # a person with an institution's id
    lambda d: d["offers"][0].update(participants=["niemand"]),  # a short list's problem
    lambda d: d.update(unbekannt=[{"id": "x"}]),  # an unknown list
], ids=["field", "duplicate", "duplicate-institution", "duplicate-membership", "duplicate-tie", "reference",
        "clash", "offer", "list"])
def test_each_kind_of_problem_is_reported_alike(change, tmp_path, monkeypatch, paths):
    doc = json.loads(json.dumps(synthetic()))
    change(doc)
    (rows, rows_dump), (full, full_dump) = both_ways(tmp_path, monkeypatch, paths,
                                                     lambda store: [outcome(store, doc)])
    assert rows == full and rows[0][0] == "problems"
    assert rows_dump == full_dump


def test_an_erased_person_stays_erased_on_the_row_path(tmp_path, monkeypatch, paths):
    doc = synthetic()
    victim = doc["actors"][0]["id"]

    def steps(store):
        first = outcome(store, doc)
        api.person_erase(store, victim)
        again = outcome(store, {"actors": [doc["actors"][0]]})
        return [first, again]

    (rows, rows_dump), (full, full_dump) = both_ways(tmp_path, monkeypatch, paths, steps)
    assert rows[1][0] == "problems" and "gelöscht" in rows[1][1][0]
    assert rows == full
    assert rows_dump["nodes"] == full_dump["nodes"] and rows_dump["rels"] == full_dump["rels"]
    assert paths["taken"] >= 3  # the second import was refused after the row path planned it


def test_only_an_administrator_takes_the_row_path(tmp_path, monkeypatch, paths):
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    api.init_store(store)
    taken = paths["taken"]
    coordinator = User("k", "coordinator", kreis="01001")
    doc = {"actors": [{"id": "p-x", "name": "Jemand", "municipality": "01001"}]}
    assert outcome(store, doc, user=coordinator)[0] == "ok"
    assert paths["taken"] == taken and paths["declined"] == 0  # access rules: the full path, not even tried
    store.close()


def named(change):
    doc = json.loads(json.dumps(VARIED))
    change(doc)
    return doc


@pytest.mark.parametrize("doc", [
    named(lambda d: d["actors"][0].update(institution="Jugendamt Flensburg (Flensburg)")),  # ambiguous: a problem
    named(lambda d: d["actors"][4].update(institution="Schule „Nord“ \\ Zweig")),  # a name in a long list
    named(lambda d: d["ties"].append({"source": "Noch Jemand", "target": "Ohne Rolle"})),
    named(lambda d: d["offers"][0].update(alliance="Bündnis Süd")),  # a name in a short list
    named(lambda d: (d["alliances"].append({"id": " zz ", "name": "Z", "municipality": "01001"}),
                     d["alliances"].append({"id": "b-other", "name": "zz", "municipality": "01002"}),
                     d["offers"][0].update(alliance="zz"))),  # "zz" is no id resolve_names knows: a name
    named(lambda d: d["memberships"].append({"member": "Ohne Rolle", "alliance": "b2", "since": "2020-01-01"})),
], ids=["ambiguous", "long-list", "tie", "short-list", "spaced-id", "membership"])
def test_names_are_resolved_the_same_way(doc, tmp_path, monkeypatch, paths):
    (rows, rows_dump), (full, full_dump) = both_ways(tmp_path, monkeypatch, paths, lambda store: [outcome(store, doc)])
    assert rows == full
    assert rows_dump == full_dump


def test_files_import_the_same_way(tmp_path, monkeypatch, paths):
    """A JSON file (read as lists, records made only when needed) and a CSV export (records)."""
    doc = synthetic()
    source = tmp_path / "daten.json"
    source.write_text(json.dumps({"format": "buendnisnetz/1", **doc}, ensure_ascii=False), encoding="utf-8")
    store = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    api.init_store(store)
    api.import_document(store, doc, "doc.json")
    api.export(store, "csv", tmp_path / "csv")
    store.close()
    broken = tmp_path / "kaputt.json"
    broken.write_text(json.dumps({**doc, "ties": [*doc["ties"], {"source": "x", "target": "y"}]}), encoding="utf-8")

    def steps(store):
        out = []
        for path in (source, tmp_path / "csv", broken):
            try:
                result = api.import_paths(store, [path])
                out.append(("ok", list(result.counts.items()), [str(w) for w in result.warnings], result.changes))
            except InputError as exc:
                out.append(("problems", [str(p) for p in exc.problems]))
        return out

    (rows, rows_dump), (full, full_dump) = both_ways(tmp_path, monkeypatch, paths, steps)
    assert rows == full and rows[0][0] == "ok" and rows[2][0] == "problems"
    assert rows_dump == full_dump


def tie_rows(items, at_once: bool):
    """The tie rows of `items` by one of the two ways of ``_Rows.ties`` ("undecided" or "declined")."""
    from graph.validate import _Run

    existing = Dataset()
    run = _Run(existing, existing, {"actors": {"p1", "p2", "p3"}, "institutions": {"e1", "e2"}})
    run.fast.kinds.update({"p1": "actor", "p2": "actor", "p3": "actor", "e1": "institution", "e2": "institution"})
    rows = rowimport._Rows(run, rowimport.Lists({}, None, None))
    try:
        if at_once:
            return rows.tie_rows if rows._ties_from_a_list(items) else "declined"
        rows._ties_one_by_one(items)
    except rowimport._Undecided:
        return "undecided"
    return rows.tie_rows


@pytest.mark.parametrize("strengths", [
    [1, 2, 3, None], [1, 2.5, 0.1234, 100], [0, 0, 1], [0.0, 1, 2], [-0.0, 1, 2], [True, 1, 2], [1, 1.0, 2],
    [101, 1, 2], [float("nan"), 1, 2], ["3", 1, 2], [[1], 1, 2], [None, None, None], [1e-4, 99.9999, 50],
])
def test_ties_at_once_build_what_one_by_one_builds(strengths):
    items = [{"source": "p1", "target": "p2", "since": "2016-01-07", "strength": strengths[0]},
             {"source": "p3", "target": "p1", "since": "07.01.2016", "strength": strengths[1]},
             {"source": "e1", "target": "e2", "strength": strengths[2]}]
    one_by_one = tie_rows(items, at_once=False)
    at_once = tie_rows(items, at_once=True)
    assert at_once in ("declined", one_by_one)
    if one_by_one != "undecided" and not any(isinstance(s, float) and s == 0 for s in strengths):
        assert at_once == one_by_one  # the common case is taken at once


@pytest.mark.parametrize("extra", [
    {"source": "p2", "target": "p1"}, {"source": "p1", "target": "p1"}, {"source": "p1", "target": "e1"},
    {"source": "p1", "target": "nobody"}, {"source": "p2", "target": "p3", "frequency": "monatlich"},
    {"source": "p2", "target": "p3", "note": "unknown field"}, {"source": "p2", "target": "p3", "since": ["x"]},
    {"source": "p2", "target": "p3", "since": "2020-02-30"}, {"source": "p2", "target": "p3", "since": None},
    {"source": "p2"}, {"source": 5, "target": "p3"},
])
def test_ties_at_once_decline_what_they_do_not_decide(extra):
    items = [{"source": "p1", "target": "p2", "since": "2016-01-07", "strength": 2}, extra]
    one_by_one = tie_rows(items, at_once=False)
    assert tie_rows(items, at_once=True) in ("declined", one_by_one)


def membership_rows(items, at_once: bool):
    from graph.validate import _Run

    existing = Dataset()
    run = _Run(existing, existing, {"actors": {"p1", "p2"}, "institutions": {"e1"}, "alliances": {"b1", "b 2"}})
    run.fast.kinds.update({"p1": "actor", "p2": "actor", "e1": "institution"})
    rows = rowimport._Rows(run, rowimport.Lists({}, None, None))
    try:
        if at_once:
            return rows.member_rows if rows._memberships_from_a_list(items) else "declined"
        rows._memberships_one_by_one(items)
    except rowimport._Undecided:
        return "undecided"
    return rows.member_rows


@pytest.mark.parametrize("extra", [
    {}, {"since": "2016-01-07"}, {"since": "07.01.2016", "until": "2020-01-01", "role": "Koordination"},
    {"role": " Mitglied "}, {"role": ""}, {"role": 1}, {"role": True}, {"since": True}, {"since": 1},
    {"since": "2020-01-01", "until": "2019-01-01"}, {"until": ["x"]}, {"role": "a\\u0000b"},
    {"member": "nobody"}, {"member": "p1", "alliance": "b1", "since": "2016-02-01"}, {"alliance": "b 2"},
    {"alliance": "unknown"}, {"member": 5}, {"member": "e1", "since": "2016-02-01"},
])
def test_memberships_at_once_build_what_one_by_one_builds(extra):
    items = [{"member": "p1", "alliance": "b1", "since": "2016-02-01", "role": "Mitglied"},
             {"member": "e1", "alliance": "b1", "until": "01.02.2021"},
             {"member": "p2", "alliance": "b1", **extra}]
    one_by_one = membership_rows(items, at_once=False)
    at_once = membership_rows(items, at_once=True)
    assert at_once in ("declined", one_by_one)
    if extra in ({}, {"since": "2016-01-07"}, {"since": "07.01.2016", "until": "2020-01-01", "role": "Koordination"},
                 {"role": " Mitglied "}, {"member": "e1", "since": "2016-02-01"}):
        assert at_once == one_by_one != "undecided"  # the common cases are taken at once


def actor_rows(items):
    """(at once, one by one): the checked fields of ``_Rows.actors`` both ways ("declined", "undecided")."""
    from graph.validate import _Run

    out = []
    for at_once in (True, False):
        existing = Dataset()
        run = _Run(existing, existing, {"actors": {d.get("id") for d in items if isinstance(d.get("id"), str)},
                                        "institutions": {"e1"}, "municipalities": {"01001"}})
        rows = rowimport._Rows(run, rowimport.Lists({}, None, None))
        try:
            found = (rows._actors_at_once(items, {"e1"}) if at_once else rows._actors_one_by_one(items, {"e1"}))
        except rowimport._Undecided:
            found = "undecided"
        out.append("declined" if found is None else found)
    return out


@pytest.mark.parametrize("extra", [
    {}, {"role": "Leitung"}, {"role": " Leitung "}, {"role": ""}, {"role": 5}, {"is_refugee_youth": "ja"},
    {"is_refugee_youth": 1}, {"is_refugee_youth": True}, {"is_refugee_youth": "vielleicht"},
    {"is_refugee_youth": [1]}, {"pseudonym": "Jugendliche*r 00AB12"}, {"pseudonym": "x" * 61},
    {"name": " Name "}, {"name": ""}, {"name": "a\\u0007b"}, {"name": "ä" * 301}, {"name": 5}, {"id": "a b"},
    {"id": "p1"}, {"id": "e1"}, {"institution": "e1"}, {"institution": "e9"}, {"municipality": "01001"},
    {"municipality": "99999"}, {"municipality": 1001}, {"institution": None, "municipality": None},
])
def test_actors_at_once_check_as_one_by_one(extra):
    items = [{"id": "p1", "name": "Eine Person", "role": "Fachkraft", "institution": "e1"},
             {"id": "p2", "name": "Junge Person", "is_refugee_youth": "ja", "municipality": "01001"},
             {"id": "p3", "name": "Noch Jemand", **extra}]
    at_once, one_by_one = actor_rows(items)
    assert at_once in ("declined", one_by_one)
    if extra in ({}, {"role": "Leitung"}, {"role": " Leitung "}, {"is_refugee_youth": "ja"}, {"name": " Name "},
                 {"pseudonym": "Jugendliche*r 00AB12"}, {"institution": "e1"}, {"municipality": "01001"}):
        assert at_once == one_by_one != "undecided"
