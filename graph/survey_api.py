"""Survey operations for the CLI and the app, with roles applied (the survey's part of :mod:`graph.api`).

Only an alliance's coordinator (its Kreis), its Servicebüro and admins start,
see and close its waves. The respondent functions take a token instead of a
user: a valid token opens exactly one respondent's questionnaire and nothing else.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from . import api
from .access import AccessDenied, User, may_see_place
from .errors import InputError, NotFound
from .model import Dataset, kreis_of
from .store import Store
from .store.survey_base import Invitation, Wave, survey_store
from .survey import (
    WaveResults,
    clean_answer,
    hash_token,
    new_token,
    respondents_of,
    roster_name,
    roster_of,
    ties_from_answers,
    wave_is_open,
    wave_results,
)

ENV_BASE_URL = "BUENDNISNETZ_BASE_URL"
DEFAULT_BASE_URL = "http://127.0.0.1:8501"


def base_url(given: str | None = None) -> str:
    """Where respondents open their links: --base-url, else $BUENDNISNETZ_BASE_URL, else the local app."""
    return (given or os.environ.get(ENV_BASE_URL) or DEFAULT_BASE_URL).rstrip("/")


def link_for(token: str, base: str | None = None) -> str:
    return f"{base_url(base)}/?t={token}"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


# -- roles -------------------------------------------------------------------------------
def may_manage(user: User, ds: Dataset, alliance_id: str) -> bool:
    """Admins; the coordinator of the alliance's Kreis; staff of the Servicebüro supporting it."""
    alliance = ds.alliances.get(alliance_id)
    if alliance is None:
        return False
    if user.role == "admin":
        return True
    if user.role == "coordinator":
        return bool(user.kreis) and kreis_of(alliance.municipality) == user.kreis
    if user.role == "office":
        if alliance.office:
            return alliance.office == user.office
        return may_see_place(user, ds, alliance.municipality)
    return False


def _require_manage(user: User, ds: Dataset, alliance_id: str) -> None:
    if alliance_id not in ds.alliances:
        raise NotFound(f"Bündnis {alliance_id!r} gibt es nicht")
    if not may_manage(user, ds, alliance_id):
        raise AccessDenied(user, f"Befragungen des Bündnisses {alliance_id} verwalten nur seine Koordination, "
                                 "sein Servicebüro und die Administration")


def _wave(store: Store, ds: Dataset, wave_id: str, user: User) -> Wave:
    wave = survey_store(store).wave(wave_id)
    if wave is None:
        raise NotFound(f"Befragungswelle {wave_id!r} gibt es nicht")
    _require_manage(user, ds, wave.alliance)
    return wave


# -- waves -------------------------------------------------------------------------------
@dataclass
class Link:
    """A respondent's personal link; the token exists only here, the store keeps its hash."""

    wave: str
    member: str
    name: str
    link: str
    token: str = field(repr=False)

    def as_dict(self) -> dict:
        return {"wave": self.wave, "member": self.member, "link": self.link}


def start_waves(store: Store, *, user: User | str, alliance: str | None = None, kreis: str | None = None,
                closes: date | None = None, base: str | None = None, today: date | None = None) -> list[Link]:
    """Start a wave for one alliance, or for every alliance of a Kreis the user may manage.

    Respondents are the alliance's current member persons (young refugees only with
    a recorded consent); every one gets a personal link with a fresh token.
    """
    user = api.as_user(user)
    today = today or date.today()
    if closes is not None and closes < today:
        raise InputError(f"--closes: {closes:%d.%m.%Y} liegt in der Vergangenheit")
    ds = store.read()
    if alliance:
        targets = [alliance]
        _require_manage(user, ds, alliance)
    elif kreis:
        targets = sorted(a.id for a in ds.alliances.values()
                         if kreis_of(a.municipality) == kreis and may_manage(user, ds, a.id))
        if not targets:
            raise NotFound(f"Kreis {kreis!r}: keine Bündnisse, für die Sie Befragungen starten dürfen")
    else:
        raise InputError("Bitte ein Bündnis (--alliance) oder einen Kreis (--kreis) angeben")
    surveys = survey_store(store)
    existing = surveys.waves()
    consents = surveys.consents()
    links: list[Link] = []
    for alliance_id in targets:
        running = [w for w in existing if w.alliance == alliance_id and w.closed is None and wave_is_open(w, today)]
        if running:
            raise InputError(f"Bündnis {alliance_id}: Welle {running[0].id} läuft noch; erst schließen "
                             f"(buendnisnetz survey close {running[0].id})")
    for alliance_id in targets:
        roster = roster_of(ds, alliance_id, today)
        respondents = respondents_of(ds, roster, consents)
        if not respondents:
            raise InputError(f"Bündnis {alliance_id}: keine Personen unter den aktuellen Mitgliedern, "
                             "die befragt werden können")
        number = 1 + sum(1 for w in existing if w.alliance == alliance_id)
        wave = Wave(f"{alliance_id}-w{number}", alliance_id, today, closes, None, tuple(roster), user.name)
        tokens = {m: new_token() for m in respondents}
        surveys.add_wave(wave, [Invitation(wave.id, m, hash_token(t)) for m, t in tokens.items()])
        store.add_audit(user.name, f"survey start ({len(tokens)} Links)", f"SurveyWave:{wave.id}")
        links += [Link(wave.id, m, ds.name_of(m, reveal=True), link_for(t, base), t) for m, t in tokens.items()]
    return links


def reissue_links(store: Store, wave_id: str, *, user: User | str, members: list[str] | None = None,
                  base: str | None = None, today: date | None = None) -> list[Link]:
    """New links for a running wave (letters, mail merge, e-mail); earlier links of those members stop working.

    Only hashes are stored, so a link cannot be shown twice: printing letters makes new ones.
    """
    user = api.as_user(user)
    ds = store.read()
    wave = _wave(store, ds, wave_id, user)
    if not wave_is_open(wave, today or date.today()):
        raise InputError(f"Welle {wave_id} ist geschlossen; ihre Links gelten nicht mehr")
    surveys = survey_store(store)
    invitations = surveys.invitations(wave_id)
    wanted = set(members) if members else {i.member for i in invitations}
    unknown = wanted - {i.member for i in invitations}
    if unknown:
        raise NotFound(f"Welle {wave_id}: {', '.join(sorted(unknown))} ist nicht eingeladen")
    links = []
    for inv in invitations:
        if inv.member in wanted:
            token = new_token()
            surveys.replace_token(wave_id, inv.member, hash_token(token))
            links.append(Link(wave_id, inv.member, ds.name_of(inv.member, reveal=True), link_for(token, base), token))
    store.add_audit(user.name, f"survey letters ({len(links)} neue Links)", f"SurveyWave:{wave_id}")
    return links


def list_waves(store: Store, *, user: User | str) -> list[dict]:
    """The waves the user may see, with their counts."""
    user = api.as_user(user)
    ds = store.read()
    surveys = survey_store(store)
    out = []
    for wave in surveys.waves():
        if may_manage(user, ds, wave.alliance):
            out.append(_status(surveys, wave, ds))
    return out


def _status(surveys, wave: Wave, ds: Dataset) -> dict:
    invitations = surveys.invitations(wave.id)
    answered = sum(1 for i in invitations if i.answered_at)
    return {"wave": wave.id, "alliance": wave.alliance, "name": ds.name_of(wave.alliance),
            "started": wave.started.isoformat(), "closes": wave.closes.isoformat() if wave.closes else None,
            "closed": wave.closed.isoformat() if wave.closed else None, "invited": len(invitations),
            "answered": answered, "response_rate": round(answered / len(invitations), 3) if invitations else 0.0}


def wave_status(store: Store, wave_id: str, *, user: User | str) -> dict:
    user = api.as_user(user)
    ds = store.read()
    wave = _wave(store, ds, wave_id, user)
    return _status(survey_store(store), wave, ds)


def missing_names(store: Store, wave_id: str, *, user: User | str) -> list[dict]:
    """The review list of names respondents said are missing (nothing is created from it)."""
    user = api.as_user(user)
    ds = store.read()
    _wave(store, ds, wave_id, user)
    return [{"wave": m.wave, "name": m.name, "reported_by": roster_name(ds, m.respondent), "at": m.at}
            for m in survey_store(store).missing_names(wave_id)]


def close_wave(store: Store, wave_id: str, *, user: User | str, today: date | None = None) -> dict:
    """Close a wave: its links stop working and its answers become dated ties (audited import)."""
    user = api.as_user(user)
    today = today or date.today()
    ds = store.read()
    wave = _wave(store, ds, wave_id, user)
    if wave.closed is not None:
        raise InputError(f"Welle {wave_id} ist schon seit {wave.closed:%d.%m.%Y} geschlossen")
    surveys = survey_store(store)
    closed = Wave(wave.id, wave.alliance, wave.started, wave.closes, today, wave.roster, wave.created_by)
    answers = [a for a in surveys.answers(wave_id) if ds.member_kind(a.respondent) and ds.member_kind(a.target)]
    records = ties_from_answers(ds, closed, answers)
    result = None
    if records:
        result = api.import_document(store, {"ties": records}, f"survey:{wave_id}", user=user,
                                     action=f"survey close {wave_id}")
    surveys.set_closed(wave_id, today)
    store.add_audit(user.name, "survey close", f"SurveyWave:{wave_id}")
    status = _status(surveys, closed, ds)
    status["ties"] = len(records)
    status["one_sided"] = sum(1 for r in records if r.get("reported_by"))
    status["changes"] = result.changes if result else 0
    return status


# -- results -----------------------------------------------------------------------------
def _results_for(surveys, waves: list[Wave]) -> list[WaveResults]:
    out: list[WaveResults] = []
    previous = None
    for wave in waves:
        r = wave_results(wave, surveys.invitations(wave.id), surveys.answers(wave.id), previous)
        out.append(r)
        if wave.closed is not None:
            previous = r
    return out


def alliance_results(store: Store, alliance_id: str, *, user: User | str,
                     ds: Dataset | None = None) -> list[WaveResults]:
    """Results of every wave of an alliance, oldest first (each with the change since the previous closed one).

    `ds` is the whole graph (``store.read()``) when the caller holds it already (the app's snapshot of
    the current revision); it serves the rights check only.
    """
    user = api.as_user(user)
    ds = store.read() if ds is None else ds
    _require_manage(user, ds, alliance_id)
    surveys = survey_store(store)
    return _results_for(surveys, [w for w in surveys.waves() if w.alliance == alliance_id])


def latest_closed(store: Store, *, user: User | str, alliances=None) -> dict[str, WaveResults]:
    """Per alliance the user may manage: the results of its latest closed wave."""
    user = api.as_user(user)
    surveys = survey_store(store)
    candidates = [w for w in surveys.waves() if alliances is None or w.alliance in alliances]
    # The graph is needed only to judge the user's rights over alliances that have waves;
    # for one alliance its neighbourhood (a shard of the embedded store) is enough.
    if not candidates:
        return {}
    one = next(iter(alliances)) if alliances is not None and len(alliances) == 1 else None
    if one and hasattr(store, "read_alliance"):
        ds: Dataset = store.read_alliance(one)
    else:  # only looked at: the dataset the command has read already, where the store can give it
        ds = store.read_shared() if hasattr(store, "read_shared") else store.read()
    waves: dict[str, list[Wave]] = {}
    for w in candidates:
        if may_manage(user, ds, w.alliance):
            waves.setdefault(w.alliance, []).append(w)
    out = {}
    for alliance_id, ws in waves.items():
        closed = [r for r in _results_for(surveys, ws) if r.closed is not None]
        if closed:
            out[alliance_id] = closed[-1]
    return out


# -- consent -----------------------------------------------------------------------------
def set_consent(store: Store, person: str, day: date | None, *, user: User | str) -> None:
    """Record (or withdraw, with None) a young refugee's consent to take part in surveys."""
    user = api.as_user(user)
    ds = store.read()
    actor = ds.actors.get(person)
    if actor is None or person not in api.read(store, user).actors:
        raise NotFound(f"Person {person!r} gibt es nicht")
    if not user.can_write:
        raise AccessDenied(user, "darf nur lesen")
    if user.role != "admin" and not may_see_place(user, ds, ds.municipality_of_member(person)):
        raise AccessDenied(user, f"Person {person} liegt außerhalb Ihres Bereichs")
    survey_store(store).set_consent(person, day)
    store.add_audit(user.name, "survey consent" if day else "survey consent withdrawn", f"SurveyConsent:{person}")


# -- the respondent's side (token only, no account) ---------------------------------------
@dataclass
class Questionnaire:
    """Everything a respondent sees: the wave's questions about the other members. Nothing else."""

    wave: str
    alliance_name: str
    closes: date | None
    respondent: str  # the id, used only to save; never shown
    simple: bool  # young refugees get the simple-language questions
    roster: list[tuple[str, str]]  # (member id, name as shown)
    previous: dict[str, dict]  # target -> earlier answer, for revising
    missing: list[str]
    answered_at: str | None


def _open_invitation(store: Store, token: str, today: date) -> tuple[Invitation, Wave] | None:
    if not isinstance(token, str) or not (16 <= len(token) <= 64):
        return None
    surveys = survey_store(store)
    invitation = surveys.invitation_by_hash(hash_token(token))
    if invitation is None:
        return None
    wave = surveys.wave(invitation.wave)
    if wave is None or not wave_is_open(wave, today):
        return None
    return invitation, wave


def questionnaire(store: Store, token: str, today: date | None = None) -> Questionnaire | None:
    """The questionnaire a token opens, or None for a wrong, replaced or expired token (say nothing more)."""
    found = _open_invitation(store, token, today or date.today())
    if found is None:
        return None
    invitation, wave = found
    # The alliance's neighbourhood is all the page needs (the embedded store keeps it as a shard).
    ds = store.read_alliance(wave.alliance) if hasattr(store, "read_alliance") else store.read()
    me = invitation.member
    actor = ds.actors.get(me)
    if actor is None:
        return None
    surveys = survey_store(store)
    roster = [(m, roster_name(ds, m)) for m in wave.roster if m != me and ds.member_kind(m)]
    previous = {a.target: {"works": a.works_together, "frequency": a.frequency, "trust": list(a.trust),
                           "value": list(a.value)}
                for a in surveys.answers(wave.id) if a.respondent == me}
    missing = [m.name for m in surveys.missing_names(wave.id) if m.respondent == me]
    return Questionnaire(wave.id, ds.name_of(wave.alliance), wave.closes, me, actor.is_refugee_youth, roster,
                         previous, missing, invitation.answered_at)


def submit(store: Store, token: str, answers: dict[str, dict], missing: Sequence[str] = (),
           today: date | None = None) -> bool:
    """Save (or replace) a respondent's answers; False when the token no longer opens anything.

    `answers`: target id -> ``{"works": bool, "frequency": key|None, "trust": [1–4|None]*3, "value": [...]}``;
    targets outside the wave's roster are refused.
    """
    found = _open_invitation(store, token, today or date.today())
    if found is None:
        return False
    invitation, wave = found
    roster = set(wave.roster) - {invitation.member}
    unknown = set(answers) - roster
    if unknown:
        raise InputError("Antwort zu Personen, die nicht zum Bündnis gehören")
    clean = []
    for target, a in sorted(answers.items()):
        try:
            clean.append(clean_answer(wave.id, invitation.member, target, bool(a.get("works")), a.get("frequency"),
                                      tuple(a.get("trust") or (None, None, None))[:3],
                                      tuple(a.get("value") or (None, None, None))[:3]))
        except (TypeError, ValueError) as exc:
            raise InputError(f"Ungültige Antwort: {exc}") from exc
    names = []
    for name in missing:
        name = " ".join(str(name).split())[:120]
        if name and name not in names:
            names.append(name)
    survey_store(store).save_response(wave.id, invitation.member, clean, names[:20], _now())
    return True


def annotate_reports(store: Store, reports: list, as_of: date, *, user: User | str) -> dict[str, WaveResults]:
    """Add the ``SURVEY_DUE`` note to health reports whose last wave is stale or thinly answered.

    Returns the latest closed wave's results per alliance (for the ``survey`` entry of the health JSON).
    """
    from .health import INFO, Flag
    from .survey import health_note

    latest = latest_closed(store, user=user, alliances={r.alliance for r in reports})
    for report in reports:
        note = health_note(latest.get(report.alliance), as_of)
        if note and not report.has("SURVEY_DUE"):
            report.flags.append(Flag("SURVEY_DUE", INFO, note))
    return latest


def exported_waves(store: Store, *, user: User | str) -> list[dict]:
    """The waves the user may see, as the exchange file's ``survey_waves`` (no tokens, no single answers)."""
    user = api.as_user(user)
    surveys = survey_store(store)
    waves = surveys.waves()
    if not waves:
        return []
    ds = store.read()
    rows = []
    by_alliance: dict[str, list[Wave]] = {}
    for wave in waves:
        if may_manage(user, ds, wave.alliance):
            by_alliance.setdefault(wave.alliance, []).append(wave)
    for waves in by_alliance.values():
        for r in _results_for(surveys, waves):
            row = {"id": r.wave, "alliance": r.alliance, "started": r.started.isoformat(),
                   "closed": r.closed.isoformat() if r.closed else None, "invited": r.invited,
                   "answered": r.answered, "response_rate": r.response_rate}
            if r.closed:
                row.update(density=r.density, reciprocity=r.reciprocity, trust=r.trust, value=r.value)
            rows.append({k: v for k, v in row.items() if v is not None})
    return sorted(rows, key=lambda r: r["id"])


def add_waves_to_export(store: Store, path, *, user: User | str) -> None:
    """Add ``survey_waves`` to a written exchange file (left out when there are none)."""
    import json
    from pathlib import Path

    waves = exported_waves(store, user=user)
    if not waves:
        return
    path = Path(path)
    doc = json.loads(path.read_text(encoding="utf-8"))
    doc["survey_waves"] = waves
    path.write_text(json.dumps(doc, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
