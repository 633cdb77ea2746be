"""CloudTrail trail buckets on S3: list only the folders a window needs, read objects.

Listing, for ``s3://bucket/prefix`` and a window:

1. the organization and account folders under ``.../AWSLogs/`` (``Delimiter='/'``;
   skipped for what the configuration or the prefix fixes);
2. the region folders under each ``<account>/CloudTrail/`` (idem);
3. the day folders: planned from the window's delivery days when it has a start,
   else discovered year by year and month by month (still with a delimiter);
4. one listing per day folder, in order, a few at a time in threads.

Objects are yielded as ``LogFile(location="s3://bucket/key", version=<ETag>)`` so a
file already ingested with the same ETag is not downloaded again. The reader runs in
forked ingest workers; each process makes its own client (``aws_session``).
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from botocore.exceptions import BotoCoreError, ClientError

from auditor.config import SourceSettings
from auditor.errors import ConfigError
from auditor.sources.aws_session import AwsAccess, client_for, describe_error
from auditor.sources.interface import Listing, LogFile, SkippedFile, register_reader
from auditor.sources.layout import Window, read_layout, skip_reason
from auditor.sources.s3_listing import (
    ACCOUNT,
    ORGANIZATION,
    TrailPrefix,
    account_folder,
    child_name,
    day_of,
    plan_region_days,
    read_prefix,
)

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

T = TypeVar("T")
R = TypeVar("R")
MAX_OBJECT_BYTES = 256 * 2**20
_CHUNK = 1 << 20


class S3ReadError(Exception):
    """An object could not be read; the message names the object and the reason."""


@dataclass(frozen=True, slots=True)
class BucketAccess:
    """What the reader needs to fetch objects of one bucket."""

    access: AwsAccess = field(default_factory=AwsAccess)
    requester_pays: bool = False

    def extra(self) -> dict[str, Any]:
        """Request parameters every call on this bucket carries."""
        return {"RequestPayer": "requester"} if self.requester_pays else {}


_buckets: dict[str, BucketAccess] = {}
_buckets_lock = threading.Lock()


def _after_fork_in_child() -> None:
    global _buckets_lock
    _buckets_lock = threading.Lock()


os.register_at_fork(after_in_child=_after_fork_in_child)


def configure_bucket(bucket: str, settings: BucketAccess) -> None:
    """Tell the reader how to reach a bucket.

    Forked ingest workers inherit this; a process that was not forked from the one
    that listed (a Spark executor, a spawned worker) calls it itself, else the
    reader uses the standard credential chain.
    """
    with _buckets_lock:
        _buckets[bucket] = settings


def _ordered_map(fn: Callable[[T], R], items: Iterable[T], workers: int) -> Iterator[R]:
    """``map`` in threads with at most ``2 * workers`` calls in flight, in input order."""
    if workers <= 1:
        yield from map(fn, items)
        return
    with ThreadPoolExecutor(workers, thread_name_prefix="s3-list") as pool:
        pending: deque[Future[R]] = deque()
        for item in items:
            pending.append(pool.submit(fn, item))
            if len(pending) >= 2 * workers:
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()


@dataclass
class S3Source:
    """A trail bucket (or a prefix of it) and what the configuration fixes."""

    bucket: str
    prefix: str = ""
    organization_id: str = ""
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    access: BucketAccess = field(default_factory=BucketAccess)
    max_concurrency: int = 8
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    def __post_init__(self) -> None:
        if not self.bucket:
            raise ConfigError("an s3 source needs a bucket")
        for account in self.accounts:
            if not ACCOUNT.match(account):
                raise ConfigError(f"account id {account!r} is not 12 digits")
        if self.organization_id and not ORGANIZATION.match(self.organization_id):
            raise ConfigError(f"organization id {self.organization_id!r} is not o-xxxxxxxxxx")
        self.trail: TrailPrefix = read_prefix(self.prefix)
        fixed = self.trail.organization_id
        if fixed and self.organization_id and fixed != self.organization_id:
            raise ConfigError(f"prefix {self.prefix!r} is not under {self.organization_id}")
        configure_bucket(self.bucket, self.access)

    @classmethod
    def from_settings(cls, settings: SourceSettings) -> S3Source:
        """An S3 source from a ``[[sources]] kind = "s3"`` entry (or an s3:// target)."""
        access = AwsAccess(
            profile=settings.profile,
            role_arn=settings.role_arn,
            max_pool_connections=max(10, 2 * settings.max_concurrency),
        )
        return cls(
            bucket=settings.bucket,
            prefix=settings.prefix,
            organization_id=settings.organization_id,
            accounts=settings.accounts,
            regions=settings.regions,
            access=BucketAccess(access, settings.requester_pays),
            max_concurrency=max(1, settings.max_concurrency),
        )

    def client(self) -> S3Client:
        """This process's S3 client for the bucket."""
        return client_for(self.access.access, "s3")

    def _url(self, prefix: str) -> str:
        return f"s3://{self.bucket}/{prefix}"

    def _pages(self, prefix: str, delimiter: str) -> Iterator[Any]:
        paginator = self.client().get_paginator("list_objects_v2")
        extra: dict[str, Any] = {"Delimiter": delimiter} if delimiter else {}
        yield from paginator.paginate(
            Bucket=self.bucket, Prefix=prefix, **extra, **self.access.extra()
        )

    def _children(self, prefix: str) -> list[str] | SkippedFile:
        """The sub-folder names of ``prefix`` (one delimiter listing)."""
        try:
            return [
                child_name(prefix, common["Prefix"])
                for page in self._pages(prefix, "/")
                for common in page.get("CommonPrefixes", [])
            ]
        except (ClientError, BotoCoreError) as exc:
            return SkippedFile(self._url(prefix), f"cannot list: {describe_error(exc)}")

    def _account_folders(self) -> Iterator[str | SkippedFile]:
        trail = self.trail
        org = trail.organization_id or self.organization_id
        accounts = (trail.account,) if trail.account else self.accounts
        if trail.account and self.accounts and trail.account not in self.accounts:
            return
        if org and accounts:
            yield from (account_folder(trail.root, org, a) for a in sorted(accounts))
            return
        groups: list[tuple[str, list[str]]] = []
        if org:
            names = self._children(f"{trail.root}{org}/")
            if isinstance(names, SkippedFile):
                yield names
                return
            groups.append((org, names))
        else:
            names = self._children(trail.root)
            if isinstance(names, SkippedFile):
                yield names
                return
            if not names:
                yield SkippedFile(self._url(trail.root), "no CloudTrail logs under this prefix")
            groups.append(("", [n for n in names if ACCOUNT.match(n)]))
            orgs = sorted(n for n in names if ORGANIZATION.match(n))
            if accounts:
                groups += [(o, list(accounts)) for o in orgs]
            else:
                prefixes = [f"{trail.root}{o}/" for o in orgs]
                for o, found in zip(
                    orgs, _ordered_map(self._children, prefixes, self.max_concurrency), strict=True
                ):
                    if isinstance(found, SkippedFile):
                        yield found
                    else:
                        groups.append((o, found))
        folders = [
            account_folder(trail.root, o, a)
            for o, names in groups
            for a in names
            if ACCOUNT.match(a) and (not accounts or a in accounts)
        ]
        yield from sorted(folders)

    def _region_folders(self) -> Iterator[str | SkippedFile]:
        fixed = (self.trail.region,) if self.trail.region else self.regions
        if self.trail.region and self.regions and self.trail.region not in self.regions:
            return
        folders = list(self._account_folders())
        skipped = [f for f in folders if isinstance(f, SkippedFile)]
        yield from skipped
        accounts = [f for f in folders if isinstance(f, str)]
        if fixed:
            yield from sorted(f"{a}{r}/" for a in accounts for r in fixed)
            return
        for folder, names in zip(
            accounts, _ordered_map(self._children, accounts, self.max_concurrency), strict=True
        ):
            if isinstance(names, SkippedFile):
                yield names
            else:
                yield from (f"{folder}{name}/" for name in sorted(names))

    def _discover_days(self, window: Window, folder: str) -> list[str | SkippedFile]:
        """Day folders of one region folder, found level by level (window without a start)."""
        found: list[str | SkippedFile] = []
        limit = (window.until + window.margin).date() if window.until is not None else None
        years = self._children(folder)
        if isinstance(years, SkippedFile):
            return [years]
        for year in sorted(y for y in years if y.isdigit()):
            if limit is not None and int(year) > limit.year:
                continue
            months = self._children(f"{folder}{year}/")
            if isinstance(months, SkippedFile):
                found.append(months)
                continue
            for month in sorted(m for m in months if m.isdigit()):
                if limit is not None and (int(year), int(month)) > (limit.year, limit.month):
                    continue
                days = self._children(f"{folder}{year}/{month}/")
                if isinstance(days, SkippedFile):
                    found.append(days)
                    continue
                for day in sorted(days):
                    path = f"{folder}{year}/{month}/{day}/"
                    when = day_of(path)
                    if when is not None and window.admits_day(when):
                        found.append(path)
        return found

    def day_folders(self, window: Window) -> Iterator[str | SkippedFile]:
        """Every day folder to list for the window, in order (skips where listing failed)."""
        regions = list(self._region_folders())
        yield from (r for r in regions if isinstance(r, SkippedFile))
        folders = [r for r in regions if isinstance(r, str)]
        wanted = self.trail.date_prefix
        if window.since is not None:
            days: list[date] = window.days(self.clock().date())
            yield from (p for p in plan_region_days(folders, days) if p[-11:].startswith(wanted))
            return
        discovered = _ordered_map(
            lambda folder: self._discover_days(window, folder), folders, self.max_concurrency
        )
        for found in discovered:
            for path in found:
                if isinstance(path, SkippedFile) or path[-11:].startswith(wanted):
                    yield path

    def _list_day(self, prefix: str, window: Window) -> list[LogFile | SkippedFile]:
        items: list[LogFile | SkippedFile] = []
        try:
            for page in self._pages(prefix, ""):
                items.extend(self._entry(entry, window) for entry in page.get("Contents", []))
        except (ClientError, BotoCoreError) as exc:
            items.append(SkippedFile(self._url(prefix), f"cannot list: {describe_error(exc)}"))
        return items

    def _entry(self, entry: Any, window: Window) -> LogFile | SkippedFile:
        key = str(entry["Key"])
        location = self._url(key)
        info = read_layout(key)
        reason = skip_reason(key, info)
        if reason is not None:
            return SkippedFile(location, reason)
        if info is not None and not window.admits_delivery(info.delivered_at):
            return SkippedFile(location, "delivered outside the window")
        etag = str(entry.get("ETag", "")).strip('"')
        return LogFile(location, "s3", int(entry.get("Size", 0)), etag, info)

    def list_files(self, window: Window) -> Listing:
        """Every log object of the window's day folders, in key order."""
        folders = self.day_folders(window)
        prefixes: list[str] = []
        for item in folders:
            if isinstance(item, SkippedFile):
                yield item
            else:
                prefixes.append(item)
        for items in _ordered_map(
            lambda p: self._list_day(p, window), prefixes, self.max_concurrency
        ):
            yield from items


def split_location(location: str) -> tuple[str, str]:
    """``s3://bucket/key`` → ``(bucket, key)``."""
    bucket, _, key = location.removeprefix("s3://").partition("/")
    return bucket, key


def read_s3_object(log_file: LogFile) -> bytes:
    """The bytes of one object; raises ``S3ReadError`` naming the object and the reason."""
    bucket, key = split_location(log_file.location)
    with _buckets_lock:
        settings = _buckets.get(bucket, BucketAccess())
    if log_file.size > MAX_OBJECT_BYTES:
        raise S3ReadError(
            f"{log_file.location}: object of {log_file.size:,} bytes is larger than the "
            f"{MAX_OBJECT_BYTES // 2**20} MiB a CloudTrail file can be"
        )
    try:
        client = client_for(settings.access, "s3")
        answer = client.get_object(Bucket=bucket, Key=key, **settings.extra())
        body = answer["Body"]
        data = bytearray()
        try:
            while chunk := body.read(_CHUNK):
                data += chunk
                if len(data) > MAX_OBJECT_BYTES:
                    raise S3ReadError(f"{log_file.location}: object grew past the size cap")
        finally:
            body.close()
    except (ClientError, BotoCoreError) as exc:
        raise S3ReadError(f"{log_file.location}: {describe_error(exc)}") from None
    return bytes(data)


register_reader("s3", read_s3_object)
