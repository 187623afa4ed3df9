"""The network of alliances and its figures: centralization, weak points, bridging members.

Owns :func:`alliance_network`, :func:`network_figures` and the centralization
measures (``buendnisnetz figures``).

References
----------
.. [1] L. C. Freeman, "Centrality in social networks: conceptual
   clarification", Social Networks 1(3), 215–239, 1979.
.. [2] K. G. Provan and P. Kenis, "Modes of network governance: structure,
   management, and effectiveness", Journal of Public Administration Research
   and Theory 18(2), 229–252, 2008.
.. [3] U. Brandes, "A faster algorithm for betweenness centrality", Journal
   of Mathematical Sociology 25(2), 163–177, 2001.
.. [4] U. Brandes and C. Pich, "Centrality estimation in large networks",
   International Journal of Bifurcation and Chaos 17(7), 2303–2318, 2007.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from itertools import combinations
from typing import TYPE_CHECKING

from ..model import Dataset
from ..rules import tie_in_force
from .base import AllianceIndex, select_alliances

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["BETWEENNESS_SAMPLE", "NetworkFigures", "alliance_network", "betweenness", "betweenness_centralization",
           "degree_centralization", "network_figures"]


def alliance_network(ds: Dataset, as_of: date, alliance_ids: Iterable[str] | None = None) -> nx.Graph:
    """Alliances linked by shared current members or by ties between their members.

    Edge attributes: ``shared`` (member ids in both), ``ties`` (number of
    ties between current members of the two) and ``weight`` (their sum).
    """
    ids = select_alliances(ds, as_of, alliance_ids)
    chosen = set(ids)
    import networkx as nx  # imported when needed: the health check itself does not use it

    index = AllianceIndex(ds, as_of)
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for member, alliances in index.alliances_of.items():
        for a, b in combinations(sorted(alliances & chosen), 2):
            shared[(a, b)].add(member)
    tie_count: Counter = Counter()
    for tie in ds.ties.values():
        if not tie_in_force(tie, as_of):
            continue
        for a in index.alliances_of.get(tie.source, set()) & chosen:
            for b in index.alliances_of.get(tie.target, set()) & chosen:
                if a != b:
                    tie_count[tuple(sorted((a, b)))] += 1
    for pair in set(shared) | set(tie_count):
        graph.add_edge(*pair, shared=tuple(sorted(shared.get(pair, ()))), ties=tie_count[pair],
                       weight=len(shared.get(pair, ())) + tie_count[pair])
    return graph


def degree_centralization(graph: nx.Graph) -> float:
    """Freeman's degree centralization of an undirected graph.

    .. math:: C_D = \\frac{\\sum_i (d^* - d_i)}{(n-1)(n-2)}

    where :math:`d^*` is the largest degree; 1 for a star, 0 for a regular
    graph, 0 for fewer than three nodes [1]_.

    Examples
    --------
    >>> import networkx as nx
    >>> degree_centralization(nx.star_graph(4))
    1.0
    >>> degree_centralization(nx.cycle_graph(5))
    0.0
    """
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    degrees = [d for _, d in graph.degree]
    top = max(degrees)
    return sum(top - d for d in degrees) / ((n - 1) * (n - 2))


def betweenness(graph: nx.Graph, sample: int | None = None) -> dict[str, float]:
    """Normalised betweenness; estimated from `sample` pivot nodes on larger graphs.

    Exact (Brandes 2001) when `sample` is None or not smaller than the graph;
    otherwise the pivot estimate of Brandes & Pich (2007) with a fixed seed, so
    the same graph always gives the same figures.
    """
    import networkx as nx

    n = graph.number_of_nodes()
    if sample is None or sample >= n:
        return nx.betweenness_centrality(graph, normalized=True)
    return nx.betweenness_centrality(graph, k=sample, normalized=True, seed=0)


def betweenness_centralization(graph: nx.Graph, values: dict[str, float] | None = None) -> float:
    """Freeman's betweenness centralization of an undirected graph.

    .. math:: C_B = \\frac{\\sum_i (b^* - b_i)}{n-1}

    with :math:`b_i` the betweenness normalised by :math:`(n-1)(n-2)/2`, which
    is Freeman's :math:`\\sum_i (C_B(p^*) - C_B(p_i)) / ((n-1)^2(n-2)/2)` on raw
    betweenness; 1 for a star, 0 for fewer than three nodes [1]_. `values`
    may pass precomputed normalised betweenness (see :func:`betweenness`).

    Examples
    --------
    >>> import networkx as nx
    >>> betweenness_centralization(nx.star_graph(4))
    1.0
    >>> betweenness_centralization(nx.complete_graph(4))
    0.0
    """
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    scores = list((values if values is not None else betweenness(graph)).values())
    top = max(scores)
    return sum(top - b for b in scores) / (n - 1)


@dataclass
class NetworkFigures:
    """Figures of the network of alliances as of a date.

    A centralised network (high centralization) depends on few alliances —
    Provan & Kenis (2008) [2]_ call this lead-organisation governance; a
    decentralised, connected one is shared governance.
    """

    as_of: date
    alliances: int
    links: int
    components: int
    isolated: list[str]
    density: float
    degree_centralization: float
    betweenness_centralization: float
    articulation_points: list[str]
    bridging_members: dict[str, list[str]]
    betweenness: dict[str, float]

    def as_dict(self) -> dict:
        return {
            "as_of": self.as_of.isoformat(), "alliances": self.alliances, "links": self.links,
            "components": self.components, "isolated": self.isolated, "density": self.density,
            "degree_centralization": self.degree_centralization,
            "betweenness_centralization": self.betweenness_centralization,
            "articulation_points": self.articulation_points,
            "bridging_members": self.bridging_members, "betweenness": self.betweenness,
        }


#: above this many alliances, betweenness is estimated from this many pivots
BETWEENNESS_SAMPLE = 200


def network_figures(ds: Dataset, as_of: date, alliance_ids: Iterable[str] | None = None,
                    betweenness_sample: int | None = BETWEENNESS_SAMPLE) -> NetworkFigures:
    """Centralization and weak points of the network of alliances.

    Parameters
    ----------
    ds : Dataset
    as_of : datetime.date
    alliance_ids : iterable of str, optional
        Restrict to these alliances (e.g. one Servicebüro's).
    betweenness_sample : int or None
        Networks with more alliances get betweenness estimated from this many
        pivots (:func:`betweenness`); None computes it exactly.

    Returns
    -------
    NetworkFigures
        ``articulation_points`` are alliances whose loss would split the
        network (networkx.articulation_points); ``bridging_members`` maps each
        member in two or more of these alliances to them.

    References
    ----------
    Freeman (1979) [1]_ and Provan & Kenis (2008) [2]_, see the module docstring.
    """
    import networkx as nx

    graph = alliance_network(ds, as_of, alliance_ids)
    chosen = set(graph.nodes)
    bridging: dict[str, list[str]] = defaultdict(list)
    for membership in ds.memberships.values():
        if membership.alliance in chosen and membership.is_current(as_of):
            if membership.alliance not in bridging[membership.member]:
                bridging[membership.member].append(membership.alliance)
    bridging_members = {m: sorted(a) for m, a in sorted(bridging.items()) if len(a) > 1}
    between = betweenness(graph, betweenness_sample) if graph.number_of_nodes() else {}
    return NetworkFigures(
        as_of=as_of,
        alliances=graph.number_of_nodes(),
        links=graph.number_of_edges(),
        components=nx.number_connected_components(graph) if graph.number_of_nodes() else 0,
        isolated=sorted(nx.isolates(graph)),
        density=round(nx.density(graph), 4) if graph.number_of_nodes() > 1 else 0.0,
        degree_centralization=round(degree_centralization(graph), 4),
        betweenness_centralization=round(betweenness_centralization(graph, between), 4),
        articulation_points=sorted(nx.articulation_points(graph)),
        bridging_members=bridging_members,
        betweenness={k: round(v, 4) for k, v in sorted(between.items())},
    )
