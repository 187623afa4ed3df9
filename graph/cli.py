"""The ``buendnisnetz`` command line: parsing and printing only; the work is in the library.

Exit codes (docs/design.md, Command line): 0 ok, 1 internal error, 2 bad input, 3 store unreachable.
JSON goes to stdout, messages to stderr. Options several commands share are one decorator each
(:func:`as_of_option`, :func:`format_option`, :func:`output_options`) and output goes through
:func:`_emit` (to ``--out`` or stdout).

Why one module of about 700 lines: it is one flat group of some twenty commands, each a few lines
of options, one library call and printing; a command group that grows gets its own module
(``graph/cli_survey.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date
from pathlib import Path

import click

from . import api
from .access import ROLES, AccessDenied
from .errors import InputError, NotFound, StoreUnavailable
from .io.export import EXPORT_FORMATS
from .printout import text_table
from .rules import MIN_PARTNERS, number_word
from .store import ENV_STORE
from .suggest.registry import KINDS as SUGGESTION_KINDS
from .suggest.registry import REGISTRY as SUGGESTION_REGISTRY
from .validate import parse_date

EXIT_OK, EXIT_INTERNAL, EXIT_INPUT, EXIT_STORE = 0, 1, 2, 3


class Context:
    """The store and the acting user of one command; both opened through :mod:`graph.api` on first use."""

    def __init__(self, store_uri: str | None, user_name: str):
        self.store_uri = store_uri
        self.user_name = user_name
        self._store = None
        self._user = None

    @property
    def user(self):
        """The acting user: a recorded single-user install acts as admin, else an account (see README)."""
        if self._user is None:
            from . import accounts

            password = None
            if accounts.mode() == "accounts" and accounts.cli_password_required():
                password = os.environ.get(accounts.ENV_LOGIN_PASSWORD)
                if password is None and sys.stdin.isatty():
                    password = click.prompt(f"Passwort für {self.user_name}", hide_input=True, err=True)
            self._user = accounts.resolve(self.user_name, password=password)
        return self._user

    def setup_user(self):
        """The acting user for account management: before any account exists, the machine's user (bootstrap)."""
        from . import accounts
        from .access import User

        if accounts.mode() != "accounts":
            return User(self.user_name, "admin")
        return self.user

    def read(self, *, alliance: str | None = None, kreis: str | None = None):
        """What the user may see; with `alliance` or `kreis` possibly only that alliance's or Kreis' part."""
        return api.read(self.store, self.user, alliance=alliance, kreis=kreis)

    @property
    def store(self):
        if self._store is None:
            self._store = api.connect(self.store_uri)
            if hasattr(self._store, "on_busy"):  # the embedded store: say why a write waits
                self._store.on_busy = lambda seconds: _say(
                    f"Der Speicher ist gerade beschäftigt (ein anderer Vorgang schreibt) – "
                    f"warte bis zu {seconds:g} s …")
        return self._store

    def close(self):
        if self._store is not None:
            self._store.close()


def _record_single_user(explicit: bool) -> None:
    """Record single-user mode when asked to, or on a fresh machine (default accounts path, no file)."""
    from . import accounts

    how = accounts.mode()
    if how == "accounts":
        if explicit:
            raise InputError("Es sind schon Konten angelegt; --single-user ist nicht möglich")
        return
    if how == "single-user":
        return
    if explicit or (accounts.path_is_default() and not accounts.accounts_path().exists()):
        path = accounts.set_single_user()
        _say(f"Einzelplatzbetrieb eingerichtet: ohne Konten, wer diesen Rechner nutzt, handelt als "
             f"Administration (vermerkt in {path}). Konten anlegen: buendnisnetz user add NAME --role admin")


def _date_option(value: str | None, option: str = "--as-of") -> date:
    if not value:
        return date.today()
    try:
        parsed = parse_date(value)
    except ValueError as exc:
        raise InputError(f"{option}: {exc}") from exc
    return parsed


def _require(ds, option: str, value: str | None, *, alliance=False, kreis=False, office=False, member=False) -> None:
    """Refuse an id given on the command line that the (visible) data does not have, naming the option."""
    if not value:
        return
    if alliance and value not in ds.alliances:
        raise NotFound(f"{option}: Bündnis {value!r} gibt es nicht")
    if kreis and value not in ds.municipalities:
        raise NotFound(f"{option}: Kreis {value!r} gibt es nicht")
    if office and value not in ds.service_offices:
        raise NotFound(f"{option}: Servicebüro {value!r} gibt es nicht "
                       f"(bekannt: {', '.join(sorted(ds.service_offices)) or 'keines'})")
    if member and value not in ds.actors and value not in ds.institutions:
        raise NotFound(f"{option}: Person oder Einrichtung {value!r} gibt es nicht")


def _say(message: str) -> None:
    click.echo(message, err=True)


def _print_json(value) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2))


# -- options several commands share (as sqlite-utils' cli.py does with output_options) ----------

AS_OF_HELP = "Stichtag (JJJJ-MM-TT oder TT.MM.JJJJ), Standard: heute."
OUT_HELP = "In Datei schreiben statt auf die Standardausgabe."


def as_of_option(help: str = AS_OF_HELP):
    """``--as-of DATUM``; read it with :func:`_date_option`."""
    return click.option("--as-of", metavar="DATUM", help=help)


def format_option(*formats: str, default: str = "table"):
    """``--format`` with these choices (the parameter is ``fmt``)."""
    return click.option("--format", "fmt", type=click.Choice(list(formats)), default=default, show_default=True)


def output_options(*formats: str, default: str = "table", out_help: str = OUT_HELP):
    """``--format`` and ``--out`` for a command whose output :func:`_emit` writes."""
    def decorator(command):
        command = click.option("--out", type=click.Path(dir_okay=False), help=out_help)(command)
        return format_option(*formats, default=default)(command)

    return decorator


def _emit(text: str, out: str | None, what: str = "Geschrieben") -> None:
    """Write `text` to the file `out` (and say so on stderr), else print it."""
    if out:
        Path(out).write_text(text + "\n", encoding="utf-8")
        _say(f"{what}: {out}")
    else:
        click.echo(text)


def _progress(label: str):
    """A progress callback drawing on stderr (only when it is a terminal)."""
    state = {"bar": None}

    def update(done: int, total: int) -> None:
        if not sys.stderr.isatty() or total < 2000:
            return
        if state["bar"] is None:
            state["bar"] = click.progressbar(length=total, label=label, file=sys.stderr)
            state["bar"].__enter__()
        bar = state["bar"]
        bar.update(done - bar.pos)
        if done >= total:
            bar.__exit__(None, None, None)

    return update


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--store", "store_uri", envvar=ENV_STORE, metavar="URI",
              help="Datenspeicher: sqlite:///pfad.db (Standard: Datei im Benutzerverzeichnis) oder "
                   "bolt://, neo4j://, neo4j+s://host:port?database=name  [env: BUENDNISNETZ_STORE]")
@click.option("--user", default=lambda: os.environ.get("BUENDNISNETZ_USER", api.DEFAULT_USER),
              show_default="admin", help="Handelnde Person (Konto; bestimmt Rechte und Protokolleintrag) "
                                         "[env: BUENDNISNETZ_USER]")
@click.version_option(package_name="buendnisnetz")
@click.pass_context
def cli(ctx, store_uri, user):
    """Bündnisnetz – lokale Bündnisse für junge Geflüchtete als Netzwerk.

    Karten, Bündnis-Check (Partnerregel: mindestens {minimum} lokale Partner) und
    erklärte Vorschläge für neue Verbindungen.
    """
    ctx.obj = Context(store_uri, user)
    ctx.call_on_close(ctx.obj.close)


SINGLE_USER_HELP = ("Einzelplatz ohne Konten ausdrücklich einrichten (wer den Rechner nutzt, handelt als "
                    "Administration); auf einem frischen Rechner geschieht das ohne die Option von selbst.")


@cli.command()
@click.option("--single-user", is_flag=True, help=SINGLE_USER_HELP)
@click.pass_obj
def init(obj: Context, single_user):
    """Schema anlegen und Referenzdaten laden (Länder, Kreise, Servicebüros, Themen). Wiederholbar."""
    _record_single_user(single_user)
    result = api.init_store(obj.store, user=obj.user)
    s = result.summary()
    _say(f"Initialisiert: {s['new']} neu, {s['changed']} geändert, {s['unchanged']} unverändert "
         f"({obj.store.uri}).")


@cli.command()
@click.option("--anchor", metavar="DATUM", help="Stichtag, auf den sich die Demodaten beziehen (Standard: heute).")
@click.option("--single-user", is_flag=True, help=SINGLE_USER_HELP)
@click.pass_obj
def demo(obj: Context, anchor, single_user):
    """Fiktive Demodaten laden (deterministisch, deutlich als Demo gekennzeichnet)."""
    _record_single_user(single_user)
    result = api.load_demo(obj.store, user=obj.user, anchor=_date_option(anchor, "--anchor") if anchor else None)
    s = result.summary()
    _say(f"Demodaten (fiktiv) geladen: {s['new']} neu, {s['changed']} geändert, {s['unchanged']} unverändert.")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path())
@click.option("--dry-run", is_flag=True, help="Nur prüfen und zeigen, was sich ändern würde; nichts schreiben.")
@click.pass_obj
def import_(obj: Context, paths, dry_run):
    """Austauschdatei (JSON), CSV-Dateien (oder ein Verzeichnis davon) oder XLSX-Arbeitsmappe importieren.

    Alles oder nichts: mehrere Dateien sind eine Transaktion.
    Bei einem Fehler wird nichts geschrieben; jedes Problem erscheint als
    Datei:Zeile: Feld: Meldung und der Exit-Code ist 2.
    """
    result = api.import_paths(obj.store, list(paths), user=obj.user, dry_run=dry_run,
                              progress=_progress("Importiere"))
    for warning in result.warnings:
        _say(f"Warnung: {warning}")
    rows = [[name, c["new"], c["changed"], c["unchanged"]] for name, c in result.counts.items()
            if any(c.values())]
    _say(text_table(["Liste", "neu", "geändert", "unverändert"], rows))
    s = result.summary()
    verb = "Probelauf – würde schreiben" if dry_run else "Geschrieben"
    _say(f"{verb}: {s['new']} neu, {s['changed']} geändert, {s['unchanged']} unverändert.")


@cli.command()
@format_option(*EXPORT_FORMATS, default="json")
@click.option("--out", required=True, type=click.Path(), help="Zieldatei (bei csv: Verzeichnis).")
@click.option("--reveal", is_flag=True, help="Klarnamen junger Geflüchteter exportieren statt Pseudonymen "
                   "(nur Administration; wird im Änderungsprotokoll vermerkt).")
@click.pass_obj
def export(obj: Context, fmt, out, reveal):
    """Daten exportieren: {formats}."""
    path = api.export(obj.store, fmt, Path(out), user=obj.user, reveal=reveal)
    _say(f"Exportiert nach {path or out} ({fmt}).")


def _health_reports(obj: Context, alliance, as_of, *, kreis=None, state=None, office_id=None, whole=False):
    from .health import check_alliances, select_reports

    # One alliance is checked on its neighbourhood (a shard of the snapshot); tests/test_snapshot.py
    # proves the reports equal those on the whole graph.
    ds = obj.read(alliance=alliance if alliance and not (whole or kreis or state or office_id) else None)
    _require(ds, "--alliance", alliance, alliance=True)
    _require(ds, "--office", office_id, office=True)
    _require(ds, "--kreis", kreis, kreis=True)
    if alliance:
        reports = check_alliances(ds, as_of, alliance_ids=[alliance])
    else:  # every alliance: kept until the next write (shared with the app)
        reports = api.health_reports(obj.store, obj.user, as_of, ds)
    if kreis or state or office_id:
        reports = select_reports(reports, ds, kreis=kreis, state=state.upper() if state else None, office=office_id)
    return ds, reports


@cli.command()
@click.option("--alliance", metavar="ID", help="Nur dieses Bündnis.")
@click.option("--kreis", metavar="AGS", help="Nur Bündnisse in diesem Kreis.")
@click.option("--state", metavar="LAND", help="Nur Bündnisse in diesem Land (z. B. NW).")
@click.option("--office", "office_id", metavar="ID", help="Nur Bündnisse in der Region dieses Servicebüros.")
@as_of_option()
@click.option("--compare", "compare_to", metavar="DATUM",
              help="Mit diesem früheren Stichtag vergleichen: was sich geändert hat, wer kam, wer ging.")
@click.option("--by", type=click.Choice(["kreis", "state", "office"]),
              help="Zusammenfassung je Kreis, Land oder Servicebüro statt einzelner Bündnisse.")
@output_options("table", "json", "csv", "html", out_help="In Datei schreiben (für html empfohlen).")
@click.pass_obj
def health(obj: Context, alliance, kreis, state, office_id, as_of, compare_to, by, fmt, out):
    """Bündnis-Check: Partnerregel (mindestens {minimum} lokale Partner) und weitere Hinweise."""
    from .health import FLAG_LABELS, compare, rollup

    as_of_date = _date_option(as_of)
    ds, reports = _health_reports(obj, alliance, as_of_date, kreis=kreis, state=state, office_id=office_id,
                                  whole=bool(compare_to))
    from .survey_api import annotate_reports

    surveys = annotate_reports(obj.store, reports, as_of_date, user=obj.user)  # SURVEY_DUE notes
    if compare_to:
        if fmt in ("csv", "html"):
            raise InputError("--compare gibt es als table oder json")
        wanted = {r.alliance for r in reports}
        changes = [c for c in compare(ds, _date_option(compare_to, "--compare"), as_of_date) if c.alliance in wanted]
        if fmt == "json":
            text = json.dumps([c.as_dict() for c in changes], ensure_ascii=False, indent=2)
        else:
            rows = [[c.alliance, c.name[:36], f"{c.status_before or '-'} → {c.status_after or '-'}",
                     f"{c.partners_before} → {c.partners_after}", c.trend,
                     ", ".join([*(f"+{ds.name_of(m)}" for m in c.joined), *(f"−{ds.name_of(m)}" for m in c.left)])]
                    for c in changes]
            text = text_table(["Bündnis", "Name", "Status", "Partner", "Trend", "Mitglieder"], rows)
    elif by:
        rows = rollup(reports, ds, by=by)
        if fmt == "json":
            text = json.dumps(rows, ensure_ascii=False, indent=2)
        else:
            keys = list(rows[0]) if rows else ["id"]
            german = {"by": "Ebene", "id": "Kennung", "name": "Name", "alliances": "Bündnisse",
                      "mean_score": "Ø Punktzahl"}
            text = text_table([german.get(k, k) for k in keys], [[r.get(k) for k in keys] for r in rows])
    elif fmt == "json":
        text = json.dumps([{**r.as_dict(), **({"survey": surveys[r.alliance].summary()} if r.alliance in surveys
                                              else {})} for r in reports], ensure_ascii=False, indent=2)
    elif fmt == "csv":
        from .io.csvfile import csv_text

        text = csv_text([["Bündnis", "Name", "Kommune", "Partner", "Status", "Punktzahl", "Hinweise"]] + [
            [r.alliance, r.name, r.municipality, r.partners, r.status, r.score,
             " · ".join(f"{FLAG_LABELS.get(f.code, f.code)}: {f.message}" for f in r.flags)] for r in reports
        ]).rstrip("\r\n")
    elif fmt == "html":
        from .report import render_report

        scope_label = ", ".join(x for x in (
            f"Kreis {ds.name_of(kreis)}" if kreis else "", f"Land {state.upper()}" if state else "",
            ds.name_of(office_id) if office_id else "") if x) or None
        text = render_report(reports, ds, title="Bündnis-Check", as_of=as_of_date, subtitle=scope_label,
                             surveys=surveys)
    else:
        rows = [[r.alliance, r.name[:40], r.municipality, r.partners, r.status, r.score,
                 ",".join(f.code for f in r.flags if f.severity != "info")] for r in reports]
        text = text_table(["Bündnis", "Name", "Kommune", "Partner", "Status", "Punktzahl", "Hinweise"], rows)
        details = [f"  {r.alliance}: {f.message}" for r in reports for f in r.flags if f.severity == "critical"]
        if details:
            text += "\n\nKritisch:\n" + "\n".join(details)
    _emit(text, out, "Bericht geschrieben")


@cli.command()
@click.option("--alliance", metavar="ID", help="Vorschläge für dieses Bündnis.")
@click.option("--actor", metavar="ID", help="Vorschläge für diese Person oder Einrichtung.")
@click.option("--all", "all_", is_flag=True, help="Vorschläge für alle (Standard).")
@click.option("--kind", type=click.Choice(SUGGESTION_KINDS),
              help="Nur diese Art: " + ", ".join(f"{k.name} ({k.label})" for k in SUGGESTION_REGISTRY.values())
                   + ".")
@click.option("--top", default=10, show_default=True, type=click.IntRange(1, 10000))
@as_of_option()
@format_option("table", "json")
@click.pass_obj
def suggest(obj: Context, alliance, actor, all_, kind, top, as_of, fmt):
    """Erklärte Vorschläge für neue Verbindungen (jede mit nachprüfbaren Gründen)."""
    from .suggest import suggest as make_suggestions

    ds = obj.read()
    _require(ds, "--alliance", alliance, alliance=True)
    _require(ds, "--actor", actor, member=True)
    items = make_suggestions(ds, _date_option(as_of), alliance=alliance, actor=actor, kind=kind, top=top,
                             dismissed=api.dismissals(obj.store, obj.user))
    if fmt == "json":
        _print_json([s.as_dict() for s in items])
        return
    if not items:
        _say("Keine Vorschläge.")
        return
    for s in items:
        click.echo(f"{s.kind}: {ds.name_of(s.source)} → {ds.name_of(s.target)}  "
                   f"[{s.source} → {s.target}]  Punktzahl {s.score:.2f}")
        for reason in s.reasons:
            click.echo(f"    – {reason}")


@cli.command()
@click.argument("kind", type=click.Choice(SUGGESTION_KINDS))
@click.argument("source")
@click.argument("target")
@click.pass_obj
def dismiss(obj: Context, kind, source, target):
    """Einen Vorschlag verwerfen: er wird nicht wieder angezeigt."""
    api.dismiss(obj.store, kind, source, target, user=obj.user)
    _say(f"Verworfen: {kind} {source} → {target}")


@cli.command()
@click.argument("kind", type=click.Choice(SUGGESTION_KINDS))
@click.argument("source")
@click.argument("target")
@as_of_option(help="Beginn der neuen Mitgliedschaft/Verbindung (Standard: heute).")
@click.pass_obj
def accept(obj: Context, kind, source, target, as_of):
    """Einen Vorschlag annehmen: wird als Mitgliedschaft, Verbindung bzw. geplante Hospitation gespeichert
    (geprüft, protokolliert)."""
    from .suggest import Suggestion, suggestion_to_records

    records = suggestion_to_records(Suggestion(kind, source, target, 0.0, []), _date_option(as_of), obj.read())
    api.import_records(obj.store, records, user=obj.user, action=f"accept {kind}")
    _say(f"Angenommen: {kind} {source} → {target}")


@cli.command()
@click.option("--dataset", type=click.Choice(["store", "davis"]), default="store", show_default=True,
              help="store: die Daten im Speicher (z. B. Demo); davis: Davis Southern Women (networkx).")
@click.option("--hide", default=0.2, show_default=True, type=click.FloatRange(0.05, 0.9))
@click.option("--seed", default=0, show_default=True, type=int)
@click.option("--k", default=10, show_default=True, type=click.IntRange(1, 1000))
@as_of_option()
@format_option("table", "json")
@click.pass_obj
def evaluate(obj: Context, dataset, hide, seed, k, as_of, fmt):
    """Qualität der Vorschläge messen: AUC und Precision@k gegen Zufall und gemeinsame Nachbarn."""
    from . import evaluate as ev

    ds = ev.davis_dataset() if dataset == "davis" else obj.read()
    result = ev.evaluate(ds, _date_option(as_of), hide=hide, seed=seed, k=k)
    if fmt == "json":
        _print_json(result)
    else:
        click.echo(ev.format_result(result) if hasattr(ev, "format_result") else json.dumps(result, indent=2))


@cli.command("map")
@click.option("--alliance", metavar="ID")
@click.option("--kreis", metavar="AGS")
@click.option("--office", metavar="ID")
@as_of_option()
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="HTML-Datei (offline lesbar).")
@click.pass_obj
def map_(obj: Context, alliance, kreis, office, as_of, out):
    """Netzwerkkarte als eigenständige HTML-Datei schreiben (ohne Netzzugriff lesbar)."""
    as_of_date = _date_option(as_of)
    if kreis and not (alliance or office):
        # One Kreis is drawn from its shard (tests/test_snapshot.py: the same map as from the whole
        # graph) and the page kept until the next write; a kept page needs neither networkx nor numpy.
        page = api.kreis_map(obj.store, obj.user, as_of_date, kreis)
        if page is None:
            raise NotFound(f"--kreis: Kreis {kreis!r} gibt es nicht")
        path = Path(out)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(page, encoding="utf-8")
    else:
        from .netmap import write_map

        ds = obj.read()
        _require(ds, "--alliance", alliance, alliance=True)
        _require(ds, "--kreis", kreis, kreis=True)
        _require(ds, "--office", office, office=True)
        path = write_map(ds, Path(out), alliance=alliance, kreis=kreis, office=office, as_of=as_of_date)
    _say(f"Karte geschrieben: {path}")


@cli.command()
@click.option("--office", "office_id", required=True, metavar="ID", help="Servicebüro, z. B. sb-koeln.")
@as_of_option()
@output_options("table", "json", "html", out_help="In Datei schreiben (für html empfohlen).")
@click.pass_obj
def office(obj: Context, office_id, as_of, fmt, out):
    """Sicht eines Servicebüros: Bündnisse nach Status, Angebote, Arbeitsliste mit empfohlenen Angeboten."""
    from .office_report import format_office_table, render_office_html

    view, reference = api.office_view(obj.store, obj.user, _date_option(as_of), office_id)
    _require(reference, "--office", office_id, office=True)
    if fmt == "json":
        text = json.dumps(view.as_dict(), ensure_ascii=False, indent=2)
    elif fmt == "html":
        text = render_office_html(view, reference)
    else:
        text = format_office_table(view)
    _emit(text, out)


@cli.command()
@click.option("--by", type=click.Choice(["office", "state", "year"]), default="office", show_default=True)
@as_of_option()
@format_option("table", "json")
@click.pass_obj
def reach(obj: Context, by, as_of, fmt):
    """Reichweite wie im Programmbericht: unterstützte Kommunen, Bündnisse, erreichte Menschen."""
    from .office import reach as reach_rows

    rows = reach_rows(obj.read(), by=by, as_of=_date_option(as_of))
    if fmt == "json":
        _print_json(rows)
        return
    german = {"id": "Kennung", "name": "Name", "municipalities": "Kommunen", "alliances": "Bündnisse",
              "offers": "Angebote", "people_reached": "erreicht", "offers_without_count": "ohne Zahl",
              "offers_in_year": "Angebote im Jahr", "people_reached_in_year": "erreicht im Jahr"}
    keys = [k for k in (rows[0] if rows else {}) if k != "by"]
    click.echo(text_table([german.get(k, k) for k in keys], [[r.get(k) for k in keys] for r in rows]))


@cli.command()
@as_of_option()
@click.option("--office", "office_id", metavar="ID", help="Nur die Bündnisse in der Region dieses Servicebüros.")
@click.pass_obj
def figures(obj: Context, as_of, office_id):
    """Netzwerkkennzahlen (JSON): Zentralisierung nach Freeman, Schnittstellen-Bündnisse, Brücken-Mitglieder."""
    from .health import check_alliances, network_figures, select_reports

    ds = obj.read()
    as_of_date = _date_option(as_of)
    ids = None
    if office_id:
        _require(ds, "--office", office_id, office=True)
        ids = [r.alliance for r in select_reports(check_alliances(ds, as_of_date), ds, office=office_id)]
    _print_json(network_figures(ds, as_of_date, alliance_ids=ids).as_dict())


@cli.command()
@click.option("--limit", default=50, show_default=True, type=click.IntRange(1, 10_000_000))
@format_option("table", "json")
@click.pass_obj
def audit(obj: Context, limit, fmt):
    """Änderungsprotokoll anzeigen (wer, wann, was; neueste zuerst)."""
    entries = api.audit_log(obj.store, obj.user, limit)
    if fmt == "json":
        _print_json([e.as_dict() for e in entries])
    else:
        click.echo(text_table(["Zeit", "Person", "Aktion", "Ziel"],
                              [[e.at, e.user, e.action, e.target] for e in entries]))


@cli.command()
@click.argument("target", type=click.Path(dir_okay=False))
@click.pass_obj
def backup(obj: Context, target):
    """Geprüfte Sicherungskopie des eingebetteten Speichers (auch während der Nutzung; nur Administration)."""
    path = api.backup(obj.store, target, user=obj.user)
    _say(f"Gesichert nach {path}")


@cli.command()
@click.argument("source", type=click.Path(dir_okay=False))
@click.option("--yes", is_flag=True, help="Ohne Rückfrage.")
@click.pass_obj
def restore(obj: Context, source, yes):
    """Eine Sicherung zurückspielen: erst vollständig geprüft, der aktuelle Stand bleibt als *.vor-restore-ZEIT.db."""
    if obj.user.role != "admin":
        raise AccessDenied(obj.user, "Zurückspielen ist der Administration vorbehalten")
    if not yes and not click.confirm(f"Aktuellen Stand durch {source} ersetzen?", err=True):
        raise click.Abort()
    undo = api.restore(obj.store, source, user=obj.user)
    _say(f"Zurückgespielt aus {source}. Vorheriger Stand gesichert als {undo}.")


@cli.group()
def user():
    """Konten verwalten (Rollen: admin, office, coordinator, viewer)."""


@user.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(list(ROLES)), required=True)
@click.option("--office", metavar="ID", help="Servicebüro (für Rolle office), z. B. sb-koeln.")
@click.option("--kreis", metavar="AGS", help="Kreis (für Rolle coordinator), 5-stelliger AGS.")
@click.option("--password", envvar="BUENDNISNETZ_PASSWORD", prompt="Passwort", hide_input=True,
              confirmation_prompt="Passwort wiederholen", help="Passwort (sonst Abfrage) [env: BUENDNISNETZ_PASSWORD]")
@click.pass_obj
def user_add(obj: Context, name, role, office, kreis, password):
    """Konto anlegen oder ändern (Passwort nur als Argon2-Hash gespeichert). Das erste Konto ist ein Admin-Konto."""
    from . import accounts

    api.user_add(obj.store, name, password, role, office=office, kreis=kreis, user=obj.setup_user())
    _say(f"Konto {name} ({ROLES[role]}) gespeichert in {accounts.accounts_path()}.")


@user.command("list")
@click.pass_obj
def user_list(obj: Context):
    """Konten auflisten (nur Administration)."""
    rows = [[u["name"], u["role"], u["office"] or "", u["kreis"] or "", "gesperrt" if u["disabled"] else ""]
            for u in api.user_list(user=obj.setup_user())]
    click.echo(text_table(["Name", "Rolle", "Servicebüro", "Kreis", "Status"], rows))


@user.command("remove")
@click.argument("name")
@click.pass_obj
def user_remove(obj: Context, name):
    """Konto entfernen (das letzte Admin-Konto bleibt)."""
    api.user_remove(obj.store, name, user=obj.setup_user())
    _say(f"Konto {name} entfernt.")


@user.command("disable")
@click.argument("name")
@click.option("--enable", is_flag=True, help="Gesperrtes Konto wieder freigeben.")
@click.pass_obj
def user_disable(obj: Context, name, enable):
    """Konto sperren (Anmeldung nicht mehr möglich; mit --enable wieder freigeben)."""
    api.user_disable(obj.store, name, user=obj.setup_user(), disabled=not enable)
    _say(f"Konto {name} {'freigegeben' if enable else 'gesperrt'}.")


@user.command("cli-password")
@click.argument("setting", type=click.Choice(["required", "off"]))
@click.pass_obj
def user_cli_password(obj: Context, setting):
    """Für gemeinsam genutzte Rechner: Kommandozeile nur mit Passwort des Kontos (required) oder ohne (off)."""
    api.set_cli_password(obj.store, setting == "required", user=obj.setup_user())
    _say("Die Kommandozeile verlangt jetzt das Passwort des Kontos." if setting == "required"
         else "Die Kommandozeile verlangt kein Passwort mehr (sie vertraut der Anmeldung am Rechner).")


@cli.group()
def person():
    """Datenschutz: Auskunft (Art. 15 DSGVO) und Löschung (Art. 17 DSGVO) für eine Person."""


@person.command("export")
@click.argument("person_id")
@click.option("--out", type=click.Path(dir_okay=False), help="JSON-Datei (Standard: Ausgabe auf stdout).")
@click.pass_obj
def person_export(obj: Context, person_id, out):
    """Alle gespeicherten Daten einer Person ausgeben (Auskunft)."""
    doc = api.person_export(obj.store, person_id, user=obj.user)
    text = json.dumps(doc, ensure_ascii=False, indent=2)
    _emit(text, out, "Auskunft geschrieben")


@person.command("erase")
@click.argument("person_id")
@click.option("--yes", is_flag=True, help="Ohne Rückfrage.")
@click.pass_obj
def person_erase(obj: Context, person_id, yes):
    """Eine Person überall löschen (Mitgliedschaften, Verbindungen, Protokollinhalte)."""
    if not yes and not click.confirm(f"Person {person_id} endgültig löschen? Das kann nicht rückgängig "
                                     "gemacht werden (außer aus einer Sicherung).", err=True):
        raise click.Abort()
    count = api.person_erase(obj.store, person_id, user=obj.user)
    _say(f"Gelöscht: {person_id} ({count} Einträge im Graphen; Protokoll ohne personenbezogene Daten).")


@cli.command()
@click.option("--port", default=8501, show_default=True, type=click.IntRange(1, 65535))
@click.option("--address", default="127.0.0.1", show_default=True, help="Nur lokal erreichbar, wenn nicht geändert.")
@click.pass_obj
def serve(obj: Context, port, address):
    """Die Streamlit-App starten."""
    env = dict(os.environ)
    if obj.store_uri:
        env[ENV_STORE] = obj.store_uri
    _ = obj.store  # fail fast (exit 3) when the store is unreachable
    from . import accounts

    if accounts.mode() == "unset":
        raise accounts.NotConfigured(accounts.not_configured_message())
    _say(f"Bündnisnetz läuft auf http://{address}:{port}  (Beenden mit Strg+C)")
    # ui.serve runs `streamlit run ui/app.py` in-process and warms its caches while it starts
    cmd = [sys.executable, "-m", "ui.serve", "--server.port", str(port),
           "--server.address", address, "--server.headless", "true", "--browser.gatherUsageStats", "false",
           "--client.toolbarMode", "minimal"]
    raise click.exceptions.Exit(subprocess.call(cmd, env=env))


from .cli_survey import survey as _survey  # noqa: E402 - the group needs the main group's helpers

cli.add_command(_survey)

# The partner minimum lives in graph.rules; the help texts take it from there.
for _command in (cli, health):
    _command.help = (_command.help or "").format(minimum=number_word(MIN_PARTNERS))
# The export formats live in graph.io.export; the help lists them from there.
export.help = (export.help or "").format(formats=", ".join(f.label for f in EXPORT_FORMATS.values()))


#: A library problem about one of these fields is about this option (the library names no CLI flags).
OPTION_OF_FIELD = {"format": "--format", "out": "--out"}


def _where(problem) -> str:
    option = OPTION_OF_FIELD.get(problem.field)
    return f"{option}: " if option else ""


def main(argv: list[str] | None = None) -> int:
    """Entry point: map errors to exit codes, never a traceback for a user mistake."""
    debug = bool(os.environ.get("BUENDNISNETZ_DEBUG"))
    old_umask = os.umask(0o077)  # every file and folder the CLI creates is private (store, backups, exports)
    try:
        result = cli.main(args=argv, prog_name="buendnisnetz", standalone_mode=False)
        code = result if isinstance(result, int) else EXIT_OK
    except click.exceptions.Exit as exc:
        code = exc.exit_code
    except click.exceptions.Abort:
        _say("Abgebrochen.")
        code = EXIT_INTERNAL
    except click.ClickException as exc:
        exc.show()
        code = EXIT_INPUT if exc.exit_code == 2 else exc.exit_code
    except InputError as exc:
        for problem in exc.problems:
            _say(str(problem) if problem.file != "-" else f"Fehler: {_where(problem)}{problem.message}")
        if any(problem.file != "-" for problem in exc.problems):
            _say(f"{len(exc.problems)} Problem(e) gefunden – nichts geschrieben.")
        code = EXIT_INPUT
    except StoreUnavailable as exc:
        _say(str(exc))
        code = EXIT_STORE
    except BrokenPipeError:
        code = EXIT_OK
    except Exception as exc:  # an internal error: one line, details only on request
        if debug:
            raise
        _say(f"Interner Fehler: {type(exc).__name__}: {exc} (Details mit BUENDNISNETZ_DEBUG=1)")
        code = EXIT_INTERNAL
    finally:
        os.umask(old_umask)
    if argv is None:
        sys.exit(code)
    return code


if __name__ == "__main__":  # pragma: no cover
    main()
