"""Health roll-ups: alliances counted by status per Kreis, Land or Servicebüro, and selecting a region.

Owns :func:`rollup` and :func:`select_reports`. Which Land and which
Servicebüro an alliance belongs to is :mod:`graph.rules`.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from ..errors import InputError, NotFound, Problem
from ..model import STATE_BY_AGS_PREFIX, Dataset, kreis_of
from ..rules import STATUS_CRITICAL, STATUS_OK, STATUS_WARN, office_of_alliance, state_of_alliance
from .base import AllianceReport

__all__ = ["NO_OFFICE", "ROLLUP_KEYS", "rollup", "select_reports"]

ROLLUP_KEYS = ("kreis", "state", "office")
NO_OFFICE = "-"


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


