"""A successful console sign-in from a country never seen for that principal, or not allowed."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import ActorInfo, Finding, Severity
from auditor.geo import CountryLookup
from auditor.history import History
from auditor.principals import console_login_succeeded, sign_in_principal
from auditor.rules.base import WindowCheck, WindowContext


def signed_in(event: Event) -> str | None:
    """The principal of a successful console sign-in (the session ARN for roles)."""
    return sign_in_principal(event) if console_login_succeeded(event) else None


def known_countries(history: History, geo: CountryLookup) -> dict[str, set[str]]:
    """The countries each principal signed in from in all earlier runs."""
    seen: dict[str, set[str]] = {}
    for event in history.events("ConsoleLogin"):
        principal = signed_in(event)
        country = geo.country(event.source_ip) if principal else None
        if principal and country:
            seen.setdefault(principal, set()).add(country)
    return seen


class SigninConsoleLoginNewCountry(WindowCheck):
    """Medium for a new country of a known principal; high outside ``[geo] allowed_countries``.

    A principal with no sign-in in history learns its first country quietly; so does a
    new installation on its first run (``learn_on_first_run``). Allowed countries are
    enforced from the first run.
    """

    def check_window(self, ctx: WindowContext) -> Iterable[Finding]:
        """One finding per principal and country, recognized across runs."""
        run = ctx.run
        allowed = {c.upper() for c in run.settings.geo.allowed_countries}
        learning = run.learning
        known = run.history.memo("signin-countries", lambda: known_countries(run.history, run.geo))
        seen = {principal: set(countries) for principal, countries in known.items()}
        for event in ctx.events:
            principal = signed_in(event)
            country = run.geo.country(event.source_ip) if principal else None
            if principal is None or country is None:
                continue
            before = seen.setdefault(principal, set())
            new = bool(before) and country not in before and not learning
            outside = bool(allowed) and country not in allowed
            before.add(country)
            if not new and not outside:
                continue
            yield self.finding(
                event=event,
                resource=principal,
                message=f"{principal} signed in to the console from {country}"
                f"{' (not an allowed country)' if outside else ', never seen before'}.",
                severity=Severity.HIGH if outside else None,
                actor=ActorInfo.from_event(event, country),
                details={
                    "country": country,
                    "known_countries": sorted(before - {country}),
                    "allowed_countries": sorted(allowed),
                    "first_time_for_principal": new,
                },
                key=(principal, country),
            )
