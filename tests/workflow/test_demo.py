"""The demo end to end: deterministic reports that tell the staged intrusion."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from auditor.workflow.demo import run_demo


@pytest.fixture(scope="module")
def demo_twice(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    first = tmp_path_factory.mktemp("demo") / "one"
    second = tmp_path_factory.mktemp("demo") / "two"
    run_demo(first)
    run_demo(second)
    return first, second


def _reports(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in sorted(root.rglob("report.*"))
        if "work" not in p.parts
    }


def test_demo_reports_are_byte_identical_across_runs(demo_twice: tuple[Path, Path]) -> None:
    one, two = (_reports(root) for root in demo_twice)
    assert len(one) == 12
    assert one == two


def test_the_first_week_is_learned_quietly(demo_twice: tuple[Path, Path]) -> None:
    report = orjson.loads((demo_twice[0] / "nightly-2026-11-09" / "report.json").read_bytes())
    checks = {f["check_id"] for f in report["findings"]}
    assert "sts_assume_role_first_time" not in checks


def test_the_intrusion_is_reported_with_its_evidence(demo_twice: tuple[Path, Path]) -> None:
    report = orjson.loads((demo_twice[0] / "nightly-2026-11-16" / "report.json").read_bytes())
    by_check = {f["check_id"]: f for f in report["findings"]}
    admin = by_check["iam_policy_admin_granted"]
    assert admin["resource"] == "arn:aws:iam::222222222222:user/svc-backup"
    assert admin["actor"]["country"] == "BG"
    assert by_check["cloudtrail_trail_logging_stopped"]["severity"] == "critical"
    outsider = by_check["sts_assume_role_first_time"]
    assert outsider["details"]["caller"] == "arn:aws:iam::999988887777:root"
    changed = {(c["entity"], c["arn"]) for c in report["changes"]}
    assert ("user", "arn:aws:iam::222222222222:user/svc-backup") in changed
    assert report["exit_statuses"]


def test_weekly_and_diff_reports_exist(demo_twice: tuple[Path, Path]) -> None:
    weekly = orjson.loads((demo_twice[0] / "weekly" / "report.json").read_bytes())
    assert weekly["kind"] == "weekly"
    assert weekly["headline"]["new_admin_principals"] >= 1
    diff = orjson.loads((demo_twice[0] / "diff" / "report.json").read_bytes())
    assert diff["kind"] == "diff" and diff["changes"]
    html = (demo_twice[0] / "weekly" / "report.html").read_text(encoding="utf-8")
    assert "<script" not in html.lower()


def test_the_snapshot_a_run_stores_is_the_replayed_state(demo_twice: tuple[Path, Path]) -> None:
    from auditor.iam.history import snapshots_of, state_at
    from auditor.iam.serialize import state_to_bytes
    from auditor.store.event_store import EventStore

    store = EventStore.open(demo_twice[0] / "work" / "demo.db")
    try:
        snapshots = snapshots_of(store)
        latest = max(snapshots.snapshots(), key=lambda row: row.at)
        saved = snapshots.load_snapshot(latest.id)
        store.connection.execute("DELETE FROM iam_snapshots")
        replayed = state_at(store, latest.at)
        saved.at, replayed.at = latest.at, latest.at
        assert state_to_bytes(saved) == state_to_bytes(replayed)
    finally:
        store.close()
