"""The host's speed when a benchmark runs, to read its figures against.

Shared and virtual machines drift: on this project's 2-core machine a fixed pure-Python
loop takes 0.10 s in some hours and 0.19-0.23 s in others, and every Python-bound figure
moves with it. The benchmarks print this loop's time at their start and end.
"""

from __future__ import annotations

import time


def _loop() -> None:
    table: dict[int, int] = {}
    for number in range(2_000_000):
        table[number & 0xFFFF] = number


def python_loop_seconds(rounds: int = 3) -> float:
    """The best of ``rounds`` timings of a fixed loop of 2,000,000 dictionary stores."""
    best = float("inf")
    for _ in range(rounds):
        started = time.perf_counter()
        _loop()
        best = min(best, time.perf_counter() - started)
    return best


def host_line(label: str) -> str:
    """One line for a benchmark's output: the loop's time, lower is faster."""
    seconds = python_loop_seconds()
    return f"host speed ({label}): fixed Python loop {seconds:.3f} s (lower is faster)"
