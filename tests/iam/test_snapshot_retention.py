"""Snapshot retention: old snapshots thinned to one per ISO week, results unchanged."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from auditor.iam.baseline import read_authorization_details
from auditor.iam.history import import_baseline, save_snapshot, snapshots_of, state_at
from auditor.iam.serialize import state_to_json
from auditor.store.event_store import EventStore
from tests.iam.builders import START, gaad, record, store_records
from tests.iam.week import ADMIN, day, week

DAYS = 60  # START is a Monday: days 0-6 are one ISO week, 7-13 the next, ...
SUNDAY_END = START + timedelta(days=7, microseconds=-1)  # the last instant of week 0
MONDAY_START = START + timedelta(days=7)  # the first instant of week 1


def _daily_records() -> list[dict[str, object]]:
    records = []
    for n in range(7, DAYS):
        records.append(record("CreateUser", day(n, 10), {"userName": f"u{n}"}))
        if n % 3 == 0:
            records.append(
                record("AttachUserPolicy", day(n, 11), {"userName": f"u{n}", "policyArn": ADMIN})
            )
        if n % 4 == 0:
            records.append(record("DeleteUser", day(n, 12), {"userName": f"u{n - 1}"}))
    return records


@pytest.fixture
def daily(store: EventStore) -> tuple[EventStore, list[int]]:
    """A snapshot at 18:00 on each of 60 days, a second baseline on day 30 at 12:00.

    Returns the store and the two baseline sets (as stored in ``baseline_ids``).
    """
    first = import_baseline(store, read_authorization_details([gaad()], START), "test")
    second = import_baseline(
        store, read_authorization_details([gaad()], START + day(30, 12)), "test"
    )
    store_records(store, week())
    store_records(store, _daily_records())
    instants = sorted([START + day(n, 18) for n in range(DAYS)] + [SUNDAY_END, MONDAY_START])
    for at in instants:
        save_snapshot(store, state_at(store, at), at)
    return store, [first[0], second[0]]


def test_prune_keeps_the_last_14_days_and_the_last_snapshot_of_each_older_week(
    daily: tuple[EventStore, list[int]],
) -> None:
    store, (first, second) = daily
    snapshots = snapshots_of(store)
    before = snapshots.snapshots()
    assert len(before) == DAYS + 2

    with store.transaction():
        pruned = snapshots.prune(14)

    after = snapshots.snapshots()
    assert pruned == len(before) - len(after)
    # the newest is day 59 at 18:00: day 45 at 18:00 is exactly 14 days older and stays
    recent = [(START + day(n, 18), (second,)) for n in range(45, DAYS)]
    weekly = [
        (SUNDAY_END, (first,)),  # week 0: later than day 6 at 18:00
        (START + day(13, 18), (first,)),  # week 1: the Monday 00:00 snapshot goes
        (START + day(20, 18), (first,)),
        (START + day(27, 18), (first,)),
        (START + day(29, 18), (first,)),  # week 4, per baseline set: the last from the first
        (START + day(34, 18), (second,)),  # ... and the last from the second
        (START + day(41, 18), (second,)),
        (START + day(44, 18), (second,)),  # week 6: older than the 14 days
    ]
    assert [(row.at, row.baseline_ids) for row in after] == weekly + recent
    assert pruned == DAYS + 2 - len(weekly) - len(recent)
    # the same rule, computed from ISO calendar weeks
    cutoff = before[-1].at - timedelta(days=14)
    latest: dict[tuple[tuple[int, ...], int, int], datetime] = {}
    for row in before:
        if row.at < cutoff:
            year, number, _ = row.at.isocalendar()
            key = (row.baseline_ids, year, number)
            latest[key] = max(latest.get(key, row.at), row.at)
    assert {row.at for row in after} == set(latest.values()) | {
        row.at for row in before if row.at >= cutoff
    }
    # pruning again removes nothing more
    with store.transaction():
        assert snapshots.prune(14) == 0


def test_prune_zero_keeps_every_snapshot(daily: tuple[EventStore, list[int]]) -> None:
    store, _ = daily
    snapshots = snapshots_of(store)
    before = snapshots.snapshots()
    with store.transaction():
        assert snapshots.prune(0) == 0
    assert snapshots.snapshots() == before


def test_prune_of_an_empty_table_deletes_nothing(store: EventStore) -> None:
    with store.transaction():
        assert snapshots_of(store).prune(14) == 0


def test_states_at_old_instants_are_the_same_after_pruning(
    daily: tuple[EventStore, list[int]],
) -> None:
    store, _ = daily
    snapshots = snapshots_of(store)
    instants = [
        START + day(3, 12),
        SUNDAY_END,
        MONDAY_START,
        START + day(10, 13),
        START + day(29, 23),
        START + day(30, 12),  # the second baseline's instant
        START + day(31, 9),
        START + day(44, 19),
        START + day(50, 11),
    ]
    before = {at: state_to_json(state_at(store, at)) for at in instants}
    with store.transaction():
        assert snapshots.prune(14) > 0
    for at in instants:
        assert state_to_json(state_at(store, at)) == before[at], at
    # a day 10 instant now starts from week 0's snapshot and replays the days since
    start = snapshots.usable_snapshot(START + day(10, 13), [daily[1][0]], None)
    assert start is not None and start.at == SUNDAY_END
    # and the same states come from the baselines alone
    store.connection.execute("DELETE FROM iam_snapshots")
    for at in instants:
        assert state_to_json(state_at(store, at)) == before[at], at
