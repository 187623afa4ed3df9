"""Seeded synthetic exchange documents for benchmarks and evaluation.

``generate(scale, seed)`` returns a ``buendnisnetz/1`` document (a dict that
:func:`graph.api.import_document` accepts) over real Kreise from
:func:`graph.reference.districts`. All people, institutions and alliances are
invented; ids start with ``syn-`` and institution/alliance names end in
``(synthetisch)`` so the data can never be mistaken for real records.

Sizes at ``scale=1``: 2,000 persons, 500 institutions, 200 alliances, 6,000
ties over 40 Kreise; everything grows linearly (``scale=10``: 20,000 persons,
5,000 institutions, 2,000 alliances, 60,000 ties over 400 Kreise).

The network has the structure link prediction relies on: every Kreis falls
into a few circles (think: the accommodation people, the school people);
alliances recruit mostly from one circle, ties form mostly within circles, among
co-members and by triadic closure, and a few people are much more active than
others. About one alliance in eight is below the minimum of three partners.

Usage::

    python bench/generate.py --scale 1 --seed 0 --out synth.json
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import random
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.model import STATE_BY_AGS_PREFIX  # noqa: E402
from graph.reference import districts, reference_document  # noqa: E402

FORMAT = "buendnisnetz/1"
PER_SCALE = {"kreise": 40, "persons": 2000, "institutions": 500, "alliances": 200, "ties": 6000}
TOPICS = ("Unterbringung", "Kinderschutz", "Berufsorientierung")
#: The two Servicebüros docs/design.md (Purpose) knows; the other four are not invented.
OFFICES = (
    {"id": "sb-koeln", "name": "Servicebüro Köln", "city": "Köln", "states": ["NW"]},
    {"id": "sb-magdeburg", "name": "Servicebüro Magdeburg", "city": "Magdeburg", "states": ["SN", "ST", "TH"]},
)
#: institution type -> (sector, weight, name pattern)
INSTITUTION_KINDS = {
    "jugendamt": ("verwaltung", 0, "Jugendamt {place}"),  # one per Kreis, placed first
    "sozialamt": ("verwaltung", 4, "Sozialamt {place}"),
    "auslaenderamt": ("verwaltung", 3, "Ausländerbehörde {place}"),
    "bildungsverwaltung": ("verwaltung", 3, "Schulamt {place}"),
    "fluechtlingskoordination": ("verwaltung", 4, "Flüchtlingskoordination {place}"),
    "verwaltungsspitze": ("verwaltung", 2, "Bürgermeisteramt {place}"),
    "schule": ("bildung", 14, "{name}-Schule {place}"),
    "kita": ("bildung", 8, "Kita {name} {place}"),
    "unterkunft": ("freie_wohlfahrt", 8, "Gemeinschaftsunterkunft {name}straße {place}"),
    "freier_traeger": ("freie_wohlfahrt", 16, "{name}-Jugendhilfe {place}"),
    "migrantenorganisation": ("migrantenorganisation", 8, "Verein {name} {place}"),
    "initiative": ("zivilgesellschaft", 12, "Initiative {name} {place}"),
    "sonstige": ("sonstige", 4, "{name}-Stiftung {place}"),
}
FIRST_NAMES = ("Anna", "Ben", "Cem", "Dana", "Elif", "Finn", "Greta", "Hamid", "Ines", "Jonas", "Kübra", "Lars",
               "Mira", "Nils", "Olga", "Paul", "Rania", "Sven", "Tara", "Umut", "Vera", "Wiebke", "Yusuf", "Zoe",
               "Aylin", "Bernd", "Carla", "Dirk", "Esra", "Frank", "Gül", "Heike", "Ivan", "Jana", "Karim", "Lena")
LAST_NAMES = ("Albers", "Brandt", "Celik", "Dietz", "Engel", "Fuchs", "Graf", "Hoffmann", "Iwanow", "Jung", "Kaya",
              "Lorenz", "Meyer", "Nowak", "Otto", "Peters", "Quast", "Roth", "Schulz", "Thiel", "Uhl", "Vogt",
              "Wolf", "Yilmaz", "Zander", "Arslan", "Bauer", "Conrad", "Demir", "Ernst", "Frey", "Günther")
PLACE_WORDS = ("Linden", "Rosen", "Hafen", "Mühlen", "Brücken", "Sonnen", "Wald", "Garten", "Tor", "Berg",
               "Kastanien", "Buchen", "Anker", "Regenbogen", "Brunnen", "Eichen")
INITIALS = "ABCDEFGHIJKLMNOPRSTUVWZ"
YOUTH_SHARE, VOLUNTEER_SHARE = 0.08, 0.22
SMALL_ALLIANCE_SHARE = 0.12
START = date(2015, 5, 1)  # the programme started in May 2015


def generate(scale: float = 1, seed: int = 0) -> dict:
    """A synthetic exchange document; the same ``(scale, seed)`` always gives the same document.

    Parameters
    ----------
    scale : float
        1 ≈ 2,000 persons; sizes grow linearly (Kreise up to all 400).
    seed : int
        Seed of the random generator.

    Returns
    -------
    dict
        A ``buendnisnetz/1`` document with municipalities, service_offices,
        institutions, actors, alliances, memberships, ties and offers.

    Examples
    --------
    >>> doc = generate(0.05, seed=1)
    >>> len(doc["actors"]), len(doc["alliances"]), doc == generate(0.05, seed=1)
    (100, 10, True)
    """
    if not (isinstance(scale, (int, float)) and scale > 0):
        raise ValueError(f"scale must be positive, not {scale!r}")
    rng = random.Random(seed)
    sizes = {k: max(1, round(v * scale)) for k, v in PER_SCALE.items()}
    rows = sorted(districts(), key=lambda r: r["AGS"])
    kreise = sorted(rng.sample(rows, min(sizes["kreise"], 400, len(rows))), key=lambda r: r["AGS"])
    weights = list(itertools.accumulate(math.sqrt(float(r["population"] or 1)) for r in kreise))

    reference = {m["id"]: m for m in reference_document()["municipalities"]}
    doc = {"format": FORMAT,
           "municipalities": [dict(reference[r["AGS"]]) for r in kreise],
           "service_offices": [dict(o) for o in OFFICES],
           "institutions": [], "actors": [], "alliances": [], "memberships": [], "ties": [], "offers": []}
    office_of_state = {s: o["id"] for o in OFFICES for s in o["states"]}

    def spread(total: int) -> list[int]:
        """Kreis index per item: one each first (while there are enough), the rest by population."""
        first = list(range(len(kreise)))[:total]
        return first + rng.choices(range(len(kreise)), cum_weights=weights, k=total - len(first))

    circles = [rng.randint(2, 4) for _ in kreise]  # circles per Kreis

    # Institutions: a Jugendamt in every Kreis, the rest by weight.
    inst_kreis = spread(sizes["institutions"])
    kinds = [k for k, (_, w, _) in INSTITUTION_KINDS.items() if w]
    kind_weights = [INSTITUTION_KINDS[k][1] for k in kinds]
    institutions_in = defaultdict(list)
    has_jugendamt = set()
    for n, k in enumerate(inst_kreis):
        kind = "jugendamt" if k not in has_jugendamt else rng.choices(kinds, kind_weights)[0]
        has_jugendamt.add(k)
        sector, _, pattern = INSTITUTION_KINDS[kind]
        place = kreise[k]["name"].split(",")[0]
        ident = f"syn-i{n:05d}"
        doc["institutions"].append({"id": ident, "type": kind, "sector": sector, "municipality": kreise[k]["AGS"],
                                    "name": pattern.format(place=place, name=rng.choice(PLACE_WORDS))
                                    + f" {n} (synthetisch)"})
        institutions_in[k].append((ident, rng.randrange(circles[k])))

    # Persons: staff of an institution in their Kreis, volunteers, refugee young people.
    person_kreis = spread(sizes["persons"])
    people_in = defaultdict(list)  # Kreis -> [(id, circle)]
    circle_of: dict[str, tuple[int, int]] = {}
    unit_of: dict[str, str] = {}
    activity: dict[str, float] = {}
    used_names: set[str] = set()
    for n, k in enumerate(person_kreis):
        ident = f"syn-p{n:06d}"
        name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
        for _ in range(50):  # unique, so the importer reports no likely duplicates
            if name not in used_names:
                break
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(INITIALS)}. {rng.choice(LAST_NAMES)}"
        else:
            name = f"{name} ({n})"
        used_names.add(name)
        draw = rng.random()
        actor = {"id": ident, "name": name}
        if draw < YOUTH_SHARE:
            actor.update(role="Jugendliche*r", municipality=kreise[k]["AGS"], is_refugee_youth=True)
            circle, unit = rng.randrange(circles[k]), ident
        elif draw < YOUTH_SHARE + VOLUNTEER_SHARE or not institutions_in[k]:
            actor.update(role="Ehrenamt", municipality=kreise[k]["AGS"])
            circle, unit = rng.randrange(circles[k]), ident
        else:
            institution, circle = rng.choice(institutions_in[k])
            actor.update(role="Fachkraft", institution=institution)
            unit = institution
        doc["actors"].append(actor)
        people_in[k].append((ident, circle))
        circle_of[ident] = (k, circle)
        unit_of[ident] = unit
        activity[ident] = rng.lognormvariate(0, 0.8)
    for k, items in institutions_in.items():
        for ident, circle in items:
            circle_of[ident] = (k, circle)
            unit_of[ident] = ident

    # Alliances and their members: mostly from the alliance's own circle.
    alliance_kreis = spread(sizes["alliances"])
    members_of = defaultdict(set)
    alliances_of = defaultdict(set)
    today = date(2026, 1, 1)
    for n, k in enumerate(alliance_kreis):
        ident = f"syn-b{n:05d}"
        founded = START + timedelta(days=rng.randrange(0, 3 * 365 + 240))
        ags = kreise[k]["AGS"]
        state = STATE_BY_AGS_PREFIX[ags[:2]]
        status = rng.choices(["aktiv", "in_gruendung", "ruhend", "beendet"], [88, 4, 5, 3])[0]
        alliance = {"id": ident, "name": f"Bündnis {kreise[k]['name'].split(',')[0]} {n} (synthetisch)",
                    "municipality": ags, "founded": founded.isoformat(), "status": status,
                    "topics": sorted(rng.sample(TOPICS, rng.choice([1, 1, 2, 2, 3])))}
        if state in office_of_state:
            alliance["office"] = office_of_state[state]
        doc["alliances"].append(alliance)
        circle = rng.randrange(circles[k])
        pool = people_in[k] + institutions_in[k]
        own = [i for i, c in pool if c == circle] or [i for i, _ in pool]
        other = [i for i, _ in pool]
        units_wanted = rng.randint(1, 2) if rng.random() < SMALL_ALLIANCE_SHARE else rng.randint(3, 9)
        units: set[str] = set()
        tries = 0
        while len(units) < units_wanted and tries < 60 and other:
            tries += 1
            member = rng.choice(own if rng.random() < 0.8 else other)
            if member in members_of[ident]:
                continue
            members_of[ident].add(member)
            units.add(unit_of[member])
        for j, member in enumerate(sorted(members_of[ident])):
            since = founded + timedelta(days=rng.randrange(0, 700))
            membership = {"member": member, "alliance": ident, "since": since.isoformat(),
                          "role": "Koordination" if j == 0 else "Mitglied"}
            draw = rng.random()
            if draw < 0.06 and units_wanted > 2:
                membership["until"] = (since + timedelta(days=rng.randrange(200, 1500))).isoformat()
            elif draw < 0.09 and units_wanted > 2:
                membership["until"] = (today + timedelta(days=rng.randrange(300, 1200))).isoformat()
            doc["memberships"].append(membership)
            alliances_of[member].add(ident)
        for m in range(rng.choice([0, 1, 1, 2, 3])):
            kind = rng.choice(["analyseworkshop", "fortbildung", "prozessbegleitung", "hospitation", "dialog"])
            offer = {"id": f"syn-o{n:05d}-{m}", "type": kind, "alliance": ident,
                     "title": f"{kind.capitalize()} für {alliance['name']}",
                     "date": (founded + timedelta(days=rng.randrange(30, 3000))).isoformat()}
            if "office" in alliance:
                offer["office"] = alliance["office"]
            doc["offers"].append(offer)

    _add_ties(doc, rng, sizes["ties"], people_in, institutions_in, circle_of, activity, members_of, alliances_of)
    return doc


def _add_ties(doc, rng, total, people_in, institutions_in, circle_of, activity, members_of, alliances_of) -> None:
    """Ties: triadic closure, co-members, own circle, own Kreis, rarely anywhere."""
    person_total = round(total * 0.85)
    ties: set[tuple[str, str]] = set()
    neighbours = defaultdict(list)
    people = [p for items in people_in.values() for p, _ in items]
    person_weights = list(itertools.accumulate(activity[p] for p in people))
    by_circle = defaultdict(list)
    for k, items in list(people_in.items()) + list(institutions_in.items()):
        for ident, circle in items:
            by_circle[(k, circle, ident.startswith("syn-p"))].append(ident)

    def add(u: str, v: str) -> bool:
        key = (u, v) if u < v else (v, u)
        if u == v or key in ties:
            return False
        ties.add(key)
        neighbours[u].append(v)
        neighbours[v].append(u)
        return True

    def partner_for(u: str, is_person: bool, everyone: list[str]) -> str:
        k, circle = circle_of[u]
        draw = rng.random()
        if draw < 0.3 and neighbours[u]:
            w = rng.choice(neighbours[u])
            if neighbours[w]:
                return rng.choice(neighbours[w])
        if draw < 0.55 and alliances_of[u]:
            alliance = rng.choice(sorted(alliances_of[u]))
            same = [m for m in sorted(members_of[alliance]) if m.startswith("syn-p") == is_person]
            if same:
                return rng.choice(same)
        if draw < 0.85 and by_circle[(k, circle, is_person)]:
            return rng.choice(by_circle[(k, circle, is_person)])
        if draw < 0.97:
            pool = people_in[k] if is_person else institutions_in[k]
            return rng.choice(pool)[0]
        return rng.choice(everyone)

    made, attempts = 0, 0
    while made < person_total and attempts < person_total * 20:
        attempts += 1
        u = rng.choices(people, cum_weights=person_weights)[0]
        made += add(u, partner_for(u, True, people))
    institutions = [i for items in institutions_in.values() for i, _ in items]
    made, attempts = 0, 0
    while made < total - person_total and attempts < (total - person_total) * 20 and len(institutions) > 1:
        attempts += 1
        u = rng.choice(institutions)
        made += add(u, partner_for(u, False, institutions))
    for u, v in sorted(ties):
        since = START + timedelta(days=rng.randrange(0, 3650))
        doc["ties"].append({"source": u, "target": v, "since": since.isoformat(),
                            "strength": rng.choice([1, 2, 3])})


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description="Synthetische Testdaten (buendnisnetz/1) erzeugen.")
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="JSON-Datei (Standard: stdout)")
    args = parser.parse_args(argv)
    text = json.dumps(generate(args.scale, args.seed), ensure_ascii=False, indent=1)
    if args.out:
        args.out.write_text(text + "\n", encoding="utf-8")
        print(f"geschrieben: {args.out}", file=sys.stderr)
    else:
        print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
