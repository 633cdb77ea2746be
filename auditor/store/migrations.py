"""Numbered schema migrations, applied in order and recorded in the database.

Append new migrations at the end; never edit one that has shipped.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: its number, a name and the SQL it runs."""

    number: int
    name: str
    sql: str


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "events, files and input problems",
        """
        CREATE TABLE events (
            arrival INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL UNIQUE,
            event_time_us INTEGER NOT NULL,
            event_source TEXT NOT NULL,
            event_name TEXT NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            actor_arn TEXT,
            actor_type TEXT,
            failed INTEGER NOT NULL,
            file_id INTEGER,
            raw BLOB NOT NULL
        );
        CREATE INDEX events_time ON events (event_time_us);
        CREATE TABLE files (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            location TEXT NOT NULL UNIQUE,
            size INTEGER NOT NULL,
            version TEXT NOT NULL,
            records_seen INTEGER NOT NULL,
            records_kept INTEGER NOT NULL,
            duplicates INTEGER NOT NULL,
            problems INTEGER NOT NULL,
            ingested_at TEXT NOT NULL
        );
        CREATE TABLE input_problems (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            location TEXT NOT NULL,
            record_index INTEGER,
            reason TEXT NOT NULL,
            detected_at TEXT NOT NULL
        );
        CREATE INDEX input_problems_location ON input_problems (location);
        """,
    ),
    Migration(
        10,
        "IAM baselines and replay snapshots",
        """
        CREATE TABLE iam_baselines (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            account_id TEXT NOT NULL,
            at_us INTEGER NOT NULL,
            covers TEXT NOT NULL,
            source TEXT NOT NULL,
            imported_at TEXT NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX iam_baselines_account_at ON iam_baselines (account_id, at_us);
        CREATE TABLE iam_snapshots (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            at_us INTEGER NOT NULL,
            baseline_ids TEXT NOT NULL,
            through_arrival INTEGER NOT NULL,
            created_at TEXT NOT NULL,
            body BLOB NOT NULL
        );
        CREATE INDEX iam_snapshots_at ON iam_snapshots (at_us);
        """,
    ),
    Migration(
        20,
        "runs, finding history and the run lock",
        """
        CREATE TABLE runs (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            kind TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            status TEXT NOT NULL,
            from_arrival INTEGER NOT NULL,
            to_arrival INTEGER NOT NULL,
            from_problem INTEGER NOT NULL,
            to_problem INTEGER NOT NULL,
            window_since TEXT,
            window_until TEXT,
            counts TEXT NOT NULL DEFAULT '{}',
            reports TEXT NOT NULL DEFAULT '[]'
        );
        CREATE TABLE finding_history (
            fingerprint TEXT PRIMARY KEY,
            check_id TEXT NOT NULL,
            first_run INTEGER NOT NULL,
            last_run INTEGER NOT NULL,
            first_time TEXT NOT NULL
        );
        CREATE TABLE run_lock (
            id INTEGER PRIMARY KEY CHECK (id = 1),
            host TEXT NOT NULL,
            pid INTEGER NOT NULL,
            acquired_at TEXT NOT NULL
        );
        """,
    ),
    Migration(
        30,
        "snapshot activity stored apart from the declared state",
        "ALTER TABLE iam_snapshots ADD COLUMN activity BLOB",
    ),
    Migration(
        40,
        "events unique on (eventTime, eventID): one index, in replay order",
        # A repeat delivery carries its event's eventTime unchanged, so repeats are still
        # dropped; records that reuse an id at another instant (test fixtures' "1111")
        # are now kept as the distinct events they are. The index follows time, so inserts
        # touch a few neighbouring pages instead of pages all over an eventID index (40%
        # less write-ahead log in an ingest), and replay reads events in its order, unsorted.
        # SQLite cannot drop a column's UNIQUE: the table is rebuilt (arrivals kept).
        """
        CREATE TABLE events_rebuilt (
            arrival INTEGER PRIMARY KEY AUTOINCREMENT,
            event_id TEXT NOT NULL,
            event_time_us INTEGER NOT NULL,
            event_source TEXT NOT NULL,
            event_name TEXT NOT NULL,
            account_id TEXT NOT NULL,
            region TEXT NOT NULL,
            actor_arn TEXT,
            actor_type TEXT,
            failed INTEGER NOT NULL,
            file_id INTEGER,
            raw BLOB NOT NULL
        );
        INSERT INTO events_rebuilt (arrival, event_id, event_time_us, event_source, event_name,
            account_id, region, actor_arn, actor_type, failed, file_id, raw)
            SELECT arrival, event_id, event_time_us, event_source, event_name,
            account_id, region, actor_arn, actor_type, failed, file_id, raw FROM events;
        DELETE FROM sqlite_sequence WHERE name = 'events_rebuilt';
        INSERT INTO sqlite_sequence (name, seq)
            SELECT 'events_rebuilt', seq FROM sqlite_sequence WHERE name = 'events';
        DROP TABLE events;
        ALTER TABLE events_rebuilt RENAME TO events;
        CREATE UNIQUE INDEX events_time_id ON events (event_time_us, event_id);
        """,
    ),
    Migration(
        41,
        "events timed outside 2000..2199 become input problems",
        # Such a time is forged or corrupt, and arithmetic on it (windows, margins) can
        # overflow; ingest now refuses it, and this removes what older versions stored.
        # The bounds are auditor.timeutil.EARLIEST_EVENT and LATEST_EVENT, in microseconds.
        """
        INSERT INTO input_problems (location, record_index, reason, detected_at)
            SELECT COALESCE((SELECT location FROM files WHERE files.id = events.file_id),
                'the store'), NULL,
                'eventTime ' || CASE WHEN json_valid(CAST(raw AS TEXT))
                    THEN COALESCE(json_extract(CAST(raw AS TEXT), '$.eventTime'), '?') ELSE '?' END
                || ' is outside the supported range 2000..2199 (eventID ' || event_id
                || ', removed from the store)',
                strftime('%Y-%m-%dT%H:%M:%SZ', 'now')
            FROM events
            WHERE event_time_us < 946684800000000 OR event_time_us >= 7258118400000000
            ORDER BY arrival;
        DELETE FROM events
            WHERE event_time_us < 946684800000000 OR event_time_us >= 7258118400000000;
        """,
    ),
    Migration(
        42,
        "run lock heartbeat and holder token",
        # a lock whose heartbeat stopped is stale whichever host or PID namespace left it;
        # the token names the holder where a PID cannot (another namespace, a reused PID)
        """
        ALTER TABLE run_lock ADD COLUMN heartbeat_at TEXT;
        ALTER TABLE run_lock ADD COLUMN token TEXT
        """,
    ),
    Migration(
        43,
        "report files staged for publication",
        # a run's reports are written to temporary files first, recorded here with the
        # run's success, then moved into place; a row that outlives its run is finished
        # (run succeeded) or discarded (run did not) by the next run
        """
        CREATE TABLE publications (
            temporary TEXT PRIMARY KEY,
            final TEXT NOT NULL,
            run_id INTEGER NOT NULL,
            state TEXT NOT NULL
        )
        """,
    ),
    Migration(
        44,
        "events a check could not judge, judged again by later runs",
        """
        CREATE TABLE check_retries (
            event_id TEXT NOT NULL,
            check_id TEXT NOT NULL,
            attempts INTEGER NOT NULL,
            last_run INTEGER NOT NULL,
            error TEXT NOT NULL,
            PRIMARY KEY (event_id, check_id)
        )
        """,
    ),
)
