"""Bündnisnetz: the local alliances of „Willkommen bei Freunden“ as a graph.

The library: a domain model (:mod:`graph.model`), stores (:mod:`graph.store`),
formats (:mod:`graph.io`), pure analysis (:mod:`graph.partners`,
:mod:`graph.health`, :mod:`graph.suggest`) and a thin CLI (:mod:`graph.cli`).
"""

__version__ = "0.1.0"
