"""Everyday IAM, STS and sign-in activity that changes nothing: the volume a reader must see past.

AWS services assuming their roles (Lambda, ECS, EC2, Step Functions, Glue, Identity Center),
Datadog polling its integration role (cross-account, with the ExternalId), Identity Center
sign-ins (AssumeRoleWithSAML then ConsoleLogin with `MFAUsed: No`), console reads, CLI
GetCallerIdentity, and the nightly `terraform plan` drift check in prod and dev.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

from auditor.demo.documents import DATADOG_EXTERNAL_ID
from auditor.demo.envelope import Recorder, aws_account, aws_service, iam_user, sso_session
from auditor.demo.iamcalls import Caller, read
from auditor.demo.ids import access_key_id, short_hex, unique_id
from auditor.demo.org import (
    BROWSER_AGENTS,
    CLI_AGENT,
    DATADOG,
    DATADOG_AGENT,
    DATADOG_IP,
    DEMO_WINDOW,
    DEV,
    MANAGEMENT,
    OFFICE_IPS,
    PEOPLE,
    PROD,
    policy_arn,
    sso_role_name,
)
from auditor.demo.pipelines import terraform_run
from auditor.demo.routine import GLUE_ROLE, RECONCILE_ROLE, RESIZER_ROLE
from auditor.demo.sts import assume_role, assume_role_with_saml, console_login
from auditor.demo.sts import get_caller_identity as caller_identity
from auditor.timeutil import format_instant

START, END = DEMO_WINDOW
# (account, role, service, region, session kind, every hours, active from, active until)
ServiceRole = tuple[str, str, str, str, str, int, datetime, datetime]


def _d(day: int, hour: int = 0, minute: int = 0) -> datetime:
    return START.replace(day=day, hour=hour, minute=minute)


SERVICE_ROLES: tuple[ServiceRole, ...] = (
    (PROD, "orders-api-lambda", "lambda", "us-east-1", "orders-api", 12, START, END),
    (PROD, "orders-api-lambda", "lambda", "eu-west-1", "orders-api", 16, START, END),
    (PROD, "orders-worker-task", "ecs-tasks", "us-east-1", "task", 12, START, END),
    (PROD, "ecsTaskExecutionRole", "ecs-tasks", "us-east-1", "task", 16, START, END),
    (PROD, "web-ec2-instance", "ec2", "us-east-1", "instance", 12, START, END),
    (
        PROD,
        "payments-webhook-lambda",
        "lambda",
        "us-east-1",
        "payments-webhook",
        16,
        _d(3, 15),
        END,
    ),
    (PROD, RECONCILE_ROLE, "states", "us-east-1", "exec", 24, _d(11, 14), END),
    (DEV, "dev-ec2-instance", "ec2", "eu-west-1", "instance", 16, START, END),
    (
        DEV,
        "legacy-reporting-lambda",
        "lambda",
        "eu-west-1",
        "legacy-reporting",
        24,
        START,
        _d(9, 23),
    ),
    (DEV, RESIZER_ROLE, "lambda", "eu-west-1", "image-resizer-Resize", 24, _d(4, 17), _d(14, 10)),
    (DEV, GLUE_ROLE, "glue", "us-east-1", "GlueJobRunnerSession", 24, _d(13, 16), END),
)


def _session_name(kind: str, rng: random.Random, at: datetime) -> str:
    if kind == "task":
        return short_hex(f"task:{at.isoformat()}:{rng.random()}", 32)
    if kind == "instance":
        return "i-0" + short_hex(f"instance:{rng.randrange(2)}", 16)
    if kind == "exec":
        return short_hex(f"exec:{at.isoformat()}", 32)
    return kind


def _ticks(rng: random.Random, every: int, begin: datetime, end: datetime) -> Iterator[datetime]:
    at = begin + timedelta(minutes=rng.randrange(every * 60))
    while at < end:
        yield at.replace(microsecond=0)
        at += timedelta(hours=every, minutes=rng.randrange(-25, 25), seconds=rng.randrange(60))


def _services(rec: Recorder, rng: random.Random) -> None:
    for account, role, service, region, kind, every, begin, end in SERVICE_ROLES:
        principal = f"{service}.amazonaws.com"
        for at in _ticks(rng, every, begin, end):
            assume_role(
                rec,
                at=at,
                identity=aws_service(principal),
                account=account,
                role=role,
                session=_session_name(kind, rng, at),
                region=region,
                ip=principal,
                agent=principal,
                tls=False,
            )
    for account in (MANAGEMENT, PROD, DEV):
        for at in _ticks(rng, 24, START, END):
            assume_role(
                rec,
                at=at,
                identity=aws_service("sso.amazonaws.com"),
                account=account,
                role="AWSServiceRoleForSSO",
                session="AWS-SSO",
                path="/aws-service-role/sso.amazonaws.com/",
                region="us-east-1",
                ip="sso.amazonaws.com",
                agent="sso.amazonaws.com",
                tls=False,
            )


def _datadog(rec: Recorder, rng: random.Random) -> None:
    caller = aws_account(DATADOG, unique_id("AROA", "datadog:integration") + ":datadog-aws")
    for at in _ticks(rng, 6, _d(5, 15, 45), END):
        assume_role(
            rec,
            at=at,
            identity=caller,
            account=PROD,
            role="DatadogIntegrationRole",
            session="DatadogAWSIntegration",
            region="us-east-1",
            ip=DATADOG_IP,
            agent=DATADOG_AGENT,
            duration=3600,
            external_id=DATADOG_EXTERNAL_ID,
        )


def _workdays() -> Iterator[datetime]:
    day = START
    while day < END:
        if day.weekday() < 5:
            yield day
        day += timedelta(days=1)


CONSOLE_READS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("ListRoles", {}),
    ("ListPolicies", {"scope": "Local", "onlyAttached": False}),
    ("GetAccountSummary", {}),
    ("ListUsers", {}),
)


def _sign_ins(rec: Recorder, rng: random.Random) -> None:
    people = sorted(PEOPLE)
    for day in _workdays():
        for person in people:
            if rng.random() < 0.3:
                continue
            admin = person.startswith(("maria", "dev."))
            permission_set = "AdministratorAccess" if admin else "ReadOnlyAccess"
            for account in rng.sample((MANAGEMENT, PROD, DEV), rng.choice((1, 1, 2))):
                at = day.replace(
                    hour=rng.randrange(13, 22), minute=rng.randrange(60), second=rng.randrange(60)
                )
                ip, agent = PEOPLE[person], BROWSER_AGENTS[people.index(person) % 3]
                role = sso_role_name(account, permission_set)
                assume_role_with_saml(
                    rec, at=at, account=account, role=role, person=person, ip=ip, agent=agent
                )
                key = access_key_id("ASIA", f"saml:{account}:{role}:{person}:{at.isoformat()}")
                identity = sso_session(account, role, person, key, at)
                console_login(
                    rec,
                    at=at + timedelta(seconds=1),
                    identity=identity,
                    account=account,
                    region="us-east-1",
                    ip=ip,
                    agent=agent,
                    mfa_used=False,
                    saml=True,
                )
                console = Caller(identity, account, ip, "AWS Internal", tls=False, console=True)
                for offset in range(rng.randrange(4)):
                    name, request = rng.choice(CONSOLE_READS)
                    read(
                        rec, console, at + timedelta(minutes=2 + offset, seconds=7), name, **request
                    )
                if rng.random() < 0.4:
                    cli = CLI_AGENT.format(command="sts.get-caller-identity")
                    caller_identity(
                        rec,
                        at=at + timedelta(minutes=31),
                        identity=identity,
                        account=account,
                        region="us-east-1",
                        ip=ip,
                        agent=cli,
                    )


def _alice(rec: Recorder, rng: random.Random) -> None:
    """`alice`, a legacy IAM user in prod, signs in from the office now and then (no MFA)."""
    for day in (3, 5, 10):
        at = _d(day, 15, rng.randrange(60)).replace(second=rng.randrange(60))
        identity = iam_user(PROD, "alice", "")
        console_login(
            rec,
            at=at,
            identity=identity,
            account=PROD,
            region="us-east-1",
            ip=OFFICE_IPS[4],
            agent=BROWSER_AGENTS[2],
            mfa_used=False,
        )
        session = {**identity, "accessKeyId": access_key_id("ASIA", f"alice:{day}")}
        session["sessionContext"] = {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": {"creationDate": format_instant(at), "mfaAuthenticated": "false"},
        }
        console = Caller(session, PROD, OFFICE_IPS[4], "AWS Internal", tls=False, console=True)
        read(rec, console, at + timedelta(minutes=3), "ListRoles")


DRIFT_READS = {
    PROD: (
        ("GetRole", "orders-api-lambda"),
        ("GetRole", "ops-automation"),
        ("ListAttachedRolePolicies", "ops-automation"),
        ("GetRole", "web-ec2-instance"),
        ("GetPolicy", "orders-data-access"),
    ),
    DEV: (
        ("GetRole", "dev-ec2-instance"),
        ("ListRolePolicies", "dev-ec2-instance"),
        ("GetRole", "terraform-deployer"),
    ),
}


def _drift_checks(rec: Recorder, rng: random.Random) -> None:
    for day in _workdays():
        for account, reads in DRIFT_READS.items():
            start = day.replace(hour=6, minute=rng.randrange(3, 20), second=rng.randrange(60))
            run = f"plan-{day:%m%d}-{account[:1]}"
            tf, at = terraform_run(rec, account, start, run)
            for name, target in reads:
                at += timedelta(seconds=rng.randrange(1, 3))
                if name == "GetPolicy":
                    read(rec, tf, at, name, policyArn=policy_arn(account, target))
                else:
                    read(rec, tf, at, name, roleName=target)


def build_background() -> Recorder:
    """All the state-neutral IAM/STS/sign-in records (fixed seed: same output every time)."""
    rec = Recorder("background")
    rng = random.Random(20261102)
    _services(rec, rng)
    _datadog(rec, rng)
    _sign_ins(rec, rng)
    _alice(rec, rng)
    _drift_checks(rec, rng)
    return rec
