"""The benchmarks under ``bench/`` run end to end at a tiny size and print their figures.

Their numbers are not checked here (speed lives in the benchmarks, not in timed tests):
only that each runs, and prints the figures the README quotes.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"


def _run(script: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _host_lines(output: str) -> list[str]:
    pattern = (
        r"host speed \((start|end)\): fixed Python loop \d+\.\d{3} s,"
        r" scattered memory read \d+ ns"
    )
    return re.findall(pattern, output)


def test_ingest_benchmark_prints_the_ratio_to_the_floor(tmp_path: Path) -> None:
    output = _run("ingest.py", "--mb", "1", "--dir", str(tmp_path), "--repeat", "1")
    assert re.search(r"floor  \(isal presized\): +\d+\.\d+ s", output)
    assert re.search(r"ratio to floor: \d+\.\d+x  \(rounds: \d+\.\d+; target >= 0\.60x\)", output)
    assert re.search(r"core-seconds, median\): floor \d+\.\d+, filter \d+\.\d+, ingest", output)
    assert _host_lines(output) == ["start", "end"]
    assert not list(tmp_path.iterdir()), "the corpus is removed without --keep"


def test_replay_benchmark_prints_every_query() -> None:
    output = _run(
        "replay.py", "--events", "3000", "--entities", "500", "--days", "10", "--queries", "1"
    )
    for label in ("replay (memory)", "replay (store, no snapshot)", "state_at", "peak memory"):
        assert label in output
    assert re.search(r"diff \(7 days, from snapshots\): median \d\.\d{3} s", output)
    assert _host_lines(output) == ["start", "end"]


def test_replay_benchmark_refuses_a_diff_longer_than_its_period() -> None:
    done = subprocess.run(
        [sys.executable, str(BENCH / "replay.py"), "--events", "100", "--days", "5"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "--diff-days must be shorter than --days (5)" in done.stderr


def test_report_benchmark_runs() -> None:
    output = _run("report.py", "--events", "2000")
    assert re.search(r"total analysis \+ rendering: \d+\.\d+ s", output)


def test_s3_benchmark_runs_against_a_local_moto_server() -> None:
    output = _run("s3.py", "--records", "300")
    assert re.search(r"s3/local throughput ratio: \d+\.\d+", output)
