"""Replay handlers for customer managed policies and their versions."""

from __future__ import annotations

from auditor.events import Event
from auditor.iam.arns import account_of, parse_iam_arn
from auditor.iam.handlers.common import (
    creation,
    flag,
    put_policy,
    read_tags,
    require_document,
    response_part,
    string_list,
    text,
)
from auditor.iam.handlers.registry import handles
from auditor.iam.model import ManagedPolicy, PolicyVersion, build, evolve
from auditor.iam.state import IamState


def _policy(state: IamState, event: Event) -> ManagedPolicy | None:
    """The policy named by ``policyArn``, created "origin unknown" when unseen."""
    arn = text(event, "policyArn")
    if arn is None:
        state.note(f"{event.name} without policyArn")
        return None
    found = state.policies.get(arn)
    if found is not None:
        return found
    account = account_of(arn)
    if account == "aws":
        state.note(f"{event.name} on the AWS managed policy {arn}")
        return None
    parts = parse_iam_arn(arn)
    policy = ManagedPolicy(
        arn,
        parts.name if parts else arn.rsplit("/", 1)[-1],
        parts.path if parts else "/",
        account or event.account_id,
        origin="unknown",
        origin_event=event.event_id,
    )
    put_policy(state, policy)
    return policy


def _next_version(policy: ManagedPolicy) -> str:
    numbers = [int(v[1:]) for v in policy.versions if v[:1] == "v" and v[1:].isdigit()]
    return f"v{max(numbers, default=0) + 1}"


@handles("CreatePolicy")
def apply_create_policy(state: IamState, event: Event) -> None:
    """A new customer managed policy; its document is version v1."""
    name = text(event, "policyName")
    if name is None:
        state.note("CreatePolicy without policyName")
        return
    new = creation(event, "policy", name, "policy", "policyId")
    if new.arn in state.policies:
        state.note(f"policy {new.arn} already existed in the state; replaced")
    default = new.response.get("defaultVersionId")
    version_id = default if isinstance(default, str) else "v1"
    document = require_document(state, event)
    put_policy(
        state,
        ManagedPolicy(
            arn=new.arn,
            name=name,
            path=new.path,
            account=event.account_id,
            default_version=version_id,
            versions={version_id: PolicyVersion(version_id, document, event.time)},
            description=text(event, "description"),
            tags=read_tags(event.param("tags")),
            entity_id=new.entity_id,
            created=event.time,
            origin="event",
            origin_event=event.event_id,
        ),
    )


def _detach_everywhere(state: IamState, arn: str) -> None:
    for user in [u for u in state.users.values() if arn in u.attached or u.boundary == arn]:
        boundary = None if user.boundary == arn else user.boundary
        state.users[user.arn] = evolve(user, attached=user.attached - {arn}, boundary=boundary)
        state.touch("user", user.arn)
    for group in [g for g in state.groups.values() if arn in g.attached]:
        state.groups[group.arn] = evolve(group, attached=group.attached - {arn})
        state.touch("group", group.arn)
    for role in [r for r in state.roles.values() if arn in r.attached or r.boundary == arn]:
        boundary = None if role.boundary == arn else role.boundary
        state.roles[role.arn] = evolve(role, attached=role.attached - {arn}, boundary=boundary)
        state.touch("role", role.arn)


@handles("DeletePolicy")
def apply_delete_policy(state: IamState, event: Event) -> None:
    """Remove a policy (IAM requires it detached; leftovers in the state are detached)."""
    arn = text(event, "policyArn")
    policy = state.policies.get(arn) if arn else None
    if arn is None or policy is None:
        state.note(f"DeletePolicy of a policy the state does not know: {arn}")
        return
    state.policies.pop(arn)
    state.names.discard("policy", policy.account, policy.name, arn)
    state.touch("policy", arn)
    _detach_everywhere(state, arn)


@handles("CreatePolicyVersion")
def apply_create_policy_version(state: IamState, event: Event) -> None:
    """A new version; the default when ``setAsDefault``."""
    policy = _policy(state, event)
    if policy is None:
        return
    created = response_part(event, "policyVersion")
    version_id = created.get("versionId")
    if not isinstance(version_id, str):
        version_id = _next_version(policy)
    document = require_document(state, event)
    version = build(PolicyVersion, (version_id, document, event.time))
    versions = {**policy.versions, version_id: version}
    default = version_id if flag(event.param("setAsDefault")) else policy.default_version
    put_policy(state, evolve(policy, versions=versions, default_version=default))


@handles("DeletePolicyVersion")
def apply_delete_policy_version(state: IamState, event: Event) -> None:
    """Delete a non-default version."""
    policy = _policy(state, event)
    version_id = text(event, "versionId")
    if policy is None or version_id is None:
        return
    if version_id not in policy.versions:
        state.note(f"version {version_id} of {policy.arn} was not in the state")
        return
    if version_id == policy.default_version:
        state.note(f"deleted version {version_id} of {policy.arn} was the default in the state")
    versions = {key: value for key, value in policy.versions.items() if key != version_id}
    default = None if version_id == policy.default_version else policy.default_version
    put_policy(state, evolve(policy, versions=versions, default_version=default))


@handles("SetDefaultPolicyVersion")
def apply_set_default_policy_version(state: IamState, event: Event) -> None:
    """Make another version effective (no document in the event: it comes from the state)."""
    policy = _policy(state, event)
    version_id = text(event, "versionId")
    if policy is None or version_id is None:
        if policy is not None:
            state.note("SetDefaultPolicyVersion without versionId")
        return
    versions = policy.versions
    if version_id not in versions:
        state.note(f"version {version_id} of {policy.arn} is unknown: its document is not known")
        versions = {**versions, version_id: PolicyVersion(version_id, None)}
    put_policy(state, evolve(policy, versions=versions, default_version=version_id))


@handles("TagPolicy", "UntagPolicy")
def apply_tag_policy(state: IamState, event: Event) -> None:
    """Add or remove tags of a policy."""
    policy = _policy(state, event)
    if policy is None:
        return
    if event.name == "TagPolicy":
        tags = {**policy.tags, **read_tags(event.param("tags"))}
    else:
        keys = set(string_list(event.param("tagKeys")))
        tags = {key: value for key, value in policy.tags.items() if key not in keys}
    put_policy(state, evolve(policy, tags=tags))
