"""Throttling and denied prefixes, over real HTTP: a local proxy in front of moto."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.config import IngestSettings
from auditor.ingest.pipeline import ingest_files
from auditor.sources.aws_session import AwsAccess, forget_clients
from auditor.sources.interface import LogFile, SkippedFile
from auditor.sources.layout import Window
from auditor.sources.s3 import BucketAccess, S3ReadError, S3Source, read_s3_object
from auditor.store.event_store import EventStore
from tests.conftest import fixed_clock
from tests.sources.conftest import Trail
from tests.sources.corpus import ACCOUNTS, ORG
from tests.sources.faults import Fault, fault_proxy

WINDOW = Window(datetime(2026, 11, 21, tzinfo=UTC), datetime(2026, 11, 21, 6, tzinfo=UTC))
DENIED = f"AWSLogs/{ORG}/{ACCOUNTS[1]}/"


def via(proxy_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Send S3 calls of new clients through the proxy."""
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", proxy_url)
    forget_clients()


def first_file(trail: Trail) -> LogFile:
    listing = S3Source(trail.bucket, f"AWSLogs/{ORG}/{ACCOUNTS[0]}/CloudTrail/us-east-1/")
    return next(i for i in listing.list_files(WINDOW) if isinstance(i, LogFile))


def test_slowdown_is_retried_with_backoff(trail: Trail, monkeypatch: pytest.MonkeyPatch) -> None:
    log_file = first_file(trail)
    key = log_file.location.removeprefix(f"s3://{trail.bucket}")
    fault = Fault(lambda m, p, q: m == "GET" and p.endswith(key), 503, "SlowDown", times=2)
    with fault_proxy(trail.endpoint, [fault]) as proxy:
        via(proxy.url, monkeypatch)
        data = read_s3_object(log_file)
    assert data == trail.corpus.objects[key.lstrip("/")]
    statuses = [status for method, path, status in proxy.log if key in path]
    assert statuses == [503, 503, 200]


def test_throttling_past_the_retries_is_an_input_problem(
    trail: Trail, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    log_file = first_file(trail)
    key = log_file.location.removeprefix(f"s3://{trail.bucket}/")
    fault = Fault(lambda m, p, q: m == "GET" and p.endswith(key), 503, "SlowDown", times=99)
    with fault_proxy(trail.endpoint, [fault]) as proxy:
        via(proxy.url, monkeypatch)
        # few attempts keep the test quick; production uses 10
        patient = S3Source(trail.bucket, access=BucketAccess(AwsAccess(max_attempts=2)))
        assert patient.bucket == trail.bucket
        with pytest.raises(S3ReadError, match="SlowDown") as caught:
            read_s3_object(log_file)
        assert key in str(caught.value)
        store = EventStore.open(tmp_path / "s.db", fixed_clock)
        summary = ingest_files(iter([log_file]), store, IngestSettings(workers=1))
        store.close()
    (problem,) = summary.problems
    assert problem.location == log_file.location
    assert problem.reason.startswith("cannot read: ") and "SlowDown" in problem.reason
    # botocore's max_attempts counts retries: 1 + 2 attempts per read, two reads
    assert sum(1 for _, path, _ in proxy.log if key in path) == 2 * 3


def test_denied_prefix_is_reported_and_the_rest_is_read(
    trail: Trail, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    def denied(method: str, path: str, query: dict[str, list[str]]) -> bool:
        return any(p.startswith(DENIED) for p in query.get("prefix", []))

    with fault_proxy(trail.endpoint, [Fault(denied, 403, "AccessDenied", times=999)]) as proxy:
        via(proxy.url, monkeypatch)
        items = list(S3Source(trail.bucket, "AWSLogs/").list_files(WINDOW))
        store = EventStore.open(tmp_path / "s.db", fixed_clock)
        summary = ingest_files(iter(items), store, IngestSettings(workers=1))
        store.close()
    skipped = [i for i in items if isinstance(i, SkippedFile) and i.reason.startswith("cannot")]
    assert [s.location for s in skipped] == [f"s3://{trail.bucket}/{DENIED}CloudTrail/"]
    assert skipped[0].reason.startswith("cannot list: AccessDenied")
    files = [i for i in items if isinstance(i, LogFile)]
    assert {f.layout.account_id for f in files if f.layout} == {ACCOUNTS[0], ACCOUNTS[2]}
    assert any(p.location == skipped[0].location for p in summary.problems)
    assert summary.files_read == len(files) and summary.new_events > 0
    assert int(summary.exit_status) == 3


def test_listing_is_retried_too(trail: Trail, monkeypatch: pytest.MonkeyPatch) -> None:
    def day_listing(method: str, path: str, query: dict[str, list[str]]) -> bool:
        return "delimiter" not in query and bool(query.get("prefix"))

    with fault_proxy(trail.endpoint, [Fault(day_listing, 503, "SlowDown", times=1)]) as proxy:
        via(proxy.url, monkeypatch)
        source = S3Source(
            trail.bucket, f"AWSLogs/{ORG}/{ACCOUNTS[2]}/CloudTrail/eu-west-1/", max_concurrency=1
        )
        items = list(source.list_files(WINDOW))
    assert not [i for i in items if isinstance(i, SkippedFile) and i.reason.startswith("cannot")]
    assert [status for _, _, status in proxy.log][:2] == [503, 200]
