"""Error types and exit statuses shared by every stage."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitStatus(IntEnum):
    """Process exit codes; when several apply the largest wins.

    3 means the run is incomplete: some input was not read, or some check could not
    judge some events (they are judged again by the next run). 4 means another run
    holds the store's lock; nothing was done.
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INCOMPLETE = 3
    INPUT_PROBLEMS = 3  # an alias: unread input is one way a run is incomplete
    LOCKED = 4


@dataclass(frozen=True, slots=True)
class Location:
    """Where a problem was found: a file, and optionally a line or a record index."""

    path: str
    line: int | None = None
    record_index: int | None = None

    def __str__(self) -> str:
        text = self.path
        if self.line is not None:
            text += f":{self.line}"
        if self.record_index is not None:
            text += f" record {self.record_index}"
        return text


class AuditorError(Exception):
    """Base of every error trailaudit raises on purpose."""

    exit_status = ExitStatus.USAGE

    def __init__(self, message: str, location: Location | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.location = location

    def __str__(self) -> str:
        if self.location is None:
            return self.message
        return f"{self.location}: {self.message}"


class ConfigError(AuditorError):
    """The configuration file or a command-line option is invalid."""


class StoreError(AuditorError):
    """The event store cannot be opened or is in an unexpected state."""


class RunLockedError(AuditorError):
    """Another run holds the store's run lock."""

    exit_status = ExitStatus.LOCKED


class PublishError(AuditorError):
    """The reports could not be written; the reports already in place were left as they were."""
