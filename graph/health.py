"""The alliance health check: flags, status and score for every Bündnis.

The check applies the programme's partner rule (:mod:`graph.partners`) and the
further flags of design.md to a :class:`~graph.model.Dataset` as of a date:

=====================  ========  ==============================================
code                   severity  raised when
=====================  ========  ==============================================
BELOW_MIN_PARTNERS     critical  fewer local partners than the minimum (3)
AT_RISK                warning   memberships ending within ``at_risk_days``
                                 after the date would take it below the minimum
                                 (not raised when it is below already)
SINGLE_SECTOR          warning   all partners belong to one sector
NO_YOUTH_VOICE         warning   no refugee young person and no
                                 migrant organisation among the current members
NO_ADMINISTRATION      warning   no municipal administration among the members
KEY_PERSON             warning   one member is a cut vertex of the alliance's
                                 network, or alone holds ``key_person_share``
                                 of its ties (and more than anyone else)
DORMANT                warning   no offer, no membership change and no founding
                                 in the ``dormant_months`` before the date
PLACE_UNKNOWN          info      a member without known municipality (counted)
NOT_LOCAL              info      a member in another Kreis (not counted)
=====================  ========  ==============================================

Status is ``critical`` if any critical flag, ``warn`` if any warning, else
``ok``. The score (0–100) is the sum of the parts in :data:`SCORE_PARTS`; an
alliance below the minimum is capped at :data:`CRITICAL_SCORE_CAP` through an
explicit negative part, so the parts always add up to the score.

Everything here is pure: a Dataset and dates in, dataclasses out.

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

import calendar
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import combinations

import networkx as nx

from .errors import InputError, NotFound, Problem
from .model import ADMINISTRATION_TYPES, INSTITUTION_TYPES, SECTORS, STATE_BY_AGS_PREFIX, Dataset, kreis_of
from .partners import (
    Partner,
    current_members,
    is_local,
    memberships_by_alliance,
    non_local_members,
    partner_units,
)

CRITICAL, WARNING, INFO = "critical", "warning", "info"
STATUS_OK, STATUS_WARN, STATUS_CRITICAL = "ok", "warn", "critical"
_STATUS_RANK = {STATUS_CRITICAL: 0, STATUS_WARN: 1, STATUS_OK: 2}

#: flag code -> severity (design.md)
FLAG_SEVERITY = {
    "BELOW_MIN_PARTNERS": CRITICAL,
    "AT_RISK": WARNING,
    "SINGLE_SECTOR": WARNING,
    "NO_YOUTH_VOICE": WARNING,
    "NO_ADMINISTRATION": WARNING,
    "KEY_PERSON": WARNING,
    "DORMANT": WARNING,
    "PLACE_UNKNOWN": INFO,
    "NOT_LOCAL": INFO,
}

#: German labels for statuses, flag codes and severities (UI, report, CLI table)
STATUS_LABELS = {STATUS_OK: "in Ordnung", STATUS_WARN: "Warnung", STATUS_CRITICAL: "kritisch"}
SEVERITY_LABELS = {CRITICAL: "kritisch", WARNING: "Warnung", INFO: "Hinweis"}
FLAG_LABELS = {
    "BELOW_MIN_PARTNERS": "Zu wenige Partner",
    "AT_RISK": "Gefährdet",
    "SINGLE_SECTOR": "Nur ein Sektor",
    "NO_YOUTH_VOICE": "Keine Stimme junger Geflüchteter",
    "NO_ADMINISTRATION": "Keine Verwaltung",
    "KEY_PERSON": "Schlüsselperson",
    "DORMANT": "Ruhend",
    "PLACE_UNKNOWN": "Ort unbekannt",
    "NOT_LOCAL": "Nicht lokal",
    "SURVEY_DUE": "Befragung fällig",  # info; added by graph.survey_api.annotate_reports (data outside the Dataset)
}

#: score part (shown to users) -> maximum points; the maxima add up to 100
SCORE_PARTS = {
    "Partner": 30,
    "Stabilität": 10,
    "Sektorenvielfalt": 15,
    "Stimme junger Geflüchteter": 10,
    "Verwaltung": 10,
    "Vernetzung": 10,
    "Keine Schlüsselperson": 5,
    "Aktivität": 10,
}
#: the highest score an alliance below the minimum can have
CRITICAL_SCORE_CAP = 49
CRITICAL_DEDUCTION = "Abzug: unter der Mindestzahl"

#: exact key order of one ``health --format json`` item (design.md)
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

    min_partners: int = 3
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
        """The design.md JSON item; ``metrics`` and ``score_parts`` follow the contract keys."""
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


# -- dates ----------------------------------------------------------------------

def german_date(day: date) -> str:
    """TT.MM.JJJJ, as users write dates."""
    return day.strftime("%d.%m.%Y")


def months_before(day: date, months: int) -> date:
    """The same calendar day `months` earlier (the month's last day if it has fewer days)."""
    index = day.year * 12 + day.month - 1 - months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


# -- the alliance's own network ----------------------------------------------------

class _Index:
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
            if tie.since is None or tie.since <= as_of:
                self.neighbours[tie.source].add(tie.target)
                self.neighbours[tie.target].add(tie.source)
        self.offers: dict[str, list] = defaultdict(list)
        for offer in ds.offers.values():
            if offer.alliance:
                self.offers[offer.alliance].append(offer)


def member_network(ds: Dataset, members, neighbours: dict[str, set[str]] | None = None,
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
            if as_of is None or tie.since is None or tie.since <= as_of:
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


# -- the check --------------------------------------------------------------------

def check_alliances(ds: Dataset, as_of: date, config: HealthConfig | None = None,
                    alliance_ids=None) -> list[AllianceReport]:
    """Check alliances against the partner rule and the further flags.

    Parameters
    ----------
    ds : Dataset
        The graph (a snapshot; no store is opened).
    as_of : datetime.date
        The day to check.
    config : HealthConfig, optional
        Thresholds; the programme's defaults when omitted.
    alliance_ids : iterable of str, optional
        Check exactly these. By default every alliance founded on or before
        `as_of` (or without founding date) whose status is not ``beendet``.

    Returns
    -------
    list of AllianceReport
        Critical first, then warn, then ok; by alliance id within a status.

    Raises
    ------
    NotFound
        If an id in `alliance_ids` is not an alliance.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.model import Alliance, Dataset
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Leeres Bündnis", "05334"))
    >>> [(r.alliance, r.status, r.partners) for r in check_alliances(ds, date(2026, 1, 1))]
    [('b1', 'critical', 0)]
    """
    config = config or HealthConfig()
    ids = _select(ds, as_of, alliance_ids)
    index = _Index(ds, as_of)
    reports = [_check_one(index, alliance_id, config) for alliance_id in ids]
    return sorted(reports, key=lambda r: (_STATUS_RANK[r.status], r.alliance))


def _select(ds: Dataset, as_of: date, alliance_ids) -> list[str]:
    if alliance_ids is None:
        return sorted(a.id for a in ds.alliances.values()
                      if a.status != "beendet" and (a.founded is None or a.founded <= as_of))
    ids = sorted(set(alliance_ids))
    missing = [i for i in ids if i not in ds.alliances]
    if missing:
        raise NotFound([Problem("-", "-", "alliance", f"Bündnis {i!r} gibt es nicht") for i in missing])
    return ids


def _check_one(index: _Index, alliance_id: str, config: HealthConfig) -> AllianceReport:
    ds, as_of = index.ds, index.as_of
    alliance = ds.alliances[alliance_id]
    members = current_members(ds, alliance_id, as_of, index.memberships)
    local = [m for m in members if is_local(ds, alliance_id, m)]
    partners = partner_units(ds, local)
    network = member_network(ds, members, index.neighbours)
    flags: list[Flag] = []

    below = _below_minimum(ds, alliance_id, partners, config, as_of, index)
    flags += below
    at_risk = [] if below else _at_risk(ds, alliance_id, local, config, as_of, index)
    flags += at_risk
    sectors = sorted({p.sector for p in partners if p.sector})
    flags += _single_sector(partners, sectors)
    flags += _no_youth_voice(ds, members)
    flags += _no_administration(ds, members)
    key_flags, top_member, top_share = _key_person(ds, network, config)
    flags += key_flags
    flags += _dormant(ds, alliance_id, config, as_of, index)
    flags += _place_unknown(ds, members)
    flags += _not_local(ds, alliance_id, as_of, index)

    codes = {f.code for f in flags}
    density = nx.density(network) if network.number_of_nodes() > 1 else 0.0
    parts = _score_parts(len(partners), len(sectors), density, codes, config)
    if any(f.severity == CRITICAL for f in flags):
        status = STATUS_CRITICAL
    elif any(f.severity == WARNING for f in flags):
        status = STATUS_WARN
    else:
        status = STATUS_OK
    metrics = {
        "partners": len(partners),
        "partner_units": [p.unit for p in partners],
        "members": len(members),
        "sectors": sectors,
        "density": round(density, 3),
        "ties": network.number_of_edges(),
        "top_member": top_member,
        "top_member_share": round(top_share, 3),
        "brokers": _brokers(alliance_id, members, index),
    }
    return AllianceReport(alliance.id, alliance.name, alliance.municipality, len(partners), status,
                          sum(parts.values()), flags, parts, metrics)


def _names(ds: Dataset, ids) -> str:
    return ", ".join(ds.name_of(i) for i in ids)


def _place_name(ds: Dataset, ags: str) -> str:
    municipality = ds.municipalities.get(ags)
    return f"{municipality.name} ({ags})" if municipality else ags


def _below_minimum(ds, alliance_id, partners: list[Partner], config, as_of, index) -> list[Flag]:
    n = len(partners)
    if n >= config.min_partners:
        return []
    if n == 0:
        message = f"Keine lokalen Partner am {german_date(as_of)} (Minimum {config.min_partners})."
    else:
        message = (f"Nur {n} lokale{'r' if n == 1 else ''} Partner am {german_date(as_of)} "
                   f"(Minimum {config.min_partners}): {_names(ds, [p.unit for p in partners])}.")
    outside = non_local_members(ds, alliance_id, as_of, index.memberships)
    if outside:
        message += f" Nicht gezählt, weil in einem anderen Kreis: {_names(ds, [o.member for o in outside])}."
    return [Flag("BELOW_MIN_PARTNERS", CRITICAL, message)]


def _at_risk(ds, alliance_id, local: list[str], config, as_of, index) -> list[Flag]:
    horizon = as_of + timedelta(days=config.at_risk_days)
    # A membership ends within the window when it is no longer current on some day up to the horizon.
    ending: dict[str, date] = {}
    for membership in index.memberships.get(alliance_id, []):
        if membership.member in local and membership.is_current(as_of):
            if membership.until is not None and membership.until < horizon:
                ending[membership.member] = max(ending.get(membership.member, membership.until), membership.until)
    # A member current through another, open membership does not leave.
    for membership in index.memberships.get(alliance_id, []):
        if (membership.member in ending and membership.is_current(as_of)
                and (membership.until is None or membership.until >= horizon)):
            del ending[membership.member]
    if not ending:
        return []
    remaining = [m for m in local if m not in ending]
    left = partner_units(ds, remaining)
    if len(left) >= config.min_partners:
        return []
    lost_units = {ds.unit_of(m) for m in local} - {p.unit for p in left}
    leaving = sorted((m for m in ending if ds.unit_of(m) in lost_units), key=lambda m: (ending[m], m))
    who = ", ".join(f"{ds.name_of(m)} (bis {german_date(ending[m])})" for m in leaving)
    return [Flag("AT_RISK", WARNING,
                 f"Mitgliedschaften enden bald: {who}. Danach blieben nur {len(left)} lokale Partner "
                 f"(Minimum {config.min_partners}).")]


def _single_sector(partners: list[Partner], sectors: list[str]) -> list[Flag]:
    if len(sectors) != 1 or len(partners) < 1:
        return []
    only = sectors[0]
    missing = [label for key, label in SECTORS.items() if key not in (only, "sonstige")]
    who = "Der einzige Partner gehört" if len(partners) == 1 else f"Alle {len(partners)} Partner gehören"
    return [Flag("SINGLE_SECTOR", WARNING,
                 f"{who} zum Sektor „{SECTORS.get(only, only)}“; es fehlen z. B. {', '.join(missing)}.")]


def _institution_of(ds: Dataset, member: str):
    if member in ds.institutions:
        return ds.institutions[member]
    actor = ds.actors.get(member)
    if actor is not None and actor.institution:
        return ds.institutions.get(actor.institution)
    return None


def _no_youth_voice(ds: Dataset, members: list[str]) -> list[Flag]:
    for member in members:
        actor = ds.actors.get(member)
        if actor is not None and actor.is_refugee_youth:
            return []
        institution = _institution_of(ds, member)
        if institution is not None and "migrantenorganisation" in (institution.type, institution.sector):
            return []
    return [Flag("NO_YOUTH_VOICE", WARNING,
                 "Unter den aktuellen Mitgliedern sind weder geflüchtete junge Menschen "
                 "noch eine Migrantenorganisation.")]


def _no_administration(ds: Dataset, members: list[str]) -> list[Flag]:
    for member in members:
        institution = _institution_of(ds, member)
        if institution is not None and institution.type in ADMINISTRATION_TYPES:
            return []
    kinds = ", ".join(INSTITUTION_TYPES[t] for t in INSTITUTION_TYPES if t in ADMINISTRATION_TYPES)
    return [Flag("NO_ADMINISTRATION", WARNING,
                 f"Keine kommunale Verwaltung unter den aktuellen Mitgliedern (z. B. {kinds}).")]


def _key_person(ds: Dataset, network: nx.Graph, config: HealthConfig) -> tuple[list[Flag], str | None, float]:
    edges = network.number_of_edges()
    if edges == 0:
        return [], None, 0.0
    degrees = sorted(network.degree, key=lambda item: (-item[1], item[0]))
    top, top_degree = degrees[0]
    share = top_degree / edges
    if network.number_of_nodes() < 3:
        return [], top, share
    flags = []
    cuts = sorted(nx.articulation_points(network))
    for cut in cuts:
        component = nx.node_connected_component(network, cut) - {cut}
        parts = nx.number_connected_components(network.subgraph(component))
        flags.append(Flag("KEY_PERSON", WARNING,
                          f"{ds.name_of(cut)} hält das Netz des Bündnisses zusammen: ohne dieses Mitglied "
                          f"zerfiele es in {parts} Teile, die untereinander keine Verbindung haben."))
    unique_top = len(degrees) < 2 or degrees[1][1] < top_degree
    if unique_top and share >= config.key_person_share and top not in cuts:
        flags.append(Flag("KEY_PERSON", WARNING,
                          f"{ds.name_of(top)} trägt {top_degree} von {edges} Verbindungen im Bündnis "
                          f"({round(100 * share)} %)."))
    return flags, top, share


def _dormant(ds: Dataset, alliance_id: str, config: HealthConfig, as_of: date, index: _Index) -> list[Flag]:
    start = months_before(as_of, config.dormant_months)
    events: list[tuple[date, str]] = []
    alliance = ds.alliances[alliance_id]
    if alliance.founded:
        events.append((alliance.founded, "Gründung"))
    for offer in index.offers.get(alliance_id, []):
        events.append((offer.date, f"Angebot „{offer.title}“"))
    for membership in index.memberships.get(alliance_id, []):
        if membership.since:
            events.append((membership.since, f"Eintritt {ds.name_of(membership.member)}"))
        if membership.until:
            events.append((membership.until, f"Austritt {ds.name_of(membership.member)}"))
    past = [e for e in events if e[0] <= as_of]
    if any(day >= start for day, _ in past):
        return []
    message = (f"Seit {config.dormant_months} Monaten (seit {german_date(start)}) kein Angebot und "
               f"keine Änderung der Mitgliedschaften.")
    if past:
        day, what = max(past)
        message += f" Letzte Aktivität: {what} am {german_date(day)}."
    else:
        message += " Keine Aktivität mit Datum erfasst."
    return [Flag("DORMANT", WARNING, message)]


def _place_unknown(ds: Dataset, members: list[str]) -> list[Flag]:
    return [Flag("PLACE_UNKNOWN", INFO,
                 f"Für {ds.name_of(m)} ist kein Ort bekannt; zählt nach der Partnerregel als lokal.")
            for m in members if ds.municipality_of_member(m) is None]


def _not_local(ds: Dataset, alliance_id: str, as_of: date, index: _Index) -> list[Flag]:
    home = kreis_of(ds.alliances[alliance_id].municipality)
    flags = []
    for o in non_local_members(ds, alliance_id, as_of, index.memberships):
        where = _place_name(ds, o.municipality)
        if o.municipality != o.kreis:
            where += f", Kreis {_place_name(ds, o.kreis)}"
        flags.append(Flag("NOT_LOCAL", INFO,
                          f"{ds.name_of(o.member)} zählt nicht als Partner: sitzt in {where}, "
                          f"außerhalb des Kreises des Bündnisses ({_place_name(ds, home)})."))
    return flags


def _brokers(alliance_id: str, members: list[str], index: _Index) -> list[str]:
    """Members who are in another alliance too, or tied to an outsider who is a member of another alliance."""
    out = []
    for member in members:
        reach = set(index.alliances_of.get(member, ()))
        for other in index.neighbours.get(member, ()):
            # a tie to a fellow member reaches other alliances only through that member, the broker
            if alliance_id not in index.alliances_of.get(other, ()):
                reach |= index.alliances_of.get(other, set())
        if reach - {alliance_id}:
            out.append(member)
    return out


def _score_parts(n: int, sectors: int, density: float, codes: set[str], config: HealthConfig) -> dict[str, int]:
    parts = {
        "Partner": round(SCORE_PARTS["Partner"] * min(n, config.min_partners) / config.min_partners),
        "Stabilität": SCORE_PARTS["Stabilität"] if n >= config.min_partners and "AT_RISK" not in codes else 0,
        "Sektorenvielfalt": round(SCORE_PARTS["Sektorenvielfalt"] * min(max(sectors - 1, 0), 2) / 2),
        "Stimme junger Geflüchteter": 0 if "NO_YOUTH_VOICE" in codes else SCORE_PARTS["Stimme junger Geflüchteter"],
        "Verwaltung": 0 if "NO_ADMINISTRATION" in codes else SCORE_PARTS["Verwaltung"],
        "Vernetzung": round(SCORE_PARTS["Vernetzung"] * density),
        "Keine Schlüsselperson": 0 if "KEY_PERSON" in codes else SCORE_PARTS["Keine Schlüsselperson"],
        "Aktivität": 0 if "DORMANT" in codes else SCORE_PARTS["Aktivität"],
    }
    total = sum(parts.values())
    if "BELOW_MIN_PARTNERS" in codes and total > CRITICAL_SCORE_CAP:
        parts[CRITICAL_DEDUCTION] = CRITICAL_SCORE_CAP - total
    return parts


# -- trend --------------------------------------------------------------------------

@dataclass
class AllianceChange:
    """How one alliance changed between two dates; ``None`` where it did not exist yet."""

    alliance: str
    name: str
    date_a: date
    date_b: date
    status_before: str | None
    status_after: str | None
    score_before: int | None
    score_after: int | None
    partners_before: int
    partners_after: int
    joined: tuple[str, ...] = ()
    left: tuple[str, ...] = ()
    flags_added: tuple[str, ...] = ()
    flags_removed: tuple[str, ...] = ()

    @property
    def trend(self) -> str:
        """``worse``, ``better`` or ``same``: by status first, then by score."""
        before = (_STATUS_RANK.get(self.status_before, 2), self.score_before or 0)
        after = (_STATUS_RANK.get(self.status_after, 2), self.score_after or 0)
        if self.status_before is None:
            return "same" if self.status_after is None else "new"
        return "worse" if after < before else "better" if after > before else "same"

    def as_dict(self) -> dict:
        return {
            "alliance": self.alliance, "name": self.name,
            "date_a": self.date_a.isoformat(), "date_b": self.date_b.isoformat(),
            "status_before": self.status_before, "status_after": self.status_after,
            "score_before": self.score_before, "score_after": self.score_after,
            "partners_before": self.partners_before, "partners_after": self.partners_after,
            "joined": list(self.joined), "left": list(self.left),
            "flags_added": list(self.flags_added), "flags_removed": list(self.flags_removed),
            "trend": self.trend,
        }


_TREND_RANK = {"worse": 0, "new": 1, "better": 2, "same": 3}


def compare(ds: Dataset, date_a: date, date_b: date, config: HealthConfig | None = None,
            alliance_ids=None) -> list[AllianceChange]:
    """Compare every alliance's health on two dates.

    Parameters
    ----------
    ds : Dataset
    date_a, date_b : datetime.date
        Before and after.
    config : HealthConfig, optional
    alliance_ids : iterable of str, optional
        By default the alliances checked on either date.

    Returns
    -------
    list of AllianceChange
        Worsened first, then new, improved and unchanged; by id within each.
        ``joined``/``left`` are member ids whose membership became / stopped
        being current between the dates.
    """
    config = config or HealthConfig()
    if alliance_ids is None:
        ids = sorted(set(_select(ds, date_a, None)) | set(_select(ds, date_b, None)))
    else:
        ids = _select(ds, date_b, alliance_ids)
    before = {r.alliance: r for r in check_alliances(ds, date_a, config, _existing(ds, ids, date_a))}
    after = {r.alliance: r for r in check_alliances(ds, date_b, config, _existing(ds, ids, date_b))}
    grouped = memberships_by_alliance(ds)
    changes = []
    for alliance_id in ids:
        a, b = before.get(alliance_id), after.get(alliance_id)
        members_a = set(current_members(ds, alliance_id, date_a, grouped))
        members_b = set(current_members(ds, alliance_id, date_b, grouped))
        codes_a = {f.code for f in a.flags} if a else set()
        codes_b = {f.code for f in b.flags} if b else set()
        changes.append(AllianceChange(
            alliance_id, ds.alliances[alliance_id].name, date_a, date_b,
            a.status if a else None, b.status if b else None,
            a.score if a else None, b.score if b else None,
            a.partners if a else 0, b.partners if b else 0,
            tuple(sorted(members_b - members_a)), tuple(sorted(members_a - members_b)),
            tuple(sorted(codes_b - codes_a)), tuple(sorted(codes_a - codes_b))))
    return sorted(changes, key=lambda c: (_TREND_RANK[c.trend], c.alliance))


def _existing(ds: Dataset, ids: list[str], as_of: date) -> list[str]:
    return [i for i in ids if ds.alliances[i].founded is None or ds.alliances[i].founded <= as_of]


# -- roll-ups ------------------------------------------------------------------------

ROLLUP_KEYS = ("kreis", "state", "office")
NO_OFFICE = "-"


def state_of_alliance(ds: Dataset, alliance_id: str) -> str | None:
    """The Land an alliance lies in: its municipality's, else from the AGS prefix."""
    ags = ds.alliances[alliance_id].municipality
    municipality = ds.municipalities.get(ags) or ds.municipalities.get(kreis_of(ags))
    return municipality.state if municipality else STATE_BY_AGS_PREFIX.get(ags[:2])


def office_of_alliance(ds: Dataset, alliance_id: str) -> str | None:
    """The Servicebüro supporting an alliance: its own, else the one serving its Land (if exactly one)."""
    alliance = ds.alliances[alliance_id]
    if alliance.office:
        return alliance.office
    state = state_of_alliance(ds, alliance_id)
    serving = [o.id for o in ds.service_offices.values() if state in o.states]
    return serving[0] if len(serving) == 1 else None


def rollup(reports: list[AllianceReport], ds: Dataset, by: str = "kreis") -> list[dict]:
    """Count alliances by status per Kreis, Land or Servicebüro.

    Parameters
    ----------
    reports : list of AllianceReport
        Output of :func:`check_alliances`.
    ds : Dataset
    by : {"kreis", "state", "office"}

    Returns
    -------
    list of dict
        ``{"by", "id", "name", "alliances", "ok", "warn", "critical", "mean_score"}``
        sorted by id; alliances without a Servicebüro are grouped under ``"-"``.
    """
    if by not in ROLLUP_KEYS:
        raise InputError([Problem("-", "-", "by", f"muss kreis, state oder office sein, nicht {by!r}")])
    groups: dict[str, list[AllianceReport]] = defaultdict(list)
    for report in reports:
        if by == "kreis":
            key = kreis_of(report.municipality)
        elif by == "state":
            key = state_of_alliance(ds, report.alliance) or NO_OFFICE
        else:
            key = office_of_alliance(ds, report.alliance) or NO_OFFICE
        groups[key].append(report)
    out = []
    for key in sorted(groups):
        members = groups[key]
        counts = Counter(r.status for r in members)
        name = "ohne Zuordnung" if key == NO_OFFICE else ds.name_of(key)
        out.append({"by": by, "id": key, "name": name, "alliances": len(members),
                    STATUS_OK: counts[STATUS_OK], STATUS_WARN: counts[STATUS_WARN],
                    STATUS_CRITICAL: counts[STATUS_CRITICAL],
                    "mean_score": round(sum(r.score for r in members) / len(members), 1)})
    return out


def select_reports(reports: list[AllianceReport], ds: Dataset, *, kreis: str | None = None,
                   state: str | None = None, office: str | None = None) -> list[AllianceReport]:
    """The reports of one Kreis (5-digit AGS), Land (e.g. ``NW``) and/or Servicebüro, order kept.

    Raises
    ------
    NotFound
        If the office or Land is not in the dataset, or the Kreis is not a 5-digit AGS.
    """
    problems = []
    if office is not None and office not in ds.service_offices:
        problems.append(Problem("-", "-", "office", f"Servicebüro {office!r} gibt es nicht"))
    if state is not None and state not in ds.states and state not in STATE_BY_AGS_PREFIX.values():
        problems.append(Problem("-", "-", "state", f"Land {state!r} gibt es nicht"))
    if kreis is not None and not (len(kreis) == 5 and kreis.isdigit()):
        problems.append(Problem("-", "-", "kreis", f"{kreis!r} ist kein Kreis-AGS (5 Ziffern)"))
    if problems:
        raise NotFound(problems)
    return [r for r in reports
            if (kreis is None or kreis_of(r.municipality) == kreis)
            and (state is None or state_of_alliance(ds, r.alliance) == state)
            and (office is None or office_of_alliance(ds, r.alliance) == office)]


# -- the network of alliances ---------------------------------------------------------

def alliance_network(ds: Dataset, as_of: date, alliance_ids=None) -> nx.Graph:
    """Alliances linked by shared current members or by ties between their members.

    Edge attributes: ``shared`` (member ids in both), ``ties`` (number of
    ties between current members of the two) and ``weight`` (their sum).
    """
    ids = _select(ds, as_of, alliance_ids)
    chosen = set(ids)
    index = _Index(ds, as_of)
    graph = nx.Graph()
    graph.add_nodes_from(ids)
    shared: dict[tuple[str, str], set[str]] = defaultdict(set)
    for member, alliances in index.alliances_of.items():
        for a, b in combinations(sorted(alliances & chosen), 2):
            shared[(a, b)].add(member)
    tie_count: Counter = Counter()
    for tie in ds.ties.values():
        if tie.since is not None and tie.since > as_of:
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
    >>> betweenness_centralization(nx.star_graph(4))
    1.0
    >>> betweenness_centralization(nx.complete_graph(4))
    0.0
    """
    n = graph.number_of_nodes()
    if n < 3:
        return 0.0
    values = (values if values is not None else betweenness(graph)).values()
    top = max(values)
    return sum(top - b for b in values) / (n - 1)


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


def network_figures(ds: Dataset, as_of: date, alliance_ids=None,
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
    .. [1] Freeman (1979), see module docstring.
    .. [2] Provan & Kenis (2008), see module docstring.
    """
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
