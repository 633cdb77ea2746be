"""Which records ingest keeps: whole event sources, plus selected control events."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.config import IngestSettings


@dataclass(frozen=True, slots=True)
class KeepRule:
    """The event sources kept whole, and (source, name) pairs kept one by one."""

    sources: frozenset[str]
    events: frozenset[tuple[str, str]]

    @classmethod
    def from_settings(cls, settings: IngestSettings) -> KeepRule:
        """Build from ``[ingest] event_sources`` and ``control_events`` (``source:Name``)."""
        pairs = set()
        for item in settings.control_events:
            source, _, name = item.partition(":")
            pairs.add((source, name))
        return cls(frozenset(settings.event_sources), frozenset(pairs))

    @property
    def needle_sources(self) -> tuple[bytes, ...]:
        """Every event source worth looking for in raw bytes, sorted, as bytes."""
        return tuple(sorted(s.encode() for s in self.sources | {s for s, _ in self.events}))

    def keeps(self, source: str, name: str) -> bool:
        """Whether a record with this eventSource and eventName is kept."""
        return source in self.sources or (source, name) in self.events


DEFAULT_KEEP_RULE = KeepRule.from_settings(IngestSettings())
