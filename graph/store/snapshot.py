"""A snapshot of the embedded store kept on disk, so a command need not rebuild the graph.

Every CLI call used to read all rows, decode their JSON and build the model
objects (about a second at ×10). The first read after a write saves the
resulting :class:`~graph.model.Dataset` as a pickle next to the SQLite file
(``<db>.snapshot``, mode 0600); later reads load it instead, when it was made at
the store's current revision and last audit entry.

Privacy: every committed write deletes the snapshot (an erased person must not
survive in a cache); a snapshot is loaded only when it belongs to this user,
is not readable by others and carries the current key, anything else is ignored
and overwritten. The snapshot holds the same data as the database file next to
it, with the same access.
"""

from __future__ import annotations

import dataclasses
import gc
import os
import pickle
from pathlib import Path

from .. import model
from ..model import Dataset

__all__ = ["invalidate", "load", "save", "snapshot_path"]

FORMAT = 2


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".snapshot")


def load(path: Path, key: tuple) -> Dataset | None:
    """The dataset saved under `key`, or None (missing, stale, foreign or unreadable)."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        enabled = gc.isenabled()
        gc.disable()  # unpickling many small objects: the collector would only slow it down
        try:
            found = pickle.load(handle)
        except Exception:  # a torn or foreign file is a cache miss, never an error
            return None
        finally:
            if enabled:
                gc.enable()
    if not (isinstance(found, tuple) and len(found) == 3 and found[0] == FORMAT and found[1] == key):
        return None
    return found[2] if isinstance(found[2], Dataset) else None


class _Pickler(pickle.Pickler):
    """Model records as ``(class, field values)``: rebuilt by their constructor, about four times faster
    to load than the default state dictionaries of frozen slotted dataclasses."""

    def reducer_override(self, obj):
        cls = type(obj)
        fields = _FIELDS.get(cls)
        if fields is None:
            return NotImplemented
        return (cls, tuple(getattr(obj, name) for name in fields))


_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls))
           for cls in vars(model).values()
           if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls is not Dataset
           and cls.__module__ == model.__name__ and all(f.init for f in dataclasses.fields(cls))}


def save(path: Path, key: tuple, ds: Dataset) -> None:
    """Write atomically (a temporary file, then rename), readable by the owner only; failures are ignored."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump((FORMAT, key, ds))
        os.replace(tmp, path)
    except OSError:
        invalidate(tmp)


def invalidate(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
