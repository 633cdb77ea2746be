"""The S3 layout, the file format and the delivery quirks of the demo trail."""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.demo import DEMO_ORGANIZATION_ACCOUNTS, DEMO_WINDOW, build_demo_records
from auditor.timeutil import parse_instant

LOG = re.compile(
    r"AWSLogs/o-demo12345/(?P<account>\d{12})/CloudTrail/(?P<region>[a-z]{2}-[a-z]+-\d)/"
    r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P=account)_CloudTrail_(?P=region)_"
    r"(?P<stamp>\d{8}T\d{4}Z)_[A-Za-z0-9]{16}\.json\.gz"
)
DIGEST = re.compile(
    r"AWSLogs/o-demo12345/(?P<account>\d{12})/CloudTrail-Digest/(?P<region>[a-z]{2}-[a-z]+-\d)/"
    r"\d{4}/\d{2}/\d{2}/(?P=account)_CloudTrail-Digest_(?P=region)_[\w-]+_[a-z]{2}-[a-z]+-\d_"
    r"\d{8}T\d{6}Z\.json\.gz"
)
REQUIRED = (
    "eventVersion",
    "userIdentity",
    "eventTime",
    "eventSource",
    "eventName",
    "awsRegion",
    "sourceIPAddress",
    "eventID",
    "eventType",
    "recipientAccountId",
    "eventCategory",
)


def _files(trail: tuple[Path, list[Path]]) -> list[tuple[re.Match[str], list[dict[str, Any]]]]:
    root, paths = trail
    out = []
    for path in paths:
        match = LOG.fullmatch(str(path.relative_to(root)))
        if match:
            out.append((match, json.loads(gzip.decompress(path.read_bytes()))["Records"]))
    return out


def test_every_path_is_a_log_file_or_a_digest(trail: tuple[Path, list[Path]]) -> None:
    root, paths = trail
    relative = [str(path.relative_to(root)) for path in paths]
    digests = [p for p in relative if DIGEST.fullmatch(p)]
    logs = [p for p in relative if LOG.fullmatch(p)]
    assert len(logs) + len(digests) == len(paths)
    assert len(digests) == 6  # 3 accounts x 2 regions
    assert {m.group("account") for m in map(LOG.fullmatch, logs) if m} == set(
        DEMO_ORGANIZATION_ACCOUNTS
    )
    assert sorted(p for p in root.rglob("*") if p.is_file()) == sorted(paths)


def test_digests_have_no_records(trail: tuple[Path, list[Path]]) -> None:
    _root, paths = trail
    for path in paths:
        if "CloudTrail-Digest" in str(path):
            document = json.loads(gzip.decompress(path.read_bytes()))
            assert "Records" not in document
            assert document["digestSignatureAlgorithm"] == "SHA256withRSA"


def test_files_are_compact_cloudtrail_json(trail: tuple[Path, list[Path]]) -> None:
    _root, paths = trail
    path = next(p for p in paths if "_CloudTrail_" in p.name)
    text = gzip.decompress(path.read_bytes()).decode()
    assert text.startswith('{"Records":[{"eventVersion":"1.')
    assert ", " not in text.split('"userAgent"')[0]
    assert path.read_bytes()[4:8] == b"\0\0\0\0"  # gzip mtime 0


def test_records_have_required_fields_and_folder_is_delivery_date(
    trail: tuple[Path, list[Path]],
) -> None:
    for match, records in _files(trail):
        delivered = datetime.strptime(match.group("stamp"), "%Y%m%dT%H%MZ")
        assert (match.group("y"), match.group("m"), match.group("d")) == (
            f"{delivered:%Y}",
            f"{delivered:%m}",
            f"{delivered:%d}",
        )
        assert records
        for record in records:
            assert next(iter(record)) == "eventVersion"
            for key in REQUIRED:
                assert key in record, (key, record["eventID"])
            assert "requestParameters" in record and "responseElements" in record
            assert record["recipientAccountId"] == match.group("account")
            assert record["awsRegion"] == match.group("region")
            at = parse_instant(record["eventTime"]).replace(tzinfo=None)
            assert delivered >= at.replace(second=0) + timedelta(minutes=5)


def test_event_ids_unique_except_one_duplicate(trail: tuple[Path, list[Path]]) -> None:
    counts = Counter(r["eventID"] for _, records in _files(trail) for r in records)
    repeated = {event_id: n for event_id, n in counts.items() if n > 1}
    assert list(repeated.values()) == [2]
    records = build_demo_records()
    assert len(counts) == len(records) == len({r["eventID"] for r in records})
    duplicate = next(r for r in records if r["eventID"] in repeated)
    assert (duplicate["eventName"], duplicate["requestParameters"]) == (
        "CreateUser",
        {"userName": "svc-backup"},
    )


def test_late_deliveries(trail: tuple[Path, list[Path]]) -> None:
    late = []
    for match, records in _files(trail):
        delivered = datetime.strptime(match.group("stamp"), "%Y%m%dT%H%MZ")
        for record in records:
            at = parse_instant(record["eventTime"]).replace(tzinfo=None)
            if delivered - at > timedelta(hours=1):
                late.append((record["eventName"], at.date() != delivered.date()))
    assert sorted(late) == [("AssumeRole", False), ("DeleteRole", True)]


def test_window_and_regions() -> None:
    records = build_demo_records()
    start, end = (moment.strftime("%Y-%m-%dT%H:%M:%SZ") for moment in DEMO_WINDOW)
    assert all(start <= r["eventTime"] < end for r in records)
    assert [r["eventTime"] for r in records] == sorted(r["eventTime"] for r in records)
    assert {r["awsRegion"] for r in records} == {"us-east-1", "eu-west-1"}
    assert {r["awsRegion"] for r in records if r["eventSource"] == "iam.amazonaws.com"} == {
        "us-east-1"
    }
