"""Who may see and change what (docs/design.md, Roles and privacy).

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
            own_office = o.alliance is None and user.role == "office" and o.office == user.office
            if o.alliance in out.alliances or own_office:
                out.offers[ident] = o
    for ident, actor in list(out.actors.items()):
        if actor.is_refugee_youth and not may_reveal(user, ds, ident):
            out.actors[ident] = replace(actor, name=actor.display_name)
    return out


#: Lists only admins change: the programme's reference data.
REFERENCE_LISTS = ("states", "municipalities", "service_offices")


def _place_in_scope(user: User, ds: Dataset, ags: str | None) -> bool:
    """A write needs a known place inside the scope (an unknown place is outside)."""
    return _in_scope_municipality(user, ds, ags) is True


def _offer_in_scope(user: User, ds: Dataset, offer) -> bool:
    alliance = ds.alliances.get(offer.alliance or "")
    if user.role == "office" and offer.office not in (None, user.office):
        return False
    if alliance is not None:
        return _place_in_scope(user, ds, alliance.municipality)
    return user.role == "office" and offer.office == user.office


def _judge(user: User, ds: Dataset, list_name: str, item) -> tuple[str, str] | None:
    """``(field, reason)`` when `user` may not hold `item` as it stands in `ds`, else None."""
    if list_name == "alliances":
        if not _place_in_scope(user, ds, item.municipality):
            return "municipality", "Bündnis liegt außerhalb Ihres Bereichs"
    elif list_name == "institutions":
        if not _place_in_scope(user, ds, item.municipality):
            return "municipality", "Einrichtung liegt außerhalb Ihres Bereichs oder hat keinen Ort"
    elif list_name == "actors":
        if not _place_in_scope(user, ds, ds.municipality_of_member(item.id)):
            field_name = "institution" if item.institution else "municipality"
            return field_name, "Person liegt außerhalb Ihres Bereichs oder hat keinen Ort"
    elif list_name == "memberships":
        alliance = ds.alliances.get(item.alliance)
        if alliance is None or not _place_in_scope(user, ds, alliance.municipality):
            return "alliance", "Bündnis liegt außerhalb Ihres Bereichs"
    elif list_name == "ties":
        for end in ("source", "target"):
            if not _place_in_scope(user, ds, ds.municipality_of_member(getattr(item, end))):
                return end, "Verbindungen nur zwischen Personen bzw. Einrichtungen Ihres Bereichs"
    elif list_name == "offers":
        if user.role == "office" and item.office not in (None, user.office):
            return "office", "Angebote nur unter Ihrem eigenen Servicebüro"
        if not _offer_in_scope(user, ds, item):
            return "alliance", "Angebot liegt außerhalb Ihres Bereichs"
    return None


def check_write(user: User, existing: Dataset, incoming: Dataset, source: str = "-",
                origins: dict | None = None) -> list[Problem]:
    """Problems when `user` may not write `incoming` on top of `existing`; empty when allowed.

    Every item is judged twice: as it is stored now (so nobody takes over an item
    of another scope, e.g. a minor of another Kreis) and as it would be after the
    write (so nobody moves an item out of their scope). Items identical to what is
    stored are no write and pass. Reference data (Länder, Kommunen, Servicebüros)
    is the administration's; an alliance may name existing topics or bring new
    ones, but nobody else renames a topic.

    Parameters
    ----------
    origins : dict, optional
        ``(list name, key) -> (file, line)`` of the records (:func:`record_origins`),
        so each problem names where the refused item came from.
    """
    if user.role == "admin":
        return []
    origins = origins or {}
    if not user.can_write:
        return [Problem(source, "-", "-", f"{user.name} darf nur lesen")]
    merged = existing.merged(incoming)
    problems = []

    def deny(list_name: str, key, field_name: str, why: str) -> None:
        file, line = origins.get((list_name, key), (source, "-"))
        label = key if isinstance(key, str) else "->".join(k for k in key if k)
        problems.append(Problem(file, line, field_name, f"{label}: {why}"))

    for list_name in REFERENCE_LISTS:
        for ident, item in getattr(incoming, list_name).items():
            if getattr(existing, list_name).get(ident) != item:
                deny(list_name, ident, "id", "Referenzdaten ändert nur die Administration")
    for ident, topic in incoming.topics.items():
        old = existing.topics.get(ident)
        if old is not None and old != topic:
            deny("topics", ident, "name", "Themen benennt nur die Administration um")
    for list_name in ("institutions", "actors", "alliances", "offers", "memberships", "ties"):
        stored_items = getattr(existing, list_name)
        for key, item in getattr(incoming, list_name).items():
            stored = stored_items.get(key)
            if stored == item:
                continue  # no change, no write
            before = _judge(user, existing, list_name, stored) if stored is not None else None
            if before is not None:
                deny(list_name, key, "id", "gehört nicht zu Ihrem Bereich (so wie gespeichert)")
                continue
            after = _judge(user, merged, list_name, item)
            if after is not None:
                deny(list_name, key, *after)
    return problems


def record_origins(records) -> dict:
    """``(list name, key) -> (file, line)`` for raw records, keyed like :class:`~graph.model.Dataset`.

    Topics an alliance brings by name are located at that alliance's record.
    """
    from .validate import parse_date, slugify

    out: dict = {}
    for r in records:
        data = r.data if isinstance(r.data, dict) else {}
        where = (r.file, r.line)
        if r.list_name == "memberships":
            try:
                since = parse_date(data.get("since"))
            except ValueError:
                continue
            key = (str(data.get("member", "")).strip(), str(data.get("alliance", "")).strip(),
                   since.isoformat() if since else "")
        elif r.list_name == "ties":
            key = tuple(sorted((str(data.get("source", "")).strip(), str(data.get("target", "")).strip())))
        else:
            key = str(data.get("id", "")).strip()
            if r.list_name in ("states",):
                key = key.upper()
            if r.list_name == "alliances":
                names = data.get("topics") or []
                if isinstance(names, str):
                    names = names.split("|")
                for name in names:
                    if str(name).strip():
                        out.setdefault(("topics", slugify(str(name))), where)
        out.setdefault((r.list_name, key), where)
    return out


def check_dismissal(user: User, ds: Dataset, kind: str, source: str, target: str) -> str | None:
    """Why `user` may not dismiss a suggestion, or None: the same scope as accepting it.

    membership: the alliance (target); introduction: both ends; hospitation: the
    visiting alliance (source).
    """
    if user.role == "admin":
        return None
    if not user.can_write:
        return "darf nur lesen"

    def alliance_ok(ident: str) -> bool:
        alliance = ds.alliances.get(ident)
        return alliance is not None and _place_in_scope(user, ds, alliance.municipality)

    if kind == "membership":
        ok = alliance_ok(target)
    elif kind == "introduction":
        ok = all(_place_in_scope(user, ds, ds.municipality_of_member(x)) for x in (source, target))
    elif kind == "hospitation":
        ok = alliance_ok(source)
    else:
        return f"unbekannte Art {kind!r}"
    return None if ok else "dieser Vorschlag liegt außerhalb Ihres Bereichs"
