"""The domain: entities of the programme's graph and their vocabularies.

Every entity is a small frozen dataclass keyed by a stable string ``id``.
A :class:`Dataset` holds one complete or partial graph; analysis modules
(:mod:`graph.health`, :mod:`graph.suggest`) take a Dataset and never a store.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field, fields
from datetime import date

STATES = {
    "SH": ("Schleswig-Holstein", "01"),
    "HH": ("Hamburg", "02"),
    "NI": ("Niedersachsen", "03"),
    "HB": ("Bremen", "04"),
    "NW": ("Nordrhein-Westfalen", "05"),
    "HE": ("Hessen", "06"),
    "RP": ("Rheinland-Pfalz", "07"),
    "BW": ("Baden-Württemberg", "08"),
    "BY": ("Bayern", "09"),
    "SL": ("Saarland", "10"),
    "BE": ("Berlin", "11"),
    "BB": ("Brandenburg", "12"),
    "MV": ("Mecklenburg-Vorpommern", "13"),
    "SN": ("Sachsen", "14"),
    "ST": ("Sachsen-Anhalt", "15"),
    "TH": ("Thüringen", "16"),
}
STATE_BY_AGS_PREFIX = {prefix: code for code, (_, prefix) in STATES.items()}

LEVELS = {
    "kreis": "Landkreis/Kreis",
    "kreisfreie_stadt": "Kreisfreie Stadt",
    "gemeinde": "Gemeinde",
}

SECTORS = {
    "verwaltung": "Verwaltung",
    "bildung": "Bildung",
    "freie_wohlfahrt": "Freie Wohlfahrtspflege",
    "zivilgesellschaft": "Zivilgesellschaft",
    "migrantenorganisation": "Migrantenorganisation",
    "sonstige": "Sonstige",
}

INSTITUTION_TYPES = {
    "jugendamt": "Jugendamt",
    "sozialamt": "Sozialamt",
    "auslaenderamt": "Ausländeramt",
    "bildungsverwaltung": "Bildungsverwaltung",
    "fluechtlingskoordination": "Flüchtlingskoordination",
    "schule": "Schule",
    "kita": "Kita",
    "unterkunft": "Gemeinschaftsunterkunft",
    "freier_traeger": "Freier Träger",
    "migrantenorganisation": "Migrantenorganisation",
    "initiative": "Initiative",
    "verwaltungsspitze": "Verwaltungsspitze",
    "sonstige": "Sonstige",
}

#: Institution types that make up the municipal administration (docs/design.md, Flags).
ADMINISTRATION_TYPES = frozenset(
    {"jugendamt", "sozialamt", "auslaenderamt", "bildungsverwaltung",
     "fluechtlingskoordination", "verwaltungsspitze"}
)

OFFER_TYPES = {
    "analyseworkshop": "Analyseworkshop",
    "fortbildung": "Fortbildung",
    "prozessbegleitung": "Prozessbegleitung",
    "hospitation": "Hospitation",
    "dialog": "Dialog",
}

#: How often two members work together (survey answers, tie ``frequency``), most often first.
FREQUENCIES = {
    "woechentlich": "wöchentlich",
    "monatlich": "monatlich",
    "jaehrlich": "einige Male im Jahr",
    "seltener": "seltener",
}

ALLIANCE_STATUSES = {"aktiv": "aktiv", "in_gruendung": "in Gründung", "ruhend": "ruhend", "beendet": "beendet"}


def kreis_of(ags: str) -> str:
    """The Kreis (5-digit AGS) that a municipality's AGS lies in."""
    return ags[:5]


def pseudonym_for(actor_id: str) -> str:
    """A stable pseudonym for a refugee young person, derived from the id only."""
    digest = hashlib.sha256(actor_id.encode("utf-8")).hexdigest()[:4].upper()
    return f"Jugendliche*r {digest}"


@dataclass(frozen=True, slots=True)
class State:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Municipality:
    id: str
    name: str
    level: str
    state: str

    @property
    def kreis(self) -> str:
        return kreis_of(self.id)


@dataclass(frozen=True, slots=True)
class ServiceOffice:
    id: str
    name: str
    city: str
    states: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Topic:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Institution:
    id: str
    name: str
    type: str
    sector: str
    municipality: str | None = None


@dataclass(frozen=True, slots=True)
class Actor:
    id: str
    name: str
    role: str | None = None
    institution: str | None = None
    municipality: str | None = None
    is_refugee_youth: bool = False
    pseudonym: str | None = None

    @property
    def display_name(self) -> str:
        """The name to show outside the person's own alliance: a pseudonym for minors."""
        if self.is_refugee_youth:
            return self.pseudonym or pseudonym_for(self.id)
        return self.name


@dataclass(frozen=True, slots=True)
class Alliance:
    id: str
    name: str
    municipality: str
    founded: date | None = None
    status: str = "aktiv"
    topics: tuple[str, ...] = ()
    office: str | None = None


@dataclass(frozen=True, slots=True)
class Membership:
    member: str
    alliance: str
    since: date | None = None
    until: date | None = None
    role: str | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        """Identity: a member may leave and rejoin, so `since` is part of it."""
        return (self.member, self.alliance, self.since.isoformat() if self.since else "")

    def is_current(self, as_of: date) -> bool:
        """Current as of a date: since <= date (or empty), until empty or >= date."""
        return (self.since is None or self.since <= as_of) and (
            self.until is None or self.until >= as_of
        )


@dataclass(frozen=True, slots=True)
class Tie:
    source: str
    target: str
    since: date | None = None
    strength: float | None = None
    # Reported in a survey wave (graph.survey): how often, trust and value (means of 1–4 items),
    # the wave, and for a one-sided report the member who reported it (None: both sides did).
    frequency: str | None = None
    trust: float | None = None
    value: float | None = None
    wave: str | None = None
    reported_by: str | None = None

    @property
    def key(self) -> tuple[str, str]:
        """Ties are undirected in meaning: (a, b) and (b, a) are the same tie."""
        return (self.source, self.target) if self.source <= self.target else (self.target, self.source)


@dataclass(frozen=True, slots=True)
class Offer:
    """A Servicebüro offer (one of the five types) for an alliance or a municipality.

    A future date means planned, a past one done. ``participants`` are the
    institutions or persons who took part; ``people_reached`` is the head count
    the programme reports.
    """

    id: str
    type: str
    title: str
    date: date
    office: str | None = None
    alliance: str | None = None
    municipality: str | None = None
    participants: tuple[str, ...] = ()
    people_reached: int | None = None
    note: str | None = None


#: list name in the exchange format -> entity class (order = dependency order)
ENTITY_LISTS: dict[str, type] = {
    "states": State,
    "municipalities": Municipality,
    "service_offices": ServiceOffice,
    "topics": Topic,
    "institutions": Institution,
    "actors": Actor,
    "alliances": Alliance,
    "offers": Offer,
}
RELATION_LISTS: dict[str, type] = {"memberships": Membership, "ties": Tie}
ALL_LISTS = tuple(ENTITY_LISTS) + tuple(RELATION_LISTS)


def field_names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(cls))


@dataclass
class Dataset:
    """A graph as plain data: entities by id, relations by key.

    A Dataset is what a store reads and writes and what the analysis takes.
    """

    states: dict[str, State] = field(default_factory=dict)
    municipalities: dict[str, Municipality] = field(default_factory=dict)
    service_offices: dict[str, ServiceOffice] = field(default_factory=dict)
    topics: dict[str, Topic] = field(default_factory=dict)
    institutions: dict[str, Institution] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    alliances: dict[str, Alliance] = field(default_factory=dict)
    offers: dict[str, Offer] = field(default_factory=dict)
    memberships: dict[tuple[str, str, str], Membership] = field(default_factory=dict)
    ties: dict[tuple[str, str], Tie] = field(default_factory=dict)

    def add(self, item) -> None:
        """Insert or replace one entity or relation."""
        name = LIST_OF_CLASS[type(item)]
        table = getattr(self, name)
        table[item.key if name in RELATION_LISTS else item.id] = item

    def items(self, name: str):
        return getattr(self, name).values()

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in ALL_LISTS}

    def copy(self) -> Dataset:
        return Dataset(**{name: dict(getattr(self, name)) for name in ALL_LISTS})

    def merged(self, other: Dataset) -> Dataset:
        """This dataset with every item of `other` added or replacing."""
        out = self.copy()
        for name in ALL_LISTS:
            getattr(out, name).update(getattr(other, name))
        return out

    # -- lookups the analysis needs everywhere ------------------------------
    def member_kind(self, member_id: str) -> str | None:
        if member_id in self.actors:
            return "actor"
        if member_id in self.institutions:
            return "institution"
        return None

    def municipality_of_member(self, member_id: str) -> str | None:
        """The institution's municipality, else the person's own (docs/design.md, The partner rule)."""
        if member_id in self.institutions:
            return self.institutions[member_id].municipality
        actor = self.actors.get(member_id)
        if actor is None:
            return None
        if actor.institution and actor.institution in self.institutions:
            place = self.institutions[actor.institution].municipality
            if place:
                return place
        return actor.municipality

    def unit_of(self, member_id: str) -> str:
        """The partner unit a member counts as: a person's institution, else itself."""
        actor = self.actors.get(member_id)
        if actor is not None and actor.institution:
            return actor.institution
        return member_id

    def name_of(self, node_id: str, *, reveal: bool = False) -> str:
        """A human-readable name for any id; refugee youth by pseudonym unless `reveal`."""
        if node_id in self.actors:
            actor = self.actors[node_id]
            return actor.name if reveal else actor.display_name
        for name in ("institutions", "alliances", "municipalities", "service_offices", "topics", "states"):
            item = getattr(self, name).get(node_id)
            if item is not None:
                return item.name
        return node_id


LIST_OF_CLASS = {cls: name for name, cls in {**ENTITY_LISTS, **RELATION_LISTS}.items()}
