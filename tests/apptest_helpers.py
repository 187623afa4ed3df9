"""Finding AppTest elements by what users see (a label, a column), never by position on the page."""

from __future__ import annotations


def button(at, label: str):
    """The one button with this label (form submit buttons included)."""
    found = [b for b in at.button if b.label == label]
    assert len(found) == 1, f"{len(found)} Schaltflächen „{label}“: {[b.label for b in at.button]}"
    return found[0]


def table(at, *columns: str):
    """The value of the one table that has all these columns."""
    found = [f.value for f in at.dataframe if all(c in f.value.columns for c in columns)]
    assert len(found) == 1, f"{len(found)} Tabellen mit den Spalten {columns}"
    return found[0]
