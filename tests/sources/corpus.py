"""A synthetic organization trail in the real S3 layout, deterministic for a seed.

Files are compact ``{"Records":[{"eventVersion":...}]}`` gzip, named and foldered
as CloudTrail delivers them; about 30% of the records are IAM, STS or sign-in.
Shared by the S3 tests and ``bench/s3.py``.
"""

from __future__ import annotations

import gzip
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import orjson

from auditor.sources.layout import log_key

ORG = "o-a1b2c3d4e5"
ACCOUNTS = ("111111111111", "222222222222", "333333333333")
REGIONS = ("ap-southeast-2", "eu-west-1", "us-east-1")
FIRST_DAY = date(2026, 11, 20)
IAM_FAMILY = (
    ("iam.amazonaws.com", "CreateUser"),
    ("iam.amazonaws.com", "AttachRolePolicy"),
    ("iam.amazonaws.com", "PutRolePolicy"),
    ("sts.amazonaws.com", "AssumeRole"),
    ("signin.amazonaws.com", "ConsoleLogin"),
)
OTHER = (
    ("ec2.amazonaws.com", "DescribeInstances"),
    ("s3.amazonaws.com", "ListBuckets"),
    ("kms.amazonaws.com", "Decrypt"),
    ("lambda.amazonaws.com", "ListFunctions"),
)


@dataclass(frozen=True)
class Corpus:
    """Object keys (relative to the bucket) and their bytes."""

    objects: dict[str, bytes]

    @property
    def log_keys(self) -> list[str]:
        """Keys of real log files (not digests, not the broken object)."""
        return sorted(k for k in self.objects if "/CloudTrail/" in k and "NOTGZIP" not in k)

    def write(self, root: Path) -> None:
        """Write every object under ``root`` with the same relative paths."""
        for key, data in self.objects.items():
            path = root / key
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)


def _record(rng: random.Random, account: str, region: str, at: datetime) -> dict[str, object]:
    source, name = rng.choice(IAM_FAMILY) if rng.random() < 0.3 else rng.choice(OTHER)
    user = f"user{rng.randrange(20)}"
    record: dict[str, object] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "principalId": f"AIDA{rng.getrandbits(60):015X}",
            "arn": f"arn:aws:iam::{account}:user/{user}",
            "accountId": account,
            "accessKeyId": f"AKIA{rng.getrandbits(60):016X}",
            "userName": user,
        },
        "eventTime": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1" if source != "signin.amazonaws.com" else region,
        "sourceIPAddress": f"203.0.113.{rng.randrange(1, 255)}",
        "userAgent": "aws-cli/2.15.0 Python/3.11",
        "requestParameters": {"userName": f"new{rng.randrange(1000)}", "pad": "x" * 200},
        "responseElements": None,
        "requestID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "eventID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "readOnly": name.startswith(("Describe", "List")),
        "eventType": "AwsApiCall",
        "managementEvent": True,
        "recipientAccountId": account,
        "eventCategory": "Management",
    }
    if rng.random() < 0.05:
        record["errorCode"] = "AccessDenied"
        record["errorMessage"] = "User is not authorized"
    return record


def build_corpus(
    days: int = 4, files_per_folder: int = 2, records_per_file: int = 8, seed: int = 7
) -> Corpus:
    """3 accounts × 3 regions × ``days`` days, plus digests and one object that is not gzip."""
    rng = random.Random(seed)
    objects: dict[str, bytes] = {}
    for account in ACCOUNTS:
        for region in REGIONS:
            for offset in range(days):
                day = FIRST_DAY + timedelta(days=offset)
                for index in range(files_per_folder):
                    delivered = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
                        minutes=5 + index * (1400 // max(1, files_per_folder))
                    )
                    records = [
                        _record(
                            rng,
                            account,
                            region,
                            delivered - timedelta(seconds=rng.randrange(1, 900)),
                        )
                        for _ in range(records_per_file)
                    ]
                    unique = f"{rng.getrandbits(64):016X}"
                    body = orjson.dumps({"Records": records})
                    key = log_key(account, region, delivered, unique, ORG)
                    objects[key] = gzip.compress(body, mtime=0)
                digest = f"AWSLogs/{ORG}/{account}/CloudTrail-Digest/{region}/{day:%Y/%m/%d}/"
                stamp = f"{day:%Y%m%d}T0100Z"
                manifest = b'{"awsAccountId":"' + account.encode() + b'","logFiles":[]}'
                key = f"{digest}{account}_CloudTrail-Digest_{region}_trail_{region}_{stamp}.json.gz"
                objects[key] = gzip.compress(manifest, mtime=0)
    broken_at = datetime.combine(FIRST_DAY + timedelta(days=1), time(23, 0), UTC)
    broken = log_key(ACCOUNTS[0], "us-east-1", broken_at, "NOTGZIP000000000", ORG)
    objects[broken] = b"\x1f\x8bthis is not gzip at all"
    return Corpus(objects)
