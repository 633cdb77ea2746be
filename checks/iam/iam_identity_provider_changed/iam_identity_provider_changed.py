"""A SAML or OIDC identity provider was created, changed or deleted."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding, Severity
from auditor.rules.base import EventCheck, EventContext

WEAKENING = frozenset(
    {
        "CreateSAMLProvider",
        "UpdateSAMLProvider",
        "CreateOpenIDConnectProvider",
        "AddClientIDToOpenIDConnectProvider",
        "UpdateOpenIDConnectProviderThumbprint",
    }
)
REMOVING = frozenset(
    {"DeleteSAMLProvider", "DeleteOpenIDConnectProvider", "RemoveClientIDFromOpenIDConnectProvider"}
)


def provider_of(event: Event) -> str:
    """The provider's ARN (or URL or name when it has none yet)."""
    response = event.response or {}
    for value in (
        response.get("sAMLProviderArn"),
        response.get("openIDConnectProviderArn"),
        event.param("sAMLProviderArn"),
        event.param("openIDConnectProviderArn"),
        event.param("url"),
        event.param("name"),
    ):
        if value:
            return str(value)
    return "unknown provider"


class IamIdentityProviderChanged(EventCheck):
    """High for changes that let a new issuer or audience in; medium for removals."""

    event_sources = frozenset({"iam.amazonaws.com"})
    event_names = WEAKENING | REMOVING

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding per provider change."""
        provider = provider_of(event)
        yield self.finding(
            event=event,
            resource=provider,
            message=f"{event.actor.label} called {event.name} on identity provider {provider}.",
            severity=Severity.MEDIUM if event.name in REMOVING else None,
            details={
                "client_ids": event.param("clientIDList") or event.param("clientID"),
                "thumbprints": event.param("thumbprintList"),
                "url": event.param("url"),
            },
        )
