"""Exit status of a run or a report: findings at or above ``fail_on``, input problems,
check errors (an incomplete run, status 3)."""

from __future__ import annotations

from collections.abc import Sequence

from auditor.engine import CheckError
from auditor.errors import ExitStatus
from auditor.findings import Finding, Severity
from auditor.store.event_store import InputProblem


def exit_reasons(
    findings: Sequence[Finding], problems: Sequence[InputProblem], fail_on: str
) -> list[tuple[ExitStatus, str]]:
    """Every reason for a non-zero exit, with its status (the caller takes the largest)."""
    reasons: list[tuple[ExitStatus, str]] = []
    if fail_on != "never":
        threshold = Severity(fail_on).rank
        loud = [f for f in findings if f.status != "suppressed" and f.severity.rank >= threshold]
        if loud:
            reasons.append((ExitStatus.FINDINGS, f"{len(loud)} finding(s) at or above {fail_on}"))
    if problems:
        reasons.append(
            (
                ExitStatus.INPUT_PROBLEMS,
                f"{len(problems)} input problem(s): some input was not read",
            )
        )
    return reasons


def exit_status(reasons: Sequence[tuple[ExitStatus, str]]) -> ExitStatus:
    """The largest status among the reasons (0 when none)."""
    return max((status for status, _ in reasons), default=ExitStatus.OK)


def _listing(items: Sequence[str], shown: int = 3) -> str:
    more = f" and {len(items) - shown} more" if len(items) > shown else ""
    return "; ".join(items[:shown]) + more


def check_error_reasons(
    errors: Sequence[CheckError],
    given_up: Sequence[tuple[str, str, str]] = (),
    attempts: int = 0,
    retried: bool = True,
) -> list[tuple[ExitStatus, str]]:
    """The incomplete-run reasons of check errors, and of events no longer retried.

    ``given_up`` holds ``(check_id, event_id, error)`` for events that failed ``attempts``
    runs in a row and are dropped from the retries.
    """
    reasons: list[tuple[ExitStatus, str]] = []
    if errors:
        where = [f"{e.check_id} on {e.event_id or 'the window'}" for e in errors]
        then = (
            "the events they could not judge are judged again by the next run"
            if retried
            else "some events were not judged"
        )
        reasons.append(
            (ExitStatus.INCOMPLETE, f"{len(errors)} check error(s): {_listing(where)}; {then}")
        )
    if given_up:
        where = [f"{check} on {event} ({error})" for check, event, error in given_up]
        reasons.append(
            (
                ExitStatus.INCOMPLETE,
                f"{len(given_up)} event(s) no longer retried after {attempts} runs with check"
                f" errors: {_listing(where)}",
            )
        )
    return reasons


def merge_reasons(
    status: ExitStatus, texts: Sequence[str], extra: Sequence[tuple[ExitStatus, str]]
) -> tuple[ExitStatus, tuple[str, ...]]:
    """An outcome's status and reason lines with ``extra`` reasons added."""
    return max(status, exit_status(extra)), (*texts, *(text for _, text in extra))
