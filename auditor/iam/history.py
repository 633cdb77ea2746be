"""The state at any instant, from stored baselines, snapshots and events.

``state_at(store, t)`` = per account the latest baseline at or before ``t``, plus every
successful event after it up to ``t`` (inclusive) in event-time order. A stored replay
snapshot from the same baselines, not made stale by late events, is used as the
starting point when there is one.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta

from auditor.config import Settings
from auditor.events import Event
from auditor.findings import Change
from auditor.iam.baseline import Baseline, merge_states, split_by_account
from auditor.iam.diff import compute_changes
from auditor.iam.gc_pause import paused_gc
from auditor.iam.handlers import HANDLERS, OBSERVES_ONLY
from auditor.iam.replay import apply_events
from auditor.iam.state import IamState, Journal
from auditor.store import snapshots as stored  # a module: it imports auditor.iam in turn
from auditor.store.event_store import EventQuery, EventStore

REPLAYED_NAMES = tuple(sorted({name for _, name in HANDLERS}))
REPLAYED_SOURCES = tuple(sorted({source for source, _ in HANDLERS}))
# events that only record observed activity (assumptions, sign-ins), never declared state
ACTIVITY_NAMES = frozenset(name for _, name in OBSERVES_ONLY)
DECLARED_NAMES = tuple(name for name in REPLAYED_NAMES if name not in ACTIVITY_NAMES)
_TICK = timedelta(microseconds=1)


def snapshots_of(store: EventStore) -> stored.SnapshotStore:
    """The snapshot tables of the store's database."""
    return stored.SnapshotStore(store.connection, store.clock)


def replayed_events(
    store: EventStore, after: datetime | None, until: datetime, activity: bool = True
) -> Iterator[Event]:
    """Stored events replay handles, with ``after < time <= until``, in replay order.

    Without ``activity``, only the events that change declared state.
    """
    names = REPLAYED_NAMES if activity else DECLARED_NAMES
    query = EventQuery(since=after, until=until + _TICK, names=names, sources=REPLAYED_SOURCES)
    for event in store.iter_events(query):
        if after is None or event.time > after:
            yield event


def import_baseline(store: EventStore, baseline: Baseline, source: str) -> list[int]:
    """Store a baseline, one row per account; return the new row ids."""
    snapshots = snapshots_of(store)
    with store.transaction():
        return [
            snapshots.add_baseline(account, baseline.at, baseline.covers, source, part)
            for account, part in split_by_account(baseline).items()
        ]


def _starting_point(
    store: EventStore, at: datetime, activity: bool
) -> tuple[IamState, datetime | None, list[stored.BaselineRow]]:
    snapshots = snapshots_of(store)
    chosen = snapshots.latest_baselines(at)
    ids = [row.id for row in chosen]
    snapshot = snapshots.usable_snapshot(at, ids, None)
    if snapshot is not None:
        return snapshots.load_snapshot(snapshot.id, activity), snapshot.at, chosen
    state = merge_states(snapshots.load_baseline(row.id) for row in chosen)
    start = min((row.at for row in chosen), default=None)
    state.at = start
    return state, start, chosen


def state_at(
    store: EventStore, at: datetime, journal: Journal | None = None, *, activity: bool = True
) -> IamState:
    """The IAM state at ``at`` (events at exactly ``at`` included).

    Without ``activity`` the state has the declared entities only (no assumptions,
    sign-ins or anomalies), which is quicker to load; never store such a state.
    """
    through = store.max_arrival()
    with paused_gc():
        state, start, _ = _starting_point(store, at, activity)
        apply_events(state, replayed_events(store, start, at, activity), at, journal)
    state.at = at
    state.through_arrival = through
    return state


def save_snapshot(store: EventStore, state: IamState, at: datetime) -> int:
    """Store ``state`` (which must be ``state_at(store, at)``) for later ``state_at`` calls."""
    snapshots = snapshots_of(store)
    ids = [row.id for row in snapshots.latest_baselines(at)]
    through = state.through_arrival if state.through_arrival is not None else store.max_arrival()
    with store.transaction():
        return snapshots.add_snapshot(at, ids, through, state)


def diff_between(
    store: EventStore, t_from: datetime, t_to: datetime, settings: Settings | None = None
) -> list[Change]:
    """The changes from the state at ``t_from`` to the state at ``t_to``, with their events.

    When a newer baseline falls inside the window, the end state is that baseline's
    replay and what no event explains is marked ``unattributed``.
    """
    with paused_gc():
        state_a = state_at(store, t_from, activity=False)
        events = list(replayed_events(store, t_from, t_to, activity=False))
        journal = Journal()
        state_b = apply_events(state_a.copy(), events, t_to, journal)
        state_b.at = t_to
        snapshots = snapshots_of(store)
        same_base = [r.id for r in snapshots.latest_baselines(t_from)] == [
            r.id for r in snapshots.latest_baselines(t_to)
        ]
        if not same_base:
            state_b = state_at(store, t_to, activity=False)
        organization = settings.organization if settings is not None else None
        return compute_changes(
            state_a,
            state_b,
            events,
            journal=journal,
            org_accounts=frozenset(organization.accounts) if organization else frozenset(),
            known_accounts=organization.known_accounts if organization else None,
            replayed=same_base,
        )
