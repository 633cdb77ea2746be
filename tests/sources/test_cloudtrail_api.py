"""The LookupEvents source: slices, pagination, the rate limit, the 90-day horizon.

moto implements no CloudTrail history (its LookupEvents answers HTTP 500), so the
lookups themselves are tested with botocore's ``Stubber``: a client-level stub of
this one API, used only because no real endpoint can produce event history. What
moto does support (STS for the account id, the error path) is tested against it.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import orjson
import pytest
from botocore.stub import Stubber

from auditor.config import IngestSettings, SourceSettings
from auditor.ingest.keep import DEFAULT_KEEP_RULE
from auditor.ingest.pipeline import ingest_files
from auditor.ingest.select import select_records
from auditor.sources import cloudtrail_api
from auditor.sources.aws_session import AwsAccess
from auditor.sources.cloudtrail_api import (
    ApiReadError,
    ApiSlice,
    CloudTrailApiSource,
    RateLimiter,
    lookup_slice,
    plan_slices,
    read_api_slice,
)
from auditor.sources.interface import LogFile, SkippedFile
from auditor.sources.layout import Window
from auditor.store.event_store import EventStore
from tests.conftest import FIXED_NOW, fixed_clock

DAY = datetime(2026, 11, 20, tzinfo=UTC)
PIECE = ApiSlice("123456789012", "us-east-1", "iam.amazonaws.com", DAY, DAY + timedelta(days=1))


def event(n: int, source: str = "iam.amazonaws.com") -> dict[str, Any]:
    record = {
        "eventVersion": "1.09",
        "eventTime": f"2026-11-20T10:{n % 60:02d}:00Z",
        "eventSource": source,
        "eventName": "CreateUser",
        "awsRegion": "us-east-1",
        "eventID": f"00000000-0000-4000-8000-{n:012d}",
        "recipientAccountId": "123456789012",
        "userIdentity": {"type": "Root", "arn": "arn:aws:iam::123456789012:root"},
    }
    return {"EventId": record["eventID"], "CloudTrailEvent": orjson.dumps(record).decode()}


def stubbed_pages(pages: list[list[dict[str, Any]]]) -> tuple[Any, Stubber]:
    client = boto3.client(
        "cloudtrail", region_name="us-east-1", aws_access_key_id="x", aws_secret_access_key="x"
    )
    stubber = Stubber(client)
    base = {
        "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": PIECE.event_source}],
        "StartTime": PIECE.start,
        "EndTime": PIECE.end,
        "MaxResults": 50,
    }
    for index, events in enumerate(pages):
        expected = dict(base, NextToken=f"t{index}") if index else base
        answer: dict[str, Any] = {"Events": events}
        if index + 1 < len(pages):
            answer["NextToken"] = f"t{index + 1}"
        stubber.add_response("lookup_events", answer, expected)
    stubber.activate()
    return client, stubber


def test_slice_location_round_trips() -> None:
    assert PIECE.location == (
        "cloudtrail-api://123456789012/us-east-1/iam.amazonaws.com/20261120T000000Z-20261121T000000Z"
    )
    assert ApiSlice.from_location(PIECE.location) == PIECE


def test_plan_is_whole_days_per_region_and_source() -> None:
    start, end = DAY + timedelta(hours=13), DAY + timedelta(days=2, hours=1)
    plan = plan_slices("1", ("eu-west-1", "us-east-1"), ("iam", "sts", "signin"), start, end)
    assert len(plan) == 2 * 3 * 3
    assert {p.start for p in plan} == {DAY + timedelta(days=n) for n in range(3)}
    assert plan_slices("1", ("us-east-1",), ("iam",), DAY, DAY + timedelta(days=1)) == [
        ApiSlice("1", "us-east-1", "iam", DAY, DAY + timedelta(days=1))
    ]


def test_rate_limiter_spaces_turns() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(2.0, clock=lambda: now[0], sleep=sleep)
    for _ in range(5):
        limiter.wait()
    assert slept == [0.5, 0.5, 0.5, 0.5]


def test_pages_are_followed_at_two_calls_per_second() -> None:
    pages = [[event(n) for n in range(50)], [event(n) for n in range(50, 100)], [event(100)]]
    client, stubber = stubbed_pages(pages)
    started = time.monotonic()
    items = lookup_slice(client, PIECE, RateLimiter())
    assert time.monotonic() - started >= 1.0  # 3 calls: the 2nd at +0.5 s, the 3rd at +1 s
    stubber.assert_no_pending_responses()
    assert len(items) == 101 and set(items[0]) == {"CloudTrailEvent"}
    selection = select_records(orjson.dumps(items), "slice", DEFAULT_KEEP_RULE, 2**30)
    assert selection.fatal is None and not selection.problems
    assert len(selection.rows) == 101


def test_an_empty_slice_is_valid_input() -> None:
    client, _ = stubbed_pages([[]])
    data = orjson.dumps(lookup_slice(client, PIECE, RateLimiter()))
    selection = select_records(data, "slice", DEFAULT_KEEP_RULE, 2**30)
    assert selection.fatal is None and selection.records_seen == 0


def test_ingest_of_stubbed_slices(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    client, _ = stubbed_pages([[event(1), event(2)], [event(2), event(3)]])
    monkeypatch.setattr(cloudtrail_api, "client_for", lambda *args: client)
    store = EventStore.open(tmp_path / "s.db", fixed_clock)
    log_file = LogFile(PIECE.location, "cloudtrail-api", 0, "complete")
    summary = ingest_files(iter([log_file]), store, IngestSettings(workers=1))
    assert summary.new_events == 3 and summary.duplicates == 1 and not summary.problems
    again = ingest_files(iter([log_file]), store, IngestSettings(workers=1))
    assert again.files_read == 0
    store.close()


def test_listing_against_moto(moto_endpoint: str) -> None:
    source = CloudTrailApiSource(
        regions=("eu-west-1", "us-east-1"), clock=lambda: FIXED_NOW, settle=timedelta(hours=1)
    )
    since = FIXED_NOW - timedelta(days=2)
    items = list(source.list_files(Window(since, None)))
    files = [i for i in items if isinstance(i, LogFile)]
    assert len(files) == 2 * 3 * 3  # regions × event sources × days (2 past, today)
    assert all(f.location.startswith("cloudtrail-api://123456789012/") for f in files)
    assert {ApiSlice.from_location(f.location).region for f in files} == {"eu-west-1", "us-east-1"}
    versions = {f.version for f in files}
    assert versions == {"complete", "open@20261128T120000Z"}
    assert all(f.kind == "cloudtrail-api" for f in files)


def test_window_past_ninety_days_is_explained(
    moto_endpoint: str, caplog: pytest.LogCaptureFixture
) -> None:
    source = CloudTrailApiSource(regions=("us-east-1",), clock=lambda: FIXED_NOW)
    window = Window(FIXED_NOW - timedelta(days=200), FIXED_NOW - timedelta(days=85))
    items = list(source.list_files(window))
    (warning,) = [i for i in items if isinstance(i, SkippedFile)]
    assert "90 days" in warning.reason and "2026-08-30" in warning.reason
    assert not warning.reason.startswith("cannot")  # a warning, not an input problem
    assert "90 days" in caplog.text
    files = [i for i in items if isinstance(i, LogFile)]
    assert min(ApiSlice.from_location(f.location).start for f in files) == datetime(
        2026, 8, 30, tzinfo=UTC
    )


def test_moto_lookup_failure_is_an_input_problem(moto_endpoint: str, tmp_path: Path) -> None:
    source = CloudTrailApiSource(
        regions=("us-east-1",), access=AwsAccess(max_attempts=0), clock=lambda: FIXED_NOW
    )
    files = [
        i
        for i in source.list_files(Window(FIXED_NOW - timedelta(hours=1), None))
        if isinstance(i, LogFile)
    ]
    with pytest.raises(ApiReadError) as caught:
        read_api_slice(files[0])
    assert files[0].location in str(caught.value)
    store = EventStore.open(tmp_path / "s.db", fixed_clock)
    summary = ingest_files(iter(files), store, IngestSettings(workers=1))
    store.close()
    assert len(summary.problems) == len(files) == 3
    assert all(p.reason.startswith("cannot read: cloudtrail-api://") for p in summary.problems)


def test_from_settings() -> None:
    settings = SourceSettings(kind="cloudtrail-api", regions=("eu-west-1",), profile="p")
    source = CloudTrailApiSource.from_settings(settings)
    assert source.regions == ("eu-west-1",) and source.access.profile == "p"
