"""The run lock's heartbeat: a thread that refreshes ``heartbeat_at`` while a run holds it.

It writes through its own SQLite connection. A lock whose heartbeat stopped (the run
was killed, its host or container is gone) is stale and may be taken over.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime
from types import TracebackType

from auditor.timeutil import format_instant

HEARTBEAT_SECONDS = 30.0
BUSY_SECONDS = 2.0
# held around every SQLite call of the thread and across fork(): ingest forks workers
# that open SQLite, and a child must not inherit a mutex taken mid-call by this thread
_FORK_GUARD = threading.Lock()
os.register_at_fork(
    before=_FORK_GUARD.acquire,
    after_in_parent=_FORK_GUARD.release,
    after_in_child=_FORK_GUARD.release,
)


class LockHeartbeat:
    """Refresh the lock row holding ``token`` every ``interval`` seconds until stopped."""

    def __init__(
        self,
        database: str,
        token: str,
        clock: Callable[[], datetime],
        interval: float = HEARTBEAT_SECONDS,
    ) -> None:
        self.database = database
        self.token = token
        self.clock = clock
        self.interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._beat, name="run-lock-heartbeat", daemon=True)

    def __enter__(self) -> LockHeartbeat:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join()

    def _beat(self) -> None:
        with _FORK_GUARD:
            connection = sqlite3.connect(self.database, timeout=BUSY_SECONDS)
        try:
            while not self._stop.wait(self.interval):
                with _FORK_GUARD:
                    try:
                        with connection:
                            connection.execute(
                                "UPDATE run_lock SET heartbeat_at = ? WHERE token = ?",
                                (format_instant(self.clock()), self.token),
                            )
                    except sqlite3.Error:
                        pass  # busy or failing: the next beat tries again
        finally:
            with _FORK_GUARD:
                connection.close()
