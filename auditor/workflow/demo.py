"""``demo``: the bundled organization end to end, offline, as a user would run it.

Two weeks of an organization's CloudTrail are delivered in two steps: the first week is
ingested and a nightly run learns from it quietly; then the second week (with the
intrusion) arrives and the next nightly run reports it. A weekly report and a diff of
the IAM state over the second week follow. Clocks are fixed, so every report is the
same byte for byte on every machine.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import orjson

from auditor.config import (
    ChecksSettings,
    OrganizationSettings,
    ReportSettings,
    Settings,
    StoreSettings,
)
from auditor.demo import (
    DEMO_KNOWN_ACCOUNTS,
    DEMO_ORGANIZATION_ACCOUNTS,
    write_demo_baselines,
    write_demo_trail,
)
from auditor.iam.baseline import read_authorization_details, read_pages
from auditor.iam.history import import_baseline
from auditor.ingest.pipeline import IngestSummary, ingest_files
from auditor.sources.layout import Window as DeliveryWindow
from auditor.sources.local import LocalSource
from auditor.store.event_store import EventStore
from auditor.timeutil import Clock
from auditor.workflow.analysis import Outcome
from auditor.workflow.diff_report import build_diff_report
from auditor.workflow.nightly import run_nightly
from auditor.workflow.window import build_window_report
from reports import FORMATS, write_reports

BASELINE_AT = datetime(2026, 11, 2, tzinfo=UTC)
FIRST_WEEK_END = datetime(2026, 11, 9, tzinfo=UTC)
SECOND_WEEK_END = datetime(2026, 11, 16, tzinfo=UTC)


def fixed_clock(moment: datetime) -> Clock:
    """A clock that always says ``moment``."""
    return lambda: moment


def demo_settings(work: Path) -> Settings:
    """The demo's configuration: the sample organization and all report formats."""
    return Settings(
        store=StoreSettings(path=str(work / "demo.db")),
        organization=OrganizationSettings(
            accounts=DEMO_ORGANIZATION_ACCOUNTS, known_accounts=dict(DEMO_KNOWN_ACCOUNTS)
        ),
        report=ReportSettings(title="trailaudit demo", formats=FORMATS),
        checks=ChecksSettings(failure_burst_threshold=3),
        origin="demo",
    )


@dataclass
class DemoResult:
    """Where everything went and what the intrusion run found."""

    out_dir: Path
    ingests: list[IngestSummary] = field(default_factory=list)
    reports: dict[str, list[Path]] = field(default_factory=dict)
    intrusion_run: Outcome | None = None


def _ingest(
    store: EventStore, trail: Path, settings: Settings, until: datetime | None
) -> IngestSummary:
    window = DeliveryWindow(until=until, margin=timedelta(0))
    return ingest_files(LocalSource((str(trail),)).list_files(window), store, settings.ingest)


def run_demo(out_dir: Path) -> DemoResult:
    """Write the sample, replay the two weeks, write every report under ``out_dir``."""
    work = out_dir / "work"
    shutil.rmtree(out_dir, ignore_errors=True)
    work.mkdir(parents=True)
    settings = demo_settings(work)
    trail = work / "trail"
    write_demo_trail(trail)
    result = DemoResult(out_dir)
    store = EventStore.open(settings.store.path, fixed_clock(BASELINE_AT))
    try:
        for path in write_demo_baselines(work / "baselines"):
            pages = read_pages(orjson.loads(path.read_bytes()))
            import_baseline(store, read_authorization_details(pages, BASELINE_AT), str(path.name))
        result.ingests.append(_ingest(store, trail, settings, FIRST_WEEK_END))
        first = fixed_clock(FIRST_WEEK_END + timedelta(hours=6))
        store.clock = first
        learned = run_nightly(
            store, settings, first, out_dir / "nightly-2026-11-09", FORMATS, ingest=False
        )
        result.reports["nightly 2026-11-09 (first run: learns)"] = learned.reports
        result.ingests.append(_ingest(store, trail, settings, None))
        second = fixed_clock(SECOND_WEEK_END + timedelta(hours=6))
        store.clock = second
        nightly = run_nightly(
            store, settings, second, out_dir / "nightly-2026-11-16", FORMATS, ingest=False
        )
        result.reports["nightly 2026-11-16"] = nightly.reports
        result.intrusion_run = nightly.outcome
        weekly = build_window_report(store, settings, second, FIRST_WEEK_END, SECOND_WEEK_END)
        result.reports["weekly 2026-11-09 to 2026-11-16"] = write_reports(
            weekly.data, out_dir / "weekly", FORMATS
        )
        diff = build_diff_report(store, settings, second, FIRST_WEEK_END, SECOND_WEEK_END)
        result.reports["diff 2026-11-09 to 2026-11-16"] = write_reports(
            diff, out_dir / "diff", FORMATS
        )
    finally:
        store.close()
    return result
