"""The engine: errors are contained, suppressions kept, noise lowered, severity overridden."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path

from auditor.config import ChecksSettings, Settings, Suppression
from auditor.engine import analyze
from auditor.events import Event, normalize_record
from auditor.findings import Finding, Severity
from auditor.geo import Geoip2FastLookup
from auditor.history import History
from auditor.iam.state import IamState
from auditor.rules.base import EventCheck, EventContext, RunContext
from auditor.rules.catalog import Catalog
from auditor.rules.metadata import CheckMeta
from tests.ingest.records import record

TODAY = date(2026, 11, 28)


def _meta(check_id: str) -> CheckMeta:
    return CheckMeta(
        id=check_id, title="t", category="iam-change", severity=Severity.HIGH, kind="event",
        description="d", rationale="r", remediation="m", path=Path(f"/{check_id}/{check_id}.toml"),
    )  # fmt: skip


class EveryEvent(EventCheck):
    """A finding for every event."""

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        yield self.finding(event=event, resource=event.name, message="seen.")


class Exploding(EventCheck):
    """Raises on every event."""

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        raise RuntimeError("boom")


def _run(events: list[Event], settings: Settings | None = None) -> tuple[list[Finding], list[str]]:
    every, exploding = EveryEvent(), Exploding()
    every.bind(_meta("test_every_event_here"))
    exploding.bind(_meta("test_exploding_check_here"))
    run = RunContext(settings or Settings(), History.empty(), Geoip2FastLookup())
    analysis = analyze(events, IamState(), Catalog(checks=[exploding, every]), run, TODAY)
    return analysis.findings, [f"{e.check_id}:{e.event_id}:{e.error}" for e in analysis.errors]


def _event(event_id: str, **extra: object) -> Event:
    event = normalize_record(record(event_id, **extra))
    assert isinstance(event, Event)
    return event


def test_a_raising_check_is_reported_and_the_others_still_run() -> None:
    findings, errors = _run([_event("e1"), _event("e2")])
    assert sorted(f.event_ids for f in findings) == [("e1",), ("e2",)]
    assert errors == [
        "test_exploding_check_here:e1:RuntimeError: boom",
        "test_exploding_check_here:e2:RuntimeError: boom",
    ]


def test_suppressed_findings_are_kept_and_expired_entries_reported() -> None:
    settings = Settings(
        suppress=(
            Suppression(
                check="test_every_*", resource="CreateUser", reason="known", expires="2027-01-01"
            ),
            Suppression(check="*", resource="*", reason="old", expires="2026-01-01"),
        )
    )
    events = [_event("e1"), _event("e2", eventName="DeleteUser")]
    every = EveryEvent()
    every.bind(_meta("test_every_event_here"))
    run = RunContext(settings, History.empty(), Geoip2FastLookup())
    analysis = analyze(events, IamState(), Catalog(checks=[every]), run, TODAY)
    statuses = {f.resource: f.status for f in analysis.findings}
    assert statuses == {"CreateUser": "suppressed", "DeleteUser": "new"}
    assert [e.reason for e in analysis.expired_suppressions] == ["old"]


def test_automation_is_lowered_not_dropped_and_overrides_win() -> None:
    cfn = _event("e1", userIdentity={
        "type": "AssumedRole", "arn": "arn:aws:sts::111122223333:assumed-role/cfn/x",
        "accountId": "111122223333", "invokedBy": "cloudformation.amazonaws.com",
    })  # fmt: skip
    findings, _ = _run([cfn])
    assert findings[0].severity == Severity.LOW
    assert findings[0].details["automation"] == "CloudFormation"
    override = Settings(checks=ChecksSettings(severity={"test_every_event_here": "critical"}))
    findings, _ = _run([cfn], override)
    assert findings[0].severity == Severity.CRITICAL


def test_findings_carry_the_country_of_the_source_address() -> None:
    findings, _ = _run([_event("e1", sourceIPAddress="5.188.206.14")])
    assert findings[0].actor.country == "BG"
    findings, _ = _run([_event("e2", sourceIPAddress="AWS Internal")])
    assert findings[0].actor.country is None
