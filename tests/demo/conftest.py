"""Fixtures for the demo tests: the scenario written once per session."""

from __future__ import annotations

from pathlib import Path

import pytest

from auditor.demo import write_demo_trail


@pytest.fixture(scope="session")
def trail(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Path]]:
    """(root, every written path) of one demo trail."""
    root = tmp_path_factory.mktemp("demo-trail")
    return root, write_demo_trail(root)
