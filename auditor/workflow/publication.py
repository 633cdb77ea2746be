"""Crash-safe publication of a run's reports.

1. every report is rendered and its temporary name recorded (``staging``);
2. each is written to a new owner-only temporary file in the out folder and fsynced;
3. the run's success, its findings and the flip to ``staged`` commit in one transaction;
4. the files are renamed into place and their rows dropped.

A crash before 3 leaves last night's reports and the mark as they were (the next run
deletes the temporary files); a crash after 3 leaves a publication the next run
finishes before anything else. Either way each finding is reported as new once.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path

from auditor.errors import PublishError
from auditor.private_files import (
    StagedFile,
    discard_staged,
    make_private_folders,
    plan_staging,
    stage_files,
    sync_folder,
)
from auditor.store.event_store import EventStore
from auditor.store.publications import add_staging, forget, pending

KILL_AT_VARIABLE = "TRAILAUDIT_TEST_KILL_AT"


def kill_point(stage: str) -> None:
    """For crash tests only: SIGKILL this process at ``stage`` if ``TRAILAUDIT_TEST_KILL_AT``
    names it (``ingested``, ``analyzed``, ``staged:<report file name>``, ``recorded``,
    ``published``). Unset, it does nothing."""
    if os.environ.get(KILL_AT_VARIABLE) == stage:
        os.kill(os.getpid(), signal.SIGKILL)


def _cannot_write(out_dir: Path, exc: OSError) -> PublishError:
    return PublishError(
        f"cannot write the reports in {out_dir}: {exc.strerror or exc}; the reports already"
        " there were left as they were and the run was not recorded (the next run covers it)"
    )


def stage_reports(
    store: EventStore, run_id: int, out_dir: Path, files: dict[Path, bytes]
) -> list[StagedFile]:
    """Steps 1 and 2: record the temporary names, write and fsync them all.

    On a failure the temporary files and their rows are removed and ``PublishError``
    says what happened.
    """
    try:
        make_private_folders(out_dir)
    except OSError as exc:
        raise _cannot_write(out_dir, exc) from exc
    staged = plan_staging(list(files))
    with store.transaction():
        add_staging(store.connection, run_id, [(str(s.temporary), str(s.final)) for s in staged])
    try:
        stage_files(staged, list(files.values()), lambda s: kill_point(f"staged:{s.final.name}"))
    except OSError as exc:
        with store.transaction():
            forget(store.connection, [str(s.temporary) for s in staged])
        raise _cannot_write(out_dir, exc) from exc
    return staged


def finish_publications(store: EventStore, left_over: bool = True) -> list[str]:
    """Step 4 for every recorded publication; discard unrecorded ones. Returns warnings.

    Run at the end of each run for its own reports (``left_over=False``: nothing to
    announce), and at the start of each run for whatever a killed run left.
    """
    rows = pending(store.connection)
    if not rows:
        return []
    done: list[str] = []
    warnings: list[str] = []
    discarded: set[int] = set()
    completed: set[int] = set()
    for row in rows:
        temporary, final = Path(row.temporary), Path(row.final)
        if not row.recorded:
            discard_staged([StagedFile(final, temporary)])
            discarded.add(row.run_id)
        elif os.path.lexists(temporary):
            try:
                os.replace(temporary, final)
                sync_folder(final.parent)
                completed.add(row.run_id)
            except OSError as exc:
                warnings.append(f"cannot move {temporary} onto {final}: {exc.strerror or exc}")
                continue
        done.append(row.temporary)
    kill_point("published")
    with store.transaction():
        forget(store.connection, done)
    if not left_over:
        return warnings
    return (
        warnings
        + [
            f"finished publishing the reports of run {run_id} (it stopped after recording them)"
            for run_id in sorted(completed)
        ]
        + [
            f"removed the unfinished reports of run {run_id} (it stopped before recording)"
            for run_id in sorted(discarded)
        ]
    )
