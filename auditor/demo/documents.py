"""Policy documents of the demo: trust policies and permission policies, as Python objects."""

from __future__ import annotations

from typing import Any

from auditor.demo.org import DATADOG, MANAGEMENT, SSO_PROVIDER

Document = dict[str, Any]
V = "2012-10-17"

DATADOG_EXTERNAL_ID = "6d1b0c4a0f8e4d2c9a7b3e5f1c2d4e6a"


def service_trust(*services: str) -> Document:
    principal: str | list[str] = services[0] if len(services) == 1 else list(services)
    return {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Principal": {"Service": principal}, "Action": "sts:AssumeRole"}
        ],
    }


def account_trust(principal_arn: str) -> Document:
    return {
        "Version": V,
        "Statement": [
            {"Effect": "Allow", "Principal": {"AWS": principal_arn}, "Action": "sts:AssumeRole"}
        ],
    }


def sso_trust(account: str) -> Document:
    return {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": f"arn:aws:iam::{account}:saml-provider/{SSO_PROVIDER}"},
                "Action": ["sts:AssumeRoleWithSAML", "sts:TagSession"],
                "Condition": {"StringEquals": {"SAML:aud": "https://signin.aws.amazon.com/saml"}},
            }
        ],
    }


def github_oidc_trust() -> Document:
    provider = f"arn:aws:iam::{MANAGEMENT}:oidc-provider/token.actions.githubusercontent.com"
    return {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"Federated": provider},
                "Action": "sts:AssumeRoleWithWebIdentity",
                "Condition": {
                    "StringEquals": {
                        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com"
                    },
                    "StringLike": {
                        "token.actions.githubusercontent.com:sub": "repo:acme/infrastructure:*"
                    },
                },
            }
        ],
    }


def datadog_trust() -> Document:
    """The vendor trust done right: Datadog's account, constrained by an external id."""
    return {
        "Version": V,
        "Statement": [
            {
                "Effect": "Allow",
                "Principal": {"AWS": f"arn:aws:iam::{DATADOG}:root"},
                "Action": "sts:AssumeRole",
                "Condition": {"StringEquals": {"sts:ExternalId": DATADOG_EXTERNAL_ID}},
            }
        ],
    }


def terraform_ci_arn() -> str:
    return f"arn:aws:iam::{MANAGEMENT}:role/terraform-ci"


def allow(actions: str | list[str], resources: str | list[str], sid: str | None = None) -> Document:
    statement: Document = {"Effect": "Allow", "Action": actions, "Resource": resources}
    if sid:
        statement = {"Sid": sid, **statement}
    return statement


def policy(*statements: Document) -> Document:
    return {"Version": V, "Statement": list(statements)}


LOGS = allow(
    ["logs:CreateLogStream", "logs:PutLogEvents"],
    "arn:aws:logs:*:*:log-group:/aws/lambda/*",
)


def orders_data_access(version: int, account: str) -> Document:
    """The customer managed policy `orders-data-access`, v1..v3 (each one a bit wider)."""
    table = f"arn:aws:dynamodb:us-east-1:{account}:table/orders"
    actions = ["dynamodb:GetItem", "dynamodb:Query"]
    if version >= 2:
        actions += ["dynamodb:PutItem", "dynamodb:UpdateItem"]
    resources: list[str] = [table]
    if version >= 3:
        resources.append(f"{table}/index/*")
    return policy(allow(actions, resources, "OrdersTable"))


def cost_reporting(version: int) -> Document:
    actions = ["ce:GetCostAndUsage", "ce:GetCostForecast"]
    if version >= 2:
        actions += ["cur:DescribeReportDefinitions", "budgets:ViewBudget"]
    return policy(allow(actions, "*", "CostRead"))


def datadog_integration() -> Document:
    return policy(
        allow(
            [
                "apigateway:GET",
                "autoscaling:Describe*",
                "cloudwatch:Describe*",
                "cloudwatch:Get*",
                "cloudwatch:List*",
                "ec2:Describe*",
                "ecs:Describe*",
                "ecs:List*",
                "lambda:List*",
                "logs:DescribeLogGroups",
                "logs:FilterLogEvents",
                "rds:Describe*",
                "s3:GetBucketTagging",
                "sqs:ListQueues",
                "tag:GetResources",
            ],
            "*",
            "DatadogAWSIntegration",
        )
    )
