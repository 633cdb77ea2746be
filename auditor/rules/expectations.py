"""What a rule case expects of its findings: ``cases/<name>.expect.toml`` beside the case.

``severity`` (required for ``fail_*`` cases) is the severity of the case's most severe
finding of the rule, after the engine's adjustments; ``category`` (optional) the category
of every such finding; ``message`` (optional) a fragment that some finding's message
contains. Every ``fail_*`` case needs one, so a change that lowers a verdict fails its
cases; a ``pass_*`` case (no finding) must not have one.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from auditor.findings import CATEGORIES, Finding, Severity
from auditor.rules.problems import RuleProblem, line_of

EXPECT_SUFFIX = ".expect.toml"
KEYS = ("severity", "category", "message")


@dataclass(frozen=True, slots=True)
class Expectation:
    """The outcome a fail case asserts."""

    severity: Severity
    category: str | None = None
    message: str | None = None

    def mismatches(self, findings: Sequence[Finding]) -> list[str]:
        """How ``findings`` (at least one) differ from the expectation; empty if they don't."""
        out: list[str] = []
        worst = max((f.severity for f in findings), key=lambda s: s.rank)
        if worst != self.severity:
            out.append(f"expected severity {self.severity.value}, got {worst.value}")
        categories = sorted({f.category for f in findings})
        if self.category is not None and categories != [self.category]:
            out.append(f"expected category {self.category}, got {', '.join(categories)}")
        if self.message is not None and not any(self.message in f.message for f in findings):
            out.append(f"expected a message containing {self.message!r}")
        return out


def expectation_path(case: Path) -> Path:
    """Where the expectation of a case file lives (``fail_x.json`` -> ``fail_x.expect.toml``)."""
    return case.with_name(case.name.rsplit(".", 1)[0] + EXPECT_SUFFIX)


def read_expectation(case: Path) -> tuple[Expectation | None, list[RuleProblem]]:
    """The case's expectation (None when absent or broken) and what is wrong with it.

    A fail case without an expectation file, or a pass case with one, is a problem.
    """
    path = expectation_path(case)
    failing = case.name.startswith("fail_")
    if not path.exists():
        if failing:
            return None, [RuleProblem(str(path), None, f"missing: {case.name} needs a severity")]
        return None, []
    if not failing:
        message = "a pass_ case expects no finding: remove the expectation file"
        return None, [RuleProblem(str(path), None, message)]
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [RuleProblem(str(path), None, f"cannot read: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        return None, [RuleProblem(str(path), None, f"invalid TOML: {exc}")]
    problems = [
        RuleProblem(
            str(path), line_of(path, key), f"unknown key '{key}' (known: {', '.join(KEYS)})"
        )
        for key in data
        if key not in KEYS
    ]
    severity = data.get("severity")
    names = [s.value for s in Severity]
    if severity not in names:
        problems.append(
            RuleProblem(
                str(path),
                line_of(path, "severity"),
                f"severity {severity!r} must be one of {', '.join(names)}",
            )
        )
    category = data.get("category")
    if category is not None and category not in CATEGORIES:
        problems.append(
            RuleProblem(str(path), line_of(path, "category"), f"unknown category {category!r}")
        )
    fragment = data.get("message")
    if fragment is not None and (not isinstance(fragment, str) or not fragment):
        problems.append(
            RuleProblem(str(path), line_of(path, "message"), "message must be a non-empty string")
        )
    if problems:
        return None, problems
    return Expectation(Severity(str(severity)), category, fragment), []
