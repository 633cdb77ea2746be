"""Replay handlers for account-wide settings: password policy and alias."""

from __future__ import annotations

from auditor.events import Event
from auditor.iam.handlers.common import text
from auditor.iam.handlers.registry import handles
from auditor.iam.model import AccountSettings, evolve
from auditor.iam.state import IamState


def _settings(state: IamState, event: Event) -> AccountSettings:
    found = state.accounts.get(event.account_id)
    if found is None:
        found = AccountSettings(event.account_id, origin="unknown", origin_event=event.event_id)
    return found


def _store(state: IamState, settings: AccountSettings) -> None:
    state.accounts[settings.account] = settings
    state.touch("account_settings", settings.account)


@handles("UpdateAccountPasswordPolicy")
def apply_update_password_policy(state: IamState, event: Event) -> None:
    """The whole password policy is the request (unset fields take their defaults)."""
    policy = dict(event.request) if event.request else {}
    _store(state, evolve(_settings(state, event), password_policy=policy))


@handles("DeleteAccountPasswordPolicy")
def apply_delete_password_policy(state: IamState, event: Event) -> None:
    """Back to the default password rules."""
    settings = _settings(state, event)
    if settings.password_policy is None and settings.origin != "unknown":
        state.note("DeleteAccountPasswordPolicy with no password policy in the state")
    _store(state, evolve(settings, password_policy=None))


@handles("CreateAccountAlias")
def apply_create_account_alias(state: IamState, event: Event) -> None:
    """Name the account (its sign-in URL)."""
    alias = text(event, "accountAlias")
    if alias is None:
        state.note("CreateAccountAlias without accountAlias")
        return
    _store(state, evolve(_settings(state, event), alias=alias))


@handles("DeleteAccountAlias")
def apply_delete_account_alias(state: IamState, event: Event) -> None:
    """Remove the account alias."""
    _store(state, evolve(_settings(state, event), alias=None))
