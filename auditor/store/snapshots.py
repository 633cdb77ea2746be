"""Stored IAM states: imported baselines (one row per account) and replay snapshots.

Bodies are the snapshot JSON of ``auditor.iam.serialize``, zlib-compressed; a replay
snapshot keeps its observed activity in a second body, so that a reader of the
declared state alone (a diff) does not decode it. A replay snapshot records the
baselines it was replayed from and the highest event arrival it had seen, so a reader
can tell when it is stale (a newer baseline, or late events).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import orjson
from isal import isal_zlib as zlib  # the zlib format, 2-5x faster than the standard library

from auditor.iam.serialize import state_from_bytes, state_to_bytes, state_to_parts
from auditor.iam.state import IamState
from auditor.store.event_store import to_micros
from auditor.timeutil import Clock, format_instant, system_clock

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROS_PER_DAY = 86_400_000_000


def from_micros(value: int) -> datetime:
    """The aware UTC datetime of microseconds since the epoch."""
    return _EPOCH + timedelta(microseconds=value)


@dataclass(frozen=True, slots=True)
class BaselineRow:
    """One account's imported baseline, without its body."""

    id: int
    account_id: str
    at: datetime
    covers: frozenset[str]
    source: str
    imported_at: str


@dataclass(frozen=True, slots=True)
class SnapshotRow:
    """One replay snapshot, without its body."""

    id: int
    at: datetime
    baseline_ids: tuple[int, ...]
    through_arrival: int
    created_at: str


def _pack(state: IamState) -> bytes:
    return zlib.compress(state_to_bytes(state), 1)


def _unpack(body: bytes, activity: bytes | None = None) -> IamState:
    observed = zlib.decompress(activity) if activity is not None else None
    return state_from_bytes(zlib.decompress(body), observed)


def _ids_key(ids: Iterable[int]) -> str:
    return orjson.dumps(sorted(ids)).decode()


class SnapshotStore:
    """Baselines and snapshots in the store database."""

    def __init__(self, connection: sqlite3.Connection, clock: Clock = system_clock) -> None:
        self.connection = connection
        self.clock = clock

    def add_baseline(
        self, account: str, at: datetime, covers: frozenset[str], source: str, state: IamState
    ) -> int:
        """Store one account's baseline state; return its id."""
        cursor = self.connection.execute(
            "INSERT INTO iam_baselines (account_id, at_us, covers, source, imported_at, body)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                account,
                to_micros(at),
                orjson.dumps(sorted(covers)).decode(),
                source,
                format_instant(self.clock()),
                _pack(state),
            ),
        )
        return int(cursor.fetchone()[0])

    def baselines(self) -> list[BaselineRow]:
        """Every stored baseline, oldest first."""
        rows = self.connection.execute(
            "SELECT id, account_id, at_us, covers, source, imported_at FROM iam_baselines"
            " ORDER BY at_us, id"
        )
        return [self._baseline_row(row) for row in rows]

    def latest_baselines(self, at: datetime) -> list[BaselineRow]:
        """Per account, the newest baseline at or before ``at`` (ties: last imported)."""
        rows = self.connection.execute(
            "SELECT id, account_id, at_us, covers, source, imported_at FROM iam_baselines b"
            " WHERE at_us <= ? AND id = (SELECT id FROM iam_baselines c"
            " WHERE c.account_id = b.account_id AND c.at_us <= ?"
            " ORDER BY c.at_us DESC, c.id DESC LIMIT 1) ORDER BY account_id",
            (to_micros(at), to_micros(at)),
        )
        return [self._baseline_row(row) for row in rows]

    def load_baseline(self, baseline_id: int) -> IamState:
        """The state of one stored baseline."""
        row = self.connection.execute(
            "SELECT body FROM iam_baselines WHERE id = ?", (baseline_id,)
        ).fetchone()
        if row is None:
            raise KeyError(baseline_id)
        return _unpack(row[0])

    def add_snapshot(
        self, at: datetime, baseline_ids: Iterable[int], through_arrival: int, state: IamState
    ) -> int:
        """Store a replayed state at ``at``; return its id."""
        declared, activity = state_to_parts(state)
        cursor = self.connection.execute(
            "INSERT INTO iam_snapshots (at_us, baseline_ids, through_arrival, created_at, body,"
            " activity) VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
            (
                to_micros(at),
                _ids_key(baseline_ids),
                through_arrival,
                format_instant(self.clock()),
                zlib.compress(declared, 1),
                zlib.compress(activity, 1),
            ),
        )
        return int(cursor.fetchone()[0])

    def snapshots(self) -> list[SnapshotRow]:
        """Every stored snapshot, oldest first."""
        rows = self.connection.execute(
            "SELECT id, at_us, baseline_ids, through_arrival, created_at FROM iam_snapshots"
            " ORDER BY at_us, id"
        )
        return [self._snapshot_row(row) for row in rows]

    def usable_snapshot(
        self, at: datetime, baseline_ids: Iterable[int], not_before: datetime | None
    ) -> SnapshotRow | None:
        """The newest snapshot at or before ``at`` replayed from exactly these baselines.

        A snapshot is skipped when an event at or before its instant (and after
        ``not_before``, the earliest baseline) arrived after it was taken.
        """
        rows = self.connection.execute(
            "SELECT id, at_us, baseline_ids, through_arrival, created_at FROM iam_snapshots"
            " WHERE at_us <= ? AND baseline_ids = ? ORDER BY at_us DESC, id DESC LIMIT 8",
            (to_micros(at), _ids_key(baseline_ids)),
        )
        floor = to_micros(not_before) if not_before is not None else -(2**62)
        for row in rows.fetchall():
            # "+" keeps SQLite on the arrival (rowid) range: only events newer than the
            # snapshot are scanned, not the whole history before its instant
            late = self.connection.execute(
                "SELECT 1 FROM events WHERE arrival > ? AND +event_time_us > ?"
                " AND +event_time_us <= ? LIMIT 1",
                (row[3], floor, row[1]),
            ).fetchone()
            if late is None:
                return self._snapshot_row(row)
        return None

    def prune(self, daily_days: int) -> int:
        """Thin snapshots older than ``daily_days`` days to one per ISO week; return how many went.

        Counted back from the newest snapshot's instant (not the clock), so the result
        depends on the table alone. Of the older snapshots, the latest of each ISO week
        (Monday to Sunday, UTC) is kept per set of baselines; 0 keeps everything.
        Snapshots are a cache: ``state_at`` gives the same state without them.
        """
        if daily_days <= 0:
            return 0
        cursor = self.connection.execute(
            # an ISO week is named by the Sunday that closes it ('weekday 0': that day or
            # the next Sunday); no WITH clause, so that sqlite3 reports the rowcount
            "DELETE FROM iam_snapshots WHERE id IN (SELECT id FROM (SELECT id, ROW_NUMBER()"
            " OVER (PARTITION BY baseline_ids, date(at_us / 1000000, 'unixepoch', 'weekday 0')"
            " ORDER BY at_us DESC, id DESC) AS rank FROM iam_snapshots"
            " WHERE at_us < (SELECT MAX(at_us) FROM iam_snapshots) - ?) WHERE rank > 1)",
            (daily_days * _MICROS_PER_DAY,),
        )
        return cursor.rowcount

    def load_snapshot(self, snapshot_id: int, activity: bool = True) -> IamState:
        """The state of one stored snapshot; without ``activity``, the declared state alone."""
        column = "activity" if activity else "NULL"
        row = self.connection.execute(
            f"SELECT body, {column} FROM iam_snapshots WHERE id = ?", (snapshot_id,)
        ).fetchone()
        if row is None:
            raise KeyError(snapshot_id)
        return _unpack(row[0], row[1])

    @staticmethod
    def _baseline_row(row: tuple[int, str, int, str, str, str]) -> BaselineRow:
        covers = frozenset(orjson.loads(row[3]))
        return BaselineRow(row[0], row[1], from_micros(row[2]), covers, row[4], row[5])

    @staticmethod
    def _snapshot_row(row: tuple[int, int, str, int, str]) -> SnapshotRow:
        ids = tuple(int(i) for i in orjson.loads(row[2]))
        return SnapshotRow(row[0], from_micros(row[1]), ids, row[3], row[4])
