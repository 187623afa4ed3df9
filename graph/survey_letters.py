"""Invitations to a survey wave: printable letters with QR codes, a mail-merge CSV, e-mail over SMTP.

Letters are one HTML file with one page per respondent (print CSS puts each on
its own sheet); the QR code is an inline SVG from the ``qrcode`` package, so the
file needs no network and no image files.
"""

from __future__ import annotations

import csv
import html
import os
import smtplib
from datetime import date
from email.message import EmailMessage
from pathlib import Path

from .errors import InputError, Problem
from .io.csvfile import write_csv

_CSS = """
body { font-family: "Source Sans Pro", Arial, sans-serif; color: #111; margin: 0; }
.brief { max-width: 17cm; margin: 1.5cm auto; line-height: 1.45; }
.brief + .brief { border-top: 1px dashed #999; padding-top: 1cm; }
.qr { width: 4.2cm; height: 4.2cm; float: right; margin: 0 0 .5cm 1cm; }
.link { font-family: monospace; font-size: 10pt; word-break: break-all; }
.klein { font-size: 10pt; color: #444; }
@media print {
  @page { size: A4; margin: 2cm; }
  .brief { margin: 0; max-width: none; page-break-after: always; break-after: page; }
  .brief + .brief { border-top: none; padding-top: 0; }
}
"""


def qr_svg(text: str) -> str:
    """An inline SVG QR code for `text`."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=2)
    return image.to_string(encoding="unicode")


def _letter(link, alliance_name: str, closes: date | None) -> str:
    e = html.escape
    until = f" bis zum {closes:%d.%m.%Y}" if closes else ""
    return f"""<section class="brief">
<div class="qr" role="img" aria-label="QR-Code mit Ihrem persönlichen Link">{qr_svg(link.link)}</div>
<p>Guten Tag {e(link.name)},</p>
<p>das Bündnis <strong>{e(alliance_name)}</strong> möchte wissen, wer mit wem zusammenarbeitet und wie gut das
gelingt. Bitte beantworten Sie dazu einige kurze Fragen zu den anderen Mitgliedern{e(until)}.
Das dauert etwa zehn Minuten. Sie können Ihre Antworten ändern, solange die Befragung läuft.</p>
<p>Scannen Sie den QR-Code mit dem Handy oder öffnen Sie diesen Link:</p>
<p class="link">{e(link.link)}</p>
<p class="klein">Der Link ist persönlich und gilt nur für Sie. Bitte geben Sie ihn nicht weiter.
Ihre Antworten sieht nur die Koordination des Bündnisses und das Servicebüro; junge Geflüchtete erscheinen
in der Befragung nur mit einem Pseudonym. Wenn Sie nicht teilnehmen möchten, müssen Sie nichts tun.</p>
<p class="klein">Befragungswelle {e(link.wave)}</p>
</section>"""


def render_letters(links, alliance_names: dict[str, str], closes: dict[str, date | None]) -> str:
    """One printable HTML document with a letter per link."""
    wave_of = {link.wave for link in links}
    title = "Einladungen zur Netzwerkbefragung " + ", ".join(sorted(wave_of))
    body = "\n".join(_letter(link, alliance_names.get(link.wave, ""), closes.get(link.wave)) for link in links)
    return (f'<!doctype html>\n<html lang="de"><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
            f"<style>{_CSS}</style></head><body>\n{body}\n</body></html>\n")


def write_letters(links, out_dir: Path, alliance_names: dict[str, str], closes: dict[str, date | None]) -> list[Path]:
    """Write ``briefe.html`` (print) and ``serienbrief.csv`` (mail merge) into `out_dir`."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    letters = out_dir / "briefe.html"
    letters.write_text(render_letters(links, alliance_names, closes), encoding="utf-8")
    table = out_dir / "serienbrief.csv"
    rows = [["welle", "mitglied", "name", "buendnis", "link", "frist"]]
    for link in links:
        closing = closes.get(link.wave)
        rows.append([link.wave, link.member, link.name, alliance_names.get(link.wave, ""), link.link,
                     closing.strftime("%d.%m.%Y") if closing else ""])
    write_csv(table, rows)  # the one guarded CSV writer (graph.io.csvfile)
    return [letters, table]


# -- e-mail -----------------------------------------------------------------------------
def read_addresses(path: Path) -> dict[str, str]:
    """member id -> e-mail from a CSV with columns ``mitglied;email`` (addresses are not stored)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError([Problem(str(path), "-", "-", f"nicht lesbar: {exc}")]) from exc
    dialect = csv.Sniffer().sniff(text.splitlines()[0] if text else ";", delimiters=";,")
    rows = list(csv.DictReader(text.splitlines(), dialect=dialect))
    problems, out = [], {}
    for number, row in enumerate(rows, start=2):
        member = (row.get("mitglied") or row.get("member") or "").strip()
        email = (row.get("email") or row.get("e-mail") or "").strip()
        if not member:
            problems.append(Problem(str(path), str(number), "mitglied", "Pflichtfeld fehlt"))
        elif "@" not in email or " " in email:
            problems.append(Problem(str(path), str(number), "email", f"keine E-Mail-Adresse: {email!r}"))
        else:
            out[member] = email
    if problems:
        raise InputError(problems)
    return out


def smtp_settings() -> dict:
    """SMTP from the environment: BUENDNISNETZ_SMTP_HOST (required), _PORT, _USER, _PASSWORD, _FROM, _TLS."""
    host = os.environ.get("BUENDNISNETZ_SMTP_HOST")
    if not host:
        raise InputError("E-Mail-Versand: BUENDNISNETZ_SMTP_HOST ist nicht gesetzt (dazu ggf. _PORT, _USER, "
                         "_PASSWORD, _FROM, _TLS=starttls|ssl|none)")
    return {"host": host, "port": int(os.environ.get("BUENDNISNETZ_SMTP_PORT", "587")),
            "user": os.environ.get("BUENDNISNETZ_SMTP_USER"), "password": os.environ.get("BUENDNISNETZ_SMTP_PASSWORD"),
            "sender": os.environ.get("BUENDNISNETZ_SMTP_FROM", "buendnisnetz@localhost"),
            "tls": os.environ.get("BUENDNISNETZ_SMTP_TLS", "starttls")}


def send_invitations(links, addresses: dict[str, str], alliance_names: dict[str, str],
                     closes: dict[str, date | None], settings: dict | None = None) -> list[str]:
    """Send each link to its member's address; return the members mailed (one connection)."""
    settings = settings or smtp_settings()
    cls = smtplib.SMTP_SSL if settings["tls"] == "ssl" else smtplib.SMTP
    sent = []
    with cls(settings["host"], settings["port"], timeout=30) as smtp:
        if settings["tls"] == "starttls":
            smtp.starttls()
        if settings.get("user"):
            smtp.login(settings["user"], settings.get("password") or "")
        for link in links:
            to = addresses.get(link.member)
            if not to:
                continue
            closing = closes.get(link.wave)
            msg = EmailMessage()
            msg["From"] = settings["sender"]
            msg["To"] = to
            msg["Subject"] = f"Netzwerkbefragung {alliance_names.get(link.wave, '')}".strip()
            msg.set_content(
                f"Guten Tag {link.name},\n\n"
                f"das Bündnis {alliance_names.get(link.wave, '')} bittet Sie um einige kurze Antworten zur "
                f"Zusammenarbeit{' bis zum ' + closing.strftime('%d.%m.%Y') if closing else ''}.\n\n"
                f"Ihr persönlicher Link (bitte nicht weitergeben):\n{link.link}\n\n"
                "Sie können Ihre Antworten ändern, solange die Befragung läuft.\n")
            smtp.send_message(msg)
            sent.append(link.member)
    return sent
