"""Ingest throughput: the same corpus from a local moto S3 server and from local disk.

    .venv/bin/python bench/s3.py [--records 5000] [--files-per-folder 4] [--workers N]

Generates an organization trail (3 accounts × 3 regions × 4 days, gzip files in the
real layout, ~30% IAM/STS/sign-in records), starts its own moto server on a free
localhost port, uploads the corpus, then ingests it into fresh stores from S3 and
from disk and prints MB/s (compressed bytes), records/s and the ratio.
"""

from __future__ import annotations

import argparse
import math
import os
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auditor.testing.moto_server import start_moto_server  # noqa: E402
from tests.sources.corpus import ACCOUNTS, REGIONS, build_corpus  # noqa: E402

DAYS = 4


def start_moto() -> tuple[subprocess.Popen[bytes], str]:
    """A moto server on a free port; the AWS variables of this process point at it."""
    process, url = start_moto_server()
    os.environ.update(
        AWS_ACCESS_KEY_ID="bench",
        AWS_SECRET_ACCESS_KEY="bench",
        AWS_DEFAULT_REGION="us-east-1",
        AWS_ENDPOINT_URL=url,
    )
    return process, url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="about this many records")
    parser.add_argument("--files-per-folder", type=int, default=4)
    parser.add_argument("--workers", type=int, default=0, help="ingest workers (0: CPUs)")
    args = parser.parse_args()
    folders = len(ACCOUNTS) * len(REGIONS) * DAYS
    per_file = max(1, math.ceil(args.records / (folders * args.files_per_folder)))
    corpus = build_corpus(DAYS, args.files_per_folder, per_file)
    size = sum(len(data) for data in corpus.objects.values())
    print(
        f"corpus: {len(corpus.objects)} objects, {folders * args.files_per_folder * per_file}"
        f" records, {size / 1e6:.2f} MB gzip"
    )

    process, url = start_moto()
    try:
        import boto3

        from auditor.config import IngestSettings
        from auditor.ingest.pipeline import IngestSummary, ingest_files
        from auditor.sources.interface import Listing
        from auditor.sources.layout import Window
        from auditor.sources.local import LocalSource
        from auditor.sources.s3 import S3Source
        from auditor.store.event_store import EventStore

        s3 = boto3.client("s3")
        s3.create_bucket(Bucket="bench-trail")
        with ThreadPoolExecutor(16) as pool:
            list(
                pool.map(
                    lambda kv: s3.put_object(Bucket="bench-trail", Key=kv[0], Body=kv[1]),
                    corpus.objects.items(),
                )
            )
        settings = IngestSettings(workers=args.workers)
        with tempfile.TemporaryDirectory() as scratch:
            root = Path(scratch)
            corpus.write(root / "logs")

            def measure(name: str, listing: Listing) -> IngestSummary:
                store = EventStore.open(root / f"{name}.db")
                started = time.perf_counter()
                summary = ingest_files(listing, store, settings)
                seconds = time.perf_counter() - started
                store.close()
                summary.seconds = seconds
                print(
                    f"{name:>5}: {summary.files_read} files, {summary.bytes_read / 1e6:.2f} MB,"
                    f" {summary.records_seen} records, {summary.new_events} kept in"
                    f" {seconds:.2f} s = {summary.bytes_read / 1e6 / seconds:.2f} MB/s,"
                    f" {summary.records_seen / seconds:,.0f} records/s"
                )
                return summary

            local = measure("local", LocalSource((str(root / "logs"),)).list_files(Window()))
            remote = measure("s3", S3Source("bench-trail").list_files(Window()))
        assert local.new_events == remote.new_events, "S3 and local ingests stored different events"
        ratio = (remote.records_seen / remote.seconds) / (local.records_seen / local.seconds)
        print(f"s3/local throughput ratio: {ratio:.2f} (moto at {url}: one local Python server)")
    finally:
        process.terminate()
        process.wait(timeout=10)


if __name__ == "__main__":
    main()
