"""A least-recently-used cache bounded by entry count and by total weight.

Policy analysis memoizes on policy text, which whoever writes the logs chooses: a cache
keyed by it must stay bounded however many distinct (or huge) keys arrive. The weight
of an entry (say, the number of actions in a cached set plus the length of its key)
approximates its memory; an entry heavier than the whole budget is returned, not kept.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class BoundedCache(Generic[K, V]):
    """At most ``max_entries`` entries of at most ``max_weight`` total weight, LRU first out."""

    def __init__(self, max_entries: int, max_weight: int, weigh: Callable[[K, V], int]) -> None:
        self.max_entries = max_entries
        self.max_weight = max_weight
        self._weigh = weigh
        self._entries: OrderedDict[K, tuple[V, int]] = OrderedDict()
        self._weight = 0

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def weight(self) -> int:
        """The total weight of the entries held."""
        return self._weight

    def get(self, key: K) -> V | None:
        """The value for ``key`` (now the most recently used), or None."""
        found = self._entries.get(key)
        if found is None:
            return None
        self._entries.move_to_end(key)
        return found[0]

    def put(self, key: K, value: V) -> V:
        """Remember ``value`` under ``key`` (evicting the least recently used); return it."""
        weight = max(self._weigh(key, value), 1)
        if weight > self.max_weight:
            return value
        old = self._entries.pop(key, None)
        if old is not None:
            self._weight -= old[1]
        self._entries[key] = (value, weight)
        self._weight += weight
        while len(self._entries) > self.max_entries or self._weight > self.max_weight:
            _, (_, dropped) = self._entries.popitem(last=False)
            self._weight -= dropped
        return value

    def clear(self) -> None:
        """Forget everything."""
        self._entries.clear()
        self._weight = 0
