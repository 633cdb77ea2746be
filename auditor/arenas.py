"""Huge pages for the interpreter's small objects, where the optional extension is built.

Replay, ``state_at`` and diffs read millions of small objects spread over gigabytes; on
4 KiB pages most of those reads miss the TLB as well as the cache. The C extension
``_arenas`` hands pymalloc arenas from memory advised for transparent huge pages (2 MiB),
which the kernel honours when its ``transparent_hugepage`` setting is ``madvise`` or
``always``. Freed arenas are kept for reuse: a process's memory does not shrink back after
its peak. The README's Performance section has the measurements.

The CLI installs it as it starts; ``TRAILAUDIT_NO_EXTENSION=1`` turns it off, with the
other optional extension."""

from __future__ import annotations

import os

try:
    from auditor import _arenas

    BUILT = True
except ImportError:  # pragma: no cover - exercised only where the extension was not built
    BUILT = False


def use_huge_pages() -> bool:
    """Take pymalloc's arenas from huge-page-advised memory from now on (idempotent).

    False when the extension is not built or the environment turns it off.
    """
    if not BUILT or os.environ.get("TRAILAUDIT_NO_EXTENSION"):
        return False
    return bool(_arenas.install())
