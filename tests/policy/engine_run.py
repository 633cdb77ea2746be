"""Run CloudTrail records through the engine with the built-in rule pack, in a child process.

``python -m tests.policy.engine_run RECORDS.json`` prints the findings as JSON lines
(check id, severity, event ids). Tests call :func:`findings_of` so that a stall shows as
a timeout of the child instead of a hung test run.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import orjson

REPO = Path(__file__).resolve().parents[2]
TIMEOUT_SECONDS = 60  # the stalls this guards against took minutes to hours


def findings_of(records: list[dict[str, Any]], tmp_path: Path) -> list[tuple[str, str, str]]:
    """(check id, severity, first event id) of every finding, from a child process."""
    path = tmp_path / "records.json"
    path.write_bytes(orjson.dumps(records))
    done = subprocess.run(
        [sys.executable, "-m", "tests.policy.engine_run", str(path)],
        cwd=REPO,
        capture_output=True,
        timeout=TIMEOUT_SECONDS,
        check=True,
    )
    return [tuple(orjson.loads(line)) for line in done.stdout.splitlines()]


def main(path: str) -> None:
    """Analyze the records of ``path`` and print one JSON line per finding."""
    from auditor.config import ChecksSettings, parse_settings
    from auditor.engine import analyze
    from auditor.events import Event, normalize_record
    from auditor.geo import Geoip2FastLookup
    from auditor.history import History
    from auditor.iam.state import IamState
    from auditor.rules.base import RunContext
    from auditor.rules.catalog import load_catalog

    events = [normalize_record(raw) for raw in orjson.loads(Path(path).read_bytes())]
    assert all(isinstance(event, Event) for event in events)
    settings = parse_settings({"organization": {"accounts": ["111122223333"]}}, "test")
    run = RunContext(settings, History.empty(), Geoip2FastLookup())
    today = date(2026, 11, 30)
    analysis = analyze(events, IamState(), load_catalog(ChecksSettings()), run, today)  # type: ignore[arg-type]
    assert not analysis.errors, analysis.errors
    for finding in analysis.findings:
        line = [finding.check_id, finding.severity.value, finding.event_ids[0]]
        sys.stdout.write(orjson.dumps(line).decode() + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
