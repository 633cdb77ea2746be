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
)
