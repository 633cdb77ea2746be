"""Running a rule's cases: ``fail_*`` must produce a finding of the rule, ``pass_*`` none.

Each ``fail_*`` case states the outcome in ``<name>.expect.toml`` (see
:mod:`auditor.rules.expectations`): the severity, and optionally the category and a
message fragment; a fail case whose findings differ, or that has no expectation, fails.

A case is ``cases/<name>.json`` (one record, or ``{"Records": [...]}``) or
``cases/<name>.jsonl`` (a sequence). Beside it, optionally: ``<name>.baseline.json``
(a GetAccountAuthorizationDetails document: the state before the case's events) and
``<name>.history.jsonl`` (earlier events, for "never seen before" rules). A
``cases/config.toml`` applies to every case of the rule (default: the organization
is account 111122223333).
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

import orjson

from auditor.config import Settings, parse_settings
from auditor.engine import analyze
from auditor.events import Event, normalize_record
from auditor.findings import Finding
from auditor.geo import Geoip2FastLookup
from auditor.history import History
from auditor.iam.baseline import read_authorization_details, read_pages
from auditor.iam.state import IamState
from auditor.ingest.shapes import unwrap
from auditor.rules.base import Check, RunContext
from auditor.rules.catalog import Catalog
from auditor.rules.expectations import read_expectation
from auditor.rules.problems import RuleProblem
from auditor.store.event_store import EventRow, EventStore

CASE_ACCOUNT = "111122223333"
DEFAULT_CASE_SETTINGS: dict[str, Any] = {"organization": {"accounts": [CASE_ACCOUNT]}}


@dataclass(frozen=True)
class CaseResult:
    """The outcome of one case."""

    check_id: str
    case: str
    expected_findings: bool
    findings: tuple[Finding, ...]
    errors: tuple[str, ...]
    mismatches: tuple[str, ...] = ()  # how the findings differ from the expectation file

    @property
    def passed(self) -> bool:
        """A fail case needs its expected findings; a pass case none; neither may raise."""
        found = bool(self.findings) == self.expected_findings
        return not self.errors and found and not self.mismatches

    @property
    def reason(self) -> str:
        """Why the case failed (empty when it passed)."""
        if self.errors:
            return "; ".join(self.errors)
        if bool(self.findings) != self.expected_findings:
            if self.expected_findings:
                return "expected a finding, got none"
            return f"expected no finding, got: {self.findings[0].message}"
        return "; ".join(self.mismatches)


def case_files(check: Check) -> list[Path]:
    """The rule's ``fail_*``/``pass_*`` case files, sorted."""
    folder = check.meta.folder / "cases"
    if not folder.is_dir():
        return []
    return sorted(
        p
        for p in folder.iterdir()
        if p.name.startswith(("fail_", "pass_"))
        and p.suffix in (".json", ".jsonl")
        and not p.name.endswith((".baseline.json", ".history.jsonl"))
    )


def read_case_events(path: Path) -> list[Event]:
    """The events of a case file, normalized (a record that does not normalize is an error)."""
    data = path.read_bytes()
    values: list[Any] = (
        [orjson.loads(line) for line in data.splitlines() if line.strip()]
        if path.suffix == ".jsonl"
        else [orjson.loads(data)]
    )
    events: list[Event] = []
    for value in values:
        for record in unwrap(value):
            event = normalize_record(record)
            if not isinstance(event, Event):
                raise ValueError(f"{path.name}: {event.reason}")
            events.append(event)
    return events


def _settings(check: Check) -> Settings:
    config = check.meta.folder / "cases" / "config.toml"
    data = dict(DEFAULT_CASE_SETTINGS)
    if config.exists():
        data.update(tomllib.loads(config.read_text(encoding="utf-8")))
    return parse_settings(data, str(config))


def _history(path: Path) -> tuple[History, EventStore | None]:
    earlier = path.with_name(path.name.rsplit(".", 1)[0] + ".history.jsonl")
    if not earlier.exists():
        return History.empty(), None
    store = EventStore.open(":memory:")
    rows = [EventRow.from_event(event) for event in read_case_events(earlier)]
    with store.transaction():
        store.insert_events(rows)
    return History(store), store


def _state(path: Path, events: list[Event]) -> IamState:
    baseline = path.with_name(path.name.rsplit(".", 1)[0] + ".baseline.json")
    if not baseline.exists():
        return IamState()
    first = min((e.time for e in events), default=None)
    at = first - timedelta(seconds=1) if first else None
    assert at is not None, "a case with a baseline needs events"
    return read_authorization_details(read_pages(orjson.loads(baseline.read_bytes())), at).state


def run_case(check: Check, path: Path) -> CaseResult:
    """Run one case of one check in isolation."""
    expected = path.name.startswith("fail_")
    store: EventStore | None = None
    try:
        events = read_case_events(path)
        history, store = _history(path)
        run = RunContext(_settings(check), history, Geoip2FastLookup())
        today = max(e.time for e in events).date()
        analysis = analyze(events, _state(path, events), Catalog(checks=[check]), run, today)
        errors = tuple(f"{e.event_id}: {e.error}" for e in analysis.errors)
        findings = tuple(f for f in analysis.findings if f.check_id == check.check_id)
    except Exception as exc:  # a broken case is reported as that case's error
        return CaseResult(
            check.check_id, path.name, expected, (), (f"{type(exc).__name__}: {exc}",)
        )
    finally:
        if store is not None:
            store.close()
    expectation, problems = read_expectation(path)
    mismatches = [str(problem) for problem in problems]
    if expectation is not None and findings:
        mismatches += expectation.mismatches(findings)
    return CaseResult(check.check_id, path.name, expected, findings, errors, tuple(mismatches))


def run_cases(catalog: Catalog) -> list[CaseResult]:
    """Every case of every loaded check."""
    return [run_case(check, path) for check in catalog.checks for path in case_files(check)]


def expectation_problems(catalog: Catalog) -> list[RuleProblem]:
    """Every missing, misplaced or invalid ``.expect.toml`` of the loaded checks' cases."""
    return [
        problem
        for check in catalog.checks
        for path in case_files(check)
        for problem in read_expectation(path)[1]
    ]
