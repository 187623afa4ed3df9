"""The library's front door: the operations the CLI and the app call.

Each function takes an open :class:`~graph.store.Store` and plain values and
returns plain data; formatting is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .access import ADMIN, AccessDenied, User, check_dismissal, check_write, record_origins, scope
from .errors import InputError, Problem, StoreBusy
from .io import read_paths
from .io.exchange import records_from_document
from .io.resolve import resolve_names
from .model import Dataset
from .privacy import erased_problems
from .reference import reference_document
from .store import Store, plan_upsert
from .store.base import Progress, StaleRevision
from .validate import RawRecord, validate

DEFAULT_USER = "admin"
WRITE_ATTEMPTS = 3  # validate-and-write rounds when other writes keep coming in between


def as_user(user: User | str) -> User:
    """A User; a bare name means an admin of that name (single-user embedded installs, tests)."""
    return user if isinstance(user, User) else User(user, "admin")


def read(store: Store, user: User | str = ADMIN, *, alliance: str | None = None) -> Dataset:
    """The part of the graph `user` may see (names of minors pseudonymised where needed).

    With `alliance`, a store that keeps shards (the embedded one) may return just
    that alliance's neighbourhood: enough to check that one alliance, much less to load.
    """
    read_alliance = getattr(store, "read_alliance", None) if alliance is not None else None
    return scope(read_alliance(alliance) if read_alliance else store.read(), as_user(user))


@dataclass
class ImportResult:
    """What an import did (or, with ``dry_run``, would do)."""

    counts: dict[str, dict[str, int]]
    warnings: list[Problem] = field(default_factory=list)
    changes: int = 0
    dry_run: bool = False

    def summary(self) -> dict[str, int]:
        total = {"new": 0, "changed": 0, "unchanged": 0}
        for per_list in self.counts.values():
            for key in total:
                total[key] += per_list[key]
        return total


def import_records(store: Store, records: list[RawRecord], *, user: User | str = DEFAULT_USER,
                   action: str = "import", dry_run: bool = False, progress: Progress | None = None,
                   before_write: Callable[[], None] | None = None) -> ImportResult:
    """Validate records against the store and write them, all or nothing.

    The write commits only against the revision it was validated on; when another write
    came in between (``before_write`` is a test hook at exactly that moment), the records
    are validated again against the new state, at most :data:`WRITE_ATTEMPTS` times.

    Raises :class:`~graph.errors.InputError` listing every problem, or
    :class:`~graph.access.AccessDenied` when the user may not write an item; then nothing is written.
    """
    user = as_user(user)
    for _ in range(WRITE_ATTEMPTS):
        existing, revision = store.read_with_revision()
        # names instead of ids (graph/io/resolve.py), looked up only among what this user may see
        resolved = resolve_names(records, existing, lambda: scope(existing, user))  # noqa: B023 (called at once)
        validated = validate(resolved, existing)
        if erased := erased_problems(store, validated.dataset, resolved):
            raise InputError(erased)
        denied = check_write(user, existing, validated.dataset, records[0].file if records else "-",
                             origins=record_origins(resolved))
        if denied:
            raise AccessDenied(user, denied)
        changes = plan_upsert(existing, validated.dataset)
        if dry_run:
            break
        if before_write:
            before_write()
        try:
            store.apply(changes, user=user.name, action=action, progress=progress, expected_revision=revision)
            break
        except StaleRevision:
            continue
    else:
        raise StoreBusy(store.uri, "der Speicher wurde während des Imports immer wieder geändert; "
                                   "nichts geschrieben, bitte erneut versuchen")
    return ImportResult(changes.counts, validated.warnings, len(changes.nodes) + len(changes.rels), dry_run)


def import_paths(store: Store, paths: list[str | Path], **kwargs) -> ImportResult:
    """Import JSON, CSV and XLSX files together as one all-or-nothing write."""
    records = read_paths(paths)
    kwargs.setdefault("action", "import " + " ".join(Path(p).name for p in paths))
    return import_records(store, records, **kwargs)


def import_document(store: Store, doc: dict, source: str, **kwargs) -> ImportResult:
    return import_records(store, records_from_document(doc, source), **kwargs)


def init_store(store: Store, *, user: User | str = DEFAULT_USER) -> ImportResult:
    """Create the schema and load the reference data; running it again changes nothing."""
    store.init_schema()
    return import_document(store, reference_document(), "seeds/reference", user=user, action="init")


def load_demo(store: Store, *, user: User | str = DEFAULT_USER, anchor=None) -> ImportResult:
    """Load the fictitious demo data set (after the reference data)."""
    from .demo import build_demo
    from .survey_demo import load_demo_waves, without_surveyed_ties

    init_store(store, user=user)
    doc = without_surveyed_ties(store, build_demo(anchor))  # a second load keeps what the demo waves reported
    result = import_document(store, doc, "demo", user=user, action="demo")
    load_demo_waves(store, anchor, user=user)  # one alliance with two closed survey waves
    return result


def snapshot(store: Store, user: User | str = ADMIN) -> Dataset:
    """The graph for analysis, as far as `user` may see it."""
    return read(store, user)


def export(store: Store, fmt: str, out: Path, *, user: User | str = ADMIN, reveal: bool = False):
    """Export what `user` may see; refugee young people by pseudonym.

    ``reveal`` (real names, e.g. to move to Neo4j) is for admins only and leaves
    an audit entry saying who exported real names to which file.
    """
    from .io.export import export as write_export

    user = as_user(user)
    if reveal and user.role != "admin":
        raise AccessDenied(user, "Export mit Klarnamen (--reveal) ist der Administration vorbehalten")
    path = write_export(read(store, user), fmt, Path(out), reveal=reveal)
    if fmt == "json":
        from .survey_api import add_waves_to_export

        add_waves_to_export(store, Path(path or out), user=user)  # the survey waves the user may see
    if reveal:
        store.add_audit(user.name, "Export mit Klarnamen", f"export:{fmt}:{Path(out).resolve()}")
    return path


def dismiss(store: Store, kind: str, source: str, target: str, *, user: User | str = ADMIN) -> None:
    user = as_user(user)
    denied = check_dismissal(user, store.read(), kind, source, target)
    if denied:
        raise AccessDenied(user, denied)
    store.add_dismissal(kind, source, target, user=user.name)


def backup(store: Store, target: str | Path, *, user: User | str = ADMIN) -> Path:
    """A full copy of the store (every real name): admins only, audited."""
    user = as_user(user)
    if user.role != "admin":
        raise AccessDenied(user, "Sicherungen enthalten alle Klarnamen und sind der Administration vorbehalten")
    return store.backup(Path(target), user=user.name)


def restore(store: Store, source: str | Path, *, user: User | str = ADMIN) -> Path:
    """Replace the store by a checked backup: admins only, audited; returns the pre-restore copy."""
    user = as_user(user)
    if user.role != "admin":
        raise AccessDenied(user, "Zurückspielen ist der Administration vorbehalten")
    return store.restore(Path(source), user=user.name)
