"""Finding the records to parse in compact CloudTrail text, before any JSON parsing.

Two implementations with one result: the C extension ``_scan`` (one AVX2 pass, built
when a C compiler is present) and StringZilla (one SIMD pass per needle, with a
``bytes`` fallback). The first is used when it was built and the CPU has AVX2, unless
the environment sets ``TRAILAUDIT_NO_EXTENSION`` (to compare, or to rule it out).
"""

from __future__ import annotations

import os
from collections.abc import Callable

RECORD_MARK = b'{"eventVersion":'
SOURCE_KEY = b'"eventSource":"'

try:
    from auditor.ingest import _scan

    NATIVE_SCAN: bool = _scan.SIMD and not os.environ.get("TRAILAUDIT_NO_EXTENSION")
except ImportError:  # pragma: no cover - exercised only where the extension was not built
    NATIVE_SCAN = False

try:
    import stringzilla as _sz

    HAVE_STRINGZILLA = True
except ImportError:  # pragma: no cover - exercised only without stringzilla
    HAVE_STRINGZILLA = False


def finder(text: bytes) -> tuple[Callable[..., int], Callable[..., int], Callable[..., int]]:
    """find, rfind and count over ``text``: StringZilla's SIMD search when installed."""
    if HAVE_STRINGZILLA:
        view = _sz.Str(text)
        return view.find, view.rfind, view.count
    return text.find, text.rfind, text.count


def record_starts_by_search(text: bytes, sources: tuple[bytes, ...]) -> tuple[int, list[int]]:
    """The portable path of :func:`record_starts`: one substring search per needle."""
    find, rfind, count = finder(text)
    starts: set[int] = set()
    for source in sources:
        needle = SOURCE_KEY + source + b'"'
        hit = find(needle)
        while hit != -1:
            starts.add(rfind(RECORD_MARK, 0, hit))
            hit = find(needle, hit + len(needle))
    return count(RECORD_MARK), sorted(starts)


def finder_name() -> str:
    """Which implementation :func:`record_starts` uses, for benchmarks."""
    if NATIVE_SCAN:
        return "one pass in C (AVX2)"
    return f"{'StringZilla' if HAVE_STRINGZILLA else 'bytes.find'}, one pass per needle"


def record_starts(text: bytes, sources: tuple[bytes, ...]) -> tuple[int, list[int]]:
    """Count the record markers, and list where each record naming a source starts.

    A record is kept for parsing when it holds ``"eventSource":"<source>"`` anywhere;
    the start is its ``{"eventVersion":`` marker, -1 for a hit before any marker.
    """
    if NATIVE_SCAN:
        return _scan.scan(text, sources)
    return record_starts_by_search(text, sources)
