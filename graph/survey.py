"""Network survey waves (Netzwerkbefragung): tokens, scoring, ties from answers, results.

Pure functions over plain data; :mod:`graph.survey_api` reads and writes the
store and applies roles. The questions follow PARTNER CPRM (Varda et al.):
for each other member, whether and how often one works with them, trust as
the mean of openness, reliability and shared mission, and value as the mean of
influence, resources contributed and level of involvement, each on 1–4.

References
----------
Varda, D. M., Chandra, A., Stern, S. A., & Lurie, N. (2008). Core dimensions of
connectivity in public health collaboratives. Journal of Public Health
Management and Practice, 14(5), E1–E7.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import date
from statistics import mean

from .model import FREQUENCIES, Dataset
from .store.survey_base import Answer, Invitation, Wave

TOKEN_BYTES = 16  # 128 bits

#: Frequency -> tie strength (1–4, the more often the stronger).
FREQUENCY_STRENGTH = {"woechentlich": 4, "monatlich": 3, "jaehrlich": 2, "seltener": 1}

#: item key -> (question in plain German, in simple language)
TRUST_ITEMS = {
    "offenheit": ("Wie offen ist diese Person für Gespräche und Ideen?",
                  "Kann ich mit der Person gut reden?"),
    "verlaesslichkeit": ("Wie verlässlich hält diese Person Absprachen ein?",
                         "Macht die Person, was sie sagt?"),
    "anliegen": ("Wie sehr teilt diese Person das gemeinsame Anliegen des Bündnisses?",
                 "Will die Person dasselbe wie wir?"),
}
VALUE_ITEMS = {
    "einfluss": ("Wie viel Einfluss hat diese Person, um etwas zu bewegen?",
                 "Kann die Person etwas bewegen?"),
    "ressourcen": ("Wie viel bringt diese Person ein (Zeit, Wissen, Räume, Geld)?",
                   "Gibt die Person viel (Zeit, Wissen, Räume)?"),
    "beteiligung": ("Wie stark beteiligt sich diese Person am Bündnis?",
                    "Macht die Person im Bündnis mit?"),
}
SCALE = {1: "gar nicht", 2: "wenig", 3: "ziemlich", 4: "sehr"}
SCALE_SIMPLE = {1: "nein", 2: "ein bisschen", 3: "ja", 4: "ja, sehr"}

#: A wave's results call for a new one when older than this or answered by fewer than this share.
STALE_MONTHS = 24
LOW_RESPONSE = 0.5


# -- tokens --------------------------------------------------------------------
def new_token() -> str:
    """A personal token: 128 random bits from :mod:`secrets`, URL-safe (22 characters)."""
    return secrets.token_urlsafe(TOKEN_BYTES)


def hash_token(token: str) -> str:
    """What the store keeps instead of the token (SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def wave_is_open(wave: Wave, today: date) -> bool:
    """Tokens work until the wave is closed or its closing day has passed."""
    return wave.closed is None and (wave.closes is None or today <= wave.closes)


# -- who is asked -------------------------------------------------------------------
def roster_of(ds: Dataset, alliance: str, as_of: date) -> list[str]:
    """The alliance's current members (persons and institutions), in name order."""
    members = {m.member for m in ds.memberships.values()
               if m.alliance == alliance and m.is_current(as_of) and ds.member_kind(m.member)}
    return sorted(members, key=lambda m: (ds.name_of(m).casefold(), m))


def respondents_of(ds: Dataset, roster: list[str], consents: dict[str, date]) -> list[str]:
    """Who gets a link: the member persons; young refugees only with a recorded consent.

    An institution answers through its member persons, so institutions get no link of their own.
    """
    out = []
    for member in roster:
        actor = ds.actors.get(member)
        if actor is None:
            continue
        if actor.is_refugee_youth and member not in consents:
            continue
        out.append(member)
    return out


def roster_name(ds: Dataset, member: str) -> str:
    """How a member appears to respondents: young refugees always by pseudonym (the simplest safe rule)."""
    return ds.name_of(member, reveal=False)


# -- scoring --------------------------------------------------------------------------
def score(items) -> float | None:
    """Mean of the answered items (1–4), None when none was answered.

    >>> score((4, 3, None))
    3.5
    >>> score((None, None, None)) is None
    True
    """
    given = [int(x) for x in items if x is not None]
    return round(mean(given), 3) if given else None


def check_item(value) -> int | None:
    """An item answer as 1–4 or None; anything else is a ValueError."""
    if value is None or value == "":
        return None
    number = int(value)
    if not 1 <= number <= 4:
        raise ValueError(f"Wert {value!r} liegt nicht zwischen 1 und 4")
    return number


def clean_answer(wave: str, respondent: str, target: str, works: bool, frequency: str | None,
                 trust=(None, None, None), value=(None, None, None)) -> Answer:
    """One answer with its values checked; "no" drops frequency and scores."""
    if frequency is not None and frequency not in FREQUENCIES:
        raise ValueError(f"Häufigkeit {frequency!r} unbekannt")
    if not works:
        return Answer(wave, respondent, target, False)
    return Answer(wave, respondent, target, True, frequency, _three(trust), _three(value))


def _three(items) -> tuple[int | None, int | None, int | None]:
    """Three checked items (missing ones are None)."""
    a, b, c = (check_item(x) for x in (list(items) + [None, None, None])[:3])
    return a, b, c


# -- from answers to ties --------------------------------------------------------------
def _pair_values(answers: list[Answer]) -> dict:
    trust = [s for a in answers if (s := score(a.trust)) is not None]
    value = [s for a in answers if (s := score(a.value)) is not None]
    ranks = [FREQUENCY_STRENGTH[a.frequency] for a in answers if a.frequency]
    out: dict[str, float | str | None] = {"trust": round(mean(trust), 3) if trust else None,
                                          "value": round(mean(value), 3) if value else None}
    if ranks:
        strength = round(mean(ranks), 3)
        out["strength"] = strength
        # Two sides disagreeing: the less frequent answer is the one both would sign.
        out["frequency"] = next(k for k, v in FREQUENCY_STRENGTH.items() if v == min(ranks))
    return out


def tie_end(ds: Dataset, respondent: str, target: str) -> tuple[str, str] | None:
    """The graph ends of a reported tie: person–person, or their institutions for a person–institution answer."""
    if target in ds.actors:
        return respondent, target
    own = ds.actors[respondent].institution if respondent in ds.actors else None
    if target in ds.institutions and own and own != target:
        return own, target
    return None


def ties_from_answers(ds: Dataset, wave: Wave, answers: list[Answer]) -> list[dict]:
    """Exchange-format tie records for a closed wave.

    A pair both sides report is one tie with the means of both answers; a pair
    only one side reports is kept as a directed report (``reported_by``). A tie
    already in the graph keeps its ``since``; a new one dates from the wave's close.
    """
    by_pair: dict[tuple[str, str], list[tuple[str, Answer]]] = {}
    for a in answers:
        if not a.works_together or a.respondent == a.target:
            continue
        ends = tie_end(ds, a.respondent, a.target)
        if ends is None:
            continue
        low, high = sorted(ends)
        by_pair.setdefault((low, high), []).append((ends[0], a))
    records = []
    for (x, y), reports in sorted(by_pair.items()):
        reporters = {who for who, _ in reports}
        existing = ds.ties.get((x, y))
        since = existing.since if existing and existing.since else wave.closed or wave.started
        row = {"source": x, "target": y, "since": since.isoformat(), "wave": wave.id,
               **_pair_values([a for _, a in reports])}
        if len(reporters) == 1:
            reporter = next(iter(reporters))
            row["source"], row["target"] = reporter, (y if reporter == x else x)
            row["reported_by"] = reporter
        records.append({k: v for k, v in row.items() if v is not None})
    return records


# -- results ---------------------------------------------------------------------------
@dataclass
class WaveResults:
    """What a wave says about an alliance (PARTNER-style network scores)."""

    wave: str
    alliance: str
    started: date
    closed: date | None
    invited: int
    answered: int
    response_rate: float
    density: float
    reciprocity: float | None
    trust: float | None
    value: float | None
    members: list[dict] = field(default_factory=list)  # per member: received trust/value, degree centrality
    ties: list[dict] = field(default_factory=list)  # per pair: source, target, mutual, frequency, trust, value
    change: dict | None = None  # against the previous closed wave

    def as_dict(self) -> dict:
        return {"wave": self.wave, "alliance": self.alliance, "started": self.started.isoformat(),
                "closed": self.closed.isoformat() if self.closed else None, "invited": self.invited,
                "answered": self.answered, "response_rate": self.response_rate, "density": self.density,
                "reciprocity": self.reciprocity, "trust": self.trust, "value": self.value,
                "members": self.members, "ties": self.ties, "change": self.change}

    def summary(self) -> dict:
        """The ``survey`` entry of ``health --format json``."""
        return {"wave": self.wave, "closed": self.closed.isoformat() if self.closed else None,
                "response_rate": self.response_rate, "density": self.density, "trust": self.trust,
                "value": self.value}


def wave_results(wave: Wave, invitations: list[Invitation], answers: list[Answer],
                 previous: WaveResults | None = None) -> WaveResults:
    """Response rate, density, reciprocity, mean trust and value, centrality and change for one wave.

    Density counts member pairs with a reported tie (either side) among all pairs
    of the roster; reciprocity is the share of those pairs, among members who both
    answered, that both sides report.
    """
    import networkx as nx  # here, not at the top: every CLI command imports this module

    roster = list(wave.roster)
    answered = {i.member for i in invitations if i.answered_at}
    invited = len(invitations)
    yes = [a for a in answers if a.works_together and a.target in roster and a.respondent != a.target]
    directed = nx.DiGraph()
    directed.add_nodes_from(roster)
    for a in yes:
        directed.add_edge(a.respondent, a.target, answer=a)
    undirected = directed.to_undirected(reciprocal=False)
    n = len(roster)
    pairs = n * (n - 1) / 2
    density = round(undirected.number_of_edges() / pairs, 3) if pairs else 0.0
    both_answered = [(u, v) for u, v in undirected.edges if u in answered and v in answered]
    mutual = [(u, v) for u, v in both_answered if directed.has_edge(u, v) and directed.has_edge(v, u)]
    reciprocity = round(len(mutual) / len(both_answered), 3) if both_answered else None
    trust_all = [s for a in yes if (s := score(a.trust)) is not None]
    value_all = [s for a in yes if (s := score(a.value)) is not None]
    centrality = nx.degree_centrality(undirected) if n > 1 else {m: 0.0 for m in roster}
    members = []
    for m in roster:
        received = [directed.edges[u, m]["answer"] for u in directed.predecessors(m)]
        t = [s for a in received if (s := score(a.trust)) is not None]
        v = [s for a in received if (s := score(a.value)) is not None]
        members.append({"member": m, "answered": m in answered, "ties": undirected.degree(m),
                        "centrality": round(centrality.get(m, 0.0), 3),
                        "trust": round(mean(t), 3) if t else None, "value": round(mean(v), 3) if v else None})
    ties = []
    for u, v in sorted(tuple(sorted(e)) for e in undirected.edges):
        reports = [directed.edges[x, y]["answer"] for x, y in ((u, v), (v, u)) if directed.has_edge(x, y)]
        values = _pair_values(reports)
        ties.append({"source": u, "target": v, "mutual": len(reports) == 2,
                     "reported_by": None if len(reports) == 2 else reports[0].respondent,
                     "frequency": values.get("frequency"), "strength": values.get("strength"),
                     "trust": values["trust"], "value": values["value"]})
    results = WaveResults(wave.id, wave.alliance, wave.started, wave.closed, invited, len(answered),
                          round(len(answered) / invited, 3) if invited else 0.0, density, reciprocity,
                          round(mean(trust_all), 3) if trust_all else None,
                          round(mean(value_all), 3) if value_all else None, members, ties)
    if previous is not None:
        results.change = change_between(previous, results)
    return results


def _delta(a, b):
    return round(b - a, 3) if a is not None and b is not None else None


def change_between(before: WaveResults, after: WaveResults) -> dict:
    """How an alliance's network moved from one wave to the next."""
    old = {(t["source"], t["target"]) for t in before.ties}
    new = {(t["source"], t["target"]) for t in after.ties}
    return {"previous_wave": before.wave, "response_rate": _delta(before.response_rate, after.response_rate),
            "density": _delta(before.density, after.density), "trust": _delta(before.trust, after.trust),
            "value": _delta(before.value, after.value), "ties_new": len(new - old), "ties_gone": len(old - new)}


def health_note(results: WaveResults | None, as_of: date) -> str | None:
    """A German note when the alliance's last wave is stale or thinly answered; None when fine.

    None also when there never was a wave: surveys are an offer, not a duty.
    """
    if results is None or results.closed is None:
        return None
    months = (as_of.year - results.closed.year) * 12 + as_of.month - results.closed.month
    if months > STALE_MONTHS:
        return (f"Letzte Netzwerkbefragung ({results.wave}) am {results.closed:%d.%m.%Y}, vor {months} Monaten "
                "– eine neue Befragungswelle zeigt, wie sich das Bündnis verändert hat.")
    if results.response_rate < LOW_RESPONSE:
        return (f"Bei der letzten Netzwerkbefragung ({results.wave}) haben nur {results.answered} von "
                f"{results.invited} Eingeladenen geantwortet ({results.response_rate:.0%}); "
                "die Ergebnisse sind unsicher.")
    return None


def survey_reasons(ds: Dataset, pairs, *, reveal: bool = False, limit: int = 3) -> list[str]:
    """One German reason naming the strongest survey-reported ties among `pairs` (``(a, b)``), or none.

    Suggestions use it so a coordinator sees which ties the members reported themselves and how strong.
    """
    found = []
    for a, b in pairs:
        tie = ds.ties.get((a, b) if a <= b else (b, a))
        if tie is not None and tie.wave:
            found.append((-(tie.strength or 0), -(tie.trust or 0), a, b, tie))
    if not found:
        return []
    found.sort(key=lambda f: f[:4])
    parts = []
    for _, _, a, b, tie in found[:limit]:
        detail = ", ".join(x for x in (
            FREQUENCIES.get(tie.frequency or "", ""),
            f"Vertrauen {tie.trust:.1f}".replace(".", ",") if tie.trust is not None else "",
            "einseitig berichtet" if tie.reported_by else "") if x)
        parts.append(f"{ds.name_of(a, reveal=reveal)} – {ds.name_of(b, reveal=reveal)}"
                     + (f" ({detail})" if detail else ""))
    more = f" und {len(found) - limit} weitere" if len(found) > limit else ""
    return [f"laut Netzwerkbefragung {found[0][4].wave}: " + "; ".join(parts) + more]
