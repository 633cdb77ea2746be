"""Events, the files they came from, and input problems, in SQLite.

Events are unique on ``eventID``; each new one gets the next ``arrival`` number,
which is what "new since the last run" is measured by. A file's row is written in
the same transaction as its events, so a file is either fully recorded or not at all.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import NamedTuple

import orjson

from auditor.events import Event, normalize_record
from auditor.store.database import open_database
from auditor.timeutil import Clock, format_instant, system_clock


class EventRow(NamedTuple):
    """An event ready to store: the indexed columns and the raw record bytes."""

    event_id: str
    event_time_us: int
    event_source: str
    event_name: str
    account_id: str
    region: str
    actor_arn: str | None
    actor_type: str | None
    failed: bool
    raw: bytes

    @classmethod
    def from_event(cls, event: Event) -> EventRow:
        """The row of an already normalized event (tests, benchmarks, rule cases)."""
        return cls(
            event.event_id,
            to_micros(event.time),
            event.source,
            event.name,
            event.account_id,
            event.region,
            event.actor.arn,
            event.actor.type,
            event.failed,
            orjson.dumps(event.raw),
        )


@dataclass(frozen=True, slots=True)
class StoredFile:
    """A log file that was read completely, with what it held."""

    location: str
    size: int
    version: str
    records_seen: int
    records_kept: int
    duplicates: int
    problems: int


class KnownFile(NamedTuple):
    """A file read completely before: what it was then, and its id (kept if it is read again)."""

    size: int
    version: str
    id: int


@dataclass(frozen=True, slots=True)
class InputProblem:
    """Something in the input that could not be read, and where."""

    location: str
    record_index: int | None
    reason: str
    detected_at: str = ""


@dataclass(frozen=True, slots=True)
class EventQuery:
    """A filter over stored events; ``None`` fields do not filter."""

    since: datetime | None = None
    until: datetime | None = None
    names: tuple[str, ...] = ()
    sources: tuple[str, ...] = ()
    actor_arn: str | None = None
    failed: bool | None = None
    after_arrival: int | None = None
    up_to_arrival: int | None = None
    account_id: str | None = None
    limit: int | None = None


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
MICROSECOND = timedelta(microseconds=1)


def to_micros(moment: datetime) -> int:
    """Microseconds since the epoch for an aware datetime."""
    return (moment - EPOCH) // MICROSECOND


def session_prefix(arn: str) -> str:
    """The ARN prefix of a role's sessions (``arn:aws:sts::A:assumed-role/Name``), or ``arn``."""
    head, _, resource = arn.partition(":role/")
    if not resource or not head.startswith("arn:") or ":iam::" not in head:
        return arn
    partition = head.split(":")[1]
    account = head.rsplit(":", 1)[-1]
    return f"arn:{partition}:sts::{account}:assumed-role/{resource.rsplit('/', 1)[-1]}"


class EventStore:
    """Read and write access to the event tables of one store database."""

    def __init__(self, connection: sqlite3.Connection, clock: Clock = system_clock) -> None:
        self.connection = connection
        self.clock = clock

    @classmethod
    def open(cls, path: str | Path, clock: Clock = system_clock) -> EventStore:
        """Open the store at ``path``, creating and migrating it as needed."""
        return cls(open_database(path), clock)

    def close(self) -> None:
        """Close the database connection."""
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic unit of writes: all of it lands, or none of it."""
        self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        self.connection.execute("COMMIT")

    def file_versions(self) -> dict[str, KnownFile]:
        """Size, version and id of every completely read file, by location."""
        rows = self.connection.execute("SELECT location, size, version, id FROM files")
        return {location: KnownFile(size, version, id_) for location, size, version, id_ in rows}

    def insert_events(self, rows: list[EventRow], file_id: int | None = None) -> int:
        """Insert events, ignoring repeats (same eventTime and eventID); return how many are new."""
        before = self.connection.total_changes
        self.connection.executemany(
            "INSERT OR IGNORE INTO events (event_id, event_time_us, event_source, event_name,"
            " account_id, region, actor_arn, actor_type, failed, raw, file_id)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(*row, file_id) for row in rows],
        )
        return self.connection.total_changes - before

    def differing_repeats(self, rows: list[EventRow]) -> list[int]:
        """Indexes of ``rows`` whose (eventTime, eventID) is stored with other content.

        Identical bytes are a plain repeat and are not parsed; differing bytes are compared
        as JSON, so the same record written compactly or indented is still a repeat.
        """
        differing: list[int] = []
        lookup = "SELECT raw FROM events WHERE event_time_us = ? AND event_id = ?"
        for index, row in enumerate(rows):
            stored = self.connection.execute(lookup, (row.event_time_us, row.event_id)).fetchone()
            if stored is None or stored[0] == row.raw:
                continue
            try:
                same = orjson.loads(stored[0]) == orjson.loads(row.raw)
            except orjson.JSONDecodeError:
                same = False
            if not same:
                differing.append(index)
        return differing

    def next_file_id(self) -> int:
        """The id the next recorded file will get (call inside the write transaction)."""
        row = self.connection.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM files").fetchone()
        return int(row[0])

    def record_files(self, files: list[tuple[StoredFile, int]]) -> None:
        """Write (or replace) the rows of completely read files, each under its given id."""
        now = format_instant(self.clock())
        self.connection.executemany(
            "INSERT INTO files (id, location, size, version, records_seen, records_kept,"
            " duplicates, problems, ingested_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
            " ON CONFLICT (location) DO UPDATE SET size = excluded.size,"
            " version = excluded.version, records_seen = excluded.records_seen,"
            " records_kept = excluded.records_kept, duplicates = excluded.duplicates,"
            " problems = excluded.problems, ingested_at = excluded.ingested_at",
            [
                (file_id, f.location, f.size, f.version, f.records_seen, f.records_kept,
                 f.duplicates, f.problems, now)
                for f, file_id in files
            ],
        )  # fmt: skip

    def checkpoint(self) -> None:
        """Copy committed pages from the write-ahead log into the database; never blocks writers."""
        self.connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def record_problems(self, problems: list[InputProblem]) -> None:
        """Append input problems with the time they were seen."""
        now = format_instant(self.clock())
        self.connection.executemany(
            "INSERT INTO input_problems (location, record_index, reason, detected_at)"
            " VALUES (?, ?, ?, ?)",
            [(p.location, p.record_index, p.reason, now) for p in problems],
        )

    def max_arrival(self) -> int:
        """The arrival number of the newest stored event (0 when empty)."""
        row = self.connection.execute("SELECT MAX(arrival) FROM events").fetchone()
        return int(row[0] or 0)

    def count_events(self) -> int:
        """How many events the store holds."""
        return int(self.connection.execute("SELECT COUNT(*) FROM events").fetchone()[0])

    def problems_since(self, problem_id: int = 0) -> list[InputProblem]:
        """Input problems recorded after the given problem id, oldest first."""
        rows = self.connection.execute(
            "SELECT location, record_index, reason, detected_at FROM input_problems"
            " WHERE id > ? ORDER BY id",
            (problem_id,),
        )
        return [InputProblem(*row) for row in rows]

    def max_problem_id(self) -> int:
        """The id of the newest input problem (0 when none)."""
        row = self.connection.execute("SELECT MAX(id) FROM input_problems").fetchone()
        return int(row[0] or 0)

    def _where(self, query: EventQuery) -> tuple[str, list[object]]:
        clauses: list[str] = []
        params: list[object] = []
        if query.since is not None:
            clauses.append("event_time_us >= ?")
            params.append(to_micros(query.since))
        if query.until is not None:
            clauses.append("event_time_us < ?")
            params.append(to_micros(query.until))
        if query.names:
            clauses.append(f"event_name IN ({','.join('?' * len(query.names))})")
            params.extend(query.names)
        if query.sources:
            clauses.append(f"event_source IN ({','.join('?' * len(query.sources))})")
            params.extend(query.sources)
        if query.actor_arn is not None:
            prefix = session_prefix(query.actor_arn)
            clauses.append("(actor_arn = ? OR actor_arn LIKE ? ESCAPE '\\')")
            escaped = prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            params.extend([query.actor_arn, escaped + "/%"])
        if query.failed is not None:
            clauses.append("failed = ?")
            params.append(int(query.failed))
        if query.after_arrival is not None:
            clauses.append("arrival > ?")
            params.append(query.after_arrival)
        if query.up_to_arrival is not None:
            clauses.append("arrival <= ?")
            params.append(query.up_to_arrival)
        if query.account_id is not None:
            clauses.append("account_id = ?")
            params.append(query.account_id)
        where = f" WHERE {' AND '.join(clauses)}" if clauses else ""
        return where, params

    def iter_events(self, query: EventQuery = EventQuery()) -> Iterator[Event]:
        """Stored events matching ``query``, in event-time order (eventID breaks ties)."""
        where, params = self._where(query)
        sql = f"SELECT arrival, raw FROM events{where} ORDER BY event_time_us, event_id"
        if query.limit is not None:
            sql += " LIMIT ?"
            params.append(query.limit)
        for arrival, raw in self.connection.execute(sql, params):
            event = normalize_record(orjson.loads(raw), arrival=arrival)
            if isinstance(event, Event):
                yield event
