"""The programme's partner rule: who counts as a local partner of an alliance.

An alliance (Bündnis) needs at least three local partners (docs/design.md, "The
partner rule"). As of a date, its partners are its current local member units:

- *current*: ``since`` on or before the date (or empty), ``until`` empty or on
  or after the date (:meth:`graph.model.Membership.is_current`);
- *unit*: an institution counts once however many of its staff are members; a
  person counts as the unit of the institution they work at; a person with no
  institution counts alone (:meth:`graph.model.Dataset.unit_of`);
- *local*: the member's municipality (the institution's, else the person's,
  :meth:`graph.model.Dataset.municipality_of_member`) lies in the same Kreis
  (first five AGS digits) as the alliance's municipality. Members whose place
  is unknown count as local; :class:`Partner` says so with ``place_unknown``.

Everything here is pure: a :class:`~graph.model.Dataset` and a date in, plain
dataclasses out. :func:`memberships_by_alliance` lets callers that check many
alliances group the memberships once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from .errors import NotFound, Problem
from .model import Dataset, Membership, kreis_of

#: Sector of a person who is a member without an institution: volunteers and
#: refugee young people act as civil society (docs/design.md lists them next to the
#: institutions; the schema gives sectors to institutions only).
PERSON_SECTOR = "zivilgesellschaft"


@dataclass(frozen=True, slots=True)
class Partner:
    """One partner unit of an alliance.

    Attributes
    ----------
    unit : str
        Institution id, or the person's id for a person without institution.
    kind : {"institution", "person"}
    members : tuple of str
        The current local member ids that make up this unit (the institution
        itself and/or its staff), sorted.
    municipality : str or None
        AGS of the unit's place; None when unknown.
    sector : str or None
        The institution's sector; :data:`PERSON_SECTOR` for a person alone;
        None for an institution that is referenced but not in the dataset.
    place_unknown : bool
        True when no member of the unit has a known municipality: the unit
        counts as local by rule, and the health check says so.
    """

    unit: str
    kind: str
    members: tuple[str, ...]
    municipality: str | None
    sector: str | None
    place_unknown: bool


@dataclass(frozen=True, slots=True)
class NonLocalMember:
    """A current member that does not count because it sits in another Kreis."""

    member: str
    unit: str
    municipality: str
    kreis: str


#: A member's municipality by the partner rule: :meth:`graph.model.Dataset.municipality_of_member`,
#: or a memo of it when many alliances are checked.
PlaceOf = Callable[[str], "str | None"]


def memberships_by_alliance(ds: Dataset) -> dict[str, list[Membership]]:
    """All memberships grouped by alliance id, in a stable order."""
    grouped: dict[str, list[Membership]] = defaultdict(list)
    for key in sorted(ds.memberships):
        membership = ds.memberships[key]
        grouped[membership.alliance].append(membership)
    return dict(grouped)


def current_members(ds: Dataset, alliance_id: str, as_of: date,
                    memberships: Mapping[str, list[Membership]] | None = None) -> list[str]:
    """Ids of the members whose membership is current as of `as_of`, sorted, each once.

    A member who left and rejoined has two memberships; either being current
    is enough.
    """
    pool = _memberships_of(ds, alliance_id, memberships)
    return sorted({m.member for m in pool if m.is_current(as_of)})


def is_local(ds: Dataset, alliance_id: str, member_id: str) -> bool:
    """Whether a member counts as local to the alliance (unknown place counts as local)."""
    return place_is_local(ds.municipality_of_member(member_id), kreis_of(ds.alliances[alliance_id].municipality))


def place_is_local(place: str | None, alliance_kreis: str) -> bool:
    """The 'local' clause for a member at `place` (None: unknown) and an alliance in `alliance_kreis`."""
    return place is None or kreis_of(place) == alliance_kreis


def partners_of(ds: Dataset, alliance_id: str, as_of: date,
                memberships: Mapping[str, list[Membership]] | None = None,
                place_of: PlaceOf | None = None) -> list[Partner]:
    """The alliance's partners as of a date, by the programme's partner rule.

    Parameters
    ----------
    ds : Dataset
        The graph.
    alliance_id : str
        An id in ``ds.alliances``.
    as_of : datetime.date
        The day the rule is applied to; a membership ending that day still counts.
    memberships : mapping, optional
        Output of :func:`memberships_by_alliance` (or any grouping of the memberships by
        alliance), to avoid regrouping when checking many alliances.
    place_of : callable, optional
        A memo of :meth:`~graph.model.Dataset.municipality_of_member` (same values).

    Returns
    -------
    list of Partner
        Sorted by unit id; its length is the number the minimum is checked against.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.model import Actor, Alliance, Dataset, Institution, Membership
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Bündnis", "05334"))
    >>> ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung", "05334"))
    >>> ds.add(Actor("a1", "Anna", institution="ja"))
    >>> ds.add(Actor("a2", "Ben", institution="ja"))
    >>> for who in ("a1", "a2"):
    ...     ds.add(Membership(who, "b1"))
    >>> [(p.unit, p.members) for p in partners_of(ds, "b1", date(2026, 1, 1))]
    [('ja', ('a1', 'a2'))]
    """
    place_of = place_of or ds.municipality_of_member
    members = current_members(ds, alliance_id, as_of, memberships)  # NotFound for an unknown alliance
    home = kreis_of(ds.alliances[alliance_id].municipality)
    return partner_units(ds, [m for m in members if place_is_local(place_of(m), home)], place_of)


def non_local_members(ds: Dataset, alliance_id: str, as_of: date,
                      memberships: Mapping[str, list[Membership]] | None = None) -> list[NonLocalMember]:
    """Current members that do not count as partners because they sit in another Kreis.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.model import Alliance, Dataset, Institution, Membership
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Bündnis", "05334"))
    >>> ds.add(Institution("v", "Verein", "initiative", "zivilgesellschaft", "05315"))
    >>> ds.add(Membership("v", "b1"))
    >>> non_local_members(ds, "b1", date(2026, 1, 1))
    [NonLocalMember(member='v', unit='v', municipality='05315', kreis='05315')]
    """
    return non_local(ds, alliance_id, current_members(ds, alliance_id, as_of, memberships))


def non_local(ds: Dataset, alliance_id: str, members: Iterable[str],
              place_of: PlaceOf | None = None) -> list[NonLocalMember]:
    """Those of `members` (current members, in their order) that sit in another Kreis than the alliance."""
    place_of = place_of or ds.municipality_of_member
    home = kreis_of(ds.alliances[alliance_id].municipality)
    out = []
    for member in members:
        place = place_of(member)
        if not place_is_local(place, home):
            assert place is not None  # a member without a known place counts as local
            out.append(NonLocalMember(member, ds.unit_of(member), place, kreis_of(place)))
    return out


def unit_count(ds: Dataset, member_ids: Iterable[str]) -> int:
    """How many partner units a set of (already local) members makes."""
    return len({ds.unit_of(m) for m in member_ids})


def _memberships_of(ds: Dataset, alliance_id: str,
                    memberships: Mapping[str, list[Membership]] | None) -> list[Membership]:
    if alliance_id not in ds.alliances:
        raise NotFound([Problem("-", "-", "alliance", f"Bündnis {alliance_id!r} gibt es nicht")])
    if memberships is not None:
        return memberships.get(alliance_id, [])
    return [m for m in ds.memberships.values() if m.alliance == alliance_id]


def unit_sector(ds: Dataset, member: str) -> str | None:
    """The sector a member counts for: its unit's institution's, :data:`PERSON_SECTOR` for a person
    alone, None for an institution that is referenced but not in the data (the 'unit' clause).

    >>> from graph.model import Actor, Institution
    >>> ds = Dataset()
    >>> ds.add(Institution("ja", "Jugendamt", "jugendamt", "verwaltung"))
    >>> ds.add(Actor("p1", "Ada", institution="ja")); ds.add(Actor("p2", "Bea"))
    >>> ds.add(Actor("p3", "Cem", institution="fehlt"))
    >>> [unit_sector(ds, m) for m in ("ja", "p1", "p2", "p3")]
    ['verwaltung', 'verwaltung', 'zivilgesellschaft', None]
    """
    unit = ds.unit_of(member)
    institution = ds.institutions.get(unit)
    if institution is not None:
        return institution.sector
    return PERSON_SECTOR if unit in ds.actors else None


def partner_units(ds: Dataset, local_members: Iterable[str], place_of: PlaceOf | None = None) -> list[Partner]:
    """Group members that already count as local into partner units (the 'unit' clause).

    `place_of` replaces :meth:`~graph.model.Dataset.municipality_of_member` (a memo of it, same values).
    """
    place_of = place_of or ds.municipality_of_member
    by_unit: dict[str, list[str]] = defaultdict(list)
    for member in local_members:
        by_unit[ds.unit_of(member)].append(member)
    partners = []
    institutions, actors = ds.institutions, ds.actors
    for unit in sorted(by_unit):
        members = tuple(sorted(by_unit[unit]))
        institution = institutions.get(unit)
        if institution is not None or unit not in actors:
            kind = "institution"
            place = institution.municipality if institution and institution.municipality else None
        else:
            kind, place = "person", None
        if not place:  # else the first member's known place
            for member in members:
                place = place_of(member)
                if place:
                    break
            else:
                place = None
        partners.append(Partner(unit, kind, members, place, partner_sector(ds, unit), place is None))
    return partners


def partner_sector(ds: Dataset, unit: str) -> str | None:
    """The sector a partner unit counts for (:attr:`Partner.sector`).

    An institution in the data that is not also a person is its own unit: its sector is its own;
    otherwise :func:`unit_sector`.
    """
    institution = ds.institutions.get(unit)
    return institution.sector if institution is not None and unit not in ds.actors else unit_sector(ds, unit)
