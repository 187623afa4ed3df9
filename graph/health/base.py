"""What the health check works with: its settings, its results, and the lookups it builds once.

Owns :class:`HealthConfig` (thresholds), :class:`Flag` and :class:`AllianceReport`
(results and their JSON form, docs/design.md, "Bündnis-Check"), the date helpers
the messages use, :class:`AllianceIndex` (lookups built once per run) and
:func:`member_network` (the network among an alliance's members).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from itertools import combinations

import networkx as nx

from ..errors import InputError, NotFound, Problem
from ..model import Dataset, Offer
from ..partners import memberships_by_alliance
from ..rules import MIN_PARTNERS, alliance_live, tie_in_force

__all__ = ["JSON_KEYS", "AllianceIndex", "AllianceReport", "Flag", "HealthConfig", "german_date",
           "member_network", "months_before", "select_alliances"]

#: exact key order of one ``health --format json`` item (docs/design.md, Status and score)
JSON_KEYS = ("alliance", "name", "municipality", "partners", "status", "score", "flags")


@dataclass(frozen=True)
class HealthConfig:
    """Thresholds of the health check.

    Parameters
    ----------
    min_partners : int
        The programme's minimum number of local partners.
    at_risk_days : int
        How far ahead ending memberships are looked at for ``AT_RISK``.
    dormant_months : int
        How long without offers or membership changes makes ``DORMANT``.
    key_person_share : float
        Share of the alliance's ties one member must hold for ``KEY_PERSON``.
    """

    min_partners: int = MIN_PARTNERS
    at_risk_days: int = 90
    dormant_months: int = 12
    key_person_share: float = 0.5

    def __post_init__(self):
        problems = []
        for name in ("min_partners", "at_risk_days", "dormant_months"):
            value = getattr(self, name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                problems.append(Problem("-", "-", name, f"muss eine ganze Zahl ab 1 sein, nicht {value!r}"))
        if not isinstance(self.key_person_share, (int, float)) or not 0 < self.key_person_share <= 1:
            problems.append(Problem("-", "-", "key_person_share",
                                    f"muss zwischen 0 und 1 liegen, nicht {self.key_person_share!r}"))
        if problems:
            raise InputError(problems)


@dataclass(frozen=True, slots=True)
class Flag:
    """One finding of the check; ``message`` is German and names the cause."""

    code: str
    severity: str
    message: str

    def as_dict(self) -> dict:
        return {"code": self.code, "severity": self.severity, "message": self.message}


@dataclass
class AllianceReport:
    """The health of one alliance as of a date."""

    alliance: str
    name: str
    municipality: str
    partners: int
    status: str
    score: int
    flags: list[Flag] = field(default_factory=list)
    score_parts: dict[str, int] = field(default_factory=dict)
    metrics: dict = field(default_factory=dict)

    def as_dict(self) -> dict:
        """The JSON item (docs/design.md, Status and score); ``metrics`` and ``score_parts`` follow."""
        return {
            "alliance": self.alliance,
            "name": self.name,
            "municipality": self.municipality,
            "partners": self.partners,
            "status": self.status,
            "score": self.score,
            "flags": [f.as_dict() for f in self.flags],
            "metrics": self.metrics,
            "score_parts": self.score_parts,
        }

    def has(self, code: str) -> bool:
        return any(f.code == code for f in self.flags)


def german_date(day: date) -> str:
    """TT.MM.JJJJ, as users write dates."""
    return day.strftime("%d.%m.%Y")


def months_before(day: date, months: int) -> date:
    """The same calendar day `months` earlier (the month's last day if it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AllianceIndex:
    """Lookups built once per check so that many alliances stay cheap."""

    def __init__(self, ds: Dataset, as_of: date):
        self.ds = ds
        self.as_of = as_of
        self.memberships = memberships_by_alliance(ds)
        self.alliances_of: dict[str, set[str]] = defaultdict(set)
        for membership in ds.memberships.values():
            if membership.is_current(as_of):
                self.alliances_of[membership.member].add(membership.alliance)
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        for tie in ds.ties.values():
            if tie_in_force(tie, as_of):
                self.neighbours[tie.source].add(tie.target)
                self.neighbours[tie.target].add(tie.source)
        self.offers: dict[str, list[Offer]] = defaultdict(list)
        for offer in ds.offers.values():
            if offer.alliance:
                self.offers[offer.alliance].append(offer)


def member_network(ds: Dataset, members: Iterable[str], neighbours: dict[str, set[str]] | None = None,
                   as_of: date | None = None) -> nx.Graph:
    """The network among an alliance's members.

    Nodes are the member ids. Edges are the KNOWS / COOPERATES_WITH ties among
    them (those with ``since`` on or before `as_of`), a person's link to their
    institution when both are members, and colleagues (members working at the
    same institution) — people of one institution are connected whether or not
    a tie was recorded.

    Examples
    --------
    >>> from graph.model import Actor, Dataset, Tie
    >>> ds = Dataset()
    >>> for a in "abc":
    ...     ds.add(Actor(a, a.upper()))
    >>> ds.add(Tie("a", "b")); ds.add(Tie("b", "c"))
    >>> sorted(member_network(ds, ["a", "b", "c"]).edges())
    [('a', 'b'), ('b', 'c')]
    """
    members = set(members)
    if neighbours is None:
        neighbours = defaultdict(set)
        for tie in ds.ties.values():
            if as_of is None or tie_in_force(tie, as_of):
                neighbours[tie.source].add(tie.target)
                neighbours[tie.target].add(tie.source)
    graph = nx.Graph()
    graph.add_nodes_from(sorted(members))
    staff: dict[str, list[str]] = defaultdict(list)
    for member in members:
        for other in neighbours.get(member, ()):
            if other in members and other != member:
                graph.add_edge(member, other)
        actor = ds.actors.get(member)
        if actor is not None and actor.institution:
            staff[actor.institution].append(member)
            if actor.institution in members:
                graph.add_edge(member, actor.institution)
    for colleagues in staff.values():
        graph.add_edges_from(combinations(sorted(colleagues), 2))
    return graph


def select_alliances(ds: Dataset, as_of: date, alliance_ids: Iterable[str] | None) -> list[str]:
    """The ids to check: the given ones (all must exist), else every alliance live on `as_of`."""
    if alliance_ids is None:
        return sorted(a.id for a in ds.alliances.values() if alliance_live(a, as_of))
    ids = sorted(set(alliance_ids))
    missing = [i for i in ids if i not in ds.alliances]
    if missing:
        raise NotFound([Problem("-", "-", "alliance", f"Bündnis {i!r} gibt es nicht") for i in missing])
    return ids
