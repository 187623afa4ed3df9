"""Commands about one Kreis or alliance read only that part of a Bolt store (issue 17).

``health --alliance`` and ``map --kreis`` need the :func:`graph.store.snapshot.kreis_slice` of one
Kreis, not the whole graph. The Bolt store asks for exactly those rows in Cypher
(:class:`graph.store.neo4j.CypherRows`); these tests check against FalkorDB that what it reads
equals the slice cut from the whole graph, item for item, for every Kreis and alliance of the demo,
that the health reports and maps made from it are the same, and that every statement stays within
``batch_bytes`` and FalkorDB's request limit.
"""

from __future__ import annotations

import json
from datetime import date

import neo4j
import pytest

from graph import api
from graph.access import User, scope
from graph.health import check_alliances
from graph.model import kreis_of
from graph.netmap import MapFilter, map_for
from graph.store import open_store, snapshot
from graph.store.neo4j import param_size

LIMIT = 3000  # batch_bytes of the test URI
FALKORDB_REQUEST = 4000  # FalkorDB 4.16 crashes when query text and parameters pass about 4 KB
TABLES = ("states", "municipalities", "service_offices", "topics", "alliances", "actors", "institutions",
          "memberships", "ties", "offers")
AS_OF = date(2026, 6, 1)

pytestmark = pytest.mark.bolt


@pytest.fixture(scope="module")
def demo_bolt(falkordb_server):
    from bolt_server import wipe

    uri = falkordb_server.uri()
    wipe(uri)
    with open_store(uri) as store:
        api.load_demo(store, anchor=AS_OF)
    yield uri
    wipe(uri)


def same_items(part, expected, what) -> None:
    for name in TABLES:
        assert getattr(part, name) == getattr(expected, name), (what, name)


def test_one_kreis_is_read_alone_and_gives_what_the_whole_graph_gives(falkordb_server, demo_bolt, monkeypatch):
    """Item for item the slice of the whole graph, and the same health reports and maps from it."""
    sent: list[tuple[str, dict]] = []
    original = neo4j.Session.run

    def recording(self, query, parameters=None, **kwargs):
        sent.append((query, parameters or {}))
        return original(self, query, parameters, **kwargs)

    users = [User("admin", "admin"), User("o", "office", office="sb-koeln")]
    with open_store(demo_bolt) as store:
        whole = store.read()
        placed = {kreis_of(p) for n in [*whole.actors, *whole.institutions] if (p := whole.municipality_of_member(n))}
        with_alliances = {snapshot.kreis_of_alliance(whole, a) for a in whole.alliances} - {snapshot.NO_PLACE}
        kreise = sorted(with_alliances) + sorted(placed - with_alliances)[:3]  # and some with people only
        assert len(kreise) > 5
        monkeypatch.setattr(store, "_read_rows", lambda: pytest.fail("read the whole graph for one Kreis"))
        monkeypatch.setattr(neo4j.Session, "run", recording)
        for n, kreis in enumerate(kreise):
            here = sorted(a for a in whole.alliances if snapshot.kreis_of_alliance(whole, a) == kreis)
            part = store.read_alliance(here[0]) if here and n % 3 == 0 else store.read_kreis(kreis)
            assert len(part.actors) < len(whole.actors), kreis
            same_items(part, snapshot.kreis_slice(whole, kreis), kreis)
            for user in users:
                mine = [a for a in here if a in scope(whole, user).alliances]
                assert [r.as_dict() for r in check_alliances(scope(part, user), AS_OF, alliance_ids=mine)] == \
                    [r.as_dict() for r in check_alliances(scope(whole, user), AS_OF, alliance_ids=mine)], kreis
            sel = MapFilter(kreis=kreis)
            assert drawn(map_for(part, AS_OF, sel)) == drawn(map_for(whole, AS_OF, sel)), kreis
    assert falkordb_server.alive()
    assert any(" IN $ids " in query for query, _ in sent)
    for query, params in sent:
        assert param_size(params) <= LIMIT, query
        assert len(query.encode("utf-8")) + param_size(params) <= FALKORDB_REQUEST, query


def drawn(graph) -> tuple:
    """A map with its edges in a fixed order and each tie's ends sorted, as tests/golden/outputs.py
    (``canonical_map``) compares the HTML page."""
    edges = sorted((sorted((e.source, e.target)), e.type, sorted(e.tooltip.partition(": ")[0].split(" – ")),
                    e.tooltip.partition(": ")[2], e.weight, e.colour) for e in graph.edges)
    return graph.nodes, edges, graph.title, graph.note, graph.level, graph.aggregated


def test_a_kreis_or_alliance_the_data_lacks_reads_the_whole_graph_and_the_command_says_so(demo_bolt, capsys):
    from graph.cli import main

    with open_store(demo_bolt) as store:
        assert store.read_kreis("99999").alliances == store.read().alliances
    assert main(["--store", demo_bolt, "health", "--alliance", "gibt-es-nicht"]) == 2
    assert "Bündnis 'gibt-es-nicht' gibt es nicht" in capsys.readouterr().err


def test_the_commands_about_one_alliance_or_kreis_read_only_their_part(demo_bolt, monkeypatch, tmp_path, capsys):
    from graph.cli import main
    from graph.store.neo4j import Neo4jStore

    with open_store(demo_bolt) as store:
        whole = store.read()
    alliance = "demo-b09"
    kreis = kreis_of(whole.alliances[alliance].municipality)
    expected = check_alliances(whole, AS_OF, alliance_ids=[alliance])[0].as_dict()
    monkeypatch.setattr(Neo4jStore, "_read_rows", lambda self: pytest.fail("read the whole graph"))
    assert main(["--store", demo_bolt, "health", "--alliance", alliance, "--as-of", "2026-06-01",
                 "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["status"] == expected["status"]
    assert main(["--store", demo_bolt, "map", "--kreis", kreis, "--as-of", "2026-06-01",
                 "--out", str(tmp_path / "k.html")]) == 0
    assert whole.alliances[alliance].name in (tmp_path / "k.html").read_text(encoding="utf-8")


def members_part(ds):
    """The whole graph without persons in no alliance and ties not between two members."""
    members = {m.member for m in ds.memberships.values()}
    part = ds.copy()
    part.actors = {k: a for k, a in ds.actors.items() if k in members}
    part.ties = {k: t for k, t in ds.ties.items() if t.source in members and t.target in members}
    return part


def _same_office_views(store, users, monkeypatch) -> None:
    from graph.office import office_view
    from graph.store.neo4j import Neo4jStore

    whole = store.read()
    part = store.read_members()
    assert len(part.actors) < len(whole.actors) and len(part.ties) < len(whole.ties)
    same_items(part, members_part(whole), "members")
    for user in users:
        for office in sorted(whole.service_offices):
            with monkeypatch.context() as patch:
                patch.setattr(Neo4jStore, "_read_rows", lambda self: pytest.fail("read the whole graph"))
                view, reference = api.office_view(store, user, AS_OF, office)
            seen = scope(whole, user)
            assert view.as_dict() == office_view(seen, office, AS_OF).as_dict(), (user.role, office)
            assert reference.states == seen.states and reference.service_offices == seen.service_offices


def test_the_office_view_from_what_it_reads_equals_the_view_from_the_whole_graph(demo_bolt, monkeypatch):
    """``office --office`` on a Bolt store reads the graph without persons in no alliance and without
    ties not between two members; its view is the same, for every office and role (demo, then a
    small synthetic data set with many persons outside alliances)."""
    import sys
    from pathlib import Path

    from bolt_server import wipe

    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate

    with open_store(demo_bolt) as store:
        whole = store.read()
        users = [User("admin", "admin"), User("o", "office", office="sb-koeln"),
                 User("k", "coordinator", kreis=kreis_of(whole.alliances["demo-b09"].municipality)),
                 User("v", "viewer")]
        _same_office_views(store, users, monkeypatch)
        try:
            wipe(demo_bolt)
            api.init_store(store)
            api.import_document(store, json.loads(json.dumps(generate(0.05, seed=3))), "synthetisch")
            _same_office_views(store, users[:2] + [User("k", "coordinator", kreis="05315")], monkeypatch)
        finally:
            wipe(demo_bolt)
            api.load_demo(store, anchor=AS_OF)  # the module's other tests read the demo
