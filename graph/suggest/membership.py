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

Why one module of ~680 lines: candidate generation, the vectorised scores and
the German reasons of one suggestion kind belong together (one kind, one
module, as the registry in :mod:`graph.suggest` expects); the exhaustive scoring
of every pair (:data:`DENSE_PAIRS`) stays beside the bounded ranking
(:func:`_best_pairs`), which the tests compare against it.
"""

from __future__ import annotations

import weakref
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import numpy as np

from ..health.summary import HealthSummary
from ..model import SECTORS, Dataset, Membership
from ..partners import partners_of, unit_sector
from ..survey import survey_reasons
from ..validate import RawRecord
from .base import ACCEPT_SOURCE, MIN_PARTNERS, Suggestion, SuggestionContext
from .base import contacts as _contacts
from .base import kreis_label as _kreis_label
from .base import names as _names
from .base import quoted as _quoted
from .base import topic_names as _topic_names
from .network import Network, build_network, popcount

__all__ = ["WEIGHTS", "AllianceState", "alliance_states", "find", "membership_candidates", "membership_eligible",
           "membership_scores", "membership_suggestions", "to_records"]

NAME = "membership"
#: Up to this many candidate × alliance pairs in a Kreis every pair is scored; above, only
#: those that can reach the top (:func:`_best_pairs`, same result; the tests compare both).
DENSE_PAIRS = 0

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


def alliance_states(net: Network, alliance_ids: Iterable[str], reports=None) -> dict[str, AllianceState]:
    """Partners (by :func:`graph.partners.partners_of`) and gaps of each alliance.

    `reports` (:func:`graph.health.check_alliances` or :func:`graph.health.check_summaries` for
    the network's date), when the run has them already, give the partners and their sectors
    without applying the rule again.
    """
    ds, as_of = net.ds, net.as_of
    checked = {r.alliance: r for r in reports} if reports is not None else {}
    sectors_of = {a: r.sectors if isinstance(r, HealthSummary) else r.metrics["sectors"] for a, r in checked.items()}
    grouped: dict[str, list[Membership]] | None = None  # memberships by alliance, for the rule itself
    unit, _, youth, admin, _, _, units, _ = _nodes(net)
    unit_names = [name for name, _ in units]
    # per alliance node: the units of its current members, and whether one gives youth voice or administrates
    n, rows, cols = len(net.graph.nodes), net.member_rows, net.member_cols
    pairs = np.unique(cols * n + unit[rows])
    starts = np.searchsorted(pairs, np.arange(n + 1, dtype=np.int64) * n).tolist()
    pair_units = (pairs % n).tolist()
    has_youth = (np.bincount(cols, weights=youth[rows], minlength=n) > 0).tolist()
    has_admin = (np.bincount(cols, weights=admin[rows], minlength=n) > 0).tolist()
    index = net.index
    out = {}
    for alliance in alliance_ids:
        report = checked.get(alliance)
        if report is not None:  # the same partner rule, applied by the health check
            count, sectors = report.partners, frozenset(sectors_of[alliance])
        else:
            if grouped is None:
                grouped = defaultdict(list)
                for membership in ds.memberships.values():
                    grouped[membership.alliance].append(membership)
            partners = partners_of(ds, alliance, as_of, grouped, net.place_of)
            count, sectors = len(partners), frozenset(p.sector for p in partners if p.sector)
        j = index.get(alliance)
        if j is None:
            out[alliance] = AllianceState(alliance, count, frozenset(), sectors, False, False)
            continue
        out[alliance] = AllianceState(
            alliance, count,
            frozenset([unit_names[u] for u in pair_units[starts[j]:starts[j + 1]]]),
            sectors,
            has_youth[j],
            has_admin[j],
        )
    return out


class _Profiles:
    """Per node and per target alliance, the arrays the score needs.

    Node side (built once per network): partner unit, sector, youth voice,
    administration (as codes) and the topics of its current alliances as a bit
    mask. Alliance side: the facts of each :class:`AllianceState`, indexed by node index.
    """

    def __init__(self, net: Network, states: dict[str, AllianceState]):
        # a weak reference: the network keeps its profiles in net.cache, and a cycle would keep both
        # alive until the collector runs (graph.collector)
        self._net = weakref.ref(net)
        self.n = n = len(net.graph.nodes)
        nodes = _nodes(net)
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

    @property
    def net(self) -> Network:
        net = self._net()
        assert net is not None  # profiles are used while their network is
        return net

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


def _nodes(net: Network):
    """:func:`_node_profiles`, built once per network."""
    found = net.cache.get("membership_nodes")
    if found is None:
        found = net.cache["membership_nodes"] = _node_profiles(net)
    return found


def _node_profiles(net: Network):
    """Per node: partner unit and sector (as codes, in order of first appearance), youth voice,
    administration, topic mask; persons and institutions only (alliances keep -1 / False)."""
    n, nodes, ds = len(net.graph.nodes), net.graph.nodes, net.ds
    units: dict[str, int] = {}
    sectors: dict[str, int] = {}
    sector_of_unit: list[int] = []  # by unit code: a member's sector is its unit's (unit_sector)
    people = np.flatnonzero(net.kind != Network.ALLIANCE)  # the first nodes, as net.unit_names
    names = [nodes[i] for i in people.tolist()]
    unit_codes, sector_codes = [], []
    for node, u in zip(names, net.unit_names):
        code = units.get(u)
        if code is None:
            code = units[u] = len(units)
            x = unit_sector(ds, node)
            sector_of_unit.append(sectors.setdefault(x, len(sectors)) if x else -1)
        unit_codes.append(code)
        sector_codes.append(sector_of_unit[code])
    voices, administrations = net.voices_and_administrations()
    unit = np.full(n, -1, dtype=np.int64)
    sector = np.full(n, -1, dtype=np.int64)
    youth = np.zeros(n, dtype=bool)
    admin = np.zeros(n, dtype=bool)
    unit[people], sector[people] = unit_codes, sector_codes
    youth[people], admin[people] = voices, administrations
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
    if found is None:  # the current memberships (as arrays already) and the other records
        n, index = len(net.graph.nodes), net.index
        others = [index[m] * n + index[a] for m, a in net.other_pairs if m in index and a in index]
        found = np.unique(np.concatenate([net.member_rows * n + net.member_cols, np.asarray(others, dtype=np.int64)]))
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


def _shared_topics(net: Network, profiles: _Profiles, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    if profiles.topic_masks:
        both = profiles.topics[rows] & profiles.topics[cols]
        return popcount(both)
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
                           min_partners: int = MIN_PARTNERS, network: Network | None = None,
                           reports=None) -> list[Suggestion]:
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
    reports : list of AllianceReport, optional
        :func:`graph.health.check_alliances` for `as_of`, when already computed (partners are taken from it).

    Returns
    -------
    list of Suggestion
        ``source`` the candidate, ``target`` the alliance.
    """
    net = network or build_network(ds, as_of)
    targets = [alliance] if alliance else net.alliance_ids
    targets = [a for a in targets if a in net.index]
    states = alliance_states(net, targets, reports)
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
    chosen = net.index.get(candidate, -1) if candidate is not None else None
    ranked = []

    def keep_best(rows, cols, scores):
        keep = scores > 0
        rows, cols, scores = rows[keep], cols[keep], scores[keep]
        order = np.lexsort((rank[rows], cols, -scores, ~below[cols]))[:wanted]
        return [(not below[c], -float(scores[i]), nodes[c], nodes[r])
                for i, r, c in zip(order.tolist(), rows[order].tolist(), cols[order].tolist())]

    # Kreise with few pairs: every pair scored (the reference the bounded ranking is tested against).
    bounded = []
    for kreis in sorted(by_kreis):
        cols = np.asarray(by_kreis[kreis], dtype=np.int64)
        pool = pools.get(kreis, empty)
        if chosen is not None:
            pool = pool[pool == chosen]
        if len(pool) * len(cols) > DENSE_PAIRS:
            bounded.append(cols)
            continue
        rows, cols = np.repeat(pool, len(cols)), np.tile(cols, len(pool))
        keep = membership_eligible(net, rows, cols)
        rows, cols = rows[keep], cols[keep]
        ranked += keep_best(rows, cols, membership_scores(net, rows, cols, states))
    # All other Kreise in one pass that never lists candidates × alliances (which grows with a Kreis squared).
    if bounded:
        cols = np.concatenate(bounded)
        candidates = (net.kind != Network.ALLIANCE) & np.isin(net.kreis, net.kreis[cols])
        if chosen is not None:
            candidates &= np.arange(len(nodes)) == chosen
        ranked += keep_best(*_best_pairs(net, profiles, cols, candidates, below, wanted))
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


def _best_pairs(net: Network, profiles: _Profiles, cols: np.ndarray, candidates: np.ndarray, below: np.ndarray,
                wanted: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Eligible pairs of candidates × alliances `cols` (same Kreis) among which are the best `wanted`, with scores.

    Gives the same best pairs, by the final order (below the minimum first, score,
    alliance, candidate id), as scoring every pair, without listing them:

    - pairs with a path of length two or three to the alliance, or whose unit is
      already in it, come from the sparse path matrix and the units. Only those that can
      reach the best `wanted` of their group (below the minimum or not) are scored: a
      pair's score is at most ``proximity × paths + topic × (topics of the alliance) +``
      every gap, and some `wanted` pairs of the group are known to score at least the
      cut-off (the best by paths, scored first). If enough pairs below the minimum
      exist, the others cannot come first and are left out;
    - every other pair scores ``topic + gap``, which depends on the candidate only
      through its class: Kreis, sector, youth voice, administration and topics. Each
      (class, alliance) group is scored once; groups are taken best first, each with
      its first `wanted` members in id order, until `wanted` pairs and every group
      tied with the last one are in.

    `candidates` is a mask over the nodes (persons and institutions with a Kreis).
    """
    n = len(net.graph.nodes)
    kreis = net.kreis
    target = np.zeros(n, dtype=bool)
    target[cols] = True
    known = _known_codes(net)
    # 1a. Pairs with a path (codes ascending, as the path matrix is stored) and pairs of an existing unit.
    path_rows, path_cols, path_values = _path_pairs(net)
    keep = candidates[path_rows] & target[path_cols] & (kreis[path_rows] == kreis[path_cols])
    path_rows, path_cols, path_values = path_rows[keep], path_cols[keep], path_values[keep]
    path_codes = path_rows * n + path_cols
    keys = profiles.unit_keys
    at = _ranges(np.searchsorted(keys, cols * n), np.searchsorted(keys, (cols + 1) * n))
    key_cols, key_units = keys[at] // n, keys[at] % n
    pool = np.flatnonzero(candidates)
    by_unit = pool[np.argsort(profiles.unit[pool], kind="stable")]
    sorted_units = profiles.unit[by_unit]
    left, right = np.searchsorted(sorted_units, key_units, "left"), np.searchsorted(sorted_units, key_units, "right")
    unit_rows, unit_cols = by_unit[_ranges(left, right)], np.repeat(key_cols, right - left)
    same_kreis = kreis[unit_rows] == kreis[unit_cols]
    unit_codes = np.unique(unit_rows[same_kreis] * n + unit_cols[same_kreis])
    unit_codes = unit_codes[~_in_sorted(unit_codes, path_codes)]  # a path pair keeps its path value
    eligible = ~_in_sorted(path_codes, known)
    unit_eligible = ~_in_sorted(unit_codes, known)
    rows = np.concatenate([path_rows[eligible], unit_codes[unit_eligible] // n])
    pair_cols = np.concatenate([path_cols[eligible], unit_codes[unit_eligible] % n])
    values = np.concatenate([path_values[eligible], np.zeros(int(unit_eligible.sum()))])
    # 1b. Leave out what cannot reach the best `wanted` of its group, then score the rest.
    topic_counts = np.asarray(net.alliance_topics.sum(axis=1)).ravel()  # at least the topics shared
    most = (WEIGHTS["proximity"] * values + WEIGHTS["topic"] * topic_counts[pair_cols]
            + (WEIGHTS["new_sector"] + WEIGHTS["only_sector"] + WEIGHTS["youth_voice"] + WEIGHTS["administration"]))
    chosen = np.zeros(len(rows), dtype=bool)
    group_below = below[pair_cols]
    for group in (np.flatnonzero(group_below), np.flatnonzero(~group_below)):
        sample = group if len(group) <= 4 * wanted else group[np.argpartition(-values[group], 4 * wanted)[:4 * wanted]]
        sure = _scores(profiles, rows[sample], pair_cols[sample], values[sample])
        sure = sure[sure > 0]
        if len(sure) < wanted:
            chosen[group] = True
            continue
        cutoff = np.partition(sure, len(sure) - wanted)[len(sure) - wanted]
        chosen[group[most[group] >= cutoff - 1e-9]] = True  # the margin covers rounding in the bound
        if len(group) and group_below[group[0]]:
            break  # `wanted` pairs below the minimum: no other pair can come first
    rows, pair_cols, values = rows[chosen], pair_cols[chosen], values[chosen]
    found_rows, found_cols, found_scores = [rows], [pair_cols], [_scores(profiles, rows, pair_cols, values)]

    # 2. The rest by class of candidate: excluded are the pairs above and every membership record.
    known_cols, known_rows = _known_by_alliance(net)
    unit_rows, unit_cols = unit_codes // n, unit_codes % n

    def excluded(c: int) -> np.ndarray:
        known_here = known_rows[np.searchsorted(known_cols, c, "left"):np.searchsorted(known_cols, c, "right")]
        return np.concatenate([path_rows[path_cols == c], unit_rows[unit_cols == c], known_here])

    classes, inverse = unique_rows(np.stack([kreis[pool], profiles.sector[pool], profiles.youth[pool].astype(np.int64),
                                             profiles.admin[pool].astype(np.int64), profiles.topics[pool]], axis=1))
    rank = net.id_rank()
    members = pool[np.lexsort((rank[pool], inverse))]  # by class, in id order within a class
    starts = np.concatenate([[0], np.cumsum(np.bincount(inverse, minlength=len(classes)))])
    # groups: every class with every target alliance of its Kreis
    by_kreis = cols[np.argsort(kreis[cols], kind="stable")]
    lo = np.searchsorted(kreis[by_kreis], classes[:, 0], "left")
    hi = np.searchsorted(kreis[by_kreis], classes[:, 0], "right")
    group_class, group_col = np.repeat(np.arange(len(classes)), hi - lo), by_kreis[_ranges(lo, hi)]
    group_scores = _scores(profiles, members[starts[group_class]], group_col, np.zeros(len(group_col)),
                           np.zeros(len(group_col), dtype=bool))
    positive = np.flatnonzero(group_scores > 0)
    taken, last = 0, None
    skips: dict[int, np.ndarray] = {}
    for g in positive[np.lexsort((group_col[positive], -group_scores[positive], ~below[group_col[positive]]))].tolist():
        c, score = int(group_col[g]), group_scores[g]
        if taken >= wanted and (c, score) != last:
            break
        skip = skips.get(c)
        if skip is None:
            skip = skips[c] = excluded(c)
        q = group_class[g]
        head = members[starts[q]:min(starts[q + 1], starts[q] + wanted + len(skip))]
        head = head[~np.isin(head, skip)][:wanted]
        found_rows.append(head)
        found_cols.append(np.full(len(head), c, dtype=np.int64))
        found_scores.append(np.full(len(head), score))
        taken, last = taken + len(head), (c, score)
    return np.concatenate(found_rows), np.concatenate(found_cols), np.concatenate(found_scores)


def unique_rows(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.unique(keys, axis=0, return_inverse=True)`` of a 2-d int64 array (rows in lexicographic
    order, the inverse flat), by one lexsort instead of sorting rows as structured values."""
    if len(keys) == 0:
        return keys[:0], np.zeros(0, dtype=np.int64)
    order = np.lexsort(keys.T[::-1])
    ordered = keys[order]
    first = np.empty(len(keys), dtype=bool)
    first[0] = True
    first[1:] = (ordered[1:] != ordered[:-1]).any(axis=1)
    inverse = np.empty(len(keys), dtype=np.int64)
    inverse[order] = np.cumsum(first) - 1
    return ordered[first], inverse


def _path_pairs(net: Network) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(node, alliance node, P2 + P3) of every stored entry of :func:`_path_matrix` (built once)."""
    found = net.cache.get("membership_path_pairs")
    if found is None:
        matrix = _path_matrix(net)
        matrix.sum_duplicates()  # canonical: row by row, alliances ascending, so codes ``node * n + alliance`` ascend
        coo = matrix.tocoo()
        alliances = np.flatnonzero(net.kind == Network.ALLIANCE)
        found = net.cache["membership_path_pairs"] = (coo.row.astype(np.int64), alliances[coo.col], coo.data)
    return found


def find(ctx: SuggestionContext, *, alliance: str | None = None, actor: str | None = None, top: int = 10,
         dismissed=frozenset(), reveal: bool = False) -> list[Suggestion]:
    """The registry's entry point: :func:`membership_suggestions` on the shared network."""
    return membership_suggestions(ctx.ds, ctx.as_of, alliance=alliance, candidate=actor, top=top,
                                  dismissed=dismissed, reveal=reveal, min_partners=ctx.min_partners,
                                  network=ctx.network, reports=ctx.summaries if ctx.has_summaries() else None)


def to_records(s: Suggestion, as_of: date, ds: Dataset | None = None) -> list[RawRecord]:
    """Accepting writes a membership from `as_of`."""
    return [RawRecord("memberships", ACCEPT_SOURCE, f"{s.kind}:{s.source}->{s.target}",
                      {"member": s.source, "alliance": s.target, "since": as_of.isoformat()})]
