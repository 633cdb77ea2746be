"""Replay handlers for instance profiles (the role an EC2 instance runs with)."""

from __future__ import annotations

from auditor.events import Event
from auditor.iam.handlers.common import (
    add,
    creation,
    drop,
    ensure,
    lookup,
    put,
    read_tags,
    replace_existing,
    string_list,
    text,
)
from auditor.iam.handlers.registry import handles
from auditor.iam.model import InstanceProfile, Role, evolve
from auditor.iam.state import IamState


def _remove_profile(state: IamState, profile: InstanceProfile) -> None:
    for role_arn in profile.roles:
        role = state.roles.get(role_arn)
        if role is not None:
            profiles = role.instance_profiles - {profile.arn}
            state.roles[role_arn] = evolve(role, instance_profiles=profiles)
    drop(state, state.instance_profiles, "instance_profile", profile)


@handles("CreateInstanceProfile")
def apply_create_instance_profile(state: IamState, event: Event) -> None:
    """A new, empty instance profile."""
    name = text(event, "instanceProfileName")
    if name is None:
        state.note("CreateInstanceProfile without instanceProfileName")
        return
    replace_existing(state, state.instance_profiles, "instance_profile", name, _remove_profile)
    new = creation(event, "instance_profile", name, "instanceProfile", "instanceProfileId")
    add(
        state,
        state.instance_profiles,
        "instance_profile",
        InstanceProfile(
            new.arn,
            name,
            new.path,
            event.account_id,
            tags=read_tags(event.param("tags")),
            entity_id=new.entity_id,
            created=event.time,
            origin="event",
            origin_event=event.event_id,
        ),
    )


@handles("DeleteInstanceProfile")
def apply_delete_instance_profile(state: IamState, event: Event) -> None:
    """Remove an instance profile."""
    name = text(event, "instanceProfileName")
    profile = lookup(state, state.instance_profiles, "instance_profile", name) if name else None
    if profile is None:
        state.note(f"DeleteInstanceProfile of a profile the state does not know: {name}")
        return
    _remove_profile(state, profile)


def _pair(state: IamState, event: Event) -> tuple[InstanceProfile, Role] | None:
    name, role_name = text(event, "instanceProfileName"), text(event, "roleName")
    if name is None or role_name is None:
        state.note(f"{event.name} without instanceProfileName or roleName")
        return None
    profile = ensure(state, state.instance_profiles, InstanceProfile, "instance_profile", name)
    return profile, ensure(state, state.roles, Role, "role", role_name)


@handles("AddRoleToInstanceProfile")
def apply_add_role_to_instance_profile(state: IamState, event: Event) -> None:
    """Put a role in an instance profile."""
    pair = _pair(state, event)
    if pair is None:
        return
    profile, role = pair
    put(
        state,
        state.instance_profiles,
        "instance_profile",
        evolve(profile, roles=profile.roles | {role.arn}),
    )
    state.roles[role.arn] = evolve(role, instance_profiles=role.instance_profiles | {profile.arn})


@handles("RemoveRoleFromInstanceProfile")
def apply_remove_role_from_instance_profile(state: IamState, event: Event) -> None:
    """Take a role out of an instance profile."""
    pair = _pair(state, event)
    if pair is None:
        return
    profile, role = pair
    if role.arn not in profile.roles:
        state.note(f"{role.name} was not in instance profile {profile.name} in the state")
        return
    put(
        state,
        state.instance_profiles,
        "instance_profile",
        evolve(profile, roles=profile.roles - {role.arn}),
    )
    state.roles[role.arn] = evolve(role, instance_profiles=role.instance_profiles - {profile.arn})


@handles("TagInstanceProfile", "UntagInstanceProfile")
def apply_tag_instance_profile(state: IamState, event: Event) -> None:
    """Add or remove tags of an instance profile."""
    name = text(event, "instanceProfileName")
    if name is None:
        state.note(f"{event.name} without instanceProfileName")
        return
    profile = ensure(state, state.instance_profiles, InstanceProfile, "instance_profile", name)
    if event.name == "TagInstanceProfile":
        tags = {**profile.tags, **read_tags(event.param("tags"))}
    else:
        keys = set(string_list(event.param("tagKeys")))
        tags = {key: value for key, value in profile.tags.items() if key not in keys}
    put(state, state.instance_profiles, "instance_profile", evolve(profile, tags=tags))
