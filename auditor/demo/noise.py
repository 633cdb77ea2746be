"""Records from other services (EC2, S3, KMS, Secrets Manager, SSM, ECR, CloudWatch…).

Ingest must drop every one of them; they are here so the filter has something to filter, in the
proportions of a real trail (about three quarters of the volume).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from auditor.demo.envelope import Recorder, assumed_role, sso_session
from auditor.demo.ids import access_key_id, short_hex
from auditor.demo.org import (
    BOTO_AGENT,
    DATADOG_AGENT,
    DATADOG_IP,
    DEMO_WINDOW,
    DEV,
    MANAGEMENT,
    PEOPLE,
    PROD,
    sso_role_name,
)

START, END = DEMO_WINDOW
NOISE_COUNT = 1800
DATADOG_FROM = START.replace(day=5, hour=16)
SSM_AGENT = "aws-sdk-go/1.54.19 (go1.22.5; linux; amd64) amazon-ssm-agent/3.3.1142.0"

# What a noise record needs besides time, account and region.
Shape = tuple[dict[str, Any], str, str, Any, dict[str, Any]]
Maker = Callable[[random.Random, datetime, str, str], Shape]


def _role(account: str, role: str, session: str, at: datetime, **kw: Any) -> dict[str, Any]:
    created = at - timedelta(minutes=(at.minute % 50) + 3)
    key = access_key_id("ASIA", f"noise:{account}:{role}:{session}:{created:%Y%m%d%H}")
    return assumed_role(account, role, session, key, created, **kw)


def _host(service: str, region: str) -> dict[str, Any]:
    return {"tls_host": f"{service}.{region}.amazonaws.com"}


def _datadog_ec2(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    who = _role(account, "DatadogIntegrationRole", "DatadogAWSIntegration", at)
    request = {"filterSet": {}, "instancesSet": {}, "maxResults": 1000}
    return who, DATADOG_IP, DATADOG_AGENT, request, _host("ec2", region)


def _datadog_metrics(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    who = _role(account, "DatadogIntegrationRole", "DatadogAWSIntegration", at)
    request = {"namespace": rng.choice(["AWS/Lambda", "AWS/ECS", "AWS/DynamoDB"])}
    return who, DATADOG_IP, DATADOG_AGENT, request, _host("monitoring", region)


def _s3_object(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    if account == PROD:
        who = _role(account, "orders-worker-task", short_hex(f"task:{at:%Y%m%d%H}", 32), at)
    else:
        instance = "i-0" + short_hex(f"instance:{rng.randrange(2)}", 16)
        who = _role(account, "dev-ec2-instance", instance, at, ec2_delivery=True)
    bucket = f"acme-{'prod' if account == PROD else 'dev'}-orders-{region}"
    key = f"exports/{at:%Y/%m/%d}/batch-{rng.randrange(10_000):05d}.json"
    request = {"bucketName": bucket, "Host": f"{bucket}.s3.{region}.amazonaws.com", "key": key}
    extra = {
        "category": "Data",
        "version": "1.10",
        "vpce": "vpce-0a1b2c3d4e5f60718",
        "additional": {
            "SignatureVersion": "SigV4",
            "CipherSuite": "TLS_AES_128_GCM_SHA256",
            "bytesTransferredIn": 0,
            "AuthenticationMethod": "AuthHeader",
            "x-amz-id-2": short_hex(f"amzid:{key}", 40),
            "bytesTransferredOut": rng.randrange(2_000, 900_000),
        },
        "resources": [
            {"type": "AWS::S3::Object", "ARN": f"arn:aws:s3:::{bucket}/{key}"},
            {"accountId": account, "type": "AWS::S3::Bucket", "ARN": f"arn:aws:s3:::{bucket}"},
        ],
        **_host("s3", region),
    }
    return who, f"10.20.{rng.randrange(1, 4)}.{rng.randrange(2, 250)}", BOTO_AGENT, request, extra


def _kms_decrypt(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    task = short_hex(f"task:{at:%Y%m%d%H}", 32)
    who = _role(account, "orders-worker-task", task, at, invoked_by="secretsmanager.amazonaws.com")
    key_arn = f"arn:aws:kms:{region}:{account}:key/{short_hex(f'kms:{account}:{region}', 32)}"
    request = {
        "encryptionAlgorithm": "SYMMETRIC_DEFAULT",
        "encryptionContext": {
            "SecretARN": f"arn:aws:secretsmanager:{region}:{account}:secret:orders/db-AbC123"
        },
    }
    extra = {"resources": [{"accountId": account, "type": "AWS::KMS::Key", "ARN": key_arn}]}
    service = "secretsmanager.amazonaws.com"
    return who, service, service, request, extra


def _secret(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    task = short_hex(f"task:{at:%Y%m%d%H}", 32)
    who = _role(account, "orders-worker-task", task, at)
    request = {"secretId": f"orders/db-{region}"}
    return (
        who,
        f"10.20.{rng.randrange(1, 4)}.{rng.randrange(2, 250)}",
        BOTO_AGENT,
        request,
        _host("secretsmanager", region),
    )


def _ssm(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    role = "web-ec2-instance" if account == PROD else "dev-ec2-instance"
    instance = "i-0" + short_hex(f"instance:{rng.randrange(2)}", 16)
    who = _role(account, role, instance, at, ec2_delivery=True)
    request = {
        "instanceId": instance,
        "agentVersion": "3.3.1142.0",
        "agentStatus": "Active",
        "platformType": "Linux",
        "platformName": "Amazon Linux",
        "ipAddress": "10.20.1.17",
    }
    return who, f"54.210.33.{rng.randrange(10, 40)}", SSM_AGENT, request, _host("ssm", region)


def _ecr(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    task = short_hex(f"exec:{at:%Y%m%d%H}", 32)
    service = "ecs-tasks.amazonaws.com"
    who = _role(account, "ecsTaskExecutionRole", task, at, invoked_by=service)
    return who, service, service, {"registryIds": [account]}, {}


def _console(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    person = sorted(PEOPLE)[rng.randrange(len(PEOPLE))]
    role = sso_role_name(account, "ReadOnlyAccess")
    created = at - timedelta(minutes=rng.randrange(5, 90))
    key = access_key_id("ASIA", f"noise-sso:{account}:{person}:{created:%Y%m%d%H}")
    who = sso_session(account, role, person, key, created)
    request = {"filterSet": {}, "instancesSet": {}, "maxResults": 50}
    return who, PEOPLE[person], "AWS Internal", request, {"console": True}


def _trail_status(rng: random.Random, at: datetime, account: str, region: str) -> Shape:
    who = _role(account, "security-audit", "sam.okafor@acme.example", at)
    request = {"name": f"arn:aws:cloudtrail:us-east-1:{MANAGEMENT}:trail/org-trail"}
    agent = BOTO_AGENT + " prowler/4.5.0"
    return who, "73.162.10.37", agent, request, _host("cloudtrail", region)


# (weight, accounts, eventSource, eventName, readOnly, maker)
KINDS: tuple[tuple[int, tuple[str, ...], str, str, bool, Maker], ...] = (
    (14, (PROD,), "ec2.amazonaws.com", "DescribeInstances", True, _datadog_ec2),
    (10, (PROD,), "monitoring.amazonaws.com", "ListMetrics", True, _datadog_metrics),
    (22, (PROD, DEV), "s3.amazonaws.com", "GetObject", True, _s3_object),
    (14, (PROD,), "kms.amazonaws.com", "Decrypt", True, _kms_decrypt),
    (8, (PROD,), "secretsmanager.amazonaws.com", "GetSecretValue", True, _secret),
    (12, (PROD, DEV), "ssm.amazonaws.com", "UpdateInstanceInformation", False, _ssm),
    (8, (PROD,), "ecr.amazonaws.com", "GetAuthorizationToken", True, _ecr),
    (8, (MANAGEMENT, PROD, DEV), "ec2.amazonaws.com", "DescribeInstances", True, _console),
    (4, (MANAGEMENT,), "cloudtrail.amazonaws.com", "GetTrailStatus", True, _trail_status),
)


def build_noise() -> Recorder:
    """`NOISE_COUNT` non-IAM records spread over the window (fixed seed)."""
    rec = Recorder("noise")
    rng = random.Random(1115)
    weights = [kind[0] for kind in KINDS]
    span = int((END - START).total_seconds())
    for _ in range(NOISE_COUNT):
        _, accounts, source, name, read_only, maker = rng.choices(KINDS, weights)[0]
        at = START + timedelta(seconds=rng.randrange(span))
        if maker in (_datadog_ec2, _datadog_metrics) and at < DATADOG_FROM:
            at += DATADOG_FROM - START
        account = rng.choice(accounts)
        region = (
            "us-east-1" if rng.random() < 0.7 or source.startswith("cloudtrail") else "eu-west-1"
        )
        identity, ip, agent, request, extra = maker(rng, at, account, region)
        rec.add(
            at=at,
            identity=identity,
            source=source,
            name=name,
            region=region,
            account=account,
            ip=ip,
            agent=agent,
            request=request,
            read_only=read_only,
            version=extra.pop("version", "1.10"),
            **extra,
        )
    return rec
