"""A trail's event selectors or settings were changed so that it records less."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import EventCheck, EventContext
from checks._lib.trails import trail_id

UPDATE_FLAGS = {
    "includeGlobalServiceEvents": "stops recording global services (IAM, STS, sign-in)",
    "isMultiRegionTrail": "stops recording other regions",
    "enableLogFileValidation": "turns off log file integrity validation",
}


def _records_writes(selector: Mapping[str, Any]) -> bool:
    included = selector.get("includeManagementEvents", True) is not False
    return included and selector.get("readWriteType", "All") in ("All", "WriteOnly")


def _advanced_records_writes(selector: Mapping[str, Any]) -> bool:
    fields = {str(f.get("field")): f for f in selector.get("fieldSelectors") or [] if f}
    category = fields.get("eventCategory", {}).get("equals") or []
    read_only = fields.get("readOnly", {}).get("equals") or []
    return "Management" in category and "true" not in [str(v).lower() for v in read_only]


def selector_problems(request: Mapping[str, Any]) -> list[str]:
    """How a PutEventSelectors request reduces management-event logging."""
    basic = request.get("eventSelectors")
    advanced = request.get("advancedEventSelectors")
    problems: list[str] = []
    if isinstance(basic, list):
        if not any(isinstance(s, dict) and _records_writes(s) for s in basic):
            problems.append("no selector records management write events")
        if any(isinstance(s, dict) and s.get("excludeManagementEventSources") for s in basic):
            problems.append("management event sources excluded")
    if isinstance(advanced, list) and not any(
        isinstance(s, dict) and _advanced_records_writes(s) for s in advanced
    ):
        problems.append("no advanced selector records management write events")
    return problems


def update_problems(request: Mapping[str, Any]) -> list[str]:
    """How an UpdateTrail request reduces what the trail records or where it goes."""
    problems = [why for key, why in UPDATE_FLAGS.items() if request.get(key) is False]
    if request.get("s3BucketName"):
        problems.append(f"delivers to bucket {request['s3BucketName']}")
    return problems


class CloudtrailTrailSettingsWeakened(EventCheck):
    """High when management or global events stop being recorded, or logs are redirected."""

    event_sources = frozenset({"cloudtrail.amazonaws.com"})
    event_names = frozenset({"PutEventSelectors", "UpdateTrail"})

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per weakening change."""
        request = event.request or {}
        trail = trail_id(event, "trailName" if request.get("trailName") else "name")
        if event.name == "PutEventSelectors":
            problems = selector_problems(request)
        else:
            problems = update_problems(request)
        if not problems:
            return
        strong = event.name == "PutEventSelectors" or any(
            p.startswith(("stops recording global", "delivers to")) for p in problems
        )
        yield self.finding(
            event=event,
            resource=trail.arn,
            message=f"{event.name} on trail {trail.name} ({trail.region}, account "
            f"{trail.account}): {'; '.join(problems)}.",
            severity=None if strong else Severity.MEDIUM,
            region=trail.region,
            account_id=trail.account,
            details={
                "trail": trail.name,
                "trail_arn": trail.arn,
                "problems": problems,
                "request": dict(request),
            },
        )
