"""Pausing the cyclic garbage collector around bulk work that creates no cycles.

Replay and snapshot (de)serialization allocate millions of small acyclic objects; the
collector's generational passes over a large heap then cost more than the work itself.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block (restored as it was).

    What the block allocated is then frozen (moved out of the collector's generations):
    the entities are acyclic, so reference counting still frees them, and the next
    collections do not walk the whole state again.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if was_enabled:
            gc.enable()
