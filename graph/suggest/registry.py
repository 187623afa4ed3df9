"""The suggestion kinds, in the order ``suggest`` runs them: one entry per kind module.

A new kind is a new module in :mod:`graph.suggest` with ``find(ctx, *, alliance,
actor, top, dismissed, reveal)`` and ``to_records(suggestion, as_of, ds)``, plus its
line in :data:`REGISTRY`. The CLI's choices, the app's kind selector and the tests
read this table; an unknown kind is an :class:`~graph.errors.InputError`, never a
silent fallback to another kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib import import_module

from ..errors import InputError, Problem

__all__ = ["KINDS", "REGISTRY", "Kind", "get_kind"]


@dataclass(frozen=True)
class Kind:
    """One suggestion kind: its id, German label and the module that finds and accepts it.

    The module is imported on first use, so listing the kinds (CLI options, the app's
    selector) costs no numpy/scipy import.
    """

    name: str
    label: str
    module: str  # defines find(ctx, *, alliance, actor, top, dismissed, reveal) and to_records(s, as_of, ds)

    @property
    def find(self):
        """``find(ctx, *, alliance, actor, top, dismissed, reveal) -> list[Suggestion]``."""
        return import_module(self.module).find

    @property
    def to_records(self):
        """``to_records(suggestion, as_of, ds) -> list[RawRecord]``: what accepting writes."""
        return import_module(self.module).to_records


REGISTRY: dict[str, Kind] = {k.name: k for k in (
    Kind("membership", "Mitgliedschaft", "graph.suggest.membership"),
    Kind("introduction", "Kennenlernen", "graph.suggest.introduction"),
    Kind("hospitation", "Hospitation", "graph.suggest.hospitation"),
)}
#: The kind ids in run order.
KINDS: tuple[str, ...] = tuple(REGISTRY)


def get_kind(name: str, *, file: str = "-", line: str = "-") -> Kind:
    """The registered kind `name`; an unknown name is an InputError naming the allowed ones."""
    found = REGISTRY.get(name) if isinstance(name, str) else None
    if found is None:
        raise InputError([Problem(file, line, "kind", f"unbekannte Art {name!r}; erlaubt: {', '.join(KINDS)}")])
    return found
