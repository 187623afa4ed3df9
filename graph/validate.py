"""Turn raw records from any input format into a validated :class:`Dataset`.

Every reader (JSON, CSV, XLSX, the app's forms) produces :class:`RawRecord`
items; this module is the one place that checks them. All problems are
collected, not only the first, so a user can fix a file in one go.

Why one module of ~600 lines: it is the single place every input passes through
(docs/design.md, Exchange format); each list has its own small check function
and :func:`validate` only orchestrates them, so a reader finds every rule for
incoming data in one file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime

from . import chance
from .errors import InputError, Problem
from .io.csvfile import split_list
from .model import (
    ALLIANCE_STATUSES,
    ENTITY_LISTS,
    FREQUENCIES,
    INSTITUTION_TYPES,
    LEVELS,
    OFFER_TYPES,
    RELATION_LISTS,
    SECTORS,
    STATE_BY_AGS_PREFIX,
    STATES,
    Actor,
    Alliance,
    Dataset,
    Institution,
    Membership,
    Municipality,
    Offer,
    ServiceOffice,
    State,
    Tie,
    Topic,
    pseudonym_for,
)

MAX_TEXT = 300
_ID_RE = re.compile(r"^[A-Za-z0-9ÄÖÜäöüß_.:\-]{1,100}$")
_AGS_RE = re.compile(r"^([0-9]{5}|[0-9]{8})$")  # ASCII digits only (\d would take ٣ and ३ too)
_GERMAN_DATE = re.compile(r"^([0-9]{1,2})\.([0-9]{1,2})\.([0-9]{4})$")
_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")
_ISO_TIMESTAMP = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(:[0-9]{2}(\.[0-9]{1,6})?)?"
                            r"(Z|[+-][0-9]{2}:?[0-9]{2})?$")
#: Characters no field may hold: controls (Unicode Cc), lone surrogates, and the noncharacters
#: U+FDD0..U+FDEF and U+xFFFE/U+xFFFF, which make GraphML and GEXF files not well-formed.
_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
                        + "".join(f"{chr(p + 0xFFFE)}{chr(p + 0xFFFF)}" for p in range(0x10000, 0x110000, 0x10000))
                        + "]")
ECHO_LIMIT = 60  # characters of a bad value repeated in a message


def _echo(value) -> str:
    """A value for a message: its repr, cut to :data:`ECHO_LIMIT` characters (no 1 MB echoes)."""
    text = repr(value)
    return text if len(text) <= ECHO_LIMIT else text[:ECHO_LIMIT] + f"… ({len(str(value))} Zeichen)"
_TRUE = {"true", "1", "ja", "j", "yes", "y", "x", "wahr"}
_FALSE = {"false", "0", "nein", "n", "no", "", "falsch"}


@dataclass(frozen=True, slots=True)
class RawRecord:
    """One item as read from a file, before any checking."""

    list_name: str
    file: str
    line: str
    data: dict


@dataclass
class Validated:
    """The outcome of validation: the incoming items and non-fatal warnings (located like problems)."""

    dataset: Dataset
    warnings: list[Problem] = field(default_factory=list)


def slugify(text: str) -> str:
    """A stable ascii id for a name, e.g. ``Berufsorientierung`` -> ``berufsorientierung``."""
    text = text.strip().lower()
    for src, dst in (("ä", "ae"), ("ö", "oe"), ("ü", "ue"), ("ß", "ss")):
        text = text.replace(src, dst)
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "thema"


def parse_date(value) -> date | None:
    """ISO ``2024-03-01`` or German ``01.03.2024``; empty is None. Raises ValueError."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    m = _GERMAN_DATE.match(text)
    try:
        if m:
            day, month, year = (int(g) for g in m.groups())
            return date(year, month, day)
        if _ISO_DATE.match(text):
            return date.fromisoformat(text)
        if _ISO_TIMESTAMP.match(text):  # e.g. from Excel or another tool's export
            return datetime.fromisoformat(text.replace("Z", "+00:00")).date()
    except ValueError:
        raise ValueError(f"unmögliches Datum: {_echo(text)} (diesen Tag oder diese Uhrzeit gibt es nicht)") from None
    raise ValueError(f"kein Datum: {_echo(text)} (erwartet JJJJ-MM-TT oder TT.MM.JJJJ)")


class _Checker:
    """Collects problems for one record; each getter returns a clean value or None."""

    def __init__(self, record: RawRecord, problems: list[Problem]):
        self.record = record
        self.problems = problems
        self.ok = True

    def fail(self, field_name: str, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.record.file, self.record.line, field_name, message))

    def raw(self, name: str):
        value = self.record.data.get(name)
        if isinstance(value, str):
            value = value.strip()
            return value or None
        return value

    def text(self, name: str, *, required: bool = False, max_len: int = MAX_TEXT) -> str | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.fail(name, "Pflichtfeld fehlt")
            return None
        if isinstance(value, (dict, list, bool)):
            self.fail(name, "muss Text sein")
            return None
        value = str(value)
        bad = _FORBIDDEN.search(value)
        if bad:
            kind = "Steuerzeichen" if unicodedata.category(bad.group()) == "Cc" else "ein unzulässiges Zeichen"
            self.fail(name, f"enthält {kind} (U+{ord(bad.group()):04X} an Stelle {bad.start() + 1})")
            return None
        if len(value) > max_len:
            self.fail(name, f"zu lang ({len(value)} Zeichen, höchstens {max_len})")
            return None
        return value

    def ident(self, name: str = "id", *, required: bool = True) -> str | None:
        value = self.text(name, required=required, max_len=100)
        if value is not None and not _ID_RE.match(value):
            self.fail(name, f"ungültige Kennung {_echo(value)} (erlaubt: Buchstaben, Ziffern, _ . : -)")
            return None
        return value

    def choice(self, name: str, options: dict, *, required: bool = True, default=None) -> str | None:
        value = self.text(name, required=required and default is None)
        if value is None:
            return default
        key = value.lower()
        if key in options:
            return key
        by_label = {label.lower(): k for k, label in options.items()}
        if key in by_label:
            return by_label[key]
        self.fail(name, f"unbekannter Wert {_echo(value)}; erlaubt: {', '.join(options)}")
        return None

    def date_(self, name: str, *, required: bool = False) -> date | None:
        value = self.raw(name)
        if value is None:
            if required:
                self.fail(name, "Pflichtfeld fehlt")
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.fail(name, str(exc))
            return None

    def boolean(self, name: str) -> bool:
        value = self.raw(name)
        if value is None or isinstance(value, bool):
            return bool(value)
        if isinstance(value, (int, float)) and value in (0, 1):
            return bool(value)
        text = str(value).strip().lower()
        if text in _TRUE:
            return True
        if text in _FALSE:
            return False
        self.fail(name, f"kein Wahrheitswert: {_echo(value)} (ja/nein)")
        return False

    def number(self, name: str, *, low: float, high: float) -> float | None:
        value = self.raw(name)
        if value is None:
            return None
        try:
            number = float(str(value).replace(",", ".")) if not isinstance(value, (int, float)) else float(value)
        except ValueError:
            self.fail(name, f"keine Zahl: {_echo(value)}")
            return None
        if isinstance(value, bool) or not (low <= number <= high):
            self.fail(name, f"muss zwischen {low:g} und {high:g} liegen")
            return None
        return number

    def text_list(self, name: str) -> list[str]:
        value = self.record.data.get(name)
        if value is None or value == "":
            return []
        if isinstance(value, str):
            items = split_list(value)  # "|" between items, "\\|" inside one (graph.io.csvfile)
        elif isinstance(value, (list, tuple)):
            items = value
        else:
            self.fail(name, "muss eine Liste sein (in CSV: Werte mit | getrennt)")
            return []
        out = []
        for item in items:
            if not isinstance(item, str):
                self.fail(name, f"Listeneintrag muss Text sein: {_echo(item)}")
                continue
            if item.strip():
                out.append(item.strip())
        return out


#: What the fast checks return when a value needs the full check (which then words any problem).
_SLOW = object()
_ID_FULL = re.compile(r"[A-Za-z0-9ÄÖÜäöüß_.:\-]{1,100}")  # _ID_RE without ^/$ (for fullmatch)


def _plain_keys(options: dict) -> frozenset[str]:
    """The option keys a value may equal to be taken as it is (what :meth:`_Checker.choice` returns for them)."""
    return frozenset(k for k in options if k == k.strip().lower() and k.isprintable())


_PLAIN_TYPES, _PLAIN_SECTORS, _PLAIN_FREQUENCIES, _PLAIN_STATUSES, _PLAIN_OFFER_TYPES = (
    _plain_keys(o) for o in (INSTITUTION_TYPES, SECTORS, FREQUENCIES, ALLIANCE_STATUSES, OFFER_TYPES))


class _Fast:
    """Per-field checks for the common, clean case: no messages, no exceptions.

    Each returns the value the full check (:class:`_Checker`) would return, or :data:`_SLOW`
    when it cannot tell quickly. A record whose fields all pass is exactly what the full check
    would accept and build; any other record goes through the full check, so every problem is
    still found and worded in one place. Valid ids and parsed dates are cached (they repeat).
    """

    def __init__(self) -> None:
        self.ids: set[str] = set()
        self.dates: dict[str, date] = {}
        self.isos: dict[str, str] = {}
        self.kinds: dict[str, str] = {}  # id -> "actor" / "institution", filled once all entities are in

    def ident(self, value):
        if type(value) is str:
            if value in self.ids:
                return value
            if _ID_FULL.fullmatch(value):
                self.ids.add(value)
                return value
        return _SLOW

    def opt_ident(self, value):
        return None if value is None else self.ident(value)

    @staticmethod
    def text(value, max_len: int = MAX_TEXT):
        """A required text field; an optional one is ``None if value is None else text(value)``."""
        if type(value) is str:
            value = value.strip()
            # printable excludes every character _FORBIDDEN finds (tests/test_validate.py checks all)
            if value and len(value) <= max_len and value.isprintable():
                return value
        return _SLOW

    def date(self, value):
        if value is None:
            return None
        if type(value) is str:
            hit = self.dates.get(value)
            if hit is not None:
                return hit
            try:
                if _ISO_DATE.fullmatch(value):
                    parsed = self.dates[value] = date.fromisoformat(value)
                    return parsed
                german = _GERMAN_DATE.fullmatch(value)  # TT.MM.JJJJ, as offices' CSV files have it
                if german:
                    day, month, year = (int(g) for g in german.groups())
                    parsed = self.dates[value] = date(year, month, day)
                    return parsed
            except ValueError:
                pass
        return _SLOW

    def iso(self, value):
        """:meth:`date` as stored (``JJJJ-MM-TT``), for the row path of an import (graph/rowimport.py)."""
        if value is None:
            return None
        hit = self.isos.get(value) if type(value) is str else None
        if hit is None:
            parsed = self.date(value)
            if parsed is _SLOW or parsed is None:
                return parsed
            hit = self.isos[value] = parsed.isoformat()
        return hit

    @staticmethod
    def boolean(value):
        if value is None or type(value) is bool:
            return bool(value)
        if type(value) is str:  # "ja"/"nein" and the like, as CSV files have them
            if value in _TRUE:
                return True
            if value in _FALSE:
                return False
        return _SLOW

    @staticmethod
    def text_list(value):
        """:meth:`_Checker.text_list` of a value it accepts."""
        if value is None or value == "":
            return []
        if type(value) is str:
            items = split_list(value)
        elif type(value) is list:
            items = value
        else:
            return _SLOW
        out = []
        for item in items:
            if type(item) is not str:
                return _SLOW
            item = item.strip()
            if item:
                out.append(item)
        return out

    @staticmethod
    def number(value, low: float, high: float):
        if value is None:
            return None
        if (type(value) is int or type(value) is float) and low <= value <= high:
            return float(value)
        return _SLOW


@dataclass
class _Run:
    """The state of one validation: what exists, what comes in, what went wrong so far."""

    existing: Dataset
    visible: Dataset  # what the importing user may see of `existing`
    attempted: dict[str, set[str]]  # entity list -> the ids the input tries to define
    incoming: Dataset = field(default_factory=Dataset)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    seen: dict[tuple[str, str], RawRecord] = field(default_factory=dict)
    topic_by_name: dict[str, Topic] = field(default_factory=dict)
    fast: _Fast = field(default_factory=_Fast)

    def checker(self, record: RawRecord) -> _Checker:
        return _Checker(record, self.problems)

    def known(self, list_name: str, ident: str) -> bool:
        """Stored, coming in, or tried (a reference to an invalid item is reported at that item only)."""
        return (ident in getattr(self.incoming, list_name) or ident in getattr(self.existing, list_name)
                or ident in self.attempted.get(list_name, ()))

    def kind_of(self, ident: str) -> str | None:
        if self.known("actors", ident):
            return "actor"
        if self.known("institutions", ident):
            return "institution"
        return None

    def first_time(self, record: RawRecord, ident: str) -> bool:
        key = (record.list_name, ident)
        if key in self.seen:
            first = self.seen[key]
            self.problems.append(Problem(record.file, record.line, "id",
                                         f"doppelte Kennung {_echo(ident)} (schon in {first.file}:{first.line})"))
            return False
        self.seen[key] = record
        return True

    def ref(self, c: _Checker, name: str, list_name: str, label: str, *, required: bool = False) -> str | None:
        value = c.ident(name, required=required)
        if value is not None and not self.known(list_name, value):
            c.fail(name, f"unbekannte Referenz: {label} {_echo(value)} gibt es nicht")
        return value

    def add(self, c: _Checker, record: RawRecord, ident: str | None, make) -> None:
        """Add the item `make()` builds when the record is clean and its id new."""
        if c.ok and self.first_time(record, ident):
            self.incoming.add(make())


# -- one check per list, in dependency order so references to earlier lists resolve ----------

def _states(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.text("id", required=True)
    if ident is not None and ident.upper() not in STATES:
        c.fail("id", f"unbekanntes Land {_echo(ident)}; erlaubt: {', '.join(STATES)}")
    name = c.text("name", required=True)
    if c.ok:
        run.add(c, record, ident.upper(), lambda: State(ident.upper(), name))


def _municipalities(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.text("id", required=True)
    if ident is not None and not _AGS_RE.match(ident):
        c.fail("id", f"ungültiger AGS {_echo(ident)} (5 Ziffern für Kreise, 8 für Gemeinden)")
    name = c.text("name", required=True)
    level = c.choice("level", LEVELS)
    state = c.text("state", required=True)
    if state is not None:
        state = state.upper()
        if state not in STATES:
            c.fail("state", f"unbekanntes Land {_echo(state)}; erlaubt: {', '.join(STATES)}")
        elif ident and _AGS_RE.match(ident) and STATE_BY_AGS_PREFIX.get(ident[:2]) != state:
            c.fail("state", f"AGS {ident} gehört nicht zu {state} (Länderschlüssel {ident[:2]})")
    if c.ok and level is not None and ident is not None:
        if len(ident) == 8 and level != "gemeinde":
            c.fail("level", "ein 8-stelliger AGS ist eine Gemeinde")
        elif len(ident) == 5 and level == "gemeinde":
            c.fail("level", "eine Gemeinde hat einen 8-stelligen AGS")
    run.add(c, record, ident, lambda: Municipality(ident, name, level, state))


def _service_offices(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.ident()
    name = c.text("name", required=True)
    city = c.text("city", required=True)
    states = []
    for code in c.text_list("states"):
        if code.upper() not in STATES:
            c.fail("states", f"unbekanntes Land {_echo(code)}")
        states.append(code.upper())
    run.add(c, record, ident, lambda: ServiceOffice(ident, name, city, tuple(sorted(set(states)))))


def _topics(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.ident()
    name = c.text("name", required=True)
    if c.ok and run.first_time(record, ident):
        topic = Topic(ident, name)
        run.incoming.add(topic)
        run.topic_by_name[name.lower()] = topic


def _institutions(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.ident()
    name = c.text("name", required=True)
    type_ = c.choice("type", INSTITUTION_TYPES)
    sector = c.choice("sector", SECTORS)
    municipality = run.ref(c, "municipality", "municipalities", "Kommune (AGS)")
    run.add(c, record, ident, lambda: Institution(ident, name, type_, sector, municipality))


def _institutions_fast(run: _Run, record: RawRecord) -> bool:
    """:func:`_institutions` for a clean record; False: not decided here, use the full check."""
    data, fast = record.data, run.fast
    ident = fast.ident(data.get("id"))
    name = fast.text(data.get("name"))
    type_, sector = data.get("type"), data.get("sector")
    type_ = type_ if type(type_) is str and type_ in _PLAIN_TYPES else _SLOW
    sector = sector if type(sector) is str and sector in _PLAIN_SECTORS else _SLOW
    municipality = fast.opt_ident(data.get("municipality"))
    if (ident is _SLOW or name is _SLOW or type_ is _SLOW or sector is _SLOW
            or municipality is _SLOW or (municipality is not None and not run.known("municipalities", municipality))
            or ("institutions", ident) in run.seen):
        return False
    run.seen[("institutions", ident)] = record
    run.incoming.institutions[ident] = Institution(ident, name, type_, sector, municipality)
    return True


def _actors_fast(run: _Run, record: RawRecord) -> bool:
    """:func:`_actors` for a clean record; False: not decided here, use the full check."""
    data, fast = record.data, run.fast
    ident = fast.ident(data.get("id"))
    name = fast.text(data.get("name"))
    role = data.get("role")
    role = None if role is None else fast.text(role)
    institution = fast.opt_ident(data.get("institution"))
    municipality = fast.opt_ident(data.get("municipality"))
    youth = fast.boolean(data.get("is_refugee_youth"))
    pseudonym = data.get("pseudonym")
    pseudonym = None if pseudonym is None else fast.text(pseudonym, 60)
    if (ident is _SLOW or name is _SLOW or role is _SLOW or institution is _SLOW or municipality is _SLOW
            or pseudonym is _SLOW or youth is _SLOW
            or (institution is not None and not run.known("institutions", institution))
            or (municipality is not None and not run.known("municipalities", municipality))
            or ("actors", ident) in run.seen):
        return False
    run.seen[("actors", ident)] = record
    run.incoming.actors[ident] = Actor(ident, name, role, institution, municipality, youth, pseudonym)
    return True


def _actors(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.ident()
    name = c.text("name", required=True)
    role = c.text("role")
    institution = run.ref(c, "institution", "institutions", "Einrichtung")
    municipality = run.ref(c, "municipality", "municipalities", "Kommune (AGS)")
    youth = c.boolean("is_refugee_youth")
    pseudonym = c.text("pseudonym", max_len=60)
    run.add(c, record, ident, lambda: Actor(ident, name, role, institution, municipality, youth, pseudonym))


def _topic_for(run: _Run, name: str) -> Topic:
    """The topic of this name; a new name creates the topic (docs/design.md) under an id not yet taken."""
    topic = run.topic_by_name.get(name.lower())
    if topic is None:
        base = ident = slugify(name)
        n = 1
        while ident in run.existing.topics or ident in run.incoming.topics or ident in run.attempted.get("topics", ()):
            n += 1
            ident = f"{base}-{n}"
        topic = Topic(ident, name)
        run.topic_by_name[name.lower()] = topic
        run.incoming.add(topic)
    return topic


def _alliances(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.ident()
    name = c.text("name", required=True)
    municipality = run.ref(c, "municipality", "municipalities", "Kommune (AGS)", required=True)
    founded = c.date_("founded")
    status = c.choice("status", ALLIANCE_STATUSES, required=False, default="aktiv")
    office = run.ref(c, "office", "service_offices", "Servicebüro")
    topic_ids = [_topic_for(run, topic_name).id for topic_name in c.text_list("topics")]
    run.add(c, record, ident, lambda: Alliance(ident, name, municipality, founded, status,
                                               tuple(sorted(set(topic_ids))), office))


def _alliances_fast(run: _Run, record: RawRecord) -> bool:
    """:func:`_alliances` for a clean record; False: not decided here, use the full check."""
    data, fast = record.data, run.fast
    ident = fast.ident(data.get("id"))
    name = fast.text(data.get("name"))
    municipality = fast.ident(data.get("municipality"))
    founded = fast.date(data.get("founded"))
    status = data.get("status")
    status = "aktiv" if status is None else status if type(status) is str and status in _PLAIN_STATUSES else _SLOW
    office = fast.opt_ident(data.get("office"))
    topics = fast.text_list(data.get("topics"))
    if (ident is _SLOW or name is _SLOW or municipality is _SLOW or founded is _SLOW or status is _SLOW
            or office is _SLOW or topics is _SLOW or not run.known("municipalities", municipality)
            or (office is not None and not run.known("service_offices", office)) or ("alliances", ident) in run.seen):
        return False
    topic_ids = [_topic_for(run, topic_name).id for topic_name in topics]
    run.seen[("alliances", ident)] = record
    run.incoming.alliances[ident] = Alliance(ident, name, municipality, founded, status, tuple(sorted(set(topic_ids))),
                                             office)
    return True


def _offers_fast(run: _Run, record: RawRecord) -> bool:
    """:func:`_offers` for a clean record; False: not decided here, use the full check."""
    data, fast = record.data, run.fast
    ident = fast.ident(data.get("id"))
    type_ = data.get("type")
    type_ = type_ if type(type_) is str and type_ in _PLAIN_OFFER_TYPES else _SLOW
    title = fast.text(data.get("title"))
    when = fast.date(data.get("date"))
    office = fast.opt_ident(data.get("office"))
    alliance = fast.opt_ident(data.get("alliance"))
    municipality = fast.opt_ident(data.get("municipality"))
    participants = fast.text_list(data.get("participants"))
    reached = data.get("people_reached")
    if reached is not None and not (type(reached) is int and 0 <= reached <= 1_000_000):
        reached = _SLOW
    note = data.get("note")
    note = None if note is None else fast.text(note, 2000)
    if (ident is _SLOW or type_ is _SLOW or title is _SLOW or when is _SLOW or when is None or office is _SLOW
            or alliance is _SLOW or municipality is _SLOW or participants is _SLOW or reached is _SLOW
            or note is _SLOW or (office is not None and not run.known("service_offices", office))
            or (alliance is not None and not run.known("alliances", alliance))
            or (municipality is not None and not run.known("municipalities", municipality))
            or not all(run.known("institutions", who) or run.known("actors", who) for who in participants)
            or ("offers", ident) in run.seen):
        return False
    run.seen[("offers", ident)] = record
    run.incoming.offers[ident] = Offer(ident, type_, title, when, office, alliance, municipality,
                                       tuple(sorted(set(participants))), reached, note)
    return True


def _offers(run: _Run, record: RawRecord) -> None:
    c = run.checker(record)
    ident = c.ident()
    type_ = c.choice("type", OFFER_TYPES)
    title = c.text("title", required=True)
    when = c.date_("date", required=True)
    office = run.ref(c, "office", "service_offices", "Servicebüro")
    alliance = run.ref(c, "alliance", "alliances", "Bündnis")
    municipality = run.ref(c, "municipality", "municipalities", "Kommune (AGS)")
    participants = []
    for who in c.text_list("participants"):
        if not (run.known("institutions", who) or run.known("actors", who)):
            c.fail("participants", f"unbekannte Referenz: Person oder Einrichtung {_echo(who)} gibt es nicht")
        participants.append(who)
    reached = c.number("people_reached", low=0, high=1_000_000)
    if reached is not None and reached != int(reached):
        c.fail("people_reached", "muss eine ganze Zahl sein")
    note = c.text("note", max_len=2000)
    run.add(c, record, ident, lambda: Offer(ident, type_, title, when, office, alliance, municipality,
                                            tuple(sorted(set(participants))),
                                            int(reached) if reached is not None else None, note))


def _id_clashes(run: _Run) -> None:
    """Ids are unique per label, but a member or tie end must say unambiguously what it is."""
    def taken(list_name: str, ident: str, other: str, what: str) -> None:
        record = run.seen[(list_name, ident)]
        shown = ident in getattr(run.incoming, other) or ident in getattr(run.visible, other)
        message = (f"Kennung {_echo(ident)} ist schon {what}; bitte eine eigene Kennung verwenden" if shown
                   else f"Kennung {_echo(ident)} ist schon vergeben; bitte eine eigene Kennung verwenden")
        run.problems.append(Problem(record.file, record.line, "id", message))

    for ident in set(run.incoming.actors) & (set(run.incoming.institutions) | set(run.existing.institutions)):
        taken("actors", ident, "institutions", "eine Einrichtung")
    for ident in set(run.incoming.institutions) & set(run.existing.actors):
        taken("institutions", ident, "actors", "eine Person")


def _membership_fast(run: _Run, record: RawRecord) -> Membership | None:
    """The membership a clean record describes; None: use the full check."""
    data, fast = record.data, run.fast
    member = fast.ident(data.get("member"))
    alliance = fast.ident(data.get("alliance"))
    since, until = fast.date(data.get("since")), fast.date(data.get("until"))
    role = data.get("role")
    role = None if role is None else fast.text(role)
    if (member is _SLOW or alliance is _SLOW or since is _SLOW or until is _SLOW or role is _SLOW
            or _kind_fast(run, member) is None or not run.known("alliances", alliance)
            or (since and until and until < since)):
        return None
    return Membership(member, alliance, since, until, role)


def _memberships(run: _Run, records: list[RawRecord]) -> None:
    seen: dict[tuple, RawRecord] = {}
    for record in records:
        fast = _membership_fast(run, record)
        if fast is not None and fast.key not in seen:
            seen[fast.key] = record
            run.incoming.memberships[fast.key] = fast
            continue
        c = run.checker(record)
        member = c.ident("member")
        if member is not None and run.kind_of(member) is None:
            c.fail("member", f"unbekannte Referenz: Person oder Einrichtung {_echo(member)} gibt es nicht")
        alliance = run.ref(c, "alliance", "alliances", "Bündnis", required=True)
        since = c.date_("since")
        until = c.date_("until")
        role = c.text("role")
        if since and until and until < since:
            c.fail("until", f"Ende {until.isoformat()} liegt vor Beginn {since.isoformat()}")
        if c.ok:
            membership = Membership(member, alliance, since, until, role)
            if membership.key in seen:
                first = seen[membership.key]
                c.fail("member", f"doppelte Mitgliedschaft (schon in {first.file}:{first.line})")
            else:
                seen[membership.key] = record
                run.incoming.add(membership)


def _kind_fast(run: _Run, value) -> str | None:
    """:meth:`_Run.kind_of` of a clean id, cached (relations are checked after all entities).

    None: not known here, use the full check.
    """
    kinds = run.fast.kinds
    kind = kinds.get(value) if type(value) is str else None
    if kind is None and run.fast.ident(value) is not _SLOW:
        kind = run.kind_of(value)
        if kind is not None:
            kinds[value] = kind
    return kind


def _tie_kind_fast(run: _Run, source, target) -> str | None:
    """The kind both ends of a tie share (two different clean ids of one kind), else None: the full
    check decides. The cached kinds first (one lookup per end for 60k ties at x10), else _kind_fast."""
    kinds = run.fast.kinds
    kind = kinds.get(source) if type(source) is str else None
    if kind is None and (kind := _kind_fast(run, source)) is None:
        return None
    other = kinds.get(target) if type(target) is str else None
    if source == target or (other or _kind_fast(run, target)) != kind:
        return None
    return kind


def _tie_fast(run: _Run, record: RawRecord) -> tuple[tuple[str, str], Tie] | None:
    """``(key, tie)`` of a clean record (before the stored direction is kept); None: use the full check."""
    data, fast = record.data, run.fast
    source, target = data.get("source"), data.get("target")
    kind = _tie_kind_fast(run, source, target)
    if kind is None:
        return None
    since = data.get("since")
    if since is not None:
        since = (type(since) is str and fast.dates.get(since)) or fast.date(since)
        if since is _SLOW:
            return None
    strength, frequency = data.get("strength"), data.get("frequency")
    trust, worth = data.get("trust"), data.get("value")
    if strength is not None:
        if type(strength) is int and 0 <= strength <= 100:
            strength = float(strength)  # round(…, 3) would change nothing
        else:
            strength = fast.number(strength, 0, 100)
            if strength is _SLOW:
                return None
            strength = round(strength, 3)
    if frequency is not None or trust is not None or worth is not None:  # a tie reported in a survey
        trust, worth = fast.number(trust, 1, 4), fast.number(worth, 1, 4)
        if trust is _SLOW or worth is _SLOW or (frequency is not None and (type(frequency) is not str
                                                                             or frequency not in _PLAIN_FREQUENCIES)):
            return None
        trust, worth = (None if x is None else round(x, 3) for x in (trust, worth))
    wave, reported_by = data.get("wave"), data.get("reported_by")
    if wave is not None or reported_by is not None:
        wave, reported_by = fast.opt_ident(wave), fast.opt_ident(reported_by)
        if wave is _SLOW or reported_by is _SLOW or (reported_by is not None and reported_by not in (source, target)):
            return None
    return ((source, target) if source <= target else (target, source),  # Tie.key, without the property call
            Tie(source, target, since, strength, frequency, trust, worth, wave, reported_by))


def _ties(run: _Run, records: list[RawRecord]) -> None:
    seen: dict[tuple, RawRecord] = {}
    existing, incoming = run.existing.ties, run.incoming.ties
    for record in records:
        found = _tie_fast(run, record)
        if found is not None and found[0] not in seen:
            key, tie = found
            seen[key] = record
            if existing:
                old = existing.get(key)
                if old is not None and (old.source, old.target) != (tie.source, tie.target):
                    tie = replace(tie, source=old.source, target=old.target)  # keep the stored direction
            incoming[key] = tie
            continue
        c = run.checker(record)
        source = c.ident("source")
        target = c.ident("target")
        since = c.date_("since")
        strength = c.number("strength", low=0, high=100)
        if strength is not None:  # three places: what every backend stores exactly (FalkorDB keeps six)
            strength = round(strength, 3)
        frequency = c.choice("frequency", FREQUENCIES, required=False)
        trust, worth = (c.number(name, low=1, high=4) for name in ("trust", "value"))
        trust, worth = (round(x, 3) if x is not None else None for x in (trust, worth))
        wave = c.ident("wave", required=False)
        reported_by = c.ident("reported_by", required=False)
        if reported_by is not None and reported_by not in (source, target):
            c.fail("reported_by", f"{_echo(reported_by)} ist keines der beiden Enden der Verbindung")
        kinds = []
        for name, value in (("source", source), ("target", target)):
            if value is not None:
                kind = run.kind_of(value)
                if kind is None:
                    c.fail(name, f"unbekannte Referenz: Person oder Einrichtung {_echo(value)} gibt es nicht")
                kinds.append(kind)
        if c.ok and source == target:
            c.fail("target", "eine Verbindung braucht zwei verschiedene Enden")
        elif c.ok and kinds[0] != kinds[1]:
            c.fail("target", "gemischte Verbindung: Personen verbinden sich mit Personen (KNOWS), "
                             "Einrichtungen mit Einrichtungen (COOPERATES_WITH)")
        if c.ok:
            tie = Tie(source, target, since, strength, frequency, trust, worth, wave, reported_by)
            if tie.key in seen:
                first = seen[tie.key]
                c.fail("target", f"doppelte Verbindung (schon in {first.file}:{first.line})")
            else:
                seen[tie.key] = record
                old = run.existing.ties.get(tie.key)
                if old is not None and (old.source, old.target) != (source, target):
                    tie = replace(tie, source=old.source, target=old.target)  # keep the stored direction
                run.incoming.add(tie)


# -- after the checks: pseudonyms, names kept, warnings ------------------------------------------

def _assign_pseudonyms(run: _Run) -> None:
    """Every young person has a pseudonym: the stored one, else a random one unique in the store
    (never derived from the id, which anyone could hash)."""
    used = {a.pseudonym for a in run.existing.actors.values() if a.pseudonym}
    used |= {a.pseudonym for a in run.incoming.actors.values() if a.pseudonym}
    rng = chance.source()
    for ident, actor in list(run.incoming.actors.items()):
        if actor.is_refugee_youth and not actor.pseudonym:
            old = run.existing.actors.get(ident)
            pseudonym = fresh_pseudonym(rng, used, old.pseudonym if old is not None and old.pseudonym else None)
            run.incoming.actors[ident] = replace(actor, pseudonym=pseudonym)


def fresh_pseudonym(rng, used: set[str], kept: str | None = None) -> str:
    """`kept` (the stored pseudonym), else a random one not in `used`; added to `used`."""
    pseudonym = kept
    while pseudonym is None or (pseudonym in used and pseudonym != kept):
        pseudonym = f"Jugendliche*r {rng.getrandbits(24):06X}"
    used.add(pseudonym)
    return pseudonym


def _keep_real_names(run: _Run) -> None:
    """A pseudonymised export imported back must not replace a young person's real name by the pseudonym."""
    for ident, actor in list(run.incoming.actors.items()):
        old = run.existing.actors.get(ident)
        if (old is not None and actor.is_refugee_youth and old.name != actor.name
                and actor.name in (actor.pseudonym, pseudonym_for(ident), old.display_name)):
            run.incoming.actors[ident] = replace(actor, name=old.name)
            record = run.seen[("actors", ident)]
            run.warnings.append(Problem(record.file, record.line, "name",
                                        f"{_echo(actor.name)} ist das Pseudonym; der gespeicherte Name bleibt "
                                        "erhalten"))


def _duplicate_warnings(run: _Run) -> None:
    """Likely duplicates: same name in the same municipality under another id (only among what the user sees)."""
    run.warnings += duplicate_warnings(run.visible, {
        list_name: [(item.id, item.name, item.municipality, item.id)
                    for item in getattr(run.incoming, list_name).values()]
        for list_name in ("institutions", "actors")}, lambda list_name, ident: run.seen[(list_name, ident)])


def duplicate_warnings(visible: Dataset, incoming: dict, record_of) -> list[Problem]:
    """:func:`_duplicate_warnings` of incoming ``(id, name, municipality, where)`` per list (institutions,
    actors); ``record_of(list name, where)`` is the record a warning names."""
    warnings = []
    for list_name, label in (("institutions", "Einrichtung"), ("actors", "Person")):
        index: dict[tuple[str, str | None], str] = {}
        for item in getattr(visible, list_name).values():
            index[(item.name.casefold(), item.municipality)] = item.id
        for ident, name, municipality, where in incoming[list_name]:
            key = (name.casefold(), municipality)
            other = index.setdefault(key, ident)
            if other != ident:
                record = record_of(list_name, where)
                warnings.append(Problem(record.file, record.line, "name",
                                        f"mögliches Duplikat: {label} {_echo(ident)} und {_echo(other)} "
                                        f"heißen gleich am selben Ort"))
    return warnings


#: Entity lists and their check, in dependency order.
_ENTITY_CHECKS = (("states", _states), ("municipalities", _municipalities), ("service_offices", _service_offices),
                  ("topics", _topics), ("institutions", _institutions), ("actors", _actors),
                  ("alliances", _alliances), ("offers", _offers))

#: Fast paths for the long lists (a clean record in one step; anything else goes to the full check).
_FAST_CHECKS = {"institutions": _institutions_fast, "actors": _actors_fast, "alliances": _alliances_fast,
                "offers": _offers_fast}


def validate(records: list[RawRecord], existing: Dataset | None = None, *,
             visible: Dataset | None = None) -> Validated:
    """Check records against each other and an existing graph; return the incoming items.

    `visible` is what the importing user may see of `existing` (:func:`graph.access.scope`;
    default: all of it). Warnings compare only with it, so they reveal nothing about items
    outside the user's scope or real names the user may not see.

    Raises
    ------
    InputError
        with every problem found, when any record is bad. Nothing is returned then,
        so nothing can be half-written.
    """
    existing = existing or Dataset()
    run = _Run(existing, existing if visible is None else visible, {})
    run.topic_by_name = {t.name.lower(): t for t in existing.topics.values()}
    by_list: dict[str, list[RawRecord]] = {name: [] for name in (*ENTITY_LISTS, *RELATION_LISTS)}
    attempted, entity_lists = run.attempted, frozenset(ENTITY_LISTS)
    for record in records:  # one pass: records by list, and the ids the input tries to define
        list_name, data = record.list_name, record.data
        if list_name not in by_list:
            run.problems.append(Problem(record.file, record.line, "-", f"unbekannte Liste {_echo(list_name)}"))
        elif type(data) is not dict and not isinstance(data, dict):
            run.problems.append(Problem(record.file, record.line, "-", "Eintrag muss ein Objekt sein"))
        else:
            by_list[list_name].append(record)
            if list_name in entity_lists:
                ident = data.get("id", "")
                attempted.setdefault(list_name, set()).add(ident.strip() if type(ident) is str
                                                           else str(ident).strip())

    for list_name, check in _ENTITY_CHECKS:
        fast = _FAST_CHECKS.get(list_name)
        for record in by_list[list_name]:
            if fast is None or not fast(run, record):
                check(run, record)
    _id_clashes(run)
    _memberships(run, by_list["memberships"])
    _ties(run, by_list["ties"])
    if run.problems:
        raise InputError(run.problems)

    _assign_pseudonyms(run)
    _keep_real_names(run)
    _duplicate_warnings(run)
    return Validated(run.incoming, run.warnings)
