"""Every store backend behaves the same: SQLite, FalkorDB over Bolt, Neo4j (NEO4J_URI).

Each test runs once per backend through the ``store_uri`` / ``any_store``
fixtures in conftest.py; tests about the Bolt URI itself run without a server.
"""

from __future__ import annotations

import json
import os
import socket
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pytest

from graph.api import import_document, init_store
from graph.errors import InputError, StoreUnavailable
from graph.io.exchange import records_from_document, to_document
from graph.model import Actor, Alliance, Dataset, Institution, Membership, Municipality, State, Tie, Topic
from graph.store import open_store, plan_delete, plan_upsert
from graph.store.neo4j import Neo4jStore, batches, parse_bolt_uri
from graph.validate import validate

#: Strings that would end a quoted literal or smuggle Cypher if a backend spliced values into queries.
NASTY = [
    "O'Brien & Söhne",
    'Verein "Hand in Hand"',
    "back\\slash \\' \\\\ end\\",
    "x'}) DETACH DELETE n //",
    "'; MATCH (n) DETACH DELETE n; //",
    "\"}) MATCH (m) DETACH DELETE m RETURN 1 //",
    "$rows {id: 1} `Actor`",
]


def small_document(**changes) -> dict:
    """A Kreis (Köln, 05315) with three institutions, three people, one alliance, ties and an offer."""
    doc = {
        "format": "buendnisnetz/1",
        "institutions": [
            {"id": "inst-jugendamt", "name": "Jugendamt Köln", "type": "jugendamt", "sector": "verwaltung",
             "municipality": "05315"},
            {"id": "inst-traeger", "name": "Kölner Jugendhilfe e. V.", "type": "freier_traeger",
             "sector": "freie_wohlfahrt", "municipality": "05315"},
            {"id": "inst-mo", "name": "Afghanischer Kulturverein", "type": "migrantenorganisation",
             "sector": "migrantenorganisation", "municipality": "05315"},
        ],
        "actors": [
            {"id": "act-anna", "name": "Anna Becker", "role": "Sozialarbeiterin", "institution": "inst-jugendamt"},
            {"id": "act-samir", "name": "Samir K.", "is_refugee_youth": True, "municipality": "05315",
             "pseudonym": "Komet"},  # without one the import draws a random pseudonym
            {"id": "act-eva", "name": "Eva Vogt", "role": "Ehrenamtliche", "municipality": "05315"},
        ],
        "alliances": [
            {"id": "b-koeln", "name": "Bündnis Köln-Mülheim", "municipality": "05315", "founded": "2016-03-01",
             "topics": ["Unterbringung", "Kinderschutz"], "office": "sb-koeln"},
        ],
        "memberships": [
            {"member": "act-anna", "alliance": "b-koeln", "since": "2016-03-01", "role": "Sprecherin"},
            {"member": "inst-traeger", "alliance": "b-koeln", "since": "2016-03-01"},
            {"member": "act-samir", "alliance": "b-koeln", "since": "2017-01-15", "until": "2019-12-31"},
        ],
        "ties": [
            {"source": "act-anna", "target": "act-eva", "since": "2018-05-01", "strength": 0.8},
            {"source": "inst-jugendamt", "target": "inst-traeger"},
        ],
        "offers": [
            {"id": "of-analyse", "type": "analyseworkshop", "title": "Analyseworkshop Köln", "date": "2016-05-10",
             "office": "sb-koeln", "alliance": "b-koeln"},
        ],
    }
    doc.update(changes)
    return doc


def expected_after_import(before: Dataset, doc: dict) -> Dataset:
    """What a store must hold after importing `doc` on top of `before`, computed without any store."""
    return before.merged(validate(records_from_document(doc, "erwartet"), before).dataset)


def with_options(uri: str, **options) -> str:
    """The Bolt URI with query options replaced; SQLite URIs unchanged."""
    if uri.startswith("sqlite:"):
        return uri
    parts = urlsplit(uri)
    query = dict(parse_qsl(parts.query))
    query.update({k: str(v) for k, v in options.items()})
    return urlunsplit(parts._replace(query=urlencode(query)))


def relationships(store, type_: str) -> set[tuple[str, str]]:
    _, rels = store._read_rows()
    return {(key[2], key[4]) for key in rels if key[0] == type_}


def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# -- schema and reference data ---------------------------------------------------

def test_init_schema_records_the_version_and_can_run_again(store_uri):
    with open_store(store_uri) as store:
        store.init_schema()
        version = store.schema_version()
        store.init_schema()
        assert version >= 1
        assert store.schema_version() == version


def test_init_store_loads_reference_data_and_a_second_run_changes_nothing(any_store):
    first = init_store(any_store)
    revision = any_store.revision()
    second = init_store(any_store)

    ds = any_store.read()
    assert first.summary()["new"] > 400
    assert len(ds.states) == 16 and "05315" in ds.municipalities
    assert ds.service_offices["sb-magdeburg"].states == ("SN", "ST", "TH")
    assert second.changes == 0 and second.summary()["new"] == 0
    assert any_store.revision() == revision


# -- import and export --------------------------------------------------------------

def test_imported_document_round_trips_exactly_through_export(any_store):
    init_store(any_store)
    expected = expected_after_import(any_store.read(), small_document())

    import_document(any_store, small_document(), "klein.json")

    assert to_document(any_store.read()) == to_document(expected)


def test_reimporting_the_same_document_changes_nothing(any_store):
    init_store(any_store)
    import_document(any_store, small_document(), "klein.json")
    revision = any_store.revision()

    again = import_document(any_store, small_document(), "klein.json")

    assert again.changes == 0
    assert any_store.revision() == revision


def test_changed_institution_moves_the_works_at_relationship(any_store):
    init_store(any_store)
    import_document(any_store, small_document(), "klein.json")
    moved = {"id": "act-anna", "name": "Anna Becker", "role": "Sozialarbeiterin", "institution": "inst-traeger"}

    import_document(any_store, {"actors": [moved]}, "umzug.json")

    assert relationships(any_store, "WORKS_AT") == {("act-anna", "inst-traeger")}
    assert any_store.read().actors["act-anna"].institution == "inst-traeger"


def test_dropped_optional_field_disappears_from_the_stored_node(any_store):
    init_store(any_store)
    import_document(any_store, small_document(), "klein.json")

    import_document(any_store, {"actors": [{"id": "act-eva", "name": "Eva Vogt", "municipality": "05315"}]}, "x.json")

    assert any_store.read().actors["act-eva"].role is None


def test_bad_input_writes_nothing(any_store):
    init_store(any_store)
    revision = any_store.revision()
    bad = small_document(actors=[{"id": "act-ok", "name": "Ok"},
                                 {"id": "act-bad", "name": "Bad", "institution": "inst-gibt-es-nicht"}])

    with pytest.raises(InputError):
        import_document(any_store, bad, "kaputt.json")

    assert any_store.revision() == revision
    assert "act-ok" not in any_store.read().actors


def test_deleting_a_node_removes_it_with_its_relationships(any_store):
    init_store(any_store)
    import_document(any_store, small_document(), "klein.json")

    any_store.apply(plan_delete(any_store.read(), nodes=[("Actor", "act-anna")]), user="tester", action="delete")

    ds = any_store.read()
    assert "act-anna" not in ds.actors
    assert not [m for m in ds.memberships.values() if m.member == "act-anna"]
    assert not [t for t in ds.ties.values() if "act-anna" in (t.source, t.target)]
    assert relationships(any_store, "WORKS_AT") == set()
    assert "inst-jugendamt" in ds.institutions


def test_deleting_one_membership_keeps_both_ends(any_store):
    init_store(any_store)
    import_document(any_store, small_document(), "klein.json")
    ds = any_store.read()
    membership = ds.memberships[("inst-traeger", "b-koeln", "2016-03-01")]

    any_store.apply(plan_delete(ds, memberships=[membership]), user="tester", action="delete")

    after = any_store.read()
    assert ("inst-traeger", "b-koeln", "2016-03-01") not in after.memberships
    assert "inst-traeger" in after.institutions and "b-koeln" in after.alliances


# -- audit, revision, dismissals ------------------------------------------------------

def test_audit_log_records_who_did_what_with_before_and_after(any_store):
    init_store(any_store)
    import_document(any_store, small_document(), "klein.json", user="koordination", action="import klein.json")
    renamed = {"id": "act-eva", "name": "Eva Vogt-Meier", "role": "Ehrenamtliche", "municipality": "05315"}
    import_document(any_store, {"actors": [renamed]}, "name.json", user="buero-koeln", action="import name.json")

    newest = any_store.audit_log(limit=1)[0]
    created = [e for e in any_store.audit_log() if e.target == "Actor:act-eva" and e.before is None]

    assert (newest.user, newest.action, newest.target) == ("buero-koeln", "import name.json", "Actor:act-eva")
    assert newest.before["name"] == "Eva Vogt" and newest.after["name"] == "Eva Vogt-Meier"
    assert created[0].user == "koordination" and created[0].after["name"] == "Eva Vogt"


def test_revision_grows_with_every_write(any_store):
    revisions = [any_store.revision()]
    init_store(any_store)
    revisions.append(any_store.revision())
    import_document(any_store, small_document(), "klein.json")
    revisions.append(any_store.revision())
    any_store.add_dismissal("introduction", "act-anna", "act-samir", user="tester")
    revisions.append(any_store.revision())

    assert revisions == sorted(set(revisions))


def test_dismissals_persist_and_are_audited(store_uri):
    with open_store(store_uri) as store:
        store.init_schema()
        store.add_dismissal("membership", "inst-mo", "b-koeln", user="koordination")
        store.add_dismissal("membership", "inst-mo", "b-koeln", user="koordination")
    with open_store(store_uri) as reopened:
        assert reopened.dismissals() == {("membership", "inst-mo", "b-koeln")}
        assert reopened.audit_log(limit=1)[0].action == "dismiss"
        assert reopened.audit_log(limit=1)[0].user == "koordination"


# -- batching and hostile values ---------------------------------------------------------

def test_large_change_set_spanning_many_batches_is_complete(store_uri):
    people = 300
    doc = small_document(
        actors=[{"id": f"act-{i:04d}", "name": f"Person {i} mit einem etwas längeren Namen", "role": "Ehrenamt",
                 "municipality": "05315"} for i in range(people)],
        memberships=[{"member": f"act-{i:04d}", "alliance": "b-koeln", "since": "2020-01-01"}
                     for i in range(people)],
        ties=[{"source": f"act-{i:04d}", "target": f"act-{(i + 1) % people:04d}", "strength": 0.5}
              for i in range(people)],
    )
    with open_store(with_options(store_uri, batch_bytes=1000)) as store:
        store.init_schema()
        init_store(store)
        trips_before = getattr(store, "round_trips", 0)
        import_document(store, doc, "gross.json")
        trips = getattr(store, "round_trips", 0) - trips_before
        ds = store.read()

    assert sum(1 for a in ds.actors.values() if a.municipality == "05315") == people
    assert len(ds.memberships) == people and len(ds.ties) == people
    if isinstance(store, Neo4jStore):  # many rows a statement, yet more than one statement a kind of row
        written = 4 * people  # actors, LIVES_IN, memberships, ties (each also gets an audit entry)
        assert 12 < trips < written / 2


def test_names_with_quotes_and_cypher_fragments_are_stored_verbatim(any_store):
    init_store(any_store)
    doc = small_document(
        institutions=[{"id": f"inst-{i}", "name": name, "type": "initiative", "sector": "zivilgesellschaft",
                       "municipality": "05315"} for i, name in enumerate(NASTY)],
        actors=[{"id": f"act-{i}", "name": name, "role": name} for i, name in enumerate(NASTY)],
        alliances=[{"id": "b-koeln", "name": NASTY[3], "municipality": "05315", "topics": [NASTY[0]]}],
        memberships=[], ties=[],
        offers=[{"id": "of-1", "type": "dialog", "title": NASTY[4], "date": "2020-02-02", "note": NASTY[2]}],
    )
    expected = expected_after_import(any_store.read(), doc)

    import_document(any_store, doc, "boese.json")

    assert to_document(any_store.read()) == to_document(expected)
    assert len(any_store.read().municipalities) == len(expected.municipalities)


def test_ids_with_quotes_stay_inert_at_the_store_level(any_store):
    weird = "x'}) DETACH DELETE n // \\ \""
    ds = Dataset()
    ds.add(State("NW", "Nordrhein-Westfalen"))
    ds.add(Municipality("05315", "Köln", "kreisfreie_stadt", "NW"))
    ds.add(Topic(weird, weird))
    ds.add(Institution(f"i-{weird}", weird, "initiative", "zivilgesellschaft", "05315"))
    ds.add(Actor(f"a-{weird}", weird, None, f"i-{weird}"))
    ds.add(Actor("a-plain", "Plain"))
    ds.add(Tie(f"a-{weird}", "a-plain", date(2020, 1, 1), 1.0))
    ds.add(Alliance(f"b-{weird}", weird, "05315", topics=(weird,)))
    ds.add(Membership(f"a-{weird}", f"b-{weird}", date(2020, 1, 1), None, weird))

    any_store.apply(plan_upsert(any_store.read(), ds), user=weird, action=weird)

    assert any_store.read() == ds
    assert any_store.audit_log(limit=1)[0].user == weird


# -- the Bolt URI and connection failures ---------------------------------------------------

@pytest.mark.parametrize("scheme", ["bolt", "neo4j"])
def test_unreachable_server_raises_store_unavailable_naming_the_uri(scheme):
    uri = f"{scheme}://127.0.0.1:{unused_port()}?database=neo4j"

    with pytest.raises(StoreUnavailable) as caught:
        open_store(uri)

    assert uri in str(caught.value)


def test_unknown_host_raises_store_unavailable():
    with pytest.raises(StoreUnavailable):
        open_store("bolt://buendnisnetz-gibt-es-nicht.invalid:7687")


@pytest.mark.parametrize("query, option", [
    ("databse=neo4j", "databse"),
    ("tx=sometimes", "tx"),
    ("batch_bytes=viel", "batch_bytes"),
    ("batch_bytes=10", "batch_bytes"),
    ("database=", "database"),
    ("tx=managed&tx=autocommit", "tx"),
])
def test_bad_uri_option_is_an_input_error_naming_the_option(query, option):
    with pytest.raises(InputError) as caught:
        parse_bolt_uri(f"bolt://localhost:7687?{query}")

    assert [p.field for p in caught.value.problems] == [option]


def test_uri_options_are_removed_before_the_driver_sees_the_url():
    settings = parse_bolt_uri("neo4j+s://db.example.org:7687?database=wbf&batch_bytes=4000&tx=autocommit")

    assert (settings.url, settings.database, settings.batch_bytes, settings.tx) == (
        "neo4j+s://db.example.org:7687", "wbf", 4000, "autocommit")


def test_batches_keep_each_parameter_map_under_the_limit():
    rows = [{"id": f"n{i}", "props": {"name": "ä" * (i % 50)}} for i in range(500)]

    split = batches(rows, 1000)

    assert [row for batch in split for row in batch] == rows
    assert all(len(json.dumps({"rows": b}, ensure_ascii=False, separators=(",", ":")).encode()) <= 1000
               for b in split)


def test_a_row_larger_than_batch_bytes_is_refused_before_writing():
    with pytest.raises(InputError) as caught:
        batches([{"id": "x", "props": {"note": "x" * 2000}}], 1000)

    assert caught.value.problems[0].field == "batch_bytes"


@pytest.mark.bolt
def test_falkordb_refuses_managed_transactions(falkordb_server):
    with pytest.raises(InputError) as caught:
        open_store(falkordb_server.uri(options="tx=managed"))

    assert caught.value.problems[0].field == "tx"


# -- the demo looks the same in every backend ------------------------------------------------

def _cli_results(uri: str, demo_file, out_dir, capsys) -> dict:
    """init, import, export, health and suggest through the command line, as a user runs them."""
    from graph.cli import main

    assert main(["--store", uri, "init"]) == 0
    assert main(["--store", uri, "import", str(demo_file)]) == 0
    export = out_dir / "export.json"
    assert main(["--store", uri, "export", "--format", "json", "--reveal", "--out", str(export)]) == 0
    capsys.readouterr()
    assert main(["--store", uri, "health", "--format", "json", "--as-of", "2026-01-15"]) == 0
    health_json = capsys.readouterr().out
    assert main(["--store", uri, "suggest", "--all", "--format", "json", "--as-of", "2026-01-15"]) == 0
    suggest_json = capsys.readouterr().out
    return {"export": export.read_text(encoding="utf-8"), "health": health_json, "suggest": suggest_json}


def test_cli_gives_the_same_results_as_the_embedded_store(store_uri, tmp_path, capsys):
    import json

    from graph.demo import build_demo

    demo_file = tmp_path / "demo.json"
    demo_file.write_text(json.dumps(build_demo(date(2026, 1, 15)), ensure_ascii=False), encoding="utf-8")
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    want = _cli_results(f"sqlite:///{tmp_path / 'referenz.db'}", demo_file, tmp_path / "a", capsys)
    got = _cli_results(store_uri, demo_file, tmp_path / "b", capsys)
    assert json.loads(got["export"]) == json.loads(want["export"])
    assert json.loads(got["health"]) == json.loads(want["health"])
    assert json.loads(got["suggest"]) == json.loads(want["suggest"])
    assert json.loads(want["suggest"]) and json.loads(want["health"])


# -- FalkorDB as the test server: its quirks stay handled -------------------------------------

@pytest.mark.bolt
def test_falkordb_store_opens_quickly_again_and_again(falkordb_server):
    import time

    slowest = 0.0
    for _ in range(12):
        started = time.monotonic()
        with open_store(falkordb_server.uri()) as store:
            store.revision()
        slowest = max(slowest, time.monotonic() - started)

    assert slowest < 3.0


@pytest.mark.bolt
def test_falkordb_survives_batches_of_long_umlaut_names_and_floats(falkordb_server):
    from bolt_server import wipe

    wipe(falkordb_server.uri())
    long_name = ("Arbeitsgemeinschaft für Flüchtlingshilfe Köln-Mülheim e. V. " * 6)[:300]
    doc = small_document(
        institutions=[{"id": f"inst-{i:03d}", "name": long_name, "type": "freier_traeger",
                       "sector": "freie_wohlfahrt", "municipality": "05315"} for i in range(60)],
        actors=[], memberships=[],
        ties=[{"source": f"inst-{i:03d}", "target": f"inst-{i + 1:03d}", "strength": 99.75} for i in range(59)],
    )
    with open_store(falkordb_server.uri()) as store:
        init_store(store)
        import_document(store, doc, "lang.json")
        ds = store.read()

    assert falkordb_server.alive()
    assert len(ds.institutions) == 60 and {t.strength for t in ds.ties.values()} == {99.75}


@pytest.mark.bolt
def test_server_gone_after_opening_raises_store_unavailable(tmp_path):
    from bolt_server import ServerStartError, start_falkordb

    try:
        server = start_falkordb(tmp_path / "falkordb")
    except ServerStartError as exc:
        if os.environ.get("CI", "").lower() == "true":
            raise
        pytest.skip(f"FalkorDB startet nicht: {exc}")
    store = open_store(server.uri())
    store.init_schema()
    server.stop()

    with pytest.raises(StoreUnavailable) as caught:
        store.read()
    store.close()

    assert server.uri() in str(caught.value)
