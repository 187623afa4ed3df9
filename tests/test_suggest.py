"""Suggestions are explained, never suggest what exists, and the vectorised scores equal networkx's."""

import sys
from datetime import date
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from builders import healthy_alliance as shared_healthy_alliance

from graph.errors import InputError, NotFound
from graph.linkpred import SparseGraph, adamic_adar_index, resource_allocation_index, two_hop_pairs
from graph.model import Actor, Alliance, Dataset, Institution, Membership, Municipality, ServiceOffice, Tie
from graph.suggest import Suggestion, suggest, suggestion_to_records
from graph.validate import validate

AS_OF = date(2026, 6, 1)
KREIS = "05334"  # Städteregion Aachen
OTHER_KREIS = "05315"  # Köln


def people(ds, *ids, place=KREIS, institution=None):
    for ident in ids:
        ds.add(Actor(ident, ident.capitalize(), municipality=None if institution else place, institution=institution))


def base() -> Dataset:
    ds = Dataset()
    ds.add(Municipality(KREIS, "Städteregion Aachen", "kreis", "NW"))
    ds.add(Municipality(OTHER_KREIS, "Köln", "kreisfreie_stadt", "NW"))
    return ds


def pairs(suggestions, kind=None):
    return {(s.source, s.target) for s in suggestions if kind is None or s.kind == kind}


# -- never suggest what exists --------------------------------------------------------------

def test_an_existing_tie_is_never_suggested_as_introduction():
    ds = base()
    people(ds, "anna", "ben", "cem")
    ds.add(Tie("anna", "ben"))
    ds.add(Tie("ben", "cem"))
    ds.add(Tie("anna", "cem"))  # anna and cem share ben, but know each other already
    assert suggest(ds, AS_OF, kind="introduction") == []


def test_a_current_member_is_never_suggested_for_membership():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    people(ds, "anna", "ben", "cem")
    ds.add(Membership("anna", "b1"))
    ds.add(Membership("ben", "b1"))
    ds.add(Tie("anna", "cem"))
    ds.add(Tie("ben", "cem"))
    found = pairs(suggest(ds, AS_OF, kind="membership"))
    assert ("cem", "b1") in found
    assert not found & {("anna", "b1"), ("ben", "b1")}


def test_a_former_member_is_not_suggested_again_as_if_new():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    people(ds, "anna", "ben")
    ds.add(Membership("anna", "b1"))
    ds.add(Membership("ben", "b1", since=date(2020, 1, 1), until=date(2024, 12, 31)))
    ds.add(Tie("anna", "ben"))
    assert ("ben", "b1") not in pairs(suggest(ds, AS_OF, kind="membership"))


def test_a_dismissed_suggestion_is_not_returned_again():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    people(ds, "anna", "ben", "cem")
    ds.add(Membership("anna", "b1"))
    ds.add(Tie("anna", "ben"))
    ds.add(Tie("anna", "cem"))
    before = pairs(suggest(ds, AS_OF, kind="membership"))
    after = pairs(suggest(ds, AS_OF, kind="membership", dismissed={("membership", "ben", "b1")}))
    assert ("ben", "b1") in before
    assert after == before - {("ben", "b1")}


def test_a_candidate_from_another_kreis_is_not_suggested_for_membership():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    people(ds, "anna")
    people(ds, "koeln", place=OTHER_KREIS)
    ds.add(Membership("anna", "b1"))
    ds.add(Tie("anna", "koeln"))
    assert ("koeln", "b1") not in pairs(suggest(ds, AS_OF, kind="membership"))


def test_colleagues_are_not_introduced():
    ds = base()
    ds.add(Institution("ja", "Jugendamt Aachen", "jugendamt", "verwaltung", KREIS))
    people(ds, "anna", "ben", institution="ja")
    people(ds, "cem")
    ds.add(Tie("anna", "cem"))
    ds.add(Tie("ben", "cem"))
    assert ("anna", "ben") not in pairs(suggest(ds, AS_OF, kind="introduction"))


# -- privacy --------------------------------------------------------------------------------

def test_a_refugee_youth_appears_in_reasons_by_pseudonym_never_by_name():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS, topics=("kinderschutz",)))
    ds.add(Actor("y1", "Samira Geheim", municipality=KREIS, is_refugee_youth=True))
    people(ds, "anna", "ben")
    ds.add(Membership("y1", "b1"))
    ds.add(Tie("y1", "anna"))
    ds.add(Tie("y1", "ben"))  # y1 is a member anna knows and a contact anna and ben share
    text = " ".join(r for s in suggest(ds, AS_OF) for r in s.reasons)
    assert "Samira" not in text
    assert ds.actors["y1"].display_name in text


def test_reveal_shows_the_name_of_a_refugee_youth():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    ds.add(Actor("y1", "Samira Geheim", municipality=KREIS, is_refugee_youth=True))
    people(ds, "anna")
    ds.add(Membership("y1", "b1"))
    ds.add(Tie("y1", "anna"))
    text = " ".join(r for s in suggest(ds, AS_OF, kind="membership", reveal=True) for r in s.reasons)
    assert "Samira Geheim" in text


def test_a_refugee_youth_is_not_proposed_for_an_introduction():
    ds = base()
    ds.add(Actor("y1", "Samira Geheim", municipality=KREIS, is_refugee_youth=True))
    people(ds, "anna", "ben")
    ds.add(Tie("anna", "ben"))
    ds.add(Tie("ben", "y1"))
    assert suggest(ds, AS_OF, kind="introduction") == []


# -- ranking --------------------------------------------------------------------------------

def test_a_candidate_filling_a_missing_sector_ranks_above_one_that_does_not():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung", KREIS))
    ds.add(Institution("traeger", "Jugendhilfe e. V.", "freier_traeger", "freie_wohlfahrt", KREIS))
    ds.add(Institution("schule", "Gesamtschule", "schule", "bildung", KREIS))       # bildung: missing
    ds.add(Institution("sozial", "Sozialamt", "sozialamt", "verwaltung", KREIS))    # verwaltung: present
    for member in ("ja", "traeger"):
        ds.add(Membership(member, "b1"))
    for candidate in ("schule", "sozial"):
        ds.add(Tie(candidate, "traeger"))  # the same tie to the same member: all else equal
    ranked = [s.source for s in suggest(ds, AS_OF, kind="membership", alliance="b1")]
    assert ranked.index("schule") < ranked.index("sozial")


def test_alliances_below_the_minimum_come_first():
    ds = base()
    ds.add(Alliance("klein", "Kleines Bündnis", KREIS))
    ds.add(Alliance("gross", "Großes Bündnis", KREIS))
    people(ds, "a1", "a2", "b1", "b2", "b3", "b4", "cand_small", "cand_big")
    for member in ("a1", "a2"):
        ds.add(Membership(member, "klein"))
    for member in ("b1", "b2", "b3", "b4"):
        ds.add(Membership(member, "gross"))
        ds.add(Tie("cand_big", member))  # much closer to the big alliance
    ds.add(Tie("cand_small", "a1"))
    found = suggest(ds, AS_OF, kind="membership", top=20)
    big = max(s.score for s in found if s.target == "gross")
    first = found[0]
    assert first.target == "klein" and first.score < big


def test_a_colleague_of_a_partner_ranks_below_an_equally_close_new_partner_and_says_why():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung", KREIS))
    people(ds, "anna", "kollegin", institution="ja")
    people(ds, "ben", "neu")
    ds.add(Membership("anna", "b1"))
    ds.add(Membership("ben", "b1"))
    for candidate in ("kollegin", "neu"):
        ds.add(Tie(candidate, "ben"))
    found = {s.source: s for s in suggest(ds, AS_OF, kind="membership", alliance="b1")}
    assert found["neu"].score > found["kollegin"].score
    assert any("kein neuer Partner" in r for r in found["kollegin"].reasons)


def test_suggestions_for_an_alliance_all_concern_that_alliance():
    ds = base()
    for alliance in ("b1", "b2"):
        ds.add(Alliance(alliance, f"Bündnis {alliance}", KREIS))
    people(ds, "anna", "ben", "cem", "dora", "emil")
    ds.add(Membership("anna", "b1"))
    ds.add(Membership("dora", "b2"))
    for u, v in (("anna", "ben"), ("ben", "cem"), ("dora", "emil"), ("emil", "cem")):
        ds.add(Tie(u, v))
    found = suggest(ds, AS_OF, alliance="b1", top=50)
    members = {"anna"}
    assert found
    assert all(s.target == "b1" if s.kind == "membership" else {s.source, s.target} & (members | {"b1"})
               for s in found)


def test_suggestions_for_a_person_all_involve_that_person():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    people(ds, "anna", "ben", "cem", "dora")
    ds.add(Membership("anna", "b1"))
    for u, v in (("anna", "ben"), ("ben", "cem"), ("cem", "dora"), ("anna", "dora")):
        ds.add(Tie(u, v))
    found = suggest(ds, AS_OF, actor="cem", top=50)
    assert found and all("cem" in (s.source, s.target) for s in found)


def test_introductions_rank_more_shared_contacts_first():
    ds = base()
    people(ds, "anna", "ben", "cem", "dora", "x1", "x2")
    for shared in ("x1", "x2"):
        ds.add(Tie("anna", shared))
        ds.add(Tie("ben", shared))  # anna–ben share two contacts
    ds.add(Tie("x1", "x2"))
    ds.add(Tie("cem", "x1"))
    ds.add(Tie("dora", "x1"))  # cem–dora share one (also with anna, ben)
    best = suggest(ds, AS_OF, kind="introduction")[0]
    assert (best.source, best.target) == ("anna", "ben")


def healthy_alliance(ds, ident, place, topics):
    """The shared healthy alliance (tests/builders.py), recently active."""
    shared_healthy_alliance(ds, ident, place, topics=topics, founded=None, since=date(2026, 1, 1),
                            offer=date(2026, 3, 1))


def test_hospitation_pairs_a_struggling_alliance_with_a_healthy_one_on_the_same_topic():
    ds = base()
    ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    ds.add(Alliance("schwach", "Bündnis Schwach", KREIS, topics=("kinderschutz",)))
    people(ds, "s1")
    ds.add(Membership("s1", "schwach", since=date(2026, 1, 1)))
    healthy_alliance(ds, "stark", OTHER_KREIS, ("kinderschutz", "unterbringung"))
    healthy_alliance(ds, "anders", OTHER_KREIS, ("berufsorientierung",))  # equally healthy, no shared topic
    found = suggest(ds, AS_OF, kind="hospitation")
    assert pairs(found) == {("schwach", "stark")}


def test_hospitation_prefers_a_host_in_the_same_servicebuero_region():
    ds = base()
    ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    ds.add(Municipality("14612", "Dresden", "kreisfreie_stadt", "SN"))
    ds.add(Alliance("schwach", "Bündnis Schwach", KREIS, topics=("kinderschutz",)))
    people(ds, "s1")
    ds.add(Membership("s1", "schwach", since=date(2026, 1, 1)))
    healthy_alliance(ds, "dresden", "14612", ("kinderschutz",))
    healthy_alliance(ds, "koeln", OTHER_KREIS, ("kinderschutz",))
    found = suggest(ds, AS_OF, kind="hospitation")
    assert [s.target for s in found] == ["koeln", "dresden"]
    assert any("Servicebüro Köln" in r for r in found[0].reasons)


# -- every suggestion is explained and well-formed -----------------------------------------

def test_every_suggestion_has_reasons():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS, topics=("kinderschutz",)))
    ds.add(Institution("mo", "Migrantenverein", "migrantenorganisation", "migrantenorganisation", KREIS))
    people(ds, "anna", "ben", "cem", "dora")
    ds.add(Membership("anna", "b1"))
    ds.add(Tie("anna", "ben"))
    ds.add(Tie("ben", "cem"))
    ds.add(Tie("cem", "dora"))
    found = suggest(ds, AS_OF, top=50)
    assert found and all(s.reasons and all(r.strip() for r in s.reasons) for s in found)


def test_as_dict_has_exactly_the_json_keys_of_the_contract():
    item = Suggestion("membership", "anna", "b1", 1.5, ["kennt 1 Mitglied: Ben"]).as_dict()
    assert item == {"kind": "membership", "source": "anna", "target": "b1", "score": 1.5,
                    "reasons": ["kennt 1 Mitglied: Ben"]}


def test_an_unknown_alliance_is_a_not_found_error():
    with pytest.raises(NotFound, match="gibt es nicht"):
        suggest(base(), AS_OF, alliance="nirgends")


def test_an_unknown_kind_is_an_input_error():
    with pytest.raises(InputError, match="unbekannte Art"):
        suggest(base(), AS_OF, kind="freundschaft")


def test_accepting_a_membership_suggestion_gives_a_valid_membership_from_that_day():
    ds = base()
    ds.add(Alliance("b1", "Bündnis Aachen", KREIS))
    people(ds, "anna")
    records = suggestion_to_records(Suggestion("membership", "anna", "b1", 1.0, ["x"]), AS_OF)
    incoming = validate(records, ds).dataset
    assert [(m.member, m.alliance, m.since) for m in incoming.memberships.values()] == [("anna", "b1", AS_OF)]


def test_accepting_an_introduction_gives_a_valid_tie():
    ds = base()
    people(ds, "anna", "ben")
    records = suggestion_to_records(Suggestion("introduction", "anna", "ben", 1.0, ["x"]), AS_OF)
    incoming = validate(records, ds).dataset
    assert list(incoming.ties) == [("anna", "ben")]


# -- the vectorised scores equal networkx ---------------------------------------------------

def test_adamic_adar_equals_networkx_on_every_two_hop_pair():
    graph = nx.karate_club_graph()
    ours = {(u, v): p for u, v, p in adamic_adar_index(SparseGraph.from_networkx(graph))}
    theirs = {(u, v): p for u, v, p in nx.adamic_adar_index(graph, ours)}
    assert ours.keys() == theirs.keys() and all(ours[e] == pytest.approx(theirs[e]) for e in ours)


def test_adamic_adar_equals_networkx_on_given_pairs():
    graph = nx.les_miserables_graph()
    chosen = [("Valjean", "Javert"), ("Myriel", "Cosette"), ("Marius", "Fantine")]
    ours = [p for _, _, p in adamic_adar_index(SparseGraph.from_networkx(graph), chosen)]
    theirs = [p for _, _, p in nx.adamic_adar_index(graph, chosen)]
    assert ours == pytest.approx(theirs)


def test_resource_allocation_equals_networkx():
    graph = nx.florentine_families_graph()
    ours = {(u, v): p for u, v, p in resource_allocation_index(SparseGraph.from_networkx(graph))}
    theirs = {(u, v): p for u, v, p in nx.resource_allocation_index(graph, ours)}
    assert all(ours[e] == pytest.approx(theirs[e]) for e in ours)


def test_two_hop_pairs_are_exactly_the_non_edges_with_a_common_neighbour():
    graph = nx.karate_club_graph()
    g = SparseGraph.from_networkx(graph)
    ours = {frozenset((g.nodes[u], g.nodes[v])) for u, v in zip(*two_hop_pairs(g.adjacency))}
    theirs = {frozenset((u, v)) for u, v in nx.non_edges(graph) if len(list(nx.common_neighbors(graph, u, v))) > 0}
    assert ours == theirs


# -- the registry of kinds --------------------------------------------------------------------

def test_accepting_an_unknown_kind_is_an_input_error_not_a_hospitation():
    with pytest.raises(InputError, match="unbekannte Art 'freundschaft'"):
        suggestion_to_records(Suggestion("freundschaft", "anna", "b1", 1.0), AS_OF)


def test_suggest_runs_every_registered_kind_through_the_registry(monkeypatch):
    from graph.suggest import registry

    found = Suggestion("mentoring", "anna", "ben", 1.0, ["weil"])
    module = type(sys)("fake_mentoring")
    module.find = lambda ctx, **kw: [found]
    monkeypatch.setitem(sys.modules, "fake_mentoring", module)
    monkeypatch.setitem(registry.REGISTRY, "mentoring", registry.Kind("mentoring", "Mentoring", "fake_mentoring"))
    ds = base()
    people(ds, "anna", "ben")
    assert suggest(ds, AS_OF, kind="mentoring") == [found]
    assert found in suggest(ds, AS_OF)


def test_the_cli_and_the_app_offer_exactly_the_registered_kinds():
    from graph.cli import cli
    from graph.suggest.registry import KINDS, REGISTRY

    choices = {p.name: p.type.choices for p in cli.commands["suggest"].params if p.name == "kind"}
    assert tuple(choices["kind"]) == KINDS == ("membership", "introduction", "hospitation")
    for command in ("accept", "dismiss"):
        kind = next(p for p in cli.commands[command].params if p.name == "kind")
        assert tuple(kind.type.choices) == KINDS
    source = (Path(__file__).resolve().parents[1] / "ui" / "seiten" / "vorschlaege.py").read_text(encoding="utf-8")
    assert "REGISTRY.items()" in source and all(k.label for k in REGISTRY.values())


def test_all_kinds_share_one_health_check(monkeypatch):
    """Hospitation reuses the reports of the run instead of checking every alliance again."""
    import graph.health as health

    calls = []
    real = health.check_alliances
    monkeypatch.setattr(health, "check_alliances", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    ds = base()
    healthy_alliance(ds, "host", KREIS, ("t1",))
    ds.add(Alliance("weak", "Schwach", KREIS, topics=("t1",)))
    reports = real(ds, AS_OF)
    assert suggest(ds, AS_OF, reports=reports, kind="hospitation")
    assert calls == []


# -- the fast membership ranking equals scoring every pair -------------------------------------

@pytest.fixture(scope="module")
def synthetic():
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
    from generate import generate

    from graph.io.exchange import records_from_document

    return validate(records_from_document(generate(0.3, seed=3), "synthetisch")).dataset


@pytest.mark.parametrize("top", [1, 25, 300])
def test_membership_without_enumerating_every_pair_gives_the_same_suggestions(synthetic, monkeypatch, top):
    from graph.suggest import membership

    as_of = date(2026, 11, 1)
    monkeypatch.setattr(membership, "DENSE_PAIRS", 10**12)
    every_pair = [s.as_dict() for s in suggest(synthetic, as_of, kind="membership", top=top)]
    dismissed = {("membership", s["source"], s["target"]) for s in every_pair[:3]}
    every_pair_dismissed = [s.as_dict() for s in suggest(synthetic, as_of, kind="membership", top=top,
                                                          dismissed=dismissed)]
    monkeypatch.setattr(membership, "DENSE_PAIRS", 0)
    assert [s.as_dict() for s in suggest(synthetic, as_of, kind="membership", top=top)] == every_pair
    assert [s.as_dict() for s in suggest(synthetic, as_of, kind="membership", top=top,
                                         dismissed=dismissed)] == every_pair_dismissed
    assert len(every_pair) == top


def test_alliance_states_from_the_health_reports_equal_the_partner_rule(synthetic):
    """suggest --all takes partners and sectors from the health check it runs anyway: the same values."""
    from graph.health import check_alliances
    from graph.suggest import alliance_states, build_network

    as_of = date(2026, 11, 1)
    net = build_network(synthetic, as_of)
    reports = check_alliances(synthetic, as_of)
    assert alliance_states(net, net.alliance_ids, reports) == alliance_states(net, net.alliance_ids)
    assert any(s.below_minimum() for s in alliance_states(net, net.alliance_ids).values())


def test_pairs_that_cannot_reach_the_top_are_left_out_without_changing_it(synthetic, monkeypatch):
    """The bounded ranking skips low path pairs only when `top` better ones are certain (any top)."""
    from graph.suggest import membership

    as_of = date(2026, 11, 1)
    for top in (1, 3, 40):
        monkeypatch.setattr(membership, "DENSE_PAIRS", 10**12)
        every_pair = [s.as_dict() for s in suggest(synthetic, as_of, kind="membership", top=top)]
        monkeypatch.setattr(membership, "DENSE_PAIRS", 0)
        assert [s.as_dict() for s in suggest(synthetic, as_of, kind="membership", top=top)] == every_pair


@pytest.mark.parametrize("topics", [3, 70])
def test_shared_topics_by_bit_masks_equal_the_sparse_count(topics):
    """Introductions count shared topics by bit masks up to 62 topics, else sparsely: same counts."""
    from graph.suggest import build_network

    ds = Dataset()
    for i in range(topics):
        ds.add(Alliance(f"b{i}", f"Bündnis {i}", "05334", topics=(f"t{i}", f"t{(i * 7) % topics}")))
    for j in range(12):
        ds.add(Actor(f"p{j:02d}", f"P{j}", municipality="05334"))
        for i in range(j % 5, topics, 5):
            ds.add(Membership(f"p{j:02d}", f"b{i}"))
    net = build_network(ds, AS_OF)
    rows = np.array([net.index[f"p{j:02d}"] for j in range(12) for _ in range(12)])
    cols = np.array([net.index[f"p{k:02d}"] for _ in range(12) for k in range(12)])
    member_topics = (net.node_topics > 0).astype(float)
    expected = np.asarray(member_topics[rows].multiply(member_topics[cols]).sum(axis=1)).ravel()
    assert np.array_equal(net.shared_member_topics(rows, cols), expected)
    assert expected.max() > 0


def test_a_suggestion_run_leaves_nothing_for_the_collector(synthetic):
    """The run's network is freed by reference counting when suggest returns: a reference cycle would
    keep it alive until the cyclic collector walks it (tens of milliseconds at x10, graph.collector)."""
    import gc

    from graph.suggest.network import Network

    gc.collect()
    gc.disable()
    try:
        assert suggest(synthetic, date(2026, 11, 1), top=5)
        assert not [o for o in gc.get_objects() if isinstance(o, Network)]
    finally:
        gc.enable()


def test_alliance_states_name_the_units_voices_and_administrations_of_the_current_members(synthetic):
    from graph.rules import gives_youth_voice, is_administration
    from graph.suggest import alliance_states, build_network

    net = build_network(synthetic, date(2026, 11, 1))
    states = alliance_states(net, net.alliance_ids)
    for alliance, state in states.items():
        members = net.members.get(alliance, set())
        assert state.units == frozenset(synthetic.unit_of(m) for m in members)
        assert state.has_youth_voice == any(gives_youth_voice(synthetic, m) for m in members)
        assert state.has_administration == any(is_administration(synthetic, m) for m in members)
    assert any(s.has_youth_voice for s in states.values()) and not all(s.has_youth_voice for s in states.values())
