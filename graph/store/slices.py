"""Reading one Kreis' part of a store straight from its rows, without the whole graph.

:func:`graph.store.snapshot.kreis_slice` defines what a command about one Kreis or one of its
alliances reads (the closure of the Kreis' alliances and everyone placed there). Cutting it
from the whole graph needs the whole graph first: every row decoded and built into objects
(x100: about 8 s), which is what the first such command after a write paid. :func:`kreis_rows`
selects the same rows instead: the relationship ends it needs to place alliances, persons and
institutions, then the neighbourhood, and decodes only the rows it keeps. It asks a
:class:`RowSource` a few kinds of question: :class:`SQLiteRows` answers them in SQL through the
indexes, :class:`graph.store.neo4j.CypherRows` in Cypher. ``tests/test_snapshot.py`` checks that
the dataset built from them equals ``kreis_slice`` of the whole graph for every Kreis (demo and
synthetic data), ``tests/test_bolt_reads.py`` the same against a Bolt server.

Rows come back in primary-key order, as :meth:`graph.store.sqlite.SQLiteStore._read_rows`
reads them, so :func:`graph.store.graphmap.dataset_from_rows` puts every item where the
whole graph has it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Collection, Iterable
from typing import Protocol

from .graphmap import OWNED, RelKey

__all__ = ["RowSource", "SQLiteRows", "kreis_rows", "member_rows"]

NO_PLACE = "-"  # the shard of alliances without a place (graph.store.snapshot.NO_PLACE)
_TIES = ("KNOWS", "COOPERATES_WITH")
_UNITS = ("Actor", "Institution")
_REFERENCE = ("State", "Municipality", "ServiceOffice", "Topic")

#: A relationship row: its key (type, source label, source id, target label, target id, key) and its
#: properties as the source stores them (:meth:`RowSource.decode` turns a list of them into dicts).
Row = tuple


class RowSource(Protocol):
    """The questions :func:`kreis_rows` asks a store (all inside one read, where the store has one)."""

    def ids(self, label: str) -> set[str]:
        """Ids of all nodes with this label."""

    def has(self, label: str, ident: str) -> bool:
        """Whether a node with this label and id exists."""

    def pairs(self, type_: str, src_label: str) -> Iterable[tuple[str, str]]:
        """(source id, target id) of every relationship of this type from a node with this label."""

    def sources(self, type_: str, dst_label: str, dst_ids: Collection[str]) -> set[str]:
        """Ids of the sources of relationships of this type into these nodes."""

    def rels(self, types: Collection[str], src_labels: Collection[str]) -> list[Row]:
        """All relationships of these types from nodes with these labels."""

    def rels_from(self, types: Collection[str], src_labels: Collection[str], src_ids: Collection[str]) -> list[Row]:
        """The relationships of these types from these nodes."""

    def rels_to(self, types: Collection[str], dst_labels: Collection[str], dst_ids: Collection[str]) -> list[Row]:
        """The relationships of these types into these nodes."""

    def nodes(self, label: str, ids: Collection[str] | None = None) -> dict[str, object]:
        """Id -> properties of these nodes (all with the label when `ids` is None), in id order."""

    def member_nodes(self, label: str) -> dict[str, object]:
        """Id -> properties of the nodes with this label that are members of an alliance, in id order."""

    def rels_from_members(self, types: Collection[str], src_labels: Collection[str]) -> list[Row]:
        """The relationships of these types from nodes with these labels that are members of an alliance."""

    def decode(self, values: list) -> list[dict]:
        """Properties as dicts, from what ``nodes`` and the relationship rows return."""


def _first(pairs) -> dict[str, str]:
    """Source -> its smallest target (what graphmap's ``one`` takes when there are several)."""
    out: dict[str, str] = {}
    for src, dst in pairs:
        if src not in out or dst < out[src]:
            out[src] = dst
    return out


def _existing(source: RowSource, label: str, ids: Iterable[str]) -> set[str]:
    """Those of `ids` that are nodes with this label."""
    ids = set(ids)
    return set(source.nodes(label, ids)) if ids else set()


def _placed_in(source: RowSource, kreis: str) -> set[str]:
    """The persons and institutions placed in this Kreis, as ``Dataset.municipality_of_member`` places
    them: an institution by its place, a person by the place of the institution they work at, else by
    where they live (the smallest target of each where there are several).

    Asked from the Kreis' places outwards: the institutions with a place there, the persons who live
    there or work at one of those institutions; then the exact rule for these only (a person living
    in the Kreis but working elsewhere is placed elsewhere). Anyone placed in the Kreis is among them.
    """
    places = {m for m in source.ids("Municipality") if m[:5] == kreis}
    sites = _existing(source, "Institution", source.sources("LOCATED_IN", "Municipality", places))
    near = source.sources("LIVES_IN", "Municipality", places) | source.sources("WORKS_AT", "Institution", sites)
    persons = _existing(source, "Actor", near) - _existing(source, "Institution", near)
    work = _first((row[2], row[4]) for row in source.rels_from(("WORKS_AT",), ("Actor",), persons))
    employers = _existing(source, "Institution", work.values())
    site = _first((row[2], row[4]) for row in source.rels_from(("LOCATED_IN",), ("Institution",), sites | employers))
    home = _first((row[2], row[4]) for row in source.rels_from(("LIVES_IN",), ("Actor",), persons))
    placed = {ident for ident in sites if site[ident][:5] == kreis}
    for ident in persons:
        employer = work.get(ident)
        place = (site.get(employer) if employer in employers else None) or home.get(ident)
        if place and place[:5] == kreis:
            placed.add(ident)
    return placed


def kreis_rows(source: RowSource, *, kreis: str | None = None, alliance: str | None = None):
    """The rows of the shard holding this Kreis or this alliance's Kreis.

    Returns ``(kreis, kreis_of_alliance, nodes, rels)`` with ``nodes`` and ``rels`` as
    ``_read_rows`` returns them (only the kept rows) and ``kreis_of_alliance`` mapping every
    alliance to its shard; None when the data has no such alliance or Kreis.
    """
    alliance_ids = source.ids("Alliance")
    placed = _first(source.pairs("LOCATED_IN", "Alliance"))
    kreis_of_alliance = {a: (placed[a][:5] if placed.get(a) else NO_PLACE) for a in alliance_ids}
    if alliance is not None:
        kreis = kreis_of_alliance.get(alliance)
    elif kreis is not None and not (kreis.isdigit() and source.has("Municipality", kreis)):
        kreis = None
    if kreis is None:
        return None

    rels: dict[RelKey, object] = {}

    def keep(rows: Iterable[Row]) -> list[tuple]:
        out = []
        for *key, props in rows:
            rels[tuple(key)] = props  # type: ignore[index]
            out.append(key)
        return out

    def ties_touching(ends: set[str]) -> list[Row]:
        return source.rels_from(_TIES, _UNITS, ends) + source.rels_to(_TIES, _UNITS, ends)

    # alliance_closure (graph.store.snapshot), step by step on rows
    wanted = {a for a, k in kreis_of_alliance.items() if k == kreis}
    members = source.sources("MEMBER_OF", "Alliance", wanted)
    nodes = set(members)
    for _, _, src, _, dst, _ in keep(ties_touching(members)):
        nodes.update((src, dst))
    alliances = set(wanted)
    for row in keep(source.rels_from(("MEMBER_OF",), _UNITS, nodes)):
        if row[4] in alliance_ids:
            alliances.add(row[4])

    if kreis != NO_PLACE:  # everyone placed in the Kreis (Dataset.municipality_of_member)
        nodes |= _placed_in(source, kreis)
    # the node rows of each kind kept, asked for once: which of the ids are of that kind, and their properties
    actors = source.nodes("Actor", nodes)
    workplace = _first((row[2], row[4]) for row in source.rels_from(("WORKS_AT",), ("Actor",), actors))
    institutions = source.nodes("Institution", (nodes - actors.keys()) | set(workplace.values()))
    if kreis != NO_PLACE:
        kept = actors.keys() | institutions.keys()
        keep(row for row in ties_touching(kept) if row[2] in kept and row[4] in kept)
    offers = source.nodes("Offer", source.sources("FOR", "Alliance", wanted))
    served = _first((row[2], row[4]) for row in source.rels_from(("FOR",), ("Offer",), offers))
    offers = {o: props for o, props in offers.items() if served.get(o) in wanted}

    chosen = {"Alliance": source.nodes("Alliance", alliances), "Actor": actors, "Institution": institutions,
              "Offer": offers}
    node_rows = {label: chosen[label] if label in chosen else source.nodes(label)
                 for label in sorted([*_REFERENCE, *chosen])}
    for label, owned in OWNED.items():
        for type_ in sorted({t for t, _ in owned}):
            keep(source.rels_from((type_,), (label,), node_rows.get(label, {})))
    nodes_out = {label: dict(zip(rows, source.decode(list(rows.values())))) if rows else {}
                 for label, rows in node_rows.items()}
    order = sorted(rels)
    return kreis, kreis_of_alliance, nodes_out, dict(zip(order, source.decode([rels[k] for k in order])))


def member_rows(source: RowSource):
    """The rows of the graph without the persons who are in no alliance and the ties not between two
    members: what checking every alliance and recommending offers read (``office --office``; the
    check looks at members, their institutions and the ties among them, the recommendations at
    institutions, offers and memberships). Returns ``(nodes, rels)`` as ``_read_rows`` does.
    """
    memberships = source.rels(("MEMBER_OF",), _UNITS)
    members = {row[2] for row in memberships}
    rels: dict[RelKey, object] = {tuple(row[:6]): row[6] for row in memberships}
    for label, owned in OWNED.items():
        for type_ in sorted({t for t, _ in owned}):
            ask = source.rels_from_members if label == "Actor" else source.rels  # persons: only members
            found = ask((type_,), (label,))
            rels.update((tuple(row[:6]), row[6]) for row in found)
    rels.update((tuple(row[:6]), row[6]) for row in source.rels_from_members(_TIES, _UNITS) if row[4] in members)
    node_rows = {label: source.member_nodes(label) if label == "Actor" else source.nodes(label)
                 for label in sorted([*_REFERENCE, "Alliance", "Actor", "Institution", "Offer"])}
    nodes_out = {label: dict(zip(rows, source.decode(list(rows.values())))) if rows else {}
                 for label, rows in node_rows.items()}
    order = sorted(rels)
    return nodes_out, dict(zip(order, source.decode([rels[k] for k in order])))


# -- the embedded store ----------------------------------------------------------------------------

_REL_COLUMNS = "type, src_label, src_id, dst_label, dst_id, key, props"


def _ids(ids) -> str:
    return json.dumps(sorted(ids))


def _marks(values: Collection) -> str:
    return ", ".join("?" * len(values))


class SQLiteRows:
    """:class:`RowSource` of the embedded store: SQL through the primary keys and the index by target
    (call inside a read transaction, so all rows come from the same moment)."""

    def __init__(self, conn: sqlite3.Connection):
        self.conn = conn

    def ids(self, label: str) -> set[str]:
        return {ident for (ident,) in self.conn.execute("SELECT id FROM nodes WHERE label = ?", (label,))}

    def has(self, label: str, ident: str) -> bool:
        found = self.conn.execute("SELECT 1 FROM nodes WHERE label = ? AND id = ?", (label, ident)).fetchone()
        return found is not None

    def pairs(self, type_: str, src_label: str) -> Iterable[tuple[str, str]]:
        return self.conn.execute("SELECT src_id, dst_id FROM rels WHERE type = ? AND src_label = ?", (type_, src_label))

    def sources(self, type_: str, dst_label: str, dst_ids: Collection[str]) -> set[str]:
        return {src for (src,) in self.conn.execute(
            "SELECT src_id FROM rels WHERE dst_label = ? AND dst_id IN (SELECT value FROM json_each(?)) "
            "AND type = ?", (dst_label, _ids(dst_ids), type_))}

    def rels(self, types: Collection[str], src_labels: Collection[str]) -> list[Row]:
        return self.conn.execute(
            f"SELECT {_REL_COLUMNS} FROM rels WHERE type IN ({_marks(types)}) "  # noqa: S608 - placeholders only
            f"AND src_label IN ({_marks(src_labels)})", (*types, *src_labels)).fetchall()

    def rels_from(self, types: Collection[str], src_labels: Collection[str], src_ids: Collection[str]) -> list[Row]:
        return self.conn.execute(
            f"SELECT {_REL_COLUMNS} FROM rels WHERE type IN ({_marks(types)}) "  # noqa: S608 - placeholders only
            f"AND src_label IN ({_marks(src_labels)}) AND src_id IN (SELECT value FROM json_each(?))",
            (*types, *src_labels, _ids(src_ids))).fetchall()

    def rels_to(self, types: Collection[str], dst_labels: Collection[str], dst_ids: Collection[str]) -> list[Row]:
        # `+type`: through the index by target. With a list of types SQLite would otherwise take the primary
        # key's leading `type` and walk every relationship of those types (x100: 0.2 s instead of 2 ms).
        return self.conn.execute(
            f"SELECT {_REL_COLUMNS} FROM rels WHERE dst_label IN ({_marks(dst_labels)}) "  # noqa: S608
            f"AND dst_id IN (SELECT value FROM json_each(?)) AND +type IN ({_marks(types)})",
            (*dst_labels, _ids(dst_ids), *types)).fetchall()

    def nodes(self, label: str, ids: Collection[str] | None = None) -> dict[str, object]:
        if ids is None:
            return dict(self.conn.execute("SELECT id, props FROM nodes WHERE label = ? ORDER BY id", (label,)))
        return dict(self.conn.execute("SELECT id, props FROM nodes WHERE label = ? AND id IN "
                                      "(SELECT value FROM json_each(?)) ORDER BY id", (label, _ids(ids))))

    def member_nodes(self, label: str) -> dict[str, object]:
        return dict(self.conn.execute(
            "SELECT id, props FROM nodes WHERE label = ? AND id IN "
            "(SELECT src_id FROM rels WHERE type = 'MEMBER_OF' AND src_label = ?) ORDER BY id", (label, label)))

    def rels_from_members(self, types: Collection[str], src_labels: Collection[str]) -> list[Row]:
        return self.conn.execute(
            f"SELECT {_REL_COLUMNS} FROM rels WHERE type IN ({_marks(types)}) "  # noqa: S608 - placeholders only
            f"AND src_label IN ({_marks(src_labels)}) AND (src_label, src_id) IN "
            "(SELECT src_label, src_id FROM rels WHERE type = 'MEMBER_OF')", (*types, *src_labels)).fetchall()

    def decode(self, values: list) -> list[dict]:
        return json.loads("[" + ",".join(values) + "]") if values else []
