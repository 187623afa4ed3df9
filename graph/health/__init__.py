"""The alliance health check (Bündnis-Check): flags, status and score for every Bündnis.

The check applies the programme's partner rule (:mod:`graph.partners`) and the
further flags to a :class:`~graph.model.Dataset` as of a date (docs/design.md,
"Bündnis-Check"). Status is ``critical`` if any critical flag, ``warn`` if any
warning, else ``ok`` (:func:`graph.rules.status_of`). Everything here is pure:
a Dataset and dates in, dataclasses out.

The package is split by concern; each module says what it owns:

- :mod:`~graph.health.base`: settings (:class:`HealthConfig`), results
  (:class:`Flag`, :class:`AllianceReport`), lookups built once per run;
- :mod:`~graph.health.flags`: the flag table :data:`FLAGS` (code, severity,
  German label, check) — a new flag is one row there;
- :mod:`~graph.health.scoring`: the score and its parts;
- :mod:`~graph.health.check`: :func:`check_alliances`, putting it together;
- :mod:`~graph.health.compare`: two dates side by side;
- :mod:`~graph.health.rollup`: counts per Kreis, Land, Servicebüro;
- :mod:`~graph.health.figures`: the network of alliances and its figures;
- :mod:`~graph.health.summary`: the check without its words (status, score, partners,
  sectors, flag codes), as the suggestions need it.
"""

from __future__ import annotations

from ..rules import (
    CRITICAL,
    INFO,
    SEVERITY_LABELS,
    STATUS_CRITICAL,
    STATUS_LABELS,
    STATUS_OK,
    STATUS_WARN,
    WARNING,
    office_of_alliance,
    state_of_alliance,
)
from .base import (
    JSON_KEYS,
    AllianceIndex,
    AllianceReport,
    Flag,
    HealthConfig,
    german_date,
    member_network,
    months_before,
    select_alliances,
)
from .check import check_alliances
from .compare import AllianceChange, compare
from .figures import (
    BETWEENNESS_SAMPLE,
    NetworkFigures,
    alliance_network,
    betweenness,
    betweenness_centralization,
    degree_centralization,
    network_figures,
)
from .flags import FLAG_LABELS, FLAG_SEVERITY, FLAGS, AllianceFacts, FlagRule
from .rollup import NO_OFFICE, ROLLUP_KEYS, rollup, select_reports
from .scoring import CRITICAL_DEDUCTION, CRITICAL_SCORE_CAP, SCORE_PARTS, score_parts
from .summary import FlagCode, HealthSummary, check_summaries, summarize

__all__ = [
    "BETWEENNESS_SAMPLE", "CRITICAL", "CRITICAL_DEDUCTION", "CRITICAL_SCORE_CAP", "FLAGS", "FLAG_LABELS",
    "FLAG_SEVERITY", "INFO", "JSON_KEYS", "NO_OFFICE", "ROLLUP_KEYS", "SCORE_PARTS", "SEVERITY_LABELS",
    "STATUS_CRITICAL", "STATUS_LABELS", "STATUS_OK", "STATUS_WARN", "WARNING", "AllianceChange", "AllianceFacts",
    "AllianceIndex", "AllianceReport", "Flag", "FlagCode", "FlagRule", "HealthConfig", "HealthSummary",
    "NetworkFigures", "alliance_network", "betweenness", "betweenness_centralization", "check_alliances",
    "check_summaries", "compare",
    "degree_centralization", "german_date", "member_network", "months_before", "network_figures",
    "office_of_alliance", "rollup", "score_parts", "select_alliances", "select_reports", "state_of_alliance",
    "summarize",
]
