"""Replay handlers for groups and memberships."""

from __future__ import annotations

from auditor.events import Event
from auditor.iam.arns import iam_arn, normalize_path
from auditor.iam.handlers.common import (
    add,
    creation,
    drop,
    ensure,
    lookup,
    partition,
    put,
    replace_existing,
    text,
)
from auditor.iam.handlers.registry import handles
from auditor.iam.model import Group, User, evolve, field_positions, replaced
from auditor.iam.state import IamState

_GROUPS = field_positions(User)["groups"]
_MEMBERS = field_positions(Group)["members"]


def remove_group(state: IamState, group: Group) -> None:
    """Delete a group and the memberships the state still records."""
    for user_arn in group.members:
        user = state.users.get(user_arn)
        if user is not None:
            put(state, state.users, "user", evolve(user, groups=user.groups - {group.arn}))
    drop(state, state.groups, "group", group)


@handles("CreateGroup")
def apply_create_group(state: IamState, event: Event) -> None:
    """A new, empty group."""
    name = text(event, "groupName")
    if name is None:
        state.note("CreateGroup without groupName")
        return
    replace_existing(state, state.groups, "group", name, remove_group)
    new = creation(event, "group", name, "group", "groupId")
    add(
        state,
        state.groups,
        "group",
        Group(
            arn=new.arn,
            name=name,
            path=new.path,
            account=event.account_id,
            entity_id=new.entity_id,
            created=event.time,
            origin="event",
            origin_event=event.event_id,
        ),
    )


@handles("DeleteGroup")
def apply_delete_group(state: IamState, event: Event) -> None:
    """Remove a group."""
    name = text(event, "groupName")
    group = lookup(state, state.groups, "group", name) if name else None
    if group is None:
        state.note(f"DeleteGroup of a group the state does not know: {name}")
        return
    remove_group(state, group)


@handles("UpdateGroup")
def apply_update_group(state: IamState, event: Event) -> None:
    """Rename a group or change its path (a new ARN; members follow)."""
    name = text(event, "groupName")
    if name is None:
        state.note("UpdateGroup without groupName")
        return
    group = ensure(state, state.groups, Group, "group", name)
    new_name = text(event, "newGroupName") or group.name
    new_path = normalize_path(text(event, "newPath") or group.path)
    if new_name == group.name and new_path == group.path:
        return
    new_arn = iam_arn("group", group.account, new_name, new_path, partition(event))
    drop(state, state.groups, "group", group)
    add(state, state.groups, "group", evolve(group, arn=new_arn, name=new_name, path=new_path))
    if state.journal is not None:
        state.journal.renames[("group", new_arn)] = group.arn
    for user_arn in group.members:
        user = state.users.get(user_arn)
        if user is not None:
            groups = (user.groups - {group.arn}) | {new_arn}
            put(state, state.users, "user", evolve(user, groups=groups))


def _member_and_group(state: IamState, event: Event) -> tuple[User, Group] | None:
    user_name, group_name = text(event, "userName"), text(event, "groupName")
    if user_name is None or group_name is None:
        state.note(f"{event.name} without userName or groupName")
        return None
    user = ensure(state, state.users, User, "user", user_name)
    group = ensure(state, state.groups, Group, "group", group_name)
    return user, group


@handles("AddUserToGroup")
def apply_add_user_to_group(state: IamState, event: Event) -> None:
    """Make a user a member of a group."""
    pair = _member_and_group(state, event)
    if pair is None:
        return
    user, group = pair
    if group.arn in user.groups:
        return
    put(state, state.users, "user", replaced(user, _GROUPS, user.groups | {group.arn}))
    state.groups[group.arn] = replaced(group, _MEMBERS, group.members | {user.arn})


@handles("RemoveUserFromGroup")
def apply_remove_user_from_group(state: IamState, event: Event) -> None:
    """End a user's membership of a group."""
    pair = _member_and_group(state, event)
    if pair is None:
        return
    user, group = pair
    if group.arn not in user.groups:
        state.note(f"{user.name} was not a member of {group.name} in the state")
        return
    put(state, state.users, "user", replaced(user, _GROUPS, user.groups - {group.arn}))
    state.groups[group.arn] = replaced(group, _MEMBERS, group.members - {user.arn})
