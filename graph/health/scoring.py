"""The health score: 0–100, the sum of named parts that users see (docs/design.md, "Bündnis-Check").

Owns :data:`SCORE_PARTS` (each part's maximum; they add up to 100) and
:func:`score_parts`. An alliance below the partner minimum is capped at
:data:`CRITICAL_SCORE_CAP` through an explicit negative part, so the parts
always add up to the score.
"""

from __future__ import annotations

from .base import HealthConfig

__all__ = ["CRITICAL_DEDUCTION", "CRITICAL_SCORE_CAP", "SCORE_PARTS", "score_parts"]

#: score part (shown to users) -> maximum points; the maxima add up to 100
SCORE_PARTS = {
    "Partner": 30,
    "Stabilität": 10,
    "Sektorenvielfalt": 15,
    "Stimme junger Geflüchteter": 10,
    "Verwaltung": 10,
    "Vernetzung": 10,
    "Keine Schlüsselperson": 5,
    "Aktivität": 10,
}
#: the highest score an alliance below the minimum can have
CRITICAL_SCORE_CAP = 49
CRITICAL_DEDUCTION = "Abzug: unter der Mindestzahl"


def score_parts(partners: int, sectors: int, density: float, codes: set[str], config: HealthConfig) -> dict[str, int]:
    """The score's parts for an alliance with these partners, sectors, network density and flags.

    >>> parts = score_parts(3, 3, 0.5, {"DORMANT"}, HealthConfig())
    >>> parts["Aktivität"], parts["Vernetzung"], sum(parts.values())
    (0, 5, 85)
    """
    minimum = config.min_partners
    parts = {
        "Partner": round(SCORE_PARTS["Partner"] * min(partners, minimum) / minimum),
        "Stabilität": SCORE_PARTS["Stabilität"] if partners >= minimum and "AT_RISK" not in codes else 0,
        "Sektorenvielfalt": round(SCORE_PARTS["Sektorenvielfalt"] * min(max(sectors - 1, 0), 2) / 2),
        "Stimme junger Geflüchteter": 0 if "NO_YOUTH_VOICE" in codes else SCORE_PARTS["Stimme junger Geflüchteter"],
        "Verwaltung": 0 if "NO_ADMINISTRATION" in codes else SCORE_PARTS["Verwaltung"],
        "Vernetzung": round(SCORE_PARTS["Vernetzung"] * density),
        "Keine Schlüsselperson": 0 if "KEY_PERSON" in codes else SCORE_PARTS["Keine Schlüsselperson"],
        "Aktivität": 0 if "DORMANT" in codes else SCORE_PARTS["Aktivität"],
    }
    total = sum(parts.values())
    if "BELOW_MIN_PARTNERS" in codes and total > CRITICAL_SCORE_CAP:
        parts[CRITICAL_DEDUCTION] = CRITICAL_SCORE_CAP - total
    return parts
