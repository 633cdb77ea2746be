"""Bursts of failed console sign-ins, per user and per source address."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from auditor.events import HIDDEN_USER_NAME, Event
from auditor.findings import Finding, Severity
from auditor.principals import is_console_login, sign_in_principal
from auditor.rules.base import WindowCheck, WindowContext
from checks._lib.bursts import burst_settings, bursts, grouped


def succeeded_after(events: list[Event], burst: list[Event], span: timedelta) -> Event | None:
    """A successful sign-in of the same group within ``span`` after the burst."""
    end = burst[-1].time
    return next((e for e in events if not e.failed and end <= e.time <= end + span), None)


class SigninConsoleLoginFailureBurst(WindowCheck):
    """Medium; high for root or when a success follows the burst (a guessed password)."""

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """Per-user bursts, then per-address bursts over several (or hidden) user names."""
        threshold, span = burst_settings(ctx)
        logins = [e for e in ctx.events if is_console_login(e)]
        scopes = (
            ("user", grouped(logins, sign_in_principal)),
            ("source", grouped(logins, _address)),
        )
        for scope, groups in scopes:
            for subject, events in groups.items():
                failures = [e for e in events if e.failed]
                for burst in bursts(failures, threshold, span):
                    names = {e.actor.user_name or "unknown" for e in burst}
                    if scope == "source" and len(names) < 2 and HIDDEN_USER_NAME not in names:
                        continue  # one known user from one address: the per-user finding
                    yield self._finding(scope, subject, burst, names, events, span)

    def _finding(
        self,
        scope: str,
        subject: str,
        burst: list[Event],
        names: set[str],
        events: list[Event],
        span: timedelta,
    ) -> Finding:
        success = succeeded_after(events, burst, span)
        root = any(e.actor.type == "Root" for e in burst)
        where = f"user {subject}" if scope == "user" else f"address {subject}"
        return self.finding(
            event=burst[-1],
            events=burst[:-1] + ([success] if success else []),
            resource=subject,
            message=f"{len(burst)} failed console sign-ins for {where} "
            f"within {int(span.total_seconds() // 60)} minutes"
            f"{', then a success' if success else ''}.",
            severity=Severity.HIGH if success or root else None,
            details={
                "scope": scope,
                "failures": len(burst),
                "user_names": sorted(names),
                "addresses": sorted({e.source_ip or "unknown" for e in burst}),
                "first": burst[0].time.isoformat(),
                "success_event": success.event_id if success else None,
            },
            key=(scope, subject, burst[0].time.isoformat()),
        )


def _address(event: Event) -> str | None:
    return event.source_ip
