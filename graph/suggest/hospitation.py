"""Suggestion kind ``hospitation``: a struggling alliance (source) visits a healthy host
(target) on the same topics.

The visitor has critical or warning flags (:mod:`graph.health`); a host is not
critical, has enough partners and has none of the visitor's flags, preferring the
same Servicebüro region and healthier hosts (Provan & Kenis 2008, see
:mod:`graph.suggest`). Critical visitors come first. The health check comes from the
run's :class:`~graph.suggest.base.SuggestionContext`, computed once and shared, as
summaries (:func:`graph.health.check_summaries`: status, score, partners and flag codes,
which is all a pairing reads).
"""

from __future__ import annotations

import hashlib
from datetime import date
from typing import TYPE_CHECKING

import numpy as np

from ..model import Dataset
from ..validate import RawRecord
from .base import ACCEPT_SOURCE, MIN_PARTNERS, Suggestion, SuggestionContext
from .base import quoted as _quoted
from .base import topic_names as _topic_names

if TYPE_CHECKING:  # only named in annotations: importing it would import scipy (x100 office: 0.13 s)
    from .network import Network

__all__ = ["WEIGHTS", "find", "hospitation_pairs", "hospitation_suggestion", "hospitation_suggestions",
           "to_records"]

NAME = "hospitation"
WEIGHTS = {
    "hospitation_topic": 1.0,  # per shared topic
    "same_region": 1.0,        # same Servicebüro
    "host_health": 1.0,        # × host's health score / 100
}

def hospitation_suggestions(ds: Dataset, as_of: date, *, alliance: str | None = None, actor: str | None = None,
                            top: int = 10, dismissed=frozenset(), reveal: bool = False,
                            min_partners: int = MIN_PARTNERS, network: Network | None = None,
                            per_visitor: int | None = None, reports=None, worded: bool = True) -> list[Suggestion]:
    """A struggling alliance visits a host on the same topics that does not have its problems.

    The visitor has critical or warning flags of :func:`graph.health.check_alliances`.
    A host is not critical, has at least ``min_partners`` partners and has
    *none* of the visitor's flags, so it can show how it avoids them. The
    score adds shared topics, the same Servicebüro region and the host's
    health score; visitors below the minimum come first.

    Parameters
    ----------
    alliance : str, optional
        Only pairs in which this alliance is the visitor or the host.
    actor : str, optional
        Only pairs involving an alliance this person or institution is a current member of.

    per_visitor : int, optional
        Keep at most this many hosts per visitor (for pairing every alliance at
        national scale without listing every visitor–host pair).
    reports : list of AllianceReport or HealthSummary, optional
        :func:`graph.health.check_alliances` (or :func:`graph.health.check_summaries`) for `as_of`
        with this minimum, when already computed.
    worded : bool, default True
        False: who visits whom only, in the same order, each with score 0 and no reasons (what a
        pairing reads; :func:`hospitation_suggestion` words the pairs it keeps).

    Returns
    -------
    list of Suggestion
        ``source`` the visiting alliance, ``target`` the host.
    """
    found, reports, offices = _ranked_pairs(ds, as_of, alliance=alliance, actor=actor, top=top, dismissed=dismissed,
                                            min_partners=min_partners, network=network, per_visitor=per_visitor,
                                            reports=reports)
    if not worded:
        return [Suggestion("hospitation", visitor, host, 0.0, []) for visitor, host in found]
    out = []
    for visitor, host in found:
        shared = set(ds.alliances[visitor].topics) & set(ds.alliances[host].topics)
        score, reasons = _hospitation_parts(ds, reports[visitor], reports[host], shared,
                                            offices[visitor], offices[host], min_partners)
        out.append(Suggestion("hospitation", visitor, host, round(score, 3), reasons))
    return out


def hospitation_pairs(ds: Dataset, as_of: date, *, top: int = 10, dismissed=frozenset(),
                      min_partners: int = MIN_PARTNERS, per_visitor: int | None = None,
                      reports=None) -> list[tuple[str, str]]:
    """Who visits whom, ``(visitor, host)``, in the order of :func:`hospitation_suggestions` with the same
    arguments (what a pairing reads: no words, no :class:`Suggestion` per pair)."""
    return _ranked_pairs(ds, as_of, alliance=None, actor=None, top=top, dismissed=dismissed,
                         min_partners=min_partners, network=None, per_visitor=per_visitor, reports=reports)[0]


def _ranked_pairs(ds: Dataset, as_of: date, *, alliance, actor, top, dismissed, min_partners, network,
                  per_visitor, reports) -> tuple[list[tuple[str, str]], dict, dict]:
    """The ranked ``(visitor, host)`` pairs of :func:`hospitation_suggestions`, with the summaries and
    offices by alliance that word them."""
    from ..health import STATUS_CRITICAL, STATUS_OK, HealthConfig, HealthSummary, check_summaries, office_of_alliance
    from ..health import summarize as _summarize

    if reports is None:
        reports = check_summaries(ds, as_of, HealthConfig(min_partners=min_partners))
    reports = {r.alliance: r if isinstance(r, HealthSummary) else _summarize(r) for r in reports}
    problems = {a: {f.code for f in r.flags if f.severity != "info"} for a, r in reports.items()}
    hosts = sorted(a for a, r in reports.items() if r.status != STATUS_CRITICAL and r.partners >= min_partners)
    visitors = sorted(a for a, r in reports.items() if r.status != STATUS_OK)
    involved = None
    if alliance is not None:
        involved = {alliance}
    if actor is not None:
        # Only this member's current alliances are needed: no network to build for that.
        mine = (network.alliances_of.get(actor, set()) if network is not None else
                {m.alliance for m in ds.memberships.values() if m.member == actor and m.is_current(as_of)})
        involved = mine if involved is None else involved & mine
    offices = {a: office_of_alliance(ds, a) for a in reports}
    if not hosts or not visitors:
        return [], reports, offices
    # Hosts as arrays, so each visitor is matched against all of them at once.
    codes = sorted({c for cs in problems.values() for c in cs})
    topics = sorted({t for a in reports for t in ds.alliances[a].topics})

    def incidence(ids, attribute, columns):
        position = {c: j for j, c in enumerate(columns)}
        out = np.zeros((len(ids), len(columns)), dtype=np.int64)
        for i, ident in enumerate(ids):
            for c in attribute(ident):
                out[i, position[c]] = 1
        return out

    # a visitor's problems as bits: a host has none of them when the masks share no bit
    bit = {c: 1 << j for j, c in enumerate(codes)}
    mask_type = np.int64 if len(codes) < 63 else object
    problem_mask = {a: sum(bit[c] for c in cs) for a, cs in problems.items()}
    host_problems = np.array([problem_mask[h] for h in hosts], dtype=mask_type)
    host_topics = incidence(hosts, lambda a: ds.alliances[a].topics, topics)
    office_code = {o: j for j, o in enumerate(sorted({o or "" for o in offices.values()}))}
    host_office = np.array([office_code[offices[h] or ""] for h in hosts], dtype=np.int64)
    host_health = np.array([reports[h].score for h in hosts], dtype=float)
    health_part = WEIGHTS["host_health"] * host_health / 100
    host_index = np.arange(len(hosts))
    host_involved = np.array([involved is None or h in involved for h in hosts])
    wanted = top + len(dismissed) if per_visitor is None else min(top + len(dismissed), per_visitor)
    # Visitors with the same problems, topics, region and involvement see the same hosts with the
    # same scores: each such class is matched once, then each visitor drops itself from the list.
    classes: dict[tuple, list[str]] = {}
    for visitor in visitors:
        if involved is not None and visitor not in involved and not host_involved.any():
            continue
        key = (frozenset(problems[visitor]), frozenset(ds.alliances[visitor].topics), offices[visitor],
               involved is None or visitor in involved)
        classes.setdefault(key, []).append(visitor)
    # Every (visitor, host) pair that can reach the top, as arrays: critical visitors first, then by
    # score, visitor id and host id (ranks in id order; hosts are sorted by id already).
    ranked = sorted(reports)
    rank = {a: r for r, a in enumerate(ranked)}
    host_at = {h: i for i, h in enumerate(hosts)}
    found_critical, found_score, found_visitor, found_host = [], [], [], []
    for (_, _, office, visitor_involved), members in classes.items():
        first = members[0]
        v_topics = incidence([first], lambda a: ds.alliances[a].topics, topics)[0]
        shared = host_topics @ v_topics
        ok = (shared > 0) & ((host_problems & problem_mask[first]) == 0)
        if not visitor_involved:
            ok &= host_involved
        same_region = (host_office == office_code[office]) if office else np.zeros(len(hosts), dtype=bool)
        score = WEIGHTS["hospitation_topic"] * shared + WEIGHTS["same_region"] * same_region + health_part
        # Per visitor only its best `wanted` hosts (by score, then id) can reach the overall top;
        # one more per class, in case the visitor itself is among them.
        best = _best(host_index[ok], -score[ok], wanted + 1)
        # each visitor: the class's best hosts but itself, the first `wanted` of them
        keep = best[None, :] != np.array([host_at.get(v, -1) for v in members])[:, None]
        keep &= np.cumsum(keep, axis=1) <= wanted
        rows, cols = np.nonzero(keep)
        found_critical.append(np.array([reports[v].status == STATUS_CRITICAL for v in members], dtype=bool)[rows])
        found_visitor.append(np.array([rank[v] for v in members], dtype=np.int64)[rows])
        found_host.append(best[cols])
        found_score.append(score[best[cols]])
    if not found_host:
        return [], reports, offices
    pair_critical, pair_score = np.concatenate(found_critical), np.concatenate(found_score)
    pair_visitor, pair_host = np.concatenate(found_visitor), np.concatenate(found_host)
    # at most len(dismissed) of the first are skipped below
    order = np.lexsort((pair_host, pair_visitor, -pair_score, ~pair_critical))[:top + len(dismissed)]
    # the ids picked by position in C, not one tuple per pair in a Python loop (x100: 386k pairs)
    found = list(zip(np.array(ranked, dtype=object)[pair_visitor[order]].tolist(),
                     np.array(hosts, dtype=object)[pair_host[order]].tolist()))
    if dismissed:
        found = [(visitor, host) for visitor, host in found if ("hospitation", visitor, host) not in dismissed]
    return found[:top], reports, offices


def _best(ids, keys, k: int):
    """The first `k` of `ids` (ascending) ordered by `keys`, then id: what ``ids[np.lexsort((ids, keys))][:k]``
    gives, sorting only the candidates a partial partition leaves (every key up to the k-th smallest)."""
    if len(ids) > k:
        near = keys <= np.partition(keys, k - 1)[k - 1]
        ids, keys = ids[near], keys[near]
    return ids[np.lexsort((ids, keys))[:k]]


def hospitation_suggestion(ds: Dataset, visitor, host, min_partners: int = MIN_PARTNERS) -> Suggestion:
    """The pair `visitor` visits `host` as :func:`hospitation_suggestions` words it (score and reasons);
    both are :class:`~graph.health.AllianceReport` or :class:`~graph.health.HealthSummary` of the same check."""
    from ..health import HealthSummary, office_of_alliance
    from ..health import summarize as _summarize

    visitor, host = (r if isinstance(r, HealthSummary) else _summarize(r) for r in (visitor, host))
    shared = set(ds.alliances[visitor.alliance].topics) & set(ds.alliances[host.alliance].topics)
    score, reasons = _hospitation_parts(ds, visitor, host, shared, office_of_alliance(ds, visitor.alliance),
                                        office_of_alliance(ds, host.alliance), min_partners)
    return Suggestion("hospitation", visitor.alliance, host.alliance, round(score, 3), reasons)


def _hospitation_parts(ds, visitor, host, shared, v_office, h_office, min_partners) -> tuple[float, list[str]]:
    from ..health import FLAG_LABELS

    # Flag labels, not messages: the messages name members, and a visitor's reasons are read by the host.
    flags = [f for f in visitor.flags if f.severity != "info"]
    labels = ", ".join(FLAG_LABELS.get(f.code, f.code) + (f" ({visitor.partners} von {min_partners})"
                                                          if f.code == "BELOW_MIN_PARTNERS" else "")
                       for f in flags)
    reasons = [f"{_quoted(ds, visitor.alliance)} braucht Unterstützung: {labels}"]
    score = WEIGHTS["hospitation_topic"] * len(shared)
    reasons.append(f"gleiche Themen: {_topic_names(ds, shared)}")
    if v_office and v_office == h_office:
        score += WEIGHTS["same_region"]
        reasons.append(f"gleiche Servicebüro-Region: {ds.name_of(v_office)}")
    score += WEIGHTS["host_health"] * host.score / 100
    reasons.append(f"{_quoted(ds, host.alliance)} hat {host.partners} Partner und keines dieser Probleme; "
                   f"Gesundheitswert {host.score}/100")
    return score, reasons


def find(ctx: SuggestionContext, *, alliance: str | None = None, actor: str | None = None, top: int = 10,
         dismissed=frozenset(), reveal: bool = False) -> list[Suggestion]:
    """The registry's entry point: :func:`hospitation_suggestions` on the shared health summaries."""
    return hospitation_suggestions(ctx.ds, ctx.as_of, alliance=alliance, actor=actor, top=top,
                                   dismissed=dismissed, reveal=reveal, min_partners=ctx.min_partners,
                                   network=ctx.network if ctx.has_network() else None, reports=ctx.summaries)


def to_records(s: Suggestion, as_of: date, ds: Dataset | None = None) -> list[RawRecord]:
    """Accepting writes a planned offer of type Hospitation for the visitor, titled with the host's name."""
    ident = f"hospitation-{s.source}-{s.target}-{as_of:%Y%m%d}"
    if len(ident) > 100:
        ident = "hospitation-" + hashlib.sha256(ident.encode("utf-8")).hexdigest()[:24]
    title = f"Hospitation bei {ds.name_of(s.target) if ds else s.target}"
    return [RawRecord("offers", ACCEPT_SOURCE, f"{s.kind}:{s.source}->{s.target}",
                      {"id": ident, "type": "hospitation", "title": title, "date": as_of.isoformat(),
                       "alliance": s.source})]
