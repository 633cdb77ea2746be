"""What happened before the events under analysis: the basis of "never seen before"."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import datetime
from functools import cached_property
from typing import Any, TypeVar

from auditor.events import Event
from auditor.store.event_store import EventQuery, EventStore

T = TypeVar("T")
K = TypeVar("K")


class History:
    """Stored events older than the analyzed ones (by arrival, or by time for windows).

    Checks ask for earlier events by name and may memoize what they derive from them
    (a set of caller-role pairs, the countries of each principal) for the whole run.
    """

    def __init__(
        self,
        store: EventStore | None,
        up_to_arrival: int | None = None,
        before_time: datetime | None = None,
    ) -> None:
        self._store = store
        self._up_to_arrival = up_to_arrival
        self._before_time = before_time
        self._events: dict[tuple[str, ...], list[Event]] = {}
        self._memo: dict[str, Any] = {}

    @classmethod
    def empty(cls) -> History:
        """A history with nothing in it (a first run, or tests)."""
        return cls(None)

    @cached_property
    def is_empty(self) -> bool:
        """Whether no earlier event exists at all (asked once per run)."""
        if self._store is None:
            return True
        first = replace(self._query(()), limit=1)
        return next(self._store.iter_events(first), None) is None

    def _query(self, names: tuple[str, ...]) -> EventQuery:
        return EventQuery(
            names=names,
            up_to_arrival=self._up_to_arrival,
            until=self._before_time,
        )

    def events(self, *names: str) -> list[Event]:
        """Earlier events with these names, in event-time order."""
        key = tuple(sorted(names))
        if key not in self._events:
            if self._store is None:
                self._events[key] = []
            else:
                self._events[key] = list(self._store.iter_events(self._query(key)))
        return self._events[key]

    def first_seen(
        self,
        memo_key: str,
        names: tuple[str, ...],
        key: Callable[[Event], K | None],
        window: Iterable[Event],
    ) -> dict[K, Event]:
        """Keys the window shows that no earlier event showed, each with its first event.

        ``key`` maps an event to what is being tracked (a caller-role pair, a user), or
        None when the event does not count; earlier events are those named ``names``.
        """
        known = self.memo(
            memo_key, lambda: {k for e in self.events(*names) if (k := key(e)) is not None}
        )
        first: dict[K, Event] = {}
        for event in window:
            found = key(event)
            if found is not None and found not in known and found not in first:
                first[found] = event
        return first

    def memo(self, key: str, build: Callable[[], T]) -> T:
        """Compute once per run what a check derives from history."""
        if key not in self._memo:
            self._memo[key] = build()
        value: T = self._memo[key]
        return value
