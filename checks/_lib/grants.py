"""What a policy write or attachment grants, and to whom (shared by the policy rules)."""

from __future__ import annotations

from dataclasses import dataclass

from auditor.events import Event
from auditor.iam.permissions import managed_document
from auditor.iam.state import IamState
from auditor.policy.document import PolicyDocument, parse_policy
from auditor.policy.managed import is_aws_managed_arn

PRINCIPAL_PARAMETER = {"User": "userName", "Group": "groupName", "Role": "roleName"}
INLINE = {f"Put{kind}Policy": kind for kind in PRINCIPAL_PARAMETER}
ATTACH = {f"Attach{kind}Policy": kind for kind in PRINCIPAL_PARAMETER}
VERSIONS = ("CreatePolicy", "CreatePolicyVersion", "SetDefaultPolicyVersion")
GRANT_EVENTS = frozenset({*INLINE, *ATTACH, *VERSIONS})


@dataclass(frozen=True)
class Grant:
    """A document that became effective (or creatable), where, and who now holds it."""

    document: PolicyDocument
    target: str
    policy: str
    holders: tuple[str, ...]
    aws_managed: bool = False


def principal_arn(state: IamState, event: Event, kind: str, name: str) -> str:
    """The ARN of a user, group or role named in a request (known or built)."""
    family = kind.lower()
    known = state.arn_for(family, event.account_id, name)
    return known or f"arn:aws:iam::{event.account_id}:{family}/{name}"


def holders(state: IamState, arn: str) -> tuple[str, ...]:
    """The users and roles whose permissions a change to ``arn`` affects (groups: members)."""
    group = state.groups.get(arn)
    if group is not None:
        return tuple(sorted(group.members))
    return (arn,) if ":group/" not in arn else ()


def attached_to(state: IamState, policy_arn: str) -> tuple[str, ...]:
    """Every user and role holding a managed policy, directly or through a group."""
    found: set[str] = set()
    for table in (state.users, state.roles):
        found.update(arn for arn, entity in table.items() if policy_arn in entity.attached)
    for arn, group in state.groups.items():
        if policy_arn in group.attached:
            found.update(holders(state, arn))
    return tuple(sorted(found))


def _policy_arn(event: Event) -> str:
    policy = event.response.get("policy") if event.response else None
    arn = policy.get("arn") if isinstance(policy, dict) else event.param("policyArn")
    name = event.param("policyName")
    return str(arn or (f"arn:aws:iam::{event.account_id}:policy/{name}" if name else "policy"))


def granted(event: Event, state: IamState) -> Grant | None:
    """The grant an event made, judged on the state after it; None when none or unknown."""
    kind = INLINE.get(event.name) or ATTACH.get(event.name)
    if kind is not None:
        target = principal_arn(state, event, kind, str(event.param(PRINCIPAL_PARAMETER[kind])))
        if event.name in ATTACH:
            policy = str(event.param("policyArn") or "")
            document = managed_document(state, policy)
            managed = is_aws_managed_arn(policy)
        else:
            policy = str(event.param("policyName") or "inline policy")
            document = parse_policy(event.documents.get("policyDocument"))
            managed = False
        if document is None:
            return None
        return Grant(document, target, policy, holders(state, target), managed)
    policy_arn = _policy_arn(event)
    if event.name == "SetDefaultPolicyVersion":
        document = managed_document(state, policy_arn)
    elif event.name == "CreatePolicyVersion" and event.param("setAsDefault") is not True:
        return None
    else:
        document = parse_policy(event.documents.get("policyDocument"))
    if document is None:
        return None
    return Grant(document, policy_arn, policy_arn, attached_to(state, policy_arn))
