"""The graph suggestions are scored on: persons, institutions and alliances as one
sparse graph (:class:`Network`), with the per-node lookups the kinds need.

Built once per run (:class:`graph.suggest.base.SuggestionContext`) and shared by
all kinds and by :mod:`graph.evaluate`.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

import numpy as np
import scipy.sparse as sp

from ..health.base import MemberFacts
from ..linkpred import SparseGraph, symmetric_adjacency
from ..model import Dataset, kreis_of
from ..partners import unit_sector
from ..rules import (
    alliance_live,
    gives_youth_voice,
    institution_of,
    is_administration,
    ties_in_force,
    voices_and_administrations,
)

__all__ = ["Network", "build_network"]

_UNKNOWN = object()

class Network:
    """Actors, institutions and alliances as one graph, with the lookups scoring needs.

    Nodes: every person and institution, and the alliances that exist on
    ``as_of`` (founded, not ended). Edges: ties in force on ``as_of`` (KNOWS,
    COOPERATES_WITH), current memberships (member–alliance) and WORKS_AT
    (person–institution). A node's Kreis is its place by the partner rule;
    a person with no known place takes the Kreis of their first current
    alliance (by id), else has none and is never proposed. Built once; the
    suggestion kinds and :mod:`graph.evaluate` share it.
    """

    ACTOR, INSTITUTION, ALLIANCE = 0, 1, 2

    def __init__(self, ds: Dataset, as_of: date):
        self.ds = ds
        self.as_of = as_of
        actors, institutions = sorted(ds.actors), sorted(ds.institutions)
        alliances = sorted(a.id for a in ds.alliances.values() if alliance_live(a, as_of))
        nodes = actors + institutions + alliances
        self.kind = np.array([self.ACTOR] * len(actors) + [self.INSTITUTION] * len(institutions)
                             + [self.ALLIANCE] * len(alliances), dtype=np.int8)
        self.alliance_ids = alliances
        live = set(alliances)

        self.members: dict[str, set[str]] = defaultdict(set)      # alliance -> current members
        self.alliances_of: dict[str, set[str]] = defaultdict(set)  # member -> current alliances
        #: (member, alliance) of the membership records that are not current memberships of a live alliance
        #: (with ``members``: every membership record, any time)
        self.other_pairs: list[tuple[str, str]] = []
        for m in ds.memberships.values():
            if m.is_current(as_of) and m.alliance in live and (m.member in ds.actors or m.member in ds.institutions):
                self.members[m.alliance].add(m.member)
                self.alliances_of[m.member].add(m.alliance)
            else:
                self.other_pairs.append((m.member, m.alliance))
        index = {node: i for i, node in enumerate(nodes)}
        get = index.get
        ties = ties_in_force(ds.ties.values(), as_of)
        works_at = [actor for actor in ds.actors.values() if actor.institution in ds.institutions]
        # Edges: ties in force, current memberships (member–alliance), WORKS_AT (person–institution).
        ends = [[get(t.source, -1) for t in ties], [get(t.target, -1) for t in ties]]
        member_rows: list[int] = []  # current memberships as (member, alliance) node indices
        member_cols: list[int] = []
        for alliance, members in self.members.items():
            member_rows += [index[m] for m in members]
            member_cols += [index[alliance]] * len(members)
        ends[0] += member_rows
        ends[1] += member_cols
        #: current memberships of the live alliances as (member, alliance) node indices
        self.member_rows = np.asarray(member_rows, dtype=np.int64)
        self.member_cols = np.asarray(member_cols, dtype=np.int64)
        ends[0] += [index[a.id] for a in works_at]
        ends[1] += [index[a.institution] for a in works_at]  # type: ignore[index]
        rows, cols = np.array(ends, dtype=np.int64).reshape(2, -1)
        keep = (rows >= 0) & (cols >= 0) & (rows != cols)
        self.graph = SparseGraph(tuple(nodes), index, symmetric_adjacency(len(nodes), rows[keep], cols[keep]))
        self.index = self.graph.index
        self.degrees = self.graph.degrees

        first_alliance = len(actors) + len(institutions)
        people = nodes[:first_alliance]
        places = [ds.municipality_of_member(node) for node in people]
        #: person or institution -> its place by the partner rule (Dataset.municipality_of_member)
        self.places: dict[str, str | None] = dict(zip(people, places))
        # Kreis per node: the place by the partner rule, else the Kreis of the person's alliances.
        for i in [i for i, place in enumerate(places) if place is None]:
            mine = self.alliances_of.get(people[i])
            if mine:
                places[i] = ds.alliances[min(mine)].municipality
        places += [ds.alliances[a].municipality for a in alliances]
        self.kreis_code: dict[str, int] = {}
        code_of_place: dict[str, int] = {}
        codes = []
        for place in places:
            code = code_of_place.get(place) if place else -1
            if code is None:
                code = code_of_place[place] = self.kreis_code.setdefault(kreis_of(place), len(self.kreis_code))
            codes.append(code)
        self.kreis = np.array(codes, dtype=np.int64).reshape(-1)
        self.kreis_names = {code: k for k, code in self.kreis_code.items()}

        unit_of = ds.unit_of
        #: partner unit of each person and institution (Dataset.unit_of), in node order
        self.unit_names = [unit_of(n) for n in people]
        self.unit = np.array([get(u, i) for i, u in enumerate(self.unit_names)]
                             + list(range(first_alliance, len(nodes))), dtype=np.int64).reshape(-1)
        self.youth = np.zeros(len(nodes), dtype=bool)
        self.youth[:first_alliance] = ([ds.actors[n].is_refugee_youth for n in actors]
                                       + [n in ds.actors and ds.actors[n].is_refugee_youth for n in institutions])
        topic_ids = sorted({t for a in alliances for t in ds.alliances[a].topics})
        self.topic_index = {t: j for j, t in enumerate(topic_ids)}
        rows, cols = [], []
        for a in alliances:
            for t in ds.alliances[a].topics:
                rows.append(self.index[a])
                cols.append(self.topic_index[t])
        alliance_topics = sp.csr_array((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(topic_ids)))
        member_of = sp.csr_array((np.ones(len(member_rows)), (member_rows, member_cols)),
                                 shape=(len(nodes), len(nodes)))
        #: node × topic: > 0 where one of the node's current alliances works on the topic
        self.node_topics = (member_of @ alliance_topics).tocsr()
        self.alliance_topics = alliance_topics
        self._p2 = self._p3 = self._plain = None
        #: what the kinds derive from this network and reuse (kind modules own their keys)
        self.cache: dict = {}
        self._profiles: dict[str, tuple] = {}
        self._unit_sectors: dict[str, object] = {}

    # -- what the shared rules say of each person and institution ------------------------
    def voices_and_administrations(self) -> tuple[list[bool], list[bool]]:
        """:func:`graph.rules.voices_and_administrations` of every person and institution, in node order
        (built once)."""
        found = self.cache.get("voices_and_administrations")
        if found is None:
            people = self.graph.nodes[:len(self.unit_names)]
            found = self.cache["voices_and_administrations"] = voices_and_administrations(self.ds, people)
        return found

    def member_facts(self) -> MemberFacts:
        """Place, partner unit, youth voice and administration of every person and institution, for the
        health check of the same run (:class:`graph.health.base.MemberFacts`)."""
        people = self.graph.nodes[:len(self.unit_names)]
        voices, administrations = self.voices_and_administrations()
        return MemberFacts(self.places, dict(zip(people, self.unit_names)), dict(zip(people, voices)),
                           dict(zip(people, administrations)))

    # -- small lookups ------------------------------------------------------------------
    def neighbours(self, node: str) -> set[str]:
        i = self.index[node]
        a = self.graph.adjacency
        return {self.graph.nodes[j] for j in a.indices[a.indptr[i]:a.indptr[i + 1]]}

    def id_rank(self) -> np.ndarray:
        """Position of each node's id in the sorted ids of all nodes (ties broken by id, as Python sorts)."""
        found = self.cache.get("id_rank")
        if found is None:
            order = sorted(range(len(self.graph.nodes)), key=self.graph.nodes.__getitem__)
            found = self.cache["id_rank"] = np.empty(len(order), dtype=np.int64)
            found[order] = np.arange(len(order))
        return found

    def place_of(self, member: str) -> str | None:
        """:meth:`graph.model.Dataset.municipality_of_member`, looked up once per person or institution."""
        found = self.places.get(member, _UNKNOWN)
        return self.ds.municipality_of_member(member) if found is _UNKNOWN else found  # type: ignore[return-value]

    def kreis_of_node(self, node: str) -> str | None:
        code = int(self.kreis[self.index[node]])
        return self.kreis_names.get(code)

    # the shared rules (graph.rules, graph.partners), asked for this network's data
    def institution_of(self, node: str):
        return institution_of(self.ds, node)

    def sector_of(self, node: str) -> str | None:
        return unit_sector(self.ds, node)

    def is_youth_voice(self, node: str) -> bool:
        return gives_youth_voice(self.ds, node)

    def is_administration(self, node: str) -> bool:
        return is_administration(self.ds, node)

    def profile(self, node: str) -> tuple[str, str | None, bool, bool]:
        """(partner unit, sector, is youth voice, is administration) of a person or institution."""
        found = self._profiles.get(node)
        if found is None:
            unit = self.ds.unit_of(node)
            sector = self._unit_sectors.get(unit, _UNKNOWN)
            if sector is _UNKNOWN:  # a member's sector is its unit's (graph.partners.unit_sector)
                sector = self._unit_sectors[unit] = self.sector_of(node)
            found = self._profiles[node] = (unit, sector, self.is_youth_voice(node), self.is_administration(node))
        return found  # type: ignore[return-value]

    def topics_of_member(self, node: str) -> dict[str, list[str]]:
        """Topic id -> the node's current alliances that work on it."""
        out: dict[str, list[str]] = defaultdict(list)
        for alliance in sorted(self.alliances_of.get(node, ())):
            for topic in self.ds.alliances[alliance].topics:
                out[topic].append(alliance)
        return out

    def shared_member_topics(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """How many topics the current alliances of node ``rows[i]`` and of node ``cols[i]`` share (as float).

        With up to 62 topics by bit masks of each node's topics (built once), else by
        the sparse node × topic matrix; the same counts either way.
        """
        masks = self.cache.get("member_topic_masks")
        count = self.node_topics.shape[1]
        if masks is None and count <= 62:
            weights = 1 << np.arange(count, dtype=np.int64)
            masks = self.cache["member_topic_masks"] = np.asarray(
                (self.node_topics > 0).astype(np.int64) @ weights).ravel().astype(np.int64)
        if masks is not None:
            return popcount(masks[rows] & masks[cols])
        topics = (self.node_topics > 0).astype(float)
        return np.asarray(topics[rows].multiply(topics[cols]).sum(axis=1)).ravel()

    # -- path scores to alliances (membership proximity) -------------------------------
    def path_scores(self, rows: np.ndarray, cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Damped (length-2, length-3) walk scores from nodes ``rows`` to alliances ``cols``.

        ``P2 = A D⁻¹ A`` (resource allocation: one member in between) and
        ``P3 = A D⁻¹ A D⁻¹ A`` (two steps in between), each intermediate node
        passing on a 1/degree share, as in mass diffusion [5]_.
        """
        if self._p2 is None:
            a = self.graph.adjacency
            inv = sp.diags_array(np.divide(1.0, self.degrees, out=np.zeros_like(self.degrees), where=self.degrees > 0))
            cols_all = np.flatnonzero(self.kind == self.ALLIANCE)
            to_alliances = a[:, cols_all]
            damped = a @ inv
            self._p2 = (damped @ to_alliances).tocsr()
            self._p3 = (damped @ self._p2).tocsr()
            self._alliance_col = np.full(len(self.kind), -1, dtype=np.int64)
            self._alliance_col[cols_all] = np.arange(len(cols_all))
        c = self._alliance_col[cols]
        return (np.asarray(self._p2[rows, c]).ravel(), np.asarray(self._p3[rows, c]).ravel())

    def plain_path_counts(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Undamped number of walks of length 2 and 3 (the bipartite common-neighbour baseline)."""
        matrix = self.plain_path_matrix()
        return np.asarray(matrix[rows, self._alliance_col[cols]]).ravel()

    def plain_path_matrix(self) -> sp.csr_array:
        """Node × alliance: undamped number of walks of length 2 and 3, ``(A² + A³)[:, alliances]``."""
        if self._plain is None:
            self.path_scores(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))  # sets _alliance_col
            a = self.graph.adjacency
            p2 = (a @ a[:, np.flatnonzero(self.kind == self.ALLIANCE)]).tocsr()
            self._plain = (p2 + a @ p2).tocsr()
        return self._plain


def popcount(values: np.ndarray) -> np.ndarray:
    """Set bits of each value, as float (the number of shared topics)."""
    values = values.astype(np.uint64)
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(values).astype(float)
    count = np.zeros(len(values))
    while values.any():
        count += values & np.uint64(1)
        values = values >> np.uint64(1)
    return count


def build_network(ds: Dataset, as_of: date) -> Network:
    """The graph the suggestions are scored on (see :class:`Network`)."""
    return Network(ds, as_of)

