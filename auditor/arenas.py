"""Huge pages for the interpreter's small objects, where the optional extension is built.

Replay, ``state_at`` and diffs walk millions of small objects (entities, events, their
strings and sets) spread over gigabytes. With 4 KiB pages nearly every one of those reads
also misses the TLB, which on a virtual machine costs a two-level page walk. The C
extension ``_arenas`` gives pymalloc arenas advised for transparent huge pages (2 MiB):
replaying 1,000,000 events, 17–25% more events per second on this project's machine. It
works where the kernel's ``transparent_hugepage`` setting is ``madvise`` (the usual
default) or ``always``, and changes nothing elsewhere. Freed arenas are kept for reuse,
so the process's memory does not shrink back after a peak.

The CLI installs it at start; ``TRAILAUDIT_NO_EXTENSION=1`` in the environment turns it off
(with the other optional extension).
"""

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
