"""Reference data shipped in seeds/: the Länder, all Kreise, the known Servicebüros, themes.

The Kreise come from the npm package ``landkreise-deutschland`` 3.0.0
(data/districts.csv, Destatis, CC-BY-4.0), vendored as ``seeds/districts.csv``.
"""

from __future__ import annotations

import csv
import json
from functools import lru_cache
from pathlib import Path

from .model import STATE_BY_AGS_PREFIX, STATES

SEEDS = Path(__file__).resolve().parent.parent / "seeds"

#: district types in districts.csv -> our municipality level
_LEVEL = {
    "Kreisfreie Stadt": "kreisfreie_stadt",
    "Stadtkreis": "kreisfreie_stadt",
    "Landkreis": "kreis",
    "Kreis": "kreis",
    "Regionalverband": "kreis",
}


@lru_cache(maxsize=1)
def districts() -> tuple[dict, ...]:
    """All rows of the vendored districts.csv (AGS, type, name, population, ...)."""
    with open(SEEDS / "districts.csv", encoding="utf-8", newline="") as fh:
        return tuple(csv.DictReader(fh, delimiter=";"))


def reference_document() -> dict:
    """The reference data as an exchange document; `init` imports it."""
    extra = json.loads((SEEDS / "reference.json").read_text(encoding="utf-8"))
    municipalities = [
        {"id": row["AGS"], "name": row["name"], "level": _LEVEL[row["type"]],
         "state": STATE_BY_AGS_PREFIX[row["AGS"][:2]]}
        for row in districts()
    ]
    return {
        "format": "buendnisnetz/1",
        "states": [{"id": code, "name": name} for code, (name, _) in STATES.items()],
        "municipalities": municipalities,
        "service_offices": extra["service_offices"],
        "topics": extra["topics"],
    }
