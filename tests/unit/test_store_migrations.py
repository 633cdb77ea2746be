"""Schema migrations: a store written by an older trailaudit opens, upgraded, with its data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from auditor.store.database import apply_migrations
from auditor.store.event_store import EventRow, EventStore
from auditor.store.migrations import MIGRATIONS

BASE_US = 1_700_000_000_000_000  # 2023-11-14: times inside the range a store accepts


def _row(event_id: str, time_us: int) -> EventRow:
    return EventRow(event_id, BASE_US + time_us, "iam.amazonaws.com", "CreateUser", "111122223333",
                    "us-east-1", None, None, False, b"{}")  # fmt: skip


def _store_before(path: Path, number: int) -> None:
    """A store at the schema of migration ``number``, with two events and one deleted."""
    connection = sqlite3.connect(path, isolation_level=None)
    apply_migrations(connection, tuple(m for m in MIGRATIONS if m.number <= number))
    connection.executemany(
        "INSERT INTO events (event_id, event_time_us, event_source, event_name, account_id,"
        " region, actor_arn, actor_type, failed, raw) VALUES (?,?,?,?,?,?,?,?,?,?)",
        [_row("a", 10), _row("b", 5), _row("c", 7)],
    )
    connection.execute("DELETE FROM events WHERE event_id = 'c'")  # arrival 3 is spent
    connection.close()


def test_events_keep_their_arrivals_and_arrival_numbers_are_never_reused(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _store_before(path, 30)
    store = EventStore.open(path)
    rows = store.connection.execute(
        "SELECT arrival, event_id FROM events ORDER BY arrival"
    ).fetchall()
    assert rows == [(1, "a"), (2, "b")]
    assert store.insert_events([_row("d", 1), _row("a", 10)]) == 1  # a is a repeat
    assert store.max_arrival() == 4
    store.close()


def test_events_are_unique_on_time_and_id_and_read_in_replay_order_by_index(
    tmp_path: Path,
) -> None:
    store = EventStore.open(tmp_path / "new.db")
    rows = [_row(key, at) for key, at in [("b", 5), ("a", 5), ("b", 5), ("c", 1)]]
    assert store.insert_events(rows) == 3  # the repeat delivery of b is ignored
    assert store.insert_events([_row("b", 6)]) == 1  # another event reusing b's id is kept
    plan = store.connection.execute(
        "EXPLAIN QUERY PLAN SELECT arrival, raw FROM events ORDER BY event_time_us, event_id"
    ).fetchall()
    assert "events_time_id" in plan[0][-1]
    assert not any("TEMP B-TREE" in step[-1] for step in plan)
    indexes = {
        name
        for (name,) in store.connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'events'"
        )
    }
    assert indexes == {"events_time_id"}
    store.close()
