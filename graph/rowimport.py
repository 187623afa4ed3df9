"""The row path of an import: clean records straight to stored rows, without model objects (issue 17).

The full path (:func:`graph.validate.validate`, :func:`graph.store.graphmap.plan_upsert`,
:meth:`graph.store.base.Store.apply`) builds a model object per record, compares it with the
stored item, turns it back into property rows, and the store encodes the rows and their audit
entries. For the long lists (institutions, persons, memberships, ties) of an import whose items
are all new to the store, this module goes from the record's fields to the row in one step,
with the same per-field checks as the fast checks of validation (:class:`graph.validate._Fast`),
column by column where it can (values that repeat checked and encoded once). The short lists
(reference data, alliances, offers) take their checks and ``plan_upsert`` as always, so topics,
offers and changes to stored items behave exactly as before.

:func:`plan_rows` returns None whenever it cannot decide alone: a record the fast checks leave to
the full check, any problem, an item of a long list already stored, an id used both as a person
and as an institution, a reference that names instead of an id. The caller
(:func:`graph.api.import_records`, for administrators only: the access rules need the full path)
then takes the full path, which finds and words every problem; nothing here writes an error
message of its own. Rows, audit entries (same order, same text), counts, warnings and pseudonyms
are those of the full path; tests/test_rowimport.py runs imports both ways.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from itertools import repeat
from operator import itemgetter

import orjson

from . import chance
from .errors import Problem
from .io.resolve import AGS, NAMED_LISTS, REFERENCES
from .model import ALL_LISTS, ENTITY_LISTS, Dataset
from .store.base import rel_target
from .store.graphmap import LABELS, plan_upsert
from .validate import (
    _ENTITY_CHECKS,
    _FAST_CHECKS,
    _ID_FULL,
    _PLAIN_FREQUENCIES,
    _PLAIN_SECTORS,
    _PLAIN_TYPES,
    _SLOW,
    MAX_TEXT,
    RawRecord,
    _kind_fast,
    _Run,
    _tie_kind_fast,
    duplicate_warnings,
    fresh_pseudonym,
)

#: The lists this path turns into rows itself; the others take their full check and plan_upsert.
ROW_LISTS = frozenset({"institutions", "actors", "memberships", "ties"})
_SHORT_CHECKS = tuple((name, check) for name, check in _ENTITY_CHECKS if name not in ROW_LISTS)

NodeRow = tuple[str, str, str]  # label, id, props JSON
RelRow = tuple[str, str, str, str, str, str, str]  # type, src label, src, dst label, dst, key, props JSON


@dataclass
class RowPlan:
    """What an import writes, as rows: the row-path counterpart of a ChangeSet and its audit."""

    counts: dict[str, dict[str, int]]
    warnings: list[Problem]
    people: dict[str, None]  # ids of the incoming persons (the erasure check reads them)
    nodes: list[NodeRow]  # node rows to write (any order)
    rels: list[RelRow]  # relationship rows to write (any order)
    rel_deletes: list[tuple]  # keys of relationships to delete (an alliance or offer that changed)
    node_audit: list  # per node change in planning order: its row (a new item) or its audit item as JSON
    rel_audit: list

    @property
    def changes(self) -> int:
        return len(self.node_audit) + len(self.rel_audit)

    def audit_texts(self, size: int):
        """The audit chunks as JSON text, exactly as :func:`graph.store.base.encode_audit_chunk` of
        :func:`graph.store.base.audit_chunks` would write them (nodes first, at most `size` per chunk).

        A new item's entry is ``[target, null, props]``, made from its row: ids that passed the id
        check hold no character JSON escapes, and the props are the row's JSON text.
        """
        for start in range(0, len(self.node_audit), size):
            yield "[" + ",".join([x if type(x) is str else f'["{x[0]}:{x[1]}",null,{x[2]}]'
                                  for x in self.node_audit[start:start + size]]) + "]"
        for start in range(0, len(self.rel_audit), size):
            yield "[" + ",".join([x if type(x) is str else
                                  f'["{x[0]}:{x[2]}->{x[4]}@{x[5]}",null,{x[6]}]' if x[5] else
                                  f'["{x[0]}:{x[2]}->{x[4]}",null,{x[6]}]'
                                  for x in self.rel_audit[start:start + size]]) + "]"


class Lists:
    """An import's input by list: the items as read (field dicts), and their records when needed.

    From a JSON document the row path reads the items as they are and makes a
    :class:`~graph.validate.RawRecord` only for what the full checks, a warning or the full path needs.
    """

    def __init__(self, items: dict[str, list], record: Callable[[str, int], RawRecord],
                 records: Callable[[], list[RawRecord]]):
        self.items = items
        self.record = record  # (list name, index) -> its record
        self._records = records
        self._all: list[RawRecord] | None = None

    @classmethod
    def of_records(cls, records: list[RawRecord]) -> Lists:
        grouped: dict[str, list[RawRecord]] = {}
        for record in records:
            grouped.setdefault(record.list_name, []).append(record)
        return cls({name: [r.data for r in group] for name, group in grouped.items()},
                   lambda name, index: grouped[name][index], lambda: records)

    @classmethod
    def of_document(cls, lists: dict[str, list], source: str) -> Lists:
        """`lists` as :func:`graph.io.exchange.document_lists` gives them."""
        return cls(lists, lambda name, index: RawRecord(name, source, f"{name}[{index}]", lists[name][index]),
                   lambda: [RawRecord(name, source, f"{name}[{index}]", item)
                            for name, items in lists.items() for index, item in enumerate(items)])

    def records(self) -> list[RawRecord]:
        """All records in input order (what the readers give and the full path takes)."""
        if self._all is None:
            self._all = self._records()
        return self._all

    def records_of(self, list_name: str):
        """The records of one list, in order, made as they are asked for."""
        return (self.record(list_name, index) for index in range(len(self.items.get(list_name, ()))))


def _names_settled(run: _Run, items: dict[str, list[dict]]) -> bool:
    """Whether :func:`graph.io.resolve.resolve_names` would leave the records as they are, as far as the
    row lists' own checks do not tell (they take only references to ids stored or created).

    It would when every record of a list that names may refer to has an id without spaces around
    it (then the ids validation knows as tried are the ids resolve_names knows as created), and
    every reference of the short lists is such an id, empty, or an AGS.
    """
    for list_name in NAMED_LISTS:
        ids = list(map(dict.get, items[list_name], repeat("id")))
        if not {*map(type, ids)} <= {str} or not all(map(str.__eq__, ids, map(str.strip, ids))):
            return False
    created = run.attempted  # now the ids exactly as given
    for (list_name, field_name), lists in REFERENCES.items():
        if list_name in ROW_LISTS or not items[list_name]:
            continue
        known = set().union(*(getattr(run.existing, name) for name in lists),
                            *(created.get(name, ()) for name in lists))
        for data in items[list_name]:
            value = data.get(field_name)
            if (isinstance(value, str) and value not in known and value.strip()
                    and not (lists == ("municipalities",) and AGS.match(value.strip()))):
                return False
    return True


def _each_once(values: list, convert: Callable) -> dict | None:
    """Each distinct value of `values` but None, converted once: ``{value: convert(value)}``; None as soon
    as `convert` cannot decide one alone (:data:`_SLOW`: the full path words that case)."""
    out = {}
    for value in set(values):
        if value is not None:
            out[value] = converted = convert(value)
            if converted is _SLOW:
                return None
    return out


class _Undecided(Exception):
    """A record or item the row path leaves to the full path."""


def plan_rows(source: Lists | list[RawRecord], existing: Dataset, visible: Dataset | None = None, *,
              unresolved: bool = False) -> RowPlan | None:
    """The rows an administrator's import of `source` writes on top of `existing`, or None
    when the full path has to decide (see the module docstring). `visible` is what the user sees.

    With `unresolved`, the records have not been through :func:`graph.io.resolve.resolve_names`; then
    a plan also means that it would have left every record as it is (every reference an id stored
    or created by the import), else None.
    """
    lists = source if isinstance(source, Lists) else Lists.of_records(source)
    run = _Run(existing, existing if visible is None else visible, {})
    run.topic_by_name = {t.name.lower(): t for t in existing.topics.values()}
    items: dict[str, list[dict]] = {name: [] for name in ALL_LISTS}
    for list_name, group in lists.items.items():  # as validate() does: the ids the input tries to define
        if list_name not in items or not {*map(type, group)} <= {dict}:
            return None
        items[list_name] = group
        if list_name in ENTITY_LISTS:
            ids = list(map(dict.get, group, repeat("id"), repeat("")))
            run.attempted[list_name] = (set(map(str.strip, ids)) if {*map(type, ids)} <= {str} else
                                        {ident.strip() if type(ident) is str else str(ident).strip() for ident in ids})
    if unresolved and not _names_settled(run, items):
        return None
    for list_name, check in _SHORT_CHECKS:  # as validate() checks them
        fast = _FAST_CHECKS.get(list_name)
        for record in lists.records_of(list_name):
            if fast is None or not fast(run, record):
                check(run, record)
    if run.problems:
        return None
    try:
        rows = _Rows(run, lists)
        rows.institutions(items["institutions"])
        rows.actors(items["actors"])
        rows.memberships(items["memberships"])
        rows.ties(items["ties"])
        return rows.plan()
    except (_Undecided, orjson.JSONEncodeError):  # orjson: a value only the full path's encoder writes
        return None


class _Rows:
    """The rows of the long lists, built record by record; raises :class:`_Undecided`.

    Written for speed (about a million records at ×100): references are looked up in one set per
    list (:meth:`_Run.known` as a set), clean ids in the cache of the fast checks, and the JSON of
    relationship properties, which repeats, is made once per distinct value.
    """

    def __init__(self, run: _Run, lists: Lists):
        self.run = run
        self.lists = lists
        self.institution_rows: list[NodeRow] = []
        self.actor_rows: list[NodeRow] = []
        self.owned: dict[str, list[RelRow]] = {"Institution": [], "Actor": []}
        self.member_rows: list[RelRow] = []
        self.tie_rows: list[RelRow] = []
        self.incoming: dict[str, list] = {"institutions": [], "actors": []}  # (id, name, place, index)
        self.people: dict[str, None] = {}
        self.json: dict[tuple, str] = {}  # relationship properties -> their JSON

    def _known(self, list_name: str) -> set[str]:
        """:meth:`_Run.known` of `list_name` as a set (what is stored, coming in or tried)."""
        known = set(self.run.attempted.get(list_name, ()))
        known.update(getattr(self.run.existing, list_name), getattr(self.run.incoming, list_name))
        return known

    def _props_json(self, key: tuple, props: dict) -> str:
        """The JSON of `props`, made once per `key` (the values, in a fixed order)."""
        text = self.json.get(key)
        if text is None:
            text = _dumps(props)
            if 0.0 not in key:  # -0.0 == 0.0 as a key, but not as JSON
                self.json[key] = text
        return text

    def institutions(self, items: list[dict]) -> None:
        fast, stored, stored_people = self.run.fast, self.run.existing.institutions, self.run.existing.actors
        ident_of, text, ids = fast.ident, fast.text, fast.ids
        places = self._known("municipalities")
        seen: set[str] = set()
        rows, owned, incoming = self.institution_rows, self.owned["Institution"], self.incoming["institutions"]
        for index, data in enumerate(items):
            ident = ident_of(data.get("id"))
            name = text(data.get("name"))
            type_, sector = data.get("type"), data.get("sector")
            municipality = data.get("municipality")
            if (ident is _SLOW or name is _SLOW or type(type_) is not str or type_ not in _PLAIN_TYPES
                    or type(sector) is not str or sector not in _PLAIN_SECTORS
                    or (municipality is not None and (type(municipality) is not str or municipality not in places
                                                      or (municipality not in ids and ident_of(municipality) is _SLOW)))
                    or ident in seen or ident in stored or ident in stored_people):
                raise _Undecided
            seen.add(ident)
            rows.append(("Institution", ident, _dumps({"name": name, "sector": sector, "type": type_})))
            if municipality:
                owned.append(("LOCATED_IN", "Institution", ident, "Municipality", municipality, "", "{}"))
            incoming.append((ident, name, municipality, index))

    def actors(self, items: list[dict]) -> None:
        run = self.run
        fast, stored = run.fast, run.existing.actors
        institutions = {i[0] for i in self.incoming["institutions"]}
        found = self._actors_at_once(items, institutions)
        if found is None:
            found = self._actors_one_by_one(items, institutions)
        people = self.people
        people.update(dict.fromkeys(f[0] for f in found))
        # what _kind_fast finds for them (no id is both, or the loops above gave up)
        fast.kinds.update(dict.fromkeys(institutions, "institution"))
        fast.kinds.update(dict.fromkeys(people, "actor"))
        # pseudonyms as _assign_pseudonyms gives them: in input order, unique in the store
        used = {a.pseudonym for a in stored.values() if a.pseudonym}
        used |= {f[6] for f in found if f[6]}
        rng = chance.source()
        rows, owned, incoming = self.actor_rows, self.owned["Actor"], self.incoming["actors"]
        for ident, name, role, institution, municipality, youth, pseudonym, index in found:
            if youth and not pseudonym:
                pseudonym = fresh_pseudonym(rng, used)
            props = {"name": name, "is_refugee_youth": youth}  # graphmap._actor_props: no None
            if role is not None:
                props["role"] = role
            if pseudonym is not None:
                props["pseudonym"] = pseudonym
            rows.append(("Actor", ident, _dumps(props)))
            if institution:
                owned.append(("WORKS_AT", "Actor", ident, "Institution", institution, "", "{}"))
            if municipality:
                owned.append(("LIVES_IN", "Actor", ident, "Municipality", municipality, "", "{}"))
            incoming.append((ident, name, municipality, index))

    def _actors_one_by_one(self, items: list[dict], institutions: set[str]) -> list[tuple]:
        """``(id, name, role, institution, municipality, youth, pseudonym, index)`` of every person."""
        run = self.run
        fast, stored = run.fast, run.existing.actors
        ident_of, text, boolean, ids = fast.ident, fast.text, fast.boolean, fast.ids
        stored_institutions = run.existing.institutions
        places, employers = self._known("municipalities"), self._known("institutions")
        people: set[str] = set()
        found = []
        for index, data in enumerate(items):
            ident = ident_of(data.get("id"))
            name = text(data.get("name"))
            role = data.get("role")
            if role is not None:
                role = text(role)
            institution = data.get("institution")
            municipality = data.get("municipality")
            youth = boolean(data.get("is_refugee_youth"))
            pseudonym = data.get("pseudonym")
            if pseudonym is not None:
                pseudonym = text(pseudonym, 60)
            if (ident is _SLOW or name is _SLOW or role is _SLOW or pseudonym is _SLOW or youth is _SLOW
                    or (institution is not None and (type(institution) is not str or institution not in employers
                                                     or (institution not in ids and ident_of(institution) is _SLOW)))
                    or (municipality is not None and (type(municipality) is not str or municipality not in places
                                                      or (municipality not in ids and ident_of(municipality) is _SLOW)))
                    or ident in people or ident in stored or ident in institutions or ident in stored_institutions):
                raise _Undecided
            people.add(ident)
            found.append((ident, name, role, institution, municipality, youth, pseudonym, index))
        return found

    def _actors_at_once(self, items: list[dict], institutions: set[str]) -> list[tuple] | None:
        """:meth:`_actors_one_by_one` column by column (checks once per distinct value where values
        repeat); None, having changed nothing, when any field is not as it expects."""
        run = self.run
        fast = run.fast
        try:
            idents, names = [d["id"] for d in items], [d["name"] for d in items]
            if {*map(type, idents), *map(type, names)} - {str} or not all(map(_ID_FULL.fullmatch, idents)):
                return None
            names = list(map(str.strip, names))
            if not all(names) or not all(map(str.isprintable, names)) or max(map(len, names), default=0) > MAX_TEXT:
                return None
            people = set(idents)
            if (len(people) != len(idents) or not people.isdisjoint(run.existing.actors)
                    or not people.isdisjoint(institutions) or not people.isdisjoint(run.existing.institutions)):
                return None
            columns = []
            for name, known in (("institution", self._known("institutions")),
                                ("municipality", self._known("municipalities"))):
                values = [d.get(name) for d in items]
                named = set(values)
                named.discard(None)
                if ({*map(type, named)} - {str} or not named <= known
                        or not all(v in fast.ids or fast.ident(v) is not _SLOW for v in named)):
                    return None
                columns.append(values)
            for name, check, empty in (("role", fast.text, None), ("is_refugee_youth", fast.boolean, False),
                                       ("pseudonym", lambda v: fast.text(v, 60), None)):
                values = [d.get(name) for d in items]
                checked = {}
                for kind, value in set(zip(map(type, values), values, strict=True)):  # True and 1 apart
                    if value is not None:
                        checked[(kind, value)] = result = check(value)
                        if result is _SLOW:
                            return None
                columns.append([empty if v is None else checked[(type(v), v)] for v in values])
        except (KeyError, TypeError):  # a missing field, an unhashable value
            return None
        institution_list, place_list, roles, youths, pseudonyms = columns
        return list(zip(idents, names, roles, institution_list, place_list, youths, pseudonyms, range(len(items)),
                        strict=True))

    def memberships(self, items: list[dict]) -> None:
        if not self._memberships_from_a_list(items):
            self._memberships_one_by_one(items)

    def _memberships_from_a_list(self, items: list[dict]) -> bool:
        """:meth:`memberships` column by column when every member's kind is known and every field
        takes the fast check (dates, roles and their JSON once per distinct value).

        False, having changed nothing, for anything else: :meth:`_memberships_one_by_one` then decides.
        """
        run = self.run
        fast, kinds, stored = run.fast, run.fast.kinds, run.existing.memberships
        try:
            members, alliances = [d["member"] for d in items], [d["alliance"] for d in items]
            if {*map(type, members), *map(type, alliances)} != {str}:
                return False
            kind_list = list(map(kinds.get, members))
            named = set(alliances)
            if None in kind_list or not named <= self._known("alliances") or any(
                    a not in fast.ids and fast.ident(a) is _SLOW for a in named):
                return False
            sinces, untils, roles = ([d.get(name) for d in items] for name in ("since", "until", "role"))
            iso_of, role_of = _each_once([*sinces, *untils], fast.iso), _each_once(roles, fast.text)
            if iso_of is None or role_of is None:
                return False
            since_list, until_list = list(map(iso_of.get, sinces)), list(map(iso_of.get, untils))
            role_list = list(map(role_of.get, roles))
            if any(s and u and u < s for s, u in zip(since_list, until_list, strict=True)):
                return False
            keys = list(zip(members, alliances, [s or "" for s in since_list], strict=True))
            if len(set(keys)) != len(keys) or (stored and not stored.keys().isdisjoint(keys)):
                return False
            json_of = {}
            for since, until, role in set(zip(since_list, until_list, role_list, strict=True)):
                json_of[(since, until, role)] = _dumps(_membership_props(since, until, role))
            texts = list(map(json_of.__getitem__, zip(since_list, until_list, role_list, strict=True)))
        except (KeyError, TypeError):  # a missing field, an unhashable value
            return False
        self.member_rows += [("MEMBER_OF", "Actor" if kind == "actor" else "Institution", member, "Alliance", alliance,
                              since or "", text) for member, alliance, kind, since, text in
                             zip(members, alliances, kind_list, since_list, texts, strict=True)]
        return True

    def _memberships_one_by_one(self, items: list[dict]) -> None:
        run = self.run
        fast, stored = run.fast, run.existing.memberships
        ident_of, iso, text, ids, kinds = fast.ident, fast.iso, fast.text, fast.ids, fast.kinds
        alliances = self._known("alliances")
        props_json = self._props_json
        seen: set[tuple[str, str, str]] = set()
        rows = self.member_rows
        for data in items:
            member, alliance = data.get("member"), data.get("alliance")
            since, until = iso(data.get("since")), iso(data.get("until"))
            role = data.get("role")
            if role is not None:
                role = text(role)
            kind = kinds.get(member) if type(member) is str else None
            if (kind is None and (kind := _kind_fast(run, member)) is None) or type(alliance) is not str or (
                    alliance not in alliances or (alliance not in ids and ident_of(alliance) is _SLOW)
                    or since is _SLOW or until is _SLOW or role is _SLOW or (since and until and until < since)):
                raise _Undecided
            key = (member, alliance, since or "")
            if key in seen or (stored and key in stored):
                raise _Undecided
            seen.add(key)
            rows.append(("MEMBER_OF", "Actor" if kind == "actor" else "Institution", member, "Alliance", alliance,
                         since or "", props_json((since, until, role), _membership_props(since, until, role))))

    def ties(self, items: list[dict]) -> None:
        if not self._ties_from_a_list(items):
            self._ties_one_by_one(items)

    def _ties_from_a_list(self, items: list[dict]) -> bool:
        """:meth:`ties` column by column, for ties as lists have them (source, target, since, strength
        and no other field) between persons or institutions whose kind is known: the same rows, with
        the loops in C where Python allows (a tenth of a million ties at ×10, 600,000 at ×100).

        False, having changed nothing, for anything else: :meth:`_ties_one_by_one` then decides.
        """
        run = self.run
        fast, kinds, stored = run.fast, run.fast.kinds, run.existing.ties
        try:
            sources, targets = list(map(_SOURCE, items)), list(map(_TARGET, items))  # KeyError: an end missing
            sinces, strengths = list(map(dict.get, items, repeat("since"))), list(map(dict.get, items,
                                                                                    repeat("strength")))
            # no other field: every item has both ends, so the sizes add up only if each has just these
            if sum(map(len, items)) != 2 * len(items) + sum(map(dict.__contains__, items, repeat("since"))) + sum(
                    map(dict.__contains__, items, repeat("strength"))):
                return False
            if {*map(type, sources), *map(type, targets)} != {str}:
                return False
            kind_list = list(map(kinds.get, sources))
            if None in kind_list or kind_list != list(map(kinds.get, targets)) or any(map(str.__eq__, sources,
                                                                                          targets)):
                return False
            keys = [(a, b) if a <= b else (b, a) for a, b in zip(sources, targets, strict=True)]
            if len(set(keys)) != len(keys) or (stored and not stored.keys().isdisjoint(keys)):
                return False
            del keys
            iso_of = _each_once(sinces, fast.iso)
            if iso_of is None:
                return False
            since_list = list(map(iso_of.get, sinces))
            strength_of: dict = {}
            typed = set(zip(map(type, strengths), strengths, strict=True))  # 1, 1.0 and True apart
            for kind, value in typed:
                if value is None:
                    continue
                if kind is int and 0 <= value <= 100:
                    strength_of[(kind, value)] = float(value)
                elif kind is float and value == 0:  # 0.0 and -0.0 are one key here, not one JSON
                    return False
                else:
                    number = fast.number(value, 0, 100)
                    if number is _SLOW:
                        return False
                    strength_of[(kind, value)] = round(number, 3)
            if len({kind for kind, _ in typed} - {type(None)}) <= 1:  # one type: the value alone is the key
                strength_list = list(map({value: s for (_, value), s in strength_of.items()}.get, strengths))
            else:
                strength_list = [None if v is None else strength_of[(type(v), v)] for v in strengths]
            json_of = _TieTexts()
            texts = list(map(json_of.__getitem__, zip(since_list, strength_list, strict=True)))
            types, labels = list(map(_TIE_TYPE.__getitem__, kind_list)), list(map(_LABEL.__getitem__, kind_list))
        except (KeyError, TypeError):  # a missing end, an unhashable value
            return False
        self.tie_rows += zip(types, labels, sources, labels, targets, repeat(""), texts)
        return True

    def _ties_one_by_one(self, items: list[dict]) -> None:
        run = self.run
        fast, stored = run.fast, run.existing.ties
        isos, iso = fast.isos, fast.iso
        props_json = self._props_json
        seen: set[tuple[str, str]] = set()
        rows = self.tie_rows
        for data in items:
            source, target = data.get("source"), data.get("target")
            kind = _tie_kind_fast(run, source, target)
            if kind is None:
                raise _Undecided
            key = (source, target) if source <= target else (target, source)
            if key in seen or (stored and key in stored):
                raise _Undecided
            seen.add(key)
            since = data.get("since")
            if since is not None:
                since = (type(since) is str and isos.get(since)) or iso(since)
                if since is _SLOW:
                    raise _Undecided
            strength, frequency = data.get("strength"), data.get("frequency")
            trust, worth = data.get("trust"), data.get("value")
            if strength is not None:
                if type(strength) is int and 0 <= strength <= 100:
                    strength = float(strength)
                else:
                    strength = fast.number(strength, 0, 100)
                    if strength is _SLOW:
                        raise _Undecided
                    strength = round(strength, 3)
            wave, reported_by = data.get("wave"), data.get("reported_by")
            if frequency is None and trust is None and worth is None and wave is None and reported_by is None:
                props_key: tuple = (since, strength)
                text = self.json.get(props_key)
                if text is None:  # graphmap._tie_row of a tie from a list
                    props = {"since": since} if since else {}
                    if strength is not None:
                        props["strength"] = strength
                    text = props_json(props_key, props)
            else:  # a tie reported in a survey
                trust, worth = fast.number(trust, 1, 4), fast.number(worth, 1, 4)
                if trust is _SLOW or worth is _SLOW or (frequency is not None and (
                        type(frequency) is not str or frequency not in _PLAIN_FREQUENCIES)):
                    raise _Undecided
                trust, worth = (None if x is None else round(x, 3) for x in (trust, worth))
                wave, reported_by = fast.opt_ident(wave), fast.opt_ident(reported_by)
                if wave is _SLOW or reported_by is _SLOW or (reported_by is not None
                                                              and reported_by not in (source, target)):
                    raise _Undecided
                props_key = (since, strength, frequency, trust, worth, wave, reported_by)
                text = props_json(props_key, {k: v for k, v in zip(
                    ("since", "strength", "frequency", "trust", "value", "wave", "reported_by"), props_key,
                    strict=True) if v is not None})
            if kind == "actor":
                rows.append(("KNOWS", "Actor", source, "Actor", target, "", text))
            else:
                rows.append(("COOPERATES_WITH", "Institution", source, "Institution", target, "", text))

    def plan(self) -> RowPlan:
        """The short lists planned by plan_upsert, the long ones from their rows, in planning order."""
        run = self.run
        people = run.existing.actors.keys() | self.people.keys() if run.existing.actors else self.people
        changes = plan_upsert(run.existing, run.incoming, people=people)
        node_audit: dict[str, list] = {label: [] for label in LABELS}
        rel_audit: dict[str, list] = {label: [] for label in LABELS}
        nodes, rels, deletes = [], [], []
        try:
            for c in changes.nodes:  # plan_upsert deletes no node
                row = (c.label, c.id, _dumps(c.props))
                nodes.append(row)
                node_audit[c.label].append(_item(f"{c.label}:{c.id}", c.before, c.props))
            for r in changes.rels:
                if r.props is None:
                    deletes.append(r.key)
                else:
                    rels.append((*r.key, _dumps(r.props)))
                rel_audit[r.key[1]].append(_item(rel_target(r.key), r.before, r.props))
        except (orjson.JSONEncodeError, TypeError) as exc:  # a value orjson refuses: the full path's encoder
            raise _Undecided from exc
        node_audit["Institution"] = self.institution_rows
        node_audit["Actor"] = self.actor_rows
        rel_audit["Institution"] = self.owned["Institution"]
        rel_audit["Actor"] = self.owned["Actor"]
        counts = changes.counts
        for list_name, made in (("institutions", self.institution_rows), ("actors", self.actor_rows),
                                ("memberships", self.member_rows), ("ties", self.tie_rows)):
            counts[list_name] = {"new": len(made), "changed": 0, "unchanged": 0}
        nodes += self.institution_rows
        nodes += self.actor_rows
        for owned in self.owned.values():
            rels += owned
        rels += self.member_rows
        rels += self.tie_rows
        return RowPlan(counts, duplicate_warnings(run.visible, self.incoming, self.lists.record), self.people, nodes,
                       rels, deletes,
                       [x for label in LABELS for x in node_audit[label]],
                       [x for label in LABELS for x in rel_audit[label]] + self.member_rows + self.tie_rows)


_SOURCE, _TARGET = itemgetter("source"), itemgetter("target")
_TIE_TYPE = {"actor": "KNOWS", "institution": "COOPERATES_WITH"}  # by the kind of both ends
_LABEL = {"actor": "Actor", "institution": "Institution"}


class _TieTexts(dict):
    """``(since, strength)`` -> the JSON of a tie's properties from a list (graphmap._tie_row), made
    the first time it is asked for."""

    def __missing__(self, key: tuple) -> str:
        since, strength = key
        props = {"since": since} if since else {}
        if strength is not None:
            props["strength"] = strength
        text = self[key] = _dumps(props)
        return text


def _membership_props(since: str | None, until: str | None, role: str | None) -> dict:
    """The stored fields of a membership: those given, in this order."""
    props = {}
    if since is not None:
        props["since"] = since
    if until is not None:
        props["until"] = until
    if role is not None:
        props["role"] = role
    return props


def _dumps(props: dict) -> str:
    """:func:`graph.store.base.fast_dumps`, for values orjson writes (else the error sends the import the full way)."""
    return orjson.dumps(props, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def _item(target: str, before, after) -> str:
    """One audit item ``[target, before, after]`` as the chunk encoder writes it."""
    return orjson.dumps([target, before, after], option=orjson.OPT_SORT_KEYS).decode("utf-8")
