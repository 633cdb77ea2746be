"""Credentials, roles and per-process clients, against the moto server."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from auditor.sources.aws_session import AwsAccess, client_for, make_session, session_for
from auditor.sources.interface import LogFile
from auditor.sources.layout import Window
from auditor.sources.s3 import BucketAccess, S3Source
from tests.sources.conftest import Trail
from tests.sources.corpus import ACCOUNTS, ORG

ROLE = "arn:aws:iam::999999999999:role/trailaudit-reader"


def test_standard_chain_and_endpoint_from_the_environment(moto_endpoint: str) -> None:
    client = client_for(AwsAccess(), "s3")
    assert client.meta.endpoint_url == moto_endpoint
    credentials = session_for(AwsAccess()).get_credentials()
    assert credentials is not None and credentials.access_key == "testing"
    retries = client.meta.config.retries  # type: ignore[attr-defined]
    assert retries == {"mode": "standard", "total_max_attempts": 11}


def test_named_profile(moto_endpoint: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = tmp_path / "credentials"
    config.write_text(
        "[audit]\naws_access_key_id = AKIAPROFILEPROFILE00\naws_secret_access_key = s\n"
    )
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(config))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    credentials = make_session(AwsAccess(profile="audit")).get_credentials()
    assert credentials is not None and credentials.access_key == "AKIAPROFILEPROFILE00"


def test_role_is_assumed_through_sts(trail: Trail) -> None:
    access = AwsAccess(role_arn=ROLE)
    credentials = session_for(access).get_credentials()
    assert credentials is not None
    frozen = credentials.get_frozen_credentials()
    assert frozen.access_key != "testing" and frozen.token  # moto STS minted them
    prefix = f"AWSLogs/{ORG}/{ACCOUNTS[0]}/CloudTrail/us-east-1/"
    source = S3Source(trail.bucket, prefix, access=BucketAccess(access))
    files = [i for i in source.list_files(Window()) if isinstance(i, LogFile)]
    assert len(files) > 3


def _child_client_is_new(_: int) -> bool:
    from auditor.sources import aws_session

    inherited = [
        key for key in aws_session._clients if key[0] != multiprocessing.current_process().pid
    ]
    mine = client_for(AwsAccess(), "s3")
    return bool(inherited) and all(aws_session._clients[key] is not mine for key in inherited)


def test_clients_are_per_process_and_never_cross_a_fork(moto_endpoint: str) -> None:
    parent = client_for(AwsAccess(), "s3")
    assert client_for(AwsAccess(), "s3") is parent
    with multiprocessing.get_context("fork").Pool(1) as pool:
        assert pool.map(_child_client_is_new, [0]) == [True]
