"""Errors a user can act on. The CLI maps them to exit codes; nothing here prints."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as the format allows."""

    file: str
    line: str  # a line number for CSV/XLSX, a JSON path such as ``actors[3]`` for JSON
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.field}: {self.message}"


class InputError(Exception):
    """Bad input; nothing was written. Exit code 2."""

    def __init__(self, problems: list[Problem] | str):
        if isinstance(problems, str):
            problems = [Problem("-", "-", "-", problems)]
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


class StoreUnavailable(Exception):
    """The store cannot be reached or refused us. Exit code 3."""

    headline = "Datenspeicher nicht erreichbar"

    def __init__(self, uri: str, reason: str):
        self.uri = uri
        self.reason = reason
        super().__init__(f"{self.headline}: {uri}: {reason}")


class StoreBusy(StoreUnavailable):
    """The store is reachable but kept busy (locked, or changed under a write). Exit code 3."""

    headline = "Datenspeicher beschäftigt"


class NotFound(InputError):
    """An id given on the command line or in the app does not exist."""
