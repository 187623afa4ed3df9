"""Suggestion kind ``membership``: who could join which alliance (source: person or
institution, target: alliance).

Candidates lie in the alliance's Kreis and are not current members. The score adds

- network proximity: degree-damped paths of length two and three from the
  candidate to the alliance through its members, i.e. the local-path index
  with resource-allocation weights (mass diffusion on the person–alliance
  graph; see :mod:`graph.suggest`): knowing a member, sharing contacts with
  members, sitting with a member in another alliance;
- gaps it fills: a sector the partners lack, the voice of refugee young
  people (a refugee young person or a migrant organisation), the municipal
  administration;
- topics it already works on in its other alliances.

A candidate whose partner unit is already in the alliance (a colleague of a
member, or the institution of a member) would add no partner: its score is
multiplied by ``WEIGHTS["same_unit_factor"]`` and a reason says so. Alliances
below the minimum of partners come first, whatever the scores. A person or
institution whose membership in the alliance *ended* (or one that is planned)
is never suggested for it: leaving may have been on purpose.

Why one module of ~550 lines: candidate generation, the vectorised scores and
the German reasons of one suggestion kind belong together (one kind, one
module, as the registry in :mod:`graph.suggest` expects); the exhaustive scoring
of small Kreise stays beside the bounded ranking of large ones, which the tests
compare against it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from ..model import SECTORS, Dataset
from ..partners import memberships_by_alliance, partners_of
from ..survey import survey_reasons
from ..validate import RawRecord
from .base import ACCEPT_SOURCE, MIN_PARTNERS, Suggestion, SuggestionContext
from .base import contacts as _contacts
from .base import kreis_label as _kreis_label
from .base import names as _names
from .base import quoted as _quoted
from .base import topic_names as _topic_names
from .network import Network, build_network

__all__ = ["WEIGHTS", "AllianceState", "alliance_states", "find", "membership_candidates", "membership_eligible",
           "membership_scores", "membership_suggestions", "to_records"]

NAME = "membership"
#: Up to this many candidate × alliance pairs in a Kreis every pair is scored; above, only
#: those that can reach the top (:func:`_best_of_kreis`, same result).
DENSE_PAIRS = 50_000

#: Score weights; each part's reason is written where the part is added. Gap weights are
#: half the network's: on the demo data and on synthetic data (bench/generate.py) this
#: ranked hidden memberships better than equal weights (graph.evaluate, "AUC Kreis").
WEIGHTS = {
    "proximity": 4.0,          # × damped path score (≈ 1 for knowing one member with few other ties)
    "new_sector": 0.25,        # a sector none of the partners has
    "only_sector": 0.25,       # … extra when the alliance is single-sector
    "youth_voice": 0.5,        # refugee young person / migrant organisation where none is
    "administration": 0.5,     # municipal administration where none is
    "topic": 0.3,              # per shared topic
    "same_unit_factor": 0.25,  # × all: its institution is already a partner, so no new partner
}

@dataclass(frozen=True)
class AllianceState:
    """What an alliance has and lacks as of a date (the partner rule plus gaps)."""

    alliance: str
    partners: int
    units: frozenset[str]
    sectors: frozenset[str]
    has_youth_voice: bool
    has_administration: bool

    def below_minimum(self, min_partners: int = MIN_PARTNERS) -> bool:
        return self.partners < min_partners


def alliance_states(net: Network, alliance_ids: Iterable[str]) -> dict[str, AllianceState]:
    """Partners (by :func:`graph.partners.partners_of`) and gaps of each alliance."""
    ds, as_of = net.ds, net.as_of
    grouped = memberships_by_alliance(ds)
    out = {}
    for alliance in alliance_ids:
        partners = partners_of(ds, alliance, as_of, grouped)
        members = net.members.get(alliance, set())
        out[alliance] = AllianceState(
            alliance, len(partners),
            frozenset(ds.unit_of(m) for m in members),
            frozenset(p.sector for p in partners if p.sector),
            any(net.is_youth_voice(m) for m in members),
            any(net.is_administration(m) for m in members),
        )
    return out


class _Profiles:
    """Per node and per target alliance, the arrays the score needs.

    Node side (built once per network): partner unit, sector, youth voice,
    administration (as codes) and the topics of its current alliances as a bit
    mask. Alliance side: the facts of each :class:`AllianceState`, indexed by node index.
    """

    def __init__(self, net: Network, states: dict[str, AllianceState]):
        self.net = net
        self.n = n = len(net.graph.nodes)
        nodes = net.cache.get("membership_nodes")
        if nodes is None:
            nodes = net.cache["membership_nodes"] = _node_profiles(net)
        self.unit, self.sector, self.youth, self.admin, self.topics, self.topic_masks, units, sectors = nodes
        units, sectors = dict(units), dict(sectors)
        self.n_sectors = np.zeros(n, dtype=np.int64)
        self.has_youth = np.zeros(n, dtype=bool)
        self.has_admin = np.zeros(n, dtype=bool)
        unit_keys, sector_keys = [], []
        for alliance, state in states.items():
            j = net.index[alliance]
            self.n_sectors[j] = len(state.sectors)
            self.has_youth[j], self.has_admin[j] = state.has_youth_voice, state.has_administration
            unit_keys += [j * n + units.setdefault(u, len(units)) for u in state.units]
            sector_keys += [j * n + sectors.setdefault(x, len(sectors)) for x in state.sectors]
        self.unit_keys = np.unique(np.asarray(unit_keys, dtype=np.int64))
        self.sector_keys = np.unique(np.asarray(sector_keys, dtype=np.int64))

    @classmethod
    def of(cls, net: Network, states: dict[str, AllianceState]) -> _Profiles:
        """The profiles for these states, reused while the same states object is passed."""
        found = net.cache.get("membership_profiles")
        if found is None or found[0] is not states:
            found = net.cache["membership_profiles"] = (states, cls(net, states))
        return found[1]

    def same_unit(self, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        """Whether the node's partner unit is already among the alliance's units."""
        return _in_sorted(cols * self.n + self.unit[rows], self.unit_keys)

    def gap(self, rows: np.ndarray, cols: np.ndarray, same_unit: np.ndarray) -> np.ndarray:
        """Points for the gaps each node fills in each alliance (:func:`_gaps_filled`, vectorised)."""
        sector = self.sector[rows]
        new_sector = (sector >= 0) & ~_in_sorted(cols * self.n + sector, self.sector_keys)
        sector_points = np.where(self.n_sectors[cols] == 1, WEIGHTS["new_sector"] + WEIGHTS["only_sector"],
                                 WEIGHTS["new_sector"] + 0.0)
        gap = np.where(new_sector, sector_points, 0.0)
        gap = gap + np.where(~self.has_youth[cols] & self.youth[rows], WEIGHTS["youth_voice"], 0.0)
        gap = gap + np.where(~self.has_admin[cols] & self.admin[rows], WEIGHTS["administration"], 0.0)
        return np.where(same_unit, 0.0, gap)


def _node_profiles(net: Network):
    n, nodes = len(net.graph.nodes), net.graph.nodes
    units: dict[str, int] = {}
    sectors: dict[str, int] = {}
    unit = np.full(n, -1, dtype=np.int64)
    sector = np.full(n, -1, dtype=np.int64)
    youth = np.zeros(n, dtype=bool)
    admin = np.zeros(n, dtype=bool)
    for i in np.flatnonzero(net.kind != Network.ALLIANCE).tolist():
        u, x, y, a = net.profile(nodes[i])
        unit[i] = units.setdefault(u, len(units))
        if x:
            sector[i] = sectors.setdefault(x, len(sectors))
        youth[i], admin[i] = y, a
    count = net.node_topics.shape[1]
    masks = count <= 62
    topics = np.zeros(n, dtype=np.int64)
    if masks and count:
        weights = 1 << np.arange(count, dtype=np.int64)
        topics = (np.asarray((net.node_topics > 0).astype(np.int64) @ weights).ravel()
                  + np.asarray(net.alliance_topics.astype(np.int64) @ weights).ravel()).astype(np.int64)
    return unit, sector, youth, admin, topics, masks, tuple(units.items()), tuple(sectors.items())


def _in_sorted(values: np.ndarray, sorted_keys: np.ndarray) -> np.ndarray:
    """``np.isin(values, sorted_keys)`` for ascending unique keys, without re-sorting them on every call."""
    if len(sorted_keys) == 0:
        return np.zeros(len(values), dtype=bool)
    at = np.minimum(np.searchsorted(sorted_keys, values), len(sorted_keys) - 1)
    return sorted_keys[at] == values


def _group(keys: np.ndarray, values: np.ndarray):
    """(key, values of that key) for each distinct key, keys ascending, values in their given order."""
    if len(keys) == 0:
        return
    order = np.argsort(keys, kind="stable")
    keys, values = keys[order], values[order]
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    for start, end in zip(starts.tolist(), [*starts[1:].tolist(), len(keys)]):
        yield int(keys[start]), values[start:end]


def _known_codes(net: Network) -> np.ndarray:
    """``node * n + alliance`` of every membership record (current, ended or planned), sorted."""
    found = net.cache.get("membership_known")
    if found is None:
        n, index = len(net.graph.nodes), net.index
        found = np.unique(np.asarray([index[m] * n + index[a] for m, a in net.known_pairs
                                      if m in index and a in index], dtype=np.int64))
        net.cache["membership_known"] = found
    return found


def _known_by_alliance(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """(alliance, node) index arrays of every membership record, sorted by alliance then node (built once)."""
    found = net.cache.get("membership_known_by_alliance")
    if found is None:
        n, known = len(net.graph.nodes), _known_codes(net)
        order = np.lexsort((known // n, known % n))
        found = net.cache["membership_known_by_alliance"] = (known[order] % n, known[order] // n)
    return found


def _ranges(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    """The concatenation of ``arange(starts[i], ends[i])`` for all i, without a Python loop."""
    lengths = ends - starts
    total = int(lengths.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.repeat(starts - np.concatenate([[0], np.cumsum(lengths)[:-1]]), lengths)
    return np.arange(total, dtype=np.int64) + offsets


def _kreis_pools(net: Network) -> dict[int, np.ndarray]:
    """Kreis code -> ascending indices of the persons and institutions placed there (built once)."""
    found = net.cache.get("membership_pools")
    if found is None:
        eligible = np.flatnonzero((net.kind != Network.ALLIANCE) & (net.kreis >= 0))
        found = net.cache["membership_pools"] = dict(_group(net.kreis[eligible], eligible))
    return found


def membership_candidates(net: Network, alliance_ids: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Node and alliance index arrays of every eligible (candidate, alliance) pair.

    Eligible: a person or institution in the alliance's Kreis with no
    membership record for it (current, ended or planned). Pairs come alliance by
    alliance in the given order, candidates ascending.
    """
    pools = _kreis_pools(net)
    empty = np.zeros(0, dtype=np.int64)
    rows, cols = [], []
    for alliance in alliance_ids:
        j = net.index.get(alliance)
        if j is None or net.kreis[j] < 0:
            continue
        pool = pools.get(int(net.kreis[j]), empty)
        rows.append(pool)
        cols.append(np.full(len(pool), j, dtype=np.int64))
    if not rows:
        return empty, empty
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    keep = membership_eligible(net, rows, cols)
    return rows[keep], cols[keep]


def membership_eligible(net: Network, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whether each (node, alliance) pair may be suggested at all (see :func:`membership_candidates`)."""
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    n = len(net.graph.nodes)
    return ((net.kind[rows] != Network.ALLIANCE) & (net.kreis[rows] >= 0) & (net.kreis[rows] == net.kreis[cols])
            & ~_in_sorted(rows * n + cols, _known_codes(net)))


def membership_scores(net: Network, rows: np.ndarray, cols: np.ndarray,
                      states: dict[str, AllianceState]) -> np.ndarray:
    """The membership score of each (node, alliance) pair; the parts are those :func:`_membership_reasons` names."""
    if len(rows) == 0:
        return np.zeros(0)
    p2, p3 = net.path_scores(rows, cols)
    return _scores(_Profiles.of(net, states), rows, cols, p2 + p3)


def _popcount(values: np.ndarray) -> np.ndarray:
    """Set bits of each value, as float (the number of shared topics)."""
    values = values.astype(np.uint64)
    if hasattr(np, "bitwise_count"):  # numpy >= 2.0
        return np.bitwise_count(values).astype(float)
    count = np.zeros(len(values))
    while values.any():
        count += values & np.uint64(1)
        values = values >> np.uint64(1)
    return count


def _shared_topics(net: Network, profiles: _Profiles, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if profiles.topic_masks:
        both = profiles.topics[rows] & profiles.topics[cols]
        return _popcount(both)
    node_topics = (net.node_topics > 0).astype(float)
    return np.asarray(node_topics[rows].multiply(net.alliance_topics[cols]).sum(axis=1)).ravel()


def _scores(profiles: _Profiles, rows: np.ndarray, cols: np.ndarray, paths: np.ndarray,
            same_unit: np.ndarray | None = None) -> np.ndarray:
    """The score from the path sums ``p2 + p3`` of each pair (same operations in the same order as always)."""
    if same_unit is None:
        same_unit = profiles.same_unit(rows, cols)
    score = WEIGHTS["proximity"] * paths
    score += WEIGHTS["topic"] * _shared_topics(profiles.net, profiles, rows, cols)
    factor = np.where(same_unit, WEIGHTS["same_unit_factor"], 1.0)
    return (score + profiles.gap(rows, cols, same_unit)) * factor


def _gap_parts(net: Network, node: str, state: AllianceState) -> tuple[tuple[float, str], ...]:
    """(points, reason) for each gap of the alliance the candidate would fill as a new partner."""
    unit, sector, youth_voice, administration = net.profile(node)
    if unit in state.units:
        return ()  # an existing unit brings no sector, voice or administration the alliance lacks
    return _gaps_filled(state, sector, youth_voice, administration)


@lru_cache(maxsize=65536)
def _gaps_filled(state: AllianceState, sector: str | None, youth_voice: bool,
                 administration: bool) -> tuple[tuple[float, str], ...]:
    # Depends on the candidate only through three attributes, so scoring many candidates reuses it.
    parts = []
    if sector and sector not in state.sectors:
        have = ", ".join(SECTORS.get(s, s) for s in sorted(state.sectors)) or "keiner"
        points = WEIGHTS["new_sector"] + (WEIGHTS["only_sector"] if len(state.sectors) == 1 else 0.0)
        parts.append((points, f"bringt den fehlenden Sektor {SECTORS.get(sector, sector)} ein (bisher: {have})"))
    if not state.has_youth_voice and youth_voice:
        parts.append((WEIGHTS["youth_voice"], "bringt die Stimme junger Geflüchteter ein (bisher weder geflüchtete "
                                              "junge Menschen noch eine Migrantenorganisation im Bündnis)"))
    if not state.has_administration and administration:
        parts.append((WEIGHTS["administration"], "bringt die kommunale Verwaltung ein (bisher keine im Bündnis)"))
    return tuple(parts)


def _membership_reasons(net: Network, node: str, alliance: str, state: AllianceState,
                        min_partners: int, reveal: bool) -> list[str]:
    ds = net.ds
    reasons = []
    person = node in ds.actors
    unit = ds.unit_of(node)
    if unit in state.units:
        factor = f"{WEIGHTS['same_unit_factor']:g}".replace(".", ",")
        reasons.append(f"wäre kein neuer Partner: {_quoted(ds, unit)} ist schon dabei (Wertung ×{factor}); "
                       f"stärkt aber die Verbindung dorthin")
    elif state.below_minimum(min_partners):
        reasons.append(f"Bündnis {_quoted(ds, alliance)} hat nur {state.partners} von {min_partners} "
                       f"Partnern; {'diese Person' if person else 'diese Einrichtung'} wäre ein neuer Partner")
    reasons.append(f"im selben Kreis wie das Bündnis: {_kreis_label(ds, net.kreis_of_node(alliance))}")
    members = net.members.get(alliance, set())
    mine = net.neighbours(node)
    direct = mine & members
    # WORKS_AT edges to members: the candidate's own institution, or its own staff.
    own = {m for m in direct if (person and m == ds.actors[node].institution)
           or (not person and m in ds.actors and ds.actors[m].institution == node)}
    direct -= own
    if own and person:
        reasons.append(f"die eigene Einrichtung {_quoted(ds, next(iter(own)))} ist schon Mitglied")
    elif own:
        reasons.append(f"eigene Mitarbeitende sind schon Mitglied: {_names(ds, own, reveal)}")
    if direct:
        n = len(direct)
        if person:
            phrase = "kennt 1 Mitglied" if n == 1 else f"kennt {n} Mitglieder"
        else:
            phrase = "kooperiert mit 1 Mitglied" if n == 1 else f"kooperiert mit {n} Mitgliedern"
        reasons.append(f"{phrase}: {_names(ds, direct, reveal)}")
        reasons += survey_reasons(ds, [(node, m) for m in direct], reveal=reveal)  # reported ties, with strength
    contacts, shared_alliances, via_staff = set(), defaultdict(set), defaultdict(set)
    for x in sorted(mine - members):
        reach = net.neighbours(x) & members
        if not reach:
            continue
        if x in ds.alliances:
            shared_alliances[x] |= reach
        elif ds.actors.get(x) is not None and ds.actors[x].institution == node:
            via_staff[x] |= reach
        elif person and x == ds.actors[node].institution:
            via_staff[x] |= reach
        else:
            contacts.add(x)
    if contacts:
        reasons.append(f"{_contacts(len(contacts))} mit Mitgliedern: {_names(ds, contacts, reveal)}")
    for other, reach in shared_alliances.items():
        reasons.append(f"mit {_names(ds, reach, reveal)} zusammen im Bündnis {_quoted(ds, other)}")
    for x, reach in via_staff.items():
        if person:
            colleagues = {m for m in reach if m in ds.actors and ds.actors[m].institution == x}
            if colleagues:
                reasons.append(f"Kolleg*innen bei {_quoted(ds, x)} sind Mitglied: {_names(ds, colleagues, reveal)}")
            if reach - colleagues:
                reasons.append(f"die eigene Einrichtung {_quoted(ds, x)} kooperiert mit "
                               f"{_names(ds, reach - colleagues, reveal)}")
        else:
            reasons.append(f"Mitarbeiter*in {ds.name_of(x, reveal=reveal)} kennt {_names(ds, reach, reveal)}")
    if not (own or direct or contacts or shared_alliances or via_staff):
        reasons.append("noch keine Verbindung zu Mitgliedern im Netz")
    reasons += [reason for _, reason in _gap_parts(net, node, state)]
    topics = net.topics_of_member(node)
    for topic in sorted(set(ds.alliances[alliance].topics) & set(topics)):
        via = ", ".join(_quoted(ds, a) for a in topics[topic])
        reasons.append(f"arbeitet schon zum Thema {_topic_names(ds, [topic])} (im Bündnis {via})")
    return reasons


def membership_suggestions(ds: Dataset, as_of: date, *, alliance: str | None = None, candidate: str | None = None,
                           top: int = 10, dismissed=frozenset(), reveal: bool = False,
                           min_partners: int = MIN_PARTNERS, network: Network | None = None) -> list[Suggestion]:
    """Who could join which alliance: alliances below the minimum first, then by score.

    Parameters
    ----------
    ds : Dataset
    as_of : datetime.date
    alliance : str, optional
        Only suggestions for this alliance.
    candidate : str, optional
        Only suggestions of this person or institution.
    top : int
        How many to return.
    dismissed : set of (kind, source, target)
        Suggestions a coordinator has dismissed; never returned again.
    reveal : bool
        Show refugee young people by name instead of pseudonym in reasons.
    min_partners : int
        The programme's minimum (3).

    Returns
    -------
    list of Suggestion
        ``source`` the candidate, ``target`` the alliance.
    """
    net = network or build_network(ds, as_of)
    targets = [alliance] if alliance else net.alliance_ids
    targets = [a for a in targets if a in net.index]
    states = alliance_states(net, targets)
    profiles = _Profiles.of(net, states)
    nodes = net.graph.nodes
    wanted = top + len(dismissed)
    below = np.zeros(len(nodes), dtype=bool)
    for a in targets:
        below[net.index[a]] = states[a].below_minimum(min_partners)
    by_kreis: dict[int, list[int]] = defaultdict(list)
    for a in targets:
        j = net.index[a]
        if net.kreis[j] >= 0:
            by_kreis[int(net.kreis[j])].append(j)
    pools = _kreis_pools(net)
    rank = net.id_rank()
    empty = np.zeros(0, dtype=np.int64)
    # One Kreis at a time (candidates come from the alliance's Kreis), keeping the best `wanted`
    # of each by the final order: memory stays bounded by a Kreis, and the overall best are kept.
    ranked = []
    for kreis in sorted(by_kreis):
        cols = np.asarray(by_kreis[kreis], dtype=np.int64)
        pool = pools.get(kreis, empty)
        if candidate is not None:
            pool = pool[pool == net.index.get(candidate, -1)]
        if len(pool) * len(cols) <= DENSE_PAIRS:
            rows, cols = np.repeat(pool, len(cols)), np.tile(cols, len(pool))
            keep = membership_eligible(net, rows, cols)
            rows, cols = rows[keep], cols[keep]
            scores = membership_scores(net, rows, cols, states)
        else:
            rows, cols, scores = _best_of_kreis(net, profiles, pool, cols, wanted)
        keep = scores > 0
        rows, cols, scores = rows[keep], cols[keep], scores[keep]
        order = np.lexsort((rank[rows], cols, -scores, ~below[cols]))[:wanted]
        ranked += [(not below[c], -float(scores[i]), nodes[c], nodes[r])
                   for i, r, c in zip(order.tolist(), rows[order].tolist(), cols[order].tolist())]
    out = []
    for _, negative_score, target, source in sorted(ranked):
        if ("membership", source, target) in dismissed:
            continue
        reasons = _membership_reasons(net, source, target, states[target], min_partners, reveal)
        out.append(Suggestion("membership", source, target, round(-negative_score, 3), reasons))
        if len(out) >= top:
            break
    return out


def _path_matrix(net: Network):
    """Node × alliance column: ``P2 + P3`` of :meth:`Network.path_scores` (built once)."""
    found = net.cache.get("membership_paths")
    if found is None:
        net.path_scores(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64))
        found = net.cache["membership_paths"] = (net._p2 + net._p3).tocsr()
    return found


def _best_of_kreis(net: Network, profiles: _Profiles, pool: np.ndarray, cols: np.ndarray,
                   wanted: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eligible pairs of `pool` × `cols` that can reach the best `wanted` of each alliance, with their scores.

    Gives the same best pairs as scoring every pair, without enumerating the
    Kreis' candidates × alliances (which grows with the square of a Kreis):

    - pairs with a path to the alliance, or whose unit is already in it, are scored one by one;
    - every other pair scores ``topic + gap``, which depends on the candidate only through
      its sector, youth voice, administration and topics (a handful of classes). Per
      alliance the classes are taken best first, each in id order, until `wanted`
      candidates and every candidate tied with the last one are in.
    """
    n = len(net.graph.nodes)
    # 1. Pairs scored one by one: a path of length two or three, or the same partner unit.
    paths = _path_matrix(net)[pool][:, net._alliance_col[cols]].tocoo()
    path_codes = pool[paths.row] * n + cols[paths.col]
    # (alliance, unit) of each alliance's units, then the pool's members of that unit: by ranges
    # of sorted arrays, so the work grows with the pairs found, not with pool × alliances.
    keys = profiles.unit_keys
    at = _ranges(np.searchsorted(keys, cols * n), np.searchsorted(keys, (cols + 1) * n))
    key_cols, key_units = keys[at] // n, keys[at] % n
    by_unit = pool[np.argsort(profiles.unit[pool], kind="stable")]
    sorted_units = profiles.unit[by_unit]
    left, right = np.searchsorted(sorted_units, key_units, "left"), np.searchsorted(sorted_units, key_units, "right")
    hit = _ranges(left, right)
    unit_codes = by_unit[hit] * n + np.repeat(key_cols, right - left)
    codes, first = np.unique(np.concatenate([path_codes, unit_codes]), return_index=True)
    values = np.concatenate([paths.data, np.zeros(len(unit_codes))])[first]
    rows, pair_cols = codes // n, codes % n
    keep = membership_eligible(net, rows, pair_cols)
    rows, pair_cols, values = rows[keep], pair_cols[keep], values[keep]
    scores = _scores(profiles, rows, pair_cols, values)

    # 2. The rest by class of candidate: excluded are the pairs above and every membership record.
    known_cols, known_rows = _known_by_alliance(net)
    at = _ranges(np.searchsorted(known_cols, cols, "left"), np.searchsorted(known_cols, cols, "right"))
    excluded = np.union1d(codes, known_rows[at] * n + known_cols[at])
    # excluded rows grouped by alliance, ascending within each
    excluded_order = np.lexsort((excluded // n, excluded % n))
    excluded_cols, excluded_rows = excluded[excluded_order] % n, excluded[excluded_order] // n
    classes, inverse = np.unique(np.stack([profiles.sector[pool], profiles.youth[pool].astype(np.int64),
                                           profiles.admin[pool].astype(np.int64), profiles.topics[pool]], axis=1),
                                 axis=0, return_inverse=True)
    inverse = inverse.ravel()
    rank = net.id_rank()
    # each class's members in id order: sorted by (class, id rank), then split at the class boundaries
    grouped = pool[np.lexsort((rank[pool], inverse))]
    members = np.split(grouped, np.cumsum(np.bincount(inverse, minlength=len(classes)))[:-1])
    representative = np.array([m[0] for m in members], dtype=np.int64)
    more_rows, more_cols = [rows], [pair_cols]
    more_scores = [scores]
    for c in cols.tolist():
        class_scores = _scores(profiles, representative, np.full(len(representative), c, dtype=np.int64),
                               np.zeros(len(representative)), np.zeros(len(representative), dtype=bool))
        skip = excluded_rows[np.searchsorted(excluded_cols, c, "left"):np.searchsorted(excluded_cols, c, "right")]
        taken, last = 0, None
        for q in np.lexsort((np.arange(len(classes)), -class_scores)).tolist():
            score = class_scores[q]
            if score <= 0 or (taken >= wanted and score != last):
                break
            head = members[q][:wanted + len(skip)]
            head = head[~np.isin(head, skip)][:wanted]
            more_rows.append(head)
            more_cols.append(np.full(len(head), c, dtype=np.int64))
            more_scores.append(np.full(len(head), score))
            taken, last = taken + len(head), score
    return np.concatenate(more_rows), np.concatenate(more_cols), np.concatenate(more_scores)


def find(ctx: SuggestionContext, *, alliance: str | None = None, actor: str | None = None, top: int = 10,
         dismissed=frozenset(), reveal: bool = False) -> list[Suggestion]:
    """The registry's entry point: :func:`membership_suggestions` on the shared network."""
    return membership_suggestions(ctx.ds, ctx.as_of, alliance=alliance, candidate=actor, top=top,
                                  dismissed=dismissed, reveal=reveal, min_partners=ctx.min_partners,
                                  network=ctx.network)


def to_records(s: Suggestion, as_of: date, ds: Dataset | None = None) -> list[RawRecord]:
    """Accepting writes a membership from `as_of`."""
    return [RawRecord("memberships", ACCEPT_SOURCE, f"{s.kind}:{s.source}->{s.target}",
                      {"member": s.source, "alliance": s.target, "since": as_of.isoformat()})]
