"""A trail was stopped or deleted; deleting a trail its own creator made a day before is low."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import WindowCheck, WindowContext
from checks._lib.trails import TrailId, trail_id

SOURCE = "cloudtrail.amazonaws.com"
SHORT_LIVED = timedelta(days=1)


def _key(event: Event) -> tuple[TrailId, str]:
    """The trail (account, region, name) and who acted: a same-named trail elsewhere differs."""
    return (trail_id(event), event.actor.principal_arn or "")


class CloudtrailTrailLoggingStopped(WindowCheck):
    """Critical for StopLogging and DeleteTrail, low for a short-lived trail's deletion."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """One finding per successful StopLogging or DeleteTrail."""
        mine = [e for e in ctx.events if e.source == SOURCE and not e.failed]
        if not any(e.name in ("StopLogging", "DeleteTrail") for e in mine):
            return
        earlier = [e for e in ctx.run.history.events("CreateTrail") if not e.failed]
        created: dict[tuple[TrailId, str], Event] = {}
        for event in [*earlier, *mine]:
            if event.name == "CreateTrail":
                created[_key(event)] = event
            elif event.name in ("StopLogging", "DeleteTrail"):
                yield self._finding(event, created.get(_key(event)))

    def _finding(self, event: Event, creation: Event | None) -> Finding:
        short = (
            creation is not None
            and event.name == "DeleteTrail"
            and event.time - creation.time <= SHORT_LIVED
        )
        trail = trail_id(event)
        return self.finding(
            event=event,
            resource=trail.arn,
            message=f"{event.name} on trail {trail.name} ({trail.region}, account "
            f"{trail.account}) by {event.actor.label} from {event.source_ip or 'unknown'}.",
            severity=Severity.LOW if short else None,
            region=trail.region,
            account_id=trail.account,
            details={
                "trail": trail.name,
                "trail_arn": trail.arn,
                "trail_region": trail.region,
                "created_by_same_principal": creation.time.isoformat() if creation else None,
                "short_lived": short,
            },
        )
