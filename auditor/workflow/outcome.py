"""Exit status of a run or a report: findings at or above ``fail_on``, input problems."""

from __future__ import annotations

from collections.abc import Sequence

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
