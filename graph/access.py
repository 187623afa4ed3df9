"""Who may see and change what (design.md, privacy and access).

Roles:

- ``admin`` sees and changes everything, including reference data.
- ``office`` (Servicebüro staff) sees and changes the Länder their office serves.
- ``coordinator`` sees and changes one Kreis.
- ``viewer`` sees everything the programme shares, changes nothing.

Refugee young people are minors: their names are shown only to admins and to
coordinators of their own Kreis; everyone else sees the pseudonym.

Everything here is pure: a :class:`User` and a :class:`~graph.model.Dataset` in,
a narrowed Dataset or a list of problems out. :mod:`graph.api` applies it on
every read and write, so the CLI and the app cannot bypass it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from .errors import InputError, Problem
from .model import Dataset, kreis_of

ROLES = {
    "admin": "Administration",
    "office": "Servicebüro",
    "coordinator": "Koordination (Kreis)",
    "viewer": "Nur lesen",
}


@dataclass(frozen=True, slots=True)
class User:
    name: str
    role: str = "admin"
    office: str | None = None  # for role office
    kreis: str | None = None  # for role coordinator (5-digit AGS)

    @property
    def can_write(self) -> bool:
        return self.role != "viewer"


ADMIN = User("admin", "admin")


class AccessDenied(InputError):
    """The acting user may not do this; nothing was written. The CLI maps it to exit code 2."""

    def __init__(self, user: User, message: str | list[Problem]):
        self.user = user
        who = f"Keine Berechtigung für {user.name} ({ROLES.get(user.role, user.role)})"
        if isinstance(message, str):
            super().__init__(f"{who}: {message}")
        else:
            super().__init__([Problem(p.file, p.line, p.field, f"{who}: {p.message}") for p in message])


def _in_scope_municipality(user: User, ds: Dataset, ags: str | None) -> bool | None:
    """True/False for a known place, None when the place is unknown."""
    if user.role in ("admin", "viewer"):
        return True
    if not ags:
        return None
    if user.role == "coordinator":
        return kreis_of(ags) == user.kreis
    if user.role == "office":
        office = ds.service_offices.get(user.office or "")
        municipality = ds.municipalities.get(ags) or ds.municipalities.get(kreis_of(ags))
        return bool(office and municipality and municipality.state in office.states)
    return False


def may_see_place(user: User, ds: Dataset, ags: str | None) -> bool:
    return _in_scope_municipality(user, ds, ags) is not False


def may_reveal(user: User, ds: Dataset, actor_id: str) -> bool:
    """Whether the user may see a refugee young person's name (admins, their own Kreis' coordinator)."""
    if user.role == "admin":
        return True
    if user.role == "coordinator":
        place = ds.municipality_of_member(actor_id)
        return bool(place) and kreis_of(place) == user.kreis
    return False


def scope(ds: Dataset, user: User) -> Dataset:
    """The part of the graph a user may see, with names of minors replaced where needed.

    Alliances are visible by their place; their members are visible with them
    even when they sit elsewhere (an alliance's view includes its partners).
    """
    if user.role == "admin":
        return ds
    out = Dataset(states=dict(ds.states), topics=dict(ds.topics), service_offices=dict(ds.service_offices))
    if user.role == "viewer":
        out = ds.copy()
    else:
        for ident, m in ds.municipalities.items():
            if _in_scope_municipality(user, ds, ident):
                out.municipalities[ident] = m
        for ident, a in ds.alliances.items():
            if _in_scope_municipality(user, ds, a.municipality):
                out.alliances[ident] = a
        members = {m.member for m in ds.memberships.values() if m.alliance in out.alliances}
        for ident, inst in ds.institutions.items():
            if ident in members or _in_scope_municipality(user, ds, inst.municipality):
                out.institutions[ident] = inst
        for ident, actor in ds.actors.items():
            if ident in members or _in_scope_municipality(user, ds, ds.municipality_of_member(ident)):
                out.actors[ident] = actor
        for ident in list(out.actors):  # the institution a visible person works at is visible too
            inst = ds.actors[ident].institution
            if inst and inst in ds.institutions:
                out.institutions[inst] = ds.institutions[inst]
        for key, m in ds.memberships.items():
            if m.alliance in out.alliances:
                out.memberships[key] = m
        for key, t in ds.ties.items():
            if (t.source in out.actors or t.source in out.institutions) and (
                    t.target in out.actors or t.target in out.institutions):
                out.ties[key] = t
        for ident, o in ds.offers.items():
            if o.alliance in out.alliances or (o.alliance is None and user.role == "office" and o.office == user.office):
                out.offers[ident] = o
    for ident, actor in list(out.actors.items()):
        if actor.is_refugee_youth and not may_reveal(user, ds, ident):
            out.actors[ident] = replace(actor, name=actor.display_name)
    return out


def check_write(user: User, existing: Dataset, incoming: Dataset, source: str = "-") -> list[Problem]:
    """Problems when `user` may not write `incoming` (on top of `existing`); empty when allowed."""
    if user.role == "admin":
        return []
    if not user.can_write:
        return [Problem(source, "-", "-", f"{user.name} darf nur lesen")]
    merged = existing.merged(incoming)
    problems = []

    def deny(kind: str, ident: str, why: str) -> None:
        problems.append(Problem(source, "-", kind, f"{ident}: {why}"))

    for list_name in ("states", "municipalities", "service_offices"):
        for ident in getattr(incoming, list_name):
            deny(list_name, ident, "Referenzdaten ändert nur die Administration")
    for ident, a in incoming.alliances.items():
        if not _in_scope_municipality(user, merged, a.municipality):
            deny("alliances", ident, "Bündnis liegt außerhalb Ihres Bereichs")
    for ident, inst in incoming.institutions.items():
        if not _in_scope_municipality(user, merged, inst.municipality):
            deny("institutions", ident, "Einrichtung liegt außerhalb Ihres Bereichs oder hat keinen Ort")
    for ident in incoming.actors:
        if not _in_scope_municipality(user, merged, merged.municipality_of_member(ident)):
            deny("actors", ident, "Person liegt außerhalb Ihres Bereichs oder hat keinen Ort")
    for m in incoming.memberships.values():
        alliance = merged.alliances.get(m.alliance)
        if alliance is None or not _in_scope_municipality(user, merged, alliance.municipality):
            deny("memberships", f"{m.member}->{m.alliance}", "Bündnis liegt außerhalb Ihres Bereichs")
    for t in incoming.ties.values():
        ends = [_in_scope_municipality(user, merged, merged.municipality_of_member(x)) for x in (t.source, t.target)]
        if not any(ends):
            deny("ties", f"{t.source}-{t.target}", "keines der beiden Enden liegt in Ihrem Bereich")
    for ident, o in incoming.offers.items():
        alliance = merged.alliances.get(o.alliance or "")
        ok = (alliance is not None and _in_scope_municipality(user, merged, alliance.municipality)) or (
            alliance is None and user.role == "office" and o.office == user.office)
        if not ok:
            deny("offers", ident, "Angebot liegt außerhalb Ihres Bereichs")
    return problems
