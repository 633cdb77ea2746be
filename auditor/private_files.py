"""Files that hold the organization's IAM details: owner-only, never written through a link.

New files are created with ``O_CREAT | O_EXCL | O_NOFOLLOW`` (a path that exists, even
as a planted symlink, is refused rather than followed) and set to 0600 whatever the
umask; folders this module creates are 0700. Replacing a file is a rename onto its
path, which replaces a link there instead of following it.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

PRIVATE_FILE = 0o600
PRIVATE_FOLDER = 0o700
_NEW_FILE = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC


def make_private_folders(folder: Path) -> None:
    """Create ``folder`` and its missing parents as 0700 (existing folders are left alone)."""
    missing: list[Path] = []
    current = folder
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    for path in reversed(missing):
        try:
            os.mkdir(path, PRIVATE_FOLDER)
        except FileExistsError:
            continue  # made meanwhile by someone else: theirs to keep as it is
        os.chmod(path, PRIVATE_FOLDER)  # the umask may have removed bits we want


def create_private_file(path: Path) -> int:
    """A new file opened for writing, 0600; ``FileExistsError`` if anything is at ``path``."""
    descriptor = os.open(path, _NEW_FILE, PRIVATE_FILE)
    try:
        os.fchmod(descriptor, PRIVATE_FILE)
    except BaseException:
        os.close(descriptor)
        raise
    return descriptor


def write_private_file(path: Path, data: bytes) -> None:
    """Create ``path`` (see ``create_private_file``), write ``data`` and fsync it."""
    descriptor = create_private_file(path)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view) :]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def temporary_name(final: Path) -> Path:
    """An unpredictable hidden name beside ``final`` for the file that will replace it."""
    return final.with_name(f".{final.name}.{secrets.token_hex(8)}.tmp")


def sync_folder(folder: Path) -> None:
    """Make the folder's entries (a rename, a new file) durable."""
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY | os.O_CLOEXEC)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


@dataclass(frozen=True, slots=True)
class StagedFile:
    """A file written under a temporary name, to be renamed onto ``final``."""

    final: Path
    temporary: Path


def plan_staging(finals: Sequence[Path]) -> list[StagedFile]:
    """A fresh temporary name beside each final path."""
    return [StagedFile(final, temporary_name(final)) for final in finals]


def discard_staged(staged: Sequence[StagedFile]) -> None:
    """Remove whatever temporary files exist (a failed or abandoned publication)."""
    for item in staged:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(item.temporary)


def stage_files(
    staged: Sequence[StagedFile],
    contents: Sequence[bytes],
    after_each: Callable[[StagedFile], None] | None = None,
) -> None:
    """Write every temporary file (fsynced); on any failure remove them all and re-raise."""
    try:
        for item, data in zip(staged, contents, strict=True):
            write_private_file(item.temporary, data)
            if after_each is not None:
                after_each(item)
        for folder in dict.fromkeys(item.final.parent for item in staged):
            sync_folder(folder)
    except BaseException:
        discard_staged(staged)
        raise


def publish_staged(staged: Sequence[StagedFile]) -> None:
    """Rename each temporary file onto its final path (a link there is replaced), durably."""
    for item in staged:
        os.replace(item.temporary, item.final)
    for folder in dict.fromkeys(item.final.parent for item in staged):
        sync_folder(folder)
