"""Replay handlers for SAML and OpenID Connect identity providers."""

from __future__ import annotations

import hashlib

from auditor.events import Event
from auditor.iam.handlers.common import partition, read_tags, string_list, text
from auditor.iam.handlers.registry import handles
from auditor.iam.model import IdentityProvider, evolve
from auditor.iam.state import IamState


def _sha256(value: str | None) -> str | None:
    return hashlib.sha256(value.encode("utf-8")).hexdigest() if value else None


def _response_arn(event: Event, key: str) -> str | None:
    value = event.response.get(key) if event.response else None
    return value if isinstance(value, str) else None


def _store(state: IamState, provider: IdentityProvider) -> None:
    state.providers[provider.arn] = provider
    state.touch("identity_provider", provider.arn)


def _existing(state: IamState, event: Event, parameter: str, kind: str) -> IdentityProvider | None:
    arn = text(event, parameter)
    if arn is None:
        state.note(f"{event.name} without {parameter}")
        return None
    found = state.providers.get(arn)
    if found is None:
        found = IdentityProvider(
            arn, event.account_id, kind, origin="unknown", origin_event=event.event_id
        )
    return found


def _delete(state: IamState, event: Event, parameter: str) -> None:
    arn = text(event, parameter)
    if arn is None or state.providers.pop(arn, None) is None:
        state.note(f"{event.name} of a provider the state does not know: {arn}")
        return
    state.touch("identity_provider", arn)


@handles("CreateSAMLProvider")
def apply_create_saml_provider(state: IamState, event: Event) -> None:
    """A SAML identity provider (the metadata is kept as its SHA-256)."""
    name = text(event, "name")
    arn = _response_arn(event, "sAMLProviderArn")
    if arn is None and name is not None:
        arn = f"arn:{partition(event)}:iam::{event.account_id}:saml-provider/{name}"
    if arn is None:
        state.note("CreateSAMLProvider without name")
        return
    metadata = _sha256(text(event, "sAMLMetadataDocument"))
    _store(
        state,
        IdentityProvider(
            arn,
            event.account_id,
            "saml",
            metadata_sha256=metadata,
            tags=read_tags(event.param("tags")),
            created=event.time,
            origin="event",
            origin_event=event.event_id,
        ),
    )


@handles("UpdateSAMLProvider")
def apply_update_saml_provider(state: IamState, event: Event) -> None:
    """New SAML metadata."""
    provider = _existing(state, event, "sAMLProviderArn", "saml")
    if provider is not None:
        metadata = _sha256(text(event, "sAMLMetadataDocument")) or provider.metadata_sha256
        _store(state, evolve(provider, metadata_sha256=metadata))


@handles("DeleteSAMLProvider")
def apply_delete_saml_provider(state: IamState, event: Event) -> None:
    """Remove a SAML provider."""
    _delete(state, event, "sAMLProviderArn")


@handles("CreateOpenIDConnectProvider")
def apply_create_oidc_provider(state: IamState, event: Event) -> None:
    """An OpenID Connect provider with its audiences (client ids) and thumbprints."""
    url = text(event, "url")
    arn = _response_arn(event, "openIDConnectProviderArn")
    if arn is None and url is not None:
        host = url.split("://", 1)[-1].rstrip("/")
        arn = f"arn:{partition(event)}:iam::{event.account_id}:oidc-provider/{host}"
    if arn is None:
        state.note("CreateOpenIDConnectProvider without url")
        return
    _store(
        state,
        IdentityProvider(
            arn,
            event.account_id,
            "oidc",
            url=url,
            client_ids=frozenset(string_list(event.param("clientIDList"))),
            thumbprints=frozenset(string_list(event.param("thumbprintList"))),
            tags=read_tags(event.param("tags")),
            created=event.time,
            origin="event",
            origin_event=event.event_id,
        ),
    )


@handles("DeleteOpenIDConnectProvider")
def apply_delete_oidc_provider(state: IamState, event: Event) -> None:
    """Remove an OpenID Connect provider."""
    _delete(state, event, "openIDConnectProviderArn")


@handles("AddClientIDToOpenIDConnectProvider", "RemoveClientIDFromOpenIDConnectProvider")
def apply_oidc_client_id(state: IamState, event: Event) -> None:
    """Add or remove an audience."""
    provider = _existing(state, event, "openIDConnectProviderArn", "oidc")
    client_id = text(event, "clientID")
    if provider is None or client_id is None:
        return
    if event.name.startswith("Add"):
        clients = provider.client_ids | {client_id}
    else:
        clients = provider.client_ids - {client_id}
    _store(state, evolve(provider, client_ids=clients))


@handles("UpdateOpenIDConnectProviderThumbprint")
def apply_oidc_thumbprint(state: IamState, event: Event) -> None:
    """Replace the thumbprints."""
    provider = _existing(state, event, "openIDConnectProviderArn", "oidc")
    if provider is not None:
        thumbprints = frozenset(string_list(event.param("thumbprintList")))
        _store(state, evolve(provider, thumbprints=thumbprints))
