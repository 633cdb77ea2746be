"""A deterministic synthetic CloudTrail corpus in the real S3 layout.

Realistic in the ways that matter for ingest speed and correctness: compact
``{"Records":[...]}`` gzip files as CloudTrail delivers them, several accounts and
regions, busy regions with files of ~1-2,000 records and quiet ones with a handful,
about 2% IAM/STS/sign-in records among many services, and a few repeated deliveries.
"""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import orjson

from auditor.sources.layout import log_key

try:
    from isal import igzip as _gzip
except ImportError:  # pragma: no cover
    import gzip as _gzip  # type: ignore[no-redef]

IAM_FAMILY = {"iam.amazonaws.com", "sts.amazonaws.com", "signin.amazonaws.com"}
_OTHER_CALLS: tuple[tuple[str, str, dict[str, Any]], ...] = (
    ("ec2.amazonaws.com", "DescribeInstances", {"instancesSet": {}, "filterSet": {}}),
    ("s3.amazonaws.com", "GetObject", {"bucketName": "data-lake", "key": "part-00001.parquet"}),
    ("kms.amazonaws.com", "Decrypt", {"encryptionAlgorithm": "SYMMETRIC_DEFAULT"}),
    ("lambda.amazonaws.com", "Invoke", {"functionName": "orders-handler"}),
    ("dynamodb.amazonaws.com", "GetItem", {"tableName": "sessions"}),
    ("logs.amazonaws.com", "PutLogEvents", {"logGroupName": "/aws/lambda/orders"}),
    ("ssm.amazonaws.com", "GetParameter", {"name": "/app/config", "withDecryption": True}),
    ("monitoring.amazonaws.com", "GetMetricData", {"startTime": "x", "endTime": "y"}),
)
_IAM_CALLS = (
    ("sts.amazonaws.com", "AssumeRole", 60),
    ("sts.amazonaws.com", "GetCallerIdentity", 20),
    ("iam.amazonaws.com", "GetRole", 8),
    ("iam.amazonaws.com", "ListRoles", 4),
    ("iam.amazonaws.com", "CreateRole", 2),
    ("iam.amazonaws.com", "PutRolePolicy", 2),
    ("signin.amazonaws.com", "ConsoleLogin", 4),
)


@dataclass(frozen=True)
class CorpusSpec:
    """Shape of a corpus: size, spread and mix."""

    total_mb: float = 20.0
    accounts: int = 4
    regions: tuple[str, ...] = ("us-east-1", "us-west-2", "eu-west-1", "ap-southeast-2")
    days: int = 7
    iam_share: float = 0.02
    duplicate_share: float = 0.003
    seed: int = 42
    start: datetime = datetime(2026, 11, 1, tzinfo=UTC)
    organization_id: str = "o-synthetic01"


@dataclass
class CorpusStats:
    """What was written."""

    files: int = 0
    records: int = 0
    iam_records: int = 0
    compressed_bytes: int = 0
    iam_event_ids: set[str] | None = None


def _identity(account: str, rng: random.Random) -> dict[str, Any]:
    role = rng.choice(("app-runtime", "etl-job", "deployer", "web-frontend"))
    return {
        "type": "AssumedRole",
        "principalId": f"AROAEXAMPLE{rng.randrange(10**6):06d}:session-{rng.randrange(999)}",
        "arn": f"arn:aws:sts::{account}:assumed-role/{role}/session-{rng.randrange(999)}",
        "accountId": account,
        "accessKeyId": f"ASIAEXAMPLE{rng.randrange(10**8):08d}",
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": "AROAEXAMPLE000000",
                "arn": f"arn:aws:iam::{account}:role/{role}",
                "accountId": account,
                "userName": role,
            },
            "attributes": {"creationDate": "2026-11-01T00:00:00Z", "mfaAuthenticated": "false"},
        },
    }


def _response(rng: random.Random, account: str, region: str) -> dict[str, Any]:
    """A response body with the entropy of real ones (ids, tokens, ARNs)."""
    return {
        "x-amz-id-2": f"{rng.getrandbits(200):050x}",
        "requestId": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "items": [
            {
                "arn": f"arn:aws:ec2:{region}:{account}:instance/i-{rng.getrandbits(68):017x}",
                "state": rng.choice(("running", "stopped", "pending")),
                "launchTime": rng.randrange(1_600_000_000_000, 1_800_000_000_000),
                "privateIpAddress": "10." + ".".join(str(rng.randrange(256)) for _ in range(3)),
                "tags": [{"key": "team", "value": rng.choice(("data", "web", "ml", "core"))}],
            }
            for _ in range(rng.randrange(0, 3))
        ],
    }


def _record(
    account: str, region: str, when: datetime, rng: random.Random, iam: bool
) -> dict[str, Any]:
    if iam:
        names = list(_IAM_CALLS)
        source, name, _ = rng.choices(names, weights=[c[2] for c in names])[0]
        params: dict[str, Any] = {"roleArn": f"arn:aws:iam::{account}:role/app-runtime"}
        if name == "PutRolePolicy":
            params = {
                "roleName": "app-runtime",
                "policyName": "inline",
                "policyDocument": '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
                '"Action":"s3:GetObject","Resource":"arn:aws:s3:::data-lake/*"}]}',
            }
    else:
        source, name, base = rng.choice(_OTHER_CALLS)
        params = dict(base)
        params["resourceIds"] = [
            f"r-{rng.getrandbits(40):010x}" for _ in range(rng.randrange(1, 12))
        ]
    record: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": _identity(account, rng),
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1" if source == "iam.amazonaws.com" else region,
        "sourceIPAddress": f"203.0.113.{rng.randrange(1, 255)}",
        "userAgent": "aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux api/x#1.0",
        "requestParameters": params,
        "responseElements": None if iam else _response(rng, account, region),
        "requestID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "eventID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "readOnly": name.startswith(("Get", "Describe", "List")),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
        "tlsDetails": {
            "tlsVersion": "TLSv1.3",
            "cipherSuite": "TLS_AES_128_GCM_SHA256",
            "clientProvidedHostHeader": f"{source.split('.')[0]}.{region}.amazonaws.com",
        },
    }
    if source == "signin.amazonaws.com":
        record["responseElements"] = {"ConsoleLogin": "Success"}
        record["additionalEventData"] = {"MFAUsed": "Yes", "MobileVersion": "No"}
    return record


def _files(spec: CorpusSpec, rng: random.Random) -> Iterator[tuple[str, str, datetime, int]]:
    accounts = [f"{100000000000 + 111111111 * (i + 1):012d}" for i in range(spec.accounts)]
    for day in range(spec.days):
        for account in accounts:
            for index, region in enumerate(spec.regions):
                busy = index < 2
                for slot in range(0, 24 * 12, 1 if busy else 6):
                    delivered = spec.start + timedelta(days=day, minutes=5 * slot + 7)
                    size = rng.randint(500, 2000) if busy else rng.randint(3, 60)
                    yield account, region, delivered, size


def write_corpus(root: Path, spec: CorpusSpec = CorpusSpec()) -> CorpusStats:
    """Write the corpus under ``root`` until ``total_mb`` of gzip is reached."""
    rng = random.Random(spec.seed)
    stats = CorpusStats(iam_event_ids=set())
    budget = int(spec.total_mb * 1e6)
    recent_iam: list[dict[str, Any]] = []
    for account, region, delivered, size in _files(spec, rng):
        if stats.compressed_bytes >= budget:
            break
        records = []
        for _ in range(size):
            when = delivered - timedelta(seconds=rng.randrange(60, 900))
            is_iam = rng.random() < spec.iam_share
            record = _record(account, region, when, rng, is_iam)
            records.append(record)
            if is_iam:
                recent_iam.append(record)
                assert stats.iam_event_ids is not None
                stats.iam_event_ids.add(record["eventID"])
        if recent_iam and rng.random() < spec.duplicate_share * size:
            records.append(rng.choice(recent_iam[-200:]))
        unique = f"{rng.getrandbits(64):016x}"
        path = root / log_key(account, region, delivered, unique, spec.organization_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        payload = _gzip.compress(orjson.dumps({"Records": records}), compresslevel=2)
        path.write_bytes(payload)
        stats.files += 1
        stats.records += len(records)
        stats.iam_records += sum(r["eventSource"] in IAM_FAMILY for r in records)
        stats.compressed_bytes += len(payload)
    return stats
