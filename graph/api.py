"""The library's front door: the operations the CLI and the app call.

Each function takes an open :class:`~graph.store.Store` and plain values and
returns plain data; formatting is the caller's business.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from .access import ADMIN, AccessDenied, User, check_dismissal, check_write, record_origins, scope
from .collector import collector_paused
from .errors import InputError, Problem, StoreBusy
from .io import read_paths, read_single_document
from .io.exchange import document_lists
from .io.resolve import resolve_names
from .model import Dataset
from .privacy import erased_problems
from .reference import reference_document
from .rowimport import Lists, plan_rows
from .store import Store, plan_upsert
from .store.base import Progress, StaleRevision
from .validate import RawRecord, validate

DEFAULT_USER = "admin"
WRITE_ATTEMPTS = 3  # validate-and-write rounds when other writes keep coming in between


def connect(uri: str | None = None) -> Store:
    """Open the store at `uri` (default: ``$BUENDNISNETZ_STORE`` or the per-user file)."""
    from .store import open_store

    return open_store(uri)


def as_user(user: User | str) -> User:
    """A User; a bare name means an admin of that name (single-user embedded installs, tests)."""
    return user if isinstance(user, User) else User(user, "admin")


def read(store: Store, user: User | str = ADMIN, *, alliance: str | None = None, kreis: str | None = None) -> Dataset:
    """The part of the graph `user` may see (names of minors pseudonymised where needed).

    With `alliance` or `kreis`, a store that keeps shards (the embedded one) may return just
    that alliance's neighbourhood or that Kreis' part (:func:`graph.store.snapshot.kreis_slice`):
    enough to check that alliance or draw that Kreis, much less to load.
    """
    if alliance is not None and hasattr(store, "read_alliance"):
        ds = store.read_alliance(alliance)
    elif kreis is not None and hasattr(store, "read_kreis"):
        ds = store.read_kreis(kreis)
    else:
        ds = store.read()
    return scope(ds, as_user(user))


def _user_params(user: User) -> tuple:
    """What a kept result depends on besides the data and its own parameters: who sees it."""
    return (user.name, user.role, user.office, user.kreis)


def _kept(store: Store, name: str, params: tuple, compute):
    """``compute()``, kept until the store's next write when the store keeps derived results
    (the embedded one: :meth:`graph.store.sqlite.SQLiteStore.derived`)."""
    derived = getattr(store, "derived", None)
    return compute() if derived is None else derived(name, params, compute)


def health_reports(store: Store, user: User | str, as_of, ds: Dataset | None = None) -> list:
    """:func:`graph.health.check_alliances` of every alliance `user` sees, as of a date.

    A store that keeps derived results (the embedded one) keeps them until its next write, under the
    same name and parameters as the app (``ui/common.py``, ``health_reports``), so either reuses the other's.
    Any other store checks `ds` (what :func:`read` returned for `user`, when the caller has it).
    """
    from .health import check_alliances

    user = as_user(user)

    def compute():  # read here: the result belongs to this key (the caller's dataset when it is that)
        return check_alliances(scope(store.read_shared() if hasattr(store, "read_shared") else store.read(), user),
                               as_of)

    derived = getattr(store, "derived", None)
    if derived is None:
        return check_alliances(ds if ds is not None else read(store, user), as_of)
    return derived("health", (as_of.isoformat(), *_user_params(user)), compute)


def office_view(store: Store, user: User | str, as_of, office: str) -> tuple:
    """One Servicebüro's view (:func:`graph.office.office_view`) as `user` sees it, as of a date, with
    the reference data (states, Kreise, Servicebüros, topics) the printouts name things by:
    ``(view, reference)``; the view is None when `user` sees no such office.

    The health reports and offer recommendations it lists are computed from the whole graph
    (hospitation hosts are paired across the country), the same as ``office_view`` computes them
    when not given. A store that keeps derived results (the embedded one) keeps the view until its
    next write, so a second ``office`` command on the same data neither checks every alliance nor
    gathers the view again.
    """
    user = as_user(user)

    def compute():
        from .office import office_recommendations
        from .office import office_view as gather

        # The check, the pairing and the view build hundreds of thousands of small acyclic objects while
        # the graph is held: without the pause the collector walks the graph again and again (x100: 1.8 s).
        with collector_paused():
            # Only what the check and the recommendations look at (not the persons in no alliance, nor ties
            # not between two members); the embedded store gives its snapshot instead when that is current.
            ds = scope(store.read_members() if hasattr(store, "read_members") else store.read(), user)
            reference = Dataset(states=ds.states, municipalities=ds.municipalities,
                                service_offices=ds.service_offices, topics=ds.topics)
            if office not in ds.service_offices:
                return None, reference
            # the office's alliances checked, hospitation hosts paired across the country (office_recommendations)
            reports, recommendations = office_recommendations(ds, office, as_of, dismissals(store, user))
            used = Dataset(states=ds.states, municipalities=ds.municipalities, service_offices=ds.service_offices,
                           topics=ds.topics, alliances=ds.alliances, offers=ds.offers)
            view = gather(used, office, as_of, reports=reports, recommendations=recommendations)
            del ds, used, reports, recommendations  # freed before the collector wakes (graph.collector)
        return view, reference

    return _kept(store, "office-view", (office, as_of.isoformat(), *_user_params(user)), compute)


def kreis_map(store: Store, user: User | str, as_of, kreis: str) -> str | None:
    """The standalone HTML map of one Kreis as `user` sees it, as of a date
    (:func:`graph.netmap.html.map_page`, drawn from the Kreis' part of the graph); None when `user`
    sees no such Kreis.

    A store that keeps derived results (the embedded one) keeps the page until its next write: the
    map of a large Kreis needs a force-directed layout, which is most of what drawing it costs.
    """
    user = as_user(user)

    def compute():
        ds = read(store, user, kreis=kreis)
        if kreis not in ds.municipalities:
            return None
        from .netmap.html import map_page

        return map_page(ds, kreis=kreis, as_of=as_of)

    return _kept(store, "map-kreis", (kreis, as_of.isoformat(), *_user_params(user)), compute)


def revision(store: Store) -> int:
    """The store's write counter (caches key on it)."""
    return store.revision()


def visible(full: Dataset, user: User | str) -> Dataset:
    """What :func:`read` returns for `user`, from a whole-graph snapshot already read (for caches)."""
    return scope(full, as_user(user))


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
    with collector_paused():
        return _import_lists(store, Lists.of_records(records), as_user(user), action, dry_run, progress,
                             before_write)


def _import_lists(store: Store, lists: Lists, user: User, action: str, dry_run: bool,
                  progress: Progress | None, before_write: Callable[[], None] | None) -> ImportResult:
    for _ in range(WRITE_ATTEMPTS):
        existing, revision = store.read_with_revision()
        visible = scope(existing, user)
        # An administrator's import (check_write passes all of it) straight to rows when it can
        # (graph/rowimport.py: the same rows, audit, counts and warnings; None: the full way below,
        # which finds and words every problem). Names are resolved only when a reference is not an id.
        apply_rows = getattr(store, "apply_rows", None) if user.role == "admin" else None
        rows = plan_rows(lists, existing, visible, unresolved=True) if apply_rows is not None else None
        if rows is None:  # names instead of ids (graph/io/resolve.py), looked up among what this user may see
            records = lists.records()
            resolved = resolve_names(records, existing, lambda: visible)  # noqa: B023 (called at once)
            if apply_rows is not None and any(new is not old for new, old in zip(resolved, records, strict=True)):
                rows = plan_rows(resolved, existing, visible)
        if apply_rows is not None and rows is not None:
            if erased := erased_problems(store, rows.people, lists.records_of("actors")):
                raise InputError(erased)
            result = ImportResult(rows.counts, rows.warnings, rows.changes, dry_run)
            if dry_run:
                return result
            if before_write:
                before_write()
            try:
                apply_rows(rows, user=user.name, action=action, progress=progress, expected_revision=revision)
                return result
            except StaleRevision:
                continue
        # the full path (rows is None, so records and resolved are set above)
        validated = validate(resolved, existing, visible=visible)
        if erased := erased_problems(store, validated.dataset, resolved):
            raise InputError(erased)
        source = records[0].file if records else "-"
        denied = check_write(user, existing, validated.dataset, source)
        if denied:  # again, now with where each refused item came from (not worth it for every import)
            denied = check_write(user, existing, validated.dataset, source, origins=record_origins(resolved))
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
    kwargs.setdefault("action", "import " + " ".join(Path(p).name for p in paths))
    with collector_paused():
        document = read_single_document(paths)  # one JSON file: its lists as they are (records when needed)
        if document is not None:
            return _import(store, Lists.of_document(*document), **kwargs)
        records = read_paths(paths)
    return import_records(store, records, **kwargs)


def import_document(store: Store, doc: dict, source: str, **kwargs) -> ImportResult:
    return _import(store, Lists.of_document(document_lists(doc, source), source), **kwargs)


def _import(store: Store, lists: Lists, *, user: User | str = DEFAULT_USER, action: str = "import",
            dry_run: bool = False, progress: Progress | None = None,
            before_write: Callable[[], None] | None = None) -> ImportResult:
    with collector_paused():
        return _import_lists(store, lists, as_user(user), action, dry_run, progress, before_write)


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


# -- the audit log, dismissals, persons (reads and writes that are not imports) -------------------

def dismissals(store: Store, user: User | str = ADMIN) -> frozenset:
    """Dismissed suggestions as ``(kind, source, target)`` (ids only; what is shown stays scoped)."""
    as_user(user)
    return frozenset(store.dismissals())


def audit_log(store: Store, user: User | str = ADMIN, limit: int | None = None) -> list:
    """The newest audit entries first; only admins read the log."""
    user = as_user(user)
    if user.role != "admin":
        raise AccessDenied(user, "das Änderungsprotokoll sehen nur Administrator*innen")
    return store.audit_log(limit)


def audit_event(store: Store, user: User | str, action: str, target: str) -> None:
    """Record an event that changes no data (login, logout, account change)."""
    store.add_audit(as_user(user).name, action, target)


def person_export(store: Store, person_id: str, *, user: User | str = ADMIN) -> dict:
    """Everything stored about one person (Art. 15 DSGVO); admins only, audited."""
    from .privacy import person_data

    user = as_user(user)
    if user.role != "admin":
        raise AccessDenied(user, "Auskünfte erteilt die Administration")
    from .store.survey_base import survey_store

    doc = person_data(store.read(), person_id, store.audit_log())
    doc["survey"] = survey_store(store).person_data(person_id)  # invitations, answers by and about them
    store.add_audit(user.name, "Auskunft erteilt", f"Actor:{person_id}")
    return doc


def person_erase(store: Store, person_id: str, *, user: User | str = ADMIN) -> int:
    """Erase a person everywhere (Art. 17 DSGVO); admins only, audited without personal data."""
    from .privacy import erase_person

    return erase_person(store, person_id, user=as_user(user))


# -- logins and accounts (the accounts file is apart from the store; the audit is in the store) ---

def login(store: Store, name: str, password: str) -> User | None:
    """Check a password (with lockout after repeated failures); every attempt is audited."""
    from . import accounts

    try:
        user = accounts.authenticate(name, password)
    except accounts.LockedOut:
        store.add_audit(name, "Anmeldung gesperrt", f"Konto:{name}")
        raise
    store.add_audit(name, "Anmeldung" if user else "Anmeldung fehlgeschlagen", f"Konto:{name}")
    return user


def logout(store: Store, user: User | str) -> None:
    user = as_user(user)
    store.add_audit(user.name, "Abmeldung", f"Konto:{user.name}")


def _manage_accounts(acting: User) -> None:
    from . import accounts

    if accounts.mode() == "accounts" and acting.role != "admin":
        raise AccessDenied(acting, "Konten verwaltet die Administration")


def user_list(*, user: User | str) -> list[dict]:
    """All accounts (name, role, office, Kreis, disabled); admins only."""
    from . import accounts

    user = as_user(user)
    _manage_accounts(user)
    return [{"name": n, "role": e["role"], "office": e.get("office"), "kreis": e.get("kreis"),
             "disabled": bool(e.get("disabled"))} for n, e in sorted(accounts.load().items())]


def user_add(store: Store, name: str, password: str, role: str, *, office: str | None = None,
             kreis: str | None = None, user: User | str) -> User:
    """Create or change an account. The first account is an admin; Kreis and office must exist."""
    from . import accounts

    acting = as_user(user)
    _manage_accounts(acting)
    existing = accounts.load()
    if not any(e.get("role") == "admin" for n, e in existing.items() if n != name) and role != "admin":
        raise InputError("Das erste Konto muss ein Admin-Konto sein, sonst kann niemand Konten verwalten: "
                         f"buendnisnetz user add NAME --role admin (danach {name} mit --role {role})")
    ref = store.read()
    if role == "coordinator" and kreis and (len(kreis) != 5 or kreis not in ref.municipalities):
        raise InputError(f"--kreis: Kreis {kreis!r} gibt es nicht (5-stelliger AGS eines Kreises)")
    if role == "office" and office and office not in ref.service_offices:
        raise InputError(f"--office: Servicebüro {office!r} gibt es nicht "
                         f"(bekannt: {', '.join(sorted(ref.service_offices)) or 'keines'})")
    new = accounts.set_account(name, password, role, office=office, kreis=kreis)
    store.add_audit(acting.name, "Konto geändert" if name in existing else "Konto angelegt",
                    f"Konto:{name} ({role})")
    return new


def user_remove(store: Store, name: str, *, user: User | str) -> None:
    from . import accounts

    acting = as_user(user)
    _manage_accounts(acting)
    accounts.remove_account(name)
    store.add_audit(acting.name, "Konto entfernt", f"Konto:{name}")


def user_disable(store: Store, name: str, *, user: User | str, disabled: bool = True) -> None:
    from . import accounts

    acting = as_user(user)
    _manage_accounts(acting)
    accounts.set_disabled(name, disabled)
    store.add_audit(acting.name, "Konto gesperrt" if disabled else "Konto entsperrt", f"Konto:{name}")


def set_cli_password(store: Store, required: bool, *, user: User | str) -> None:
    from . import accounts

    acting = as_user(user)
    _manage_accounts(acting)
    accounts.set_cli_password(required)
    store.add_audit(acting.name, "CLI-Passwort " + ("verlangt" if required else "nicht verlangt"), "Konten")
