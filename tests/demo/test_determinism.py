"""Two builds of the demo are byte-identical."""

from __future__ import annotations

import json
from pathlib import Path

from auditor.demo import (
    build_demo_baselines,
    build_demo_records,
    write_demo_baselines,
    write_demo_trail,
)


def _tree(root: Path, paths: list[Path]) -> dict[str, bytes]:
    return {str(path.relative_to(root)): path.read_bytes() for path in paths}


def test_records_are_identical_across_builds() -> None:
    first = json.dumps(build_demo_records(), sort_keys=False)
    second = json.dumps(build_demo_records(), sort_keys=False)
    assert first == second


def test_trail_files_are_byte_identical(tmp_path: Path, trail: tuple[Path, list[Path]]) -> None:
    root, paths = trail
    again = write_demo_trail(tmp_path / "again")
    assert _tree(root, paths) == _tree(tmp_path / "again", again)


def test_baseline_files_are_byte_identical(tmp_path: Path) -> None:
    one = write_demo_baselines(tmp_path / "one")
    two = write_demo_baselines(tmp_path / "two")
    assert _tree(tmp_path / "one", one) == _tree(tmp_path / "two", two)
    assert build_demo_baselines() == build_demo_baselines()
