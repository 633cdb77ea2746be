"""Report files staged for publication, so that a crash mid-publication can be finished.

A run records the temporary names of its reports (state ``staging``) before writing
them, flips them to ``staged`` in the transaction that records its success, moves them
into place, then drops the rows. Rows left behind tell the next run what to finish
(``staged``: the run was recorded) or discard (``staging``: it was not).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class PendingFile:
    """A report file of an unfinished publication."""

    temporary: str
    final: str
    run_id: int
    recorded: bool


def add_staging(db: sqlite3.Connection, run_id: int, files: Sequence[tuple[str, str]]) -> None:
    """Record ``(temporary, final)`` names about to be written (call inside a transaction)."""
    db.executemany(
        "INSERT INTO publications (temporary, final, run_id, state) VALUES (?, ?, ?, 'staging')",
        [(temporary, final, run_id) for temporary, final in files],
    )


def mark_staged(db: sqlite3.Connection, run_id: int) -> None:
    """The run's files are written and its success recorded (inside that transaction)."""
    db.execute("UPDATE publications SET state = 'staged' WHERE run_id = ?", (run_id,))


def forget(db: sqlite3.Connection, temporaries: Sequence[str]) -> None:
    """Drop the rows of files published or discarded."""
    db.executemany("DELETE FROM publications WHERE temporary = ?", [(t,) for t in temporaries])


def pending(db: sqlite3.Connection) -> list[PendingFile]:
    """Every file of an unfinished publication, oldest run first."""
    rows = db.execute(
        "SELECT temporary, final, run_id, state FROM publications ORDER BY run_id, final"
    )
    return [PendingFile(t, f, int(run), state == "staged") for t, f, run, state in rows]
