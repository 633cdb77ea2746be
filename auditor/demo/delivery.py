"""Deliver the scenario's records the way an organization trail writes them to S3.

Records are grouped by (account, region, 5-minute window of eventTime) and each group is written
5–15 minutes after its window closes (a deterministic delay), so folder dates are delivery dates.
Late records get a file of their own at eventTime + delay; a duplicated record is delivered a
second time in a later file (same eventID). One digest file per account and region (for the
first hour of the window) sits under `CloudTrail-Digest/`, which ingest must skip.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections import defaultdict
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.demo.ids import file_suffix, short_hex
from auditor.demo.org import DEMO_WINDOW, HOME_REGION, ORG_ID, TRAIL_BUCKET, TRAIL_NAME
from auditor.sources.layout import log_key
from auditor.timeutil import format_instant, parse_instant

Record = dict[str, Any]
WINDOW = timedelta(minutes=5)
FileKey = tuple[str, str, datetime, str]  # account, region, delivery time, discriminator


def encode_log_file(records: list[Record]) -> bytes:
    """`{"Records":[...]}` as compact JSON, gzip with mtime 0 (byte-for-byte reproducible)."""
    body = json.dumps({"Records": records}, separators=(",", ":"), ensure_ascii=False)
    return gzip.compress(body.encode(), compresslevel=6, mtime=0)


def _delivery(account: str, region: str, window: datetime) -> datetime:
    delay = 5 * 60 + int(short_hex(f"delay:{account}:{region}:{window.isoformat()}", 6), 16) % 600
    return window + WINDOW + timedelta(seconds=delay)


def plan_files(
    records: list[Record], late: dict[str, timedelta], duplicated: frozenset[str]
) -> dict[FileKey, list[Record]]:
    """Assign every record (twice for duplicates) to a log file keyed by delivery."""
    files: dict[FileKey, list[Record]] = defaultdict(list)
    for record in records:
        account, region = record["recipientAccountId"], record["awsRegion"]
        at = parse_instant(record["eventTime"])
        event_id = record["eventID"]
        if event_id in late:
            files[(account, region, at + late[event_id], f"late:{event_id}")].append(record)
            continue
        window = at - timedelta(minutes=at.minute % 5, seconds=at.second)
        delivered = _delivery(account, region, window)
        files[(account, region, delivered, "")].append(record)
        if event_id in duplicated:
            again = delivered + timedelta(minutes=11)
            files[(account, region, again, f"dup:{event_id}")].append(record)
    return dict(files)


def log_file_path(root: Path, key: FileKey) -> Path:
    account, region, delivered, discriminator = key
    unique = file_suffix(f"{account}:{region}:{delivered.isoformat()}:{discriminator}")
    return root / log_key(account, region, delivered, unique, ORG_ID)


def _digest(
    root: Path, account: str, region: str, logs: list[tuple[Path, bytes, list[Record]]]
) -> Path:
    start = DEMO_WINDOW[0]
    end = start + timedelta(hours=1)
    times = [record["eventTime"] for _, _, records in logs for record in records]
    name = f"{account}_CloudTrail-Digest_{region}_{TRAIL_NAME}_{HOME_REGION}_{end:%Y%m%dT%H%M%SZ}"
    folder = root / "AWSLogs" / ORG_ID / account / "CloudTrail-Digest" / region / f"{end:%Y/%m/%d}"
    document = {
        "awsAccountId": account,
        "digestStartTime": format_instant(start),
        "digestEndTime": format_instant(end),
        "digestS3Bucket": TRAIL_BUCKET,
        "digestS3Object": str((folder / f"{name}.json.gz").relative_to(root)),
        "digestPublicKeyFingerprint": short_hex(f"key:{region}", 32),
        "digestSignatureAlgorithm": "SHA256withRSA",
        "newestEventTime": max(times) if times else None,
        "oldestEventTime": min(times) if times else None,
        "previousDigestS3Bucket": None,
        "previousDigestS3Object": None,
        "previousDigestHashValue": None,
        "previousDigestHashAlgorithm": None,
        "previousDigestSignature": None,
        "logFiles": [
            {
                "s3Bucket": TRAIL_BUCKET,
                "s3Object": str(path.relative_to(root)),
                "hashValue": hashlib.sha256(data).hexdigest(),
                "hashAlgorithm": "SHA-256",
                "newestEventTime": max(r["eventTime"] for r in records),
                "oldestEventTime": min(r["eventTime"] for r in records),
            }
            for path, data, records in logs
        ],
    }
    path = folder / f"{name}.json.gz"
    path.parent.mkdir(parents=True, exist_ok=True)
    body = json.dumps(document, separators=(",", ":")).encode()
    path.write_bytes(gzip.compress(body, compresslevel=6, mtime=0))
    return path


def write_trail(
    root: Path, records: list[Record], late: dict[str, timedelta], duplicated: frozenset[str]
) -> list[Path]:
    """Write every log file and the digests under `root`; return the paths, sorted."""
    written: list[Path] = []
    first_hour: dict[tuple[str, str], list[tuple[Path, bytes, list[Record]]]] = defaultdict(list)
    digest_end = DEMO_WINDOW[0] + timedelta(hours=1)
    for key, members in sorted(plan_files(records, late, duplicated).items()):
        members.sort(key=lambda r: (r["eventTime"], r["eventID"]))
        path = log_file_path(root, key)
        data = encode_log_file(members)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written.append(path)
        if key[2] < digest_end:
            first_hour[(key[0], key[1])].append((path, data, members))
    accounts = sorted({r["recipientAccountId"] for r in records})
    regions = sorted({r["awsRegion"] for r in records})
    written += [
        _digest(root, account, region, first_hour.get((account, region), []))
        for account in accounts
        for region in regions
    ]
    return sorted(written)
