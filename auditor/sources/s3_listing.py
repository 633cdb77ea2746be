"""The pure part of S3 listing: what a prefix fixes, and the day folders a window needs.

``<root>AWSLogs/[o-org/]<account>/CloudTrail/<region>/YYYY/MM/DD/``: the planner turns
an organization, accounts, regions and delivery days into exactly those folders, so
a window is read with one listing per folder and never a listing of the bucket. A
Spark or Glue backfill can call the same planner to produce its key prefixes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from auditor.errors import ConfigError

ACCOUNT = re.compile(r"^\d{12}$")
ORGANIZATION = re.compile(r"^o-[a-z0-9]{10,32}$")
YEAR, MONTH, DAY = re.compile(r"^\d{4}$"), re.compile(r"^(0[1-9]|1[0-2])$"), re.compile(r"^\d{2}$")
LOGS = "AWSLogs"
TRAIL = "CloudTrail"


@dataclass(frozen=True, slots=True)
class TrailPrefix:
    """A user's ``s3://bucket/prefix`` read as the CloudTrail layout it points into."""

    root: str
    organization_id: str = ""
    account: str = ""
    region: str = ""
    date_prefix: str = ""


def read_prefix(prefix: str) -> TrailPrefix:
    """Split a prefix into the ``.../AWSLogs/`` root and the levels it already fixes.

    ``logs/`` and ``logs/AWSLogs/`` have the same root; ``AWSLogs/o-x/111122223333/
    CloudTrail/us-east-1/2026/11/`` fixes the organization, account, region and month.
    """
    parts = [p for p in prefix.split("/") if p]
    if LOGS not in parts:
        return TrailPrefix("/".join([*parts, LOGS]) + "/")
    at = parts.index(LOGS)
    root = "/".join(parts[: at + 1]) + "/"
    rest = parts[at + 1 :]
    fixed: dict[str, str] = {}
    if rest and ORGANIZATION.match(rest[0]):
        fixed["organization_id"] = rest.pop(0)
    if rest and ACCOUNT.match(rest[0]):
        fixed["account"] = rest.pop(0)
    if rest:
        if rest[0] != TRAIL:
            raise ConfigError(f"S3 prefix {prefix!r} points outside the CloudTrail log folders")
        rest.pop(0)
    if rest:
        fixed["region"] = rest.pop(0)
    patterns = (YEAR, MONTH, DAY)
    if len(rest) > len(patterns) or any(
        not p.match(v) for p, v in zip(patterns, rest, strict=False)
    ):
        raise ConfigError(f"S3 prefix {prefix!r} does not end at a YYYY/MM/DD folder level")
    if rest and not fixed.get("region"):
        raise ConfigError(f"S3 prefix {prefix!r} has a date but no region")
    fixed["date_prefix"] = "".join(f"{v}/" for v in rest)
    return TrailPrefix(root, **fixed)


def account_folder(root: str, organization_id: str, account: str) -> str:
    """``<root>[o-org/]<account>/CloudTrail/`` (never the Digest or Insight siblings)."""
    org = f"{organization_id}/" if organization_id else ""
    return f"{root}{org}{account}/{TRAIL}/"


def day_path(day: date) -> str:
    """``YYYY/MM/DD/`` for a delivery day."""
    return f"{day.year:04d}/{day.month:02d}/{day.day:02d}/"


def day_of(path: str) -> date | None:
    """The day a ``.../YYYY/MM/DD/`` folder stands for, or None."""
    parts = path.rstrip("/").split("/")[-3:]
    if len(parts) != 3 or not (YEAR.match(parts[0]) and MONTH.match(parts[1])):
        return None
    try:
        return date(int(parts[0]), int(parts[1]), int(parts[2]))
    except ValueError:
        return None


def plan_region_days(region_folders: Iterable[str], days: Iterable[date]) -> list[str]:
    """Every ``<region folder>YYYY/MM/DD/`` for the given region folders and days, sorted."""
    paths = [day_path(day) for day in days]
    return sorted(folder + path for folder in region_folders for path in paths)


def plan_prefixes(
    root: str,
    organization_id: str,
    accounts: Iterable[str],
    regions: Iterable[str],
    days: Iterable[date],
) -> list[str]:
    """The day folders a window needs: one per account, region and delivery day, sorted."""
    wanted = list(regions)
    folders = [
        f"{account_folder(root, organization_id, account)}{region}/"
        for account in accounts
        for region in wanted
    ]
    return plan_region_days(folders, days)


def child_name(prefix: str, common_prefix: str) -> str:
    """The folder name of a delimiter listing's common prefix under ``prefix``."""
    return common_prefix[len(prefix) :].rstrip("/")
