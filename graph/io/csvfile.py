"""The one CSV writer (and the matching cell rules for reading): every CSV Bündnisnetz writes goes here.

German Excel conventions: ``;`` between cells, UTF-8 with BOM, CRLF. Two rules
keep CSV safe and exact:

- **Formula guard.** A cell starting with ``= + - @``, tab or CR is a formula to
  Excel (CSV injection): it gets a leading apostrophe, which Excel shows as text.
  A cell that really starts with an apostrophe gets one too, so reading strips
  exactly one leading apostrophe and every text round-trips exactly.
- **Lists** (topics, participants, states) are joined with ``|``; a ``|`` or
  ``\\`` inside an item is escaped with a backslash.

>>> guard("=1+1"), guard("'=1+1"), guard("Köln")
("'=1+1", "''=1+1", 'Köln')
>>> unguard(guard("'=1+1"))
"'=1+1"
>>> join_list(["Wohnen | Arbeit", "a\\\\b"]), split_list(join_list(["Wohnen | Arbeit", "a\\\\b"]))
('Wohnen \\\\| Arbeit|a\\\\\\\\b', ['Wohnen | Arbeit', 'a\\\\b'])
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
LIST_SEPARATOR = "|"


def guard(text: str) -> str:
    """Text as a CSV cell: a leading apostrophe before formula-like text and before a real apostrophe."""
    return "'" + text if text.startswith(FORMULA_START + ("'",)) else text


def unguard(text: str) -> str:
    """The inverse of :func:`guard`: one leading apostrophe off."""
    return text[1:] if text.startswith("'") else text


def join_list(items: Iterable[str]) -> str:
    return LIST_SEPARATOR.join(str(i).replace("\\", "\\\\").replace("|", "\\|") for i in items)


def split_list(text: str) -> list[str]:
    """Items of a ``|``-joined cell; ``\\|`` is a bar inside an item, ``\\\\`` a backslash."""
    items, current, chars = [], [], iter(text)
    for ch in chars:
        if ch == "\\":
            nxt = next(chars, "")
            current.append(nxt if nxt in ("|", "\\") else ch + nxt)
        elif ch == LIST_SEPARATOR:
            items.append("".join(current))
            current = []
        else:
            current.append(ch)
    items.append("".join(current))
    return items


def cell(value) -> str:
    """Any value as a guarded CSV cell: ``ja``/``nein``, decimal comma, lists joined with ``|``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, float):
        return repr(value).replace(".", ",")  # German Excel reads 0,5 as a number
    if isinstance(value, int):
        return str(value)
    if isinstance(value, (list, tuple)):
        return guard(join_list(value))
    return guard(str(value))


def write_rows(handle, rows: Iterable[Iterable]) -> None:
    """Write rows (header included) to an open text handle, every cell through :func:`cell`."""
    writer = csv.writer(handle, delimiter=";", lineterminator="\r\n")
    writer.writerows([cell(v) for v in row] for row in rows)


def csv_text(rows: Iterable[Iterable]) -> str:
    """Rows as CSV text (no BOM; for stdout)."""
    buffer = io.StringIO()
    write_rows(buffer, rows)
    return buffer.getvalue()


def write_csv(path: str | Path, rows: Iterable[Iterable]) -> Path:
    """Rows as a CSV file for German Excel: UTF-8 with BOM."""
    with open(path, "w", encoding="utf-8-sig", newline="") as handle:
        write_rows(handle, rows)
    return Path(path)
