"""The demo scenario: three accounts, two weeks of CloudTrail, one intrusion, and the baselines.

Accounts: management 111111111111, prod 222222222222, dev 333333333333 (organization
o-demo12345); Datadog 464622532012 is a known vendor; 999988887777 is the attacker. Window
2026-11-02 → 2026-11-16 (UTC). Regions us-east-1 (IAM, global STS, most sign-ins) and eu-west-1.
Everything is fixed in the code: no clock, and every random draw uses a fixed seed.

What happens: see `routine` (legitimate Terraform / CloudFormation changes), `background`
(service role assumptions, Identity Center sign-ins, Datadog, drift checks), `noise` (other
services) and `intrusion` (the attack in prod on 2026-11-12; `DEMO_STORY` lists its steps).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from auditor.demo.authdetails import authorization_details
from auditor.demo.background import build_background
from auditor.demo.baseline import ACCOUNT_SPECS
from auditor.demo.delivery import write_trail
from auditor.demo.envelope import Recorder
from auditor.demo.intrusion import build_intrusion
from auditor.demo.noise import build_noise
from auditor.demo.org import BASELINE_AT
from auditor.demo.routine import build_routine


@dataclass(frozen=True)
class Scenario:
    """Every record once, sorted, plus the delivery quirks (late and duplicated eventIDs)."""

    records: list[dict[str, Any]]
    late: dict[str, timedelta]
    duplicated: frozenset[str]


def build_scenario() -> Scenario:
    parts: list[Recorder] = [build_routine(), build_background(), build_noise(), build_intrusion()]
    records = [record for part in parts for record in part.records]
    records.sort(key=lambda r: (r["eventTime"], r["recipientAccountId"], r["eventID"]))
    late = {event_id: delay for part in parts for event_id, delay in part.late.items()}
    duplicated = frozenset(event_id for part in parts for event_id in part.duplicated)
    return Scenario(records, late, duplicated)


def build_demo_records() -> list[dict[str, Any]]:
    """Every record of the scenario once (duplicates are a delivery matter), by eventTime."""
    return build_scenario().records


def build_demo_baselines() -> list[tuple[str, datetime, dict[str, Any]]]:
    """(account id, instant, GetAccountAuthorizationDetails document) for each account."""
    return [(spec.account, BASELINE_AT, authorization_details(spec)) for spec in ACCOUNT_SPECS]


def write_demo_trail(root: Path) -> list[Path]:
    """Write the organization trail's S3 layout under `root` (log files and digests)."""
    scenario = build_scenario()
    return write_trail(root, scenario.records, scenario.late, scenario.duplicated)


def baseline_file_name(account: str, at: datetime) -> str:
    return f"{account}_authorization-details_{at:%Y%m%dT%H%MZ}.json"


def write_demo_baselines(root: Path) -> list[Path]:
    """One JSON per account, formatted as the AWS CLI prints it (4-space indent)."""
    root.mkdir(parents=True, exist_ok=True)
    paths = []
    for account, at, document in build_demo_baselines():
        path = root / baseline_file_name(account, at)
        path.write_text(json.dumps(document, indent=4) + "\n", encoding="utf-8")
        paths.append(path)
    return paths
