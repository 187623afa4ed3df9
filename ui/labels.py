"""German words for what the library names in English or as codes: lists, fields, audit entries, numbers, times.

The library, the CLI's JSON and the exchange format keep their English names and codes; the app shows
users only what this module makes of them. Pure functions, no Streamlit.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from graph.model import Dataset

BERLIN = ZoneInfo("Europe/Berlin")

#: Lists of the exchange format (file, sheet and JSON names) in German.
LIST_LABELS = {
    "states": "Länder", "municipalities": "Kommunen", "service_offices": "Servicebüros", "topics": "Themen",
    "institutions": "Einrichtungen", "actors": "Personen", "alliances": "Bündnisse", "offers": "Angebote",
    "memberships": "Mitgliedschaften", "ties": "Verbindungen",
}

#: Fields of the exchange format in German (the column headings the CSV/XLSX import also accepts).
FIELD_LABELS = {
    "id": "Kennung", "name": "Name", "level": "Ebene", "state": "Land", "city": "Stadt", "states": "Länder",
    "type": "Typ", "sector": "Sektor", "municipality": "Gemeinde", "role": "Rolle", "institution": "Einrichtung",
    "is_refugee_youth": "junge*r Geflüchtete*r", "pseudonym": "Pseudonym", "founded": "gegründet",
    "status": "Status", "topics": "Themen", "office": "Servicebüro", "title": "Titel", "date": "Datum",
    "alliance": "Bündnis", "participants": "Teilnehmende", "people_reached": "erreichte Personen",
    "note": "Notiz", "member": "Mitglied", "since": "seit", "until": "bis", "source": "von", "target": "nach",
    "strength": "Stärke", "format": "Format", "kreis": "Kreis", "out": "Zieldatei",
}

#: Relationship types in audit entries.
REL_LABELS = {
    "MEMBER_OF": "Mitgliedschaft", "KNOWS": "Verbindung", "COOPERATES_WITH": "Kooperation",
    "WORKS_AT": "arbeitet bei", "LIVES_IN": "Wohnort", "LOCATED_IN": "Ort", "WORKS_ON": "Thema",
    "SUPPORTED_BY": "Servicebüro", "OFFERED_BY": "Anbieter", "FOR": "Angebot für", "WITH": "Beteiligte*r",
    "SERVES": "betreut Land",
}
NODE_LABELS = {
    "Actor": "Person", "Institution": "Einrichtung", "Alliance": "Bündnis", "Offer": "Angebot",
    "Municipality": "Kommune", "State": "Land", "ServiceOffice": "Servicebüro", "Topic": "Thema",
}
SUGGESTION_KINDS = {"membership": "Mitgliedschaft", "introduction": "Kennenlernen", "hospitation": "Hospitation"}
_ACTIONS = {"init": "Referenzdaten geladen", "demo": "Demodaten geladen", "dismiss": "Vorschlag verworfen",
            "erase": "Person gelöscht (DSGVO)", "restore": "Sicherung zurückgespielt"}


def list_label(name: str) -> str:
    """A list of the exchange format in German (unknown names unchanged)."""
    return LIST_LABELS.get(name, name)


def field_label(name: str) -> str:
    """A field in German; ``-`` (the whole record or file) stays as it is.

    >>> field_label("member"), field_label("since"), field_label("-")
    ('Mitglied', 'seit', '-')
    """
    return FIELD_LABELS.get(name, name)


_JSON_ITEM = re.compile(r"^([a-z_]+)\[(\d+)\]$")


def line_label(line: str) -> str:
    """Where in a file: a JSON list item ``actors[0]`` as ``Personen, Eintrag 1``; line numbers unchanged.

    >>> line_label("memberships[2]"), line_label("7"), line_label("-")
    ('Mitgliedschaften, Eintrag 3', '7', '–')
    """
    match = _JSON_ITEM.match(str(line))
    if match:
        return f"{list_label(match[1])}, Eintrag {int(match[2]) + 1}"
    return "–" if line in ("-", "", None) else str(line)


def number(value: float, digits: int = 1) -> str:
    """A number the German way: decimal comma, dot between thousands.

    >>> number(2.289, 2), number(12345.6), number(3, 0)
    ('2,29', '12.345,6', '3')
    """
    text = f"{value:,.{digits}f}"
    return text.replace(",", " ").replace(".", ",").replace(" ", ".")


def local_time(iso: str) -> str:
    """A stored UTC time (ISO 8601) as German local time in Berlin.

    >>> local_time("2026-11-29T21:05:09+00:00"), local_time("2026-07-01T10:00:00+00:00")
    ('29.11.2026, 22:05 Uhr', '01.07.2026, 12:00 Uhr')
    """
    try:
        moment = datetime.fromisoformat(iso)
    except (TypeError, ValueError):
        return str(iso)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BERLIN).strftime("%d.%m.%Y, %H:%M Uhr")


def audit_action(action: str) -> str:
    """What an audit entry's action says, in German.

    >>> audit_action("dismiss"), audit_action("accept membership")
    ('Vorschlag verworfen', 'Vorschlag angenommen (Mitgliedschaft)')
    >>> audit_action("Vorschlag angenommen (introduction)"), audit_action("import a.csv, b.csv")
    ('Vorschlag angenommen (Kennenlernen)', 'Import a.csv, b.csv')
    """
    if action in _ACTIONS:
        return _ACTIONS[action]
    for kind, label in SUGGESTION_KINDS.items():
        if action in (f"accept {kind}", f"Vorschlag angenommen ({kind})"):
            return f"Vorschlag angenommen ({label})"
    if action.startswith("import"):
        return "Import" + action[len("import"):]
    return action


def _name(ds: Dataset, ident: str) -> str:
    if ident in ds.alliances:
        return ds.alliances[ident].name
    if ident in ds.institutions:
        return ds.institutions[ident].name
    if ident in ds.actors:
        return ds.name_of(ident)
    if ident in ds.municipalities:
        return ds.municipalities[ident].name
    if ident in ds.service_offices:
        return ds.service_offices[ident].name
    if ident in ds.offers:
        return ds.offers[ident].title
    if ident in ds.topics:
        return ds.topics[ident].name
    return ident  # deleted since, or pseudonymised by an erasure


def audit_target(ds: Dataset, target: str) -> str:
    """An audit entry's target (``Label:id``, ``TYPE:src->dst@key``, ``kind:src->dst``) in words."""
    type_, _, rest = target.partition(":")
    body, _, key = rest.partition("@")
    if "->" not in body:
        return f"{NODE_LABELS.get(type_, type_)}: {_name(ds, body)}"
    source, _, dest = body.partition("->")
    if type_ in SUGGESTION_KINDS:
        what = f"Vorschlag {SUGGESTION_KINDS[type_]}"
    else:
        what = REL_LABELS.get(type_, type_.replace("_", " ").lower())
    text = f"{what}: {_name(ds, source)} → {_name(ds, dest)}"
    if key and re.fullmatch(r"\d{4}-\d{2}-\d{2}", key):
        year, month, day = key.split("-")
        text += f" (seit {day}.{month}.{year})"
    return text
