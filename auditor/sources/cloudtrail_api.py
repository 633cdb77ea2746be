"""The CloudTrail API (``LookupEvents``): the last 90 days without a trail bucket.

The source lists *slices*, not files: one per region, event source and UTC day,
each a ``LogFile(kind="cloudtrail-api")`` at
``cloudtrail-api://<account>/<region>/<event source>/<start>-<end>``. The registered
reader performs the lookup for its slice in an ingest worker and returns a JSON
array of ``{"CloudTrailEvent": "..."}`` items, which the filter already unwraps.
Slicing this way keeps the pipeline unchanged (workers, batching, resume): a slice
that ended more than ``settle`` ago has version ``complete`` and is not read again;
the open one is read on every run (``eventID`` dedupe absorbs the overlap).

LookupEvents allows 2 calls per second per account and region: every call, in any
worker, first takes a turn from a limiter shared across the forked processes.
"""

from __future__ import annotations

import logging
import multiprocessing
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import orjson
from botocore.exceptions import BotoCoreError, ClientError

from auditor.config import DEFAULT_EVENT_SOURCES, SourceSettings
from auditor.sources.aws_session import DEFAULT_REGION, AwsAccess, client_for, describe_error
from auditor.sources.interface import Listing, LogFile, SkippedFile, register_reader
from auditor.sources.layout import Window

if TYPE_CHECKING:
    from mypy_boto3_cloudtrail import CloudTrailClient

KIND = "cloudtrail-api"
RETENTION = timedelta(days=90)
CALLS_PER_SECOND = 2.0
PAGE_SIZE = 50
_STAMP = "%Y%m%dT%H%M%SZ"
log = logging.getLogger(__name__)


class ApiReadError(Exception):
    """A slice could not be read; the message names the slice and the reason."""


@dataclass(frozen=True, slots=True)
class ApiSlice:
    """The events of one event source, in one account and region, in [start, end)."""

    account: str
    region: str
    event_source: str
    start: datetime
    end: datetime

    @property
    def location(self) -> str:
        """The slice's stable name, its identity in the store."""
        span = f"{self.start:{_STAMP}}-{self.end:{_STAMP}}"
        return f"{KIND}://{self.account}/{self.region}/{self.event_source}/{span}"

    @classmethod
    def from_location(cls, location: str) -> ApiSlice:
        """Parse what ``location`` produced."""
        account, region, source, span = location.removeprefix(f"{KIND}://").split("/")
        start, end = (datetime.strptime(s, _STAMP).replace(tzinfo=UTC) for s in span.split("-"))
        return cls(account, region, source, start, end)


def plan_slices(
    account: str,
    regions: tuple[str, ...],
    event_sources: tuple[str, ...],
    start: datetime,
    end: datetime,
) -> list[ApiSlice]:
    """Whole UTC days from the one holding ``start`` to the one holding ``end``."""
    first = start.astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    count = (end - timedelta(microseconds=1) - first) // timedelta(days=1) + 1
    days = [first + timedelta(days=n) for n in range(max(0, count))]
    return [
        ApiSlice(account, region, source, day, day + timedelta(days=1))
        for region in regions
        for source in event_sources
        for day in days
    ]


class RateLimiter:
    """At most ``rate`` turns per second, shared by every process forked after creation."""

    def __init__(
        self,
        rate: float = CALLS_PER_SECOND,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        context = multiprocessing.get_context("fork")
        self._interval = 1.0 / rate
        self._lock = context.Lock()
        self._next = context.RawValue("d", 0.0)
        self._clock, self._sleep = clock, sleep

    def wait(self) -> None:
        """Block until this caller's turn (monotonic time is system-wide on Linux)."""
        with self._lock:
            now = self._clock()
            turn = max(now, self._next.value)
            self._next.value = turn + self._interval
        if turn > now:
            self._sleep(turn - now)


_limiters: dict[str, RateLimiter] = {}
_accounts: dict[str, AwsAccess] = {}
_registry_lock = threading.Lock()


def limiter_for(account: str, region: str) -> RateLimiter:
    """The limiter of one account and region (create them before forking workers)."""
    with _registry_lock:
        return _limiters.setdefault(f"{account}/{region}", RateLimiter())


def lookup_slice(
    client: CloudTrailClient, piece: ApiSlice, limiter: RateLimiter
) -> list[dict[str, str]]:
    """Every event of the slice as ``{"CloudTrailEvent": ...}``, page by page."""
    request: dict[str, Any] = {
        "LookupAttributes": [{"AttributeKey": "EventSource", "AttributeValue": piece.event_source}],
        "StartTime": piece.start,
        "EndTime": piece.end,
        "MaxResults": PAGE_SIZE,
    }
    items: list[dict[str, str]] = []
    while True:
        limiter.wait()
        page = client.lookup_events(**request)
        items += [{"CloudTrailEvent": e["CloudTrailEvent"]} for e in page.get("Events", [])]
        token = page.get("NextToken")
        if not token:
            return items
        request["NextToken"] = token


def read_api_slice(log_file: LogFile) -> bytes:
    """The reader for ``cloudtrail-api`` slices: a JSON array of LookupEvents items."""
    piece = ApiSlice.from_location(log_file.location)
    with _registry_lock:
        access = _accounts.get(piece.account, AwsAccess())
    try:
        client = client_for(access, "cloudtrail", piece.region)
        items = lookup_slice(client, piece, limiter_for(piece.account, piece.region))
    except (ClientError, BotoCoreError) as exc:
        raise ApiReadError(f"{log_file.location}: {describe_error(exc)}") from None
    return orjson.dumps(items)


@dataclass
class CloudTrailApiSource:
    """LookupEvents in each region for the IAM, STS and sign-in event sources."""

    regions: tuple[str, ...] = ()
    access: AwsAccess = field(default_factory=AwsAccess)
    event_sources: tuple[str, ...] = DEFAULT_EVENT_SOURCES
    settle: timedelta = timedelta(hours=1)
    clock: Callable[[], datetime] = lambda: datetime.now(UTC)

    @classmethod
    def from_settings(cls, settings: SourceSettings) -> CloudTrailApiSource:
        """From a ``[[sources]] kind = "cloudtrail-api"`` entry."""
        access = AwsAccess(profile=settings.profile, role_arn=settings.role_arn)
        return cls(regions=settings.regions, access=access)

    def _regions(self) -> tuple[str, ...]:
        if self.regions:
            return self.regions
        home = client_for(self.access, "sts").meta.region_name or DEFAULT_REGION
        return tuple(sorted({DEFAULT_REGION, home}))

    def list_files(self, window: Window) -> Listing:
        """One slice per region, event source and day of the window (at most 90 days)."""
        now = self.clock()
        oldest = now - RETENTION
        if window.since is not None and window.since < oldest:
            reason = (
                f"LookupEvents keeps 90 days: events before {oldest:%Y-%m-%d} are not available"
                " from the API (ingest them from the trail's S3 bucket)"
            )
            log.warning(reason)
            yield SkippedFile(f"{KIND}://", reason)
        start = max(window.since or oldest, oldest)
        end = min(window.until or now, now)
        try:
            identity = client_for(self.access, "sts").get_caller_identity()
            regions = self._regions()
        except (ClientError, BotoCoreError) as exc:
            yield SkippedFile(f"{KIND}://", f"cannot reach AWS: {describe_error(exc)}")
            return
        account = identity["Account"]
        with _registry_lock:
            _accounts[account] = self.access
        for region in regions:
            limiter_for(account, region)  # before the pipeline forks its workers
        for piece in plan_slices(account, regions, self.event_sources, start, end):
            version = "complete" if piece.end <= now - self.settle else f"open@{now:{_STAMP}}"
            yield LogFile(piece.location, KIND, 0, version)


register_reader(KIND, read_api_slice)
