"""Reading one Kreis' part of the embedded store straight from its rows, without the whole graph.

:func:`graph.store.snapshot.kreis_slice` defines what a command about one Kreis or one of its
alliances reads (the closure of the Kreis' alliances and everyone placed there). Cutting it
from the whole graph needs the whole graph first: every row decoded and built into objects
(x100: about 8 s), which is what the first such command after a write paid. :func:`kreis_rows`
selects the same rows in SQL instead: the relationship ends it needs to place alliances,
persons and institutions, then the neighbourhood through the indexes, and decodes only the
rows it keeps. ``tests/test_snapshot.py`` checks that the dataset built from them equals
``kreis_slice`` of the whole graph for every Kreis (demo and synthetic data).

Rows come back in primary-key order, as :meth:`graph.store.sqlite.SQLiteStore._read_rows`
reads them, so :func:`graph.store.graphmap.dataset_from_rows` puts every item where the
whole graph has it.
"""

from __future__ import annotations

import json
import sqlite3

from .graphmap import OWNED, RelKey

__all__ = ["kreis_rows"]

NO_PLACE = "-"  # the shard of alliances without a place (graph.store.snapshot.NO_PLACE)
_TIES = ("KNOWS", "COOPERATES_WITH")
_UNITS = ("Actor", "Institution")
_REFERENCE = ("State", "Municipality", "ServiceOffice", "Topic")
_REL_COLUMNS = "type, src_label, src_id, dst_label, dst_id, key, props"


def _first(pairs) -> dict[str, str]:
    """Source -> its smallest target (what graphmap's ``one`` takes when there are several)."""
    out: dict[str, str] = {}
    for src, dst in pairs:
        if src not in out or dst < out[src]:
            out[src] = dst
    return out


def _ids(ids) -> str:
    return json.dumps(sorted(ids))


def kreis_rows(conn: sqlite3.Connection, *, kreis: str | None = None, alliance: str | None = None):
    """The rows of the shard holding this Kreis or this alliance's Kreis (call inside a read transaction).

    Returns ``(kreis, kreis_of_alliance, nodes, rels)`` with ``nodes`` and ``rels`` as
    ``_read_rows`` returns them (only the kept rows) and ``kreis_of_alliance`` mapping every
    alliance to its shard; None when the data has no such alliance or Kreis.
    """
    def pairs(type_: str, label: str):
        return conn.execute("SELECT src_id, dst_id FROM rels WHERE type = ? AND src_label = ?", (type_, label))

    def ids_of(label: str) -> set[str]:
        return {ident for (ident,) in conn.execute("SELECT id FROM nodes WHERE label = ?", (label,))}

    alliance_ids = ids_of("Alliance")
    placed = _first(pairs("LOCATED_IN", "Alliance"))
    kreis_of_alliance = {a: (placed[a][:5] if placed.get(a) else NO_PLACE) for a in alliance_ids}
    if alliance is not None:
        kreis = kreis_of_alliance.get(alliance)
    elif kreis is not None and not (kreis.isdigit() and conn.execute(
            "SELECT 1 FROM nodes WHERE label = 'Municipality' AND id = ?", (kreis,)).fetchone()):
        kreis = None
    if kreis is None:
        return None

    rels: dict[RelKey, str] = {}

    def keep(rows) -> list[tuple]:
        out = []
        for *key, props in rows:
            rels[tuple(key)] = props  # type: ignore[index]
            out.append(key)
        return out

    def ties_touching(ends: set[str]) -> list[tuple]:
        """Tie rows with an end in `ends` (through the primary key and the index by target)."""
        text = _ids(ends)
        return conn.execute(
            f"SELECT {_REL_COLUMNS} FROM rels WHERE type IN (?, ?) AND src_label IN (?, ?) "  # noqa: S608
            "AND src_id IN (SELECT value FROM json_each(?))", (*_TIES, *_UNITS, text)).fetchall() + conn.execute(
            f"SELECT {_REL_COLUMNS} FROM rels WHERE dst_label IN (?, ?) "  # noqa: S608
            "AND dst_id IN (SELECT value FROM json_each(?)) AND type IN (?, ?)", (*_UNITS, text, *_TIES)).fetchall()

    # alliance_closure (graph.store.snapshot), step by step on rows
    wanted = {a for a, k in kreis_of_alliance.items() if k == kreis}
    members = {src for (src,) in conn.execute(
        "SELECT src_id FROM rels WHERE dst_label = 'Alliance' AND dst_id IN (SELECT value FROM json_each(?)) "
        "AND type = 'MEMBER_OF'", (_ids(wanted),))}
    nodes = set(members)
    for _, _, src, _, dst, _ in keep(ties_touching(members)):
        nodes.update((src, dst))
    alliances = set(wanted)
    for row in keep(conn.execute(
            f"SELECT {_REL_COLUMNS} FROM rels WHERE type = 'MEMBER_OF' AND src_label IN (?, ?) "  # noqa: S608
            "AND src_id IN (SELECT value FROM json_each(?))", (*_UNITS, _ids(nodes)))):
        if row[4] in alliance_ids:
            alliances.add(row[4])

    institution_ids, actor_ids = ids_of("Institution"), ids_of("Actor")
    workplace = _first(pairs("WORKS_AT", "Actor"))
    if kreis != NO_PLACE:  # everyone placed in the Kreis (Dataset.municipality_of_member)
        site = _first(pairs("LOCATED_IN", "Institution"))
        home = _first(pairs("LIVES_IN", "Actor"))
        for ident in institution_ids:
            if (place := site.get(ident)) and place[:5] == kreis:
                nodes.add(ident)
        for ident in actor_ids - institution_ids:
            where = workplace.get(ident)
            place = (site.get(where) if where in institution_ids else None) or home.get(ident)
            if place and place[:5] == kreis:
                nodes.add(ident)
        around = True
    else:
        around = False
    actors = {n for n in nodes if n in actor_ids}
    institutions = {n for n in nodes if n not in actor_ids and n in institution_ids}
    institutions |= {w for a in actors if (w := workplace.get(a)) is not None and w in institution_ids}
    if around:
        kept = actors | institutions
        keep(row for row in ties_touching(kept) if row[2] in kept and row[4] in kept)
    candidates = {src for (src,) in conn.execute(
        "SELECT src_id FROM rels WHERE dst_label = 'Alliance' AND dst_id IN (SELECT value FROM json_each(?)) "
        "AND type = 'FOR'", (_ids(wanted),))}
    offer_ids = ids_of("Offer") & candidates
    served = _first(conn.execute("SELECT src_id, dst_id FROM rels WHERE type = 'FOR' AND src_label = 'Offer' "
                                 "AND src_id IN (SELECT value FROM json_each(?))", (_ids(offer_ids),)))
    offers = {o for o in offer_ids if served.get(o) in wanted}

    chosen = {"Alliance": alliances, "Actor": actors, "Institution": institutions, "Offer": offers}
    node_rows: dict[str, dict[str, str]] = {}
    for label in sorted([*_REFERENCE, *chosen]):
        if label in chosen:
            rows = conn.execute("SELECT id, props FROM nodes WHERE label = ? AND id IN "
                                "(SELECT value FROM json_each(?)) ORDER BY id", (label, _ids(chosen[label])))
        else:
            rows = conn.execute("SELECT id, props FROM nodes WHERE label = ? ORDER BY id", (label,))
        node_rows[label] = dict(rows)
    for label, owned in OWNED.items():
        ids = _ids(node_rows.get(label, ()))
        for type_ in sorted({t for t, _ in owned}):
            keep(conn.execute(f"SELECT {_REL_COLUMNS} FROM rels WHERE type = ? AND src_label = ? "  # noqa: S608
                              "AND src_id IN (SELECT value FROM json_each(?))", (type_, label, ids)))
    nodes_out = {label: dict(zip(rows, json.loads("[" + ",".join(rows.values()) + "]"))) if rows else {}
                 for label, rows in node_rows.items()}
    order = sorted(rels)
    decoded = json.loads("[" + ",".join(rels[k] for k in order) + "]") if order else []
    return kreis, kreis_of_alliance, nodes_out, dict(zip(order, decoded))
