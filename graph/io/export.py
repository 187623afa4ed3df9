"""Writing a Dataset out: the exchange JSON, CSV, Excel, GraphML and GEXF (Gephi).

:data:`EXPORT_FORMATS` is the one list of export formats: the CLI's
``--format`` choices and the app's export menu are read from it, so a new
format is one new row here (plus its test; docs/design.md, "Wo man was ändert").

Every writer takes ``reveal``: by default refugee young people, who are minors,
leave the tool only as pseudonymous entries (:func:`pseudonymized`; docs/design.md,
Roles and privacy). ``reveal=True`` is for a full copy by someone allowed to see the names.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .. import chance
from ..errors import InputError, Problem
from ..model import Actor, Dataset, Membership

__all__ = ["EXPORT_FORMATS", "FORMATS", "ExportFormat", "export", "pseudonymized", "write_json"]


def _write_csv(ds: Dataset, out: Path, reveal: bool) -> None:
    from .tabular import write_csv_dir

    write_csv_dir(ds, out, reveal=reveal)


def _write_xlsx(ds: Dataset, out: Path, reveal: bool) -> None:
    from .tabular import write_xlsx

    write_xlsx(ds, out, reveal=reveal)


def _write_graphml(ds: Dataset, out: Path, reveal: bool) -> None:
    from .graphfile import write_graphml

    write_graphml(ds, out, reveal=reveal)


def _write_gexf(ds: Dataset, out: Path, reveal: bool) -> None:
    from .graphfile import write_gexf

    write_gexf(ds, out, reveal=reveal)


def _write_json(ds: Dataset, out: Path, reveal: bool) -> None:
    write_json(ds, out, reveal=reveal)


@dataclass(frozen=True)
class ExportFormat:
    """One export format: its ``--format`` name, German label, download type and writer."""

    name: str
    label: str
    mime: str
    write: Callable[[Dataset, Path, bool], None]
    directory: bool = False  # writes a folder of files (the app zips it)


#: Every export format, in the order the CLI and the app offer them.
EXPORT_FORMATS: dict[str, ExportFormat] = {f.name: f for f in (
    ExportFormat("json", "JSON (Austauschformat)", "application/json", _write_json),
    ExportFormat("csv", "CSV (ZIP mit einer Datei je Liste)", "application/zip", _write_csv, directory=True),
    ExportFormat("xlsx", "Excel (XLSX)", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                 _write_xlsx),
    ExportFormat("graphml", "GraphML (yEd, Gephi)", "application/xml", _write_graphml),
    ExportFormat("gexf", "GEXF (Gephi)", "application/xml", _write_gexf),
)}
FORMATS = tuple(EXPORT_FORMATS)


def pseudonymized(ds: Dataset, *, reveal: bool = False, rng: random.Random | None = None) -> Dataset:
    """The dataset as it may leave the tool: refugee young people only as pseudonymous entries.

    For every actor with ``is_refugee_youth`` (unless `reveal`):

    - a random id for this export only (``jugendliche-…``), never the stored one, and the
      pseudonym as name (one without a stored pseudonym gets a random one);
    - no place (coarser than the Kreis required: the alliance tells the region), no
      institution, no role;
    - membership dates no finer than the year (``since`` 1 January, ``until`` 31 December),
      no membership role;
    - no ties (to a named person or another young person) and no offer participation.

    Parameters
    ----------
    ds : Dataset
    reveal : bool
        Keep everything as stored (no change at all).
    rng : random.Random, optional
        Source of the random ids (tests); default: the operating system's.

    Examples
    --------
    >>> from graph.model import Actor
    >>> ds = Dataset(actors={"y1": Actor("y1", "Amira K.", is_refugee_youth=True, pseudonym="Stern")})
    >>> [(a.name, a.id.startswith("jugendliche-"), a.id != "y1") for a in pseudonymized(ds).actors.values()]
    [('Stern', True, True)]
    >>> pseudonymized(ds, reveal=True).actors["y1"].name
    'Amira K.'
    """
    minors = [a for a in ds.actors.values() if a.is_refugee_youth]
    if reveal or not minors:
        return ds
    rng = rng or chance.source()
    new_id: dict[str, str] = {}
    taken = set(ds.actors) | set(ds.institutions)
    for a in minors:
        while (ident := f"jugendliche-{rng.getrandbits(40):010x}") in taken:
            pass
        taken.add(ident)
        new_id[a.id] = ident
    out = ds.copy()
    out.actors = {}
    stored = {a.pseudonym for a in minors if a.pseudonym}
    given: set[str] = set()
    for ident, a in ds.actors.items():
        if ident not in new_id:
            out.actors[ident] = a
            continue
        name = a.pseudonym if a.pseudonym not in given else None  # unique in every export
        while name is None or (name in stored and name != a.pseudonym) or name in given:
            name = f"Jugendliche*r {rng.getrandbits(24):06X}"
        given.add(name)
        # No place at all: the alliance already tells the region, and the Kreis of the
        # person next to it singled out 12 more of the demo's 54 (README, Datenschutz).
        out.actors[new_id[ident]] = Actor(new_id[ident], name, None, None, None, True, name)
    out.memberships = {}
    for m in ds.memberships.values():
        if m.member in new_id:
            m = Membership(new_id[m.member], m.alliance, date(m.since.year, 1, 1) if m.since else None,
                           date(m.until.year, 12, 31) if m.until else None, None)
        out.memberships[m.key] = m
    # No tie of a young person at all: to a named person it would name their circle, and
    # between two young people it singled out 24 of 54 in the demo (README, Datenschutz).
    out.ties = {key: t for key, t in ds.ties.items() if t.source not in new_id and t.target not in new_id}
    out.offers = {ident: replace(o, participants=tuple(p for p in o.participants if p not in new_id))
                  if any(p in new_id for p in o.participants) else o for ident, o in ds.offers.items()}
    return out


def write_json(ds: Dataset, path: Path, *, reveal: bool = False) -> Path:
    """The exchange file ``buendnisnetz/1``; re-importing it changes nothing."""
    from .exchange import write_json as write_document

    write_document(pseudonymized(ds, reveal=reveal), Path(path))
    return Path(path)


def export(ds: Dataset, fmt: str, out: Path, *, reveal: bool = False) -> Path:
    """Write `ds` in one of :data:`FORMATS` to `out` and return what was written.

    Parameters
    ----------
    ds : Dataset
        The graph to write (usually ``store.read()``).
    fmt : {"json", "csv", "xlsx", "graphml", "gexf"}
        ``csv`` writes a directory `out` with one ``;``-separated UTF-8 (BOM)
        file per list, ready for Excel and for re-import; ``xlsx`` one sheet
        per list; ``graphml``/``gexf`` a graph for Gephi or yEd.
    out : Path
        Target file (a directory for ``csv``).
    reveal : bool
        Write refugee young people's real names instead of pseudonyms.

    Returns
    -------
    Path
        `out`.

    Raises
    ------
    InputError
        Unknown format (a :class:`~graph.errors.Problem` on field ``format``), or
        `out` unusable, e.g. a file where a directory is needed (field ``out``).
        The CLI and the app name their own option or field for these.
    """
    out = Path(out)
    chosen = EXPORT_FORMATS.get(fmt)
    if chosen is None:
        raise InputError([Problem("-", "-", "format", f"unbekanntes Format {fmt!r}; erlaubt: {', '.join(FORMATS)}")])
    if chosen.directory:
        if out.exists() and not out.is_dir():
            raise InputError([Problem("-", "-", "out", f"{out} ist eine Datei; dieses Format braucht ein Verzeichnis")])
    elif out.is_dir():
        raise InputError([Problem("-", "-", "out", f"{out} ist ein Verzeichnis; erwartet wird eine Datei")])
    out.parent.mkdir(parents=True, exist_ok=True)
    chosen.write(ds, out, reveal)
    return out
