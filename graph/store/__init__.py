"""Stores: where the graph lives. ``open_store(uri)`` picks the backend.

- ``sqlite:///relative/path.db``, ``sqlite:////absolute/path.db`` or a plain file path: embedded.
- ``bolt://``, ``neo4j://``, ``neo4j+s://``, ``bolt+s://``
  ``host:port?database=name&batch_bytes=N&tx=managed|autocommit``:
  a Neo4j-compatible server through the official driver.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import InputError
from .base import AuditEntry, Store
from .graphmap import ChangeSet, plan_delete, plan_upsert

ENV_STORE = "BUENDNISNETZ_STORE"
BOLT_SCHEMES = ("bolt://", "bolt+s://", "bolt+ssc://", "neo4j://", "neo4j+s://", "neo4j+ssc://")


def default_store_uri() -> str:
    """The store used when none is given: $BUENDNISNETZ_STORE, else a per-user data file."""
    if os.environ.get(ENV_STORE):
        return os.environ[ENV_STORE]
    from platformdirs import user_data_path

    return f"sqlite:///{user_data_path('buendnisnetz') / 'buendnisnetz.db'}"


def sqlite_path(uri: str) -> Path:
    """``sqlite:///rel.db`` -> ``rel.db``; ``sqlite:////abs.db`` -> ``/abs.db`` (SQLAlchemy's convention)."""
    if uri.startswith("sqlite:///"):
        return Path(uri[len("sqlite:///"):])
    if uri.startswith("sqlite:"):
        raise InputError(f"Speicher-URI {uri!r}: erwartet sqlite:///pfad/zur/datei.db")
    return Path(uri)


def open_store(uri: str | None = None) -> Store:
    """Open the store a URI names (the default store when None)."""
    uri = uri or default_store_uri()
    if uri.startswith(BOLT_SCHEMES):
        from .neo4j import Neo4jStore

        return Neo4jStore(uri)
    if "://" in uri and not uri.startswith("sqlite:"):
        raise InputError(f"Speicher-URI {uri!r}: unbekanntes Schema (sqlite:///, bolt://, neo4j://, neo4j+s://)")
    from .sqlite import SQLiteStore

    return SQLiteStore(sqlite_path(uri), uri if uri.startswith("sqlite:") else None)


__all__ = ["AuditEntry", "ChangeSet", "Store", "default_store_uri", "open_store", "plan_delete", "plan_upsert"]
