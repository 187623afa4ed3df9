"""The network among an alliance's members, as plain dicts, and the figures the check reads from it.

Owns :class:`MemberNetwork` (who is connected to whom inside one alliance,
docs/design.md, "Bündnis-Check"), :func:`member_ties` (building it from the
ties in force), :func:`cut_vertices` (the members whose loss splits it, for
``KEY_PERSON``) and :func:`top_member`. An alliance has a handful to a few dozen
members, so plain dicts and sets are far cheaper than a graph library object
per alliance; :meth:`MemberNetwork.to_networkx` gives the same graph for callers
that want one (:func:`graph.health.member_network`).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING

from ..model import Dataset

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["MemberNetwork", "cut_vertices", "member_ties", "top_member"]


@dataclass(frozen=True, slots=True)
class MemberNetwork:
    """An undirected simple graph among members.

    Attributes
    ----------
    adjacency : dict
        Member id -> set of the members it is connected to; every member is a key
        (members without connections map to an empty set), keys in id order.
    edges : int
        Number of edges.
    """

    adjacency: dict[str, set[str]]
    edges: int

    def number_of_nodes(self) -> int:
        return len(self.adjacency)

    def density(self) -> float:
        """``2m / (n (n - 1))``, 0 without edges or with fewer than two nodes (as :func:`networkx.density`)."""
        n, m = len(self.adjacency), self.edges
        if m == 0 or n <= 1:
            return 0
        return m / (n * (n - 1)) * 2

    def to_networkx(self) -> nx.Graph:
        import networkx as nx

        graph = nx.Graph()
        graph.add_nodes_from(self.adjacency)
        graph.add_edges_from((u, v) for u, others in self.adjacency.items() for v in others if u < v)
        return graph


def member_ties(ds: Dataset, members: Collection[str], neighbours: Mapping[str, set[str]]) -> MemberNetwork:
    """The network among `members`: their ties, a person's link to their institution, colleagues.

    Edges are the ties among members (`neighbours`: node -> nodes it has a tie
    in force with), a person's link to their institution when both are members,
    and colleagues (members working at the same institution), who are connected
    whether or not a tie was recorded.

    Examples
    --------
    >>> from graph.model import Actor, Dataset
    >>> ds = Dataset()
    >>> for a in "abc":
    ...     ds.add(Actor(a, a.upper()))
    >>> net = member_ties(ds, ["a", "b", "c"], {"a": {"b"}, "b": {"a", "c"}, "c": {"b"}})
    >>> {member: sorted(others) for member, others in net.adjacency.items()}, net.edges
    ({'a': ['b'], 'b': ['a', 'c'], 'c': ['b']}, 2)
    """
    adjacency: dict[str, set[str]] = {m: set() for m in sorted(members)}
    everyone = set(adjacency)
    staff: dict[str, list[str]] = {}
    actors = ds.actors
    for member, mine in adjacency.items():
        around = neighbours.get(member)
        if around:
            mine |= around & everyone  # walks the smaller of the two sets
            mine.discard(member)
        actor = actors.get(member)
        if actor is not None and actor.institution:
            institution = actor.institution
            staff.setdefault(institution, []).append(member)
            if institution in adjacency and institution != member:
                mine.add(institution)
                adjacency[institution].add(member)
    for colleagues in staff.values():
        for u, v in combinations(colleagues, 2):
            adjacency[u].add(v)
            adjacency[v].add(u)
    return MemberNetwork(adjacency, sum(len(others) for others in adjacency.values()) // 2)


def top_member(network: MemberNetwork) -> tuple[str | None, int, bool]:
    """The member with the most connections (the first by id among equals), their count, and
    whether no other member has as many. ``(None, 0, False)`` for a network without edges."""
    if network.edges == 0:
        return None, 0, False
    top, degree, unique = None, -1, False
    for node, others in network.adjacency.items():  # keys in id order: the first wins a tie
        d = len(others)
        if d > degree:
            top, degree, unique = node, d, True
        elif d == degree:
            unique = False
    return top, degree, unique


def cut_vertices(network: MemberNetwork) -> dict[str, int]:
    """Cut vertices (articulation points) -> into how many parts their loss splits their component.

    Hopcroft–Tarjan depth-first search, iterative: a non-root ``v`` is a cut vertex
    when some child subtree cannot reach above ``v`` (``low[c] >= disc[v]``), and
    each such subtree becomes a part of its own next to the part that holds ``v``'s
    parent; the root is one when it has two or more children, each a part.

    Examples
    --------
    >>> path = MemberNetwork({"a": {"b"}, "b": {"a", "c"}, "c": {"b", "d", "e"}, "d": {"c"}, "e": {"c"}}, 4)
    >>> cut_vertices(path)
    {'b': 2, 'c': 3}
    """
    adjacency = network.adjacency
    disc: dict[str, int] = {}
    low: dict[str, int] = {}
    parts: dict[str, int] = {}
    for root in adjacency:
        if root in disc:
            continue
        disc[root] = low[root] = 0
        counter = 1
        root_children = 0
        stack = [(root, None, iter(adjacency[root]))]
        while stack:
            node, parent, todo = stack[-1]
            for child in todo:
                if child == parent:
                    continue
                if child in disc:
                    if disc[child] < low[node]:
                        low[node] = disc[child]
                    continue
                disc[child] = low[child] = counter
                counter += 1
                stack.append((child, node, iter(adjacency[child])))
                break
            else:
                stack.pop()
                if parent is None:
                    continue
                if low[node] < low[parent]:
                    low[parent] = low[node]
                if parent == root:
                    root_children += 1
                elif low[node] >= disc[parent]:
                    parts[parent] = parts.get(parent, 1) + 1
        if root_children >= 2:
            parts[root] = root_children
    return {node: parts[node] for node in sorted(parts)}
