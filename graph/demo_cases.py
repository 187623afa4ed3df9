"""The demo's cast: which alliances it has, which case each shows, and who their members are.

Owns the case table (``_ALLIANCES``, :data:`CASES`), the invented names and the
recipes that give each case its members; :mod:`graph.demo` turns them into an
exchange document. Split from it so that a new case is read and written here,
next to the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass

FORMAT = "buendnisnetz/1"
SEED = 2015  # the programme's start year; any fixed value keeps the document stable
MARK = "(Demo)"

OFFICE_OF_STATE = {"NW": "sb-koeln", "SN": "sb-magdeburg", "ST": "sb-magdeburg", "TH": "sb-magdeburg"}
TOPICS = ("Unterbringung", "Kinderschutz", "Berufsorientierung")

#: (alliance id, AGS of Kreis or Gemeinde, case key, topics)
_ALLIANCES = (
    ("demo-b01", "05315", "healthy", (0, 1, 2)),
    ("demo-b02", "05315", "healthy", (2,)),
    ("demo-b03", "05111", "healthy", (0, 1)),
    ("demo-b04", "05913", "key_person_cut_vertex", (1, 2)),
    ("demo-b05", "05113", "healthy", (0, 2)),
    ("demo-b06", "05314", "at_risk_school_leaves", (2,)),
    ("demo-b07", "05334901", "healthy", (0, 1)),
    ("demo-b08", "05382901", "below_min_not_local", (0,)),
    ("demo-b09", "05711", "below_min_one_institution", (1,)),
    ("demo-b10", "05515", "healthy", (1, 2)),
    ("demo-b11", "05566", "dormant_old_offers", (0, 2)),
    ("demo-b12", "05766", "no_youth_voice", (0, 1)),
    ("demo-b13", "05970", "single_sector_administration", (0,)),
    ("demo-b14", "05124", "healthy_member_not_local", (1, 2)),
    ("demo-b15", "05562", "healthy_place_unknown", (0, 1, 2)),
    ("demo-b16", "05358", "below_min_ended_and_future", (0, 1)),
    ("demo-b17", "05954901", "healthy", (2,)),
    ("demo-b18", "14612", "healthy", (0, 1, 2)),
    ("demo-b19", "14713", "healthy", (1, 2)),
    ("demo-b20", "14713", "key_person_star", (0,)),
    ("demo-b21", "14511", "no_administration", (2,)),
    ("demo-b22", "14626", "at_risk_accommodation_leaves", (0, 1)),
    ("demo-b23", "14625901", "healthy", (0, 2)),
    ("demo-b24", "14522", "below_min_founding", (1,)),
    ("demo-b25", "15003", "healthy", (0, 1, 2)),
    ("demo-b26", "15002", "single_sector_migrant_organisations", (2,)),
    ("demo-b27", "15085", "dormant_no_offers", (0,)),
    ("demo-b28", "15082", "healthy", (1, 2)),
    ("demo-b29", "15090", "healthy", (0, 1)),
    ("demo-b30", "16051", "healthy", (0, 1, 2)),
    ("demo-b31", "16053", "healthy", (2,)),
    ("demo-b32", "16055", "healthy", (1,)),
    ("demo-b33", "16061901", "healthy", (0, 2)),
    ("demo-b34", "16063", "no_administration", (1, 2)),
    ("demo-b35", "16076", "healthy", (0, 1)),
)

#: alliance id -> case key (see the module docstring)
CASES: dict[str, str] = {ident: case for ident, _, case, _ in _ALLIANCES}

#: invented Gemeinden (AGS = Kreis + 9xx, not used by Destatis keys in these Kreise)
GEMEINDEN = {
    "05334901": "Gemeinde Lindenau (Demo)",
    "05334902": "Gemeinde Birkhausen (Demo)",
    "05382901": "Gemeinde Auenstett (Demo)",
    "05382902": "Gemeinde Talheim-Süd (Demo)",
    "05954901": "Gemeinde Ruhrwiesen (Demo)",
    "14625901": "Gemeinde Spreetal-Nord (Demo)",
    "14625902": "Gemeinde Heideweiler (Demo)",
    "16061901": "Gemeinde Kirchwerben (Demo)",
}

#: institution types run by the Kreis or kreisfreie Stadt, never by a Gemeinde
_KREIS_LEVEL = ("jugendamt", "sozialamt", "auslaenderamt", "bildungsverwaltung", "fluechtlingskoordination")

_SECTOR = {
    "jugendamt": "verwaltung", "sozialamt": "verwaltung", "auslaenderamt": "verwaltung",
    "bildungsverwaltung": "verwaltung", "fluechtlingskoordination": "verwaltung",
    "verwaltungsspitze": "verwaltung", "schule": "bildung", "kita": "bildung",
    "freier_traeger": "freie_wohlfahrt", "migrantenorganisation": "migrantenorganisation",
    "initiative": "zivilgesellschaft", "sonstige": "sonstige",
    # "unterkunft": operated by a freier Träger or a private firm, drawn per institution
}

_ROLE = {
    "jugendamt": "Fachkraft Jugendamt", "sozialamt": "Sachbearbeitung Sozialamt",
    "auslaenderamt": "Sachbearbeitung Ausländerbehörde", "bildungsverwaltung": "Bildungskoordination",
    "fluechtlingskoordination": "Flüchtlingskoordination", "verwaltungsspitze": "Bürgermeister*in",
    "schule": "Lehrkraft", "kita": "Kita-Leitung", "unterkunft": "Unterkunftsleitung",
    "freier_traeger": "Sozialarbeiter*in", "migrantenorganisation": "Vorstand Migrantenorganisation",
    "initiative": "Koordination Ehrenamt", "sonstige": "Mitarbeiter*in",
}
VOLUNTEER = "Ehrenamtliche*r"
YOUTH = "junge*r Geflüchtete*r"

_FIRST = (
    "Anna", "Jonas", "Leonie", "Tobias", "Miriam", "Felix", "Sabine", "Markus", "Aylin", "Murat", "Katrin",
    "Stefan", "Jana", "Dirk", "Nadine", "Ole", "Petra", "Björn", "Svenja", "Hakan", "Elif", "Thomas",
    "Ulrike", "Rainer", "Carla", "Malte", "Ines", "Yusuf", "Dana", "Frank", "Heike", "Lars", "Mareike",
    "Kemal", "Birgit", "Jens", "Sophie", "Paul", "Greta", "Andrzej", "Marta", "Nikolai", "Olga", "Samira",
    "Tarek", "Lina", "Henrik", "Franziska", "Uwe", "Doreen", "Mandy", "Ronny", "Grit", "Steffen",
)
_FAMILY = (
    "Brandtner", "Lindqvist", "Oberholz", "Kessling", "Marquardt", "Wendelin", "Hollmann", "Steinbrink",
    "Tiedemann", "Vogelsang", "Rautenberg", "Kamińska", "Yıldırım", "Demiroğlu", "Hassanpour", "Novak",
    "Petrović", "Albers", "Grünewald", "Haberland", "Iskander", "Jankowiak", "Kühnel", "Lorenzen", "Mertens",
    "Niebuhr", "Osterkamp", "Pohlmann", "Quandel", "Reinholz", "Sauerland", "Thielemann", "Ulbrich",
    "Volkmer", "Wachtel", "Zander", "Bergmann", "Drescher", "Eilers", "Fuchsberger",
)
_YOUTH_FIRST = (
    "Amir", "Hamid", "Samir", "Jamal", "Rahim", "Nour", "Mariam", "Zahra", "Yonas", "Abel", "Dawit", "Hevin",
    "Rojin", "Omid", "Bilal", "Faisal", "Aziz", "Idris", "Luwam", "Selam", "Kidane", "Mahmoud", "Rasul", "Said",
)
_SCHOOL_NAMES = ("Am Mühlbach", "Lindenhof", "Sonnenberg", "Am Stadtpark", "Brückenweg", "Kastanienallee")
_SCHOOL_KINDS = ("Gesamtschule", "Berufskolleg", "Realschule", "Oberschule", "Berufsschulzentrum")
_STREETS = ("Birkenweg", "Am Anger", "Hafenstraße", "Lindenstraße", "Feldweg", "Mühlenstraße")
_KITAS = ("Regenbogen", "Sonnenblume", "Kleine Welt", "Pusteblume", "Sternschnuppe")
_CARRIERS = ("Jugendhilfeverbund Brückenschlag", "Kinder- und Jugendwerk Lindenhof", "Sozialwerk Neue Wege",
             "Jugendhilfe Am Fluss", "Verein für Jugend und Familie Horizont")
_MIGRANT_ORGS = ("Verein Neue Nachbarn", "Brücke der Kulturen", "Netzwerk Zusammenleben",
                 "Eltern- und Jugendverein Weltoffen", "Kulturverein Miteinander", "Jugendverein Ankommen")
_INITIATIVES = ("Initiative Willkommen", "Patenschaftsnetz", "Sprachcafé-Initiative", "Nachbarschaftshilfe")


@dataclass(frozen=True, slots=True)
class _Member:
    """One membership in a case recipe.

    ``since`` is days before the anchor (negative: in the future), None for "since founding";
    ``until`` is days after the anchor (negative: already ended), None for open-ended;
    ``place`` overrides where the institution or person is: an AGS, "" for unknown, or "+NN"
    for the sibling Gemeinde Kreis + "9NN" of the alliance's Gemeinde;
    ``person`` names a person shared between alliances.
    """

    kind: str  # "staff" | "institution" | "volunteer" | "youth"
    type: str | None = None
    n: int = 1
    role: str | None = None
    since: int | None = None
    until: int | None = None
    place: str | None = None
    person: str | None = None


def _staff(type_: str, n: int = 1, **kw) -> _Member:
    return _Member("staff", type_, n, **kw)


def _inst(type_: str, n: int = 1, **kw) -> _Member:
    return _Member("institution", type_, n, **kw)


def _volunteer(**kw):
    return _Member("volunteer", **kw)


def _youth(**kw):
    return _Member("youth", **kw)


def _healthy_core(rng: random.Random, level: str) -> list[_Member]:
    """At least five units from four sectors, with administration and youth voice."""
    head = "verwaltungsspitze" if rng.random() < 0.5 else rng.choice(
        ["fluechtlingskoordination", "sozialamt", "auslaenderamt", "bildungsverwaltung"])
    role = None
    if head == "verwaltungsspitze":
        role = rng.choice(["Landrät*in", "Dezernent*in"]) if level == "kreis" else "Bürgermeister*in"
    members = [
        _staff("jugendamt"),
        _staff(head, role=role),
        _staff(rng.choice(["schule", "kita"])),
        _staff(rng.choice(["unterkunft", "freier_traeger"])),
        _volunteer(),
        _youth(),
    ]
    if rng.random() < 0.6:
        members.append(_staff("migrantenorganisation"))
    if rng.random() < 0.5:
        members.append(_youth())
    if rng.random() < 0.4:
        members.append(_staff("initiative"))
    if rng.random() < 0.4:
        members.append(_inst(rng.choice(["freier_traeger", "initiative", "sonstige"]), 2))
    return members


def _recipe(case: str, rng: random.Random, level: str) -> tuple[list[_Member], str]:
    """The members of a case and the shape of their tie network ("ring", "bridge", "star")."""
    if case == "healthy":
        members = _healthy_core(rng, level)
        extra = rng.random()
        if extra < 0.3:  # a former member: left on purpose some months ago
            members.append(_volunteer(since=rng.randint(500, 900), until=-rng.randint(30, 200)))
        elif extra < 0.5:  # joins in the coming weeks
            members.append(_staff("schule", 2, since=-rng.randint(7, 40)))
        return members, "ring"
    if case == "healthy_member_not_local":
        return _healthy_core(rng, level) + [_staff("migrantenorganisation", place="05122")], "ring"
    if case == "healthy_place_unknown":
        return _healthy_core(rng, level) + [_inst("sonstige", 3, place=""), _volunteer(place="")], "ring"
    if case == "key_person_cut_vertex":
        return [_staff("fluechtlingskoordination"), _staff("jugendamt"), _staff("schule"), _youth(),
                _staff("migrantenorganisation"), _staff("unterkunft"), _volunteer()], "bridge"
    if case == "key_person_star":
        return [_staff("fluechtlingskoordination", person="leipzig-fk"), _staff("jugendamt"), _staff("schule"),
                _staff("migrantenorganisation"), _volunteer(), _youth()], "star"
    if case == "at_risk_school_leaves":
        return [_staff("jugendamt"), _staff("jugendamt", role="Amtsvormund*in"),
                _staff("schule", until=30), _staff("migrantenorganisation"),
                _staff("migrantenorganisation", role="Jugendreferent*in")], "ring"
    if case == "at_risk_accommodation_leaves":
        return [_staff("fluechtlingskoordination"), _staff("fluechtlingskoordination", role="Integrationslots*in"),
                _staff("unterkunft", until=75), _staff("unterkunft", role="Sozialbetreuung", until=45),
                _youth()], "ring"
    if case == "below_min_not_local":
        return [_staff("jugendamt"), _volunteer(place="+02"), _staff("freier_traeger", place="05378")], "ring"
    if case == "below_min_one_institution":
        return [_staff("jugendamt", role="Teamleitung ASD"), _staff("jugendamt"),
                _staff("jugendamt", role="Amtsvormund*in")], "ring"
    if case == "below_min_ended_and_future":
        return [_staff("jugendamt", since=400), _staff("schule", since=300),
                _staff("unterkunft", since=500, until=-60), _staff("migrantenorganisation", since=-30)], "ring"
    if case == "below_min_founding":
        return [_staff("fluechtlingskoordination", since=40), _volunteer(since=40),
                _staff("schule", since=-14)], "ring"
    if case in ("dormant_old_offers", "dormant_no_offers"):
        members = [_staff("jugendamt", since=1100), _staff("sozialamt", since=1100), _staff("schule", since=1000),
                   _staff("migrantenorganisation", since=950), _volunteer(since=900), _youth(since=800)]
        if case == "dormant_no_offers":  # the last change, outside the twelve months
            members.append(_staff("kita", since=1000, until=-420))
        return members, "ring"
    if case == "no_youth_voice":
        return [_staff("jugendamt"), _staff("verwaltungsspitze", role="Landrät*in"), _staff("schule"),
                _staff("unterkunft"), _staff("freier_traeger"), _volunteer()], "ring"
    if case == "no_administration":
        return [_staff("schule"), _staff("kita"), _staff("migrantenorganisation"), _staff("initiative"),
                _staff("freier_traeger"), _volunteer(), _youth()], "ring"
    if case == "single_sector_administration":
        return [_inst(t) for t in ("jugendamt", "sozialamt", "auslaenderamt", "fluechtlingskoordination",
                                   "verwaltungsspitze")], "ring"
    if case == "single_sector_migrant_organisations":
        return [_inst("migrantenorganisation", n) for n in range(1, 6)], "ring"
    raise ValueError(f"unknown demo case {case!r}")


#: members added to a case: several staff of one Jugendamt, people shared by two alliances
_EXTRA_MEMBERS = {
    "demo-b01": [_staff("jugendamt", role="Amtsvormund*in"),
                 _staff("fluechtlingskoordination", role="Integrationsbeauftragte*r", person="koeln-fk")],
    "demo-b02": [_staff("fluechtlingskoordination", person="koeln-fk")],
    "demo-b19": [_staff("fluechtlingskoordination", person="leipzig-fk")],
    "demo-b05": [_staff("unterkunft", 2, until=45)],
    "demo-b07": [_volunteer(place="+02")],
    "demo-b23": [_youth(place="+02")],
}


def _circulant(nodes: list[str]) -> list[tuple[str, str]]:
    """Edges of the circulant graph C_n(1, 2): 2-connected, every node holds 2/n of the ties."""
    n = len(nodes)
    if n < 2:
        return []
    if n <= 4:
        return [(nodes[i], nodes[j]) for i in range(n) for j in range(i + 1, n)]
    return [(nodes[i], nodes[(i + step) % n]) for step in (1, 2) for i in range(n)]
