"""Runs: the nightly mark, the lock against overlapping runs, and what each run found.

The mark is the arrival number up to which events were analyzed by the last
*successful* run; a run that fails or is killed never records success, so the next run
covers its events again.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.errors import RunLockedError
from auditor.findings import Finding
from auditor.store.event_store import EventStore
from auditor.store.publications import mark_staged
from auditor.timeutil import format_instant, parse_instant

LOCK_STALE_AFTER = timedelta(minutes=5)  # ten missed heartbeats (see ``LockHeartbeat``)


@dataclass(frozen=True, slots=True)
class Mark:
    """Where the last successful run stopped: events and input problems analyzed."""

    arrival: int
    problem_id: int
    run_id: int | None


@dataclass(frozen=True, slots=True)
class RunRecord:
    """A finished run as stored."""

    id: int
    kind: str
    started_at: datetime
    window_since: datetime | None
    window_until: datetime | None
    counts: Mapping[str, Any]


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def wall_clock() -> datetime:
    """Real time: lock liveness is measured by it whatever clock the store dates runs with."""
    return datetime.now(UTC)


def _instant_or_none(text: str | None) -> datetime | None:
    try:
        return parse_instant(text) if text else None
    except ValueError:
        return None


@dataclass(frozen=True, slots=True)
class RetryRow:
    """An event a check could not judge, and how many runs tried."""

    event_id: str
    check_id: str
    attempts: int
    error: str


class RunStore:
    """The run tables of a store."""

    def __init__(self, store: EventStore) -> None:
        self.store = store
        self.db = store.connection
        self.token: str | None = None

    def acquire_lock(self, now: Callable[[], datetime] = wall_clock) -> str | None:
        """Take the run lock, or raise ``RunLockedError`` naming the holder.

        A lock whose heartbeat is older than ``LOCK_STALE_AFTER`` (whatever host or PID
        namespace left it), or left by a dead process on this host, is taken over: the
        returned warning says so (None when the lock was free).
        """
        host, pid, token = socket.gethostname(), os.getpid(), secrets.token_hex(16)
        moment = now()
        warning = None
        with self.store.transaction():
            row = self.db.execute(
                "SELECT host, pid, acquired_at, heartbeat_at FROM run_lock"
            ).fetchone()
            if row is not None:
                holder_host, holder_pid, since, beat = row
                last = _instant_or_none(beat) or _instant_or_none(since)
                holder = f"pid {holder_pid} on {holder_host}, since {since}"
                if holder_host == host and not _alive(holder_pid):
                    warning = f"took over the run lock of a process that ended ({holder})"
                elif last is None or moment - last > LOCK_STALE_AFTER:
                    seen = format_instant(last) if last else "never"
                    warning = (
                        f"took over a stale run lock ({holder}; last heartbeat {seen},"
                        f" more than {LOCK_STALE_AFTER.seconds // 60} minutes ago)"
                    )
                else:
                    raise RunLockedError(
                        f"another run holds the store's lock ({holder}, last heartbeat"
                        f" {format_instant(last)}); try again when it ends"
                    )
                self.db.execute("DELETE FROM run_lock")
            stamp = format_instant(moment)
            self.db.execute(
                "INSERT INTO run_lock (id, host, pid, acquired_at, heartbeat_at, token)"
                " VALUES (1, ?, ?, ?, ?, ?)",
                (host, pid, stamp, stamp, token),
            )
        self.token = token
        return warning

    def release_lock(self) -> None:
        """Give the run lock back (only if this holder still has it)."""
        if self.token is None:
            return
        with self.store.transaction():
            self.db.execute("DELETE FROM run_lock WHERE token = ?", (self.token,))
        self.token = None

    def mark(self) -> Mark:
        """The last successful run's mark (zeros before the first run)."""
        row = self.db.execute(
            "SELECT to_arrival, to_problem, id FROM runs WHERE status = 'succeeded'"
            " ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return Mark(0, 0, None) if row is None else Mark(int(row[0]), int(row[1]), int(row[2]))

    def last_success_started(self) -> datetime | None:
        """When the last successful run started (None before the first)."""
        row = self.db.execute(
            "SELECT started_at FROM runs WHERE status = 'succeeded' ORDER BY id DESC LIMIT 1"
        ).fetchone()
        return parse_instant(row[0]) if row else None

    def start(self, kind: str, mark: Mark, to_arrival: int, to_problem: int) -> int:
        """Record a run as started; return its id."""
        with self.store.transaction():
            cursor = self.db.execute(
                "INSERT INTO runs (kind, started_at, status, from_arrival, to_arrival,"
                " from_problem, to_problem) VALUES (?, ?, 'running', ?, ?, ?, ?)",
                (kind, format_instant(self.store.clock()), mark.arrival, to_arrival,
                 mark.problem_id, to_problem),
            )  # fmt: skip
            return int(cursor.lastrowid or 0)

    def first_seen(self, fingerprints: Iterable[str]) -> dict[str, int]:
        """For fingerprints already recorded: the run that first recorded each."""
        found: dict[str, int] = {}
        keys = list(fingerprints)
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            rows = self.db.execute(
                "SELECT fingerprint, first_run FROM finding_history WHERE fingerprint IN"
                f" ({','.join('?' * len(chunk))})",
                chunk,
            )
            found.update({fp: int(run) for fp, run in rows})
        return found

    def pending_retries(self) -> list[RetryRow]:
        """Events that checks of earlier runs could not judge, to judge again."""
        rows = self.db.execute(
            "SELECT event_id, check_id, attempts, error FROM check_retries"
            " ORDER BY event_id, check_id"
        )
        return [RetryRow(e, c, int(n), error) for e, c, n, error in rows]

    def succeed(
        self,
        run_id: int,
        window: tuple[datetime | None, datetime | None],
        counts: Mapping[str, Any],
        reports: list[str],
        findings: Iterable[Finding],
        retries: Sequence[RetryRow] = (),
    ) -> None:
        """Record success (which moves the mark), the findings, the events to judge again
        (replacing the earlier list) and the run's staged reports, atomically."""
        since, until = window
        with self.store.transaction():
            self.db.executemany(
                "INSERT INTO finding_history (fingerprint, check_id, first_run, last_run,"
                " first_time) VALUES (?, ?, ?, ?, ?) ON CONFLICT (fingerprint)"
                " DO UPDATE SET last_run = excluded.last_run",
                [(f.fingerprint, f.check_id, run_id, run_id, format_instant(f.time))
                 for f in findings],
            )  # fmt: skip
            self.db.execute("DELETE FROM check_retries")
            self.db.executemany(
                "INSERT INTO check_retries (event_id, check_id, attempts, last_run, error)"
                " VALUES (?, ?, ?, ?, ?)",
                [(r.event_id, r.check_id, r.attempts, run_id, r.error) for r in retries],
            )
            mark_staged(self.db, run_id)
            self.db.execute(
                "UPDATE runs SET status = 'succeeded', finished_at = ?, window_since = ?,"
                " window_until = ?, counts = ?, reports = ? WHERE id = ?",
                (
                    format_instant(self.store.clock()),
                    format_instant(since) if since else None,
                    format_instant(until) if until else None,
                    json.dumps(counts, sort_keys=True),
                    json.dumps(reports),
                    run_id,
                ),
            )

    def fail(self, run_id: int, reason: str) -> None:
        """Record that a run failed (the mark does not move)."""
        with self.store.transaction():
            self.db.execute(
                "UPDATE runs SET status = 'failed', finished_at = ?, counts = ? WHERE id = ?",
                (format_instant(self.store.clock()), json.dumps({"error": reason}), run_id),
            )

    def succeeded_runs(self) -> list[RunRecord]:
        """Every successful run, oldest first."""
        rows = self.db.execute(
            "SELECT id, kind, started_at, window_since, window_until, counts FROM runs"
            " WHERE status = 'succeeded' ORDER BY id"
        )
        return [
            RunRecord(
                int(run_id),
                kind,
                parse_instant(started),
                parse_instant(since) if since else None,
                parse_instant(until) if until else None,
                json.loads(counts),
            )
            for run_id, kind, started, since, until, counts in rows
        ]
