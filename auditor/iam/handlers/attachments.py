"""Replay handlers for what principals hold: managed attachments, inline policies, boundaries."""

from __future__ import annotations

from auditor.events import Event
from auditor.iam.arns import account_of, parse_iam_arn
from auditor.iam.handlers.common import ensure, put, put_policy, require_document, text
from auditor.iam.handlers.registry import handles
from auditor.iam.model import (
    Group,
    ManagedPolicy,
    Role,
    User,
    evolve,
    replaced,
    shared_position,
)
from auditor.iam.state import IamState

Principal = User | Group | Role
_ATTACHED = shared_position("attached", User, Group, Role)
_INLINE = shared_position("inline", User, Group, Role)
_KINDS = {
    "User": ("user", "userName"),
    "Group": ("group", "groupName"),
    "Role": ("role", "roleName"),
}
# event name -> (family, parameter), learnt on first sight of each name (no substring
# tests per event)
_FAMILIES: dict[str, tuple[str, str]] = {}


def _learn_family(name: str) -> tuple[str, str]:
    """The principal family and its name parameter for an event name (``Role`` by default)."""
    kind = next((kind for kind in _KINDS if kind in name), "Role")
    found = _FAMILIES[name] = _KINDS[kind]
    return found


def _principal(state: IamState, event: Event) -> Principal | None:
    family, parameter = _FAMILIES.get(event.name) or _learn_family(event.name)
    name = text(event, parameter)
    if name is None:
        state.note(f"{event.name} without {parameter}")
        return None
    if family == "user":
        return ensure(state, state.users, User, "user", name)
    if family == "group":
        return ensure(state, state.groups, Group, "group", name)
    return ensure(state, state.roles, Role, "role", name)


def _store(state: IamState, principal: Principal) -> None:
    if isinstance(principal, User):
        put(state, state.users, "user", principal)
    elif isinstance(principal, Group):
        put(state, state.groups, "group", principal)
    else:
        put(state, state.roles, "role", principal)


def ensure_policy_known(state: IamState, event: Event, policy_arn: str) -> None:
    """Record a customer managed policy first seen in an attachment ("origin unknown")."""
    if policy_arn in state.policies:
        return
    account = account_of(policy_arn)
    if account is None or account == "aws":
        return
    parts = parse_iam_arn(policy_arn)
    name = parts.name if parts else policy_arn.rsplit("/", 1)[-1]
    path = parts.path if parts else "/"
    put_policy(
        state,
        ManagedPolicy(
            policy_arn, name, path, account, origin="unknown", origin_event=event.event_id
        ),
    )


@handles("AttachUserPolicy", "AttachGroupPolicy", "AttachRolePolicy")
def apply_attach_policy(state: IamState, event: Event) -> None:
    """Attach a managed policy (customer or AWS managed)."""
    policy_arn = text(event, "policyArn")
    principal = _principal(state, event)
    if principal is None or policy_arn is None:
        if principal is not None:
            state.note(f"{event.name} without policyArn")
        return
    ensure_policy_known(state, event, policy_arn)
    if policy_arn not in principal.attached:
        _store(state, replaced(principal, _ATTACHED, principal.attached | {policy_arn}))


@handles("DetachUserPolicy", "DetachGroupPolicy", "DetachRolePolicy")
def apply_detach_policy(state: IamState, event: Event) -> None:
    """Detach a managed policy."""
    policy_arn = text(event, "policyArn")
    principal = _principal(state, event)
    if principal is None or policy_arn is None:
        return
    if policy_arn not in principal.attached:
        state.note(f"{policy_arn} was not attached to {principal.arn} in the state")
        return
    _store(state, replaced(principal, _ATTACHED, principal.attached - {policy_arn}))


@handles("PutUserPolicy", "PutGroupPolicy", "PutRolePolicy")
def apply_put_inline_policy(state: IamState, event: Event) -> None:
    """Create or overwrite an inline policy."""
    name = text(event, "policyName")
    principal = _principal(state, event)
    if principal is None:
        return
    if name is None:
        state.note(f"{event.name} without policyName")
        return
    document = require_document(state, event)
    _store(state, replaced(principal, _INLINE, {**principal.inline, name: document}))


@handles("DeleteUserPolicy", "DeleteGroupPolicy", "DeleteRolePolicy")
def apply_delete_inline_policy(state: IamState, event: Event) -> None:
    """Delete an inline policy."""
    name = text(event, "policyName")
    principal = _principal(state, event)
    if principal is None or name is None:
        return
    if name not in principal.inline:
        state.note(f"inline policy {name} of {principal.arn} was not in the state")
        return
    inline = {key: value for key, value in principal.inline.items() if key != name}
    _store(state, replaced(principal, _INLINE, inline))


@handles("PutUserPermissionsBoundary", "PutRolePermissionsBoundary")
def apply_put_boundary(state: IamState, event: Event) -> None:
    """Set a permissions boundary (a managed policy ARN)."""
    boundary = text(event, "permissionsBoundary")
    principal = _principal(state, event)
    if principal is None or isinstance(principal, Group):
        return
    if boundary is None:
        state.note(f"{event.name} without permissionsBoundary")
        return
    ensure_policy_known(state, event, boundary)
    _store(state, evolve(principal, boundary=boundary))


@handles("DeleteUserPermissionsBoundary", "DeleteRolePermissionsBoundary")
def apply_delete_boundary(state: IamState, event: Event) -> None:
    """Remove a permissions boundary."""
    principal = _principal(state, event)
    if principal is None or isinstance(principal, Group):
        return
    if principal.boundary is None:
        state.note(f"{principal.arn} had no permissions boundary in the state")
        return
    _store(state, evolve(principal, boundary=None))
