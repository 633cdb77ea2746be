"""A rule's metadata (``<id>.toml``): reading it and checking every field at once."""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.findings import CATEGORIES, Severity
from auditor.rules.problems import RuleProblem, line_of

ID_PATTERN = re.compile(r"^[a-z][a-z0-9]*(_[a-z0-9]+){2,}$")
KINDS = ("event", "window")
SEVERITY_NAMES = tuple(s.value for s in Severity)
REQUIRED = (
    "id",
    "title",
    "category",
    "severity",
    "kind",
    "description",
    "rationale",
    "remediation",
)
OPTIONAL = ("references", "tags", "match", "finding", "noise", "parameters")


@dataclass(frozen=True)
class CheckMeta:
    """Everything a rule says about itself."""

    id: str
    title: str
    category: str
    severity: Severity
    kind: str
    description: str
    rationale: str
    remediation: str
    path: Path
    references: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    match: Mapping[str, Any] | None = None
    finding: Mapping[str, str] = field(default_factory=dict)
    noise: Mapping[str, Any] = field(default_factory=dict)
    parameters: Mapping[str, Any] = field(default_factory=dict)

    @property
    def folder(self) -> Path:
        """The rule's folder (holding the TOML, the optional module and ``cases/``)."""
        return self.path.parent


def _problem(path: Path, key: str, message: str) -> RuleProblem:
    return RuleProblem(str(path), line_of(path, key), message)


def read_meta(path: Path) -> tuple[CheckMeta | None, list[RuleProblem]]:
    """Read and validate one rule's TOML; return the metadata (if usable) and all problems."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return None, [RuleProblem(str(path), None, f"cannot read: {exc}")]
    except tomllib.TOMLDecodeError as exc:
        return None, [RuleProblem(str(path), getattr(exc, "lineno", None), f"invalid TOML: {exc}")]
    problems: list[RuleProblem] = []
    problems += [
        RuleProblem(str(path), None, f"'{key}' is required (a non-empty string)")
        for key in REQUIRED
        if not isinstance(data.get(key), str) or not data[key].strip()
    ]
    problems += [
        _problem(path, key, f"unknown key '{key}'")
        for key in data
        if key not in REQUIRED and key not in OPTIONAL
    ]
    check_id = str(data.get("id", ""))
    if check_id and not ID_PATTERN.match(check_id):
        problems.append(
            _problem(
                path, "id", f"id '{check_id}' must be snake_case <area>_<resource>_<condition>"
            )
        )
    if check_id and (check_id != path.stem or check_id != path.parent.name):
        problems.append(
            _problem(path, "id", f"id '{check_id}' must equal the folder and file name")
        )
    title = str(data.get("title", ""))
    if len(title) > 150 or title.lower().startswith("ensure"):
        problems.append(
            _problem(path, "title", "title must be <= 150 characters and not start with 'Ensure'")
        )
    if data.get("category") not in CATEGORIES:
        problems.append(
            _problem(
                path,
                "category",
                f"category {data.get('category')!r} is not in the fixed vocabulary",
            )
        )
    if data.get("severity") not in {s.value for s in Severity}:
        problems.append(
            _problem(
                path,
                "severity",
                f"severity {data.get('severity')!r} is not one of {', '.join(SEVERITY_NAMES)}",
            )
        )
    kind = data.get("kind")
    if kind not in KINDS:
        problems.append(_problem(path, "kind", f"kind {kind!r} must be 'event' or 'window'"))
    references = data.get("references", [])
    if (
        not isinstance(references, list)
        or not references
        or not all(isinstance(r, str) and r.startswith("https://") for r in references)
    ):
        problems.append(_problem(path, "references", "at least one https:// reference is required"))
    tags = data.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        problems.append(_problem(path, "tags", "tags must be a list of strings"))
    finding = data.get("finding", {})
    if not isinstance(finding, dict) or not all(isinstance(v, str) for v in finding.values()):
        problems.append(_problem(path, "[finding]", "[finding] must map names to template strings"))
    problems += [
        _problem(path, table, f"'{table}' must be a table")
        for table in ("noise", "parameters", "match")
        if table in data and not isinstance(data[table], dict)
    ]
    if problems:
        return None, problems
    meta = CheckMeta(
        id=check_id,
        title=title,
        category=str(data["category"]),
        severity=Severity(data["severity"]),
        kind=str(kind),
        description=str(data["description"]).strip(),
        rationale=str(data["rationale"]).strip(),
        remediation=str(data["remediation"]).strip(),
        path=path,
        references=tuple(references),
        tags=tuple(tags),
        match=data.get("match"),
        finding=finding,
        noise=data.get("noise", {}),
        parameters=data.get("parameters", {}),
    )
    return meta, []
