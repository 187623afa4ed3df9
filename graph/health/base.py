"""What the health check works with: its settings, its results, and the lookups it builds once.

Owns :class:`HealthConfig` (thresholds), :class:`Flag` and :class:`AllianceReport`
(results and their JSON form, docs/design.md, "Bündnis-Check"), the date helpers
the messages use, :class:`AllianceIndex` (lookups built once per run) and
:func:`member_network` (the network among an alliance's members as a networkx graph;
the check itself uses the plain :mod:`graph.health.network`).
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property, lru_cache, partial
from typing import TYPE_CHECKING, NamedTuple

from ..errors import InputError, NotFound, Problem
from ..model import Dataset, Membership, Offer
from ..rules import (
    MIN_PARTNERS,
    alliance_live,
    gives_youth_voice,
    is_administration,
    ties_in_force,
    voices_and_administrations,
)
from .network import member_ties

if TYPE_CHECKING:
    import networkx as nx

__all__ = ["JSON_KEYS", "AllianceIndex", "AllianceReport", "Flag", "HealthConfig", "MemberFacts", "Memo", "german_date",
           "member_network", "months_before", "own_index", "select_alliances"]

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


@lru_cache(maxsize=4096)
def german_date(day: date) -> str:
    """TT.MM.JJJJ, as users write dates."""
    return day.strftime("%d.%m.%Y")


@lru_cache(maxsize=256)
def months_before(day: date, months: int) -> date:
    """The same calendar day `months` earlier (the month's last day if it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


class AllianceIndex:
    """Lookups built once per check so that many alliances stay cheap.

    Attributes
    ----------
    memberships : dict
        Alliance id -> all its memberships (current, ended, planned).
    members : dict
        Alliance id -> ids of its current members, sorted (:func:`graph.partners.current_members`).
    alliances_of : dict
        Member id -> ids of the alliances it is a current member of.
    neighbours : dict
        Member id -> ids of the current members (of any alliance) it has a tie in force with.
    offers : dict
        Alliance id -> its offers.
    last_event : dict
        Alliance id -> the latest day on or before the date with a founding, an offer, or a
        membership starting or ending (alliances without such a day are missing).

    ``place``, ``youth_voice`` and ``administration`` ask the shared rules once per
    member, however many alliances it belongs to; `facts` may bring their answers for many
    members at once (:class:`MemberFacts`, e.g. from the suggestion network).
    """

    def __init__(self, ds: Dataset, as_of: date, facts: MemberFacts | None = None):
        self.ds = ds
        self.as_of = as_of
        self.facts = facts
        self.memberships: dict[str, list[Membership]] = defaultdict(list)
        self.alliances_of: dict[str, set[str]] = defaultdict(set)
        self.offers: dict[str, list[Offer]] = defaultdict(list)
        self.last_event: dict[str, date] = {}
        members: dict[str, set[str]] = defaultdict(set)
        latest: dict[str, date]
        # the latest day of each kind per alliance first (a dict of days, no tuple per event), then the latest of them
        last = self.last_event
        for item in ds.alliances.values():
            day = item.founded
            if day is not None and day <= as_of:
                last[item.id] = day
        offers, latest = self.offers, {}
        for offer in ds.offers.values():
            if (alliance := offer.alliance):
                offers[alliance].append(offer)
                day = offer.date
                if day is not None and day <= as_of and (alliance not in latest or day > latest[alliance]):
                    latest[alliance] = day
        _later(last, latest)
        memberships, alliances_of, latest = self.memberships, self.alliances_of, {}
        for membership in ds.memberships.values():
            alliance, since, until = membership.alliance, membership.since, membership.until
            memberships[alliance].append(membership)
            if (since is None or since <= as_of) and (until is None or until >= as_of):  # Membership.is_current
                alliances_of[membership.member].add(alliance)
                members[alliance].add(membership.member)
            for day in (since, until):
                if day is not None and day <= as_of and (alliance not in latest or day > latest[alliance]):
                    latest[alliance] = day
        _later(last, latest)
        self.members: dict[str, list[str]] = {alliance: sorted(ids) for alliance, ids in members.items()}
        # Only ties between current members matter: the members' networks and the brokers.
        self.neighbours: dict[str, set[str]] = defaultdict(set)
        neighbours, current = self.neighbours, self.alliances_of
        among_members = [tie for tie in ds.ties.values() if tie.source in current and tie.target in current]
        for tie in ties_in_force(among_members, as_of):
            neighbours[tie.source].add(tie.target)
            neighbours[tie.target].add(tie.source)

    # :meth:`graph.model.Dataset.municipality_of_member`, :func:`graph.rules.gives_youth_voice` and
    # :func:`graph.rules.is_administration` of a member: each a plain ``dict.__getitem__``, cheap enough
    # to call for every member of every alliance. Built on first use for all current members at once
    # (what an institution brings is decided once per institution), asked on demand for anyone else.
    @cached_property
    def place(self) -> Callable[[str], str | None]:
        return self._lookup(self.ds.municipality_of_member, None if self.facts is None else self.facts.place)

    @cached_property
    def unit(self) -> Callable[[str], str]:
        """:meth:`graph.model.Dataset.unit_of` of a member."""
        return self._lookup(self.ds.unit_of, None if self.facts is None else self.facts.unit)

    def _lookup(self, func: Callable, known: Mapping | None) -> Callable:
        """``func`` of a member: the `known` answers (the shared member facts), else worked out for all
        current members at once; anyone else asked on demand."""
        memo = Memo(func)
        memo.update(known if known is not None else {member: func(member) for member in self.alliances_of})
        return memo.__getitem__

    @cached_property
    def youth_voice(self) -> Callable[[str], bool]:
        return self._voices_and_administrations[0].__getitem__

    @cached_property
    def administration(self) -> Callable[[str], bool]:
        return self._voices_and_administrations[1].__getitem__

    @cached_property
    def _voices_and_administrations(self) -> tuple[Memo, Memo]:
        ds = self.ds
        voice, administration = Memo(partial(gives_youth_voice, ds)), Memo(partial(is_administration, ds))
        if self.facts is not None:
            voice.update(self.facts.voice)
            administration.update(self.facts.administration)
        else:
            current = list(self.alliances_of)
            voices, administrations = voices_and_administrations(ds, current)
            voice.update(zip(current, voices))
            administration.update(zip(current, administrations))
        return voice, administration


def own_index(ds: Dataset, as_of: date, index: AllianceIndex | None = None,
              facts: MemberFacts | None = None) -> AllianceIndex:
    """`index` when given (it must be of `ds` as of `as_of`, with these `facts`), else a new one."""
    if index is None:
        return AllianceIndex(ds, as_of, facts)
    if index.ds is not ds or index.as_of != as_of or index.facts is not facts:
        raise ValueError("the index belongs to other data, another day or other member facts")
    return index


def _later(last: dict[str, date], days: dict[str, date]) -> None:
    """Keep in `last` the later of its day and the one in `days`, per key."""
    for key, day in days.items():
        if key not in last or day > last[key]:
            last[key] = day


class MemberFacts(NamedTuple):
    """What the shared rules say of many members, computed by someone who had to ask anyway.

    Each maps member ids (persons and institutions; any subset) to the answer of
    :meth:`~graph.model.Dataset.municipality_of_member`, :meth:`~graph.model.Dataset.unit_of`,
    :func:`graph.rules.gives_youth_voice` and :func:`graph.rules.is_administration`.
    """

    place: Mapping[str, str | None]
    unit: Mapping[str, str]
    voice: Mapping[str, bool]
    administration: Mapping[str, bool]


class Memo(dict):
    """A dict that fills itself from `func` on the first look-up of a key (each answer worked out once)."""

    def __init__(self, func: Callable):
        super().__init__()
        self.func = func

    def __missing__(self, key):
        value = self[key] = self.func(key)
        return value


def member_network(ds: Dataset, members: Iterable[str], neighbours: dict[str, set[str]] | None = None,
                   as_of: date | None = None) -> nx.Graph:
    """The network among an alliance's members, as a networkx graph (:func:`~graph.health.network.member_ties`).

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
    if neighbours is None:
        neighbours = defaultdict(set)
        ties = ds.ties.values() if as_of is None else ties_in_force(ds.ties.values(), as_of)
        for tie in ties:
            neighbours[tie.source].add(tie.target)
            neighbours[tie.target].add(tie.source)
    return member_ties(ds, set(members), neighbours).to_networkx()


def select_alliances(ds: Dataset, as_of: date, alliance_ids: Iterable[str] | None) -> list[str]:
    """The ids to check: the given ones (all must exist), else every alliance live on `as_of`."""
    if alliance_ids is None:
        return sorted(a.id for a in ds.alliances.values() if alliance_live(a, as_of))
    ids = sorted(set(alliance_ids))
    missing = [i for i in ids if i not in ds.alliances]
    if missing:
        raise NotFound([Problem("-", "-", "alliance", f"Bündnis {i!r} gibt es nicht") for i in missing])
    return ids
