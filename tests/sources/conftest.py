"""Fixtures of the AWS source tests: a trail bucket on the moto server, the same files on disk."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import pytest

from auditor.sources.aws_session import forget_clients
from tests.sources.corpus import Corpus, build_corpus


@dataclass(frozen=True)
class Trail:
    """A bucket holding the corpus on moto, and a folder holding the same files."""

    bucket: str
    local: Path
    corpus: Corpus
    endpoint: str


def upload(bucket: str, corpus: Corpus) -> None:
    """Create the bucket on the endpoint in the environment and put every object."""
    s3 = boto3.client("s3", region_name="us-east-1")
    s3.create_bucket(Bucket=bucket)
    for key, data in corpus.objects.items():
        s3.put_object(Bucket=bucket, Key=key, Body=data)


@pytest.fixture(scope="session")
def trail(moto_endpoint: str, tmp_path_factory: pytest.TempPathFactory) -> Trail:
    """The org trail corpus, uploaded once per session (tests must not modify it)."""
    corpus = build_corpus()
    local = tmp_path_factory.mktemp("trail")
    corpus.write(local)
    upload("org-trail", corpus)
    return Trail("org-trail", local, corpus, moto_endpoint)


@pytest.fixture(autouse=True)
def _fresh_clients() -> Iterator[None]:
    """Clients are cached per process; tests that change endpoints start clean."""
    forget_clients()
    yield
    forget_clients()
