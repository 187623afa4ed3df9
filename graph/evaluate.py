"""Measure how well the suggestions recover connections that exist (docs/design.md, "Suggestions").

The standard link-prediction protocol [1]_ [2]_: hide a seeded share of the
known current memberships (and, separately, of the ties), score every pair
that is not observed afterwards, and ask how high the hidden ones rank:

- AUC: the probability that a hidden pair scores higher than a pair that
  does not exist (ties count half); 0.5 is chance. Exact over all pairs when
  there are at most :data:`MAX_NEGATIVES` non-existing pairs, else over a
  seeded uniform sample of that many.
- the same AUC over pairs in one Kreis only (``auc_same_kreis``: where a
  coordinator actually chooses), and over those of them the suggestion
  rules allow (``auc_allowed``: the rules' cost shows as the difference);
- precision@k: the share of hidden pairs among the ``k`` best-ranked pairs;
  equal scores are broken by a seeded random order, never in anyone's favour.

Three rankings are compared on the same split:

- ``buendnisnetz``: the scores :mod:`graph.suggest` ranks by, including its
  rules (same Kreis, new partner unit, no introductions for minors); a pair
  the rules never suggest ranks last;
- ``network_only``: the network part of ``buendnisnetz`` alone (same rules,
  no gap, topic or same-unit parts). The gap parts are policy — the
  programme wants diverse alliances — not prediction: where ``network_only``
  beats ``buendnisnetz``, that is the measured price of the policy;
- ``common_neighbours``: plain counts, without damping, topics or rules —
  for memberships the number of walks of length two and three between the
  person and the alliance (common neighbours in the bipartite sense [3]_),
  for ties the common neighbours over ties alone [1]_;
- ``random``: seeded uniform scores.

References
----------
.. [1] D. Liben-Nowell, J. Kleinberg, "The link-prediction problem for social
       networks", J. Am. Soc. Inf. Sci. Technol. 58(7), 1019–1031 (2007).
.. [2] L. Lü, T. Zhou, "Link prediction in complex networks: a survey",
       Physica A 390(6), 1150–1170 (2011).
.. [3] J. Kunegis, E. W. De Luca, S. Albayrak, "The link prediction problem in
       bipartite networks", IPMU 2010, LNCS 6178, 380–389.
.. [4] A. Davis, B. B. Gardner, M. R. Gardner, "Deep South" (1941): the
       Southern Women attendance data, as in
       :func:`networkx.davis_southern_women_graph`.
"""

from __future__ import annotations

from datetime import date
from functools import partial

import numpy as np
import scipy.sparse as sp
from scipy.stats import rankdata

from .errors import InputError, Problem
from .linkpred import SparseGraph, neighbour_weights, pair_scores, two_hop_pairs
from .model import Actor, Alliance, Dataset, Membership, Municipality
from .rules import tie_in_force
from .suggest import (
    Network,
    alliance_states,
    introduction_candidates,
    introduction_eligible,
    introduction_scores,
    membership_candidates,
    membership_eligible,
    membership_scores,
)

METHODS = ("buendnisnetz", "network_only", "common_neighbours", "random")
MAX_NEGATIVES = 200_000
MIN_KNOWN = 5  # fewer known pairs than this: nothing to measure
DAVIS_KREIS = ("05334", "Städteregion Aachen", "kreis", "NW")


def evaluate(ds: Dataset, as_of: date, *, hide: float = 0.2, seed: int = 0, k: int = 10) -> dict:
    """Hide a share of memberships and ties, rank, and report AUC and precision@k per method.

    Parameters
    ----------
    ds : Dataset
        The graph; it is not changed.
    as_of : datetime.date
        Memberships and ties current on this day are the known ones.
    hide : float
        Share of the known pairs hidden (0 < hide < 1), at least one.
    seed : int
        Seed for the split, the random baseline, negative samples and tie-breaks.
    k : int
        Length of the list precision is measured on.

    Returns
    -------
    dict
        ``{"as_of", "hide", "seed", "k", "results": [{"task", "method", "auc",
        "precision_at_k", "hidden", "negatives"}...], "skipped": [str]}``;
        task is ``membership`` or ``introduction`` (ties).

    Examples
    --------
    >>> from datetime import date
    >>> result = evaluate(davis_dataset(), date(2026, 1, 1), seed=0)
    >>> [r["method"] for r in result["results"] if r["task"] == "membership"]
    ['buendnisnetz', 'network_only', 'common_neighbours', 'random']
    """
    problems = []
    if not isinstance(hide, (int, float)) or not 0 < hide < 1:
        problems.append(Problem("-", "-", "hide", f"muss zwischen 0 und 1 liegen, nicht {hide!r}"))
    if not isinstance(k, int) or isinstance(k, bool) or k < 1:
        problems.append(Problem("-", "-", "k", f"muss eine ganze Zahl ab 1 sein, nicht {k!r}"))
    if problems:
        raise InputError(problems)
    result = {"as_of": as_of.isoformat(), "hide": hide, "seed": seed, "k": k, "results": [], "skipped": []}
    for task, run in (("membership", _membership_task), ("introduction", _introduction_task)):
        rows = run(ds, as_of, hide, seed, k)
        if rows is None:
            result["skipped"].append(f"{task}: weniger als {MIN_KNOWN} bekannte Verbindungen")
        else:
            result["results"] += rows
    return result


# -- the two tasks ---------------------------------------------------------------------------

def _split(n: int, hide: float, rng: np.random.Generator) -> np.ndarray:
    return rng.choice(n, size=max(1, round(hide * n)), replace=False)


def _membership_task(ds: Dataset, as_of: date, hide: float, seed: int, k: int):
    rng = np.random.default_rng(seed)
    full = Network(ds, as_of)
    known = sorted((m, a) for a, members in full.members.items() for m in members)
    if len(known) < MIN_KNOWN:
        return None
    hidden = {known[i] for i in _split(len(known), hide, rng)}
    reduced = ds.copy()
    reduced.memberships = {key: m for key, m in ds.memberships.items() if (m.member, m.alliance) not in hidden}
    net = Network(reduced, as_of)
    index = net.index
    member_nodes = np.flatnonzero(net.kind != Network.ALLIANCE)
    alliance_nodes = np.flatnonzero(net.kind == Network.ALLIANCE)
    observed = {(index[m], index[a]) for a, ms in net.members.items() for m in ms}
    positives = np.array([(index[m], index[a]) for m, a in sorted(hidden)], dtype=np.int64).reshape(-1, 2)
    exclude = observed | {tuple(p) for p in positives.tolist()}
    negatives = _negatives([(member_nodes, alliance_nodes)], exclude, rng, symmetric=False)
    local_negatives = _negatives([(member_nodes[net.kreis[member_nodes] == kreis],
                                   alliance_nodes[net.kreis[alliance_nodes] == kreis])
                                  for kreis in sorted(set(net.kreis[alliance_nodes].tolist()) - {-1})],
                                 exclude, rng, symmetric=False)
    states = alliance_states(net, net.alliance_ids)

    def ours(rows, cols):
        out = np.full(len(rows), -np.inf)
        ok = membership_eligible(net, rows, cols)
        out[ok] = membership_scores(net, rows[ok], cols[ok], states)
        return out

    def network_only(rows, cols):
        out = np.full(len(rows), -np.inf)
        ok = membership_eligible(net, rows, cols)
        out[ok] = sum(net.path_scores(rows[ok], cols[ok])) if ok.any() else 0.0
        return out

    def plain(rows, cols):
        return net.plain_path_counts(rows, cols)

    rows, cols = membership_candidates(net, net.alliance_ids)
    cn_top = _nonzero_pairs(net.plain_path_matrix()[member_nodes], member_nodes, alliance_nodes, observed)
    universe = len(member_nodes) * len(alliance_nodes) - len(observed)
    return _report("membership", net, partial(membership_eligible, net), positives, negatives, local_negatives,
                   universe, k, rng,
                   {"buendnisnetz": (ours, (rows, cols, ours(rows, cols))),
                    "network_only": (network_only, (rows, cols, network_only(rows, cols))),
                    "common_neighbours": (plain, cn_top)})


def _introduction_task(ds: Dataset, as_of: date, hide: float, seed: int, k: int):
    rng = np.random.default_rng(seed + 1)
    full = Network(ds, as_of)
    known = sorted(key for key, tie in ds.ties.items()
                   if tie_in_force(tie, as_of) and key[0] in full.index and key[1] in full.index
                   and full.kind[full.index[key[0]]] == full.kind[full.index[key[1]]])
    if len(known) < MIN_KNOWN:
        return None
    hidden = {known[i] for i in _split(len(known), hide, rng)}
    reduced = ds.copy()
    reduced.ties = {key: tie for key, tie in ds.ties.items() if key not in hidden}
    net = Network(reduced, as_of)
    index = net.index
    positives = np.array(sorted((min(index[u], index[v]), max(index[u], index[v])) for u, v in hidden),
                         dtype=np.int64).reshape(-1, 2)
    tie_graph = SparseGraph.from_edges(net.graph.nodes, [(t.source, t.target) for t in reduced.ties.values()
                                                         if tie_in_force(t, as_of)
                                                         and t.source in index and t.target in index])
    observed = set(zip(*sp.triu(tie_graph.adjacency, k=1).nonzero()))
    observed = {(int(u), int(v)) for u, v in observed}
    kinds = [np.flatnonzero(net.kind == kind) for kind in (Network.ACTOR, Network.INSTITUTION)]
    exclude = observed | {tuple(p) for p in positives.tolist()}
    negatives = _negatives([(nodes, nodes) for nodes in kinds], exclude, rng, symmetric=True)
    local = [nodes[net.kreis[nodes] == kreis]
             for nodes in kinds for kreis in sorted(set(net.kreis[nodes].tolist()) - {-1})]
    local_negatives = _negatives([(nodes, nodes) for nodes in local], exclude, rng, symmetric=True)

    def ours(rows, cols):
        out = np.full(len(rows), -np.inf)
        ok = introduction_eligible(net, rows, cols)
        out[ok] = introduction_scores(net, rows[ok], cols[ok])
        return out

    aa_weights = neighbour_weights(net.degrees, "adamic_adar")

    def network_only(rows, cols):
        out = np.full(len(rows), -np.inf)
        ok = introduction_eligible(net, rows, cols)
        out[ok] = pair_scores(net.graph.adjacency, aa_weights, rows[ok], cols[ok])
        return out

    cn_weights = neighbour_weights(tie_graph.degrees, "common_neighbors")

    def plain(rows, cols):
        return pair_scores(tie_graph.adjacency, cn_weights, rows, cols)

    rows, cols = introduction_candidates(net)
    cn_rows, cn_cols = two_hop_pairs(tie_graph.adjacency)
    sizes = [int((net.kind == kind).sum()) for kind in (Network.ACTOR, Network.INSTITUTION)]
    universe = sum(n * (n - 1) // 2 for n in sizes) - len(observed)
    return _report("introduction", net, partial(introduction_eligible, net), positives, negatives, local_negatives,
                   universe, k, rng,
                   {"buendnisnetz": (ours, (rows, cols, ours(rows, cols))),
                    "network_only": (network_only, (rows, cols, network_only(rows, cols))),
                    "common_neighbours": (plain, (cn_rows, cn_cols, plain(cn_rows, cn_cols)))})


# -- measuring -------------------------------------------------------------------------------

def _nonzero_pairs(counts: sp.csr_array, member_nodes, alliance_nodes, observed):
    coo = counts.tocoo()
    rows, cols = member_nodes[coo.row], alliance_nodes[coo.col]
    keep = np.array([(r, c) not in observed for r, c in zip(rows.tolist(), cols.tolist())], dtype=bool)
    return rows[keep], cols[keep], coo.data[keep].astype(float)


def _negatives(groups: list[tuple[np.ndarray, np.ndarray]], exclude: set, rng: np.random.Generator,
               symmetric: bool) -> np.ndarray:
    """Non-existing pairs within each group ``(left, right)``, as an ``(n, 2)`` index array.

    All of them when there are at most :data:`MAX_NEGATIVES` (plus the
    excluded pairs); else a seeded uniform sample of about that many over the
    union of the groups, each group drawn in proportion to its number of pairs
    (a small group is listed whole and subsampled, so a group whose pairs are
    nearly all excluded cannot stall the draw).
    With ``symmetric`` a group is one node set and pairs are ``(u, v)``, ``u < v``.
    """
    groups = [(left, right) for left, right in groups if len(left) and len(right)]
    sizes = [len(left) * (len(left) - 1) // 2 if symmetric else len(left) * len(right) for left, right in groups]
    total = sum(sizes)
    sample = total > MAX_NEGATIVES + len(exclude)
    out = []
    for (left, right), size in zip(groups, sizes):
        wanted = round(MAX_NEGATIVES * size / total) if sample else size
        if not sample or size <= 4 * wanted:
            pairs = _all_pairs(left, right, symmetric)
            pairs = pairs[np.array([(u, v) not in exclude for u, v in pairs.tolist()], dtype=bool)]
            if sample and len(pairs) > wanted:
                pairs = pairs[np.sort(rng.choice(len(pairs), wanted, replace=False))]
            out.append(pairs)
            continue
        drawn: set[tuple[int, int]] = set()
        while len(drawn) < wanted:  # at least 3/4 of the pairs are drawable here, so this ends quickly
            u = rng.choice(left, wanted).tolist()
            v = rng.choice(left if symmetric else right, wanted).tolist()
            for a, b in zip(u, v):
                if symmetric:
                    if a == b:
                        continue
                    a, b = min(a, b), max(a, b)
                if (a, b) not in exclude:
                    drawn.add((a, b))
                    if len(drawn) >= wanted:
                        break
        out.append(np.array(sorted(drawn), dtype=np.int64).reshape(-1, 2))
    return np.concatenate(out) if out else np.zeros((0, 2), dtype=np.int64)


def _all_pairs(left: np.ndarray, right: np.ndarray, symmetric: bool) -> np.ndarray:
    if symmetric:
        iu, ju = np.triu_indices(len(left), k=1)
        return np.stack([left[iu], left[ju]], axis=1)
    return np.stack(np.meshgrid(left, right, indexing="ij"), axis=-1).reshape(-1, 2)


def auc(positive_scores: np.ndarray, negative_scores: np.ndarray) -> float:
    """P(a hidden pair outscores a non-existing one), ties counting half (Mann–Whitney U / n₊n₋).

    Examples
    --------
    >>> auc(np.array([3.0, 1.0]), np.array([1.0, 0.0]))
    0.875
    """
    n_pos, n_neg = len(positive_scores), len(negative_scores)
    if n_pos == 0 or n_neg == 0:
        return float("nan")
    scores = np.concatenate([positive_scores, negative_scores])
    scores = np.where(np.isneginf(scores), np.nanmin(scores[np.isfinite(scores)], initial=0) - 1, scores)
    ranks = rankdata(scores)
    return float((ranks[:n_pos].sum() - n_pos * (n_pos + 1) / 2) / (n_pos * n_neg))


def precision_at_k(rows: np.ndarray, cols: np.ndarray, scores: np.ndarray, positives: set, k: int,
                   rng: np.random.Generator) -> float:
    """Share of hidden pairs among the k best-scored pairs; equal scores in seeded random order.

    Pairs with no finite positive score are not ranked (the list may be shorter than k; it still counts as k).
    """
    keep = np.isfinite(scores) & (scores > 0)
    rows, cols, scores = rows[keep], cols[keep], scores[keep]
    order = np.lexsort((rng.random(len(scores)), -scores))[:k]
    hits = sum((int(rows[i]), int(cols[i])) in positives for i in order.tolist())
    return hits / k


def _report(task, net, eligible, positives, negatives, local_negatives, universe, k, rng, methods) -> list[dict]:
    positive_set = {tuple(p) for p in positives.tolist()}
    local = net.kreis[positives[:, 0]] == net.kreis[positives[:, 1]]
    local &= net.kreis[positives[:, 0]] >= 0
    local_positives = positives[local]
    allowed_positives = local_positives[eligible(*local_positives.T)]
    allowed_negatives = local_negatives[eligible(*local_negatives.T)]
    rows = []
    for name in METHODS:
        if name == "random":
            def score(_rows, _cols):
                return rng.random(len(_rows))
            picks = rng.choice(max(universe, 1), size=min(k, max(universe, 1)), replace=False)
            # k uniformly drawn non-observed pairs hit a hidden one with probability |hidden| / universe.
            precision = float(np.sum(picks < len(positives))) / k
        else:
            score, (top_rows, top_cols, top_scores) = methods[name]
            precision = precision_at_k(top_rows, top_cols, top_scores, positive_set, k, rng)
        rows.append({
            "task": task, "method": name,
            "auc": round(auc(score(*positives.T), score(*negatives.T)), 4),
            "auc_same_kreis": round(auc(score(*local_positives.T), score(*local_negatives.T)), 4),
            "auc_allowed": round(auc(score(*allowed_positives.T), score(*allowed_negatives.T)), 4),
            "precision_at_k": round(precision, 4),
            "hidden": int(len(positives)), "negatives": int(len(negatives)),
            "hidden_same_kreis": int(len(local_positives)), "negatives_same_kreis": int(len(local_negatives)),
            "hidden_allowed": int(len(allowed_positives)),
        })
    return rows


def format_result(result: dict) -> str:
    """The result as a small German table for the terminal."""
    labels = {"membership": "Mitgliedschaften", "introduction": "Verbindungen"}
    lines = [f"Stichtag {result['as_of']}, verborgen {result['hide']:.0%}, Seed {result['seed']}, k = {result['k']}",
             f"{'Aufgabe':<18}{'Methode':<20}{'AUC':>8}{'AUC Kreis':>11}{'AUC zulässig':>14}{'Präz.@k':>10}"
             f"{'verborgen':>11}{'Negative':>10}"]
    for r in result["results"]:
        lines.append(f"{labels.get(r['task'], r['task']):<18}{r['method']:<20}{r['auc']:>8.3f}"
                     f"{r['auc_same_kreis']:>11.3f}{r['auc_allowed']:>14.3f}{r['precision_at_k']:>10.3f}"
                     f"{r['hidden']:>11}{r['negatives']:>10}")
    lines.append("AUC Kreis: nur Paare im selben Kreis (dort entscheidet die Koordination). "
                 "AUC zulässig: davon nur Paare, die buendnisnetz vorschlagen darf "
                 "(kein Kennenlernen mit Minderjährigen oder Kolleg*innen, keine früheren Mitglieder).")
    lines += [f"übersprungen: {s}" for s in result["skipped"]]
    return "\n".join(lines)


# -- a public data set -----------------------------------------------------------------------

def davis_dataset() -> Dataset:
    """Davis' Southern Women [4]_ as a Dataset: 18 women are persons, 14 events are alliances.

    Everything lies in one Kreis, so the locality rule keeps every pair; the
    attendances are the memberships (no dates, so all are current).

    Examples
    --------
    >>> ds = davis_dataset()
    >>> len(ds.actors), len(ds.alliances), len(ds.memberships)
    (18, 14, 89)
    """
    import networkx as nx

    from .validate import slugify

    graph = nx.davis_southern_women_graph()
    kreis, kreis_name, level, state = DAVIS_KREIS
    ds = Dataset()
    ds.add(Municipality(kreis, kreis_name, level, state))
    women, events = graph.graph["top"], graph.graph["bottom"]
    ident = {w: f"davis-{slugify(w)}" for w in women} | {e: f"davis-{e.lower()}" for e in events}
    for woman in women:
        ds.add(Actor(ident[woman], woman, role="Davis 1941", municipality=kreis))
    for event in events:
        ds.add(Alliance(ident[event], f"Treffen {event} (Davis 1941)", kreis))
    for woman, event in graph.edges:
        if woman in events:
            woman, event = event, woman
        ds.add(Membership(ident[woman], ident[event]))
    return ds
