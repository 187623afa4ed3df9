"""The JSON exchange format ``buendnisnetz/1`` (docs/design.md, Exchange format)."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

from ..errors import InputError, Problem
from ..model import ALL_LISTS, Dataset
from ..validate import RawRecord

FORMAT = "buendnisnetz/1"
#: Survey waves travel in exported files (graph.survey_api.exported_waves) as the context of the ties'
#: ``wave``; an import reads the ties and leaves waves alone (answers and tokens are never in a file).
SURVEY_WAVES = "survey_waves"

#: Field order per list in written files; readers accept any order.
FIELDS = {
    "states": ("id", "name"),
    "municipalities": ("id", "name", "level", "state"),
    "service_offices": ("id", "name", "city", "states"),
    "topics": ("id", "name"),
    "institutions": ("id", "name", "type", "sector", "municipality"),
    "actors": ("id", "name", "role", "institution", "municipality", "is_refugee_youth", "pseudonym"),
    "alliances": ("id", "name", "municipality", "founded", "status", "topics", "office"),
    "offers": ("id", "type", "title", "date", "office", "alliance", "municipality", "participants",
               "people_reached", "note"),
    "memberships": ("member", "alliance", "since", "until", "role"),
    "ties": ("source", "target", "since", "strength", "frequency", "trust", "value", "wave", "reported_by"),
}


def records_from_document(doc, source: str) -> list[RawRecord]:
    """Raw records from a parsed exchange document; locations are JSON paths like ``actors[3]``."""
    return [RawRecord(name, source, f"{name}[{index}]", item)
            for name, items in document_lists(doc, source).items() for index, item in enumerate(items)]


def document_lists(doc, source: str) -> dict[str, list]:
    """The lists of a parsed exchange document by name, in its order (the items not yet checked).

    Raises :class:`InputError` for what is wrong with the document itself (not an object, an
    unknown format or list, a list that is none).
    """
    if not isinstance(doc, dict):
        raise InputError([Problem(source, "$", "-", "erwartet ein JSON-Objekt mit Listen")])
    problems = []
    fmt = doc.get("format")
    if fmt is not None and fmt != FORMAT:
        problems.append(Problem(source, "$.format", "format", f"unbekanntes Format {fmt!r}, erwartet {FORMAT!r}"))
    lists = {}
    for name, items in doc.items():
        if name in ("format", SURVEY_WAVES):
            continue
        if name not in ALL_LISTS:
            problems.append(Problem(source, f"$.{name}", name, f"unbekannte Liste; erlaubt: {', '.join(ALL_LISTS)}"))
            continue
        if items is None:
            continue
        if not isinstance(items, list):
            problems.append(Problem(source, f"$.{name}", name, "muss eine Liste sein"))
            continue
        lists[name] = items
    if problems:
        raise InputError(problems)
    return lists


def read_json(path: Path) -> list[RawRecord]:
    return records_from_document(read_document(path), str(path))


def read_document(path: Path):
    """The parsed JSON of an exchange file; what is not readable JSON raises :class:`InputError`."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError([Problem(str(path), "-", "-", f"keine UTF-8-Datei ({exc.reason})")]) from exc
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError([Problem(str(path), str(exc.lineno), "-", f"kein gültiges JSON: {exc.msg}")]) from exc
    except RecursionError as exc:
        raise InputError([Problem(str(path), "-", "-", "kein gültiges JSON: zu tief verschachtelt")]) from exc
    except ValueError as exc:  # e.g. an integer with more digits than Python converts (4300)
        raise InputError([Problem(str(path), "-", "-", f"kein gültiges JSON: {str(exc)[:120]}")]) from exc


def _value(value):
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, tuple):
        return list(value)
    return value


def to_document(ds: Dataset, lists=ALL_LISTS) -> dict:
    """A Dataset as an exchange document: lists sorted by id, empty fields left out."""
    doc: dict = {"format": FORMAT}
    for name in lists:
        items = getattr(ds, name)
        rows = []
        for key in sorted(items):
            item = items[key]
            row = {}
            for field_name in FIELDS[name]:
                value = _value(getattr(item, field_name))
                if name == "alliances" and field_name == "topics":  # topics travel by name
                    value = [ds.topics[t].name if t in ds.topics else t for t in value]
                if value is None or value == [] or (field_name == "is_refugee_youth" and value is False):
                    continue
                row[field_name] = value
            rows.append(row)
        doc[name] = rows
    return doc


def write_json(ds: Dataset, path: Path | None = None, lists=ALL_LISTS) -> str:
    text = json.dumps(to_document(ds, lists), ensure_ascii=False, indent=2) + "\n"
    if path is not None:
        Path(path).write_text(text, encoding="utf-8")
    return text
