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


def membership_candidates(net: Network, alliance_ids: Iterable[str]) -> tuple[np.ndarray, np.ndarray]:
    """Node and alliance index arrays of every eligible (candidate, alliance) pair.

    Eligible: a person or institution in the alliance's Kreis with no
    membership record for it (current, ended or planned).
    """
    by_kreis: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero((net.kind != Network.ALLIANCE) & (net.kreis >= 0)).tolist():
        by_kreis[int(net.kreis[i])].append(i)
    rows, cols = [], []
    for alliance in alliance_ids:
        j = net.index.get(alliance)
        if j is None or net.kreis[j] < 0:
            continue
        pool = by_kreis.get(int(net.kreis[j]), [])
        rows.extend(pool)
        cols.extend([j] * len(pool))
    rows, cols = np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64)
    keep = membership_eligible(net, rows, cols)
    return rows[keep], cols[keep]


def membership_eligible(net: Network, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whether each (node, alliance) pair may be suggested at all (see :func:`membership_candidates`)."""
    nodes = net.graph.nodes
    return np.array([
        net.kind[r] != Network.ALLIANCE
        and net.kreis[r] >= 0 and net.kreis[r] == net.kreis[c]
        and (nodes[r], nodes[c]) not in net.known_pairs
        for r, c in zip(rows.tolist(), cols.tolist())
    ], dtype=bool)


def membership_scores(net: Network, rows: np.ndarray, cols: np.ndarray,
                      states: dict[str, AllianceState]) -> np.ndarray:
    """The membership score of each (node, alliance) pair; the parts are those :func:`_membership_reasons` names."""
    if len(rows) == 0:
        return np.zeros(0)
    nodes = net.graph.nodes
    p2, p3 = net.path_scores(rows, cols)
    score = WEIGHTS["proximity"] * (p2 + p3)
    node_topics = (net.node_topics > 0).astype(float)
    shared = np.asarray(node_topics[rows].multiply(net.alliance_topics[cols]).sum(axis=1)).ravel()
    score += WEIGHTS["topic"] * shared
    gap = np.zeros(len(rows))
    factor = np.ones(len(rows))
    for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist())):
        state = states[nodes[c]]
        if net.profile(nodes[r])[0] in state.units:
            factor[i] = WEIGHTS["same_unit_factor"]
        gap[i] = sum(points for points, _ in _gap_parts(net, nodes[r], state))
    return (score + gap) * factor


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
    nodes = net.graph.nodes
    wanted = top + len(dismissed)
    by_kreis: dict[int, list[str]] = defaultdict(list)
    for a in targets:
        by_kreis[int(net.kreis[net.index[a]])].append(a)
    # One Kreis at a time (candidates come from the alliance's Kreis), keeping the best `wanted`
    # of each by the final order: memory stays bounded by a Kreis, and the overall best are kept.
    ranked = []
    for kreis in sorted(by_kreis):
        rows, cols = membership_candidates(net, by_kreis[kreis])
        if candidate is not None:
            keep = rows == net.index.get(candidate, -1)
            rows, cols = rows[keep], cols[keep]
        scores = membership_scores(net, rows, cols, states)
        found = [(not states[nodes[c]].below_minimum(min_partners), -float(scores[i]), nodes[c], nodes[r])
                 for i, (r, c) in enumerate(zip(rows.tolist(), cols.tolist())) if scores[i] > 0]
        ranked += sorted(found)[:wanted]
    out = []
    for _, negative_score, target, source in sorted(ranked):
        if ("membership", source, target) in dismissed:
            continue
        reasons = _membership_reasons(net, source, target, states[target], min_partners, reveal)
        out.append(Suggestion("membership", source, target, round(-negative_score, 3), reasons))
        if len(out) >= top:
            break
    return out


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
