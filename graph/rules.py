"""The programme's shared rules: each concept that several modules need, written once.

Analysis (:mod:`graph.health`, :mod:`graph.suggest`, :mod:`graph.offers`,
:mod:`graph.office`), the map (:mod:`graph.netmap`), the CLI and the app ask
this module; none keeps its own copy (docs/design.md, "Wo man was ändert").

- the partner minimum, :data:`MIN_PARTNERS` (the partner rule itself, who
  counts as a local partner unit, is :mod:`graph.partners`);
- health statuses and severities: codes, German labels, their order;
- when a tie is in force and when an alliance is live on a date;
- a member's institution, and whether it gives the young refugees a voice or
  belongs to the municipal administration;
- the Land of a place and of an alliance;
- the Servicebüro that supports an alliance (:func:`office_of_alliance`).

Everything here is pure and small: a Dataset (or one item) and a date in,
a plain value out.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from .model import (
    ADMINISTRATION_TYPES,
    STATE_BY_AGS_PREFIX,
    Alliance,
    Dataset,
    Institution,
    Tie,
    kreis_of,
)

__all__ = [
    "CRITICAL", "INFO", "MIN_PARTNERS", "SEVERITY_LABELS", "SEVERITY_RANK", "STATUSES", "STATUS_CRITICAL",
    "STATUS_LABELS", "STATUS_OK", "STATUS_RANK", "STATUS_WARN", "WARNING", "alliance_live",
    "alliances_of_office", "gives_youth_voice", "institution_of", "is_administration", "number_word",
    "office_of_alliance", "offices_serving", "severity_rank", "state_of_alliance", "state_of_place",
    "status_of", "status_rank", "tie_in_force", "ties_in_force", "voices_and_administrations",
]

# -- the partner minimum ---------------------------------------------------------------

#: An alliance needs at least this many local partners (the partner rule: :mod:`graph.partners`).
MIN_PARTNERS = 3

_NUMBER_WORDS = ("null", "ein", "zwei", "drei", "vier", "fünf", "sechs", "sieben", "acht", "neun", "zehn",
                 "elf", "zwölf")


def number_word(n: int) -> str:
    """A small count as German prose writes it (``drei``); digits from 13 on.

    >>> f"mindestens {number_word(MIN_PARTNERS)} lokale Partner"
    'mindestens drei lokale Partner'
    """
    return _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else str(n)


# -- statuses and severities ------------------------------------------------------------

CRITICAL, WARNING, INFO = "critical", "warning", "info"
STATUS_OK, STATUS_WARN, STATUS_CRITICAL = "ok", "warn", "critical"
#: most urgent first: the order every list of alliances is shown in
STATUSES = (STATUS_CRITICAL, STATUS_WARN, STATUS_OK)
STATUS_RANK = {status: rank for rank, status in enumerate(STATUSES)}
SEVERITY_RANK = {CRITICAL: 0, WARNING: 1, INFO: 2}
#: German labels (CLI table, app, printed reports, map)
STATUS_LABELS = {STATUS_OK: "in Ordnung", STATUS_WARN: "Warnung", STATUS_CRITICAL: "kritisch"}
SEVERITY_LABELS = {CRITICAL: "kritisch", WARNING: "Warnung", INFO: "Hinweis"}


def status_rank(status: str | None) -> int:
    """Sort key: critical 0, warn 1, ok 2, anything else (no report) after them."""
    return STATUS_RANK.get(status or "", len(STATUS_RANK))


def severity_rank(severity: str) -> int:
    return SEVERITY_RANK.get(severity, len(SEVERITY_RANK))


def status_of(severities: Iterable[str]) -> str:
    """An alliance's status from its flags' severities: any critical, else any warning, else ok."""
    severities = set(severities)
    if CRITICAL in severities:
        return STATUS_CRITICAL
    if WARNING in severities:
        return STATUS_WARN
    return STATUS_OK


# -- in force on a date -------------------------------------------------------------------

def tie_in_force(tie: Tie, as_of: date) -> bool:
    """A KNOWS / COOPERATES_WITH tie counts from its ``since`` on (always, without one)."""
    return tie.since is None or tie.since <= as_of


def ties_in_force(ties: Iterable[Tie], as_of: date) -> list[Tie]:
    """The ties of `ties` in force on `as_of` (:func:`tie_in_force`, for many ties at once)."""
    return [tie for tie in ties if tie.since is None or tie.since <= as_of]


def alliance_live(alliance: Alliance, as_of: date) -> bool:
    """An alliance exists on a date: founded by then (or no date known) and not ended."""
    return alliance.status != "beendet" and (alliance.founded is None or alliance.founded <= as_of)


# -- what a member brings ----------------------------------------------------------------

def institution_of(ds: Dataset, member: str) -> Institution | None:
    """The member itself if it is an institution, else the person's institution (if in the data)."""
    if member in ds.institutions:
        return ds.institutions[member]
    actor = ds.actors.get(member)
    if actor is not None and actor.institution:
        return ds.institutions.get(actor.institution)
    return None


def gives_youth_voice(ds: Dataset, member: str) -> bool:
    """A refugee young person, or a member of / from a migrant organisation (``NO_YOUTH_VOICE``)."""
    actor = ds.actors.get(member)
    if actor is not None and actor.is_refugee_youth:
        return True
    return _migrant_organisation(institution_of(ds, member))


def is_administration(ds: Dataset, member: str) -> bool:
    """The member is, or works at, a municipal administration (``NO_ADMINISTRATION``)."""
    return _administration(institution_of(ds, member))


def voices_and_administrations(ds: Dataset, members: Iterable[str]) -> tuple[list[bool], list[bool]]:
    """:func:`gives_youth_voice` and :func:`is_administration` of many members (the same rules;
    what an institution brings is decided once per institution)."""
    by_institution: dict[str, tuple[bool, bool]] = {}
    voices, administrations = [], []
    actors = ds.actors
    for member in members:
        institution = institution_of(ds, member)
        if institution is None:
            voice = administration = False
        else:
            found = by_institution.get(institution.id)
            if found is None:
                found = by_institution[institution.id] = (_migrant_organisation(institution),
                                                          _administration(institution))
            voice, administration = found
        actor = actors.get(member)
        voices.append((actor is not None and actor.is_refugee_youth) or voice)
        administrations.append(administration)
    return voices, administrations


def _migrant_organisation(institution: Institution | None) -> bool:
    return institution is not None and "migrantenorganisation" in (institution.type, institution.sector)


def _administration(institution: Institution | None) -> bool:
    return institution is not None and institution.type in ADMINISTRATION_TYPES


# -- places and Servicebüros ---------------------------------------------------------------

def state_of_place(ds: Dataset, ags: str | None) -> str | None:
    """The Land (code, e.g. ``NW``) of a municipality: from the data, else from the AGS prefix."""
    if not ags:
        return None
    municipality = ds.municipalities.get(ags) or ds.municipalities.get(kreis_of(ags))
    return municipality.state if municipality else STATE_BY_AGS_PREFIX.get(ags[:2])


def state_of_alliance(ds: Dataset, alliance_id: str) -> str | None:
    """The Land an alliance lies in (its municipality's)."""
    return state_of_place(ds, ds.alliances[alliance_id].municipality)


def offices_serving(ds: Dataset, state: str | None) -> list[str]:
    """Ids of the Servicebüros serving a Land, sorted."""
    return sorted(o.id for o in ds.service_offices.values() if state is not None and state in o.states)


def office_of_alliance(ds: Dataset, alliance_id: str) -> str | None:
    """The Servicebüro that supports an alliance. The one rule, used everywhere:

    1. the alliance's own ``office``, when it names a Servicebüro in the data;
    2. else the Servicebüro serving the alliance's Land (the first by id if
       several do);
    3. else none.

    >>> from graph.model import Alliance, ServiceOffice
    >>> ds = Dataset()
    >>> ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    >>> ds.add(ServiceOffice("sb-magdeburg", "Servicebüro Magdeburg", "Magdeburg", ("ST",)))
    >>> ds.add(Alliance("b1", "Bündnis Aachen", "05334", office="sb-magdeburg"))
    >>> ds.add(Alliance("b2", "Bündnis Bonn", "05314"))
    >>> office_of_alliance(ds, "b1"), office_of_alliance(ds, "b2")
    ('sb-magdeburg', 'sb-koeln')
    """
    alliance = ds.alliances[alliance_id]
    if alliance.office in ds.service_offices:
        return alliance.office
    serving = offices_serving(ds, state_of_alliance(ds, alliance_id))
    return serving[0] if serving else None


def alliances_of_office(ds: Dataset, office_id: str) -> set[str]:
    """Ids of the alliances :func:`office_of_alliance` assigns to the office."""
    return {a for a in ds.alliances if office_of_alliance(ds, a) == office_id}
