"""Admin equivalence and risky grants on real AWS managed policies and small shapes."""

from __future__ import annotations

from typing import Any

from auditor.policy.document import PolicyDocument, parse_policy
from auditor.policy.managed import lookup_aws_managed_policy
from auditor.policy.privesc import find_privesc_paths
from auditor.policy.risk import (
    actions_on_all_resources,
    is_admin_equivalent,
    resource_scope,
    risky_grants,
)


def doc(*statements: dict[str, Any]) -> PolicyDocument:
    document = parse_policy({"Version": "2012-10-17", "Statement": list(statements)})
    assert document is not None
    return document


def managed(name: str) -> PolicyDocument:
    policy = lookup_aws_managed_policy(name)
    assert policy is not None
    return policy.document


def test_managed_admin_equivalence() -> None:
    assert is_admin_equivalent(managed("AdministratorAccess"))
    assert not is_admin_equivalent(managed("PowerUserAccess"))
    assert not is_admin_equivalent(managed("IAMFullAccess"))
    assert not is_admin_equivalent(managed("ReadOnlyAccess"))
    assert is_admin_equivalent([managed("IAMFullAccess"), doc(_allow("sts:AssumeRole"))])


def test_admin_shapes() -> None:
    assert is_admin_equivalent(doc(_allow("*:*")))
    assert is_admin_equivalent(
        doc({"Effect": "Allow", "NotAction": "aws-portal:*", "Resource": "*"})
    )
    assert not is_admin_equivalent(doc({"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}))
    scoped = {"Effect": "Allow", "Action": "*", "Resource": "arn:aws:s3:::bucket/*"}
    assert not is_admin_equivalent(doc(scoped))
    denied = {"Effect": "Deny", "Action": "iam:*", "Resource": "*"}
    assert not is_admin_equivalent(doc(_allow("*"), denied))
    assert is_admin_equivalent(frozenset(managed_actions("AdministratorAccess")))


def managed_actions(name: str) -> frozenset[str]:
    return actions_on_all_resources([managed(name)])


def test_resource_scope() -> None:
    (statement,) = doc(_allow("s3:GetObject")).statements
    assert resource_scope(statement) == "all"
    (statement,) = doc(
        {"Effect": "Allow", "Action": "s3:*", "NotResource": "arn:aws:s3:::x"}
    ).statements
    assert resource_scope(statement) == "all-except"
    (statement,) = doc(
        {"Effect": "Allow", "Action": "s3:*", "Resource": "arn:aws:s3:::x"}
    ).statements
    assert resource_scope(statement) == "scoped"


def test_risky_grants_categories() -> None:
    document = doc(
        _allow(
            ["s3:GetObject", "iam:CreateAccessKey", "cloudtrail:StopLogging", "iam:PutRolePolicy"]
        ),
        {
            "Effect": "Allow",
            "Action": ["sts:AssumeRole", "iam:AttachRolePolicy"],
            "Resource": "arn:aws:iam::1:role/x",
        },
    )
    summary = risky_grants(document)
    assert not summary.admin
    assert summary.data_access == ("s3:GetObject",)
    assert summary.credential_exposure == ("iam:CreateAccessKey",)  # AssumeRole is scoped
    assert summary.logging_tampering == ("cloudtrail:StopLogging",)
    assert summary.permissions_management == ("iam:PutRolePolicy",)  # AttachRolePolicy is scoped
    ids = {match.path_id for match in summary.privesc}
    assert {"iam-002", "iam-005", "iam-009", "iam-014", "iam-017"} <= ids
    assert summary.any


def test_risky_grants_on_action_set_counts_everything_on_star() -> None:
    summary = risky_grants({"sts:assumerole", "ssm:GetParametersByPath"})
    assert summary.credential_exposure == ("sts:AssumeRole",)
    assert summary.data_access == ("ssm:GetParametersByPath",)


def test_nothing_risky() -> None:
    summary = risky_grants(doc(_allow("s3:ListAllMyBuckets")))
    assert not summary.any


def test_managed_policies_risk() -> None:
    admin = risky_grants(managed("AdministratorAccess"))
    assert admin.admin and len(admin.permissions_management) > 300
    power = risky_grants(managed("PowerUserAccess"))
    assert not power.admin
    assert "iam:PutRolePolicy" not in power.permissions_management
    assert "lambda-003" in {match.path_id for match in power.privesc}
    iam_full = risky_grants(managed("IAMFullAccess"))
    assert not iam_full.admin and "iam:AttachUserPolicy" in iam_full.permissions_management
    assert "iam-008" in {match.path_id for match in iam_full.privesc}


def test_privesc_across_policies_needs_the_union() -> None:
    pass_role = {"iam:PassRole"}
    run = {"ec2:RunInstances"}
    assert "ec2-001" not in {m.path_id for m in find_privesc_paths(pass_role)}
    found = {m.path_id: m for m in find_privesc_paths(pass_role | run)}
    assert found["ec2-001"].actions == ("iam:PassRole", "ec2:RunInstances")
    assert found["ec2-001"].link == "https://pathfinding.cloud/paths/ec2-001"
    lowered = find_privesc_paths({"IAM:passrole", "ec2:runinstances"})
    assert "ec2-001" in {m.path_id for m in lowered}
    assumed = find_privesc_paths({"sts:AssumeRole"}, include_target_dependent=False)
    assert assumed == ()


def _allow(action: str | list[str]) -> dict[str, Any]:
    return {"Effect": "Allow", "Action": action, "Resource": "*"}
