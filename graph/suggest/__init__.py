"""Explained suggestions for new connections (docs/design.md, "Suggestions"): the front door.

Three kinds, each a :class:`Suggestion` whose German ``reasons`` a coordinator
can check by hand; every reason is written next to the score part it explains.

``membership`` (person or institution → alliance)
    network proximity by local paths with resource-allocation weights [3]_ [4]_ [5]_,
    plus the gaps it fills and shared topics; alliances below the minimum first.
``introduction`` (two persons or two institutions in the same Kreis without a tie)
    Adamic–Adar [2]_ over ties and co-membership, plus shared topics.
``hospitation`` (struggling alliance → healthy host on the same topics) [6]_
    critical visitors first, hosts without the visitor's problems.

Nothing that exists is suggested (an existing tie, a current membership), and
nothing in ``dismissed``. Each kind's rules are in its own module.

References
----------
.. [1] D. Liben-Nowell, J. Kleinberg, "The link-prediction problem for social
       networks", J. Am. Soc. Inf. Sci. Technol. 58(7), 1019–1031 (2007).
.. [2] L. A. Adamic, E. Adar, "Friends and neighbors on the Web", Social
       Networks 25(3), 211–230 (2003).
.. [3] T. Zhou, L. Lü, Y.-C. Zhang, "Predicting missing links via local
       information", Eur. Phys. J. B 71, 623–630 (2009).
.. [4] L. Lü, C.-H. Jin, T. Zhou, "Similarity index based on local paths for
       link prediction of complex networks", Phys. Rev. E 80, 046122 (2009).
.. [5] T. Zhou, J. Ren, M. Medo, Y.-C. Zhang, "Bipartite network projection
       and personal recommendation", Phys. Rev. E 76, 046115 (2007).
.. [6] K. G. Provan, P. Kenis, "Modes of network governance: structure,
       management, and effectiveness", J. Public Adm. Res. Theory 18(2),

Modules: :mod:`~graph.suggest.base` (the record and the shared run context),
:mod:`~graph.suggest.network` (the scored graph), one module per kind
(:mod:`~graph.suggest.membership`, :mod:`~graph.suggest.introduction`,
:mod:`~graph.suggest.hospitation`) and :mod:`~graph.suggest.registry` (the kinds).
"""

from __future__ import annotations

from datetime import date

from ..collector import collector_paused
from ..errors import InputError, NotFound, Problem
from ..model import Dataset
from ..validate import RawRecord
from .base import ACCEPT_SOURCE, MIN_PARTNERS, Suggestion, SuggestionContext
from .registry import KINDS, REGISTRY, Kind, get_kind

__all__ = [
    "ACCEPT_SOURCE", "KINDS", "MIN_PARTNERS", "REGISTRY", "WEIGHTS", "AllianceState", "Kind", "Network",
    "Suggestion", "SuggestionContext", "alliance_states", "build_network", "get_kind", "hospitation_suggestions",
    "introduction_blocks", "introduction_candidates", "introduction_eligible", "introduction_scores",
    "introduction_suggestions", "membership_candidates", "membership_eligible", "membership_scores",
    "membership_suggestions", "suggest", "suggestion_to_records",
]

#: Names re-exported from the modules that need numpy/scipy, imported on first access
#: (PEP 562), so that importing the package for its registry stays cheap.
_LAZY = {
    "Network": "network", "build_network": "network",
    "AllianceState": "membership", "alliance_states": "membership", "membership_candidates": "membership",
    "membership_eligible": "membership", "membership_scores": "membership", "membership_suggestions": "membership",
    "introduction_blocks": "introduction", "introduction_candidates": "introduction",
    "introduction_eligible": "introduction", "introduction_scores": "introduction",
    "introduction_suggestions": "introduction", "hospitation_suggestions": "hospitation",
}


def __getattr__(name: str):
    if name == "WEIGHTS":  # all kinds' score weights, for reading (each kind module owns its own)
        from importlib import import_module

        return {k: v for kind in REGISTRY.values() for k, v in import_module(kind.module).WEIGHTS.items()}
    if name in _LAZY:
        from importlib import import_module

        return getattr(import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def suggest(ds: Dataset, as_of: date, *, alliance: str | None = None, actor: str | None = None,
            kind: str | None = None, top: int = 10, dismissed=frozenset(), reveal: bool = False,
            min_partners: int = MIN_PARTNERS, reports=None) -> list[Suggestion]:
    """Explained suggestions of one kind or all kinds (``top`` per kind), best first.

    Parameters
    ----------
    ds : Dataset
        The graph snapshot; no store is opened.
    as_of : datetime.date
        Memberships and ties are taken as current on this day.
    alliance : str, optional
        Restrict to this alliance (membership target, a member in an
        introduction, visitor or host of a hospitation).
    actor : str, optional
        Restrict to this person or institution (membership candidate, one end
        of an introduction, a member of a hospitation alliance).
    kind : str, optional
        One of :data:`KINDS` (``membership``, ``introduction``, ``hospitation``).
        Default: all, in this order.
    top : int
        Suggestions per kind.
    dismissed : set of (kind, source, target)
        Never returned.
    reveal : bool
        Names of refugee young people in reasons instead of their pseudonym.
    min_partners : int
        The programme's minimum of partners.
    reports : list of AllianceReport, optional
        :func:`graph.health.check_alliances` of every alliance for `as_of` and
        `min_partners`, when the caller has it already (otherwise the kinds that need
        it compute :func:`graph.health.check_summaries`, the same without messages).

    Returns
    -------
    list of Suggestion

    Raises
    ------
    InputError
        An unknown kind or a ``top`` below 1; :class:`~graph.errors.NotFound`
        for an unknown alliance or actor.

    Examples
    --------
    >>> from datetime import date
    >>> from graph.model import Actor, Alliance, Dataset, Membership, Tie
    >>> ds = Dataset()
    >>> ds.add(Alliance("b1", "Bündnis Ost", "05334"))
    >>> for i, name in enumerate(["Anna", "Ben", "Cem"]):
    ...     ds.add(Actor(f"p{i}", name, municipality="05334"))
    >>> ds.add(Membership("p0", "b1")); ds.add(Tie("p0", "p1"))
    >>> [(s.source, s.target) for s in suggest(ds, date(2026, 1, 1), kind="membership")]
    [('p1', 'b1')]
    """
    kinds = _check_arguments(ds, alliance, actor, kind, top)
    ctx = SuggestionContext(ds, as_of, min_partners=min_partners, reports=reports)
    dismissed = frozenset(tuple(d) for d in dismissed)
    out: list[Suggestion] = []
    with collector_paused():  # many small acyclic objects (graph.collector)
        if actor is not None or any(each.name == "membership" for each in kinds):
            # every kind restricts an actor through the network's current memberships; the membership
            # kind needs it anyway, and the health check then takes what it knows of each member
            _ = ctx.network
        if any(each.name == "hospitation" for each in kinds):
            _ = ctx.summaries  # needed anyway; the membership kind then takes the partners from them
        for each in kinds:
            out += each.find(ctx, alliance=alliance, actor=actor, top=top, dismissed=dismissed, reveal=reveal)
        # Free the run's network and health check while the collector still sleeps: left alive, the
        # first allocation after it wakes would make it walk all of them (graph.collector).
        del ctx
    return out


def _check_arguments(ds: Dataset, alliance, actor, kind, top) -> list[Kind]:
    problems = []
    kinds = list(REGISTRY.values())
    if kind is not None:
        try:
            kinds = [get_kind(kind)]
        except InputError as exc:
            problems += exc.problems
    if not isinstance(top, int) or isinstance(top, bool) or top < 1:
        problems.append(Problem("-", "-", "top", f"muss eine ganze Zahl ab 1 sein, nicht {top!r}"))
    if problems:
        raise InputError(problems)
    if alliance is not None and alliance not in ds.alliances:
        raise NotFound([Problem("-", "-", "alliance", f"Bündnis {alliance!r} gibt es nicht")])
    if actor is not None and actor not in ds.actors and actor not in ds.institutions:
        raise NotFound([Problem("-", "-", "actor", f"Person oder Einrichtung {actor!r} gibt es nicht")])
    return kinds


def suggestion_to_records(s: Suggestion, as_of: date, ds: Dataset | None = None) -> list[RawRecord]:
    """The records that accepting a suggestion writes (through :func:`graph.api.import_records`).

    Each kind says what it writes (its ``to_records``): membership → a membership
    from ``as_of``; introduction → a tie from ``as_of``; hospitation → an offer of
    type Hospitation for the visitor. The records are validated on import like any other input.

    Examples
    --------
    >>> from datetime import date
    >>> [r.data for r in suggestion_to_records(Suggestion("membership", "p1", "b1", 1.0), date(2026, 3, 1))]
    [{'member': 'p1', 'alliance': 'b1', 'since': '2026-03-01'}]
    """
    line = f"{s.kind}:{s.source}->{s.target}"
    return get_kind(s.kind, file=ACCEPT_SOURCE, line=line).to_records(s, as_of, ds)
