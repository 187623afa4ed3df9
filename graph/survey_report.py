"""The survey section of the printable Bündnis-Check report (graph.report): one row per alliance's latest wave."""

from __future__ import annotations

from html import escape

from .model import Dataset
from .survey import WaveResults


def _num(x) -> str:
    return "–" if x is None else f"{x:.2f}".replace(".", ",")


def _delta(x, pct: bool = False) -> str:
    if x is None:
        return ""
    return f" ({x:+.0%})" if pct else f" ({x:+.2f})".replace(".", ",")


def survey_section(surveys: dict[str, WaveResults], ds: Dataset) -> str:
    """An HTML section with the latest closed wave per alliance and the change since the one before."""
    rows = []
    for alliance_id in sorted(surveys, key=lambda a: ds.name_of(a)):
        r = surveys[alliance_id]
        c = r.change or {}
        rows.append(
            f"<tr><td>{escape(ds.name_of(alliance_id))}</td><td>{escape(r.wave)}</td>"
            f"<td>{r.closed:%d.%m.%Y}</td><td class=\"num\">{r.answered}/{r.invited}"
            f"{escape(_delta(c.get('response_rate'), pct=True))}</td>"
            f"<td class=\"num\">{_num(r.density)}{escape(_delta(c.get('density')))}</td>"
            f"<td class=\"num\">{_num(r.reciprocity)}</td>"
            f"<td class=\"num\">{_num(r.trust)}{escape(_delta(c.get('trust')))}</td>"
            f"<td class=\"num\">{_num(r.value)}{escape(_delta(c.get('value')))}</td></tr>")
    return ("<h2>Netzwerkbefragungen</h2><p>Letzte abgeschlossene Welle je Bündnis; in Klammern die Veränderung "
            "seit der Welle davor. Vertrauen und Nutzen: Mittel der Einschätzungen 1–4.</p>"
            "<table><tr><th>Bündnis</th><th>Welle</th><th>geschlossen</th><th>Rücklauf</th><th>Dichte</th>"
            "<th>Gegenseitigkeit</th><th>Vertrauen</th><th>Nutzen</th></tr>" + "".join(rows) + "</table>")
