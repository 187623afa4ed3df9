"""Data protection duties for persons (DSGVO Art. 15 access, Art. 17 erasure).

Young refugees are minors; staff data is personal too. A person's data can be
handed out in full and erased everywhere: the person node, its memberships,
ties and places, the dismissed suggestions naming it, and the personal content
of earlier audit entries. What remains is an audit entry saying that an erasure
happened, by whom and when, without the personal data.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from datetime import UTC, datetime

from .access import AccessDenied, User
from .errors import NotFound, Problem
from .io.exchange import to_document
from .model import Dataset
from .store import Store
from .store.erasure import erase


def person_data(ds: Dataset, person_id: str, audit: list) -> dict:
    """Everything stored about one person (Art. 15), as plain data.

    Parameters
    ----------
    ds : Dataset
        The whole graph (unscoped: the person has a right to all of it).
    person_id : str
    audit : list of AuditEntry
        The audit log; entries about the person are included.
    """
    actor = ds.actors.get(person_id)
    if actor is None:
        raise NotFound(f"Person {person_id!r} gibt es nicht")
    one = Dataset()
    one.add(actor)
    for m in ds.memberships.values():
        if m.member == person_id:
            one.add(m)
    for t in ds.ties.values():
        if person_id in (t.source, t.target):
            one.add(t)
    doc = to_document(one, ("actors", "memberships", "ties"))
    doc["institution"] = ds.institutions[actor.institution].name if actor.institution in ds.institutions else None
    doc["alliances"] = sorted({ds.alliances[m.alliance].name for m in one.memberships.values()
                               if m.alliance in ds.alliances})
    doc["audit"] = [e.as_dict() for e in audit if mentions(e.target, person_id)]
    doc["exported_at"] = datetime.now(UTC).isoformat(timespec="seconds")
    return doc


def mentions(target: str, ident: str) -> bool:
    """Whether an audit target (``Label:id`` or ``TYPE:src->dst@key``) names this id."""
    _, _, rest = target.partition(":")
    ends = rest.split("@", 1)[0].split("->")
    return ident in ends


def erase_person(store: Store, person_id: str, *, user: User) -> int:
    """Erase a person everywhere, for good; return the number of graph changes.

    Only admins erase (the right is exercised through the programme's data
    protection contact); the erasure itself is audited without personal data,
    and recorded in the erasure ledger that every restore applies again
    (:mod:`graph.store.erasure`).
    """
    if user.role != "admin":
        raise AccessDenied(user, "Löschen von Personen ist der Administration vorbehalten")
    if person_id not in store.read().actors:
        raise NotFound(f"Person {person_id!r} gibt es nicht")
    return erase(store, person_id, user=user.name)


def erased_problems(store: Store, incoming: Dataset | Collection[str], records) -> list[Problem]:
    """An import must not recreate an erased person (e.g. from an old export): one problem per such id.

    `incoming` is what the import writes, or just the ids of the persons in it; `records` the
    import's records (those of persons suffice).
    """
    ledger = store.erasure_ledger()
    people = incoming.actors if isinstance(incoming, Dataset) else incoming
    hits = ledger.matches(people) if ledger is not None else set()
    if not hits:
        return []  # (`records` may be made as they are read: none is needed)
    return [Problem(r.file, r.line, "id", "diese Person wurde gelöscht (DSGVO Art. 17) und darf nicht wieder "
                    "angelegt werden; bitte eine neue Kennung verwenden")
            for r in records if r.list_name == "actors" and isinstance(r.data, dict)
            and str(r.data.get("id", "")).strip() in hits]


def reidentification(doc: dict) -> tuple[int, int]:
    """How many refugee young people in an export document are unique by what it keeps of them.

    Everything an export keeps about a young person counts: place, institution, role and
    the memberships (alliance, since, until, role) and ties (other end, since). Returns
    ``(unique, total)``; ``unique / total`` is the share a local reader could single out.
    """
    minors = {a["id"]: a for a in doc.get("actors", []) if a.get("is_refugee_youth")}
    memberships: dict[str, list] = {i: [] for i in minors}
    for m in doc.get("memberships", []):
        if m.get("member") in minors:
            memberships[m["member"]].append((m.get("alliance"), m.get("since"), m.get("until"), m.get("role")))
    ties: dict[str, list] = {i: [] for i in minors}
    for t in doc.get("ties", []):
        for end, other in ((t.get("source"), t.get("target")), (t.get("target"), t.get("source"))):
            if end in minors:
                ties[end].append(("minor" if other in minors else other, t.get("since")))
    keys = {i: (a.get("municipality"), a.get("institution"), a.get("role"), tuple(sorted(memberships[i], key=str)),
                tuple(sorted(ties[i], key=str))) for i, a in minors.items()}
    counts = Counter(keys.values())
    return sum(1 for k in keys.values() if counts[k] == 1), len(minors)
