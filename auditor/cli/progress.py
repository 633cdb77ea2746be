"""Ingest progress: a rich progress bar on a terminal, periodic log lines otherwise."""

from __future__ import annotations

import time
from types import TracebackType

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TaskID, TextColumn, TimeElapsedColumn

from auditor.ingest.pipeline import FileOutcome

LOG_EVERY_SECONDS = 5.0


class IngestProgressView:
    """Shows files, records and MB/s while ingest runs."""

    def __init__(self, console: Console, enabled: bool) -> None:
        self.console = console
        self.enabled = enabled
        self.files = 0
        self.records = 0
        self.kept = 0
        self.bytes = 0
        self.started = time.monotonic()
        self.logged = self.started
        self.bar: Progress | None = None
        self.task: TaskID | None = None

    def __enter__(self) -> IngestProgressView:
        if self.enabled and self.console.is_terminal:
            self.bar = Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                console=self.console,
                transient=True,
            )
            self.bar.start()
            self.task = self.bar.add_task("reading")
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if self.bar is not None:
            self.bar.stop()

    def _line(self) -> str:
        elapsed = max(time.monotonic() - self.started, 1e-9)
        return (
            f"{self.files:,} files, {self.records:,} records seen, {self.kept:,} kept,"
            f" {self.bytes / 1e6 / elapsed:.1f} MB/s"
        )

    def file_done(self, outcome: FileOutcome) -> None:
        """Count one stored file and refresh the display."""
        self.files += 1
        self.records += outcome.records_seen
        self.kept += outcome.records_kept
        self.bytes += outcome.log_file.size
        if self.bar is not None and self.task is not None:
            self.bar.update(self.task, description=self._line())
        elif self.enabled and time.monotonic() - self.logged >= LOG_EVERY_SECONDS:
            self.logged = time.monotonic()
            self.console.print(f"ingest: {self._line()}", highlight=False, markup=False)
