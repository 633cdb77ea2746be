"""The one shape every source produces: log files to read, or files skipped with a reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Protocol

from auditor.sources.layout import LayoutInfo, Window


@dataclass(frozen=True, slots=True)
class LogFile:
    """A log file to read: where it is, which reader opens it, and its identity."""

    location: str
    kind: str
    size: int
    version: str
    layout: LayoutInfo | None = None


@dataclass(frozen=True, slots=True)
class SkippedFile:
    """A file a source passed over without reading, and why."""

    location: str
    reason: str


Listing = Iterator[LogFile | SkippedFile]


class LogSource(Protocol):
    """A place log files are listed from."""

    def list_files(self, window: Window) -> Listing:
        """Every candidate file in the window, in a stable order, or a reason to skip it."""
        ...


Reader = Callable[[LogFile], bytes]
_READERS: dict[str, Reader] = {}


def register_reader(kind: str, reader: Reader) -> None:
    """Make ``read_log_file`` able to open files of this kind."""
    _READERS[kind] = reader


def read_log_file(log_file: LogFile) -> bytes:
    """The raw bytes of a log file, by its kind's reader (loaded on first use)."""
    if log_file.kind not in _READERS:
        if log_file.kind == "s3":
            import auditor.sources.s3
        elif log_file.kind == "local":
            import auditor.sources.local
        elif log_file.kind == "cloudtrail-api":
            import auditor.sources.cloudtrail_api  # noqa: F401
    try:
        reader = _READERS[log_file.kind]
    except KeyError:
        raise ValueError(f"no reader for files of kind {log_file.kind!r}") from None
    return reader(log_file)
