"""The health check without its words: status, score, partners, sectors and flag codes of every alliance.

Owns :class:`HealthSummary`, :func:`summarize` (what a full
:class:`~graph.health.base.AllianceReport` says in these terms) and
:func:`check_summaries`, which computes exactly that for many alliances without
writing a single message, naming a member or building partner and flag objects.
The suggestions (hospitation hosts and visitors, the membership kind's partners and
sectors) need only this, and it costs about half of the full check.

Each flag of :data:`graph.health.flags.FLAGS` is decided here by the same facts as
there (shared helpers where the rule is more than a comparison:
:func:`~graph.health.flags.leaving_members`, :func:`~graph.health.network.member_ties`,
:func:`~graph.health.network.cut_vertices`, :func:`~graph.health.network.top_member`),
once per message the full check would write, so that ``check_summaries(...) ==
[summarize(r) for r in check_alliances(...)]`` always (tests/test_health_summary.py
compares them on the demo and on synthetic data). A new flag needs its line in
``counts`` of :func:`_summary`; :data:`SUMMARY_CODES` lists the codes handled, and the tests
fail when it differs from the flag table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from ..collector import collector_paused
from ..model import Dataset, kreis_of
from ..partners import partner_sector
from ..rules import status_of, status_rank
from .base import (
    AllianceIndex,
    AllianceReport,
    HealthConfig,
    MemberFacts,
    Memo,
    months_before,
    own_index,
    select_alliances,
)
from .flags import FLAG_SEVERITY, leaving_members
from .network import cut_vertices, member_ties, top_member
from .scoring import score_parts

__all__ = ["SUMMARY_CODES", "FlagCode", "HealthSummary", "check_summaries", "summarize"]


class FlagCode(NamedTuple):
    """A flag without its message: code and severity (as :class:`~graph.health.base.Flag`)."""

    code: str
    severity: str


@dataclass(frozen=True, slots=True)
class HealthSummary:
    """Status, score, partners, sectors and flags (one per message, in report order) of one alliance."""

    alliance: str
    partners: int
    sectors: tuple[str, ...]
    status: str
    score: int
    flags: tuple[FlagCode, ...]


def summarize(report: AllianceReport) -> HealthSummary:
    """The summary of a full report (what :func:`check_summaries` computes without the words)."""
    return HealthSummary(report.alliance, report.partners, tuple(report.metrics["sectors"]), report.status,
                         report.score, tuple(FlagCode(f.code, f.severity) for f in report.flags))


#: the flag codes :func:`_summary` counts, in the order of the flag table
SUMMARY_CODES = ("BELOW_MIN_PARTNERS", "AT_RISK", "SINGLE_SECTOR", "NO_YOUTH_VOICE", "NO_ADMINISTRATION",
                 "KEY_PERSON", "DORMANT", "PLACE_UNKNOWN", "NOT_LOCAL")


def check_summaries(ds: Dataset, as_of: date, config: HealthConfig | None = None,
                    alliance_ids: Iterable[str] | None = None, *,
                    facts: MemberFacts | None = None, index: AllianceIndex | None = None) -> list[HealthSummary]:
    """:func:`~graph.health.check_alliances` as summaries, in the same order, without messages.

    `facts` may bring the rules' answers for the members (:class:`~graph.health.base.MemberFacts`);
    `index` the lookups of `ds` as of `as_of` when the caller built them for more than this check
    (e.g. :func:`~graph.health.check_alliances` of some alliances of the same data).

    Examples
    --------
    >>> from datetime import date, timedelta
    >>> from graph.model import Alliance, Dataset
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Leeres Bündnis", "05334"))
    >>> [(s.alliance, s.status, s.partners, [f.code for f in s.flags]) for s in check_summaries(ds, date(2026, 1, 1))]
    [('b1', 'critical', 0, ['BELOW_MIN_PARTNERS', 'NO_YOUTH_VOICE', 'NO_ADMINISTRATION', 'DORMANT'])]
    """
    config = config or HealthConfig()
    ids = select_alliances(ds, as_of, alliance_ids)
    with collector_paused():  # many small acyclic objects (graph.collector)
        index = own_index(ds, as_of, index, facts)
        sector = Memo(lambda u: partner_sector(ds, u)).__getitem__  # per unit, asked once
        dormant_since = months_before(as_of, config.dormant_months)
        # AT_RISK needs a current membership ending before the horizon (leaving_members): only these alliances
        horizon = as_of + timedelta(days=config.at_risk_days)
        ending = {m.alliance for m in ds.memberships.values()
                  if m.until is not None and m.until < horizon and m.is_current(as_of)}
        out = [_summary(index, alliance_id, config, sector, dormant_since, alliance_id in ending)
               for alliance_id in ids]
        del index, sector  # freed before the collector wakes (graph.collector)
    return sorted(out, key=lambda s: (status_rank(s.status), s.alliance))


#: one flag of each code of SUMMARY_CODES, as a tuple to repeat
_FLAG = tuple((FlagCode(code, FLAG_SEVERITY[code]),) for code in SUMMARY_CODES)


def _summary(index: AllianceIndex, alliance_id: str, config: HealthConfig, sector: Callable[[str], str | None],
             dormant_since: date, may_end: bool) -> HealthSummary:
    """One alliance; `sector` is :func:`~graph.partners.partner_sector` of a unit."""
    ds = index.ds
    alliance = ds.alliances[alliance_id]
    members = index.members.get(alliance_id, [])
    home = kreis_of(alliance.municipality)
    place, unit = index.place, index.unit
    local = [m for m in members if (p := place(m)) is None or kreis_of(p) == home]
    units = set(map(unit, local))
    partners = len(units)
    sectors = tuple(sorted({s for s in map(sector, units) if s}))
    network = member_ties(ds, members, index.neighbours)
    below = partners < config.min_partners
    at_risk = 0
    if may_end and not below:
        ending = leaving_members(index.memberships.get(alliance_id, []), local, index.as_of, config.at_risk_days)
        if ending and len({unit(m) for m in local if m not in ending}) < config.min_partners:
            at_risk = 1
    key_person = 0
    top, top_degree, unique_top = top_member(network)
    if top is not None and network.number_of_nodes() >= 3:
        cuts = cut_vertices(network)
        key_person = len(cuts) + (unique_top and top_degree / network.edges >= config.key_person_share
                                  and top not in cuts)
    last = index.last_event.get(alliance_id)
    # how many messages each flag of SUMMARY_CODES writes (graph.health.flags, rule by rule)
    counts = (
        int(below),
        at_risk,
        int(len(sectors) == 1 and partners > 0),
        int(not any(map(index.youth_voice, members))),
        int(not any(map(index.administration, members))),
        key_person,
        int(last is None or last < dormant_since),
        sum(1 for m in members if place(m) is None),
        len(members) - len(local),
    )
    flags = sum((_FLAG[i] * n for i, n in enumerate(counts) if n), ())
    density = network.density() if network.number_of_nodes() > 1 else 0.0
    parts = score_parts(partners, len(sectors), density, {f.code for f in flags}, config)
    return HealthSummary(alliance_id, partners, sectors, status_of(f.severity for f in flags),
                         sum(parts.values()), flags)
