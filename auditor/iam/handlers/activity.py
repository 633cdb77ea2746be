"""Observed activity beside declared state: role assumptions and console sign-ins."""

from __future__ import annotations

from auditor.events import HIDDEN_USER_NAME, Event
from auditor.iam.arns import root_arn
from auditor.iam.handlers.common import partition, text
from auditor.iam.handlers.registry import SIGNIN, STS, handles
from auditor.iam.model import Assumption, SignIns, build
from auditor.iam.state import IamState


def assuming_caller(event: Event) -> str:
    """Who assumed the role: a principal ARN, an account root, a service or a provider."""
    actor = event.actor
    name = event.name
    if name == "AssumeRoleWithSAML":
        provider = text(event, "principalArn")
        if provider:
            return provider
    elif name == "AssumeRoleWithWebIdentity":
        provider = event.response.get("provider") if event.response else None
        identity = event.raw.get("userIdentity")
        named = identity.get("identityProvider") if isinstance(identity, dict) else None
        for candidate in (provider, named):
            if isinstance(candidate, str) and candidate:
                return candidate
    kind = actor.type
    if kind == "AWSAccount" and actor.account_id:
        return root_arn(actor.account_id, partition(event))
    if kind == "AWSService" and actor.invoked_by:
        return actor.invoked_by
    # Actor.principal_arn spelled out: a property costs a Python call on every AssumeRole
    return actor.session_issuer_arn or actor.arn or actor.invoked_by or actor.label


@handles("AssumeRole", "AssumeRoleWithSAML", "AssumeRoleWithWebIdentity", source=STS, observes=True)
def apply_assume_role(state: IamState, event: Event) -> None:
    """Count one use of a role by its caller."""
    role_arn = text(event, "roleArn")
    if role_arn is None:
        return
    assumptions = state.assumptions
    key = (assuming_caller(event), role_arn)
    seen = assumptions.get(key)
    time = event.time
    if seen is None:
        values = (1, time, time, event.event_id)
    else:
        first, last = seen[1], seen[2]
        values = (
            seen[0] + 1,
            time if time < first else first,
            time if time > last else last,
            event.event_id,
        )
    assumptions[key] = build(Assumption, values)


def _mfa_used(event: Event) -> bool | None:
    value = event.additional.get("MFAUsed") if event.additional else None
    return value.lower() == "yes" if isinstance(value, str) else None


@handles("ConsoleLogin", source=SIGNIN, failures=True, observes=True)
def apply_console_login(state: IamState, event: Event) -> None:
    """Count a console sign-in (successful or not) of the principal."""
    actor = event.actor
    if actor.user_name == HIDDEN_USER_NAME:
        return
    principal = actor.session_issuer_arn or actor.arn  # Actor.principal_arn, without a call
    if principal is None and actor.type == "Root":
        principal = root_arn(event.account_id, partition(event))
    if principal is None:
        return
    failed = event.error_code is not None or event.error_message is not None  # Event.failed
    time = event.time
    sign_ins = state.sign_ins
    seen = sign_ins.get(principal)
    if seen is None:
        seen = SignIns(0, 0, time, time, event.event_id)
    first, last = seen.first, seen.last
    sign_ins[principal] = build(
        SignIns,
        (
            seen.successes + (0 if failed else 1),
            seen.failures + (1 if failed else 0),
            time if time < first else first,
            time if time > last else last,
            event.event_id,
            seen.last_mfa if failed else _mfa_used(event),
        ),
    )
