"""Shared test data builders: one "healthy alliance" for every test file that needs one.

A healthy alliance has the three partners the checks look for – a Jugendamt
(administration), a school and a migrant organisation (youth voice) – in its own
place, all tied to each other (no key person). Tests change one thing each.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from graph.model import Alliance, Dataset, Institution, Membership, Municipality, Offer, ServiceOffice, Tie

AACHEN, KOELN, LEIPZIG = "05334", "05315", "14713"
JOINED = date(2026, 1, 10)
#: (id suffix, type, sector) of a healthy alliance's members
HEALTHY_MEMBERS = (("ja", "jugendamt", "verwaltung"), ("schule", "schule", "bildung"),
                   ("mo", "migrantenorganisation", "migrantenorganisation"))


def places(ds: Dataset | None = None) -> Dataset:
    """Aachen and Köln (NW), Leipzig (SN) and the two known Servicebüros."""
    ds = ds if ds is not None else Dataset()
    ds.add(Municipality(AACHEN, "Städteregion Aachen", "kreis", "NW"))
    ds.add(Municipality(KOELN, "Köln", "kreisfreie_stadt", "NW"))
    ds.add(Municipality(LEIPZIG, "Leipzig", "kreisfreie_stadt", "SN"))
    ds.add(ServiceOffice("sb-koeln", "Servicebüro Köln", "Köln", ("NW",)))
    ds.add(ServiceOffice("sb-magdeburg", "Servicebüro Magdeburg", "Magdeburg", ("SN", "ST", "TH")))
    return ds


def healthy_alliance(ds: Dataset, ident: str = "b1", place: str = AACHEN, *, name: str | None = None,
                     topics: Sequence[str] = (), founded: date | None = date(2019, 1, 1), since: date = JOINED,
                     offer: date | None = None,
                     members: Sequence[tuple[str, str, str, str]] | None = None) -> list[str]:
    """Add an alliance in good health and return its member ids.

    `members` are ``(id, type, sector, name)``; by default ``<ident>-ja``, ``<ident>-schule`` and
    ``<ident>-mo``. `offer` adds a Fortbildung held on that day.
    """
    ds.add(Alliance(ident, name or f"Bündnis {ident}", place, founded=founded, topics=tuple(topics)))
    if members is None:
        members = [(f"{ident}-{suffix}", type_, sector, f"{type_} {ident}")
                   for suffix, type_, sector in HEALTHY_MEMBERS]
    ids = []
    for member, type_, sector, member_name in members:
        ds.add(Institution(member, member_name, type_, sector, place))
        ds.add(Membership(member, ident, since=since))
        ids.append(member)
    for a, b in zip(ids, ids[1:] + ids[:1]):
        if a != b:
            ds.add(Tie(a, b))
    if offer is not None:
        ds.add(Offer(f"o-{ident}", "fortbildung", "Fortbildung Kinderschutz", offer, alliance=ident))
    return ids
