"""A snapshot of the embedded store kept on disk, so a command need not rebuild the graph.

Every CLI call used to read all rows, decode their JSON and build the model
objects (about a second at ×10). The first read after a write saves the
resulting :class:`~graph.model.Dataset` as a pickle next to the SQLite file
(``<db>.snapshot``, mode 0600); later reads load it instead, when it was made at
the store's current revision and last audit entry.

For commands about one alliance or one Kreis (``health --alliance``, ``map --kreis``) the
store also keeps *shards*: per Kreis, the neighbourhood of its alliances (:func:`alliance_closure`)
and everyone placed there (:func:`kreis_slice`), so such a command loads a few hundred records
instead of the country. A shard is built when a command first asks for its Kreis (from the
snapshot), not all of them after every write.

Next to the shards a command may keep a result it computed from the whole graph
(:func:`save_derived`, e.g. the health reports and offer recommendations ``office`` needs),
keyed like the shards plus its own parameters (date, user and role).

Privacy: every committed write deletes the snapshot, the shards and those results (an erased person must not
survive in a cache); a snapshot is loaded only when it belongs to this user,
is not readable by others and carries the current key, anything else is ignored
and overwritten. The snapshot holds the same data as the database file next to
it, with the same access.
"""

from __future__ import annotations

import copyreg
import dataclasses
import hashlib
import operator
import os
import pickle
from itertools import starmap
from pathlib import Path

from .. import model
from ..collector import collector_paused
from ..model import Dataset

__all__ = ["alliance_closure", "invalidate", "invalidate_shards", "kreis_slice", "load", "load_derived", "load_shard",
           "save", "save_derived", "save_shard", "shard_dir", "snapshot_path"]

FORMAT = 4


def snapshot_path(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".snapshot")


def load(path: Path, key: tuple) -> Dataset | None:
    """The dataset saved under `key`, or None (missing, stale, foreign or unreadable)."""
    with collector_paused():  # unpickling many small objects: the collector would only slow it down
        found = _load_object(path, key)
        return _unpacked(found)


_FIELDS = {cls: tuple(f.name for f in dataclasses.fields(cls))
           for cls in vars(model).values()
           if isinstance(cls, type) and dataclasses.is_dataclass(cls) and cls is not Dataset
           and cls.__module__ == model.__name__ and all(f.init for f in dataclasses.fields(cls))}


def _reducer(cls, names):
    fields = operator.attrgetter(*names)
    if len(names) == 1:
        return lambda obj: (cls, (fields(obj),))
    return lambda obj: (cls, fields(obj))


class _Pickler(pickle.Pickler):
    """Model records as ``(class, field values)``: rebuilt by their constructor, about four times faster
    to load than the default state dictionaries of frozen slotted dataclasses. A dispatch table (looked
    up for those classes only) instead of ``reducer_override`` (called for every object)."""

    dispatch_table = {**copyreg.dispatch_table, **{cls: _reducer(cls, names) for cls, names in _FIELDS.items()}}


def save(path: Path, key: tuple, ds: Dataset) -> None:
    """Write atomically (a temporary file, then rename), readable by the owner only; failures are ignored."""
    with collector_paused():
        _save_object(path, key, _packed(ds))


#: list name -> (model class, the getter of its field values in constructor order)
_COLUMNS = {name: (cls, operator.attrgetter(*_FIELDS[cls])) for cls, name in model.LIST_OF_CLASS.items()}
_PACKED = "dataset/rows"


def _packed(ds: Dataset) -> tuple:
    """A dataset as plain rows: per table its keys and the field values of its items, in order.

    Pickled without a reducer call per item (the dispatch table's way costs a Python call for each
    of 100k items at x10: about half of writing the snapshot), and loaded by one constructor call
    per item as before. Items of another class than their table's (none are made) keep the
    dispatch table's way."""
    tables = []
    for name in model.ALL_LISTS:
        table = getattr(ds, name)
        cls, values = _COLUMNS[name]
        items = table.values()
        if all(type(item) is cls for item in items):
            tables.append((name, list(table), list(map(values, items))))
        else:
            tables.append((name, table, None))
    return (_PACKED, tuple(tables))


def _unpacked(found) -> Dataset | None:
    if not (isinstance(found, tuple) and len(found) == 2 and found[0] == _PACKED):
        return None
    ds = Dataset()
    try:
        for name, keys, rows in found[1]:
            setattr(ds, name, dict(zip(keys, starmap(_COLUMNS[name][0], rows))) if rows is not None else keys)
    except (TypeError, ValueError, KeyError):  # not what save() wrote: a cache miss, never an error
        return None
    return ds


def invalidate(path: Path) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


# -- shards: what a command about one Kreis or one of its alliances reads --------------------------

def shard_dir(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + ".shards")


def alliance_closure(ds: Dataset, alliance_ids, *, around=()) -> Dataset:
    """What analysing these alliances on their own needs: a small dataset instead of the country.

    The reference data (states, municipalities, Servicebüros, topics); the
    alliances; all their membership records and members; the ties touching a
    member and the persons or institutions at their other end; the institutions
    of all these; every membership of all these and the alliances it names
    (without their other members); the offers of the alliances. Items keep the
    order they have in `ds`.

    `around` adds more persons and institutions (a Kreis map shows everyone placed in
    the Kreis): they come with their institutions, and then every tie between two
    persons or institutions kept is kept as well.

    A few passes over the tables, no index: it is built for one Kreis at a time.
    """
    wanted = {a for a in alliance_ids if a in ds.alliances}
    members = {m.member for m in ds.memberships.values() if m.alliance in wanted}
    tie_keys = {k for k, t in ds.ties.items() if t.source in members or t.target in members}
    nodes = set(members)
    for key in tie_keys:
        tie = ds.ties[key]
        nodes.update((tie.source, tie.target))
    membership_keys = {k for k, m in ds.memberships.items() if m.member in nodes}
    alliances = wanted | {ds.memberships[k].alliance for k in membership_keys
                          if ds.memberships[k].alliance in ds.alliances}
    nodes.update(around)
    actors = {n for n in nodes if n in ds.actors}
    institutions = {n for n in nodes if n not in ds.actors and n in ds.institutions}
    institutions |= {i for a in actors if (i := ds.actors[a].institution) is not None and i in ds.institutions}
    if around:
        kept = actors | institutions
        tie_keys.update(k for k, t in ds.ties.items() if t.source in kept and t.target in kept)
    offer_keys = {k for k, o in ds.offers.items() if o.alliance in wanted}

    def ordered(name: str, keys) -> dict:
        return {key: item for key, item in getattr(ds, name).items() if key in keys}

    return Dataset(states=ds.states, municipalities=ds.municipalities, service_offices=ds.service_offices,
                   topics=ds.topics, alliances=ordered("alliances", alliances), actors=ordered("actors", actors),
                   institutions=ordered("institutions", institutions),
                   memberships=ordered("memberships", membership_keys), ties=ordered("ties", tie_keys),
                   offers=ordered("offers", offer_keys))


#: The Kreis of alliances without a place (they get a shard of their own).
NO_PLACE = "-"


def kreis_of_alliance(ds: Dataset, alliance_id: str) -> str:
    from ..model import kreis_of

    place = ds.alliances[alliance_id].municipality
    return kreis_of(place) if place else NO_PLACE


def kreis_slice(ds: Dataset, kreis: str) -> Dataset:
    """Everything a command about one Kreis or one of its alliances reads: the :func:`alliance_closure`
    of the Kreis' alliances with everyone placed in the Kreis (``health --alliance``, ``map --kreis``)."""
    from ..model import kreis_of

    ids = [a for a in ds.alliances if kreis_of_alliance(ds, a) == kreis]
    placed = [n for table in (ds.institutions, ds.actors) for n in table
              if (place := ds.municipality_of_member(n)) and kreis_of(place) == kreis] if kreis != NO_PLACE else []
    return alliance_closure(ds, ids, around=placed)


_REFERENCE = ("states", "municipalities", "service_offices", "topics")


def _shard_path(db_path: Path, kreis: str) -> Path:
    return shard_dir(db_path) / f"kreis-{kreis}"


def _shard_kreis(index: dict, alliance: str | None, kreis: str | None) -> str | None:
    """The Kreis whose shard holds this alliance or this Kreis; None when the data has neither."""
    if alliance is not None:
        return index["alliances"].get(alliance)
    if kreis is not None and kreis.isdigit() and kreis in index["reference"]["municipalities"]:
        return kreis
    return None


def load_shard(db_path: Path, key: tuple, *, alliance: str | None = None, kreis: str | None = None):
    """The shard saved under `key` holding this alliance, or this Kreis (:func:`kreis_slice`).

    Returns the dataset; ``False`` when the data has no such alliance or Kreis (nothing to
    build: the command says so); None when the shard is not built (yet) at this key.
    """
    index = _load_object(shard_dir(db_path) / "index", key)
    if not isinstance(index, dict):
        return None
    found = _shard_kreis(index, alliance, kreis)
    if found is None:
        return False
    part = load(_shard_path(db_path, found), key)
    return dataclasses.replace(part, **index["reference"]) if part is not None else None


def save_shard(db_path: Path, key: tuple, part: Dataset, kreis: str, kreis_of_alliances: dict[str, str]) -> None:
    """Keep the shard of one Kreis (:func:`kreis_slice`; the others are built when a command asks
    for them). The index (alliance -> Kreis, and the reference data every shard shares) is
    written with the first shard after a write."""
    directory = shard_dir(db_path)
    try:
        directory.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    if not isinstance(_load_object(directory / "index", key), dict):
        _save_object(directory / "index", key, {"alliances": kreis_of_alliances,
                                                 "reference": {name: getattr(part, name) for name in _REFERENCE}})
    save(_shard_path(db_path, kreis), key, dataclasses.replace(part, **{name: {} for name in _REFERENCE}))


def derived_path(db_path: Path, name: str, params: tuple) -> Path:
    digest = hashlib.sha256(repr(params).encode("utf-8")).hexdigest()[:16]
    return shard_dir(db_path) / f"derived-{name}-{digest}"


#: How many bytes of kept results (:func:`save_derived`) may lie next to a store. They go with every
#: write, but a store read for weeks without one would gather a map page (about 1 MB at x10) per Kreis,
#: date and account: beyond this, the least recently used go first.
DERIVED_BUDGET = 256 * 2**20


def load_derived(db_path: Path, key: tuple, name: str, params: tuple):
    """A result computed from the data at `key` with these parameters (:func:`save_derived`), or None."""
    path = derived_path(db_path, name, params)
    found = _load_object(path, (key, params))
    if found is not None:
        try:
            os.utime(path)  # used now: the last to go (see DERIVED_BUDGET)
        except OSError:
            pass
    return found


def save_derived(db_path: Path, key: tuple, name: str, params: tuple, value) -> None:
    """Keep a result computed from the data at `key` next to the shards: private, and gone with them
    at the next write. `params` must say everything else it depends on (date, user and role)."""
    try:
        shard_dir(db_path).mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    path = derived_path(db_path, name, params)
    _save_object(path, (key, params), value)
    prune_derived(shard_dir(db_path), keep=path)


def prune_derived(directory: Path, keep: Path, budget: int | None = None) -> None:
    """Delete the least recently used kept results until they fit `budget` bytes (:data:`DERIVED_BUDGET`);
    `keep`, the one just saved, stays."""
    budget = DERIVED_BUDGET if budget is None else budget
    entries = []
    for entry in directory.glob("derived-*"):
        if entry.name.endswith(".tmp"):
            continue
        try:
            info = entry.stat()
        except OSError:
            continue
        entries.append((info.st_mtime_ns, entry.name, info.st_size, entry))
    total = sum(size for _, _, size, _ in entries)
    for _, _, size, entry in sorted(entries):
        if total <= budget:
            break
        if entry != keep:
            invalidate(entry)
            total -= size


def invalidate_shards(db_path: Path) -> None:
    directory = shard_dir(db_path)
    invalidate(directory / "index")  # without the index no shard is used
    try:
        entries = list(directory.iterdir())
    except OSError:
        return
    for entry in entries:
        invalidate(entry)


def _save_object(path: Path, key: tuple, value) -> None:
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_NOFOLLOW", 0), 0o600)
        with os.fdopen(fd, "wb") as handle:
            _Pickler(handle, protocol=pickle.HIGHEST_PROTOCOL).dump((FORMAT, key, value))
        os.replace(tmp, path)
    except OSError:
        invalidate(tmp)


def _load_object(path: Path, key: tuple):
    """The object saved under `key` in a file only this user can read, or None."""
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(handle.fileno())
        if info.st_uid != os.getuid() or info.st_mode & 0o077:
            return None
        try:
            found = pickle.load(handle)
        except Exception:  # a torn or foreign file is a cache miss, never an error
            return None
    if isinstance(found, tuple) and len(found) == 3 and found[0] == FORMAT and found[1] == key:
        return found[2]
    return None
