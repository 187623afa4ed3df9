"""Formats: reading input into raw records and writing a Dataset out."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InputError, Problem

if TYPE_CHECKING:  # graph.validate imports graph.io.csvfile: a runtime import here would be circular
    from ..validate import RawRecord


def read_paths(paths: list[str | Path]) -> list[RawRecord]:
    """Read JSON exchange files, CSV files and XLSX workbooks into raw records.

    Problems with the files themselves (unreadable, wrong format) are collected
    across all paths and raised together as one :class:`InputError`.
    """
    from . import exchange

    records: list[RawRecord] = []
    problems: list[Problem] = []
    expanded: list[Path] = []
    for path in map(Path, paths):  # a directory stands for its CSV files (e.g. a CSV export)
        if path.is_dir():
            found = sorted(path.glob("*.csv"))
            if not found:
                problems.append(Problem(str(path), "-", "-", "Verzeichnis enthält keine CSV-Dateien"))
            expanded += found
        else:
            expanded.append(path)
    for path in expanded:
        suffix = path.suffix.lower()
        try:
            if suffix == ".json":
                records += exchange.read_json(path)
            elif suffix == ".csv":
                from . import tabular

                records += tabular.read_csv(path)
            elif suffix in (".xlsx", ".xlsm"):
                from . import tabular

                records += tabular.read_xlsx(path)
            else:
                problems.append(Problem(str(path), "-", "-", "unbekanntes Format (erwartet .json, .csv oder .xlsx)"))
        except InputError as exc:
            problems += exc.problems
        except OSError as exc:
            problems.append(Problem(str(path), "-", "-", f"nicht lesbar: {exc.strerror or exc}"))
    if problems:
        raise InputError(problems)
    return records


def read_single_document(paths: list[str | Path]) -> tuple[dict[str, list], str] | None:
    """The lists of the exchange document when `paths` is exactly one JSON file (as
    :func:`graph.io.exchange.document_lists` gives them, with the file name as source), else None.

    Problems are raised as :func:`read_paths` raises them for that file.
    """
    from . import exchange

    if len(paths) != 1:
        return None
    path = Path(paths[0])
    if path.suffix.lower() != ".json" or path.is_dir():
        return None
    try:
        return exchange.document_lists(exchange.read_document(path), str(path)), str(path)
    except InputError as exc:
        raise InputError(exc.problems) from None
    except OSError as exc:
        raise InputError([Problem(str(path), "-", "-", f"nicht lesbar: {exc.strerror or exc}")]) from None
