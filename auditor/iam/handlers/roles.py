"""Replay handlers for roles, their trust policies and tags."""

from __future__ import annotations

from typing import Any

from auditor.events import Event
from auditor.iam.arns import normalize_path
from auditor.iam.documents import Document
from auditor.iam.handlers.common import (
    add,
    creation,
    drop,
    ensure,
    lookup,
    put,
    read_tags,
    replace_existing,
    require_document,
    response_part,
    string_list,
    text,
)
from auditor.iam.handlers.registry import handles
from auditor.iam.model import Role, evolve
from auditor.iam.state import IamState


def remove_role(state: IamState, role: Role) -> None:
    """Delete a role and take it out of its instance profiles."""
    for profile_arn in role.instance_profiles:
        profile = state.instance_profiles.get(profile_arn)
        if profile is not None:
            state.instance_profiles[profile_arn] = evolve(profile, roles=profile.roles - {role.arn})
            state.touch("instance_profile", profile_arn)
    drop(state, state.roles, "role", role)


def _int(value: object) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.isdigit():
        return int(value)
    return None


def _new_role(event: Event, name: str, path: str | None = None) -> Role:
    new = creation(event, "role", name, "role", "roleId", path)
    return Role(
        arn=new.arn,
        name=name,
        path=new.path,
        account=event.account_id,
        entity_id=new.entity_id,
        created=event.time,
        origin="event",
        origin_event=event.event_id,
    )


@handles("CreateRole")
def apply_create_role(state: IamState, event: Event) -> None:
    """A new role with its trust policy, path, boundary, description and tags."""
    name = text(event, "roleName")
    if name is None:
        state.note("CreateRole without roleName")
        return
    replace_existing(state, state.roles, "role", name, remove_role)
    role = evolve(
        _new_role(event, name),
        trust=require_document(state, event, "assumeRolePolicyDocument"),
        boundary=text(event, "permissionsBoundary"),
        tags=read_tags(event.param("tags")),
        description=text(event, "description"),
        max_session_duration=_int(event.param("maxSessionDuration")),
    )
    add(state, state.roles, "role", role)


@handles("CreateServiceLinkedRole")
def apply_create_service_linked_role(state: IamState, event: Event) -> None:
    """A role that an AWS service creates and controls (name and path from the response)."""
    created = response_part(event, "role")
    name = created.get("roleName")
    service = text(event, "aWSServiceName")
    if not isinstance(name, str):
        state.note("CreateServiceLinkedRole without the role in its response")
        return
    replace_existing(state, state.roles, "role", name, remove_role)
    path = normalize_path(created.get("path") or f"/aws-service-role/{service or 'unknown'}/")
    trust = event.documents.get("assumeRolePolicyDocument")
    if trust is not None:
        document = Document.from_text(trust)
    else:
        statement = {
            "Effect": "Allow",
            "Principal": {"Service": service},
            "Action": "sts:AssumeRole",
        }
        document = Document({"Version": "2012-10-17", "Statement": [statement]})
    role = evolve(
        _new_role(event, name, path),
        trust=document,
        service_linked=True,
        description=text(event, "description"),
    )
    add(state, state.roles, "role", role)


@handles("DeleteRole", "DeleteServiceLinkedRole")
def apply_delete_role(state: IamState, event: Event) -> None:
    """Remove a role (a service-linked deletion is asynchronous; taken as done)."""
    name = text(event, "roleName")
    role = lookup(state, state.roles, "role", name) if name else None
    if role is None:
        state.note(f"{event.name} of a role the state does not know: {name}")
        return
    remove_role(state, role)


@handles("UpdateRole", "UpdateRoleDescription")
def apply_update_role(state: IamState, event: Event) -> None:
    """Description and maximum session duration."""
    name = text(event, "roleName")
    if name is None:
        state.note(f"{event.name} without roleName")
        return
    role = ensure(state, state.roles, Role, "role", name)
    changes: dict[str, Any] = {}
    if event.request and "description" in event.request:
        changes["description"] = text(event, "description")
    duration = _int(event.param("maxSessionDuration"))
    if duration is not None:
        changes["max_session_duration"] = duration
    if changes:
        put(state, state.roles, "role", evolve(role, **changes))


@handles("UpdateAssumeRolePolicy")
def apply_update_assume_role_policy(state: IamState, event: Event) -> None:
    """Replace a role's trust policy (the previous one is in the state)."""
    name = text(event, "roleName")
    if name is None:
        state.note("UpdateAssumeRolePolicy without roleName")
        return
    role = ensure(state, state.roles, Role, "role", name)
    put(state, state.roles, "role", evolve(role, trust=require_document(state, event)))


@handles("TagRole")
def apply_tag_role(state: IamState, event: Event) -> None:
    """Add or overwrite tags."""
    name = text(event, "roleName")
    if name is None:
        state.note("TagRole without roleName")
        return
    role = ensure(state, state.roles, Role, "role", name)
    put(
        state,
        state.roles,
        "role",
        evolve(role, tags={**role.tags, **read_tags(event.param("tags"))}),
    )


@handles("UntagRole")
def apply_untag_role(state: IamState, event: Event) -> None:
    """Remove tags by key."""
    name = text(event, "roleName")
    if name is None:
        state.note("UntagRole without roleName")
        return
    role = ensure(state, state.roles, Role, "role", name)
    keys = set(string_list(event.param("tagKeys")))
    tags = {key: value for key, value in role.tags.items() if key not in keys}
    put(state, state.roles, "role", evolve(role, tags=tags))
