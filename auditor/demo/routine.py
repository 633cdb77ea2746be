"""Everyday, legitimate IAM changes over the two weeks, made by Terraform and CloudFormation.

prod: a webhook Lambda role (Nov 3), the Datadog integration role trusting Datadog's account with
an ExternalId (Nov 5), a tag (Nov 6), a new default version of `orders-data-access` (Nov 10), a
Step Functions role from a stack (Nov 11). management: a new managed policy (Nov 4), a read-only
AWS policy on `security-audit` (Nov 5), a new default version of `cost-reporting` (Nov 10).
dev: a stack's Lambda role (Nov 4, deleted Nov 14), the retirement of `legacy-reporting-lambda`
(Nov 9, 23:52; its DeleteRole is delivered hours late), a Glue role whose oversized inline policy
is logged as `requestParameters too large` (Nov 13).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from auditor.demo import documents as d
from auditor.demo.envelope import Recorder
from auditor.demo.iamcalls import (
    Caller,
    attach,
    create_policy,
    create_policy_version,
    create_role,
    delete_inline,
    detach,
    iam_call,
    put_inline,
    read,
    tag_role,
)
from auditor.demo.org import DEV, MANAGEMENT, PROD, aws_policy, policy_arn
from auditor.demo.pipelines import cloudformation_session, terraform_run

OMITTED = {"reason": "requestParameters too large", "omitted": True}
LAMBDA_BASIC = aws_policy("service-role/AWSLambdaBasicExecutionRole")
RESIZER_ROLE = "image-resizer-ResizeFunctionRole-1J8KX2PZ3QW4E"
RECONCILE_ROLE = "orders-reconcile-StateMachineRole-7HQ2M4XW9ZC1"
GLUE_ROLE = "data-pipeline-GlueJobRole-Q3V8N1TB6KDS"


def _at(day: int, clock: str) -> datetime:
    hour, minute = (int(part) for part in clock.split(":"))
    return datetime(2026, 11, day, hour, minute, 7, tzinfo=UTC)


def _after(caller: Caller, rec: Recorder, at: datetime, role: str) -> datetime:
    """Terraform reads back what it created (GetRole, ListRolePolicies…)."""
    for name in ("GetRole", "ListRolePolicies", "ListAttachedRolePolicies"):
        at += timedelta(seconds=1)
        read(rec, caller, at, name, roleName=role)
    return at


def _prod(rec: Recorder) -> None:
    tf, at = terraform_run(rec, PROD, _at(3, "14:12"), "11842")
    trust = d.service_trust("lambda.amazonaws.com")
    tags = (("team", "payments"), ("managed-by", "terraform"))
    create_role(rec, tf, at + timedelta(seconds=3), "payments-webhook-lambda", trust, tags=tags)
    webhook = d.policy(
        d.allow("sqs:SendMessage", f"arn:aws:sqs:us-east-1:{PROD}:payments-events", "Queue"),
        d.allow("dynamodb:PutItem", f"arn:aws:dynamodb:us-east-1:{PROD}:table/payments", "Tbl"),
    )
    put_inline(
        rec, tf, at + timedelta(seconds=5), "role", "payments-webhook-lambda", "webhook", webhook
    )
    attach(rec, tf, at + timedelta(seconds=6), "role", "payments-webhook-lambda", LAMBDA_BASIC)
    _after(tf, rec, at + timedelta(seconds=7), "payments-webhook-lambda")

    tf, at = terraform_run(rec, PROD, _at(5, "15:30"), "11907")
    create_role(
        rec,
        tf,
        at + timedelta(seconds=2),
        "DatadogIntegrationRole",
        d.datadog_trust(),
        description="Datadog AWS integration",
        tags=(("vendor", "datadog"),),
    )
    attach(
        rec,
        tf,
        at + timedelta(seconds=4),
        "role",
        "DatadogIntegrationRole",
        aws_policy("SecurityAudit"),
    )
    put_inline(
        rec,
        tf,
        at + timedelta(seconds=5),
        "role",
        "DatadogIntegrationRole",
        "datadog-integration",
        d.datadog_integration(),
    )
    _after(tf, rec, at + timedelta(seconds=6), "DatadogIntegrationRole")

    tf, at = terraform_run(rec, PROD, _at(6, "10:02"), "11931")
    tag_role(rec, tf, at + timedelta(seconds=2), "orders-api-lambda", (("cost-center", "cc-1042"),))

    tf, at = terraform_run(rec, PROD, _at(10, "16:45"), "12016")
    read(
        rec,
        tf,
        at + timedelta(seconds=1),
        "GetPolicy",
        policyArn=policy_arn(PROD, "orders-data-access"),
    )
    create_policy_version(
        rec, tf, at + timedelta(seconds=3), "orders-data-access", d.orders_data_access(3, PROD), 3
    )

    cfn = cloudformation_session(rec, PROD, _at(11, "13:20"))
    at = _at(11, "13:20") + timedelta(seconds=9)
    create_role(rec, cfn, at, RECONCILE_ROLE, d.service_trust("states.amazonaws.com"))
    machine = d.policy(
        d.allow(
            "lambda:InvokeFunction", f"arn:aws:lambda:us-east-1:{PROD}:function:orders-reconcile-*"
        )
    )
    put_inline(
        rec,
        cfn,
        at + timedelta(seconds=14),
        "role",
        RECONCILE_ROLE,
        "StateMachineRoleDefaultPolicy",
        machine,
    )


def _management(rec: Recorder) -> None:
    tf, at = terraform_run(rec, MANAGEMENT, _at(4, "11:05"), "11870")
    create_policy(
        rec,
        tf,
        at + timedelta(seconds=2),
        "org-billing-read",
        d.policy(
            d.allow(
                ["organizations:Describe*", "organizations:List*", "billing:Get*"],
                "*",
                "BillingRead",
            )
        ),
        "Read-only billing and organization view for finance",
    )
    tf, at = terraform_run(rec, MANAGEMENT, _at(5, "09:40"), "11899")
    attach(
        rec,
        tf,
        at + timedelta(seconds=2),
        "role",
        "security-audit",
        aws_policy("job-function/ViewOnlyAccess"),
    )
    tf, at = terraform_run(rec, MANAGEMENT, _at(10, "11:30"), "12004")
    create_policy_version(
        rec, tf, at + timedelta(seconds=2), "cost-reporting", d.cost_reporting(2), 2
    )


def _dev(rec: Recorder) -> None:
    cfn = cloudformation_session(rec, DEV, _at(4, "16:20"))
    at = _at(4, "16:20") + timedelta(seconds=11)
    create_role(
        rec,
        cfn,
        at,
        RESIZER_ROLE,
        d.service_trust("lambda.amazonaws.com"),
        tags=(("aws:cloudformation:stack-name", "image-resizer"),),
    )
    attach(rec, cfn, at + timedelta(seconds=12), "role", RESIZER_ROLE, LAMBDA_BASIC)
    attach(
        rec,
        cfn,
        at + timedelta(seconds=12),
        "role",
        RESIZER_ROLE,
        aws_policy("AmazonS3ReadOnlyAccess"),
    )
    thumbs = d.policy(d.allow("s3:PutObject", "arn:aws:s3:::acme-dev-thumbnails/*"))
    put_inline(
        rec,
        cfn,
        at + timedelta(seconds=13),
        "role",
        RESIZER_ROLE,
        "ResizeFunctionRoleDefaultPolicy",
        thumbs,
    )

    tf, at = terraform_run(rec, DEV, _at(9, "23:51"), "11987")
    role = "legacy-reporting-lambda"
    read(rec, tf, at + timedelta(seconds=2), "ListRolePolicies", roleName=role)
    read(rec, tf, at + timedelta(seconds=2), "ListAttachedRolePolicies", roleName=role)
    delete_inline(rec, tf, at + timedelta(seconds=4), "role", role, "reports-bucket")
    detach(rec, tf, at + timedelta(seconds=4), "role", role, LAMBDA_BASIC)
    read(rec, tf, at + timedelta(seconds=5), "ListInstanceProfilesForRole", roleName=role)
    iam_call(
        rec,
        tf,
        at + timedelta(seconds=6),
        "DeleteRole",
        {"roleName": role},
        late_by=timedelta(hours=3, minutes=20),
        addendum={"reason": "DELIVERY_DELAY"},
    )

    cfn = cloudformation_session(rec, DEV, _at(13, "14:40"))
    at = _at(13, "14:40") + timedelta(seconds=10)
    create_role(rec, cfn, at, GLUE_ROLE, d.service_trust("glue.amazonaws.com"))
    attach(
        rec,
        cfn,
        at + timedelta(seconds=11),
        "role",
        GLUE_ROLE,
        aws_policy("service-role/AWSGlueServiceRole"),
    )
    iam_call(rec, cfn, at + timedelta(seconds=12), "PutRolePolicy", OMITTED)

    cfn = cloudformation_session(rec, DEV, _at(14, "10:15"))
    at = _at(14, "10:15") + timedelta(seconds=8)
    delete_inline(rec, cfn, at, "role", RESIZER_ROLE, "ResizeFunctionRoleDefaultPolicy")
    detach(rec, cfn, at + timedelta(seconds=1), "role", RESIZER_ROLE, LAMBDA_BASIC)
    detach(
        rec,
        cfn,
        at + timedelta(seconds=1),
        "role",
        RESIZER_ROLE,
        aws_policy("AmazonS3ReadOnlyAccess"),
    )
    iam_call(rec, cfn, at + timedelta(seconds=3), "DeleteRole", {"roleName": RESIZER_ROLE})


def build_routine() -> Recorder:
    """All legitimate IAM changes of the window (with their STS preamble)."""
    rec = Recorder("routine")
    _management(rec)
    _prod(rec)
    _dev(rec)
    return rec
