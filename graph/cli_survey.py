"""``buendnisnetz survey``: network survey waves (Netzwerkbefragung). Parsing and printing only."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import click

from . import survey_api
from .errors import InputError
from .printout import text_table
from .validate import parse_date


def _say(message: str) -> None:
    click.echo(message, err=True)


def _date(value: str, option: str) -> date:
    try:
        day = parse_date(value)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from exc
    if day is None:
        raise InputError(f"{option}: Datum fehlt")
    return day


def _emit(fmt: str, value, table_rows=None, headers=None) -> None:
    if fmt == "json":
        click.echo(json.dumps(value, ensure_ascii=False, indent=2))
    else:
        click.echo(text_table(headers or [], table_rows if table_rows is not None else []))


def _alliance_info(obj, links):
    ds = obj.read()  # through graph.api, scoped to the user
    waves = {w.id: w for w in survey_api.survey_store(obj.store).waves()}
    names = {link.wave: ds.name_of(waves[link.wave].alliance) for link in links}
    closes = {link.wave: waves[link.wave].closes for link in links}
    return names, closes


def _write_outputs(obj, links, out, addresses):
    from .survey_letters import read_addresses, send_invitations, write_letters

    names, closes = _alliance_info(obj, links)
    if out:
        paths = write_letters(links, Path(out), names, closes)
        _say("Briefe und Serienbrief-Tabelle: " + ", ".join(str(p) for p in paths))
    if addresses:
        sent = send_invitations(links, read_addresses(Path(addresses)), names, closes)
        _say(f"E-Mails verschickt: {len(sent)} von {len(links)}")


@click.group()
def survey():
    """Netzwerkbefragung: Befragungswellen starten, Links verteilen, schließen, auswerten."""


@survey.command("start")
@click.option("--alliance", metavar="ID", help="Bündnis, dessen aktuelle Mitglieder befragt werden.")
@click.option("--kreis", metavar="AGS", help="Alle Bündnisse dieses Kreises (je eine Welle).")
@click.option("--closes", metavar="DATUM", help="Letzter Tag, an dem die Links gelten.")
@click.option("--base-url", metavar="URL", help="Adresse der App für die Links [env: BUENDNISNETZ_BASE_URL].")
@click.option("--letters", "out", type=click.Path(file_okay=False), help="Briefe (HTML) und Serienbrief-CSV hierher.")
@click.option("--send", "addresses", type=click.Path(dir_okay=False, exists=True),
              help="Links per E-Mail schicken; CSV mit Spalten mitglied;email (SMTP aus BUENDNISNETZ_SMTP_*).")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def start(obj, alliance, kreis, closes, base_url, out, addresses, fmt):
    """Befragungswelle starten: jede befragte Person bekommt einen persönlichen Link."""
    closes_day = _date(closes, "--closes") if closes else None
    links = survey_api.start_waves(obj.store, user=obj.user, alliance=alliance, kreis=kreis, closes=closes_day,
                                   base=base_url)
    _write_outputs(obj, links, out, addresses)
    _emit(fmt, [link.as_dict() for link in links], [[x.wave, x.member, x.name, x.link] for x in links],
          ["Welle", "Mitglied", "Name", "Link"])
    _say(f"{len(links)} Link(s) erzeugt. Sie werden nur jetzt angezeigt; gespeichert ist nur ein Hash.")
    from .accounts import mode as accounts_mode

    if accounts_mode() == "single-user":
        _say("Achtung: Einzelplatz-Installation – die App ist ohne Anmeldung offen. Wer einen Link hat, könnte "
             "dann auch die anderen Seiten öffnen. Vor dem Verschicken Konten anlegen (buendnisnetz user add).")


@survey.command("letters")
@click.argument("wave")
@click.option("--out", required=True, type=click.Path(file_okay=False),
              help="Verzeichnis für briefe.html und serienbrief.csv.")
@click.option("--member", "members", multiple=True, metavar="ID", help="Nur für diese Person(en) (mehrfach möglich).")
@click.option("--base-url", metavar="URL")
@click.option("--send", "addresses", type=click.Path(dir_okay=False, exists=True),
              help="Zusätzlich per E-Mail schicken (CSV mitglied;email).")
@click.pass_obj
def letters(obj, wave, out, members, base_url, addresses):
    """Briefe mit QR-Code drucken. Erzeugt neue Links: frühere Links dieser Personen gelten dann nicht mehr."""
    links = survey_api.reissue_links(obj.store, wave, user=obj.user, members=list(members) or None, base=base_url)
    _write_outputs(obj, links, out, addresses)
    _say(f"{len(links)} Brief(e) mit neuen Links; ältere Links dieser Personen gelten nicht mehr.")


@survey.command("status")
@click.argument("wave")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def status(obj, wave, fmt):
    """Stand einer Welle: eingeladen, geantwortet, Rücklaufquote."""
    s = survey_api.wave_status(obj.store, wave, user=obj.user)
    out = {k: s[k] for k in ("wave", "alliance", "invited", "answered", "response_rate")}
    _emit(fmt, out, [[s["wave"], s["alliance"], s["invited"], s["answered"], f"{s['response_rate']:.0%}",
                      s["closed"] or "läuft"]],
          ["Welle", "Bündnis", "eingeladen", "geantwortet", "Rücklauf", "geschlossen"])


@survey.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def list_(obj, fmt):
    """Alle Wellen, die Sie sehen dürfen."""
    rows = survey_api.list_waves(obj.store, user=obj.user)
    _emit(fmt, rows, [[r["wave"], r["alliance"], r["started"], r["closes"] or "", r["closed"] or "läuft",
                       r["invited"], r["answered"], f"{r['response_rate']:.0%}"] for r in rows],
          ["Welle", "Bündnis", "Beginn", "Frist", "geschlossen", "eingeladen", "geantwortet", "Rücklauf"])


@survey.command("close")
@click.argument("wave")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def close(obj, wave, fmt):
    """Welle schließen: Links gelten nicht mehr, Antworten werden zu datierten Verbindungen (protokolliert)."""
    s = survey_api.close_wave(obj.store, wave, user=obj.user)
    if fmt == "json":
        _emit(fmt, s)
    _say(f"Welle {wave} geschlossen: {s['answered']} von {s['invited']} haben geantwortet; "
                f"{s['ties']} Verbindung(en), davon {s['one_sided']} einseitig berichtet.")


@survey.command("results")
@click.option("--alliance", required=True, metavar="ID")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def results(obj, alliance, fmt):
    """Ergebnisse aller Wellen eines Bündnisses: Rücklauf, Dichte, Gegenseitigkeit, Vertrauen, Nutzen."""
    items = survey_api.alliance_results(obj.store, alliance, user=obj.user)

    def num(x):
        return "" if x is None else f"{x:.2f}"

    _emit(fmt, [r.as_dict() for r in items],
          [[r.wave, r.closed or "läuft", f"{r.response_rate:.0%}", num(r.density), num(r.reciprocity), num(r.trust),
            num(r.value)] for r in items],
          ["Welle", "geschlossen", "Rücklauf", "Dichte", "Gegenseitigkeit", "Vertrauen", "Nutzen"])


@survey.command("missing")
@click.argument("wave")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def missing(obj, wave, fmt):
    """Prüfliste „Wer fehlt?“: genannte Namen (es wird nichts automatisch angelegt)."""
    rows = survey_api.missing_names(obj.store, wave, user=obj.user)
    _emit(fmt, rows, [[r["name"], r["reported_by"], r["at"]] for r in rows], ["Name", "genannt von", "am"])


@survey.command("consent")
@click.argument("person")
@click.option("--date", "day", metavar="DATUM", help="Datum der Einwilligung (Standard: heute).")
@click.option("--withdraw", is_flag=True, help="Einwilligung widerrufen.")
@click.pass_obj
def consent(obj, person, day, withdraw):
    """Einwilligung einer*eines jungen Geflüchteten zur Teilnahme an Befragungen festhalten oder widerrufen."""
    if withdraw and day:
        raise InputError("--date und --withdraw schließen sich aus")
    value = None if withdraw else (_date(day, "--date") if day else date.today())
    survey_api.set_consent(obj.store, person, value, user=obj.user)
    _say(f"Einwilligung {'widerrufen' if withdraw else 'festgehalten'}: {person}")
