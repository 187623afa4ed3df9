"""The embedded default store: one SQLite file holding the property graph.

WAL mode so the app can read while the CLI writes; every write is one
``BEGIN IMMEDIATE`` transaction, so an import is all or nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import time
import weakref
from collections.abc import Callable, Iterable
from contextlib import closing, contextmanager
from itertools import chain, islice
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING

from ..collector import collector_paused
from ..errors import InputError, StoreBusy, StoreUnavailable
from . import base, snapshot
from .base import (
    SCHEMA_VERSION,
    AuditEntry,
    Progress,
    StaleRevision,
    Store,
    audit_chunk_text,
    audit_chunks,
    decode_audit_chunk,
    dumps,
    encode_audit_chunk,
    encode_audit_text,
    fast_dumps,
    now,
    value_needles,
)
from .erasure import Ledger, audit_ids, reapply
from .graphmap import LABELS, OWNED, TIE_TYPES, ChangeSet, RelKey, dataset_from_parts, dataset_from_rows
from .slices import SQLiteRows, kreis_rows
from .sqlitefile import (
    DIGEST_KEY,
    check_candidate,
    content_digest,
    expected_columns,
    private_temp,
    remove_quietly,
    unique_path,
)
from .survey_sqlite import MIGRATION as SURVEY_MIGRATION

if TYPE_CHECKING:
    from ..rowimport import RowPlan

_RELS_BY_DST = "CREATE INDEX IF NOT EXISTS rels_by_dst ON rels (dst_label, dst_id)"

#: version -> statements that bring a store from version-1 to version.
MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE IF NOT EXISTS nodes (
               label TEXT NOT NULL, id TEXT NOT NULL, props TEXT NOT NULL,
               PRIMARY KEY (label, id)) WITHOUT ROWID""",
        """CREATE TABLE IF NOT EXISTS rels (
               type TEXT NOT NULL, src_label TEXT NOT NULL, src_id TEXT NOT NULL,
               dst_label TEXT NOT NULL, dst_id TEXT NOT NULL, key TEXT NOT NULL, props TEXT NOT NULL,
               PRIMARY KEY (type, src_label, src_id, dst_label, dst_id, key)) WITHOUT ROWID""",
        _RELS_BY_DST,
        """CREATE TABLE IF NOT EXISTS audit (
               seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL,
               action TEXT NOT NULL, target TEXT NOT NULL, before TEXT, after TEXT)""",
        """CREATE TABLE IF NOT EXISTS dismissals (
               kind TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
               PRIMARY KEY (kind, source, target)) WITHOUT ROWID""",
    ],
    2: SURVEY_MIGRATION,  # survey waves, invitations, answers (graph.store.survey_sqlite)
}

_BATCH = 5000  # rows per executemany (progress is reported after each)
#: Rows per INSERT statement (a multi-row VALUES list): binding and stepping one statement per row
#: costs SQLite and the sqlite3 module about as much as the B-tree insert itself (x100, a million
#: relationships: 1.9 s CPU row by row, 1.25 s fifty at a time; beyond fifty it gains nothing).
_ROWS_PER_STATEMENT = 50
_BIG_WRITE = 50_000  # changes; above this a write gets a larger page cache for its transaction
_BIG_WRITE_CACHE_KIB = 65_536
#: SQLite sorts for CREATE INDEX in runs as large as the page cache; runs of a few MB stay in the CPU's
#: caches and are merged as streams, one sort of all entries at once does not (x100: 2.0 -> 1.2 s CPU).
_INDEX_SORT_CACHE_KIB = 2_000
_NODE_KEY = attrgetter("label", "id")  # primary keys; a stable sort keeps the order of repeated keys
_REL_KEY = attrgetter("key")
ENV_BUSY_TIMEOUT = "BUENDNISNETZ_BUSY_TIMEOUT"
DEFAULT_BUSY_WAIT = 30.0  # seconds a write waits for another writer's lock


def busy_wait() -> float:
    """Seconds a write waits for the lock: $BUENDNISNETZ_BUSY_TIMEOUT, else 30."""
    try:
        return max(0.0, float(os.environ.get(ENV_BUSY_TIMEOUT, DEFAULT_BUSY_WAIT)))
    except ValueError:
        return DEFAULT_BUSY_WAIT
_BUMP_REVISION = ("INSERT INTO meta VALUES ('revision', '1') "
                  "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


def _decoded(cursor, size: int = 20000):
    """The rows of `cursor` in chunks, each with the JSON of its last column decoded: one
    ``json.loads`` of a chunk's texts as one array instead of one call per row (about twice
    as fast; the chunks bound the memory of the joined text)."""
    while rows := cursor.fetchmany(size):
        yield rows, json.loads("[" + ",".join([row[-1] for row in rows]) + "]")


def _targets(rows: list[tuple[str, str]]) -> dict[str, list[str]]:
    """Source id -> its targets, from ``(source, target)`` rows (one dictionary made in C when, as
    usual, no source has two)."""
    one = dict(rows)
    if len(one) == len(rows):
        return {ident: [target] for ident, target in one.items()}
    by_id: dict[str, list[str]] = {}
    for ident, target in rows:
        targets = by_id.get(ident)
        if targets is None:
            by_id[ident] = [target]
        else:
            targets.append(target)
    return by_id


class SQLiteStore(Store):
    def __init__(self, path: str | Path, uri: str | None = None):
        self.path = Path(path)
        self.uri = uri or f"sqlite:///{self.path}"
        self._ledger: Ledger | None = None  # another store's ledger (a restore candidate uses the live one)
        self.on_busy: Callable[[float], None] | None = None  # told once when a write has to wait
        self._last_read: tuple[tuple, weakref.ref] | None = None  # (key, the dataset read last): read_shared
        try:
            self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not self.path.exists():  # private from the start; SQLite gives WAL and SHM the same mode
                os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
            # A short busy timeout per attempt; _begin_write waits longer, visibly and bounded.
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=0.5)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("PRAGMA secure_delete=ON")  # deleted rows are overwritten, not left in free pages
            self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(self.uri, str(exc)) from exc

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _immediate(self):
        """One write transaction: committed when the block ends, rolled back on any error."""
        cur = self.conn.cursor()
        self._begin_write(cur)
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            snapshot.invalidate(snapshot.snapshot_path(self.path))  # no cache outlives a write
            snapshot.invalidate_shards(self.path)

    def _begin_write(self, cur) -> None:
        """Take the write lock; while another writer holds it, wait up to :func:`busy_wait` seconds.

        The first wait is announced through ``on_busy`` (the CLI prints it); past the bound
        :class:`StoreBusy` says so in German (exit code 3), and nothing has been written.
        """
        deadline = None
        while True:
            try:
                cur.execute("BEGIN IMMEDIATE")
                return
            except sqlite3.OperationalError as exc:
                if "locked" not in str(exc) and "busy" not in str(exc):
                    raise
                limit = busy_wait()
                if deadline is None:
                    deadline = time.monotonic() + limit
                    if self.on_busy is not None:
                        self.on_busy(limit)
                if time.monotonic() >= deadline:
                    raise StoreBusy(self.uri, f"ein anderer Vorgang (z. B. ein Import oder die App) schreibt gerade; "
                                              f"nach {limit:g} s Warten aufgegeben, nichts geändert. Bitte später "
                                              "erneut versuchen.") from exc

    def _meta(self, key: str, default: int = 0) -> int:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return int(row[0]) if row else default

    def init_schema(self) -> None:
        with self._immediate() as cur:
            current = self._meta("schema_version")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    cur.execute(statement)
            cur.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

    def schema_version(self) -> int:
        return self._meta("schema_version")

    def revision(self) -> int:
        return self._meta("revision")

    def _require_schema(self) -> None:
        if self.schema_version() < SCHEMA_VERSION:
            self.init_schema()

    def read(self):
        """The whole graph; from the on-disk snapshot when it is current (:mod:`graph.store.snapshot`)."""
        key = self._snapshot_key()
        path = snapshot.snapshot_path(self.path)
        ds = snapshot.load(path, key) if key else None
        if ds is None:
            # 100k small objects at x10 and no cycles among them: without the pause the collector
            # walks the growing graph again and again (x10: 0.2-0.3 s of building it from the rows).
            with collector_paused():
                ds = dataset_from_parts(*self._read_parts())
                if key:
                    snapshot.save(path, key, ds)
                    if self._snapshot_key() != key:  # written meanwhile: do not leave an outdated copy behind
                        snapshot.invalidate(path)
        if key:
            self._last_read = (key, weakref.ref(ds))
        return ds

    def read_shared(self):
        """The whole graph for a caller that only looks at it: the very dataset an earlier :meth:`read`
        returned while that is still in use and the store still at its key (a command that read the
        graph and then computes a kept result from it need not load the snapshot again), else :meth:`read`."""
        last = self._last_read
        if last is not None and (held := last[1]()) is not None and last[0] == self._snapshot_key():
            return held
        return self.read()

    def read_members(self):
        """What checking every alliance and recommending offers read (``office --office``): the whole
        graph when its snapshot is current (loading that costs less), else the graph without persons in
        no alliance and ties not between two members (:func:`graph.store.slices.member_rows`), read from
        SQL with no snapshot written: after a write that is about half of reading everything and
        writing the snapshot. Either gives the same office view."""
        self._require_schema()
        key = self._snapshot_key()
        ds = snapshot.load(snapshot.snapshot_path(self.path), key) if key else None
        if ds is not None:
            self._last_read = (key, weakref.ref(ds))
            return ds
        with collector_paused():  # many small objects and no cycles among them (as in read)
            return dataset_from_parts(*self._read_member_parts())

    def _read_member_parts(self):
        """The rows of :func:`graph.store.slices.member_rows` as :meth:`_read_parts` gives them: each kind
        in primary-key order, the members' ties picked in SQL (through the members, not a scan of every
        tie), the persons' fields of the members picked from all rows of their kind, and only the targets
        of the relationships that are fields (no key tuples to build and sort, no empty properties to
        decode; x100: 1.9 instead of 3.4 s). ``tests/test_snapshot.py`` compares the dataset with
        ``member_rows``' item for item and in order."""
        units = "src_label IN ('Actor', 'Institution')"
        members = f"(SELECT src_label, src_id FROM rels WHERE type = 'MEMBER_OF' AND {units})"
        marks = ", ".join("?" * len(TIE_TYPES))
        nodes: dict[str, dict[str, dict]] = {}
        owned: dict[tuple[str, str], dict[str, list[str]]] = {}
        self.conn.execute("BEGIN")  # one read transaction: all rows from the same moment
        try:
            persons = {ident for (ident,) in self.conn.execute(
                "SELECT src_id FROM rels WHERE type = 'MEMBER_OF' AND src_label = 'Actor'")}
            for label in sorted(LABELS):
                only = f" AND (label, id) IN {members}" if label == "Actor" else ""  # persons: only members
                found: dict[str, dict] = {}
                for rows, decoded in _decoded(self.conn.execute(
                        f"SELECT id, props FROM nodes WHERE label = ?{only} ORDER BY id", (label,))):  # noqa: S608
                    found.update(zip([row[0] for row in rows], decoded))
                nodes[label] = found
            memberships = self._rel_parts(f"type = 'MEMBER_OF' AND {units}", ())
            ties: list[tuple[str, str, dict]] = []
            for rows, decoded in _decoded(self.conn.execute(
                    f"WITH m(label, id) AS (SELECT DISTINCT src_label, src_id FROM rels "  # noqa: S608
                    f"WHERE type = 'MEMBER_OF' AND {units}) "
                    "SELECT r.src_id, r.dst_id, r.props FROM m CROSS JOIN rels r "
                    f"ON r.type IN ({marks}) AND r.src_label = m.label AND r.src_id = m.id "
                    "WHERE r.dst_id IN (SELECT id FROM m) "
                    "ORDER BY r.type, r.src_label, r.src_id, r.dst_label, r.dst_id, r.key", TIE_TYPES)):
                ties += [(src, dst, props) for (src, dst, _), props in zip(rows, decoded)]
            for label, fields in OWNED.items():
                for type_ in sorted({t for t, _ in fields}):
                    rows = self.conn.execute("SELECT src_id, dst_id FROM rels WHERE type = ? AND src_label = ?",
                                             (type_, label)).fetchall()
                    if label == "Actor":  # persons: only members
                        rows = [row for row in rows if row[0] in persons]
                    owned[(label, type_)] = _targets(rows)
        finally:
            self.conn.execute("COMMIT")
        return nodes, memberships, ties, owned

    def read_alliance(self, alliance: str):
        """The neighbourhood of one alliance (:func:`graph.store.snapshot.alliance_closure`), from its shard."""
        return self._read_shard(alliance=alliance)

    def read_kreis(self, kreis: str):
        """What a command about one Kreis needs (:func:`graph.store.snapshot.kreis_slice`), from its shard."""
        return self._read_shard(kreis=kreis)

    def _read_shard(self, **which):
        """The shard holding `which` (one alliance or Kreis); when missing, read from the rows it needs
        (:func:`graph.store.slices.kreis_rows`, not the whole graph) and kept. The whole graph when the
        data has no such alliance or Kreis (the command then says so)."""
        key = self._snapshot_key()
        found = snapshot.load_shard(self.path, key, **which) if key else False
        if found:
            return found
        if found is None:
            self.conn.execute("BEGIN")  # one read transaction: all rows from the same moment
            try:
                rows = kreis_rows(SQLiteRows(self.conn), **which)
            finally:
                self.conn.execute("COMMIT")
            if rows is not None:
                kreis, kreis_of_alliances, nodes, rels = rows
                with collector_paused():
                    part = dataset_from_rows(nodes, rels)
                snapshot.save_shard(self.path, key, part, kreis, kreis_of_alliances)
                if self._snapshot_key() != key:  # written meanwhile: leave no outdated shard behind
                    snapshot.invalidate_shards(self.path)
                return part
        return self.read()

    def derived(self, name: str, params: tuple, compute):
        """``compute()``, a result computed from the data; kept until the next write
        (:func:`graph.store.snapshot.save_derived`). `params` must name everything else it depends on."""
        key = self._snapshot_key()
        if key is None:
            return compute()
        found = snapshot.load_derived(self.path, key, name, params)
        if found is not None:
            return found
        value = compute()
        if value is None:  # nothing to keep (a missing one reads as None anyway)
            return value
        snapshot.save_derived(self.path, key, name, params, value)
        if self._snapshot_key() != key:
            snapshot.invalidate(snapshot.derived_path(self.path, name, params))
        return value

    def _snapshot_key(self) -> tuple | None:
        """(revision, newest audit entry): changes with every write."""
        try:
            self._require_schema()
            last = self.conn.execute("SELECT seq, at FROM audit ORDER BY seq DESC LIMIT 1").fetchone()
            return (self.revision(), *(last or ()))
        except sqlite3.Error:
            return None

    def _read_rows(self):
        self._require_schema()
        nodes: dict[str, dict[str, dict]] = {}
        rels: dict[RelKey, dict] = {}
        # One read transaction, so nodes and rels come from the same moment.
        self.conn.execute("BEGIN")
        try:
            for rows, decoded in _decoded(self.conn.execute("SELECT label, id, props FROM nodes")):
                for (label, ident, _), props in zip(rows, decoded):
                    nodes.setdefault(label, {})[ident] = props
            for rows, decoded in _decoded(self.conn.execute(
                    "SELECT type, src_label, src_id, dst_label, dst_id, key, props FROM rels")):
                for row, props in zip(rows, decoded):
                    rels[row[:6]] = props
        finally:
            self.conn.execute("COMMIT")
        return nodes, rels

    def _read_parts(self):
        """The rows as :func:`graph.store.graphmap.dataset_from_parts` takes them, each kind asked for on
        its own (what :meth:`_read_rows` returns, without building every relationship's full key and
        decoding the empty properties of the relationships that are fields: x10 0.25 instead of 0.33 s).
        Memberships and ties come in primary-key order, as in :meth:`_read_rows`."""
        self._require_schema()
        nodes: dict[str, dict[str, dict]] = {}
        marks = ", ".join("?" * len(TIE_TYPES))
        self.conn.execute("BEGIN")  # one read transaction: all rows from the same moment
        try:
            for rows, decoded in _decoded(self.conn.execute("SELECT label, id, props FROM nodes")):
                for (label, ident, _), props in zip(rows, decoded):
                    nodes.setdefault(label, {})[ident] = props
            memberships = self._rel_parts("type = 'MEMBER_OF'", ())
            ties = self._rel_parts(f"type IN ({marks})", TIE_TYPES)
            owned: dict[tuple[str, str], dict[str, list[str]]] = {}
            by_id: dict[str, list[str]] = {}
            last = None
            for label, type_, ident, target in self.conn.execute(  # by type and label: one dictionary a run
                    f"SELECT src_label, type, src_id, dst_id FROM rels WHERE type NOT IN ('MEMBER_OF', {marks}) "
                    "ORDER BY type, src_label", TIE_TYPES):
                if (label, type_) != last:
                    last = (label, type_)
                    by_id = owned.setdefault(last, {})
                targets = by_id.get(ident)
                if targets is None:
                    by_id[ident] = [target]
                else:
                    targets.append(target)
        finally:
            self.conn.execute("COMMIT")
        return nodes, memberships, ties, owned

    def _rel_parts(self, where: str, params: tuple) -> list[tuple[str, str, dict]]:
        out: list[tuple[str, str, dict]] = []
        for rows, decoded in _decoded(self.conn.execute(
                f"SELECT src_id, dst_id, props FROM rels WHERE {where} "  # noqa: S608 - fixed conditions
                "ORDER BY type, src_label, src_id, dst_label, dst_id, key", params)):
            out += [(src, dst, props) for (src, dst, _), props in zip(rows, decoded)]
        return out

    def apply(self, changes: ChangeSet, *, user: str, action: str, progress: Progress | None = None,
              redact: bool = False, expected_revision: int | None = None) -> int:
        """As :meth:`Store.apply`; the audit entries go straight into chunks (no entry objects)."""
        if changes.is_empty():
            return 0
        at = now()
        blobs = ((at, user, action, encode_audit_chunk(items)) for items in audit_chunks(changes, redact))
        self._write_changes(changes, blobs, progress, expected_revision)  # chunks made as written
        return len(changes.nodes) + len(changes.rels)

    def apply_rows(self, plan: RowPlan, *, user: str, action: str, progress: Progress | None = None,
                   expected_revision: int | None = None) -> int:
        """Write the rows of an import planned by :func:`graph.rowimport.plan_rows`: the same rows
        and audit chunks :meth:`apply` writes for the same import, without change objects."""
        if not plan.changes:
            return 0
        at = now()
        blobs = ((at, user, action, encode_audit_text(text.encode("utf-8")))
                 for text in plan.audit_texts(base.AUDIT_CHUNK))
        nodes, rels = sorted(plan.nodes), sorted(plan.rels)  # no two rows share a key: the sort is by key
        self._write_sorted(plan.rel_deletes, [], nodes, len(nodes), rels, len(rels), blobs, progress,
                           expected_revision)
        return plan.changes

    def _write(self, changes: ChangeSet, audit: list[AuditEntry], progress: Progress | None,
               expected_revision: int | None = None) -> None:
        chunks: list[tuple[str, str, str, list[list]]] = []
        for entry in audit:  # consecutive entries of the same who/when/what share a chunk
            head = (entry.at, entry.user, entry.action)
            if not chunks or chunks[-1][:3] != head or len(chunks[-1][3]) >= base.AUDIT_CHUNK:
                chunks.append((*head, []))
            chunks[-1][3].append([entry.target, entry.before, entry.after])
        blobs = ((at, user, action, encode_audit_chunk(items)) for at, user, action, items in chunks)
        self._write_changes(changes, blobs, progress, expected_revision)

    def _write_changes(self, changes: ChangeSet, audit: Iterable[tuple[str, str, str, bytes]],
                       progress: Progress | None, expected_revision: int | None) -> None:
        """Apply a change set with its audit chunks ``(at, user, action, blob)``.

        Rows go in sorted by primary key: SQLite then appends to its B-trees instead of
        splitting pages all over them (a third less CPU for a large import). Their JSON is
        made batch by batch (a million rows' JSON at once costs memory).
        """
        rel_deletes = [c.key for c in changes.rels if c.props is None]
        node_deletes = [(c.label, c.id) for c in changes.nodes if c.props is None]
        upserts = sorted([c for c in changes.nodes if c.props is not None], key=_NODE_KEY)
        rel_upserts = sorted([c for c in changes.rels if c.props is not None], key=_REL_KEY)
        self._write_sorted(rel_deletes, node_deletes, ((c.label, c.id, fast_dumps(c.props)) for c in upserts),
                           len(upserts), ((*c.key, fast_dumps(c.props)) for c in rel_upserts), len(rel_upserts),
                           audit, progress, expected_revision)

    def _write_sorted(self, rel_deletes: list, node_deletes: list, nodes: Iterable[tuple], node_count: int,
                      rels: Iterable[tuple], rel_count: int, audit: Iterable[tuple[str, str, str, bytes]],
                      progress: Progress | None, expected_revision: int | None) -> None:
        """One write transaction: the deletes, then the node and relationship rows (each sorted by
        primary key, `node_count` and `rel_count` of them), then the audit chunks and the revision."""
        self._require_schema()
        total = len(rel_deletes) + len(node_deletes) + node_count + rel_count
        cache = self.conn.execute("PRAGMA cache_size").fetchone()[0]
        if total > _BIG_WRITE:  # a page cache that holds the index pages being filled (else re-read from disk)
            self.conn.execute(f"PRAGMA cache_size = -{_BIG_WRITE_CACHE_KIB}")
        try:
            with self._immediate() as cur:
                if expected_revision is not None and self._meta("revision") != expected_revision:
                    raise StaleRevision(f"revision {self._meta('revision')}, expected {expected_revision}")
                # Deletes of relationships first, then nodes, then upserts: a change set may
                # move an owned relationship from one target to another.
                cur.executemany("DELETE FROM rels WHERE type=? AND src_label=? AND src_id=? AND dst_label=? "
                                "AND dst_id=? AND key=?", rel_deletes)
                cur.executemany("DELETE FROM nodes WHERE label=? AND id=?", node_deletes)
                done = len(rel_deletes) + len(node_deletes)
                done = self._insert(cur, "nodes", 3, nodes, done, total, progress)
                # More new relationships than stored ones (a first import): the index by target is built
                # once afterwards, from sorted entries, instead of being filled in random order.
                rebuild = (rel_count > _BIG_WRITE
                           and rel_count > cur.execute("SELECT count(*) FROM rels").fetchone()[0])
                if rebuild:
                    cur.execute("DROP INDEX IF EXISTS rels_by_dst")
                self._insert(cur, "rels", 7, rels, done, total, progress)
                if rebuild:
                    cur.execute(f"PRAGMA cache_size = -{_INDEX_SORT_CACHE_KIB}")  # restored below
                    cur.execute(_RELS_BY_DST)
                cur.executemany("INSERT INTO audit (at, user, action, target, before, after) "
                                "VALUES (?,?,?,'',NULL,?)", audit)
                cur.execute(_BUMP_REVISION)
        finally:
            if total > _BIG_WRITE:
                self.conn.execute(f"PRAGMA cache_size = {int(cache)}")  # and the memory is given back
        if progress:
            progress(total, total)

    @staticmethod
    def _insert(cur, table: str, width: int, rows: Iterable[tuple], done: int, total: int,
                progress: Progress | None) -> int:
        """``INSERT OR REPLACE`` of `rows` (`width` values each) into `table`: ``executemany`` in batches of
        :data:`_BATCH` rows (progress after each), :data:`_ROWS_PER_STATEMENT` rows per statement. SQLite
        inserts the rows of a VALUES list one after the other, so a repeated key ends as row by row
        (the last one stays). Returns `done` plus the rows."""
        one = "(" + ", ".join("?" * width) + ")"
        single = f"INSERT OR REPLACE INTO {table} VALUES {one}"
        multi = f"INSERT OR REPLACE INTO {table} VALUES " + ", ".join([one] * _ROWS_PER_STATEMENT)
        step = width * _ROWS_PER_STATEMENT
        rows = iter(rows)
        while batch := list(islice(rows, _BATCH)):
            if {*map(len, batch)} != {width}:  # flattened, a short row would shift every value after it
                raise ValueError(f"{table}: rows of {width} values expected")
            whole = len(batch) // _ROWS_PER_STATEMENT
            values = chain.from_iterable(batch)
            cur.executemany(multi, list(islice(zip(*[values] * step), whole)))  # tuples of `step` values
            cur.executemany(single, batch[whole * _ROWS_PER_STATEMENT:])
            done += len(batch)
            if progress:
                progress(done, total)
        return done

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """Newest first; a chunk row (``after`` a blob) expands into its entries, newest first."""
        self._require_schema()
        out: list[AuditEntry] = []
        rows = self.conn.execute("SELECT at, user, action, target, before, after FROM audit ORDER BY seq DESC")
        for at, user, action, target, b, a in rows:
            if isinstance(a, bytes):
                out += [AuditEntry(at, user, action, t, tb, ta) for t, tb, ta in reversed(decode_audit_chunk(a))]
            else:
                out.append(AuditEntry(at, user, action, target, json.loads(b) if b else None,
                                      json.loads(a) if a else None))
            if limit and len(out) >= limit:
                return out[:limit]
        return out

    def dismissals(self) -> set[tuple[str, str, str]]:
        self._require_schema()
        return set(self.conn.execute("SELECT kind, source, target FROM dismissals"))

    def add_dismissal(self, kind: str, source: str, target: str, *, user: str) -> None:
        self._require_schema()
        with self._immediate() as cur:
            cur.execute("INSERT OR IGNORE INTO dismissals VALUES (?, ?, ?)", (kind, source, target))
            cur.execute("INSERT INTO audit (at, user, action, target, before, after) VALUES (?,?,?,?,?,?)",
                        (now(), user, "dismiss", f"{kind}:{source}->{target}", None, None))
            cur.execute(_BUMP_REVISION)

    def add_audit(self, user: str, action: str, target: str) -> None:
        self._require_schema()  # no revision bump: no data changed, caches stay valid
        with self._immediate() as cur:
            cur.execute("INSERT INTO audit (at, user, action, target, before, after) VALUES (?,?,?,?,?,?)",
                        (now(), user, action, target, None, None))

    def redact_audit(self, ident: str, replacement: str, terms: tuple[str, ...] | list[str] = ()) -> int:
        self._require_schema()
        needles = value_needles(terms or (ident,))
        with self._immediate() as cur:
            rows = cur.execute("SELECT seq, target FROM audit WHERE instr(target, ?) > 0 "
                               "AND typeof(after) != 'blob'", (ident,)).fetchall()
            updates = [(replacement, seq) for seq, target in rows if ident in audit_ids(target)]
            cur.executemany("UPDATE audit SET target = ?, before = NULL, after = NULL WHERE seq = ?", updates)
            for needle in needles:
                cur.execute("UPDATE audit SET before = NULL, after = NULL WHERE typeof(after) != 'blob' "
                            "AND (instr(before, ?) > 0 OR instr(after, ?) > 0)", (needle, needle))
            named = len(updates) + self._redact_chunks(cur, ident, replacement, needles)
            cur.execute("DELETE FROM dismissals WHERE source = ? OR target = ?", (ident, ident))
            cur.execute(_BUMP_REVISION)
        # WAL and free pages may still hold the old bytes; a checkpoint and vacuum make erasure real.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.execute("VACUUM")
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        return named

    @staticmethod
    def _redact_chunks(cur, ident: str, replacement: str, needles: list[str]) -> int:
        """:meth:`redact_audit` inside chunk rows: the same rule per entry, the chunk rewritten.

        A chunk whose text holds neither the id nor a needle cannot name the person (values are
        escaped in it exactly as in a per-entry row) and is left as it is.
        """
        named = 0
        probes = [p.encode("utf-8", "surrogatepass") for p in (ident, *needles)]
        for seq, blob in cur.execute("SELECT seq, after FROM audit WHERE typeof(after) = 'blob'").fetchall():
            text = audit_chunk_text(blob)
            if not any(p in text for p in probes):
                continue
            items = decode_audit_chunk(blob)
            for item in items:
                target, before, after = item
                if ident in audit_ids(target):
                    item[:] = [replacement, None, None]
                    named += 1
                elif any(n in (dumps(before) or "") or n in (dumps(after) or "") for n in needles):
                    item[1] = item[2] = None
            cur.execute("UPDATE audit SET after = ? WHERE seq = ?", (encode_audit_chunk(items), seq))
        return named

    def erasure_ledger(self) -> Ledger:
        return self._ledger or Ledger(self.path.with_name(self.path.name + ".loeschungen"))

    def _is_store_file(self, path: Path) -> bool:
        live = self.path.resolve()
        return path.resolve() in (live, Path(f"{live}-wal"), Path(f"{live}-shm"))

    def _copy_to(self, dest: Path) -> None:
        """A consistent copy into the (new, private) file `dest`: one file, no WAL, with a content digest."""
        with closing(sqlite3.connect(dest, isolation_level=None)) as conn:
            self.conn.backup(conn)
            conn.execute("PRAGMA journal_mode=DELETE")
            conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (DIGEST_KEY, content_digest(conn)))

    def backup(self, target: str | Path, *, user: str) -> Path:
        """A consistent, checked copy of the live store (online backup API), written atomically."""
        self._require_schema()
        target = Path(target)
        folder = target.parent
        if not folder.is_dir():
            raise InputError(f"{target}: den Ordner {folder} gibt es nicht (bitte zuerst anlegen)")
        if target.is_dir():
            raise InputError(f"{target}: ist ein Ordner; bitte einen Dateinamen angeben")
        if self._is_store_file(target):
            raise InputError(f"{target}: das ist der Speicher selbst; bitte eine andere Datei angeben")
        self.add_audit(user, "backup", f"Sicherung:{target.name}")
        try:
            tmp = private_temp(folder, f".{target.name}.")
        except OSError as exc:
            raise InputError(f"{target}: kann hier nicht schreiben ({exc.strerror or exc})") from exc
        try:
            self._copy_to(tmp)
            os.replace(tmp, target)
        except (sqlite3.Error, OSError) as exc:
            remove_quietly(tmp)
            raise InputError(f"{target}: Sicherung fehlgeschlagen ({exc})") from exc
        return target

    def restore(self, source: str | Path, *, user: str) -> Path:
        """Replace the store by a checked backup, keeping the current state as a new pre-restore copy.

        The candidate is copied, checked completely and prepared (schema brought up to date,
        revision above every earlier one, a "restore" audit entry) before the live store is
        touched; the switch itself is one write transaction.
        """
        self._require_schema()
        source = Path(source)
        if not source.is_file():
            raise InputError(f"{source}: Datei nicht gefunden")
        if self._is_store_file(source):
            raise InputError(f"{source}: das ist der Speicher selbst")
        folder = self.path.resolve().parent
        tmp = private_temp(folder, f".{self.path.name}.restore-")
        try:
            try:
                shutil.copyfile(source, tmp)
            except OSError as exc:
                raise InputError(f"{source}: nicht lesbar ({exc.strerror or exc})") from exc
            check_candidate(tmp, MIGRATIONS, SCHEMA_VERSION, name=source)
            with SQLiteStore(tmp) as candidate:
                candidate.init_schema()
                candidate._ledger = self.erasure_ledger()
                reapply(candidate, candidate._ledger, user=user)  # erased people stay erased
                candidate.conn.execute("DELETE FROM meta WHERE key = ?", (DIGEST_KEY,))
                candidate.conn.execute("PRAGMA journal_mode=DELETE")
            return self._install(tmp, source, user)
        finally:
            remove_quietly(tmp)

    def _install(self, candidate: Path, source: Path, user: str, attempts: int = 3) -> Path:
        """Swap the store's content for the prepared candidate's, in one transaction.

        The pre-restore copy is taken first; the switch happens only if no write came in
        since (same revision), so the copy holds exactly the state that gets replaced.
        """
        folder = self.path.resolve().parent
        for _ in range(attempts):
            undo = unique_path(folder, self.path.stem + ".vor-restore", ".db")
            try:
                self._copy_to(undo)
                with closing(sqlite3.connect(undo)) as copy:
                    copied = int(copy.execute("SELECT coalesce(max(value), 0) FROM meta "
                                              "WHERE key = 'revision'").fetchone()[0])
                if self._swap(candidate, source, user, copied):
                    self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                    return undo
            except BaseException:
                remove_quietly(undo)
                raise
            remove_quietly(undo)
        raise StoreUnavailable(self.uri, "der Speicher wird gerade ständig geändert; Rücksicherung bitte "
                                         "später wiederholen (nichts geändert)")

    def _swap(self, candidate: Path, source: Path, user: str, expected_revision: int) -> bool:
        self.conn.execute("ATTACH DATABASE ? AS candidate", (str(candidate),))
        try:
            with self._immediate() as cur:
                current = self._meta("revision")
                if current != expected_revision:
                    return False
                restored = int(cur.execute("SELECT coalesce(max(CAST(value AS INTEGER)), 0) FROM candidate.meta "
                                           "WHERE key = 'revision'").fetchone()[0])
                for table, names in expected_columns(MIGRATIONS, SCHEMA_VERSION).items():
                    columns = ", ".join(names)
                    cur.execute(f"DELETE FROM main.{table}")  # noqa: S608 - fixed names
                    cur.execute(f"INSERT INTO main.{table} ({columns}) "  # noqa: S608
                                f"SELECT {columns} FROM candidate.{table}")
                # Above every revision either file ever had: caches keyed by revision cannot serve old data.
                cur.execute("INSERT OR REPLACE INTO meta VALUES ('revision', ?)", (str(max(current, restored) + 1),))
                cur.execute("INSERT INTO audit (at, user, action, target, before, after) VALUES (?,?,?,?,?,?)",
                            (now(), user, "restore", f"Sicherung:{source.name}", None, None))
            return True
        finally:
            self.conn.execute("DETACH DATABASE candidate")
