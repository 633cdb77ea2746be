"""How changes reach the accounts: Terraform from GitHub Actions, and CloudFormation stacks."""

from __future__ import annotations

from datetime import datetime, timedelta

from auditor.demo.envelope import Recorder, assumed_role, aws_service
from auditor.demo.iamcalls import Caller
from auditor.demo.ids import access_key_id, stable_uuid, unique_id
from auditor.demo.org import CI_IP, MANAGEMENT, TERRAFORM_AGENT
from auditor.demo.sts import assume_role, credentials, get_caller_identity

OIDC = f"arn:aws:iam::{MANAGEMENT}:oidc-provider/token.actions.githubusercontent.com"
GITHUB_SUBJECT = "repo:acme/infrastructure:ref:refs/heads/main"
ACTIONS_AGENT = (
    "aws-sdk-nodejs/2.1692.0 linux/v20.18.0 configure-aws-credentials-for-github-actions"
)
CFN = "cloudformation.amazonaws.com"


def _web_identity(rec: Recorder, at: datetime, session: str) -> None:
    """GitHub Actions exchanging its OIDC token for the `terraform-ci` role (management)."""
    key = f"oidc:{session}:{at.isoformat()}"
    identity = {
        "type": "WebIdentityUser",
        "principalId": f"{OIDC}:sts.amazonaws.com:{GITHUB_SUBJECT}",
        "userName": GITHUB_SUBJECT,
        "identityProvider": OIDC,
    }
    response = {
        "credentials": credentials(key, at, 3600),
        "subjectFromWebIdentityToken": GITHUB_SUBJECT,
        "assumedRoleUser": {
            "assumedRoleId": f"{unique_id('AROA', f'{MANAGEMENT}:role:terraform-ci')}:{session}",
            "arn": f"arn:aws:sts::{MANAGEMENT}:assumed-role/terraform-ci/{session}",
        },
        "provider": OIDC,
        "audience": "sts.amazonaws.com",
    }
    rec.add(
        at=at,
        identity=identity,
        source="sts.amazonaws.com",
        name="AssumeRoleWithWebIdentity",
        region="us-east-1",
        account=MANAGEMENT,
        ip=CI_IP,
        agent=ACTIONS_AGENT,
        request={
            "roleArn": f"arn:aws:iam::{MANAGEMENT}:role/terraform-ci",
            "roleSessionName": session,
            "durationSeconds": 3600,
        },
        response=response,
        additional={"identityProviderConnectionVerificationMethod": "IAMTrustStore"},
        read_only=True,
        resources=[
            {
                "accountId": MANAGEMENT,
                "type": "AWS::IAM::Role",
                "ARN": f"arn:aws:iam::{MANAGEMENT}:role/terraform-ci",
            }
        ],
        shared=True,
        tls_host="sts.amazonaws.com",
    )


def terraform_run(rec: Recorder, account: str, at: datetime, run: str) -> tuple[Caller, datetime]:
    """Start a Terraform run against `account`; returns its IAM caller and the time it is ready.

    Logs the OIDC exchange, GetCallerIdentity and, for member accounts, both copies of the
    AssumeRole into `terraform-deployer` (same sharedEventID, one per account).
    """
    session = f"GitHubActions-{run}"
    _web_identity(rec, at, session)
    ci_created = at
    ci_key = access_key_id("ASIA", f"oidc:{session}:{at.isoformat()}")
    ci = assumed_role(MANAGEMENT, "terraform-ci", session, ci_key, ci_created)
    agent = TERRAFORM_AGENT.format(api="sts")
    at += timedelta(seconds=6)
    get_caller_identity(
        rec, at=at, identity=ci, account=MANAGEMENT, region="us-east-1", ip=CI_IP, agent=agent
    )
    if account == MANAGEMENT:
        return Caller(ci, MANAGEMENT, CI_IP, TERRAFORM_AGENT.format(api="iam")), at
    at += timedelta(seconds=2)
    deploy_session = f"terraform-{run}"
    shared = stable_uuid(f"terraform:shared:{account}:{run}")
    owner_view = {
        "type": "AWSAccount",
        "principalId": ci["principalId"],
        "accountId": MANAGEMENT,
    }
    for identity, recipient in ((ci, MANAGEMENT), (owner_view, account)):
        assume_role(
            rec,
            at=at,
            identity=identity,
            account=account,
            role="terraform-deployer",
            session=deploy_session,
            region="us-east-1",
            ip=CI_IP,
            agent=agent,
            recipient=recipient,
            shared_id=shared,
        )
    key = f"{account}:terraform-deployer:{deploy_session}:{at.isoformat()}"
    deployer = assumed_role(
        account, "terraform-deployer", deploy_session, access_key_id("ASIA", key), at
    )
    return Caller(deployer, account, CI_IP, TERRAFORM_AGENT.format(api="iam")), at


def cloudformation_session(rec: Recorder, account: str, at: datetime) -> Caller:
    """CloudFormation assuming its service role for a stack operation; returns the IAM caller."""
    assume_role(
        rec,
        at=at,
        identity=aws_service(CFN),
        account=account,
        role="CloudFormationExecutionRole",
        session="AWSCloudFormation",
        region="us-east-1",
        ip=CFN,
        agent=CFN,
        tls=False,
    )
    key = f"{account}:CloudFormationExecutionRole:AWSCloudFormation:{at.isoformat()}"
    identity = assumed_role(
        account,
        "CloudFormationExecutionRole",
        "AWSCloudFormation",
        access_key_id("ASIA", key),
        at,
        invoked_by=CFN,
    )
    return Caller(identity, account, CFN, CFN, tls=False)
