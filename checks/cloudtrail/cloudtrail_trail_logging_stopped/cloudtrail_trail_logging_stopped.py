"""A trail was stopped or deleted; deleting a trail its own creator made a day before is low."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import WindowCheck, WindowContext

SOURCE = "cloudtrail.amazonaws.com"
SHORT_LIVED = timedelta(days=1)


def trail_name(event: Event) -> str:
    """The trail's name (``name`` may be a name or an ARN)."""
    return str(event.param("name") or "unknown trail").rsplit("/", 1)[-1]


def _key(event: Event) -> tuple[str, str, str]:
    return (event.account_id, trail_name(event), event.actor.principal_arn or "")


class CloudtrailTrailLoggingStopped(WindowCheck):
    """Critical for StopLogging and DeleteTrail, low for a short-lived trail's deletion."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """One finding per successful StopLogging or DeleteTrail."""
        mine = [e for e in ctx.events if e.source == SOURCE and not e.failed]
        if not any(e.name in ("StopLogging", "DeleteTrail") for e in mine):
            return
        earlier = [e for e in ctx.run.history.events("CreateTrail") if not e.failed]
        created: dict[tuple[str, str, str], Event] = {}
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
        name = str(event.param("name") or "unknown trail")
        return self.finding(
            event=event,
            resource=name,
            message=f"{event.name} on trail {name} by {event.actor.label} from "
            f"{event.source_ip or 'unknown'}.",
            severity=Severity.LOW if short else None,
            details={
                "trail": trail_name(event),
                "created_by_same_principal": creation.time.isoformat() if creation else None,
                "short_lived": short,
            },
        )
