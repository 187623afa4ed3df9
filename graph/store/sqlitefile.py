"""Files of the embedded store: backups, their checks and private file creation.

A backup is a plain SQLite file (rollback journal, no WAL) carrying a digest of
its content in ``meta.backup_digest``; restore checks a candidate completely
(integrity, schema version, tables and columns, digest, every stored value
readable) before anything of the live store is touched.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import tempfile
import zlib
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

from ..errors import InputError
from .base import decode_audit_chunk
from .graphmap import dataset_from_rows

DIGEST_KEY = "backup_digest"


def readonly_uri(path: Path) -> str:
    """A ``file:`` URI opening `path` read-only; ``%``, ``#`` and ``?`` in names stay part of the name."""
    return "file:" + quote(str(Path(path).resolve())) + "?mode=ro"


def private_temp(folder: Path, prefix: str) -> Path:
    """An empty new file only the owner can read, in `folder` (so a rename into place is atomic)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=prefix, suffix=".tmp")
    os.close(fd)
    return Path(name)


def unique_path(folder: Path, stem: str, suffix: str) -> Path:
    """A new, empty, private file ``stem-<UTC time>[-n]suffix`` that did not exist before (never overwritten)."""
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    for n in range(1, 10_000):
        path = folder / f"{stem}-{stamp}{'' if n == 1 else f'-{n}'}{suffix}"
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise OSError(f"kein freier Dateiname für {stem} in {folder}")


def remove_quietly(path: Path) -> None:
    for p in (path, *(Path(f"{path}{end}") for end in ("-wal", "-shm", "-journal", ".snapshot", ".loeschungen"))):
        try:
            p.unlink()
        except FileNotFoundError:
            pass


def _blob(value):
    """A blob (an audit chunk) in the digest: tagged hex, so it cannot equal a text value."""
    if isinstance(value, bytes):
        return {"blob": value.hex()}
    raise TypeError(f"{type(value).__name__} in a row")


def content_digest(conn: sqlite3.Connection) -> str:
    """SHA-256 over every row of every table, in a fixed order (the digest itself left out)."""
    h = hashlib.sha256()
    tables = sorted(r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                               "AND name NOT LIKE 'sqlite_%'"))
    for table in tables:
        width = len(conn.execute(f'PRAGMA table_info("{table}")').fetchall())
        order = ", ".join(str(i) for i in range(1, width + 1))
        h.update(f"\x00{table}\x00".encode())
        for row in conn.execute(f'SELECT * FROM "{table}" ORDER BY {order}'):  # noqa: S608 - names from the file
            if table == "meta" and row[0] == DIGEST_KEY:
                continue
            h.update(json.dumps(row, ensure_ascii=False, default=_blob).encode("utf-8", "surrogatepass"))
            h.update(b"\n")
    return h.hexdigest()


def expected_columns(migrations: dict[int, list[str]], version: int) -> dict[str, list[str]]:
    """Table -> column names of a store at `version`, built from the migrations themselves."""
    with closing(sqlite3.connect(":memory:")) as conn:
        conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
        for v in range(1, version + 1):
            for statement in migrations[v]:
                conn.execute(statement)
        tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                                             "AND name NOT LIKE 'sqlite_%'")]
        return {t: [c[1] for c in conn.execute(f"PRAGMA table_info({t})")] for t in tables}


def check_candidate(path: Path, migrations: dict[int, list[str]], current_version: int, *,
                    name: str | Path | None = None) -> int:
    """Check that `path` is an intact Bündnisnetz store; return its schema version.

    Raises :class:`InputError` ("keine gültige Bündnisnetz-Sicherung: …") naming what is wrong.
    """
    def refuse(reason: str) -> InputError:
        return InputError(f"{name or path}: keine gültige Bündnisnetz-Sicherung ({reason}); nichts geändert")

    try:
        with closing(sqlite3.connect(readonly_uri(path), uri=True)) as conn:
            result = [r[0] for r in conn.execute("PRAGMA integrity_check(20)")]
            if result != ["ok"]:
                raise refuse("Datei beschädigt: " + " ".join("; ".join(result[:2]).split())[:200])
            tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "meta" not in tables:
                raise refuse("Tabelle meta fehlt")
            meta = dict(conn.execute("SELECT key, value FROM meta"))
            try:
                version = int(meta.get("schema_version", "0"))
            except ValueError:
                raise refuse(f"Schemaversion {meta.get('schema_version')!r} ist keine Zahl") from None
            if not 1 <= version <= current_version:
                raise refuse(f"Schemaversion {version}, dieses Programm kennt 1 bis {current_version}")
            for table, columns in expected_columns(migrations, version).items():
                if table not in tables:
                    raise refuse(f"Tabelle {table} fehlt")
                have = [c[1] for c in conn.execute(f"PRAGMA table_info({table})")]
                missing = [c for c in columns if c not in have]
                if missing:
                    raise refuse(f"Tabelle {table}: Spalte(n) {', '.join(missing)} fehlen")
            if DIGEST_KEY in meta and meta[DIGEST_KEY] != content_digest(conn):
                raise refuse("Prüfsumme stimmt nicht, der Inhalt wurde verändert")
            nodes: dict = {}
            for label, ident, props in conn.execute("SELECT label, id, props FROM nodes"):
                nodes.setdefault(label, {})[ident] = json.loads(props)
            rels = {tuple(key): json.loads(props) for *key, props in conn.execute(
                "SELECT type, src_label, src_id, dst_label, dst_id, key, props FROM rels")}
            dataset_from_rows(nodes, rels)
            for before, after in conn.execute("SELECT before, after FROM audit"):
                for value in (before, after):
                    if isinstance(value, bytes):
                        decode_audit_chunk(value)  # a chunk of entries (graph.store.base)
                    elif value:
                        json.loads(value)
    except InputError:
        raise
    except (sqlite3.Error, ValueError, TypeError, AttributeError, KeyError, zlib.error) as exc:
        raise refuse(" ".join(str(exc).split())[:200] or type(exc).__name__) from exc
    return version
