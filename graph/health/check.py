"""The check itself: every flag of the table applied to every alliance, status and score.

Owns :func:`check_alliances`. The flags are :data:`graph.health.flags.FLAGS`,
the score :func:`graph.health.scoring.score_parts`, the status
:func:`graph.rules.status_of`; this module only gathers the facts once per
alliance and puts the report together.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from ..collector import collector_paused
from ..model import Dataset, kreis_of
from ..partners import non_local, partner_units, place_is_local
from ..rules import status_of, status_rank
from .base import AllianceIndex, AllianceReport, Flag, HealthConfig, own_index, select_alliances
from .flags import FLAGS, AllianceFacts, key_person_figures
from .network import member_ties
from .scoring import score_parts

__all__ = ["check_alliances"]


def check_alliances(ds: Dataset, as_of: date, config: HealthConfig | None = None,
                    alliance_ids: Iterable[str] | None = None, *,
                    index: AllianceIndex | None = None) -> list[AllianceReport]:
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
    index : AllianceIndex, optional
        The lookups of `ds` as of `as_of`, when the caller built them for more than this check
        (e.g. :func:`~graph.health.check_summaries` of the same data); built here when omitted.

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
    ids = select_alliances(ds, as_of, alliance_ids)
    with collector_paused():  # many small acyclic objects (graph.collector)
        index = own_index(ds, as_of, index)
        reports = [_check_one(index, alliance_id, config) for alliance_id in ids]
        del index  # freed before the collector wakes (unless the caller holds it)
    return sorted(reports, key=lambda r: (status_rank(r.status), r.alliance))


def _facts(index: AllianceIndex, alliance_id: str, config: HealthConfig) -> AllianceFacts:
    ds, as_of, place = index.ds, index.as_of, index.place
    alliance = ds.alliances[alliance_id]
    members = index.members.get(alliance_id, [])
    home = kreis_of(alliance.municipality)
    local = [m for m in members if place_is_local(place(m), home)]
    partners = partner_units(ds, local, place)
    outside = non_local(ds, alliance_id, members, place) if len(local) < len(members) else []
    return AllianceFacts(ds, alliance, as_of, config, index, members, local, partners,
                         sorted({p.sector for p in partners if p.sector}),
                         member_ties(ds, members, index.neighbours), outside)


def _check_one(index: AllianceIndex, alliance_id: str, config: HealthConfig) -> AllianceReport:
    facts = _facts(index, alliance_id, config)
    flags = [Flag(rule.code, rule.severity, message) for rule in FLAGS for message in rule.check(facts)]
    network, partners = facts.network, facts.partners
    density = network.density() if network.number_of_nodes() > 1 else 0.0
    parts = score_parts(len(partners), len(facts.sectors), density, {f.code for f in flags}, config)
    top_member, _, top_share = key_person_figures(network)
    metrics = {
        "partners": len(partners),
        "partner_units": [p.unit for p in partners],
        "members": len(facts.members),
        "sectors": facts.sectors,
        "density": round(density, 3),
        "ties": network.edges,
        "top_member": top_member,
        "top_member_share": round(top_share, 3),
        "brokers": _brokers(alliance_id, facts.members, index),
    }
    alliance = facts.alliance
    return AllianceReport(alliance.id, alliance.name, alliance.municipality, len(partners),
                          status_of(f.severity for f in flags), sum(parts.values()), flags, parts, metrics)


def _brokers(alliance_id: str, members: list[str], index: AllianceIndex) -> list[str]:
    """Members who are in another alliance too, or tied to an outsider who is a member of another alliance.

    A tie to a fellow member reaches other alliances only through that member, the broker.
    """
    alliances_of, neighbours = index.alliances_of, index.neighbours
    out = []
    for member in members:
        mine = alliances_of.get(member, ())
        if len(mine) > 1 or (mine and alliance_id not in mine):
            out.append(member)
            continue
        for other in neighbours.get(member, ()):
            theirs = alliances_of.get(other)
            if theirs and alliance_id not in theirs:
                out.append(member)
                break
    return out
