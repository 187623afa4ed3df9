"""The embedded default store: one SQLite file holding the property graph.

WAL mode so the app can read while the CLI writes; every write is one
``BEGIN IMMEDIATE`` transaction, so an import is all or nothing.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from pathlib import Path

from ..errors import StoreUnavailable
from . import snapshot
from .base import SCHEMA_VERSION, AuditEntry, Progress, Store, dumps, now, redacted_target
from .graphmap import ChangeSet, RelKey
from .survey_sqlite import MIGRATION as SURVEY_MIGRATION

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
        "CREATE INDEX IF NOT EXISTS rels_by_dst ON rels (dst_label, dst_id)",
        """CREATE TABLE IF NOT EXISTS audit (
               seq INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, user TEXT NOT NULL,
               action TEXT NOT NULL, target TEXT NOT NULL, before TEXT, after TEXT)""",
        """CREATE TABLE IF NOT EXISTS dismissals (
               kind TEXT NOT NULL, source TEXT NOT NULL, target TEXT NOT NULL,
               PRIMARY KEY (kind, source, target)) WITHOUT ROWID""",
    ],
    2: SURVEY_MIGRATION,  # survey waves, invitations, answers (graph.store.survey_sqlite)
}

_BATCH = 5000
_BUMP_REVISION = ("INSERT INTO meta VALUES ('revision', '1') "
                  "ON CONFLICT(key) DO UPDATE SET value = CAST(value AS INTEGER) + 1")


class SQLiteStore(Store):
    def __init__(self, path: str | Path, uri: str | None = None):
        self.path = Path(path)
        self.uri = uri or f"sqlite:///{self.path}"
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
            self.conn.execute("CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        except (sqlite3.Error, OSError) as exc:
            raise StoreUnavailable(self.uri, str(exc)) from exc

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _immediate(self):
        """One write transaction: committed when the block ends, rolled back on any error."""
        cur = self.conn.cursor()
        cur.execute("BEGIN IMMEDIATE")
        try:
            yield cur
            cur.execute("COMMIT")
        except BaseException:
            cur.execute("ROLLBACK")
            raise
        finally:
            snapshot.invalidate(snapshot.snapshot_path(self.path))  # no cache outlives a write

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
        path = snapshot.snapshot_path(self.path)
        key = self._snapshot_key()
        ds = snapshot.load(path, key) if key else None
        if ds is None:
            ds = super().read()
            if key:
                snapshot.save(path, key, ds)
                if self._snapshot_key() != key:  # written meanwhile: do not leave an outdated copy behind
                    snapshot.invalidate(path)
        return ds

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
            for label, ident, props in self.conn.execute("SELECT label, id, props FROM nodes"):
                nodes.setdefault(label, {})[ident] = json.loads(props)
            for *key, props in self.conn.execute(
                    "SELECT type, src_label, src_id, dst_label, dst_id, key, props FROM rels"):
                rels[tuple(key)] = json.loads(props)
        finally:
            self.conn.execute("COMMIT")
        return nodes, rels

    def _write(self, changes: ChangeSet, audit: list[AuditEntry], progress: Progress | None) -> None:
        self._require_schema()
        total = len(changes.nodes) + len(changes.rels)
        done = 0
        with self._immediate() as cur:
            # Deletes of relationships first, then nodes, then upserts: a change set may
            # move an owned relationship from one target to another.
            rel_deletes = [c for c in changes.rels if c.props is None]
            cur.executemany("DELETE FROM rels WHERE type=? AND src_label=? AND src_id=? AND dst_label=? "
                            "AND dst_id=? AND key=?", [c.key for c in rel_deletes])
            node_deletes = [c for c in changes.nodes if c.props is None]
            cur.executemany("DELETE FROM nodes WHERE label=? AND id=?", [(c.label, c.id) for c in node_deletes])
            done += len(rel_deletes) + len(node_deletes)
            upserts = [c for c in changes.nodes if c.props is not None]
            for start in range(0, len(upserts), _BATCH):
                batch = upserts[start:start + _BATCH]
                cur.executemany("INSERT OR REPLACE INTO nodes VALUES (?, ?, ?)",
                                ((c.label, c.id, dumps(c.props)) for c in batch))
                done += len(batch)
                if progress:
                    progress(done, total)
            rel_upserts = [c for c in changes.rels if c.props is not None]
            for start in range(0, len(rel_upserts), _BATCH):
                batch = rel_upserts[start:start + _BATCH]
                cur.executemany("INSERT OR REPLACE INTO rels VALUES (?, ?, ?, ?, ?, ?, ?)",
                                ((*c.key, dumps(c.props)) for c in batch))
                done += len(batch)
                if progress:
                    progress(done, total)
            cur.executemany("INSERT INTO audit (at, user, action, target, before, after) VALUES (?,?,?,?,?,?)",
                            ((a.at, a.user, a.action, a.target, dumps(a.before), dumps(a.after)) for a in audit))
            cur.execute(_BUMP_REVISION)
        if progress:
            progress(total, total)

    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        self._require_schema()
        sql = "SELECT at, user, action, target, before, after FROM audit ORDER BY seq DESC"
        rows = self.conn.execute(sql + (" LIMIT ?" if limit else ""), (limit,) if limit else ())
        return [AuditEntry(at, user, action, target, json.loads(b) if b else None, json.loads(a) if a else None)
                for at, user, action, target, b, a in rows]

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

    def redact_audit(self, ident: str, replacement: str) -> int:
        self._require_schema()
        with self._immediate() as cur:
            rows = cur.execute("SELECT seq, target FROM audit WHERE instr(target, ?) > 0", (ident,)).fetchall()
            updates = [(new, seq) for seq, target in rows
                       if (new := redacted_target(target, ident, replacement)) is not None]
            cur.executemany("UPDATE audit SET target = ?, before = NULL, after = NULL WHERE seq = ?", updates)
            dismissed = cur.execute("DELETE FROM dismissals WHERE source = ? OR target = ?", (ident, ident)).rowcount
            if updates or dismissed:
                cur.execute(_BUMP_REVISION)
        # WAL and free pages may still hold the old bytes; a checkpoint and vacuum make erasure real.
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        self.conn.execute("VACUUM")
        return len(updates)

    def backup(self, target: str | Path) -> None:
        """A consistent copy of the live database (SQLite's online backup API)."""
        dest = sqlite3.connect(str(target))
        with dest:
            self.conn.backup(dest)
        dest.close()
