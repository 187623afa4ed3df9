"""Erasure of a person that lasts (DSGVO Art. 17), below the role checks of :mod:`graph.privacy`.

An erasure removes the person node with every relationship, free-text mentions of
the full name or pseudonym in offers, survey data by and about them, dismissed
suggestions naming them, and everything about them in the audit log: entries
about the person lose target and values alike (the target becomes a random
label, the same for the whole erasure), entries about something else lose their
values where these mention the person.

Each erasure is written to a ledger kept *next to* the store file (so a restore
of the file cannot take it back): salted SHA-256 hashes of erased ids, nothing
readable. Every restore applies the ledger again, and an import refuses ids on it.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
from dataclasses import replace
from pathlib import Path

from ..model import Dataset, pseudonym_for
from .graphmap import ChangeSet, plan_delete, plan_upsert

ERASED = "[gelöscht]"


def new_label() -> str:
    """What stands in the audit log for an erased person: random, unrelated to the id."""
    return "gelöscht-" + secrets.token_hex(6)


def person_terms(ds: Dataset, person_id: str) -> list[str]:
    """Strings that identify the person: id, name, pseudonym (stored or derived)."""
    actor = ds.actors.get(person_id)
    terms = [person_id, pseudonym_for(person_id)]
    if actor is not None:
        terms += [t for t in (actor.name, actor.pseudonym) if t and len(t) >= 3]
    return list(dict.fromkeys(terms))


def plan_erasure(ds: Dataset, person_id: str) -> ChangeSet:
    """The graph writes of an erasure: the node with its relationships, mentions in offer texts."""
    changes = plan_delete(ds, nodes=[("Actor", person_id)]) if person_id in ds.actors else ChangeSet()
    names = [t for t in person_terms(ds, person_id)[2:]]
    scrubbed = Dataset()
    for offer in ds.offers.values():
        title, note = offer.title or "", offer.note or ""
        for name in names:
            title, note = title.replace(name, ERASED), note.replace(name, ERASED)
        participants = tuple(p for p in offer.participants if p != person_id)
        if (title, note, participants) != (offer.title or "", offer.note or "", offer.participants):
            scrubbed.add(replace(offer, title=title or offer.title, note=note or offer.note,
                                 participants=participants))
    if scrubbed.offers:
        rest = plan_upsert(ds, scrubbed)
        planned = {c.key for c in changes.rels}
        changes.nodes += rest.nodes
        changes.rels += [c for c in rest.rels if c.key not in planned]
    return changes


def erase(store, person_id: str, *, user: str, label: str | None = None) -> int:
    """Erase `person_id` from `store` (no role check: see :func:`graph.privacy.erase_person`)."""
    from .survey_base import survey_store

    ds = store.read()
    terms = person_terms(ds, person_id)
    written = store.apply(plan_erasure(ds, person_id), user=user, action="erase", redact=True)
    written += survey_store(store).erase_person(person_id)  # answers by and about them, consent
    store.redact_audit(person_id, label or new_label(), terms=terms)
    ledger = store.erasure_ledger()
    if ledger is not None:
        ledger.add(person_id)
    return written


def audit_ids(target: str) -> list[str]:
    """The ids an audit target (``Label:id`` or ``TYPE:src->dst@key``) names."""
    _, _, rest = target.partition(":")
    return rest.split("@", 1)[0].split("->")


def reapply(store, ledger: Ledger, *, user: str) -> list[str]:
    """Erase again everyone on the ledger that `store` (e.g. a restored backup) still knows; return their ids."""
    ds = store.read()
    known = set(ds.actors)
    for entry in store.audit_log():
        known.update(audit_ids(entry.target))
    for kind_source_target in store.dismissals():
        known.update(kind_source_target[1:])
    again = sorted(ledger.matches(known))
    for ident in again:
        erase(store, ident, user=user)
    return again


class Ledger:
    """Salted hashes of erased ids in a private JSON file next to the store."""

    def __init__(self, path: Path):
        self.path = Path(path)

    def _load(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {"salt": secrets.token_hex(16), "erased": []}
        if not isinstance(data, dict) or "salt" not in data or not isinstance(data.get("erased"), list):
            raise ValueError(f"{self.path}: keine Löschliste von Bündnisnetz")
        return data

    def _hash(self, salt: str, ident: str) -> str:
        return hashlib.sha256(f"{salt}\x00{ident}".encode("utf-8", "surrogatepass")).hexdigest()

    def add(self, ident: str) -> None:
        data = self._load()
        digest = self._hash(data["salt"], ident)
        if digest not in data["erased"]:
            data["erased"].append(digest)
        tmp = self.path.with_name(self.path.name + ".tmp")
        fd = os.open(tmp, os.O_CREAT | os.O_TRUNC | os.O_WRONLY, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(data, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, self.path)  # atomic: never half a ledger

    def matches(self, ids) -> set[str]:
        """Those of `ids` that were erased."""
        if not self.path.exists():
            return set()
        data = self._load()
        erased = set(data["erased"])
        return {i for i in ids if i and self._hash(data["salt"], i) in erased}
