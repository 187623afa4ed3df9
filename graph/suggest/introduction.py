"""Suggestion kind ``introduction``: two persons or two institutions in the same Kreis
without a tie who should meet.

Ranked by the Adamic–Adar index over ties *and* co-membership (the
person–alliance graph: a shared small alliance weighs more than a big one),
plus shared topics. Colleagues at the same institution and refugee young people
are not proposed: colleagues meet anyway, and a tool should not propose
strangers to contact minors. Scored one Kreis at a time (introductions stay
inside a Kreis), so the work grows with the Kreise, not with the country squared.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import scipy.sparse as sp

from ..linkpred import neighbour_weights, pair_scores
from ..model import Dataset
from ..survey import survey_reasons
from ..validate import RawRecord
from .base import ACCEPT_SOURCE, Suggestion, SuggestionContext
from .base import contacts as _contacts
from .base import kreis_label as _kreis_label
from .base import names as _names
from .base import quoted as _quoted
from .base import topic_names as _topic_names
from .network import Network, build_network

__all__ = ["WEIGHTS", "find", "introduction_blocks", "introduction_candidates", "introduction_eligible",
           "introduction_scores", "introduction_suggestions", "to_records"]

NAME = "introduction"
WEIGHTS = {
    "introduction_topic": 0.2,  # per shared topic
}

def _kreis_blocks(net: Network) -> list[np.ndarray]:
    """Node indices of each Kreis that may be introduced at all (no alliance, no minor, known Kreis)."""
    ok = np.flatnonzero((net.kind != Network.ALLIANCE) & ~net.youth & (net.kreis >= 0))
    ok = ok[np.argsort(net.kreis[ok], kind="stable")]
    return [block for block in np.split(ok, np.flatnonzero(np.diff(net.kreis[ok])) + 1) if len(block) > 1]


#: Kreise are scored together up to this many nodes per sparse product (fewer calls, bounded memory).
BATCH_NODES = 4000


def _batches(net: Network) -> list[np.ndarray]:
    """Consecutive Kreis blocks joined up to :data:`BATCH_NODES` nodes, each sorted ascending."""
    out, current, size = [], [], 0
    for block in _kreis_blocks(net):
        if current and size + len(block) > BATCH_NODES:
            out.append(np.sort(np.concatenate(current)))
            current, size = [], 0
        current.append(block)
        size += len(block)
    if current:
        out.append(np.sort(np.concatenate(current)))
    return out


def introduction_blocks(net: Network, index: str = "adamic_adar"):
    """Yield ``(rows, cols, network_score)`` of the eligible pairs, a few Kreise at a time.

    Introductions stay inside a Kreis, so instead of ``A @ W @ A`` over the
    whole country (whose hubs, the alliances, make it dense) each batch of
    Kreise gets ``A[B] @ W @ A[B]ᵀ``: the same Adamic–Adar values for its own
    pairs (pairs across Kreise are dropped), with memory bounded by the batch
    rather than by the country. Persons and institutions of a batch are multiplied
    apart (introductions pair two of a kind). Each block's indices ascend and only
    the upper triangle is kept, so ``rows < cols``.
    """
    adjacency = net.graph.adjacency.tocsr()
    weighted = (adjacency @ sp.diags_array(neighbour_weights(net.degrees, index))).tocsr()
    for batch in _batches(net):
        # persons and institutions apart: only two of a kind are introduced, so no product of both
        kinds = net.kind[batch]
        for block in (batch[kinds == Network.ACTOR], batch[kinds == Network.INSTITUTION]):
            if len(block) < 2:
                continue
            local = (weighted[block] @ adjacency[block].T).tocoo()
            upper = (local.row < local.col) & (local.data > 0)
            rows, cols, data = block[local.row[upper]], block[local.col[upper]], local.data[upper]
            ok = introduction_eligible(net, rows, cols)
            yield rows[ok], cols[ok], data[ok]


def introduction_candidates(net: Network) -> tuple[np.ndarray, np.ndarray]:
    """All pairs at distance two that may be introduced (rows < cols), sorted by (rows, cols).

    Same kind (two persons or two institutions), same Kreis, no tie, not
    colleagues at one institution, no refugee young person.
    """
    found = list(introduction_blocks(net))
    if not found:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    rows = np.concatenate([r for r, _, _ in found])
    cols = np.concatenate([c for _, c, _ in found])
    order = np.lexsort((cols, rows))
    return rows[order], cols[order]


def introduction_eligible(net: Network, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    """Whether each pair may be proposed for an introduction (see :func:`introduction_candidates`)."""
    kind_r, kind_c = net.kind[rows], net.kind[cols]
    ok = ((kind_r == kind_c) & (kind_r != Network.ALLIANCE) & (rows != cols)
          & (net.kreis[rows] >= 0) & (net.kreis[rows] == net.kreis[cols])
          & ~net.youth[rows] & ~net.youth[cols]
          & ~((kind_r == Network.ACTOR) & (net.unit[rows] == net.unit[cols])))
    at = np.flatnonzero(ok)  # the adjacency is looked up only for the pairs still in question
    if len(at):
        ok[at] = np.asarray(net.graph.adjacency[rows[at], cols[at]]).ravel() == 0
    return ok


def introduction_scores(net: Network, rows: np.ndarray, cols: np.ndarray, index: str = "adamic_adar") -> np.ndarray:
    """Adamic–Adar over ties and co-membership plus a bonus per shared topic."""
    if len(rows) == 0:
        return np.zeros(0)
    weights = neighbour_weights(net.degrees, index)
    score = pair_scores(net.graph.adjacency, weights, rows, cols)
    topics = (net.node_topics > 0).astype(float)
    shared = np.asarray(topics[rows].multiply(topics[cols]).sum(axis=1)).ravel()
    return score + WEIGHTS["introduction_topic"] * shared


def _introduction_reasons(net: Network, a: str, b: str, reveal: bool) -> list[str]:
    ds = net.ds
    common = net.neighbours(a) & net.neighbours(b)
    contacts = sorted(x for x in common if x not in ds.alliances)
    together = sorted(x for x in common if x in ds.alliances)
    reasons = [f"beide im Kreis {_kreis_label(ds, net.kreis_of_node(a))}, bisher keine Verbindung"]
    if contacts:
        reasons.append(f"{_contacts(len(contacts))}: {_names(ds, contacts, reveal)}")
        # Ties to the shared contacts that members reported in a survey, with their strength.
        reasons += survey_reasons(ds, [(x, c) for x in (a, b) for c in contacts], reveal=reveal)
    if len(together) == 1:
        reasons.append(f"beide im Bündnis {_quoted(ds, together[0])}")
    elif together:
        reasons.append("beide in den Bündnissen " + ", ".join(_quoted(ds, x) for x in together))
    topics = set(net.topics_of_member(a)) & set(net.topics_of_member(b))
    if topics:
        reasons.append(f"gemeinsame Themen: {_topic_names(ds, topics)}")
    return reasons


def _best(scores: np.ndarray, rows: np.ndarray, cols: np.ndarray, wanted: int) -> np.ndarray:
    """Positions of the first `wanted` by (score descending, rows, cols), as a full sort would give them.

    Only the pairs scoring at least the `wanted`-th best score (ties included) are sorted.
    """
    if len(scores) > wanted:
        cutoff = np.partition(scores, len(scores) - wanted)[len(scores) - wanted]
        at = np.flatnonzero(scores >= cutoff)
        return at[np.lexsort((cols[at], rows[at], -scores[at]))][:wanted]
    return np.lexsort((cols, rows, -scores))[:wanted]


def introduction_suggestions(ds: Dataset, as_of: date, *, alliance: str | None = None, actor: str | None = None,
                             top: int = 10, dismissed=frozenset(), reveal: bool = False,
                             network: Network | None = None) -> list[Suggestion]:
    """Two persons (or two institutions) in one Kreis who should meet, best first.

    Parameters
    ----------
    alliance : str, optional
        Only introductions involving a current member of this alliance.
    actor : str, optional
        Only introductions of this person or institution.

    Returns
    -------
    list of Suggestion
        ``source`` and ``target`` in id order (an introduction has no direction).
    """
    net = network or build_network(ds, as_of)
    restrict = None
    if actor is not None:
        restrict = np.array([net.index.get(actor, -1)], dtype=np.int64)
    if alliance is not None:
        members = np.array([net.index[m] for m in net.members.get(alliance, ())], dtype=np.int64)
        restrict = members if restrict is None else np.intersect1d(restrict, members)
    # Keep the best `wanted` of each Kreis by the final order; the overall best are among them.
    wanted = top + len(dismissed)
    best_rows, best_cols, best_scores = [], [], []
    for rows, cols, network_score in introduction_blocks(net):
        if restrict is not None:
            keep = np.isin(rows, restrict) | np.isin(cols, restrict)
            rows, cols, network_score = rows[keep], cols[keep], network_score[keep]
        if len(rows) == 0:
            continue
        scores = network_score + WEIGHTS["introduction_topic"] * net.shared_member_topics(rows, cols)
        order = _best(scores, rows, cols, wanted)
        best_rows.append(rows[order])
        best_cols.append(cols[order])
        best_scores.append(scores[order])
    if not best_rows:
        return []
    rows, cols, scores = np.concatenate(best_rows), np.concatenate(best_cols), np.concatenate(best_scores)
    nodes = net.graph.nodes
    order = np.lexsort((cols, rows, -scores))
    out = []
    for i in order.tolist():
        a, b = sorted((nodes[rows[i]], nodes[cols[i]]))
        if ("introduction", a, b) in dismissed or ("introduction", b, a) in dismissed:
            continue
        reasons = _introduction_reasons(net, a, b, reveal)
        out.append(Suggestion("introduction", a, b, round(float(scores[i]), 3), reasons))
        if len(out) >= top:
            break
    return out


def find(ctx: SuggestionContext, *, alliance: str | None = None, actor: str | None = None, top: int = 10,
         dismissed=frozenset(), reveal: bool = False) -> list[Suggestion]:
    """The registry's entry point: :func:`introduction_suggestions` on the shared network."""
    return introduction_suggestions(ctx.ds, ctx.as_of, alliance=alliance, actor=actor, top=top,
                                    dismissed=dismissed, reveal=reveal, network=ctx.network)


def to_records(s: Suggestion, as_of: date, ds: Dataset | None = None) -> list[RawRecord]:
    """Accepting writes a tie from `as_of`."""
    return [RawRecord("ties", ACCEPT_SOURCE, f"{s.kind}:{s.source}->{s.target}",
                      {"source": s.source, "target": s.target, "since": as_of.isoformat()})]
