"""Render an `AccountSpec` as the AWS CLI prints `aws iam get-account-authorization-details`."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from auditor.demo.baseline import AccountSpec, GroupSpec, PolicySpec, RoleSpec, UserSpec
from auditor.demo.ids import unique_id
from auditor.demo.org import policy_arn, role_arn, user_arn


def cli_time(moment: datetime) -> str:
    """The CLI's timestamp format: `2023-03-14T09:30:00+00:00`."""
    return moment.isoformat()


def _attached(arns: tuple[str, ...]) -> list[dict[str, str]]:
    return [{"PolicyName": arn.rsplit("/", 1)[-1], "PolicyArn": arn} for arn in arns]


def _inline(items: tuple[tuple[str, dict[str, Any]], ...]) -> list[dict[str, Any]]:
    return [{"PolicyName": name, "PolicyDocument": doc} for name, doc in items]


def _tags(tags: tuple[tuple[str, str], ...]) -> list[dict[str, str]]:
    return [{"Key": key, "Value": value} for key, value in tags]


def _role(account: str, role: RoleSpec) -> dict[str, Any]:
    summary = {  # what an instance profile lists of its role, and the start of the role's entry
        "Path": role.path,
        "RoleName": role.name,
        "RoleId": unique_id("AROA", f"{account}:role:{role.name}"),
        "Arn": role_arn(account, role.name, role.path),
        "CreateDate": cli_time(role.created),
        "AssumeRolePolicyDocument": role.trust,
    }
    profiles: list[dict[str, Any]] = []
    if role.instance_profile:
        profiles.append(
            {
                "Path": "/",
                "InstanceProfileName": role.name,
                "InstanceProfileId": unique_id("AIPA", f"{account}:profile:{role.name}"),
                "Arn": f"arn:aws:iam::{account}:instance-profile/{role.name}",
                "CreateDate": cli_time(role.created),
                "Roles": [dict(summary)],
            }
        )
    return {
        **summary,
        "InstanceProfileList": profiles,
        "RolePolicyList": _inline(role.inline),
        "AttachedManagedPolicies": _attached(role.attached),
        "Tags": _tags(role.tags),
        "RoleLastUsed": {},
    }


def _policy(account: str, spec: PolicySpec, attachments: int) -> dict[str, Any]:
    count = len(spec.versions)
    return {
        "PolicyName": spec.name,
        "PolicyId": unique_id("ANPA", f"{account}:policy:{spec.name}"),
        "Arn": policy_arn(account, spec.name),
        "Path": "/",
        "DefaultVersionId": f"v{count}",
        "AttachmentCount": attachments,
        "PermissionsBoundaryUsageCount": 0,
        "IsAttachable": True,
        "Description": spec.description,
        "CreateDate": cli_time(spec.created),
        "UpdateDate": cli_time(spec.created + timedelta(days=30 * (count - 1))),
        "PolicyVersionList": [
            {
                "Document": doc,
                "VersionId": f"v{number}",
                "IsDefaultVersion": number == count,
                "CreateDate": cli_time(spec.created + timedelta(days=30 * (number - 1))),
            }
            for number, doc in sorted(enumerate(spec.versions, 1), reverse=True)
        ],
    }


def authorization_details(spec: AccountSpec) -> dict[str, Any]:
    """The whole document for one account (users, groups, roles, customer managed policies)."""
    account = spec.account
    users = [
        {
            "Path": "/",
            "UserName": user.name,
            "UserId": unique_id("AIDA", f"{account}:user:{user.name}"),
            "Arn": user_arn(account, user.name),
            "CreateDate": cli_time(user.created),
            "UserPolicyList": _inline(user.inline),
            "GroupList": list(user.groups),
            "AttachedManagedPolicies": _attached(user.attached),
            "Tags": _tags(user.tags),
        }
        for user in spec.users
    ]
    groups = [
        {
            "Path": "/",
            "GroupName": group.name,
            "GroupId": unique_id("AGPA", f"{account}:group:{group.name}"),
            "Arn": f"arn:aws:iam::{account}:group/{group.name}",
            "CreateDate": cli_time(group.created),
            "GroupPolicyList": [],
            "AttachedManagedPolicies": _attached(group.attached),
        }
        for group in spec.groups
    ]
    holders: list[UserSpec | GroupSpec | RoleSpec] = [*spec.users, *spec.groups, *spec.roles]
    attached = [arn for holder in holders for arn in holder.attached]
    return {
        "UserDetailList": users,
        "GroupDetailList": groups,
        "RoleDetailList": [_role(account, role) for role in spec.roles],
        "Policies": [
            _policy(account, p, attached.count(policy_arn(account, p.name))) for p in spec.policies
        ],
    }
