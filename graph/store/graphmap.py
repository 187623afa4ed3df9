"""The mapping between a :class:`Dataset` and property-graph rows, and change plans.

Both backends store the same property graph (docs/design.md, Graph schema):
nodes ``(label, id, props)`` and relationships ``(type, source, target, key, props)``.
This module is backend-neutral, so SQLite and Neo4j read and write identical rows.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from ..model import (
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
)

#: label -> exchange list name; this is also the allow-list of labels for Cypher.
LABELS = {
    "State": "states",
    "Municipality": "municipalities",
    "ServiceOffice": "service_offices",
    "Topic": "topics",
    "Institution": "institutions",
    "Actor": "actors",
    "Alliance": "alliances",
    "Offer": "offers",
}
LABEL_OF_LIST = {v: k for k, v in LABELS.items()}

#: (type, source label, target label): the allow-list of relationship types.
REL_TYPES = {
    ("SERVES", "ServiceOffice", "State"),
    ("LOCATED_IN", "Institution", "Municipality"),
    ("WORKS_AT", "Actor", "Institution"),
    ("LIVES_IN", "Actor", "Municipality"),
    ("LOCATED_IN", "Alliance", "Municipality"),
    ("WORKS_ON", "Alliance", "Topic"),
    ("SUPPORTED_BY", "Alliance", "ServiceOffice"),
    ("OFFERED_BY", "Offer", "ServiceOffice"),
    ("FOR", "Offer", "Alliance"),
    ("LOCATED_IN", "Offer", "Municipality"),
    ("WITH", "Offer", "Institution"),
    ("WITH", "Offer", "Actor"),
    ("MEMBER_OF", "Actor", "Alliance"),
    ("MEMBER_OF", "Institution", "Alliance"),
    ("KNOWS", "Actor", "Actor"),
    ("COOPERATES_WITH", "Institution", "Institution"),
}

#: Relationships that are a field of their source entity; re-writing the entity replaces them.
OWNED = {
    "ServiceOffice": {("SERVES", "State")},
    "Institution": {("LOCATED_IN", "Municipality")},
    "Actor": {("WORKS_AT", "Institution"), ("LIVES_IN", "Municipality")},
    "Alliance": {("LOCATED_IN", "Municipality"), ("WORKS_ON", "Topic"), ("SUPPORTED_BY", "ServiceOffice")},
    "Offer": {("OFFERED_BY", "ServiceOffice"), ("FOR", "Alliance"), ("LOCATED_IN", "Municipality"),
              ("WITH", "Institution"), ("WITH", "Actor")},
}

RelKey = tuple[str, str, str, str, str, str]  # type, src label, src id, dst label, dst id, key


# Changes are not frozen: an import at ×100 builds over a million of them, and a frozen
# dataclass costs three times as much to construct. Nothing changes them after planning.
@dataclass(slots=True)
class NodeChange:
    label: str
    id: str
    props: dict | None  # None: delete
    before: dict | None  # None: new


@dataclass(slots=True)
class RelChange:
    key: RelKey
    props: dict | None  # None: delete
    before: dict | None


@dataclass
class ChangeSet:
    """What a write does, computed before anything is written (so it can be shown or refused)."""

    nodes: list[NodeChange] = field(default_factory=list)
    rels: list[RelChange] = field(default_factory=list)
    counts: dict[str, dict[str, int]] = field(default_factory=dict)  # list -> new/changed/unchanged

    def is_empty(self) -> bool:
        return not self.nodes and not self.rels


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _props(**values) -> dict:
    """Properties as stored: no None (a missing property is an empty field)."""
    return {k: v for k, v in values.items() if v is not None}


def _drop_none(values: dict) -> dict:
    return {k: v for k, v in values.items() if v is not None}


def _state_props(s: State) -> dict:
    return {"name": s.name} if s.name is not None else {}


def _municipality_props(m: Municipality) -> dict:
    return _drop_none({"name": m.name, "level": m.level, "state": m.state})


def _office_props(o: ServiceOffice) -> dict:
    return _drop_none({"name": o.name, "city": o.city})


def _institution_props(i: Institution) -> dict:
    return _drop_none({"name": i.name, "type": i.type, "sector": i.sector})


def _actor_props(a: Actor) -> dict:
    props = {"name": a.name, "role": a.role, "is_refugee_youth": a.is_refugee_youth, "pseudonym": a.pseudonym}
    if a.role is None or a.pseudonym is None or a.name is None:
        return _drop_none(props)
    return props


def _alliance_props(al: Alliance) -> dict:
    return _drop_none({"name": al.name, "founded": _iso(al.founded), "status": al.status})


def _offer_props(of: Offer) -> dict:
    return _drop_none({"type": of.type, "title": of.title, "date": _iso(of.date),
                       "people_reached": of.people_reached, "note": of.note})


#: label -> the stored properties of one entity (no None: a missing property is an empty field)
NODE_PROPS = {"State": _state_props, "Municipality": _municipality_props, "ServiceOffice": _office_props,
              "Topic": _state_props, "Institution": _institution_props, "Actor": _actor_props,
              "Alliance": _alliance_props, "Offer": _offer_props}


def node_rows(ds: Dataset):
    """Yield ``(label, id, props)`` for every entity."""
    for label, list_name in LABELS.items():
        props = NODE_PROPS[label]
        for ident, item in getattr(ds, list_name).items():
            yield label, ident, props(item)


def owned_rel_rows(label: str, item, actors=frozenset()):
    """Yield ``(RelKey, props)`` for the relationships that are fields of one entity.

    `actors` tells person ids from institution ids where a field may hold either.
    """
    def rel(type_, dst_label, dst_id):
        return (type_, label, item.id, dst_label, dst_id, ""), {}

    if label == "ServiceOffice":
        for state in item.states:
            yield rel("SERVES", "State", state)
    elif label == "Institution":
        if item.municipality:
            yield rel("LOCATED_IN", "Municipality", item.municipality)
    elif label == "Actor":
        if item.institution:
            yield rel("WORKS_AT", "Institution", item.institution)
        if item.municipality:
            yield rel("LIVES_IN", "Municipality", item.municipality)
    elif label == "Alliance":
        yield rel("LOCATED_IN", "Municipality", item.municipality)
        for topic in item.topics:
            yield rel("WORKS_ON", "Topic", topic)
        if item.office:
            yield rel("SUPPORTED_BY", "ServiceOffice", item.office)
    elif label == "Offer":
        if item.office:
            yield rel("OFFERED_BY", "ServiceOffice", item.office)
        if item.alliance:
            yield rel("FOR", "Alliance", item.alliance)
        if item.municipality:
            yield rel("LOCATED_IN", "Municipality", item.municipality)
        for who in item.participants:
            yield rel("WITH", "Actor" if who in actors else "Institution", who)


def _member_label(ds: Dataset, ident: str) -> str:
    return "Actor" if ident in ds.actors else "Institution"


def membership_row(ds: Dataset, m: Membership):
    return _membership_row(ds.actors, m)


def _membership_row(actors, m: Membership):
    since = _iso(m.since)
    key = ("MEMBER_OF", "Actor" if m.member in actors else "Institution", m.member, "Alliance", m.alliance,
           since or "")
    return key, _drop_none({"since": since, "until": _iso(m.until), "role": m.role})


def tie_row(ds: Dataset, t: Tie):
    return _tie_row(ds.actors, t)


def _tie_row(actors, t: Tie):
    if t.source in actors:
        key = ("KNOWS", "Actor", t.source, "Actor", t.target, "")
    else:
        key = ("COOPERATES_WITH", "Institution", t.source, "Institution", t.target, "")
    if t.frequency is None and t.trust is None and t.value is None and t.wave is None and t.reported_by is None:
        if t.strength is None:  # the common case of a tie from a list, not a survey
            return key, {"since": t.since.isoformat()} if t.since else {}
        return key, {"since": t.since.isoformat(), "strength": t.strength} if t.since else {"strength": t.strength}
    return key, _drop_none({"since": _iso(t.since), "strength": t.strength, "frequency": t.frequency,
                            "trust": t.trust, "value": t.value, "wave": t.wave, "reported_by": t.reported_by})


def rel_rows(ds: Dataset):
    """Yield ``(RelKey, props)`` for every relationship of the dataset."""
    for label, list_name in LABELS.items():
        if label in OWNED:
            for item in getattr(ds, list_name).values():
                yield from owned_rel_rows(label, item, ds.actors)
    for m in ds.memberships.values():
        yield membership_row(ds, m)
    for t in ds.ties.values():
        yield tie_row(ds, t)


#: The relationship types that are ties (in their sort order); every type but these and MEMBER_OF is a
#: field of its source node (:data:`OWNED`).
TIE_TYPES = ("COOPERATES_WITH", "KNOWS")


def dataset_from_rows(nodes: dict[str, dict[str, dict]], rels: dict[RelKey, dict]) -> Dataset:
    """Rebuild a Dataset from stored rows (the inverse of :func:`node_rows` + :func:`rel_rows`)."""
    memberships: list[tuple[str, str, dict]] = []
    ties: list[tuple[str, str, dict]] = []
    owned: dict[tuple[str, str], dict[str, list[str]]] = {}
    for (type_, src_label, src, _dst_label, dst, _key), props in rels.items():
        if type_ == "MEMBER_OF":
            memberships.append((src, dst, props))
        elif type_ in TIE_TYPES:
            ties.append((src, dst, props))
        else:
            add_owned(owned, src_label, type_, src, dst)
    return dataset_from_parts(nodes, memberships, ties, owned)


def add_owned(owned: dict[tuple[str, str], dict[str, list[str]]], label: str, type_: str, ident: str,
              target: str) -> None:
    """Note one relationship that is a field of its source (``owned[(label, type)][id]``)."""
    by_id = owned.get((label, type_))
    if by_id is None:
        by_id = owned[(label, type_)] = {}
    targets = by_id.get(ident)
    if targets is None:
        by_id[ident] = [target]
    else:
        targets.append(target)


class _Dates(dict):
    """Date text -> date, each parsed once and the object shared (dates are immutable); empty -> None."""

    def __missing__(self, text):
        found = self[text] = date.fromisoformat(text) if text else None
        return found


def dataset_from_parts(nodes: dict[str, dict[str, dict]], memberships: Iterable[tuple[str, str, dict]],
                       ties: Iterable[tuple[str, str, dict]],
                       owned: dict[tuple[str, str], dict[str, list[str]]]) -> Dataset:
    """:func:`dataset_from_rows` from the rows sorted by kind: ``(source, target, properties)`` of the
    memberships and of the ties, each in the order of their rows, and the targets of the relationships
    that are fields of their source, as ``owned[(source label, type)][source id]`` (in any order;
    :func:`add_owned`).

    The first read after every write builds the whole graph here (x10: 100k items), so it does
    no work per item it need not: relationship keys are computed inline instead of through the
    ``key`` properties, each date text is parsed once, the fields that relationships hold are
    looked up per kind in one dictionary each, a field held by one relationship (the common case)
    needs no sort. ``tests/test_dataset_rows.py`` compares the result item for item, types
    included, with the straightforward construction.
    """
    d = _Dates()
    membership_table: dict[tuple[str, str, str], Membership] = {}
    for src, dst, props in memberships:
        since = d[props.get("since")]
        membership_table[(src, dst, since.isoformat() if since else "")] = Membership(
            src, dst, since, d[props.get("until")], props.get("role"))
    tie_table: dict[tuple[str, str], Tie] = {}
    for src, dst, props in ties:
        strength, trust, value = props.get("strength"), props.get("trust"), props.get("value")
        tie_table[(src, dst) if src <= dst else (dst, src)] = Tie(
            src, dst, d[props.get("since")], float(strength) if strength is not None else None,
            props.get("frequency"), float(trust) if trust is not None else None,
            float(value) if value is not None else None, props.get("wave"), props.get("reported_by"))

    def one(label: str, type_: str) -> dict[str, str]:
        """Id -> the field's target (the smallest, should there be several)."""
        return {ident: targets[0] if len(targets) == 1 else min(targets)
                for ident, targets in owned.get((label, type_), {}).items()}

    def many(label: str, type_: str) -> dict[str, tuple[str, ...]]:
        return {ident: tuple(sorted(targets)) for ident, targets in owned.get((label, type_), {}).items()}

    ds = Dataset()
    for ident, p in nodes.get("State", {}).items():
        ds.add(State(ident, p.get("name", ident)))
    for ident, p in nodes.get("Municipality", {}).items():
        ds.add(Municipality(ident, p.get("name", ident), p.get("level"), p.get("state")))
    serves = many("ServiceOffice", "SERVES")
    for ident, p in nodes.get("ServiceOffice", {}).items():
        ds.add(ServiceOffice(ident, p.get("name", ident), p.get("city"), serves.get(ident, ())))
    for ident, p in nodes.get("Topic", {}).items():
        ds.add(Topic(ident, p.get("name", ident)))
    # Straight into the tables (what ds.add does, without its per-item lookups: 100k items at x10).
    institutions, site = ds.institutions, one("Institution", "LOCATED_IN")
    for ident, p in nodes.get("Institution", {}).items():
        institutions[ident] = Institution(ident, p.get("name", ident), p.get("type"), p.get("sector"),
                                          site.get(ident))
    actors, works_at, lives_in = ds.actors, one("Actor", "WORKS_AT"), one("Actor", "LIVES_IN")
    for ident, p in nodes.get("Actor", {}).items():
        actors[ident] = Actor(ident, p.get("name", ident), p.get("role"), works_at.get(ident), lives_in.get(ident),
                              bool(p.get("is_refugee_youth", False)), p.get("pseudonym"))
    place, topics, office = one("Alliance", "LOCATED_IN"), many("Alliance", "WORKS_ON"), one("Alliance", "SUPPORTED_BY")
    for ident, p in nodes.get("Alliance", {}).items():
        ds.alliances[ident] = Alliance(ident, p.get("name", ident), place.get(ident), d[p.get("founded")],
                                       p.get("status", "aktiv"), topics.get(ident, ()), office.get(ident))
    by, for_, at, with_ = (one("Offer", "OFFERED_BY"), one("Offer", "FOR"), one("Offer", "LOCATED_IN"),
                           many("Offer", "WITH"))
    for ident, p in nodes.get("Offer", {}).items():
        reached = p.get("people_reached")
        ds.offers[ident] = Offer(ident, p.get("type"), p.get("title"), d[p.get("date")], by.get(ident),
                                 for_.get(ident), at.get(ident), with_.get(ident, ()),
                                 int(reached) if reached is not None else None, p.get("note"))
    ds.memberships = membership_table
    ds.ties = tie_table
    return ds


def plan_upsert(existing: Dataset, incoming: Dataset, people=None) -> ChangeSet:
    """The writes that make the store hold `incoming` on top of `existing`.

    Unchanged items produce no write, so re-importing the same data changes nothing.
    Only incoming items are looked at: an item new to the store needs no comparison,
    a stored one is compared as an object first and as stored rows only when it differs.
    `people`: the ids of all persons after this write, when `incoming` does not hold all
    incoming persons (graph/rowimport.py plans those itself).
    """
    changes = ChangeSet()
    nodes, rels = changes.nodes, changes.rels
    actors = existing.actors | incoming.actors if people is None else people  # who is a person, after this write
    for label, list_name in LABELS.items():
        new = changed = unchanged = 0
        props_of = NODE_PROPS[label]
        owned = label in OWNED
        old_items = getattr(existing, list_name)
        for ident, item in getattr(incoming, list_name).items():
            old = old_items.get(ident)
            if old is None:
                new += 1
                nodes.append(NodeChange(label, ident, props_of(item), None))
                if owned:
                    rels.extend(RelChange(key, props, None) for key, props in owned_rel_rows(label, item, actors))
                continue
            if old == item:
                unchanged += 1
                continue
            changed += 1
            props, before = props_of(item), props_of(old)
            if props != before:
                nodes.append(NodeChange(label, ident, props, before))
            if owned:
                new_rels = dict(owned_rel_rows(label, item, actors))
                old_rels = dict(owned_rel_rows(label, old, actors))
                rels.extend(RelChange(key, None, props) for key, props in old_rels.items() if key not in new_rels)
                rels.extend(RelChange(key, props, None) for key, props in new_rels.items() if key not in old_rels)
        changes.counts[list_name] = {"new": new, "changed": changed, "unchanged": unchanged}
    for list_name, row in (("memberships", _membership_row), ("ties", _tie_row)):
        new = changed = unchanged = 0
        old_items = getattr(existing, list_name)
        for key, item in getattr(incoming, list_name).items():
            old = old_items.get(key)
            if old is None:
                new += 1
                rel_key, props = row(actors, item)
                rels.append(RelChange(rel_key, props, None))
            elif old == item:
                unchanged += 1
            else:
                changed += 1
                rel_key, props = row(actors, item)
                rels.append(RelChange(rel_key, props, row(actors, old)[1]))
        changes.counts[list_name] = {"new": new, "changed": changed, "unchanged": unchanged}
    return changes


def plan_delete(existing: Dataset, *, nodes: list[tuple[str, str]] = (), memberships=(), ties=()) -> ChangeSet:
    """The writes that remove entities (with all their relationships) and single relations."""
    changes = ChangeSet()
    doomed = set(nodes)
    props_of = {(label, ident): props for label, ident, props in node_rows(existing)}
    for label, ident in doomed:
        if (label, ident) in props_of:
            changes.nodes.append(NodeChange(label, ident, None, props_of[(label, ident)]))
    for key, props in rel_rows(existing):
        _, src_label, src, dst_label, dst, _ = key
        if (src_label, src) in doomed or (dst_label, dst) in doomed:
            changes.rels.append(RelChange(key, None, props))
    for m in memberships:
        key, props = membership_row(existing, m)
        if (key[1], key[2]) not in doomed:
            changes.rels.append(RelChange(key, None, props))
    for t in ties:
        key, props = tie_row(existing, t)
        if (key[1], key[2]) not in doomed and (key[3], key[4]) not in doomed:
            changes.rels.append(RelChange(key, None, props))
    return changes
