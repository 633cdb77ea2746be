"""The host's speed when a benchmark runs, to read its figures against.

Shared and virtual machines drift, and not always in the same way: on this project's
2-core machine a fixed pure-Python loop takes 0.10 s in some hours and 0.19-0.23 s in
others, while the latency of a read from main memory moves on its own (neighbours
contending for memory). Replaying 1 M events is bound by memory; inflating gzip and
most of a diff are bound by the processor. The benchmarks print both probes at their
start and end.
"""

from __future__ import annotations

import array
import time

_CHAIN_BITS = 23  # 8 M entries of 8 bytes: 64 MiB, twice the last-level cache
# i -> a*i + c (mod 2^k) visits every index once when a = 1 (mod 4) and c is odd (Hull-Dobell)
_MULTIPLIER = 0x2545F491
_INCREMENT = 0x9E3779B1


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


def memory_read_nanoseconds(steps: int = 1_000_000, rounds: int = 3) -> float:
    """The best of ``rounds`` of a chain of dependent reads at scattered places of 64 MiB,
    in nanoseconds per read (the interpreter's own share included)."""
    mask = (1 << _CHAIN_BITS) - 1
    # from a generator, not a list: 8 M transient integers would bloat this process, and
    # with it the processes that benchmarks fork afterwards
    chain = array.array("q", ((_MULTIPLIER * i + _INCREMENT) & mask for i in range(mask + 1)))
    best = float("inf")
    for _ in range(rounds):
        index = 0
        started = time.perf_counter()
        for _ in range(steps):
            index = chain[index]
        best = min(best, time.perf_counter() - started)
    return best / steps * 1e9


def host_line(label: str) -> str:
    """One line for a benchmark's output: both probes, lower is faster."""
    loop = python_loop_seconds()
    memory = memory_read_nanoseconds()
    return (
        f"host speed ({label}): fixed Python loop {loop:.3f} s,"
        f" scattered memory read {memory:.0f} ns (lower is faster)"
    )
