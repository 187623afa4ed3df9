"""The Servicebüro's view on paper: plain text for the terminal and a printable HTML page.

Owns :func:`format_office_table` (``buendnisnetz office --format table``) and
:func:`render_office_html` (``--format html`` and the app's download). The view
itself is :mod:`graph.office`; tables and print style are :mod:`graph.printout`.
"""

from __future__ import annotations

import html
import textwrap
from collections.abc import Iterable

from .health import german_date
from .model import OFFER_TYPES, STATES, Dataset
from .office import (
    MONTHS_AHEAD,
    MONTHS_BACK,
    NO_OFFER_MONTHS,
    AllianceLine,
    OfferCount,
    OfficeView,
    month_key,
    month_label,
)
from .printout import PRINT_CSS, text_table
from .rules import STATUS_LABELS, STATUSES

__all__ = ["format_office_table", "render_office_html"]


def _state_names(ds: Dataset, codes: Iterable[str]) -> str:
    return ", ".join(ds.states[c].name if c in ds.states else STATES.get(c, (c,))[0] for c in codes)


def _count_cell(count: OfferCount) -> str:
    if count.done and count.planned:
        return f"{count.done} + {count.planned} geplant"
    if count.planned:
        return f"{count.planned} geplant"
    return str(count.done) if count.done else "·"


def _number(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def _reach_sentence(row: dict) -> str:
    if not row:
        return "keine Angaben"
    text = (f"{_number(row['municipalities'])} Kommunen, {_number(row['alliances'])} Bündnisse, "
            f"{_number(row['offers'])} Angebote, {_number(row['people_reached'])} erreichte Menschen")
    if row.get("offers_without_count"):
        text += f" ({row['offers_without_count']} Angebote ohne Teilnehmendenzahl)"
    return text


def _alliance_rows(lines: list[AllianceLine]) -> list[list[str]]:
    return [[STATUS_LABELS.get(line.status, line.status), line.name, line.place, str(line.partners),
             str(line.score), ", ".join(line.flags) or "–",
             german_date(line.last_offer) if line.last_offer else "–",
             german_date(line.next_offer) if line.next_offer else "–"] for line in lines]


_ALLIANCE_HEADERS = ["Status", "Bündnis", "Ort", "Partner", "Punktzahl", "Hinweise", "Letztes Angebot",
                     "Nächstes Angebot"]


def _heading(view: OfficeView, states: str) -> str:
    return f"{view.name} ({view.city}) – Länder: {states} – Stichtag {german_date(view.as_of)}"


def format_office_table(view: OfficeView, *, width: int = 100) -> str:
    """The view as plain text for the terminal (``buendnisnetz office --format table``)."""
    counts = view.status_counts()
    states = ", ".join(STATES.get(c, (c,))[0] for c in view.states)
    out = [_heading(view, states),
           f"Bündnisse: {sum(counts.values())} (" + ", ".join(
               f"{STATUS_LABELS[s]} {counts[s]}" for s in STATUSES) + ")",
           f"Reichweite bis zum Stichtag: {_reach_sentence(view.reach)}", ""]
    out += ["Bündnisse nach Status",
            text_table(_ALLIANCE_HEADERS, _alliance_rows([line for s in STATUSES for line in view.alliances[s]]))
            if any(view.alliances.values()) else "(keine Bündnisse in den Ländern dieses Servicebüros)", ""]
    out += [f"Angebote je Art und Monat (letzte {MONTHS_BACK} Monate, geplant: nächste {MONTHS_AHEAD})",
            text_table(["Monat", *OFFER_TYPES.values()],
                        [[month_label(m), *(_count_cell(view.count(m, t)) for t in OFFER_TYPES)]
                         for m in view.months]), ""]
    out += [f"Ohne Angebot in den letzten {NO_OFFER_MONTHS} Monaten: "
            + (", ".join(line.name for line in view.without_offers) or "keine"), ""]
    out.append("Arbeitsliste (nächstes Angebot je Bündnis)")
    if not view.worklist:
        out.append("(leer)")
    for number, r in enumerate(view.worklist, 1):
        what = r.override or f"empfohlen: {OFFER_TYPES.get(r.offer_type, r.offer_type)}"
        out.append(f"{number:>3}. [{STATUS_LABELS.get(r.status, r.status)}] {r.name} – {what}")
        out += textwrap.wrap(r.reason if not r.override else f"Empfehlung war: "
                             f"{OFFER_TYPES.get(r.offer_type, r.offer_type)} – {r.reason}",
                             width=width, initial_indent="     ", subsequent_indent="     ")
    return "\n".join(out)


def render_office_html(view: OfficeView, ds: Dataset) -> str:
    """A printable standalone German HTML page of the view.

    No scripts and no external resources (it opens offline and prints as it
    looks); every string from the data is escaped with :func:`html.escape`.
    """
    e = html.escape
    counts = view.status_counts()
    states = _state_names(ds, view.states)
    parts = [
        "<!DOCTYPE html>", '<html lang="de">', "<head>", '<meta charset="utf-8">',
        f"<title>{e(view.name)} – Übersicht {e(german_date(view.as_of))}</title>",
        f"<style>{PRINT_CSS}</style>", "</head>", "<body>",
        f"<h1>{e(view.name)} ({e(view.city)})</h1>",
        f'<p class="meta">Länder: {e(states)} · Stichtag {e(german_date(view.as_of))}</p>',
        "<p>Bündnisse: " + " · ".join(f'<span class="status status-{s}">{e(STATUS_LABELS[s])}: {counts[s]}</span>'
                                     for s in STATUSES) + "</p>",
        f"<p>Reichweite bis zum Stichtag: {e(_reach_sentence(view.reach))}</p>",
        "<h2>Bündnisse nach Status</h2>",
    ]
    lines = [line for s in STATUSES for line in view.alliances[s]]
    if lines:
        parts.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in _ALLIANCE_HEADERS)
                     + "</tr></thead><tbody>")
        for line, cells in zip(lines, _alliance_rows(lines)):
            parts.append(f'<tr><td class="status status-{e(line.status)}">{e(cells[0])}</td>'
                         + "".join(f"<td>{e(c)}</td>" for c in cells[1:]) + "</tr>")
        parts.append("</tbody></table>")
    else:
        parts.append("<p>Keine Bündnisse in den Ländern dieses Servicebüros.</p>")

    parts.append(f"<h2>Angebote je Art und Monat</h2><p class=\"meta\">Durchgeführt in den letzten "
                 f"{MONTHS_BACK} Monaten, geplant in den nächsten {MONTHS_AHEAD} (kursiv).</p>")
    parts.append("<table><thead><tr><th>Monat</th>"
                 + "".join(f"<th>{e(label)}</th>" for label in OFFER_TYPES.values()) + "</tr></thead><tbody>")
    current = month_key(view.as_of)
    for m in view.months:
        css = ' class="future"' if m > current else ""
        parts.append(f"<tr{css}><td>{e(month_label(m))}</td>"
                     + "".join(f'<td class="num">{e(_count_cell(view.count(m, t)))}</td>' for t in OFFER_TYPES)
                     + "</tr>")
    done, planned = view.offers_by_type("done"), view.offers_by_type("planned")
    parts.append("<tr><th>Summe</th>" + "".join(
        f'<th class="num">{done[t]}' + (f" + {planned[t]} geplant" if planned[t] else "") + "</th>"
        for t in OFFER_TYPES) + "</tr></tbody></table>")

    parts.append(f"<h2>Ohne Angebot in den letzten {NO_OFFER_MONTHS} Monaten</h2>")
    if view.without_offers:
        parts.append("<ul>" + "".join(
            f"<li>{e(line.name)} ({e(line.place)}) – letztes Angebot: "
            f"{e(german_date(line.last_offer)) if line.last_offer else 'keines'}</li>"
            for line in view.without_offers) + "</ul>")
    else:
        parts.append("<p>Alle Bündnisse hatten ein Angebot.</p>")

    parts.append("<h2>Arbeitsliste</h2>")
    if view.worklist:
        parts.append('<ol class="work">')
        for r in view.worklist:
            offer = OFFER_TYPES.get(r.offer_type, r.offer_type)
            head = (f'<span class="status status-{e(r.status)}">{e(STATUS_LABELS.get(r.status, r.status))}</span> '
                    f"<strong>{e(r.name)}</strong> (Punktzahl {r.score})")
            if r.override:
                body = (f"<br><strong>{e(r.override)}</strong><br>"
                        f'<span class="meta">Empfehlung war: {e(offer)} – {e(r.reason)}</span>')
            else:
                body = f"<br>Empfohlen: <strong>{e(offer)}</strong> – {e(r.reason)}"
            parts.append(f"<li>{head}{body}</li>")
        parts.append("</ol>")
    else:
        parts.append("<p>Keine Einträge.</p>")
    parts += ['<p class="meta">Erstellt mit Bündnisnetz. Namen junger Geflüchteter erscheinen '
              "nur als Pseudonym.</p>", "</body>", "</html>"]
    return "\n".join(parts)
