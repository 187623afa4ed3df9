"""Name references in imports: a file may name an alliance, institution, person or place instead of its id.

Offices keep their lists with names, not with the ids the store gives out. Before validation,
:func:`resolve_names` replaces each reference value that is not a known id by the id of the one
item of that name the user may see (or that the same import creates). Where names repeat, the
Kreis in brackets decides: ``Jugendamt (Düren)`` or ``Jugendamt (05358)``. A name that fits several
items is a problem of its line, listing the candidates; a name that fits none is left as it is, so
validation reports it as an unknown reference.

>>> from graph.model import Alliance, Dataset, Municipality
>>> ds = Dataset()
>>> ds.add(Municipality("05358", "Düren", "kreis", "NW"))
>>> ds.add(Alliance("b1", "Bündnis Düren", "05358"))
>>> [r.data for r in resolve_names([RawRecord("memberships", "m.csv", "2",
...                                           {"member": "p1", "alliance": "bündnis düren"})], ds)]
[{'member': 'p1', 'alliance': 'b1'}]
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import replace

from ..errors import InputError, Problem
from ..model import Dataset, kreis_of
from ..validate import RawRecord

#: (list, field) -> the lists whose items the field may name.
REFERENCES: dict[tuple[str, str], tuple[str, ...]] = {
    ("memberships", "member"): ("actors", "institutions"),
    ("memberships", "alliance"): ("alliances",),
    ("actors", "institution"): ("institutions",),
    ("ties", "source"): ("actors", "institutions"),
    ("ties", "target"): ("actors", "institutions"),
    ("offers", "alliance"): ("alliances",),
    ("offers", "office"): ("service_offices",),
    ("alliances", "office"): ("service_offices",),
    ("actors", "municipality"): ("municipalities",),
    ("institutions", "municipality"): ("municipalities",),
    ("alliances", "municipality"): ("municipalities",),
    ("offers", "municipality"): ("municipalities",),
}
#: list -> ((field, lists), ...): the reference fields of one list, looked up once per record.
_FIELDS_OF: dict[str, tuple[tuple[str, tuple[str, ...]], ...]] = {}
for (_list, _field), _lists in REFERENCES.items():
    _FIELDS_OF[_list] = (*_FIELDS_OF.get(_list, ()), (_field, _lists))
_KIND = {"actors": "Person", "institutions": "Einrichtung", "alliances": "Bündnis",
         "service_offices": "Servicebüro", "municipalities": "Kommune"}
#: The lists whose items a reference may name (graph/rowimport.py checks names against them too).
NAMED_LISTS = tuple(_KIND)
_QUALIFIED = re.compile(r"^(.*\S)\s*\(([^()]+)\)$")
AGS = re.compile(r"^\d{5}(\d{3})?$")
MAX_CANDIDATES = 5


def _key(text: str) -> str:
    return " ".join(str(text).split()).casefold()


class _Index:
    """Names of what the user may see plus what the import itself creates: name -> [(list, id, place)]."""

    def __init__(self, visible: Dataset, full: Dataset, records: list[RawRecord]):
        self.full = full
        self.by_name: dict[str, list[tuple[str, str, str | None]]] = {}
        for list_name in ("alliances", "institutions", "service_offices"):
            for ident, item in getattr(visible, list_name).items():
                self._add(item.name, list_name, ident, getattr(item, "municipality", None))
        for ident, actor in visible.actors.items():
            for name in {actor.name, actor.display_name}:
                self._add(name, "actors", ident, visible.municipality_of_member(ident))
        for ident, municipality in full.municipalities.items():  # reference data: public, not scoped
            self._add(municipality.name, "municipalities", ident, ident)
        for record in records:
            data = record.data
            if record.list_name in _KIND and isinstance(data.get("id"), str) and isinstance(data.get("name"), str):
                where = data.get("municipality")
                self._add(data["name"], record.list_name, data["id"], where if isinstance(where, str) else None)

    def _add(self, name: str, list_name: str, ident: str, place: str | None) -> None:
        entries = self.by_name.setdefault(_key(name), [])
        if not any(e[0] == list_name and e[1] == ident for e in entries):
            entries.append((list_name, ident, place))

    def find(self, value: str, lists: tuple[str, ...]) -> list[tuple[str, str, str | None]]:
        """Items of `lists` named `value`; a trailing ``(Kreis)`` narrows the name before it."""
        found = [e for e in self.by_name.get(_key(value), []) if e[0] in lists]
        if found:
            return found
        match = _QUALIFIED.match(value.strip())
        if not match:
            return []
        name, qualifier = match[1], _key(match[2])
        return [e for e in self.by_name.get(_key(name), []) if e[0] in lists and self._in_kreis(e[2], qualifier)]

    def _in_kreis(self, place: str | None, qualifier: str) -> bool:
        if not place:
            return False
        kreis = kreis_of(place)
        if qualifier in (kreis, place):
            return True
        names = {_key(self.full.municipalities[a].name) for a in (kreis, place) if a in self.full.municipalities}
        return any(name == qualifier or name.split(",")[0].strip() == qualifier for name in names)

    def describe(self, entry: tuple[str, str, str | None]) -> str:
        list_name, ident, place = entry
        if list_name == "municipalities":
            return f"{self.full.municipalities[ident].name} ({ident})"
        where = place and kreis_of(place)
        kreis = self.full.municipalities[where].name if where in self.full.municipalities else where
        return f"{_KIND[list_name]} {ident}" + (f" in {kreis} ({where})" if where else "")


def resolve_names(records: list[RawRecord], full: Dataset,
                  visible: Dataset | Callable[[], Dataset] | None = None) -> list[RawRecord]:
    """Records with names in reference fields replaced by ids (see the module docstring).

    `full` is the whole store (ids are checked against it), `visible` what the user may see
    (names are looked up there only); it may be given as a function, called only when a name
    actually needs resolving. Raises :class:`InputError` with one problem per ambiguous name.
    """
    created: dict[str, set[str]] = {name: set() for name in _KIND}  # ids the same import creates, per list
    for r in records:
        if r.list_name in created and isinstance(r.data.get("id"), str):
            created[r.list_name].add(r.data["id"])
    index: _Index | None = None
    problems: list[Problem] = []
    out: list[RawRecord] = []
    ids: dict[tuple[str, ...], set[str]] = {}  # lists -> the ids stored or created in them
    for lists in set(REFERENCES.values()):
        ids[lists] = set().union(*(getattr(full, name) for name in lists), *(created[name] for name in lists))
    fields_of = {list_name: tuple((name, ids[lists]) for name, lists in fields)
                 for list_name, fields in _FIELDS_OF.items()}
    for record in records:
        changed: dict | None = None
        for field_name, known in fields_of.get(record.list_name, ()):
            value = record.data.get(field_name)
            # the common case: the id of an item stored or created by this import
            if not isinstance(value, str) or value in known or not value.strip():
                continue
            lists = REFERENCES[(record.list_name, field_name)]
            if lists == ("municipalities",) and AGS.match(value.strip()):
                continue  # an AGS: validation says whether it exists
            if index is None:
                seen = visible() if callable(visible) else (visible if visible is not None else full)
                index = _Index(seen, full, records)
            found = index.find(value, lists)
            if len(found) == 1:
                changed = changed if changed is not None else dict(record.data)
                changed[field_name] = found[0][1]
            elif len(found) > 1:
                shown = "; ".join(index.describe(e) for e in found[:MAX_CANDIDATES])
                more = f" und {len(found) - MAX_CANDIDATES} weitere" if len(found) > MAX_CANDIDATES else ""
                problems.append(Problem(record.file, record.line, field_name,
                                        f"„{value}“ ist mehrdeutig: {shown}{more}. Bitte die Kennung angeben "
                                        f"oder den Kreis in Klammern, z. B. „{value} (Kreisname)“."))
        out.append(replace(record, data=changed) if changed is not None else record)
    if problems:
        raise InputError(problems)
    return out
