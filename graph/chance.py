"""Where Bündnisnetz draws random values (pseudonyms, per-export ids): the system's source.

``BUENDNISNETZ_TEST_SEED`` makes them repeatable for golden-output tests; never set it in
production: seeded per-export ids would be the same in every export.
"""

from __future__ import annotations

import os
import random

ENV_TEST_SEED = "BUENDNISNETZ_TEST_SEED"


def source() -> random.Random:
    """A fresh random source: the operating system's, or seeded from $BUENDNISNETZ_TEST_SEED."""
    seed = os.environ.get(ENV_TEST_SEED)
    return random.Random(seed) if seed else random.SystemRandom()
