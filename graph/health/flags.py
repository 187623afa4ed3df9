"""The health flags: one table, one row per flag (docs/design.md, "Flags").

Every flag is a :class:`FlagRule`: its code, its severity, its German label and
a check with one signature, ``check(facts) -> list of German messages``. The
check runs for every alliance; each message becomes one :class:`Flag`.
:data:`FLAGS` is the order the flags are reported in. A new flag is one new
row here (plus its test); status and the CLI, app and reports pick it up.

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

:data:`NOTES` lists flags added after the check from data outside the Dataset
(``SURVEY_DUE``, :mod:`graph.survey_api`), so that every view can label them.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from ..model import ADMINISTRATION_TYPES, INSTITUTION_TYPES, SECTORS, Alliance, Dataset, Membership, kreis_of
from ..partners import NonLocalMember, Partner, partner_units
from ..rules import CRITICAL, INFO, WARNING
from .base import AllianceIndex, HealthConfig, german_date, months_before
from .network import MemberNetwork, cut_vertices, top_member

__all__ = ["FLAGS", "FLAG_LABELS", "FLAG_SEVERITY", "NOTES", "AllianceFacts", "FlagRule", "key_person_figures",
           "leaving_members"]


@dataclass(frozen=True)
class AllianceFacts:
    """What every check may look at for one alliance as of a date (computed once)."""

    ds: Dataset
    alliance: Alliance
    as_of: date
    config: HealthConfig
    index: AllianceIndex
    members: list[str]        # current members
    local: list[str]          # current members that count as local
    partners: list[Partner]   # partner units of the local members
    sectors: list[str]        # the partners' sectors, sorted
    network: MemberNetwork    # among the current members (:func:`~graph.health.network.member_ties`)
    outside: list[NonLocalMember]  # current members in another Kreis (:func:`graph.partners.non_local`)

    @property
    def below_minimum(self) -> bool:
        return len(self.partners) < self.config.min_partners


@dataclass(frozen=True)
class FlagRule:
    """One row of the flag table."""

    code: str
    severity: str
    label: str
    check: Callable[[AllianceFacts], list[str]]


def _names(ds: Dataset, ids: Iterable[str]) -> str:
    return ", ".join(ds.name_of(i) for i in ids)


def _place_name(ds: Dataset, ags: str) -> str:
    municipality = ds.municipalities.get(ags)
    return f"{municipality.name} ({ags})" if municipality else ags


def _below_minimum(f: AllianceFacts) -> list[str]:
    n, minimum = len(f.partners), f.config.min_partners
    if n >= minimum:
        return []
    if n == 0:
        message = f"Keine lokalen Partner am {german_date(f.as_of)} (Minimum {minimum})."
    else:
        message = (f"Nur {n} lokale{'r' if n == 1 else ''} Partner am {german_date(f.as_of)} "
                   f"(Minimum {minimum}): {_names(f.ds, [p.unit for p in f.partners])}.")
    outside = f.outside
    if outside:
        message += f" Nicht gezählt, weil in einem anderen Kreis: {_names(f.ds, [o.member for o in outside])}."
    return [message]


def _at_risk(f: AllianceFacts) -> list[str]:
    if f.below_minimum:
        return []
    ds, as_of, local = f.ds, f.as_of, f.local
    ending = leaving_members(f.index.memberships.get(f.alliance.id, []), local, as_of, f.config.at_risk_days)
    if not ending:
        return []
    left = partner_units(ds, [m for m in local if m not in ending], f.index.place)
    if len(left) >= f.config.min_partners:
        return []
    lost_units = {ds.unit_of(m) for m in local} - {p.unit for p in left}
    leaving = sorted((m for m in ending if ds.unit_of(m) in lost_units), key=lambda m: (ending[m], m))
    who = ", ".join(f"{ds.name_of(m)} (bis {german_date(ending[m])})" for m in leaving)
    return [f"Mitgliedschaften enden bald: {who}. Danach blieben nur {len(left)} lokale Partner "
            f"(Minimum {f.config.min_partners})."]


def leaving_members(memberships: Sequence[Membership], local: Collection[str], as_of: date,
                    at_risk_days: int) -> dict[str, date]:
    """Local members whose current membership ends within `at_risk_days` after `as_of` -> their last day.

    A membership ends within the window when it is no longer current on some day up to
    the horizon; a member current through another, open membership does not leave.
    """
    horizon = as_of + timedelta(days=at_risk_days)
    ending: dict[str, date] = {}
    for membership in memberships:
        if membership.member in local and membership.is_current(as_of):
            if membership.until is not None and membership.until < horizon:
                ending[membership.member] = max(ending.get(membership.member, membership.until), membership.until)
    for membership in memberships:
        if (membership.member in ending and membership.is_current(as_of)
                and (membership.until is None or membership.until >= horizon)):
            del ending[membership.member]
    return ending


def _single_sector(f: AllianceFacts) -> list[str]:
    if len(f.sectors) != 1 or not f.partners:
        return []
    only = f.sectors[0]
    missing = [label for key, label in SECTORS.items() if key not in (only, "sonstige")]
    n = len(f.partners)
    who = "Der einzige Partner gehört" if n == 1 else f"Alle {n} Partner gehören"
    return [f"{who} zum Sektor „{SECTORS.get(only, only)}“; es fehlen z. B. {', '.join(missing)}."]


def _no_youth_voice(f: AllianceFacts) -> list[str]:
    if any(map(f.index.youth_voice, f.members)):
        return []
    return ["Unter den aktuellen Mitgliedern sind weder geflüchtete junge Menschen noch eine Migrantenorganisation."]


def _no_administration(f: AllianceFacts) -> list[str]:
    if any(map(f.index.administration, f.members)):
        return []
    kinds = ", ".join(INSTITUTION_TYPES[t] for t in INSTITUTION_TYPES if t in ADMINISTRATION_TYPES)
    return [f"Keine kommunale Verwaltung unter den aktuellen Mitgliedern (z. B. {kinds})."]


def key_person_figures(network: MemberNetwork) -> tuple[str | None, int, float]:
    """The member with the most ties in the alliance's network: (id, ties, share of all ties)."""
    top, top_degree, _ = top_member(network)
    if top is None:
        return None, 0, 0.0
    return top, top_degree, top_degree / network.edges


def _key_person(f: AllianceFacts) -> list[str]:
    network, ds = f.network, f.ds
    top, top_degree, unique_top = top_member(network)
    if top is None or network.number_of_nodes() < 3:
        return []
    cuts = cut_vertices(network)
    messages = [f"{ds.name_of(cut)} hält das Netz des Bündnisses zusammen: ohne dieses Mitglied "
                f"zerfiele es in {parts} Teile, die untereinander keine Verbindung haben."
                for cut, parts in cuts.items()]
    share = top_degree / network.edges
    if unique_top and share >= f.config.key_person_share and top not in cuts:
        messages.append(f"{ds.name_of(top)} trägt {top_degree} von {network.edges} Verbindungen "
                        f"im Bündnis ({round(100 * share)} %).")
    return messages


def _dormant(f: AllianceFacts) -> list[str]:
    ds, alliance, as_of = f.ds, f.alliance, f.as_of
    start = months_before(as_of, f.config.dormant_months)
    last = f.index.last_event.get(alliance.id)  # the latest event on or before the date
    if last is not None and last >= start:
        return []
    message = (f"Seit {f.config.dormant_months} Monaten (seit {german_date(start)}) kein Angebot und "
               f"keine Änderung der Mitgliedschaften.")
    if last is None:
        return [message + " Keine Aktivität mit Datum erfasst."]
    # Only the events of that day are described; among several, the last by description is named.
    events: list[str] = []
    if alliance.founded == last:
        events.append("Gründung")
    events += [f"Angebot „{offer.title}“" for offer in f.index.offers.get(alliance.id, []) if offer.date == last]
    for membership in f.index.memberships.get(alliance.id, []):
        if membership.since == last:
            events.append(f"Eintritt {ds.name_of(membership.member)}")
        if membership.until == last:
            events.append(f"Austritt {ds.name_of(membership.member)}")
    return [message + f" Letzte Aktivität: {max(events)} am {german_date(last)}."]


def _place_unknown(f: AllianceFacts) -> list[str]:
    return [f"Für {f.ds.name_of(m)} ist kein Ort bekannt; zählt nach der Partnerregel als lokal."
            for m in f.members if f.index.place(m) is None]


def _not_local(f: AllianceFacts) -> list[str]:
    ds = f.ds
    home = kreis_of(f.alliance.municipality)
    messages = []
    for o in f.outside:
        where = _place_name(ds, o.municipality)
        if o.municipality != o.kreis:
            where += f", Kreis {_place_name(ds, o.kreis)}"
        messages.append(f"{ds.name_of(o.member)} zählt nicht als Partner: sitzt in {where}, "
                        f"außerhalb des Kreises des Bündnisses ({_place_name(ds, home)}).")
    return messages


#: The flag table, in the order flags are reported.
FLAGS: tuple[FlagRule, ...] = (
    FlagRule("BELOW_MIN_PARTNERS", CRITICAL, "Zu wenige Partner", _below_minimum),
    FlagRule("AT_RISK", WARNING, "Gefährdet", _at_risk),
    FlagRule("SINGLE_SECTOR", WARNING, "Nur ein Sektor", _single_sector),
    FlagRule("NO_YOUTH_VOICE", WARNING, "Keine Stimme junger Geflüchteter", _no_youth_voice),
    FlagRule("NO_ADMINISTRATION", WARNING, "Keine Verwaltung", _no_administration),
    FlagRule("KEY_PERSON", WARNING, "Schlüsselperson", _key_person),
    FlagRule("DORMANT", WARNING, "Ruhend", _dormant),
    FlagRule("PLACE_UNKNOWN", INFO, "Ort unbekannt", _place_unknown),
    FlagRule("NOT_LOCAL", INFO, "Nicht lokal", _not_local),
)
#: Notes added after the check from data the Dataset does not hold (code, severity, label); known
#: here so that every view labels them: SURVEY_DUE comes from graph.survey_api.annotate_reports.
NOTES: tuple[tuple[str, str, str], ...] = (
    ("SURVEY_DUE", INFO, "Befragung fällig"),
)
#: flag code -> severity (the check's own flags)
FLAG_SEVERITY = {rule.code: rule.severity for rule in FLAGS}
#: flag code -> German label (UI, report, CLI table)
FLAG_LABELS = {rule.code: rule.label for rule in FLAGS} | {code: label for code, _, label in NOTES}
