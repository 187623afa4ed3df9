"""What every suggestion kind shares: the :class:`Suggestion` record, the context a
run works on (the network and the health reports, each computed once and shared by
all kinds) and the small helpers that write reasons.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from ..model import Dataset
from ..rules import MIN_PARTNERS

__all__ = ["ACCEPT_SOURCE", "MAX_NAMES", "MIN_PARTNERS", "Suggestion", "SuggestionContext"]

MAX_NAMES = 3
#: The ``file`` of records written by accepting a suggestion (audit, error messages).
ACCEPT_SOURCE = "vorschlag"


@dataclass
class Suggestion:
    """One explained suggestion; ``as_dict`` is the ``suggest --format json`` item."""

    kind: str
    source: str
    target: str
    score: float
    reasons: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"kind": self.kind, "source": self.source, "target": self.target,
                "score": self.score, "reasons": list(self.reasons)}

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.kind, self.source, self.target)


class SuggestionContext:
    """One suggestion run: the snapshot, the day, and what the kinds share, built on first use.

    ``network`` (:class:`graph.suggest.network.Network`) and ``summaries`` (the health check
    of every alliance, :class:`graph.health.HealthSummary`) are each computed at most once,
    however many kinds ask for them. The network or full ``reports`` (AllianceReport) may be
    passed in when the caller already has them (for the same `as_of` and minimum).
    """

    def __init__(self, ds: Dataset, as_of: date, *, min_partners: int = MIN_PARTNERS, network=None, reports=None):
        self.ds = ds
        self.as_of = as_of
        self.min_partners = min_partners
        if network is not None:
            self.__dict__["network"] = network
        if reports is not None:
            self.__dict__["reports"] = reports

    @cached_property
    def network(self):
        from .network import Network

        return Network(self.ds, self.as_of)

    @cached_property
    def reports(self) -> list:
        from ..health import HealthConfig, check_alliances

        return check_alliances(self.ds, self.as_of, HealthConfig(min_partners=self.min_partners))

    @cached_property
    def summaries(self) -> list:
        """The health check of every alliance as :class:`~graph.health.HealthSummary` (all the kinds read):
        from the reports when the run has them, else :func:`~graph.health.check_summaries`, which
        computes the same without writing messages."""
        from ..health import HealthConfig, check_summaries, summarize

        if self.has_reports():
            return [summarize(r) for r in self.reports]
        facts = self.network.member_facts() if self.has_network() else None  # what the network asked already
        return check_summaries(self.ds, self.as_of, HealthConfig(min_partners=self.min_partners), facts=facts)

    def has_network(self) -> bool:
        return "network" in self.__dict__

    def has_reports(self) -> bool:
        return "reports" in self.__dict__

    def has_summaries(self) -> bool:
        return "summaries" in self.__dict__


# -- helpers for reasons --------------------------------------------------------------------

def names(ds: Dataset, ids: Iterable[str], reveal: bool) -> str:
    """Up to :data:`MAX_NAMES` names in alphabetical order, then how many more."""
    found = sorted(ds.name_of(i, reveal=reveal) for i in ids)
    shown = ", ".join(found[:MAX_NAMES])
    if len(found) > MAX_NAMES:
        shown += f" und {len(found) - MAX_NAMES} weitere"
    return shown


def contacts(n: int) -> str:
    return "1 gemeinsamer Kontakt" if n == 1 else f"{n} gemeinsame Kontakte"


def quoted(ds: Dataset, node: str, reveal: bool = False) -> str:
    return f"„{ds.name_of(node, reveal=reveal)}“"


def kreis_label(ds: Dataset, kreis: str | None) -> str:
    if kreis is None:
        return "unbekannt"
    municipality = ds.municipalities.get(kreis)
    return f"{municipality.name} ({kreis})" if municipality else kreis


def topic_names(ds: Dataset, topic_ids: Iterable[str]) -> str:
    return ", ".join(sorted(ds.topics[t].name if t in ds.topics else t for t in topic_ids))
