"""The S3 layout: the keys trailaudit writes in tests read back as CloudTrail's own."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.sources.layout import log_key, read_layout


def test_log_key_and_read_layout_are_inverse() -> None:
    delivered = datetime(2026, 11, 2, 10, 5, tzinfo=UTC)
    key = log_key("111122223333", "eu-west-1", delivered, "AbCdEf0123456789", "o-abc123")
    assert key == (
        "AWSLogs/o-abc123/111122223333/CloudTrail/eu-west-1/2026/11/02/"
        "111122223333_CloudTrail_eu-west-1_20261102T1005Z_AbCdEf0123456789.json.gz"
    )
    info = read_layout("logs/" + key)
    assert info is not None
    assert (info.account_id, info.region, info.kind, info.delivered_at, info.organization_id) == (
        "111122223333", "eu-west-1", "CloudTrail", delivered, "o-abc123",
    )  # fmt: skip


FOLDER = "AWSLogs/111122223333/CloudTrail/us-east-1/2026/11/02/"


def _delivered(name: str) -> datetime | None:
    info = read_layout(FOLDER + name)
    return info.delivered_at if info else None


def test_the_name_stamp_may_carry_seconds() -> None:
    name = "111122223333_CloudTrail_us-east-1_20261102T100559Z_x.json.gz"
    assert _delivered(name) == datetime(2026, 11, 2, 10, 5, 59, tzinfo=UTC)


def test_an_impossible_name_stamp_falls_back_to_the_folder_day() -> None:
    for stamp in ("20261302T1005Z", "20261102T2505Z", "20261102T10055Z"):
        name = f"111122223333_CloudTrail_us-east-1_{stamp}_x.json.gz"
        assert _delivered(name) == datetime(2026, 11, 2, tzinfo=UTC), stamp
