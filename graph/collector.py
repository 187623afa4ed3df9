"""Pausing Python's cyclic garbage collector while an import or an analysis builds many small objects.

The health check and the suggestions create hundreds of thousands of small
lists, sets and tuples that hold no reference cycles; every few hundred of them
the collector would walk all live objects (the whole snapshot), which on a
large dataset costs more than the analysis itself. Reference counting still
frees everything; the collector runs again as usual afterwards.

Free what the block built and no longer needs *inside* the block (``del``): the
collector counts allocations while it sleeps, and the first allocation after it
wakes makes it walk every young object still alive, which for a whole suggestion
network or health index costs tens of milliseconds.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["collector_paused"]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Disable the cyclic collector inside the block (if it was enabled), re-enable it after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
