"""A printable German HTML report of the Bündnis-Check.

One standalone file: inline CSS, no scripts, no external resources, so it can
be mailed, archived and printed. Every text taken from the data (names,
messages, ids) goes through :func:`html.escape`; nothing from the data can
become markup.
"""

from __future__ import annotations

from collections import Counter
from datetime import date
from html import escape

from .health import (
    CRITICAL_SCORE_CAP,
    FLAG_LABELS,
    INFO,
    SCORE_PARTS,
    SEVERITY_LABELS,
    STATUS_CRITICAL,
    STATUS_LABELS,
    STATUS_OK,
    STATUS_WARN,
    AllianceReport,
    german_date,
    rollup,
)
from .model import Dataset
from .printout import PRINT_CSS
from .rules import STATUSES


def render_report(reports: list[AllianceReport], ds: Dataset, title: str, as_of: date, *,
                  subtitle: str | None = None, by: str | None = "kreis", surveys: dict | None = None) -> str:
    """The report as one HTML document.

    Parameters
    ----------
    reports : list of AllianceReport
        Output of :func:`graph.health.check_alliances`, in the order to show.
    ds : Dataset
        For names of municipalities and members.
    title : str
        Heading, e.g. "Bündnis-Check Servicebüro Köln".
    as_of : datetime.date
        The check's date (Stichtag).
    subtitle : str, optional
        A line under the heading, e.g. the scope.
    by : {"kreis", "state", "office"} or None
        Adds a table of counts per Kreis / Land / Servicebüro; None leaves it out.
    surveys : dict, optional
        Alliance id -> latest closed survey wave's results (graph.survey_api.latest_closed); adds a section.

    Returns
    -------
    str
        A complete ``<!DOCTYPE html>`` document in German.
    """
    counts = Counter(r.status for r in reports)
    parts = [
        "<!DOCTYPE html>",
        '<html lang="de"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(title)}</title><style>{PRINT_CSS}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        f'<p class="meta">Stichtag {german_date(as_of)} · {len(reports)} Bündnisse'
        + (f" · {escape(subtitle)}" if subtitle else "") + "</p>",
        "<h2>Überblick</h2>",
        '<table class="summary"><tr><th>Status</th><th>Bündnisse</th></tr>',
    ]
    for status in STATUSES:
        parts.append(f'<tr><td class="status status-{status}">{STATUS_LABELS[status]}</td>'
                     f'<td class="num">{counts[status]}</td></tr>')
    parts.append("</table>")
    parts.append("<p>Kritisch: weniger lokale Partner als das Programm mindestens verlangt. "
                 "Warnung: ein Hinweis, dem das Servicebüro nachgehen sollte. "
                 "Hinweise (grau) erklären nur, wie gezählt wurde.</p>")

    if by and len(reports) > 1:
        rows = rollup(reports, ds, by)
        if len(rows) > 1:
            heading = {"kreis": "Kreis", "state": "Land", "office": "Servicebüro"}[by]
            parts.append(f"<h2>Nach {heading}</h2>")
            parts.append(f"<table><tr><th>{heading}</th><th>Bündnisse</th><th>kritisch</th>"
                         "<th>Warnung</th><th>in Ordnung</th><th>Ø Punktzahl</th></tr>")
            for row in rows:
                parts.append(
                    f"<tr><td>{escape(row['name'])} ({escape(row['id'])})</td>"
                    f'<td class="num">{row["alliances"]}</td><td class="num">{row[STATUS_CRITICAL]}</td>'
                    f'<td class="num">{row[STATUS_WARN]}</td><td class="num">{row[STATUS_OK]}</td>'
                    f'<td class="num">{row["mean_score"]}</td></tr>')
            parts.append("</table>")

    parts.append("<h2>Bündnisse</h2>")
    if not reports:
        parts.append("<p>Keine Bündnisse in dieser Auswahl.</p>")
    else:
        parts.append("<table><tr><th>Bündnis</th><th>Kommune</th><th>Partner</th><th>Status</th>"
                     "<th>Punktzahl</th><th>Hinweise und Gründe</th></tr>")
        parts.extend(_alliance_row(r, ds) for r in reports)
        parts.append("</table>")

    if surveys:
        from .survey_report import survey_section

        parts.append(survey_section(surveys, ds))
    parts.append("<h2>So entsteht die Punktzahl</h2><table><tr><th>Teil</th><th>höchstens</th></tr>")
    for label, points in SCORE_PARTS.items():
        parts.append(f'<tr><td>{escape(label)}</td><td class="num">{points}</td></tr>')
    parts.append(f"</table><p>Ein Bündnis unter der Mindestzahl erhält höchstens {CRITICAL_SCORE_CAP} Punkte.</p>")
    parts.append('<p class="meta">Erstellt mit Bündnisnetz. Namen geflüchteter junger Menschen '
                 "erscheinen nur als Pseudonym.</p></body></html>")
    return "\n".join(parts) + "\n"


def _alliance_row(report: AllianceReport, ds: Dataset) -> str:
    municipality = ds.municipalities.get(report.municipality)
    place = f"{escape(municipality.name)} ({escape(report.municipality)})" if municipality \
        else escape(report.municipality)
    items = []
    for flag in report.flags:
        label = FLAG_LABELS.get(flag.code, flag.code)
        css = ' class="info"' if flag.severity == INFO else ""
        items.append(f"<li{css}><strong>{escape(label)}</strong> "
                     f"({escape(SEVERITY_LABELS.get(flag.severity, flag.severity))}): {escape(flag.message)}</li>")
    flags = f'<ul class="flags">{"".join(items)}</ul>' if items else "Keine Auffälligkeiten."
    points = ", ".join(f"{escape(k)} {v}" for k, v in report.score_parts.items())
    return (f"<tr><td>{escape(report.name)}<br><small>{escape(report.alliance)}</small></td>"
            f"<td>{place}</td><td class=\"num\">{report.partners}</td>"
            f'<td class="status status-{escape(report.status)}">'
            f"{escape(STATUS_LABELS.get(report.status, report.status))}</td>"
            f'<td class="num">{report.score}</td>'
            f'<td>{flags}<div class="parts">{points}</div></td></tr>')
