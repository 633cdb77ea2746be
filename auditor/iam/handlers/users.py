"""Replay handlers for users and their console passwords."""

from __future__ import annotations

from auditor.events import Event
from auditor.iam.arns import iam_arn, normalize_path
from auditor.iam.handlers.common import (
    add,
    creation,
    drop,
    ensure,
    flag,
    lookup,
    partition,
    put,
    read_tags,
    replace_existing,
    string_list,
    text,
)
from auditor.iam.handlers.registry import handles
from auditor.iam.model import LoginProfile, User, evolve
from auditor.iam.state import IamState


def remove_user(state: IamState, user: User) -> None:
    """Delete a user and what hangs off it: memberships, access keys, MFA assignments."""
    for group_arn in user.groups:
        group = state.groups.get(group_arn)
        if group is not None:
            state.groups[group_arn] = evolve(group, members=group.members - {user.arn})
    for key_id in user.access_keys:
        if state.access_keys.pop(key_id, None) is not None:
            state.touch("access_key", key_id)
    for serial in user.mfa_devices:
        device = state.mfa_devices.get(serial)
        if device is not None:
            state.mfa_devices[serial] = evolve(device, user_arn=None)
            state.touch("mfa_device", serial)
    drop(state, state.users, "user", user)


@handles("CreateUser")
def apply_create_user(state: IamState, event: Event) -> None:
    """A new user, with path, boundary and tags."""
    name = text(event, "userName")
    if name is None:
        state.note("CreateUser without userName")
        return
    replace_existing(state, state.users, "user", name, remove_user)
    new = creation(event, "user", name, "user", "userId")
    add(
        state,
        state.users,
        "user",
        User(
            arn=new.arn,
            name=name,
            path=new.path,
            account=event.account_id,
            boundary=text(event, "permissionsBoundary"),
            tags=read_tags(event.param("tags")),
            entity_id=new.entity_id,
            created=event.time,
            origin="event",
            origin_event=event.event_id,
        ),
    )


@handles("DeleteUser")
def apply_delete_user(state: IamState, event: Event) -> None:
    """Remove a user (and anything still attached to it in the state)."""
    name = text(event, "userName")
    user = lookup(state, state.users, "user", name) if name else None
    if user is None:
        state.note(f"DeleteUser of a user the state does not know: {name}")
        return
    remove_user(state, user)


@handles("UpdateUser")
def apply_update_user(state: IamState, event: Event) -> None:
    """Rename a user or change its path: a new ARN for the same user."""
    name = text(event, "userName")
    if name is None:
        state.note("UpdateUser without userName")
        return
    user = ensure(state, state.users, User, "user", name)
    new_name = text(event, "newUserName") or user.name
    new_path = normalize_path(text(event, "newPath") or user.path)
    if new_name == user.name and new_path == user.path:
        return
    new_arn = iam_arn("user", user.account, new_name, new_path, partition(event))
    drop(state, state.users, "user", user)
    renamed = evolve(user, arn=new_arn, name=new_name, path=new_path)
    add(state, state.users, "user", renamed)
    if state.journal is not None:
        state.journal.renames[("user", new_arn)] = user.arn
    for group_arn in user.groups:
        group = state.groups.get(group_arn)
        if group is not None:
            members = (group.members - {user.arn}) | {new_arn}
            state.groups[group_arn] = evolve(group, members=members)
    for key_id in user.access_keys:
        key = state.access_keys.get(key_id)
        if key is not None:
            state.access_keys[key_id] = evolve(key, user_arn=new_arn)
            state.touch("access_key", key_id)
    for serial in user.mfa_devices:
        device = state.mfa_devices.get(serial)
        if device is not None:
            state.mfa_devices[serial] = evolve(device, user_arn=new_arn)
            state.touch("mfa_device", serial)


@handles("TagUser")
def apply_tag_user(state: IamState, event: Event) -> None:
    """Add or overwrite tags."""
    name = text(event, "userName")
    if name is None:
        state.note("TagUser without userName")
        return
    user = ensure(state, state.users, User, "user", name)
    tags = {**user.tags, **read_tags(event.param("tags"))}
    put(state, state.users, "user", evolve(user, tags=tags))


@handles("UntagUser")
def apply_untag_user(state: IamState, event: Event) -> None:
    """Remove tags by key."""
    name = text(event, "userName")
    if name is None:
        state.note("UntagUser without userName")
        return
    user = ensure(state, state.users, User, "user", name)
    keys = set(string_list(event.param("tagKeys")))
    tags = {key: value for key, value in user.tags.items() if key not in keys}
    put(state, state.users, "user", evolve(user, tags=tags))


@handles("CreateLoginProfile")
def apply_create_login_profile(state: IamState, event: Event) -> None:
    """A console password for a user (the root's own password is not IAM state)."""
    name = text(event, "userName") or (
        event.actor.user_name if event.actor.type == "IAMUser" else None
    )
    if name is None:
        return
    user = ensure(state, state.users, User, "user", name)
    if user.login_profile is not None:
        state.note(f"user {name} already had a console password in the state")
    profile = LoginProfile(event.time, flag(event.param("passwordResetRequired")))
    put(state, state.users, "user", evolve(user, login_profile=profile))


@handles("UpdateLoginProfile")
def apply_update_login_profile(state: IamState, event: Event) -> None:
    """A password reset (the password is never logged) or the reset-required flag."""
    name = text(event, "userName")
    if name is None:
        return
    user = ensure(state, state.users, User, "user", name)
    profile = user.login_profile
    if profile is None:
        state.note(f"UpdateLoginProfile for {name}, whose console password the state did not know")
        profile = LoginProfile(None)
    required = flag(event.param("passwordResetRequired"))
    if required is not None:
        profile = evolve(profile, password_reset_required=required)
    put(state, state.users, "user", evolve(user, login_profile=profile))


@handles("DeleteLoginProfile")
def apply_delete_login_profile(state: IamState, event: Event) -> None:
    """Remove a user's console password."""
    name = text(event, "userName")
    if name is None:
        return
    user = ensure(state, state.users, User, "user", name)
    if user.login_profile is None:
        state.note(f"DeleteLoginProfile for {name}, who had no console password in the state")
        return
    put(state, state.users, "user", evolve(user, login_profile=None))
