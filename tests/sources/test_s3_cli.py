"""``trailaudit ingest s3://...`` end to end, in a subprocess pointed at the moto server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson

from tests.sources.conftest import Trail

TRAILAUDIT = Path(sys.executable).with_name("trailaudit")


def run(*args: str, cwd: Path) -> tuple[int, dict[str, Any]]:
    env = dict(os.environ)  # AWS_ENDPOINT_URL and dummy credentials from moto_endpoint
    done = subprocess.run(
        [str(TRAILAUDIT), *args], cwd=cwd, env=env, capture_output=True, timeout=120, check=False
    )
    assert done.stdout, done.stderr.decode()
    return done.returncode, orjson.loads(done.stdout)


def test_cli_ingest_from_s3(trail: Trail, tmp_path: Path) -> None:
    db = str(tmp_path / "cli.db")
    window = ("--since", "2026-11-21", "--until", "2026-11-22")
    target = f"s3://{trail.bucket}/AWSLogs/"
    status, summary = run("--db", db, "ingest", target, *window, "--json", cwd=tmp_path)
    assert status == 3  # the object that is not gzip: an input problem, the rest read
    assert summary["files_read"] > 20 and summary["new_events"] > 30
    (problem,) = summary["problems"]
    assert problem["location"].startswith(target) and "NOTGZIP" in problem["location"]

    status, again = run("--db", db, "ingest", target, *window, "--json", cwd=tmp_path)
    assert again["new_events"] == 0 and again["files_read"] == 1  # only the broken object
    unchanged = again["files_skipped"]["already ingested, unchanged"]
    assert unchanged == summary["files_read"] - 1
