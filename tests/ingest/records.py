"""Small record factories for ingest tests."""

from __future__ import annotations

import gzip
from datetime import datetime
from pathlib import Path
from typing import Any

import orjson

from auditor.sources.layout import log_key


def record(
    event_id: str,
    source: str = "iam.amazonaws.com",
    name: str = "CreateUser",
    time: str = "2026-11-02T10:00:00Z",
    **extra: Any,
) -> dict[str, Any]:
    """A CloudTrail record with the usual key order (eventVersion first)."""
    base: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": {
            "type": "IAMUser",
            "arn": "arn:aws:iam::111122223333:user/alice",
            "accountId": "111122223333",
            "userName": "alice",
        },
        "eventTime": time,
        "eventSource": source,
        "eventName": name,
        "awsRegion": "us-east-1",
        "sourceIPAddress": "198.51.100.7",
        "userAgent": "aws-cli/2.15.0",
        "requestParameters": {"userName": "bob"},
        "responseElements": None,
        "eventID": event_id,
        "recipientAccountId": "111122223333",
    }
    base.update(extra)
    return base


def s3_path(root: Path, stamp: str = "20261102T1005Z", unique: str = "AbCdEf0123456789") -> Path:
    """A path in the CloudTrail S3 layout under ``root``."""
    delivered = datetime.strptime(stamp, "%Y%m%dT%H%MZ")
    path = root / log_key("111122223333", "us-east-1", delivered, unique)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def write_trail_file(path: Path, records: list[dict[str, Any]]) -> Path:
    """Write records as CloudTrail delivers them: compact JSON, gzip."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(gzip.compress(orjson.dumps({"Records": records}), mtime=0))
    return path
