"""The CloudTrail S3 layout: what a key or path says before the file is opened.

``AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/<account>_CloudTrail_
<region>_YYYYMMDDTHHMMZ_<unique>.json.gz``. Folder dates and the name's timestamp are
*delivery* times: an event is never delivered before it happens, but may be
delivered hours after.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

_PATH = re.compile(
    r"AWSLogs/(?:(?P<org>o-[a-z0-9]+)/)?(?P<account>\d{12})/(?P<kind>CloudTrail(?:-Digest|-Insight)?)"
    r"/(?P<region>[a-z0-9-]+)/(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/(?P<name>[^/]+)$"
)
# the name's delivery stamp, ``_YYYYMMDDTHHMM[SS]Z``: read with ints, not strptime (a
# listing reads one per file; strptime was 40% of listing a local folder)
_STAMP = re.compile(r"_(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})?Z")
EARLY_MARGIN = timedelta(minutes=15)
LOG_SUFFIXES = (".json", ".json.gz", ".jsonl", ".jsonl.gz", ".ndjson", ".ndjson.gz")
SKIPPED_KINDS = {
    "CloudTrail-Digest": "CloudTrail digest file",
    "CloudTrail-Insight": "CloudTrail Insights file",
}


@dataclass(frozen=True, slots=True)
class LayoutInfo:
    """What the S3 layout tells about one file."""

    account_id: str
    region: str
    kind: str
    delivered_at: datetime
    organization_id: str | None = None


def read_layout(path: str) -> LayoutInfo | None:
    """Parse a path or key in the CloudTrail layout; ``None`` when it is not one."""
    match = _PATH.search(path.replace("\\", "/"))
    if match is None:
        return None
    try:
        delivered = datetime(int(match["y"]), int(match["m"]), int(match["d"]), tzinfo=UTC)
    except ValueError:
        return None
    stamps = _STAMP.findall(match["name"])
    if stamps:
        year, month, day, hour, minute, second = (int(part or 0) for part in stamps[-1])
        with contextlib.suppress(ValueError):
            delivered = datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    return LayoutInfo(match["account"], match["region"], match["kind"], delivered, match["org"])


def log_key(
    account: str,
    region: str,
    delivered: datetime,
    unique: str,
    organization_id: str | None = None,
) -> str:
    """The key CloudTrail delivers a log file under (the inverse of ``read_layout``)."""
    org = f"{organization_id}/" if organization_id else ""
    return (
        f"AWSLogs/{org}{account}/CloudTrail/{region}/{delivered:%Y/%m/%d}/"
        f"{account}_CloudTrail_{region}_{delivered:%Y%m%dT%H%MZ}_{unique}.json.gz"
    )


def skip_reason(path: str, info: LayoutInfo | None) -> str | None:
    """Why a file is not a log file to read (digest, insight, other name), else None."""
    if info is not None and info.kind in SKIPPED_KINDS:
        return SKIPPED_KINDS[info.kind]
    if not path.endswith(LOG_SUFFIXES):
        return "not a .json, .jsonl or .ndjson file (optionally .gz)"
    return None


@dataclass(frozen=True, slots=True)
class Window:
    """A time window for pruning files by delivery time; open ends are None."""

    since: datetime | None = None
    until: datetime | None = None
    margin: timedelta = timedelta(hours=24)

    def admits_delivery(self, delivered_at: datetime) -> bool:
        """Could a file delivered at this time hold events inside the window?"""
        if self.since is not None and delivered_at < self.since - EARLY_MARGIN:
            return False
        return self.until is None or delivered_at <= self.until + self.margin

    def admits_day(self, day: date) -> bool:
        """Could a folder of files delivered on this day hold events inside the window?"""
        start = datetime(day.year, day.month, day.day, tzinfo=UTC)
        end = start + timedelta(days=1) - timedelta(microseconds=1)
        if self.since is not None and end < self.since - EARLY_MARGIN:
            return False
        return self.until is None or start <= self.until + self.margin

    def days(self, today: date) -> list[date]:
        """Every delivery day the window can touch (``since`` is required)."""
        if self.since is None:
            raise ValueError("a window without a start has no finite list of days")
        end = (self.until + self.margin).date() if self.until is not None else today
        first = (self.since - EARLY_MARGIN).date()
        return [first + timedelta(days=n) for n in range((end - first).days + 1)]
