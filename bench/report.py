"""Analysis and rendering at scale: 100,000 IAM events yielding about 10,000 findings.

Builds a store of synthetic events (benign role assumptions and reads, plus console
sign-ins without MFA, new users, administrator grants and stopped trails), then times
``report`` (replay, every check, changes, summaries) and the rendering of each format.
Targets: analysis and rendering under 30 s on 2 cores; HTML under 10 MB.

    python bench/report.py --events 100000
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.config import OrganizationSettings, Settings
from auditor.events import Event, normalize_record
from auditor.store.event_store import EventRow, EventStore
from auditor.workflow.window import build_window_report
from reports import render_report

ACCOUNT = "111122223333"
START = datetime(2026, 11, 2, tzinfo=UTC)
ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess"
ROLE_PREFIX = f"arn:aws:iam::{ACCOUNT}:role/"


def _identity(rng: random.Random) -> dict[str, Any]:
    user = f"user{rng.randrange(500)}"
    return {
        "type": "IAMUser",
        "principalId": f"AIDA{rng.getrandbits(60):015X}",
        "arn": f"arn:aws:iam::{ACCOUNT}:user/{user}",
        "accountId": ACCOUNT,
        "userName": user,
    }


def _record(rng: random.Random, index: int, when: datetime) -> dict[str, Any]:
    roll = rng.random()
    base: dict[str, Any] = {
        "eventVersion": "1.09",
        "userIdentity": _identity(rng),
        "eventTime": when.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "awsRegion": "us-east-1",
        "sourceIPAddress": f"73.162.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        "userAgent": "aws-cli/2.15.30 Python/3.11.8 Linux/6.1",
        "eventID": str(uuid.UUID(int=rng.getrandbits(128), version=4)),
        "recipientAccountId": ACCOUNT,
        "eventType": "AwsApiCall",
        "requestParameters": None,
        "responseElements": None,
    }
    if roll < 0.04:
        base |= {"eventSource": "signin.amazonaws.com", "eventName": "ConsoleLogin",
                 "responseElements": {"ConsoleLogin": "Success"},
                 "additionalEventData": {"MFAUsed": "No"}}  # fmt: skip
    elif roll < 0.07:
        base |= {"eventSource": "iam.amazonaws.com", "eventName": "CreateUser",
                 "requestParameters": {"userName": f"new{index}"}}  # fmt: skip
    elif roll < 0.09:
        base |= {"eventSource": "iam.amazonaws.com", "eventName": "AttachUserPolicy",
                 "requestParameters": {"userName": f"user{rng.randrange(500)}",
                                       "policyArn": ADMIN}}  # fmt: skip
    elif roll < 0.10:
        base |= {"eventSource": "cloudtrail.amazonaws.com", "eventName": "StopLogging",
                 "requestParameters": {"name": f"trail-{rng.randrange(50)}"}}  # fmt: skip
    elif roll < 0.55:
        base |= {"eventSource": "sts.amazonaws.com", "eventName": "AssumeRole",
                 "userIdentity": {"type": "AWSService", "invokedBy": "lambda.amazonaws.com"},
                 "sourceIPAddress": "lambda.amazonaws.com",
                 "requestParameters": {"roleArn": f"{ROLE_PREFIX}fn{rng.randrange(300)}",
                                       "roleSessionName": "x"}}  # fmt: skip
    else:
        base |= {"eventSource": "iam.amazonaws.com", "eventName": "GetRole",
                 "requestParameters": {"roleName": f"fn{rng.randrange(300)}"}}  # fmt: skip
    return base


def build_store(path: Path, count: int) -> None:
    """A store holding ``count`` synthetic events spread over one week."""
    rng = random.Random(7)
    store = EventStore.open(path)
    rows: list[EventRow] = []
    step = timedelta(days=7) / count
    for index in range(count):
        event = normalize_record(_record(rng, index, START + step * index))
        assert isinstance(event, Event)
        rows.append(EventRow.from_event(event))
    with store.transaction():
        store.insert_events(rows)
    store.close()


def main() -> None:
    """Build, analyze, render, print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=100_000)
    args = parser.parse_args()
    settings = Settings(organization=OrganizationSettings(accounts=(ACCOUNT,)))
    with tempfile.TemporaryDirectory() as scratch:
        db = Path(scratch) / "bench.db"
        started = time.perf_counter()
        build_store(db, args.events)
        print(f"store of {args.events:,} events built in {time.perf_counter() - started:.1f} s")
        store = EventStore.open(db)
        started = time.perf_counter()
        outcome = build_window_report(
            store, settings, lambda: START + timedelta(days=8), START, START + timedelta(days=7)
        )
        analyzed = time.perf_counter() - started
        data = outcome.data
        print(f"analysis: {analyzed:.2f} s, {len(data.findings):,} findings, "
              f"{len(data.changes):,} changes, {args.events / analyzed:,.0f} events/s")  # fmt: skip
        total = analyzed
        for fmt in ("html", "md", "json"):
            started = time.perf_counter()
            text = render_report(data, fmt)
            seconds = time.perf_counter() - started
            total += seconds
            print(f"render {fmt:4}: {seconds:.2f} s, {len(text.encode()) / 1e6:.2f} MB")
        store.close()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"total analysis + rendering: {total:.2f} s (target < 30 s); peak RSS {peak:,.0f} MiB")


if __name__ == "__main__":
    main()
