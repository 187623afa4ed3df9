"""Writing a Dataset out: the exchange JSON, CSV, Excel, GraphML and GEXF (Gephi).

Every writer takes ``reveal``: by default refugee young people, who are minors,
leave the tool under their pseudonym only (design.md, privacy). ``reveal=True``
is for a full backup by someone allowed to see the names.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from ..errors import InputError
from ..model import Dataset

FORMATS = ("json", "csv", "xlsx", "graphml", "gexf")


def pseudonymized(ds: Dataset, *, reveal: bool = False) -> Dataset:
    """The dataset as it may leave the tool: refugee young people named by their pseudonym.

    Parameters
    ----------
    ds : Dataset
    reveal : bool
        Keep real names (no change at all).

    Returns
    -------
    Dataset
        A shallow copy where every ``Actor`` with ``is_refugee_youth`` has
        ``name == display_name``; everything else is shared with `ds`.

    Examples
    --------
    >>> from graph.model import Actor
    >>> ds = Dataset(actors={"y1": Actor("y1", "Amira K.", is_refugee_youth=True, pseudonym="Stern")})
    >>> pseudonymized(ds).actors["y1"].name
    'Stern'
    >>> pseudonymized(ds, reveal=True).actors["y1"].name
    'Amira K.'
    """
    if reveal or not any(a.is_refugee_youth for a in ds.actors.values()):
        return ds
    out = ds.copy()
    out.actors = {ident: replace(a, name=a.display_name) if a.is_refugee_youth else a
                  for ident, a in ds.actors.items()}
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
        Unknown format, or `out` unusable (e.g. a file where a directory is needed).
    """
    out = Path(out)
    if fmt not in FORMATS:
        raise InputError(f"--format: unbekanntes Format {fmt!r}; erlaubt: {', '.join(FORMATS)}")
    if fmt == "csv":
        if out.exists() and not out.is_dir():
            raise InputError(f"--out: {out} ist eine Datei; CSV-Export braucht ein Verzeichnis")
    elif out.is_dir():
        raise InputError(f"--out: {out} ist ein Verzeichnis; erwartet wird eine Datei")
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "json":
        return write_json(ds, out, reveal=reveal)
    if fmt in ("csv", "xlsx"):
        from . import tabular

        if fmt == "csv":
            tabular.write_csv_dir(ds, out, reveal=reveal)
        else:
            tabular.write_xlsx(ds, out, reveal=reveal)
        return out
    from . import graphfile

    (graphfile.write_graphml if fmt == "graphml" else graphfile.write_gexf)(ds, out, reveal=reveal)
    return out
