"""Replay: apply successful events, in event-time order, to a state.

Pure and deterministic: the same state and events give the same result, whatever order
the events arrived in. Replay never raises on odd input; what cannot apply becomes an
anomaly of the state. Events of an account at or before that account's baseline time
are already part of the baseline and are skipped.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from auditor.events import Event
from auditor.iam.gc_pause import paused_gc
from auditor.iam.handlers import HANDLERS, SEES_FAILURES, Handler
from auditor.iam.model import Anomaly
from auditor.iam.state import IamState, Journal


def event_order(event: Event) -> tuple[datetime, str]:
    """The replay order: event time, then eventID."""
    return (event.time, event.event_id)


def is_replayed(event: Event) -> bool:
    """Whether replay has a handler for this event."""
    return (event.source, event.name) in HANDLERS


def _by_name() -> dict[str, tuple[str, Handler, bool]]:
    return {
        name: (source, handler, (source, name) in SEES_FAILURES)
        for (source, name), handler in HANDLERS.items()
    }


def apply_events(
    state: IamState,
    events: Iterable[Event],
    until: datetime | None = None,
    journal: Journal | None = None,
) -> IamState:
    """Apply events already in event-time order to ``state`` (changed in place, returned).

    Stops at the first event after ``until``; records touched entities in ``journal``.
    The cyclic garbage collector is paused meanwhile (replay makes no cycles).
    """
    handlers = _BY_NAME
    cuts = state.baseline_at
    last_cut = max(cuts.values()) if cuts else None
    state.journal = journal
    latest = state.at
    try:
        with paused_gc():
            for event in events:
                time = event.time
                if until is not None and time > until:
                    break
                entry = handlers.get(event.name)
                if entry is None:
                    continue
                source, handler, sees_failures = entry
                if source != event.source:
                    continue
                if not sees_failures and (
                    event.error_code is not None or event.error_message is not None
                ):
                    continue
                if last_cut is not None and time <= last_cut:
                    cut = cuts.get(event.account_id)
                    if cut is not None and time <= cut:
                        continue
                state.event = event
                try:
                    handler(state, event)
                except Exception as exc:  # a safety net: handlers are written not to raise
                    state.anomalies.append(
                        Anomaly(event.event_id, time, event.name, f"internal error: {exc!r}")
                    )
                if latest is None or time > latest:
                    latest = time
    finally:
        state.at = latest
        state.event = None
        state.journal = None
    return state


def replay(
    state: IamState,
    events: Iterable[Event],
    until: datetime | None = None,
    journal: Journal | None = None,
) -> IamState:
    """Sort events into replay order, then apply them to a copy of ``state``."""
    ordered = sorted(events, key=event_order)
    return apply_events(state.copy(), ordered, until, journal)


_BY_NAME = _by_name()
