"""The fictitious demo data set: alliances that show every case of the health check.

``build_demo(anchor)`` returns an exchange document (docs/design.md, Exchange format)
that ``buendnisnetz demo`` imports after the reference data. Everything in it is
invented: institution, alliance and Gemeinde names carry the marker „(Demo)“,
person names are drawn from lists of common first and family names, and the
Gemeinden have made-up AGS ending in 9xx inside real Kreise. The Kreise, Länder,
Servicebüros (``sb-koeln``, ``sb-magdeburg``) and topics are the real reference
data and are referenced, not repeated.

All dates are relative to ``anchor`` (default: today), so the data looks current
whenever it is loaded; the same anchor gives a byte-identical document (a fixed
seed, no set ordering, lists sorted by id).

Cases, as of the anchor (docs/design.md, The partner rule; flags in brackets):

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
from datetime import date, timedelta

from .demo_cases import (  # the cast, split out for length
    _ALLIANCES,
    _CARRIERS,
    _EXTRA_MEMBERS,
    _FAMILY,
    _FIRST,
    _INITIATIVES,
    _KITAS,
    _KREIS_LEVEL,
    _MIGRANT_ORGS,
    _ROLE,
    _SCHOOL_KINDS,
    _SCHOOL_NAMES,
    _SECTOR,
    _STREETS,
    _YOUTH_FIRST,
    FORMAT,
    GEMEINDEN,
    MARK,
    OFFICE_OF_STATE,
    SEED,
    TOPICS,
    VOLUNTEER,
    YOUTH,
    _circulant,
    _Member,
    _recipe,
)
from .demo_cases import CASES as CASES  # re-exported: tests and the app ask graph.demo
from .model import OFFER_TYPES, STATE_BY_AGS_PREFIX
from .reference import districts


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
