"""Which offer a Servicebüro should make an alliance next, and why.

The recommendation is a table of rules, :data:`RULES`, read top to bottom;
the first rule that applies to an alliance's health report
(:func:`graph.health.check_alliances`) gives its next offer. Each rule writes a
German reason that names the cause (who is missing, who carries the ties, who
leaves when) next to the offer it recommends:

=========================  =================  =======================================================
rule                       offer              applies when
=========================  =================  =======================================================
BELOW_MIN_AFTER_WORKSHOP   Dialog             below the minimum of partners, and an Analyseworkshop
                                              was held in the last 12 months: meet the missing actors
BELOW_MIN_PARTNERS         Analyseworkshop    below the minimum (or no partners yet): who is missing
AT_RISK                    Prozessbegleitung  leaving members would take it below the minimum; the
                                              one problem with a deadline, so it comes before the rest
KEY_PERSON                 Prozessbegleitung  one member carries the alliance's ties
MISSING_GROUPS             Dialog             a single sector, or no voice of refugee young people
NO_ADMINISTRATION          Dialog             no municipal administration: a dialogue with it
DORMANT                    Analyseworkshop    no offer and no change in 12 months: a restart
HOST_HOSPITATION           Hospitation        in good health with strong practice (status ok, at least
                                              :data:`HOST_MIN_PARTNERS` partners, :data:`HOST_MIN_OFFERS`
                                              offers in 24 months): host a struggling alliance on the
                                              same topics (:func:`graph.suggest.hospitation_suggestions`)
FORTBILDUNG                Fortbildung        otherwise: deepen the work on the alliance's topics
=========================  =================  =======================================================

A coordinator overrides a recommendation by *planning* an offer: a
future-dated :class:`~graph.model.Offer` for the alliance with a note giving
the reason (:func:`plan_offer_records`). It is ordinary data — validated,
audited, exported — and the recommendation then shows the planned offer
instead (``overridden_by``, ``override``).

Everything here is pure: a Dataset, a date and health reports in, dataclasses out.

Why one module of about 550 lines: the rule table and the writer of each rule's
German reason stay together, so a rule and the text it produces are read side
by side; half of the length is that text.

References
----------
.. [1] K. G. Provan and P. Kenis, "Modes of network governance: structure,
   management, and effectiveness", Journal of Public Administration Research
   and Theory 18(2), 229–252, 2008 (why one carrying member is a risk and why
   a network needs its administration at the table).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from itertools import islice

from .errors import InputError, Problem
from .health import (
    STATUS_OK,
    AllianceReport,
    HealthConfig,
    check_alliances,
    german_date,
    months_before,
)
from .health.base import Memo
from .model import ADMINISTRATION_TYPES, INSTITUTION_TYPES, OFFER_TYPES, SECTORS, Dataset, Offer, kreis_of
from .rules import MIN_PARTNERS, gives_youth_voice, is_administration, status_rank
from .validate import RawRecord

#: a host needs this many partners (two more than the programme's minimum) …
HOST_MIN_PARTNERS = MIN_PARTNERS + 2
#: … and this many offers held in the last :data:`HOST_WINDOW_MONTHS` months
HOST_MIN_OFFERS = 2
HOST_WINDOW_MONTHS = 24
#: an Analyseworkshop this recent makes the next step a Dialog
WORKSHOP_MONTHS = 12
#: candidate institutions named in a reason
MAX_CANDIDATES = 3
#: where records written by :func:`plan_offer_records` say they come from
PLAN_SOURCE = "angebotsplanung"

_YOUTH_VOICE = "die Stimme junger Geflüchteter (junge Geflüchtete selbst oder eine Migrantenorganisation)"
_ADMINISTRATION = "die kommunale Verwaltung"


# -- what the rules look at ----------------------------------------------------------------

@dataclass(frozen=True)
class Gaps:
    """What an alliance lacks: sectors, the voice of refugee young people, the administration."""

    sectors: tuple[str, ...]
    youth_voice: bool
    administration: bool

    def labels(self) -> list[str]:
        out = [SECTORS[s] for s in self.sectors]
        if self.youth_voice:
            out.append(_YOUTH_VOICE)
        if self.administration:
            out.append(_ADMINISTRATION)
        return out


class RuleContext:
    """Lookups the rules share, built once per :func:`recommend` call.

    Parameters
    ----------
    ds : Dataset
    as_of : datetime.date
    config : HealthConfig
    guests : dict
        Host alliance id -> the hospitation suggestion it is paired with.
    """

    def __init__(self, ds: Dataset, as_of: date, config: HealthConfig, guests: dict | None = None):
        self.ds = ds
        self.as_of = as_of
        self.config = config
        self.guests = guests or {}
        self.offers: dict[str, list[Offer]] = defaultdict(list)
        for offer in sorted(ds.offers.values(), key=lambda o: (o.date, o.id)):
            if offer.alliance:
                self.offers[offer.alliance].append(offer)
        memberships: dict[str, list[str]] = defaultdict(list)
        for membership in ds.memberships.values():
            memberships[membership.alliance].append(membership.member)
        #: alliance -> everyone ever a member and their institutions, worked out for the alliances asked about
        self.ever_members: dict[str, set[str]] = Memo(
            lambda alliance: {m for member in memberships.get(alliance, ()) for m in (ds.unit_of(member), member)})
        self._fillers: dict[tuple[str, Gaps], list[tuple[int, str, str]]] = {}  # (Kreis, gaps) -> ranked
        self.institutions_in_kreis: dict[str, list] = defaultdict(list)
        for institution in sorted(ds.institutions.values(), key=lambda i: (i.name, i.id)):
            if institution.municipality:
                self.institutions_in_kreis[kreis_of(institution.municipality)].append(institution)
        # the rules' answers per institution, asked once however many alliances of its Kreis look at it
        self._voice: dict[str, bool] = {}
        self._administration: dict[str, bool] = {}

    def gives_youth_voice(self, institution: str) -> bool:
        """:func:`graph.rules.gives_youth_voice`, remembered."""
        if institution not in self._voice:
            self._voice[institution] = gives_youth_voice(self.ds, institution)
        return self._voice[institution]

    def is_administration(self, institution: str) -> bool:
        """:func:`graph.rules.is_administration`, remembered."""
        if institution not in self._administration:
            self._administration[institution] = is_administration(self.ds, institution)
        return self._administration[institution]

    # offers
    def done(self, alliance: str, months: int, offer_type: str | None = None) -> list[Offer]:
        """Offers held for the alliance in the last `months` months (up to and including as_of)."""
        start = months_before(self.as_of, months)
        return [o for o in self.offers.get(alliance, ())
                if start <= o.date <= self.as_of and (offer_type is None or o.type == offer_type)]

    def planned(self, alliance: str) -> list[Offer]:
        """Offers planned for the alliance: dated after as_of, earliest first."""
        return [o for o in self.offers.get(alliance, ()) if o.date > self.as_of]

    # gaps and who could fill them
    def gaps(self, report: AllianceReport) -> Gaps:
        present = set(report.metrics.get("sectors", ()))
        if report.has("SINGLE_SECTOR") or report.has("BELOW_MIN_PARTNERS"):
            missing = tuple(s for s in SECTORS if s not in present and s != "sonstige")
        else:
            missing = ()
        youth, administration = report.has("NO_YOUTH_VOICE"), report.has("NO_ADMINISTRATION")
        # the youth-voice and administration labels already name these sectors
        covered = ({"migrantenorganisation"} if youth else set()) | ({"verwaltung"} if administration else set())
        return Gaps(tuple(s for s in missing if s not in covered), youth, administration)

    def candidates(self, alliance: str, gaps: Gaps) -> list[str]:
        """Institutions of the alliance's Kreis that would fill a gap, most gaps filled first.

        Never a current or former member: leaving may have been on purpose.
        Refugee young people are never named (minors; see graph.suggest).
        """
        kreis = kreis_of(self.ds.alliances[alliance].municipality)
        ranked = self._fillers.get((kreis, gaps))
        if ranked is None:  # the same for every alliance of the Kreis with these gaps
            ranked = []
            for institution in self.institutions_in_kreis.get(kreis, ()):
                fills = (int(institution.sector in gaps.sectors)
                         + int(gaps.youth_voice and self.gives_youth_voice(institution.id))
                         + int(gaps.administration and self.is_administration(institution.id)))
                if fills:
                    ranked.append((-fills, institution.name, institution.id))
            ranked = self._fillers[(kreis, gaps)] = sorted(ranked)
        taken = self.ever_members[alliance]
        return list(islice((ident for _, _, ident in ranked if ident not in taken), MAX_CANDIDATES))

    def kreis_label(self, alliance: str) -> str:
        kreis = kreis_of(self.ds.alliances[alliance].municipality)
        place = self.ds.municipalities.get(kreis)
        return f"{place.name} ({kreis})" if place else kreis

    def strong_practice(self, report: AllianceReport) -> bool:
        return (report.status == STATUS_OK and report.partners >= HOST_MIN_PARTNERS
                and len(self.done(report.alliance, HOST_WINDOW_MONTHS)) >= HOST_MIN_OFFERS)


def _flag_messages(report: AllianceReport, code: str) -> str:
    return " ".join(f.message for f in report.flags if f.code == code)


def _quoted(ds: Dataset, node: str) -> str:
    return f"„{ds.name_of(node)}“"


def _missing_and_candidates(report: AllianceReport, ctx: RuleContext, *, name_missing: bool = True) -> str:
    gaps = ctx.gaps(report)
    parts = []
    labels = gaps.labels()
    if labels and name_missing:
        parts.append(f"Es fehlen: {', '.join(labels)}.")
    candidates = [ctx.ds.institutions[i] for i in ctx.candidates(report.alliance, gaps)]
    if candidates:
        named = ", ".join(f"{i.name} ({INSTITUTION_TYPES.get(i.type, i.type)})" for i in candidates)
        parts.append(f"Mögliche Partner im Kreis {ctx.kreis_label(report.alliance)}: {named}.")
    return " ".join(parts)


def _offers(n: int) -> str:
    return "1 Angebot" if n == 1 else f"{n} Angebote"


def _topics(ctx: RuleContext, topic_ids: Iterable[str]) -> str:
    return ", ".join(sorted(ctx.ds.topics[t].name if t in ctx.ds.topics else t for t in topic_ids))


# -- the reasons, one per rule ---------------------------------------------------------------

def _reason_below_min_after_workshop(report: AllianceReport, ctx: RuleContext) -> str:
    workshop = ctx.done(report.alliance, WORKSHOP_MONTHS, "analyseworkshop")[-1]
    return " ".join(filter(None, [
        _flag_messages(report, "BELOW_MIN_PARTNERS"),
        f"Der Analyseworkshop am {german_date(workshop.date)} hat stattgefunden; jetzt Dialog mit den "
        f"fehlenden Akteuren, um sie als Partner zu gewinnen.",
        _missing_and_candidates(report, ctx)]))


def _reason_below_min(report: AllianceReport, ctx: RuleContext) -> str:
    aim = ("Noch keine lokalen Partner: Analyseworkshop, um Bedarfe zu klären und Partner zu finden."
           if report.partners == 0 else
           "Analyseworkshop, um zu klären, welche Akteure fehlen und wie sie gewonnen werden.")
    return " ".join(filter(None, [_flag_messages(report, "BELOW_MIN_PARTNERS"), aim,
                                  _missing_and_candidates(report, ctx)]))


def _reason_at_risk(report: AllianceReport, ctx: RuleContext) -> str:
    return (f"{_flag_messages(report, 'AT_RISK')} Prozessbegleitung, um Nachfolge und neue Partner "
            f"zu sichern, bevor das Bündnis unter die Mindestzahl fällt.")


def _reason_key_person(report: AllianceReport, ctx: RuleContext) -> str:
    return (f"{_flag_messages(report, 'KEY_PERSON')} Prozessbegleitung, damit Kontakte und Aufgaben "
            f"auf mehrere Schultern verteilt werden und eine Vertretung geregelt ist.")


def _reason_missing_groups(report: AllianceReport, ctx: RuleContext) -> str:
    causes = " ".join(filter(None, [_flag_messages(report, "SINGLE_SECTOR"),
                                    _flag_messages(report, "NO_YOUTH_VOICE")]))
    # the flag messages already name the missing groups
    return " ".join(filter(None, [causes, "Dialog mit den fehlenden Gruppen.",
                                  _missing_and_candidates(report, ctx, name_missing=False)]))


def _reason_no_administration(report: AllianceReport, ctx: RuleContext) -> str:
    gaps = Gaps((), False, True)
    candidates = ctx.candidates(report.alliance, gaps)
    if candidates:
        who = f"im Kreis {ctx.kreis_label(report.alliance)}: " + ", ".join(ctx.ds.name_of(i) for i in candidates)
    else:
        who = "z. B. " + ", ".join(INSTITUTION_TYPES[t] for t in INSTITUTION_TYPES if t in ADMINISTRATION_TYPES)
    return (f"{_flag_messages(report, 'NO_ADMINISTRATION')} Dialog mit der kommunalen Verwaltung, "
            f"{who}.")


def _reason_dormant(report: AllianceReport, ctx: RuleContext) -> str:
    return (f"{_flag_messages(report, 'DORMANT')} Analyseworkshop für einen Neustart: Stand, Bedarfe "
            f"und nächste Ziele gemeinsam klären.")


def _reason_host(report: AllianceReport, ctx: RuleContext) -> str:
    guest = ctx.guests[report.alliance]
    ds = ctx.ds
    shared = set(ds.alliances[guest.source].topics) & set(ds.alliances[report.alliance].topics)
    held = _offers(len(ctx.done(report.alliance, HOST_WINDOW_MONTHS)))
    need = guest.reasons[0] if guest.reasons else f"{_quoted(ds, guest.source)} braucht Unterstützung"
    return (f"Starke Praxis: {report.partners} Partner, {held} in {HOST_WINDOW_MONTHS} Monaten, "
            f"Punktzahl {report.score}/100. Hospitation für {_quoted(ds, guest.source)} ausrichten "
            f"(gleiche Themen: {_topics(ctx, shared)}); {need}.")


def _reason_fortbildung(report: AllianceReport, ctx: RuleContext) -> str:
    topics = ctx.ds.alliances[report.alliance].topics
    about = f" zu {_topics(ctx, topics)}" if topics else ""
    held = _offers(len(ctx.done(report.alliance, 12)))
    return (f"Keine Warnungen ({report.partners} Partner, Punktzahl {report.score}/100, {held} "
            f"in 12 Monaten). Fortbildung{about}, um die Arbeit der Fachkräfte zu vertiefen.")


# -- the rules table --------------------------------------------------------------------------

@dataclass(frozen=True)
class Rule:
    """One row of the recommendation table.

    Attributes
    ----------
    code : str
        Names the rule in a :class:`Recommendation`.
    offer_type : str
        A key of :data:`graph.model.OFFER_TYPES`.
    applies : callable
        ``applies(report, ctx) -> bool``.
    reason : callable
        ``reason(report, ctx) -> str``: German, naming the cause.
    """

    code: str
    offer_type: str
    applies: Callable[[AllianceReport, RuleContext], bool]
    reason: Callable[[AllianceReport, RuleContext], str]


#: Evaluated in order; the first rule that applies gives the recommendation.
RULES: tuple[Rule, ...] = (
    Rule("BELOW_MIN_AFTER_WORKSHOP", "dialog",
         lambda r, c: r.has("BELOW_MIN_PARTNERS") and bool(c.done(r.alliance, WORKSHOP_MONTHS, "analyseworkshop")),
         _reason_below_min_after_workshop),
    Rule("BELOW_MIN_PARTNERS", "analyseworkshop",
         lambda r, c: r.has("BELOW_MIN_PARTNERS"), _reason_below_min),
    Rule("AT_RISK", "prozessbegleitung",
         lambda r, c: r.has("AT_RISK"), _reason_at_risk),
    Rule("KEY_PERSON", "prozessbegleitung",
         lambda r, c: r.has("KEY_PERSON"), _reason_key_person),
    Rule("MISSING_GROUPS", "dialog",
         lambda r, c: r.has("SINGLE_SECTOR") or r.has("NO_YOUTH_VOICE"), _reason_missing_groups),
    Rule("NO_ADMINISTRATION", "dialog",
         lambda r, c: r.has("NO_ADMINISTRATION"), _reason_no_administration),
    Rule("DORMANT", "analyseworkshop",
         lambda r, c: r.has("DORMANT"), _reason_dormant),
    Rule("HOST_HOSPITATION", "hospitation",
         lambda r, c: r.alliance in c.guests, _reason_host),
    Rule("FORTBILDUNG", "fortbildung",
         lambda r, c: True, _reason_fortbildung),
)


# -- recommendations ---------------------------------------------------------------------------

@dataclass
class Recommendation:
    """The next offer for one alliance, or the planned offer that overrides it.

    Attributes
    ----------
    alliance : str
    offer_type : str
        The recommended type (a key of OFFER_TYPES), also when overridden.
    reason : str
        German; names the cause.
    rule : str
        The :class:`Rule` code that gave it.
    overridden_by : str or None
        Id of the earliest planned offer for the alliance, if any.
    override : str or None
        ``geplant: Fortbildung am TT.MM.JJJJ – Begründung: …`` for that offer.
    partner : str or None
        For HOST_HOSPITATION: the visiting alliance.
    """

    alliance: str
    offer_type: str
    reason: str
    rule: str
    overridden_by: str | None = None
    name: str = ""
    status: str = STATUS_OK
    score: int = 0
    override: str | None = None
    partner: str | None = None

    @property
    def shown(self) -> str:
        """What a work list shows: the planned offer if there is one, else the recommendation."""
        if self.override:
            return self.override
        return f"empfohlen: {OFFER_TYPES.get(self.offer_type, self.offer_type)} – {self.reason}"

    def as_dict(self) -> dict:
        return {"alliance": self.alliance, "name": self.name, "status": self.status, "score": self.score,
                "offer_type": self.offer_type, "rule": self.rule, "reason": self.reason,
                "overridden_by": self.overridden_by, "override": self.override, "partner": self.partner}


def override_text(offer: Offer) -> str:
    """How a planned offer is shown in place of a recommendation.

    Examples
    --------
    >>> from datetime import date
    >>> override_text(Offer("o1", "fortbildung", "Fortbildung", date(2026, 3, 2), note="Wunsch des Jugendamts"))
    'geplant: Fortbildung am 02.03.2026 – Begründung: Wunsch des Jugendamts'
    """
    text = f"geplant: {OFFER_TYPES.get(offer.type, offer.type)} am {german_date(offer.date)}"
    return f"{text} – Begründung: {offer.note}" if offer.note else text


#: How many hosts per struggling alliance the pairing considers (best first).
HOSTS_PER_VISITOR = 20


def pair_hospitations(suggestions, reports: dict[str, AllianceReport], ctx: RuleContext) -> dict:
    """Host alliance id -> the hospitation suggestion it hosts; each alliance in one pair at most.

    Suggestions are taken in the given order (graph.suggest ranks critical
    visitors first, then by score); a host must show strong practice.
    """
    suggestions = list(suggestions)
    return {host: suggestions[i] for host, i in
            _pair_hosts([(s.source, s.target) for s in suggestions], reports, ctx).items()}


def _pair_hosts(pairs: list[tuple[str, str]], reports: dict, ctx: RuleContext) -> dict[str, int]:
    """:func:`pair_hospitations` of ``(visitor, host)`` pairs: host -> the position of its pair."""
    hosts: dict[str, int] = {}
    visitors: set[str] = set()
    strong: dict[str, bool] = {}  # per host, asked once however many visitors it is ranked for
    for i, (visitor, host) in enumerate(pairs):
        if host in hosts or visitor in visitors:
            continue
        able = strong.get(host)
        if able is None:
            report = reports.get(host)
            able = strong[host] = report is not None and ctx.strong_practice(report)
        if able:
            hosts[host] = i
            visitors.add(visitor)
    return hosts


def recommend(ds: Dataset, as_of: date, reports: list[AllianceReport] | None = None, *,
              config: HealthConfig | None = None, hospitations=None, dismissed=frozenset(),
              pairing=None) -> list[Recommendation]:
    """The next offer for every alliance checked, with the reason, by the rules in :data:`RULES`.

    Parameters
    ----------
    ds : Dataset
        The graph (a snapshot; no store is opened).
    as_of : datetime.date
        Offers after this day are planned, the others held.
    reports : list of AllianceReport, optional
        Output of :func:`graph.health.check_alliances` for `as_of`; computed when omitted.
        One recommendation is made per report.
    config : HealthConfig, optional
        Thresholds (minimum of partners) for the check and the hospitation pairing.
    dismissed : set of (kind, source, target)
        Dismissed suggestions; a dismissed hospitation is not paired.
    hospitations : list of Suggestion, optional
        Hospitation suggestions to pair hosts from; by default
        :func:`graph.suggest.hospitation_suggestions` for `as_of`.
    pairing : list of AllianceReport or HealthSummary, or a function returning it, optional
        The check of every alliance (:func:`graph.health.check_summaries` will do) when `reports`
        are only some: hosts are paired with visitors across the whole graph, so the
        recommendations for `reports` are those a run over every alliance makes for them. A
        function is called only when one of `reports` could host (strong practice).

    Returns
    -------
    list of Recommendation
        Critical first, then warn, then ok; open recommendations before
        overridden ones, then lowest score, then alliance id.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.model import Alliance, Dataset
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Bündnis Nord", "05334"))
    >>> [(r.offer_type, r.rule) for r in recommend(ds, date(2026, 1, 1))]
    [('analyseworkshop', 'BELOW_MIN_PARTNERS')]
    """
    config = config or HealthConfig()
    complete = reports is None  # then these are all alliances' reports, reusable for the pairing
    if reports is None:
        reports = check_alliances(ds, as_of, config)
    ctx = RuleContext(ds, as_of, config)
    worded = hospitations is not None
    # Only a host with strong practice gets a guest: without one among `reports` nothing is paired for them.
    hosting = any(ctx.strong_practice(r) for r in reports)
    if callable(pairing):
        pairing = pairing() if hosting else None
    by_id = {r.alliance: r for r in (reports if pairing is None else pairing)}
    summaries_fit = config == HealthConfig(min_partners=config.min_partners)
    if worded:
        ctx.guests = pair_hospitations(hospitations, by_id, ctx)
    elif hosting:
        from .suggest.hospitation import hospitation_pairs, hospitation_suggestion

        # Pairing needs a few hosts per visitor, not every pair (which grows with the square), and who
        # visits whom, not the words: only the pairs kept for `reports` are worded below.
        pairs = hospitation_pairs(ds, as_of, top=max(1, len(ds.alliances) * HOSTS_PER_VISITOR),
                                  min_partners=config.min_partners, per_visitor=HOSTS_PER_VISITOR,
                                  dismissed=dismissed,
                                  reports=(reports if complete else pairing) if summaries_fit else None)
        paired = _pair_hosts(pairs, by_id, ctx)
        if paired:
            wanted = {r.alliance for r in reports}
            checked = by_id if summaries_fit and (complete or pairing is not None) else None
            if checked is None:  # the pairing checked every alliance itself: word the pairs from the same check
                from .health import check_summaries

                again = check_summaries(ds, as_of, HealthConfig(min_partners=config.min_partners))
                checked = {s.alliance: s for s in again}
            ctx.guests = {host: hospitation_suggestion(ds, checked[pairs[i][0]], checked[host], config.min_partners)
                          for host, i in paired.items() if host in wanted}
    out = []
    for report in reports:
        rule = next(rule for rule in RULES if rule.applies(report, ctx))
        planned = ctx.planned(report.alliance)
        first = planned[0] if planned else None
        guest = ctx.guests.get(report.alliance) if rule.code == "HOST_HOSPITATION" else None
        out.append(Recommendation(
            report.alliance, rule.offer_type, rule.reason(report, ctx), rule.code,
            overridden_by=first.id if first else None, name=report.name, status=report.status,
            score=report.score, override=override_text(first) if first else None,
            partner=guest.source if guest else None))
    return sorted(out, key=lambda r: (status_rank(r.status), r.overridden_by is not None, r.score,
                                      r.alliance))


# -- overriding: planning an offer -----------------------------------------------------------

def plan_offer_records(alliance: str, offer_type: str, date: date, office: str | None, note: str,
                       id: str | None = None, *, title: str | None = None,
                       as_of: date | None = None) -> list[RawRecord]:
    """The record that plans an offer for an alliance, overriding its recommendation.

    Write it with :func:`graph.api.import_records`, which validates it (known
    alliance, office and type) and audits the write.

    Parameters
    ----------
    alliance : str
    offer_type : str
        A key (or German label) of OFFER_TYPES.
    date : datetime.date
        The planned day; must lie after `as_of`.
    office : str or None
        The Servicebüro making the offer.
    note : str
        Why the coordinator plans this rather than the recommendation; required.
    id : str, optional
        Default ``plan-<alliance>-<type>-<JJJJMMTT>``: planning the same again updates it.
    title : str, optional
        Default: the type's German label and „(geplant)“.
    as_of : datetime.date, optional
        The day planning happens; default today.

    Raises
    ------
    InputError
        When the note is empty or the date not in the future.

    Examples
    --------
    >>> from datetime import date
    >>> (record,) = plan_offer_records("b1", "fortbildung", date(2026, 3, 2), "sb-koeln",
    ...                                "Wunsch des Jugendamts", as_of=date(2026, 1, 15))
    >>> record.list_name, record.data["id"], record.data["date"]
    ('offers', 'plan-b1-fortbildung-20260302', '2026-03-02')
    """
    import datetime as _dt

    today = as_of or _dt.date.today()
    line = f"plan:{alliance}"
    problems = []
    if not isinstance(note, str) or not note.strip():
        problems.append(Problem(PLAN_SOURCE, line, "note",
                                "Begründung fehlt: wer eine Empfehlung übersteuert, sagt warum"))
    if not isinstance(date, _dt.date):
        problems.append(Problem(PLAN_SOURCE, line, "date", f"kein Datum: {date!r}"))
    elif date <= today:
        problems.append(Problem(PLAN_SOURCE, line, "date",
                                f"ein geplantes Angebot liegt nach dem {german_date(today)}, "
                                f"nicht am {german_date(date)}"))
    if problems:
        raise InputError(problems)
    type_key = str(offer_type).strip().lower()
    type_key = {label.lower(): key for key, label in OFFER_TYPES.items()}.get(type_key, type_key)
    ident = id or f"plan-{alliance}-{type_key}-{date:%Y%m%d}"
    if len(ident) > 100:
        ident = "plan-" + hashlib.sha256(ident.encode("utf-8")).hexdigest()[:24]
    data = {"id": ident, "type": offer_type,
            "title": title or f"{OFFER_TYPES.get(type_key, offer_type)} (geplant)",
            "date": date.isoformat(), "alliance": alliance, "note": note.strip()}
    if office:
        data["office"] = office
    return [RawRecord("offers", PLAN_SOURCE, line, data)]
