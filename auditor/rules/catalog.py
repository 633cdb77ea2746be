"""Finding, loading and validating rules: the built-in pack and user rule folders.

A rule is a folder ``<area>/<id>/`` holding ``<id>.toml``, optionally ``<id>.py``
(one ``EventCheck`` or ``WindowCheck`` subclass) and ``cases/``. Built-in rules load
exactly as user rules do. Loading a user rule's Python runs its code: only point
``[checks] paths`` at folders you trust.
"""

from __future__ import annotations

import importlib.util
import inspect
from collections.abc import Iterator
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from auditor.config import ChecksSettings
from auditor.errors import ConfigError
from auditor.findings import Severity
from auditor.rules.base import Check, EventCheck, WindowCheck
from auditor.rules.declarative import declarative_check
from auditor.rules.match import MatchDefinitionError
from auditor.rules.metadata import CheckMeta, read_meta
from auditor.rules.problems import RuleProblem, line_of

SKIPPED_FOLDERS = {"data", "__pycache__", "cases"}
LOWER_FOR_AUTOMATION = "lower_for_automation"


def builtin_rules_dir() -> Path:
    """The folder of the bundled rule pack (the ``checks`` package)."""
    return Path(str(resources.files("checks")))


def rule_files(root: Path) -> Iterator[Path]:
    """Every ``<id>/<id>.toml`` under ``root``, sorted, skipping data and cases folders."""
    for path in sorted(root.rglob("*.toml")):
        parts = set(path.relative_to(root).parts[:-1])
        if parts & SKIPPED_FOLDERS:
            continue
        if path.parent.name == path.stem:
            yield path


def _python_check(meta: CheckMeta, module_path: Path) -> tuple[Check | None, list[RuleProblem]]:
    name = f"trailaudit_rule_{meta.id}"
    spec = importlib.util.spec_from_file_location(name, module_path)
    if spec is None or spec.loader is None:
        return None, [RuleProblem(str(module_path), None, "cannot be imported")]
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except Exception as exc:  # a user's rule module may fail in any way
        return None, [RuleProblem(str(module_path), None, f"import failed: {exc!r}")]
    classes = [
        member
        for _, member in inspect.getmembers(module, inspect.isclass)
        if issubclass(member, EventCheck | WindowCheck)
        and member.__module__ == name
        and not inspect.isabstract(member)
    ]
    if len(classes) != 1:
        message = (
            f"must define exactly one EventCheck or WindowCheck subclass, found {len(classes)}"
        )
        return None, [RuleProblem(str(module_path), None, message)]
    check_class = classes[0]
    wanted = EventCheck if meta.kind == "event" else WindowCheck
    if not issubclass(check_class, wanted):
        message = f"kind '{meta.kind}' needs a {wanted.__name__} subclass"
        return None, [RuleProblem(str(module_path), line_of(module_path, "class "), message)]
    try:
        check = check_class()
    except Exception as exc:
        return None, [RuleProblem(str(module_path), None, f"cannot be instantiated: {exc!r}")]
    return check, []


def load_rule(path: Path) -> tuple[Check | None, list[RuleProblem]]:
    """Load one rule folder's TOML (and module); return the check or its problems."""
    meta, problems = read_meta(path)
    if meta is None:
        return None, problems
    module_path = path.with_suffix(".py")
    check: Check | None
    if module_path.exists():
        if meta.match is not None:
            problems.append(
                RuleProblem(
                    str(path), line_of(path, "[match"), "a rule has [match] or a module, not both"
                )
            )
        check, found = _python_check(meta, module_path)
        problems += found
    elif meta.match is not None:
        if meta.kind != "event":
            problems.append(
                RuleProblem(str(path), line_of(path, "kind"), "[match] rules are kind 'event'")
            )
        try:
            check = declarative_check(meta.match)
        except MatchDefinitionError as exc:
            key = exc.key.split("|")[0].rsplit(".", 1)[-1]
            return None, [*problems, RuleProblem(str(path), line_of(path, key), str(exc))]
    else:
        return None, [RuleProblem(str(path), None, f"needs a [match] table or {module_path.name}")]
    problems += noise_problems(meta)
    if check is None or problems:
        return None, problems
    check.bind(meta)
    return check, []


def case_problems(meta: CheckMeta) -> list[RuleProblem]:
    """A rule without a fail case or a pass case (reported by validate and test)."""
    cases = meta.folder / "cases"
    names = [p.name for p in cases.iterdir()] if cases.is_dir() else []
    missing = [kind for kind in ("fail_", "pass_") if not any(n.startswith(kind) for n in names)]
    return [
        RuleProblem(str(meta.folder), None, f"needs at least one cases/{kind}* case")
        for kind in missing
    ]


@dataclass
class Catalog:
    """The loaded rules, and every problem found while loading them."""

    checks: list[Check] = field(default_factory=list)
    problems: list[RuleProblem] = field(default_factory=list)
    disabled: list[str] = field(default_factory=list)
    untested: list[RuleProblem] = field(default_factory=list)

    def event_checks(self) -> list[EventCheck]:
        """The enabled one-event checks."""
        return [c for c in self.checks if isinstance(c, EventCheck)]

    def window_checks(self) -> list[WindowCheck]:
        """The enabled window checks."""
        return [c for c in self.checks if isinstance(c, WindowCheck)]

    def never_lowered(self) -> frozenset[str]:
        """Checks whose findings keep their severity when automation made the call."""
        return frozenset(c.check_id for c in self.checks if not lowers_for_automation(c.meta))


def lowers_for_automation(meta: CheckMeta) -> bool:
    """``[noise] lower_for_automation`` (default true): automation's findings drop two steps.

    A rule about something AWS itself does (quarantining a leaked key) sets it false.
    """
    return meta.noise.get(LOWER_FOR_AUTOMATION, True) is not False


def noise_problems(meta: CheckMeta) -> list[RuleProblem]:
    """Unknown ``[noise]`` keys and values of the wrong type."""
    problems = [
        RuleProblem(str(meta.path), line_of(meta.path, key), f"unknown key 'noise.{key}'")
        for key in meta.noise
        if key != LOWER_FOR_AUTOMATION
    ]
    value = meta.noise.get(LOWER_FOR_AUTOMATION, True)
    if not isinstance(value, bool):
        line = line_of(meta.path, LOWER_FOR_AUTOMATION)
        message = f"'noise.{LOWER_FOR_AUTOMATION}' must be true or false"
        problems.append(RuleProblem(str(meta.path), line, message))
    return problems


def _unknown_ids(settings: ChecksSettings, known: set[str]) -> None:
    """Refuse ids that name no rule: they would silently enable or change nothing."""
    named = [("checks.enable", i) for i in settings.enable]
    named += [("checks.disable", i) for i in settings.disable]
    named += [(f"checks.severity.{i}", i) for i in settings.severity]
    for key, check_id in named:
        if check_id not in known:
            raise ConfigError(
                f"key '{key}': no rule has the id {check_id!r} (exact ids; "
                "`trailaudit checks list` lists them, `checks validate` shows broken rules)"
            )


def load_catalog(settings: ChecksSettings, include_builtin: bool = True) -> Catalog:
    """Load the built-in pack and ``[checks] paths``; apply enable, disable and severity.

    An id in ``enable``, ``disable`` or ``severity`` that names no loaded rule, or a
    configuration that leaves no rule enabled, is a ``ConfigError`` (checked when the
    built-in pack is loaded: ``include_builtin=False`` loads user rules alone, for tests).
    """
    roots = ([builtin_rules_dir()] if include_builtin else []) + [Path(p) for p in settings.paths]
    catalog = Catalog()
    seen: dict[str, Path] = {}
    for root in roots:
        if not root.is_dir():
            catalog.problems.append(RuleProblem(str(root), None, "rule folder does not exist"))
            continue
        for path in rule_files(root):
            check, problems = load_rule(path)
            catalog.problems += problems
            if check is None:
                continue
            if check.check_id in seen:
                message = f"duplicate id '{check.check_id}' (also in {seen[check.check_id]})"
                catalog.problems.append(RuleProblem(str(path), line_of(path, "id"), message))
                continue
            seen[check.check_id] = path
            catalog.untested += case_problems(check.meta)
            wanted = not settings.enable or check.check_id in settings.enable
            if not wanted or check.check_id in settings.disable:
                catalog.disabled.append(check.check_id)
                continue
            override = settings.severity.get(check.check_id)
            check.bind(check.meta, Severity(override) if override else None)
            catalog.checks.append(check)
    if include_builtin:
        _unknown_ids(settings, set(seen))
        if seen and not catalog.checks:
            raise ConfigError("key 'checks.disable': the configuration disables every rule")
    return catalog
