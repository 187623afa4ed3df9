"""The plain-dict member network of the Bündnis-Check agrees with networkx on what KEY_PERSON reads.

:mod:`graph.health.network` replaced one networkx graph per alliance; these tests hold its cut
vertices, the parts they leave, the top member and the density to networkx's answers on many
random and hand-made graphs, including disconnected ones, isolated members, trees and cliques.
"""

import random
from datetime import date

import networkx as nx
import pytest

from graph.health import check_alliances, member_network
from graph.health.network import MemberNetwork, cut_vertices, member_ties, top_member
from graph.model import Actor, Alliance, Dataset, Institution, Membership, Tie


def plain(graph: nx.Graph) -> MemberNetwork:
    return MemberNetwork({n: set(graph[n]) for n in sorted(graph)}, graph.number_of_edges())


def networkx_parts(graph: nx.Graph) -> dict[str, int]:
    """What the check did with networkx: each cut vertex and the parts its component falls into."""
    out = {}
    for cut in sorted(nx.articulation_points(graph)):
        component = nx.node_connected_component(graph, cut) - {cut}
        out[cut] = nx.number_connected_components(graph.subgraph(component))
    return out


def random_graphs():
    rng = random.Random(17)
    for _ in range(300):
        n = rng.randint(0, 14)
        p = rng.choice([0.05, 0.15, 0.3, 0.6])
        graph = nx.gnp_random_graph(n, p, seed=rng.randint(0, 10**6))
        yield nx.relabel_nodes(graph, {v: f"m{v:02d}" for v in graph})
    yield nx.relabel_nodes(nx.path_graph(6), str)
    yield nx.relabel_nodes(nx.star_graph(5), str)
    yield nx.relabel_nodes(nx.complete_graph(5), str)
    yield nx.relabel_nodes(nx.barbell_graph(4, 2), str)
    yield nx.relabel_nodes(nx.disjoint_union(nx.path_graph(3), nx.cycle_graph(4)), str)


@pytest.mark.parametrize("graph", list(random_graphs()), ids=lambda g: f"n{len(g)}m{g.number_of_edges()}")
def test_cut_vertices_and_parts_equal_networkx(graph):
    assert cut_vertices(plain(graph)) == networkx_parts(graph)


@pytest.mark.parametrize("graph", list(random_graphs())[:60])
def test_top_member_and_density_equal_networkx(graph):
    net = plain(graph)
    top, degree, unique = top_member(net)
    if graph.number_of_edges() == 0:
        assert (top, degree, unique) == (None, 0, False)
    else:
        expected_top, expected_degree = min(graph.degree, key=lambda item: (-item[1], item[0]))
        assert (top, degree) == (expected_top, expected_degree)
        assert unique == (sum(1 for _, d in graph.degree if d == expected_degree) == 1)
    density = nx.density(graph)
    assert net.density() == density and type(net.density()) is type(density)  # int 0 without edges


def test_a_cut_vertex_splitting_into_three_parts():
    star = MemberNetwork({"a": {"hub"}, "b": {"hub"}, "c": {"hub"}, "hub": {"a", "b", "c"}}, 3)
    assert cut_vertices(star) == {"hub": 3}


def test_member_ties_equal_the_networkx_member_network():
    ds = Dataset()
    ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung"))
    for person, institution in (("a", "ja"), ("b", "ja"), ("c", None), ("d", None), ("e", "fremd")):
        ds.add(Actor(person, person.upper(), institution=institution))
    ds.add(Tie("c", "d"))
    ds.add(Tie("d", "x"))  # an outsider: not in the members' network
    ds.add(Tie("a", "c", since=date(2030, 1, 1)))  # not yet in force
    members = ["ja", "a", "b", "c", "d", "e"]

    graph = member_network(ds, members, as_of=date(2026, 1, 1))
    ties = member_ties(ds, members, {"c": {"d"}, "d": {"c", "x"}})

    assert sorted(graph.edges()) == [("a", "b"), ("a", "ja"), ("b", "ja"), ("c", "d")]
    assert list(ties.adjacency) == sorted(members)
    assert nx.utils.graphs_equal(ties.to_networkx(), graph)
    assert ties.edges == 4


def test_check_reports_the_cut_vertex_and_its_parts():
    ds = Dataset()
    ds.add(Alliance("b1", "Bündnis", "05334"))
    for person in ("hub", "p1", "p2", "p3"):
        ds.add(Actor(person, person.upper(), municipality="05334"))
        ds.add(Membership(person, "b1"))
    for person in ("p1", "p2", "p3"):
        ds.add(Tie("hub", person))

    [report] = check_alliances(ds, date(2026, 1, 1))

    key_person = [f.message for f in report.flags if f.code == "KEY_PERSON"]
    assert key_person == ["HUB hält das Netz des Bündnisses zusammen: ohne dieses Mitglied zerfiele es in 3 Teile, "
                          "die untereinander keine Verbindung haben."]
    assert report.metrics["ties"] == 3 and report.metrics["density"] == 0.5
