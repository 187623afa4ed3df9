"""The fictitious demo data set: alliances that show every case of the health check.

``build_demo(anchor)`` returns an exchange document (design.md, exchange format)
that ``buendnisnetz demo`` imports after the reference data. Everything in it is
invented: institution, alliance and Gemeinde names carry the marker „(Demo)“,
person names are drawn from lists of common first and family names, and the
Gemeinden have made-up AGS ending in 9xx inside real Kreise. The Kreise, Länder,
Servicebüros (``sb-koeln``, ``sb-magdeburg``) and topics are the real reference
data and are referenced, not repeated.

All dates are relative to ``anchor`` (default: today), so the data looks current
whenever it is loaded; the same anchor gives a byte-identical document (a fixed
seed, no set ordering, lists sorted by id).

Cases, as of the anchor (design.md, the partner rule; flags in brackets):

========  ==================================  ===========================================================
Bündnis   Ort                                 Fall
========  ==================================  ===========================================================
demo-b01  Köln                                gesund; zwei Fachkräfte desselben Jugendamts (eine Einheit)
demo-b02  Köln                                gesund; teilt eine Person mit demo-b01 (Brücke)
demo-b03  Düsseldorf                          gesund
demo-b04  Dortmund                            eine Person verbindet zwei Gruppen: Schnittknoten [KEY_PERSON]
demo-b05  Essen                               gesund; eine Mitgliedschaft endet in < 90 Tagen (bleibt >= 3)
demo-b06  Bonn                                genau drei Partner, die Schule geht in 30 Tagen [AT_RISK]
demo-b07  Gemeinde in Städteregion Aachen     gesund; Mitglieder aus zwei Gemeinden und dem Kreis
demo-b08  Gemeinde im Rhein-Sieg-Kreis        dritter Partner sitzt im Nachbarkreis [BELOW_MIN_PARTNERS]
demo-b09  Bielefeld                           drei Personen, alle vom Jugendamt = 1 Partner [BELOW_MIN_PARTNERS]
demo-b10  Münster                             gesund
demo-b11  Steinfurt                           letztes Angebot vor 15 Monaten, keine Wechsel [DORMANT]
demo-b12  Lippe                               keine jungen Geflüchteten, keine MO [NO_YOUTH_VOICE]
demo-b13  Siegen-Wittgenstein                 nur Verwaltung [SINGLE_SECTOR, NO_YOUTH_VOICE]
demo-b14  Wuppertal                           gesund; ein Mitglied aus Solingen zählt nicht (Info)
demo-b15  Recklinghausen                      gesund; Einrichtung und Person ohne Ort (Info)
demo-b16  Düren                               eine Mitgliedschaft beendet, eine beginnt erst [BELOW_MIN_PARTNERS]
demo-b17  Gemeinde im Ennepe-Ruhr-Kreis       gesund
demo-b18  Dresden                             gesund
demo-b19  Leipzig                             gesund; teilt eine Person mit demo-b20
demo-b20  Leipzig                             alle Verbindungen laufen über eine Person (Stern) [KEY_PERSON]
demo-b21  Chemnitz                            keine Verwaltung [NO_ADMINISTRATION]
demo-b22  Görlitz                             genau drei Partner, die Unterkunft geht in 75 Tagen [AT_RISK]
demo-b23  Gemeinde im Landkreis Bautzen       gesund
demo-b24  Mittelsachsen                       in Gründung: zwei Partner, ein dritter kommt in 14 Tagen
                                              [BELOW_MIN_PARTNERS]
demo-b25  Magdeburg                           gesund
demo-b26  Halle (Saale)                       nur Migrantenorganisationen [SINGLE_SECTOR, NO_ADMINISTRATION]
demo-b27  Harz                                ruhend, nie ein Angebot, letzter Wechsel vor 14 Monaten [DORMANT]
demo-b28  Anhalt-Bitterfeld                   gesund
demo-b29  Stendal                             gesund
demo-b30  Erfurt                              gesund
demo-b31  Jena                                gesund
demo-b32  Weimar                              gesund
demo-b33  Gemeinde im Eichsfeld               gesund
demo-b34  Wartburgkreis                       keine Verwaltung [NO_ADMINISTRATION]
demo-b35  Greiz                               gesund
========  ==================================  ===========================================================

"gesund" means: at least five local partners, several sectors, refugee young
people or a migrant organisation, the municipal administration, an offer in the
last twelve months, and a tie network of the current members without a cut
vertex in which no member holds half of the ties (a circulant ring C_n(1, 2)).
``CASES`` maps each alliance id to its case key for tests and the app.

Examples
--------
>>> from datetime import date
>>> doc = build_demo(date(2026, 1, 15))
>>> doc["format"], len(doc["alliances"])
('buendnisnetz/1', 35)
>>> build_demo(date(2026, 1, 15)) == doc
True
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from .model import OFFER_TYPES, STATE_BY_AGS_PREFIX
from .reference import districts

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


def _staff(type_, n=1, **kw):
    return _Member("staff", type_, n, **kw)


def _inst(type_, n=1, **kw):
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


class _Builder:
    """Collects the document's rows; ids are sequential so the output is stable."""

    def __init__(self, anchor: date, rng: random.Random):
        self.anchor = anchor
        self.rng = rng
        self.kreis_name = {row["AGS"]: row["name"].split(",")[0] for row in districts()}
        self.kreis_type = {row["AGS"]: row["type"] for row in districts()}
        self.municipalities: dict[str, dict] = {}
        self.institutions: dict[str, dict] = {}
        self.institution_at: dict[tuple[str, str, int], str] = {}
        self.actors: dict[str, dict] = {}
        self.shared_people: dict[str, str] = {}
        self.alliances: dict[str, dict] = {}
        self.memberships: list[dict] = []
        self.ties: dict[tuple[str, str], dict] = {}
        self.offers: list[dict] = []
        self.used_names: set[str] = set()
        self.youth_codes = [f"{letter}{digit}" for letter in "ABCDEFGHKLMNPRST" for digit in range(1, 10)]
        rng.shuffle(self.youth_codes)

    def day(self, offset: int) -> str:
        return (self.anchor + timedelta(days=offset)).isoformat()

    # -- places ---------------------------------------------------------------
    def place_name(self, ags: str) -> str:
        if ags in GEMEINDEN:
            return GEMEINDEN[ags].removeprefix("Gemeinde ").removesuffix(f" {MARK}")
        return self.kreis_name[ags[:5]]

    def gemeinde(self, ags: str) -> str:
        if len(ags) == 8 and ags not in self.municipalities:
            self.municipalities[ags] = {"id": ags, "name": GEMEINDEN[ags], "level": "gemeinde",
                                        "state": STATE_BY_AGS_PREFIX[ags[:2]]}
        return ags

    # -- institutions and people ---------------------------------------------
    def institution(self, type_: str, n: int, place: str) -> str:
        """The n-th institution of a type at a place ("" = unknown), created once."""
        if type_ in _KREIS_LEVEL and place:
            place = place[:5]
        key = (place, type_, n)
        if key in self.institution_at:
            return self.institution_at[key]
        ident = f"demo-i{len(self.institutions) + 1:03d}"
        name = self._institution_name(type_, place)
        sector = _SECTOR.get(type_) or self.rng.choice(["freie_wohlfahrt", "sonstige"])
        row = {"id": ident, "name": name, "type": type_, "sector": sector}
        if place:
            row["municipality"] = self.gemeinde(place)
        self.institutions[ident] = row
        self.institution_at[key] = ident
        return ident

    def _institution_name(self, type_: str, place: str) -> str:
        pick = self.rng.choice
        where = self.place_name(place) if place else ""
        city = len(place) == 5 and self.kreis_type[place] == "Kreisfreie Stadt"
        names = {
            "jugendamt": f"Jugendamt {where}" if city else f"Kreisjugendamt {where}",
            "sozialamt": f"Sozialamt {where}",
            "auslaenderamt": f"Ausländerbehörde {where}",
            "bildungsverwaltung": f"Bildungsbüro {where}",
            "fluechtlingskoordination": f"Koordinierungsstelle Flüchtlingshilfe {where}",
            "verwaltungsspitze": (f"Oberbürgermeisteramt {where}" if city
                                  else f"Bürgermeisteramt {where}" if len(place) == 8
                                  else f"Kreisverwaltung {where}" if place.startswith("05")
                                  else f"Landratsamt {where}"),
            "schule": f"{pick(_SCHOOL_KINDS)} {pick(_SCHOOL_NAMES)} {where}",
            "kita": f"Kita {pick(_KITAS)} {where}",
            "unterkunft": f"Gemeinschaftsunterkunft {pick(_STREETS)} {where}",
            "freier_traeger": f"{pick(_CARRIERS)} {where} e. V.",
            "migrantenorganisation": f"{pick(_MIGRANT_ORGS)} {where} e. V.",
            "initiative": f"{pick(_INITIATIVES)} {where}",
            "sonstige": f"Sportverein Einheit {where}" if where else "Stiftung Jugendbrücke",
        }
        name = " ".join(names[type_].split())
        base = f"{name} {MARK}"
        counter = 2
        while base in self.used_names:  # a second school of the same name gets a number
            base = f"{name} {counter} {MARK}"
            counter += 1
        self.used_names.add(base)
        return base

    def person_name(self, youth: bool) -> str:
        while True:
            if youth:  # minors: a first name and an initial is all the demo stores
                name = f"{self.rng.choice(_YOUTH_FIRST)} {self.rng.choice('ABDEHKMNRSTZ')}."
            else:
                name = f"{self.rng.choice(_FIRST)} {self.rng.choice(_FAMILY)}"
            if name not in self.used_names:
                self.used_names.add(name)
                return name

    def actor(self, role: str, *, institution: str | None = None, municipality: str | None = None,
              youth: bool = False) -> str:
        ident = f"demo-p{len(self.actors) + 1:03d}"
        row = {"id": ident, "name": self.person_name(youth), "role": role}
        if institution:
            row["institution"] = institution
        if municipality:
            row["municipality"] = self.gemeinde(municipality)
        if youth:
            row["is_refugee_youth"] = True
            row["pseudonym"] = f"Jugendliche*r {self.youth_codes.pop()}"
        self.actors[ident] = row
        return ident

    # -- alliances -------------------------------------------------------------
    def member_id(self, m: _Member, home: str) -> str:
        """Create (or reuse) the person or institution a recipe line stands for."""
        place = home if m.place is None else m.place
        if place.startswith("+"):  # a sibling Gemeinde in the same Kreis
            place = f"{home[:5]}9{int(place[1:]):02d}"
        if m.person and m.person in self.shared_people:
            return self.shared_people[m.person]
        if m.kind == "institution":
            return self.institution(m.type, m.n, place)
        if m.kind == "staff":
            ident = self.actor(m.role or _ROLE[m.type], institution=self.institution(m.type, m.n, place))
        elif m.kind == "volunteer":
            ident = self.actor(m.role or VOLUNTEER, municipality=place or None)
        else:
            ident = self.actor(YOUTH, municipality=place or None, youth=True)
        if m.person:
            self.shared_people[m.person] = ident
        return ident

    def alliance(self, ident: str, home: str, case: str, topics: tuple[int, ...], number: int) -> None:
        rng = self.rng
        self.gemeinde(home)
        state = STATE_BY_AGS_PREFIX[home[:2]]
        level = "gemeinde" if len(home) == 8 else (
            "city" if self.kreis_type[home] == "Kreisfreie Stadt" else "kreis")
        founded = {"below_min_founding": 40}.get(case, rng.randint(1200, 2600))
        patterns = ("Bündnis für junge Geflüchtete {}", "Willkommensbündnis {}", "Bündnis Ankommen in {}",
                    "Netzwerk junge Geflüchtete {}")
        name = patterns[number % len(patterns)].format(self.place_name(home))
        if any(a["name"] == f"{name} {MARK}" for a in self.alliances.values()):
            name = f"Bündnis Ausbildung und Beruf {self.place_name(home)}"
        status = {"below_min_founding": "in_gruendung", "dormant_no_offers": "ruhend"}.get(case, "aktiv")
        self.alliances[ident] = {"id": ident, "name": f"{name} {MARK}", "municipality": home,
                                 "founded": self.day(-founded), "status": status,
                                 "topics": [TOPICS[t] for t in topics], "office": OFFICE_OF_STATE[state]}

        recipe, shape = _recipe(case, rng, level)
        recipe += _EXTRA_MEMBERS.get(ident, [])
        current, other = [], []
        for m in recipe:
            member = self.member_id(m, home)
            since = m.since if m.since is not None else founded - rng.randint(0, min(300, founded - 60))
            row = {"member": member, "alliance": ident, "since": self.day(-since)}
            if m.until is not None:
                row["until"] = self.day(m.until)
            if len(current) == 0:
                row["role"] = "Koordination"
            self.memberships.append(row)
            is_current = since >= 0 and (m.until is None or m.until >= 0)
            (current if is_current else other).append(member)
        self._alliance_ties(current, other, shape)
        self._alliance_offers(ident, case, state)

    def tie(self, a: str, b: str) -> None:
        key = (a, b) if a <= b else (b, a)
        if a != b and key not in self.ties:
            self.ties[key] = {"source": key[0], "target": key[1], "since": self.day(-self.rng.randint(60, 1500)),
                              "strength": self.rng.randint(1, 5)}

    def _alliance_ties(self, current: list[str], other: list[str], shape: str) -> None:
        people = [m for m in current if m in self.actors]
        units = [m for m in current if m in self.institutions]
        self.rng.shuffle(people)
        if shape == "ring":
            for a, b in _circulant(people) + _circulant(units):
                self.tie(a, b)
        elif shape == "star":  # everything runs through the first member (the coordinator)
            hub = current[0]
            for member in people:
                self.tie(hub, member)
        elif shape == "bridge":  # two groups of three, joined only by the first member
            hub, rest = current[0], [m for m in current[1:] if m in self.actors]
            for group in (rest[:3], rest[3:6]):
                for a, b in _circulant([hub, *group]):
                    self.tie(a, b)
        # former and future members still know one current member: outside the current network
        for member in other:
            if member in self.actors and people:
                self.tie(member, self.rng.choice(people))

    def _alliance_offers(self, ident: str, case: str, state: str) -> None:
        if case == "dormant_no_offers":
            return
        if case == "dormant_old_offers":
            days = [450, 640]
        elif case == "below_min_founding":
            days = [10]
        else:
            days = sorted({self.rng.randint(20, 330)} | {self.rng.randint(20, 720)
                                                           for _ in range(self.rng.randint(0, 3))})
        for offset in days:
            number = len(self.offers)
            type_ = list(OFFER_TYPES)[number % len(OFFER_TYPES)]
            topic = self.rng.choice(self.alliances[ident]["topics"])
            place = self.place_name(self.alliances[ident]["municipality"])
            self.offers.append({"id": f"demo-o{number + 1:03d}", "type": type_,
                                "title": f"{OFFER_TYPES[type_]} {topic} – {place} {MARK}",
                                "date": self.day(-offset), "office": OFFICE_OF_STATE[state], "alliance": ident,
                                # head count without drawing from rng, so the cases downstream stay as they are
                                "people_reached": 8 + (number * 7) % 23})

    # -- the wider network: people and institutions outside the alliances ------
    def surroundings(self) -> None:
        """Non-members in each Kreis tied to members, and ties across alliances (brokers).

        Extra ties never join two members of the same alliance, so every
        alliance's own network stays exactly the case it demonstrates.
        """
        rng = self.rng
        alliances_of: dict[str, set[str]] = {}
        for row in self.memberships:
            alliances_of.setdefault(row["member"], set()).add(row["alliance"])
            actor = self.actors.get(row["member"])
            if actor and actor.get("institution"):  # a person's institution shares the alliance too
                alliances_of.setdefault(actor["institution"], set()).add(row["alliance"])

        def apart(a: str, b: str) -> bool:
            return not (alliances_of.get(a, set()) & alliances_of.get(b, set()))

        members_in_kreis: dict[str, list[str]] = {}
        for row in self.memberships:
            if row["member"] in self.actors:
                kreis = self.alliances[row["alliance"]]["municipality"][:5]
                members_in_kreis.setdefault(kreis, [])
                if row["member"] not in members_in_kreis[kreis]:
                    members_in_kreis[kreis].append(row["member"])
        for kreis in sorted(members_in_kreis):
            members = members_in_kreis[kreis]
            newcomers = [
                self.actor(_ROLE["schule"], institution=self.institution("schule", 1, kreis)),
                self.actor(_ROLE["sozialamt"], institution=self.institution("sozialamt", 1, kreis)),
                self.actor(VOLUNTEER, municipality=kreis),
                self.actor(VOLUNTEER, municipality=kreis),
            ]
            if rng.random() < 0.5:
                newcomers.append(self.actor(_ROLE["migrantenorganisation"],
                                            institution=self.institution("migrantenorganisation", 4, kreis)))
            if rng.random() < 0.3:
                newcomers.append(self.actor(YOUTH, municipality=kreis, youth=True))
            for person in newcomers:
                for contact in rng.sample(members, k=min(len(members), rng.randint(1, 3))):
                    self.tie(person, contact)
            self.tie(newcomers[2], newcomers[3])

        # ties between members of different alliances in the same office region
        by_office: dict[str, list[str]] = {}
        for row in self.memberships:
            if row["member"] in self.actors:
                office = self.alliances[row["alliance"]]["office"]
                if row["member"] not in by_office.setdefault(office, []):
                    by_office[office].append(row["member"])
        for office in sorted(by_office):
            people = by_office[office]
            for _ in range(len(people) // 4):
                a, b = rng.sample(people, 2)
                if apart(a, b):
                    self.tie(a, b)

        # cooperation between institutions of the same Kreis that share no alliance
        in_kreis: dict[str, list[str]] = {}
        for ident, row in self.institutions.items():
            if row.get("municipality"):
                in_kreis.setdefault(row["municipality"][:5], []).append(ident)
        for kreis in sorted(in_kreis):
            institutions = in_kreis[kreis]
            for _ in range(len(institutions) // 2):
                a, b = rng.sample(institutions, 2) if len(institutions) > 1 else (None, None)
                if a and apart(a, b):
                    self.tie(a, b)

    def document(self) -> dict:
        return {
            "format": FORMAT,
            "municipalities": [self.municipalities[k] for k in sorted(self.municipalities)],
            "institutions": [self.institutions[k] for k in sorted(self.institutions)],
            "actors": [self.actors[k] for k in sorted(self.actors)],
            "alliances": [self.alliances[k] for k in sorted(self.alliances)],
            "memberships": sorted(self.memberships, key=lambda r: (r["alliance"], r["member"], r["since"])),
            "ties": [self.ties[k] for k in sorted(self.ties)],
            "offers": sorted(self.offers, key=lambda r: r["id"]),
        }


def build_demo(anchor: date | None = None) -> dict:
    """The fictitious demo data set as an exchange document (``buendnisnetz/1``).

    Parameters
    ----------
    anchor : datetime.date, optional
        The day the data is "as of"; every date is relative to it. Default: today.

    Returns
    -------
    dict
        An exchange document referencing the reference data (Kreise, Länder,
        Servicebüros, topics); the same anchor always gives the same document.
        :data:`CASES` says which alliance shows which health case.

    Examples
    --------
    >>> from datetime import date
    >>> doc = build_demo(date(2026, 1, 15))
    >>> [a["name"] for a in doc["alliances"]][:2]
    ['Bündnis für junge Geflüchtete Köln (Demo)', 'Willkommensbündnis Köln (Demo)']
    """
    builder = _Builder(anchor or date.today(), random.Random(SEED))
    for number, (ident, home, case, topics) in enumerate(_ALLIANCES):
        builder.alliance(ident, home, case, topics, number)
    builder.surroundings()
    return builder.document()
