"""How survey-reported ties look on the map: width by frequency, colour by trust, a tooltip that says so.

A tie from a survey wave (graph.survey) carries ``frequency``, ``strength`` (1–4), ``trust`` and
``value`` (1–4) and, when only one side reported it, ``reported_by``.
"""

from __future__ import annotations

from ..model import FREQUENCIES, Tie

#: trust (1–4, rounded down to the band) -> colour; red for low trust, dark green for high (colour-blind safe:
#: the bands also differ in lightness).
TRUST_COLOURS = {1: "#D55E00", 2: "#E69F00", 3: "#56B4E9", 4: "#006D2C"}


def survey_attributes(tie: Tie) -> dict:
    """Edge attributes for a tie that came from a survey (empty for other ties)."""
    if not tie.wave:
        return {}
    return {"wave": tie.wave, "frequency": tie.frequency, "strength": tie.strength, "trust": tie.trust,
            "value": tie.value, "reported_by": tie.reported_by}


def trust_colour(trust: float | None) -> str | None:
    """The colour of a survey tie by its trust score; None when there is none."""
    if trust is None:
        return None
    return TRUST_COLOURS[max(1, min(4, int(trust)))]


def _num(x: float) -> str:
    return f"{x:.2f}".rstrip("0").rstrip(".").replace(".", ",")


def survey_tooltip(data: dict, reporter: str | None) -> str:
    """The survey part of a tie's tooltip in German, e.g. ``(Befragung b-w1: monatlich, Vertrauen 2,5)``."""
    if not data.get("wave"):
        return ""
    parts = []
    if data.get("frequency"):
        parts.append(FREQUENCIES.get(data["frequency"], data["frequency"]))
    if data.get("trust") is not None:
        parts.append(f"Vertrauen {_num(data['trust'])}")
    if data.get("value") is not None:
        parts.append(f"Nutzen {_num(data['value'])}")
    if reporter:
        parts.append(f"einseitig berichtet von {reporter}")
    else:
        parts.append("beidseitig bestätigt")
    return f" (Befragung {data['wave']}: {', '.join(parts)})"
