"""The pure S3 prefix planner: what a prefix fixes and which day folders a window needs."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from auditor.errors import ConfigError
from auditor.sources.layout import Window
from auditor.sources.s3_listing import (
    TrailPrefix,
    account_folder,
    day_of,
    plan_prefixes,
    read_prefix,
)

ROOT = "logs/AWSLogs/"


def test_plan_is_one_folder_per_account_region_and_day_in_key_order() -> None:
    days = [date(2026, 11, 30), date(2026, 12, 1)]
    plan = plan_prefixes(
        ROOT, "o-abcdefghij", ["222222222222", "111111111111"], ["us-east-1"], days
    )
    assert plan == [
        "logs/AWSLogs/o-abcdefghij/111111111111/CloudTrail/us-east-1/2026/11/30/",
        "logs/AWSLogs/o-abcdefghij/111111111111/CloudTrail/us-east-1/2026/12/01/",
        "logs/AWSLogs/o-abcdefghij/222222222222/CloudTrail/us-east-1/2026/11/30/",
        "logs/AWSLogs/o-abcdefghij/222222222222/CloudTrail/us-east-1/2026/12/01/",
    ]


def test_plan_without_organization_and_size() -> None:
    days = Window(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 11, 2, tzinfo=UTC)).days(
        date(2026, 12, 1)
    )
    plan = plan_prefixes("AWSLogs/", "", ["111111111111"], ["eu-west-1", "us-east-1"], days)
    assert len(plan) == 2 * len(days)
    assert plan[0] == "AWSLogs/111111111111/CloudTrail/eu-west-1/2026/10/31/"
    assert all("Digest" not in p and "Insight" not in p for p in plan)
    assert plan == sorted(plan)


def test_no_prefix_is_a_plan_over_nothing() -> None:
    assert plan_prefixes(ROOT, "", [], ["us-east-1"], [date(2026, 1, 1)]) == []
    assert plan_prefixes(ROOT, "", ["111111111111"], ["us-east-1"], []) == []


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", TrailPrefix("AWSLogs/")),
        ("logs", TrailPrefix("logs/AWSLogs/")),
        ("logs/AWSLogs", TrailPrefix("logs/AWSLogs/")),
        ("AWSLogs/o-abcdefghij/", TrailPrefix("AWSLogs/", "o-abcdefghij")),
        ("AWSLogs/111111111111/", TrailPrefix("AWSLogs/", account="111111111111")),
        (
            "AWSLogs/o-abcdefghij/111111111111/CloudTrail/us-east-1/2026/11/",
            TrailPrefix("AWSLogs/", "o-abcdefghij", "111111111111", "us-east-1", "2026/11/"),
        ),
    ],
)
def test_read_prefix(prefix: str, expected: TrailPrefix) -> None:
    assert read_prefix(prefix) == expected


@pytest.mark.parametrize(
    "prefix",
    [
        "AWSLogs/111111111111/CloudTrail-Digest/",
        "AWSLogs/111111111111/CloudTrail/us-east-1/2026/13/",
        "AWSLogs/111111111111/CloudTrail/us-east-1/2026/11/01/x/",
    ],
)
def test_read_prefix_refuses_prefixes_outside_log_folders(prefix: str) -> None:
    with pytest.raises(ConfigError, match="S3 prefix"):
        read_prefix(prefix)


def test_helpers() -> None:
    assert account_folder("AWSLogs/", "", "111111111111") == "AWSLogs/111111111111/CloudTrail/"
    assert day_of("AWSLogs/1/CloudTrail/us-east-1/2026/02/28/") == date(2026, 2, 28)
    assert day_of("AWSLogs/1/CloudTrail/us-east-1/2026/02/30/") is None
    assert day_of("AWSLogs/1/CloudTrail/us-east-1/") is None


def test_window_days_bound_the_plan() -> None:
    since = datetime(2026, 11, 20, 12, tzinfo=UTC)
    window = Window(since, since + timedelta(hours=1), timedelta(hours=24))
    days = window.days(date(2026, 12, 1))
    assert days == [date(2026, 11, 20), date(2026, 11, 21)]
