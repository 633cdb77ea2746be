"""Opening the SQLite database and bringing its schema up to date."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from pathlib import Path

from auditor.errors import StoreError
from auditor.private_files import create_private_file, make_private_folders
from auditor.store.migrations import MIGRATIONS, Migration

PAGE_SIZE = 32768  # events carry ~2 KB records: large pages halve the cost of writing them
CACHE_KIB = 65536  # keeps the event indexes in memory while ingest appends (measured -10%)


def _applied(connection: sqlite3.Connection) -> set[int]:
    connection.execute(
        "CREATE TABLE IF NOT EXISTS schema_migrations "
        "(number INTEGER PRIMARY KEY, name TEXT NOT NULL)"
    )
    return {row[0] for row in connection.execute("SELECT number FROM schema_migrations")}


def apply_migrations(
    connection: sqlite3.Connection, migrations: tuple[Migration, ...] = MIGRATIONS
) -> list[int]:
    """Apply pending migrations, each in one transaction with its record; return their numbers.

    A store that records a migration this version does not know was written by a newer
    trailaudit: it is refused (``StoreError``) before anything is changed.
    """
    done = _applied(connection)
    known = {m.number for m in migrations}
    unknown = sorted(done - known)
    if unknown:
        raise StoreError(
            f"the store was written by a newer trailaudit (schema migration {unknown[-1]};"
            f" this version knows up to {max(known, default=0)}): use that version or newer"
        )
    newly: list[int] = []
    for migration in sorted(migrations, key=lambda m: m.number):
        if migration.number in done:
            continue
        try:
            connection.execute("BEGIN IMMEDIATE")
            if migration.number in _applied(connection):
                connection.execute("ROLLBACK")
                continue
            for statement in migration.sql.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(
                "INSERT INTO schema_migrations (number, name) VALUES (?, ?)",
                (migration.number, migration.name),
            )
            connection.execute("COMMIT")
        except sqlite3.Error as exc:
            if connection.in_transaction:
                connection.execute("ROLLBACK")
            message = f"migration {migration.number} ({migration.name}) failed: {exc}"
            raise StoreError(message) from None
        newly.append(migration.number)
    return newly


def _create_private(target: Path) -> None:
    """Create the store's file 0600 (SQLite gives its -wal and -shm the same mode)."""
    make_private_folders(target.parent)
    with contextlib.suppress(FileExistsError):
        os.close(create_private_file(target))


def open_database(path: str | Path) -> sqlite3.Connection:
    """Open (creating if needed, owner-only) the store in WAL mode with its schema up to date."""
    target = Path(path)
    try:
        if str(path) != ":memory:" and not os.path.lexists(target):
            _create_private(target)
    except OSError as exc:
        raise StoreError(f"{path}: cannot create the store: {exc.strerror}") from None
    connection: sqlite3.Connection | None = None
    try:
        connection = sqlite3.connect(str(target), isolation_level=None, timeout=30.0)
        connection.execute(f"PRAGMA page_size={PAGE_SIZE}")
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        connection.execute(f"PRAGMA cache_size=-{CACHE_KIB}")
        connection.execute("PRAGMA foreign_keys=ON")
        apply_migrations(connection)
    except StoreError as exc:
        if connection is not None:
            connection.close()
        raise StoreError(f"{path}: {exc}") from None
    except sqlite3.DatabaseError as exc:
        if connection is not None:
            connection.close()
        raise StoreError(f"{path}: cannot open the store: {exc}") from None
    return connection
