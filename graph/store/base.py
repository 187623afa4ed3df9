"""The store interface every backend implements.

A store holds one property graph (see :mod:`graph.store.graphmap`) plus a
revision counter, a schema version and an audit log. Backends implement only
the primitives ``_read_rows`` and ``_write``; reading a Dataset and planning
writes is shared, so both backends behave the same by construction.
"""

from __future__ import annotations

import json
import zlib
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import orjson

from ..errors import InputError
from ..model import Dataset
from .graphmap import ChangeSet, RelKey, dataset_from_rows

SCHEMA_VERSION = 2  # 2: survey tables (SQLite; Neo4j keeps survey nodes without schema)

BACKUP_UNSUPPORTED = ("Sicherung und Rücksicherung gibt es in Bündnisnetz nur für den eingebetteten Speicher "
                      "(sqlite). Einen Neo4j-Server sichert man mit „neo4j-admin database dump“ und spielt "
                      "mit „neo4j-admin database load“ zurück (siehe README).")

Progress = Callable[[int, int], None]  # (done, total)


class StaleRevision(Exception):
    """A write was planned against a revision the store has moved past; nothing was written."""


@dataclass(frozen=True, slots=True)
class AuditEntry:
    """One audited change: who, when, what (before and after, as stored properties)."""

    at: str
    user: str
    action: str
    target: str  # "Label:id" or "TYPE:src->dst"
    before: dict | None
    after: dict | None

    def as_dict(self) -> dict:
        return {"at": self.at, "user": self.user, "action": self.action, "target": self.target,
                "before": self.before, "after": self.after}


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def audit_entries(changes: ChangeSet, user: str, action: str, at: str | None = None,
                  redact: bool = False) -> list[AuditEntry]:
    """One entry per change; with `redact` the entries keep no property values."""
    at = at or now()
    out = [AuditEntry(at, user, action, f"{c.label}:{c.id}", None if redact else c.before,
                      None if redact else c.props) for c in changes.nodes]
    out += [AuditEntry(at, user, action, rel_target(c.key), None if redact else c.before,
                       None if redact else c.props) for c in changes.rels]
    return out


def value_needles(terms) -> list[str]:
    """Each term as it appears in stored JSON values (raw, and escaped where JSON escapes it)."""
    out = []
    for term in terms:
        for form in (term, json.dumps(term, ensure_ascii=False)[1:-1]):
            if form and form not in out:
                out.append(form)
    return out


def rel_target(key: RelKey) -> str:
    type_, _, src, _, dst, k = key
    return f"{type_}:{src}->{dst}" + (f"@{k}" if k else "")


_encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode


def dumps(value) -> str | None:
    """Stored JSON of a property map (hot during imports: one encoder, no per-call setup)."""
    if value is None:
        return None
    return _encode(value) if value else "{}"


def fast_dumps(value) -> str:
    """:func:`dumps` of a property map, by orjson (about 5× faster; keys sorted the same way).

    The text differs only in the separators (``,`` and ``:`` without spaces); strings are
    escaped exactly as ``json.dumps(..., ensure_ascii=False)`` escapes them (tests/test_audit_chunks.py
    checks every code point), so it decodes to the same values and a search for a stored
    value finds the same rows. What orjson refuses (a lone surrogate) goes through :func:`dumps`.
    """
    if not value and type(value) is dict:
        return "{}"  # most relationships have no properties
    try:
        return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")
    except (orjson.JSONEncodeError, TypeError):
        return _encode(value)


# -- the compact audit form: one row per chunk of a write, holding all its changes -----------------

#: Changes per audit chunk (one stored row); showing the newest entries decodes only the newest chunk.
AUDIT_CHUNK = 5000
_CHUNK_MAGIC = b"bn-audit/1\n"


def audit_items(changes: ChangeSet, redact: bool = False) -> list[list]:
    """``[target, before, after]`` per change, in write order (nodes, then relationships).

    The same entries as :func:`audit_entries` without who/when/what, which a chunk holds once.
    """
    return [item for chunk in audit_chunks(changes, redact) for item in chunk]


def audit_chunks(changes: ChangeSet, redact: bool = False):
    """:func:`audit_items` in chunks of at most :data:`AUDIT_CHUNK`, each made when it is needed."""
    size = AUDIT_CHUNK
    for start in range(0, len(changes.nodes), size):
        nodes = changes.nodes[start:start + size]
        yield ([[f"{c.label}:{c.id}", None, None] for c in nodes] if redact else
               [[f"{c.label}:{c.id}", c.before, c.props] for c in nodes])
    for start in range(0, len(changes.rels), size):
        rels = changes.rels[start:start + size]
        yield ([[rel_target(c.key), None, None] for c in rels] if redact else
               [[f"{k[0]}:{k[2]}->{k[4]}@{k[5]}" if k[5] else f"{k[0]}:{k[2]}->{k[4]}", c.before, c.props]
                for c in rels for k in (c.key,)])  # rel_target, inlined: one per relationship


def encode_audit_chunk(items: list[list]) -> bytes:
    """``[target, before, after]`` items as one compressed blob (JSON with sorted keys, zlib level 1)."""
    try:
        text = orjson.dumps(items, option=orjson.OPT_SORT_KEYS)
    except (orjson.JSONEncodeError, TypeError):
        text = json.dumps(items, ensure_ascii=False, sort_keys=True).encode("utf-8", "surrogatepass")
    return encode_audit_text(text)


def encode_audit_text(text: bytes) -> bytes:
    """A chunk from its JSON text (what :func:`encode_audit_chunk` writes for the items the text holds)."""
    return _CHUNK_MAGIC + zlib.compress(text, 1)


def audit_chunk_text(blob: bytes) -> bytes:
    """The JSON text inside a chunk (a search for a stored value can look here before decoding)."""
    if not blob.startswith(_CHUNK_MAGIC):
        raise ValueError("kein Protokollblock von Bündnisnetz")
    return zlib.decompress(blob[len(_CHUNK_MAGIC):])


def decode_audit_chunk(blob: bytes) -> list[list]:
    """The ``[target, before, after]`` items of a chunk, in write order; property keys sorted as stored."""
    items = json.loads(audit_chunk_text(blob).decode("utf-8", "surrogatepass"))
    if not isinstance(items, list) or not all(isinstance(i, list) and len(i) == 3 for i in items):
        raise ValueError("Protokollblock hat nicht die erwartete Form")
    return items


class Store(ABC):
    """A graph store. Use :func:`graph.store.open_store` to get one for a URI."""

    uri: str

    # -- primitives ---------------------------------------------------------
    @abstractmethod
    def init_schema(self) -> None:
        """Create tables/constraints and record the schema version; idempotent."""

    @abstractmethod
    def schema_version(self) -> int:
        """The schema version stored, 0 when the store is empty."""

    @abstractmethod
    def revision(self) -> int:
        """A counter that grows with every write; caches key on it."""

    @abstractmethod
    def _read_rows(self) -> tuple[dict[str, dict[str, dict]], dict[RelKey, dict]]:
        """All nodes (label -> id -> props) and relationships (key -> props)."""

    @abstractmethod
    def _write(self, changes: ChangeSet, audit: list[AuditEntry], progress: Progress | None,
               expected_revision: int | None = None) -> None:
        """Apply a change set and its audit entries, all or nothing where the backend can.

        With `expected_revision`, raise :class:`StaleRevision` (writing nothing) unless the
        store is still at that revision, checked inside the write transaction.
        """

    @abstractmethod
    def audit_log(self, limit: int | None = None) -> list[AuditEntry]:
        """The newest audit entries first."""

    @abstractmethod
    def dismissals(self) -> set[tuple[str, str, str]]:
        """Suggestions a user dismissed, as ``(kind, source, target)``; they do not come back."""

    @abstractmethod
    def add_dismissal(self, kind: str, source: str, target: str, *, user: str) -> None:
        """Remember a dismissed suggestion (audited, bumps the revision)."""

    def add_audit(self, user: str, action: str, target: str) -> None:
        """Record an event that changes no data (a login, an export with real names)."""
        raise NotImplementedError

    def redact_audit(self, ident: str, replacement: str, terms: tuple[str, ...] | list[str] = ()) -> int:
        """Take an erased person out of the audit log; return how many entries named them.

        Entries whose target names `ident` get `replacement` as their whole target and lose
        their values; entries about anything else lose their values where these contain one
        of `terms` (name, pseudonym, id). Dismissals naming `ident` are deleted.
        """
        raise NotImplementedError

    def erasure_ledger(self):
        """The :class:`~graph.store.erasure.Ledger` of erased ids kept outside the store, or None."""
        return None

    def backup(self, target: str | Path, *, user: str) -> Path:
        """Write a consistent, checked copy of the whole store to `target` (audited); return its path."""
        raise InputError(BACKUP_UNSUPPORTED)

    def restore(self, source: str | Path, *, user: str) -> Path:
        """Replace the store by a checked backup (audited); return the path of the pre-restore copy."""
        raise InputError(BACKUP_UNSUPPORTED)

    def close(self) -> None:  # noqa: B027  # pragma: no cover - optional hook, nothing to close by default
        pass

    # -- shared behaviour ---------------------------------------------------
    def read(self) -> Dataset:
        """The whole graph as a Dataset."""
        nodes, rels = self._read_rows()
        return dataset_from_rows(nodes, rels)

    def read_with_revision(self) -> tuple[Dataset, int]:
        """The whole graph and a revision it is not older than (read first, so a check against it is safe)."""
        revision = self.revision()
        return self.read(), revision

    def apply(self, changes: ChangeSet, *, user: str, action: str, progress: Progress | None = None,
              redact: bool = False, expected_revision: int | None = None) -> int:
        """Write a planned change set with its audit entries; return the number of changes.

        With `redact` the audit entries record what was touched but no property values
        (used by erasure, so the log keeps no personal data of an erased person).
        """
        if changes.is_empty():
            return 0
        self._write(changes, audit_entries(changes, user, action, redact=redact), progress, expected_revision)
        return len(changes.nodes) + len(changes.rels)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
