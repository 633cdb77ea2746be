"""Bursts: runs of events where some window of ``span`` holds at least ``threshold`` of them."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import timedelta

from auditor.events import Event
from auditor.rules.base import WindowContext


def bursts(events: Sequence[Event], threshold: int, span: timedelta) -> list[list[Event]]:
    """Maximal bursts among time-ordered events; overlapping windows merge into one."""
    found: list[tuple[int, int]] = []
    start = 0
    for index, event in enumerate(events):
        while event.time - events[start].time > span:
            start += 1
        if index - start + 1 < threshold:
            continue
        if found and start <= found[-1][1] + 1:
            found[-1] = (found[-1][0], index)
        else:
            found.append((start, index))
    return [list(events[lo : hi + 1]) for lo, hi in found]


def grouped(events: Iterable[Event], key: Callable[[Event], str | None]) -> dict[str, list[Event]]:
    """Events by key (None keys dropped), each list in event-time order."""
    groups: dict[str, list[Event]] = {}
    for event in events:
        value = key(event)
        if value is not None:
            groups.setdefault(value, []).append(event)
    for members in groups.values():
        members.sort(key=lambda e: (e.time, e.event_id))
    return groups


def burst_settings(ctx: WindowContext) -> tuple[int, timedelta]:
    """``[checks] failure_burst_threshold`` and ``failure_burst_minutes``."""
    checks = ctx.run.settings.checks
    return max(1, checks.failure_burst_threshold), timedelta(minutes=checks.failure_burst_minutes)
