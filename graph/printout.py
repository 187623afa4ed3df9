"""Plain-text tables and the print style shared by every printable page (CLI tables, reports).

Owns :func:`text_table` (``buendnisnetz ... --format table`` and the office's
text view) and :data:`PRINT_CSS`, the one stylesheet of the standalone HTML
pages (:mod:`graph.report`, :mod:`graph.office`). Status colours match the
app's (``ui/common.py`` takes :data:`STATUS_COLOURS`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .rules import STATUS_CRITICAL, STATUS_OK, STATUS_WARN

__all__ = ["PRINT_CSS", "STATUS_COLOURS", "text_table"]

#: light cell colours for a status, readable with dark text on screen and on paper
STATUS_COLOURS = {STATUS_CRITICAL: "#f8d0d0", STATUS_WARN: "#fde2c0", STATUS_OK: "#d6efd6"}


def text_table(headers: Sequence[object], rows: Sequence[Sequence[object]]) -> str:
    """Columns padded to the widest cell, a dashed line under the headers; None prints empty.

    >>> print(text_table(["Bündnis", "Partner"], [["b1", 3], ["b22", None]]))
    Bündnis  Partner
    -------  -------
    b1       3
    b22
    """
    cells = [[str(c) for c in headers]] + [["" if c is None else str(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths)).rstrip() for r in cells]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


PRINT_CSS = f"""
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", Arial, sans-serif;
       font-size: 10.5pt; color: #111; margin: 2em; }}
h1 {{ font-size: 17pt; margin-bottom: 0.2em; }}
h2 {{ font-size: 13pt; margin-top: 1.6em; border-bottom: 1px solid #999; }}
.meta {{ color: #444; margin-top: 0; }}
table {{ border-collapse: collapse; width: 100%; margin: .4em 0; }}
th, td {{ border: 1px solid #bbb; padding: 4px 6px; vertical-align: top; text-align: left; }}
th {{ background: #eee; }}
td.num, th.num {{ text-align: right; white-space: nowrap; }}
tr {{ page-break-inside: avoid; }}
.status {{ font-weight: bold; white-space: nowrap; }}
.status-{STATUS_CRITICAL} {{ background: {STATUS_COLOURS[STATUS_CRITICAL]}; }}
.status-{STATUS_WARN} {{ background: {STATUS_COLOURS[STATUS_WARN]}; }}
.status-{STATUS_OK} {{ background: {STATUS_COLOURS[STATUS_OK]}; }}
ul.flags {{ margin: 0; padding-left: 1.1em; }}
li.info {{ color: #555; }}
.parts {{ color: #555; font-size: 9pt; }}
.summary {{ width: auto; min-width: 22em; }}
.summary td {{ font-size: 12pt; }}
.future {{ color: #555; font-style: italic; }}
ol.work li {{ margin-bottom: .6em; page-break-inside: avoid; }}
@media print {{ body {{ margin: 1cm; }} h2 {{ page-break-after: avoid; }} }}
"""
