"""The IAM state of each account when the demo window opens, as `get-account-authorization-details`.

The AWS CLI prints documents as objects (it URL-decodes them) and times as ISO 8601 with `+00:00`.
`Policies` holds the customer managed policies (AWS managed ones are resolved from bundled data).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from auditor.demo import documents as d
from auditor.demo.org import (
    DEV,
    MANAGEMENT,
    PROD,
    SSO_ROLE_PATH,
    aws_policy,
    policy_arn,
    role_arn,
    sso_role_name,
)

Document = dict[str, Any]


@dataclass(frozen=True)
class RoleSpec:
    name: str
    trust: Document
    attached: tuple[str, ...] = ()
    inline: tuple[tuple[str, Document], ...] = ()
    path: str = "/"
    created: datetime = datetime(2023, 3, 14, 9, 30, tzinfo=UTC)
    tags: tuple[tuple[str, str], ...] = ()
    instance_profile: bool = False


@dataclass(frozen=True)
class UserSpec:
    name: str
    groups: tuple[str, ...] = ()
    attached: tuple[str, ...] = ()
    inline: tuple[tuple[str, Document], ...] = ()
    created: datetime = datetime(2019, 6, 3, 16, 2, tzinfo=UTC)
    tags: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class GroupSpec:
    name: str
    attached: tuple[str, ...] = ()
    created: datetime = datetime(2019, 6, 3, 15, 40, tzinfo=UTC)


@dataclass(frozen=True)
class PolicySpec:
    name: str
    versions: tuple[Document, ...]
    description: str = ""
    created: datetime = datetime(2024, 1, 22, 11, 5, tzinfo=UTC)


@dataclass(frozen=True)
class AccountSpec:
    account: str
    users: tuple[UserSpec, ...] = ()
    groups: tuple[GroupSpec, ...] = ()
    roles: tuple[RoleSpec, ...] = ()
    policies: tuple[PolicySpec, ...] = field(default=())


# The role the intrusion backdoors (UpdateAssumeRolePolicy) and its trust before that.
BACKDOORED_ROLE = "ops-automation"
OPS_AUTOMATION_TRUST = d.account_trust(d.terraform_ci_arn())


def _common_roles(account: str) -> tuple[RoleSpec, ...]:
    roles = [
        RoleSpec(
            sso_role_name(account, "AdministratorAccess"),
            d.sso_trust(account),
            (aws_policy("AdministratorAccess"),),
            path=SSO_ROLE_PATH,
            created=datetime(2022, 9, 1, 13, 0, tzinfo=UTC),
        ),
        RoleSpec(
            sso_role_name(account, "ReadOnlyAccess"),
            d.sso_trust(account),
            (aws_policy("ReadOnlyAccess"),),
            path=SSO_ROLE_PATH,
            created=datetime(2022, 9, 1, 13, 0, tzinfo=UTC),
        ),
        RoleSpec(
            "AWSServiceRoleForSSO",
            d.service_trust("sso.amazonaws.com"),
            (aws_policy("aws-service-role/AWSSSOServiceRolePolicy"),),
            path="/aws-service-role/sso.amazonaws.com/",
            created=datetime(2022, 9, 1, 12, 55, tzinfo=UTC),
        ),
    ]
    if account != MANAGEMENT:
        roles += [
            RoleSpec(
                "OrganizationAccountAccessRole",
                d.account_trust(f"arn:aws:iam::{MANAGEMENT}:root"),
                (aws_policy("AdministratorAccess"),),
                created=datetime(2022, 8, 30, 10, 12, tzinfo=UTC),
            ),
            RoleSpec(
                "terraform-deployer",
                d.account_trust(d.terraform_ci_arn()),
                (aws_policy("AdministratorAccess"),),
            ),
            RoleSpec(
                "CloudFormationExecutionRole",
                d.service_trust("cloudformation.amazonaws.com"),
                (aws_policy("AdministratorAccess"),),
            ),
        ]
    return tuple(roles)


def _management() -> AccountSpec:
    ci_permissions = d.policy(
        d.allow("sts:AssumeRole", "arn:aws:iam::*:role/terraform-deployer", "AssumeDeployer"),
        d.allow(
            ["s3:GetObject", "s3:PutObject", "s3:ListBucket"],
            ["arn:aws:s3:::acme-terraform-state", "arn:aws:s3:::acme-terraform-state/*"],
            "State",
        ),
    )
    return AccountSpec(
        MANAGEMENT,
        users=(
            UserSpec(
                "breakglass-admin",
                attached=(aws_policy("AdministratorAccess"),),
                created=datetime(2022, 8, 30, 9, 0, tzinfo=UTC),
                tags=(("purpose", "emergency-access"),),
            ),
        ),
        roles=(
            *_common_roles(MANAGEMENT),
            RoleSpec(
                "terraform-ci",
                d.github_oidc_trust(),
                (aws_policy("AdministratorAccess"),),
                (("assume-deployer", ci_permissions),),
            ),
            RoleSpec(
                "security-audit",
                d.account_trust(
                    role_arn(MANAGEMENT, sso_role_name(MANAGEMENT, "ReadOnlyAccess"), SSO_ROLE_PATH)
                ),
                (aws_policy("SecurityAudit"), policy_arn(MANAGEMENT, "cost-reporting")),
            ),
        ),
        policies=(
            PolicySpec("cost-reporting", (d.cost_reporting(1),), "Read costs and forecasts"),
        ),
    )


def _prod() -> AccountSpec:
    return AccountSpec(
        PROD,
        users=(
            UserSpec("alice", groups=("platform-engineers",), tags=(("team", "platform"),)),
            UserSpec(
                "reporting-bot",
                inline=(
                    (
                        "reports-read",
                        d.policy(
                            d.allow("s3:GetObject", "arn:aws:s3:::acme-prod-reports/*", "Reports")
                        ),
                    ),
                ),
                created=datetime(2021, 2, 11, 8, 45, tzinfo=UTC),
            ),
        ),
        groups=(
            GroupSpec(
                "platform-engineers", (aws_policy("IAMFullAccess"), aws_policy("ReadOnlyAccess"))
            ),
        ),
        roles=(
            *_common_roles(PROD),
            RoleSpec(
                BACKDOORED_ROLE,
                OPS_AUTOMATION_TRUST,
                (aws_policy("AdministratorAccess"),),
                created=datetime(2022, 11, 7, 14, 20, tzinfo=UTC),
            ),
            RoleSpec(
                "orders-api-lambda",
                d.service_trust("lambda.amazonaws.com"),
                (aws_policy("service-role/AWSLambdaBasicExecutionRole"),),
                (
                    (
                        "orders-table",
                        d.policy(
                            d.allow(
                                ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
                                f"arn:aws:dynamodb:*:{PROD}:table/orders",
                            )
                        ),
                    ),
                ),
                tags=(("service", "orders"),),
            ),
            RoleSpec(
                "orders-worker-task",
                d.service_trust("ecs-tasks.amazonaws.com"),
                (policy_arn(PROD, "orders-data-access"),),
            ),
            RoleSpec(
                "ecsTaskExecutionRole",
                d.service_trust("ecs-tasks.amazonaws.com"),
                (aws_policy("service-role/AmazonECSTaskExecutionRolePolicy"),),
            ),
            RoleSpec(
                "web-ec2-instance",
                d.service_trust("ec2.amazonaws.com"),
                (aws_policy("AmazonSSMManagedInstanceCore"),),
                instance_profile=True,
            ),
        ),
        policies=(
            PolicySpec(
                "orders-data-access",
                (d.orders_data_access(1, PROD), d.orders_data_access(2, PROD)),
                "Orders table access for workers",
            ),
        ),
    )


def _dev() -> AccountSpec:
    return AccountSpec(
        DEV,
        users=(
            UserSpec(
                "jenkins-legacy",
                attached=(aws_policy("PowerUserAccess"),),
                created=datetime(2020, 4, 17, 12, 0, tzinfo=UTC),
            ),
        ),
        roles=(
            *_common_roles(DEV),
            RoleSpec(
                "legacy-reporting-lambda",
                d.service_trust("lambda.amazonaws.com"),
                (aws_policy("service-role/AWSLambdaBasicExecutionRole"),),
                (
                    (
                        "reports-bucket",
                        d.policy(d.allow("s3:PutObject", "arn:aws:s3:::acme-dev-reports/*")),
                    ),
                ),
                created=datetime(2021, 5, 6, 10, 0, tzinfo=UTC),
            ),
            RoleSpec(
                "dev-ec2-instance",
                d.service_trust("ec2.amazonaws.com"),
                (aws_policy("AmazonSSMManagedInstanceCore"),),
                instance_profile=True,
            ),
        ),
    )


ACCOUNT_SPECS: tuple[AccountSpec, ...] = (_management(), _prod(), _dev())
