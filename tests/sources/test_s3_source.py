"""The S3 source against a real moto server: listing strategy, reading, ingest parity."""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import boto3
import pytest

from auditor.config import IngestSettings, SourceSettings
from auditor.ingest.pipeline import IngestSummary, ingest_files
from auditor.sources.interface import Listing, LogFile, SkippedFile, read_log_file
from auditor.sources.layout import Window
from auditor.sources.local import LocalSource
from auditor.sources.resolve import sources_for_targets
from auditor.sources.s3 import BucketAccess, S3Source
from auditor.store.event_store import EventStore
from tests.conftest import fixed_clock
from tests.sources.conftest import Trail, upload
from tests.sources.corpus import ACCOUNTS, ORG, REGIONS, build_corpus

DAY_FOLDER = re.compile(r"/CloudTrail/[a-z0-9-]+/\d{4}/\d{2}/\d{2}/$")
SINCE = datetime(2026, 11, 21, tzinfo=UTC)
WINDOW = Window(SINCE, SINCE + timedelta(hours=12), timedelta(hours=24))


def record_listings(source: S3Source) -> list[tuple[str, str | None]]:
    """Every ListObjectsV2 call the source's client makes: (Prefix, Delimiter)."""
    calls: list[tuple[str, str | None]] = []

    def hook(params: dict[str, Any], **_: Any) -> None:
        calls.append((params.get("Prefix", ""), params.get("Delimiter")))

    source.client().meta.events.register("before-parameter-build.s3.ListObjectsV2", hook)
    return calls


def ingest(listing: Listing, path: Path, workers: int = 1) -> tuple[EventStore, IngestSummary]:
    store = EventStore.open(path, fixed_clock)
    return store, ingest_files(listing, store, IngestSettings(workers=workers))


def stored(store: EventStore) -> list[tuple[str, bytes]]:
    rows = store.connection.execute("SELECT event_id, raw FROM events ORDER BY event_id")
    return [(str(event_id), bytes(raw)) for event_id, raw in rows]


def test_lists_only_the_day_folders_of_the_window(trail: Trail) -> None:
    source = S3Source(trail.bucket, "AWSLogs/")
    calls = record_listings(source)
    items = list(source.list_files(WINDOW))
    discovery = [prefix for prefix, delimiter in calls if delimiter == "/"]
    listings = [prefix for prefix, delimiter in calls if delimiter != "/"]
    assert sorted(discovery) == [
        "AWSLogs/",
        f"AWSLogs/{ORG}/",
        *(f"AWSLogs/{ORG}/{account}/CloudTrail/" for account in ACCOUNTS),
    ]
    assert all(DAY_FOLDER.search(prefix) for prefix in listings), listings
    assert {p[-11:] for p in listings} == {"2026/11/20/", "2026/11/21/", "2026/11/22/"}
    assert len(listings) == len(ACCOUNTS) * len(REGIONS) * 3
    files = [item for item in items if isinstance(item, LogFile)]
    assert [f.location for f in files] == sorted(f.location for f in files)
    assert all(f.kind == "s3" and f.location.startswith("s3://org-trail/AWSLogs/") for f in files)
    for log_file in files[:5]:
        data = trail.corpus.objects[log_file.location.removeprefix("s3://org-trail/")]
        assert log_file.version == hashlib.md5(data).hexdigest()  # the ETag, unquoted
        assert log_file.size == len(data)
        assert log_file.layout is not None and log_file.layout.organization_id == ORG
        assert read_log_file(log_file) == data
    skipped = [item for item in items if isinstance(item, SkippedFile)]
    assert {s.reason for s in skipped} == {"delivered outside the window"}


def test_configured_org_accounts_and_regions_need_no_discovery(trail: Trail) -> None:
    source = S3Source(
        trail.bucket, "", ORG, accounts=(ACCOUNTS[1],), regions=("eu-west-1", "us-east-1")
    )
    calls = record_listings(source)
    files = [i for i in source.list_files(WINDOW) if isinstance(i, LogFile)]
    assert all(delimiter is None for _, delimiter in calls)
    assert len(calls) == 2 * 3
    assert files and all(f"/{ACCOUNTS[1]}/CloudTrail/" in f.location for f in files)


def test_prefix_fixing_account_and_region(trail: Trail) -> None:
    prefix = f"AWSLogs/{ORG}/{ACCOUNTS[2]}/CloudTrail/eu-west-1/"
    source = S3Source(trail.bucket, prefix)
    calls = record_listings(source)
    files = [i for i in source.list_files(WINDOW) if isinstance(i, LogFile)]
    assert sorted(p for p, _ in calls) == [f"{prefix}2026/11/{d}/" for d in ("20", "21", "22")]
    assert {f.layout.region for f in files if f.layout} == {"eu-west-1"}


def test_window_without_start_discovers_day_folders(trail: Trail) -> None:
    source = S3Source(trail.bucket, "AWSLogs/", regions=("us-east-1",))
    calls = record_listings(source)
    until = datetime(2026, 11, 20, 6, tzinfo=UTC)
    list(source.list_files(Window(None, until, timedelta(hours=24))))
    listings = [prefix for prefix, delimiter in calls if delimiter != "/"]
    region = f"AWSLogs/{ORG}/{ACCOUNTS[0]}/CloudTrail/us-east-1/"
    assert (region, "/") in calls and (f"{region}2026/11/", "/") in calls
    # 2026/11/21 holds deliveries up to until + margin; whether it is listed is
    # Window.admits_day's call (it currently needs the whole day inside the margin)
    assert "2026/11/20/" in {p[-11:] for p in listings}
    assert {p[-11:] for p in listings} <= {"2026/11/20/", "2026/11/21/"}
    assert all(DAY_FOLDER.search(p) for p in listings)


# until + margin on a day boundary: Window.admits_day (which local folders use) and the
# per-file delivery check then agree on which files of the last day are in the window
WINDOWS = [Window(), Window(SINCE, SINCE + timedelta(days=1), timedelta(0))]


@pytest.mark.parametrize("window", WINDOWS, ids=["everything", "one-day"])
def test_s3_ingest_stores_exactly_what_a_local_ingest_stores(
    trail: Trail, tmp_path: Path, window: Window
) -> None:
    local_store, local = ingest(
        LocalSource((str(trail.local),)).list_files(window), tmp_path / "local.db"
    )
    s3_source = S3Source.from_settings(SourceSettings(kind="s3", bucket=trail.bucket))
    s3_store, remote = ingest(s3_source.list_files(window), tmp_path / "s3.db", workers=4)
    assert remote.records_kept > 30
    assert stored(s3_store) == stored(local_store)
    assert remote.files_read == local.files_read
    assert [p.reason for p in remote.problems] == [p.reason for p in local.problems]
    (problem,) = remote.problems
    assert problem.location.startswith("s3://org-trail/") and "NOTGZIP" in problem.location
    assert "gzip" in problem.reason
    assert "CloudTrail digest file" in local.files_skipped
    assert not any("igest" in reason for reason in remote.files_skipped)  # never listed

    again = ingest_files(s3_source.list_files(window), s3_store, IngestSettings(workers=4))
    assert again.files_read == 1 and again.new_events == 0  # only the broken one, retried
    assert again.files_skipped["already ingested, unchanged"] == remote.files_read - 1
    local_store.close()
    s3_store.close()


def test_object_deleted_after_listing_is_an_input_problem(
    moto_endpoint: str, tmp_path: Path
) -> None:
    corpus = build_corpus(days=1, files_per_folder=1, seed=11)
    upload("vanishing", corpus)
    listing = list(S3Source("vanishing").list_files(Window()))
    files = [i for i in listing if isinstance(i, LogFile)]
    gone = files[3]
    key = gone.location.removeprefix("s3://vanishing/")
    boto3.client("s3", region_name="us-east-1").delete_object(Bucket="vanishing", Key=key)
    store, summary = ingest(iter(listing), tmp_path / "s.db")
    by_location = {p.location: p.reason for p in summary.problems}
    assert "NoSuchKey" in by_location[gone.location]
    assert key in by_location[gone.location]
    assert summary.files_read == len(files)
    assert int(summary.exit_status) == 3
    assert store.count_events() > 0
    store.close()


def test_requester_pays_is_sent_on_every_call(trail: Trail) -> None:
    source = S3Source(
        trail.bucket,
        f"AWSLogs/{ORG}/{ACCOUNTS[0]}/CloudTrail/us-east-1/",
        access=BucketAccess(requester_pays=True),
    )
    seen: list[str | None] = []

    def hook(params: dict[str, Any], **_: Any) -> None:
        seen.append(params.get("RequestPayer"))

    source.client().meta.events.register("before-parameter-build.s3", hook)
    files = [i for i in source.list_files(WINDOW) if isinstance(i, LogFile)]
    read_log_file(files[0])
    assert seen and set(seen) == {"requester"}


def test_s3_targets_resolve_to_s3_sources(trail: Trail) -> None:
    (source,) = sources_for_targets(("s3://org-trail/AWSLogs/",), SourceSettings(kind="s3"))
    assert isinstance(source, S3Source)
    assert source.bucket == "org-trail" and source.trail.root == "AWSLogs/"


def test_missing_bucket_is_reported_not_raised(moto_endpoint: str) -> None:
    (item,) = list(S3Source("no-such-bucket-here").list_files(WINDOW))
    assert isinstance(item, SkippedFile)
    assert item.reason.startswith("cannot list: NoSuchBucket")


@pytest.mark.parametrize("bad", [{"bucket": ""}, {"bucket": "b", "accounts": ("123",)}])
def test_invalid_settings(bad: dict[str, Any]) -> None:
    from auditor.errors import ConfigError

    with pytest.raises(ConfigError):
        S3Source(**bad)


def test_interrupted_run_continues_where_it_stopped(trail: Trail, tmp_path: Path) -> None:
    source = S3Source(trail.bucket, f"AWSLogs/{ORG}/{ACCOUNTS[0]}/")
    files = [i for i in source.list_files(Window()) if isinstance(i, LogFile)]
    store, first = ingest(iter(files[:5]), tmp_path / "s.db")  # the run "stops" after 5
    rest = ingest_files(source.list_files(Window()), store, IngestSettings(workers=1))
    assert first.files_read == 5
    assert rest.files_skipped["already ingested, unchanged"] == 5
    assert rest.files_read == len(files) - 5
    store.close()


def test_sse_kms_objects_read_like_any_other(moto_endpoint: str) -> None:
    corpus = build_corpus(days=1, files_per_folder=1, seed=5)
    key_id = boto3.client("kms", region_name="us-east-1").create_key()["KeyMetadata"]["KeyId"]
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket="kms-trail")
    name = corpus.log_keys[0]
    s3.put_object(
        Bucket="kms-trail",
        Key=name,
        Body=corpus.objects[name],
        ServerSideEncryption="aws:kms",
        SSEKMSKeyId=key_id,
    )
    (log_file,) = [i for i in S3Source("kms-trail").list_files(Window()) if isinstance(i, LogFile)]
    assert read_log_file(log_file) == corpus.objects[name]
    assert '"' not in log_file.version and log_file.version
