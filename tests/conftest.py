"""Shared fixtures: a fresh store, a fixed clock, and a real moto server on localhost."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from auditor.store.event_store import EventStore
from auditor.testing.moto_server import start_moto_server

REPO = Path(__file__).resolve().parent.parent
SHARED_REAL = REPO.parent / "shared" / "data" / "real"
FIXED_NOW = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)


def fixed_clock() -> datetime:
    """The injected clock of the tests."""
    return FIXED_NOW


@pytest.fixture
def store(tmp_path: Path) -> Iterator[EventStore]:
    """A new, empty store in a temporary folder."""
    opened = EventStore.open(tmp_path / "store.db", fixed_clock)
    yield opened
    opened.close()


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden`` rewrites golden files instead of comparing with them."""
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="rewrite golden files (reports, demo) instead of comparing",
    )


@pytest.fixture(scope="session")
def moto_endpoint() -> Iterator[str]:
    """A moto server in its own process on a free localhost port; yields its URL.

    The AWS variables point boto3 at it with dummy credentials for the whole session.
    """
    try:
        process, url = start_moto_server()
    except RuntimeError as exc:
        pytest.fail(str(exc))
    saved = {k: os.environ.get(k) for k in _AWS_ENV}
    os.environ.update(
        {
            "AWS_ACCESS_KEY_ID": "testing",
            "AWS_SECRET_ACCESS_KEY": "testing",
            "AWS_SESSION_TOKEN": "testing",
            "AWS_DEFAULT_REGION": "us-east-1",
            "AWS_ENDPOINT_URL": url,
        }
    )
    try:
        yield url
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        process.terminate()
        process.wait(timeout=10)


_AWS_ENV = (
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_DEFAULT_REGION",
    "AWS_ENDPOINT_URL",
)
