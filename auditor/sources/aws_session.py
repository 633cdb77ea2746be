"""boto3 sessions and clients for the AWS sources: credentials, region, retries.

Credentials come from boto3's standard chain or a named ``profile``; an optional
``role_arn`` is assumed through STS on top of them (refreshed before it expires).
Endpoints follow botocore's own rules, so ``AWS_ENDPOINT_URL`` and
``AWS_ENDPOINT_URL_<SERVICE>`` work unchanged. Clients are cached per process:
ingest reads files in forked workers, and a client must never cross a fork.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal, overload

import boto3
import botocore.session
from botocore.config import Config
from botocore.credentials import (
    CredentialProvider,
    CredentialResolver,
    DeferredRefreshableCredentials,
)
from botocore.exceptions import ClientError

if TYPE_CHECKING:
    from mypy_boto3_cloudtrail import CloudTrailClient
    from mypy_boto3_s3 import S3Client
    from mypy_boto3_sts import STSClient

DEFAULT_REGION = "us-east-1"
ROLE_SESSION_NAME = "trailaudit"
RetryMode = Literal["standard", "adaptive"]


@dataclass(frozen=True, slots=True)
class AwsAccess:
    """How to reach AWS: which credentials, which region, how hard to retry.

    ``max_attempts`` is botocore's: retries after the first attempt, with
    exponential backoff and jitter; ``adaptive`` also paces calls client-side.
    """

    profile: str = ""
    role_arn: str = ""
    region: str = ""
    max_attempts: int = 10
    retry_mode: RetryMode = "standard"
    max_pool_connections: int = 16

    def client_config(self) -> Config:
        """Retries with backoff (botocore's modes) and a pool sized for our threads."""
        return Config(
            retries={"mode": self.retry_mode, "max_attempts": self.max_attempts},
            max_pool_connections=self.max_pool_connections,
            connect_timeout=10,
            read_timeout=60,
        )


class _AssumedRole(CredentialProvider):
    """A credential provider that assumes a role with the base session's credentials."""

    METHOD = "assume-role"
    CANONICAL_NAME = "trailaudit-assume-role"

    def __init__(self, refresh: Callable[[], dict[str, str]]) -> None:
        super().__init__()
        self._refresh = refresh

    def load(self) -> DeferredRefreshableCredentials:
        return DeferredRefreshableCredentials(refresh_using=self._refresh, method=self.METHOD)


def _role_refresher(base: boto3.Session, access: AwsAccess) -> Callable[[], dict[str, str]]:
    def refresh() -> dict[str, str]:
        region = access.region or base.region_name or DEFAULT_REGION
        sts: STSClient = base.client("sts", region_name=region, config=access.client_config())
        answer = sts.assume_role(RoleArn=access.role_arn, RoleSessionName=ROLE_SESSION_NAME)
        credentials = answer["Credentials"]
        return {
            "access_key": credentials["AccessKeyId"],
            "secret_key": credentials["SecretAccessKey"],
            "token": credentials["SessionToken"],
            "expiry_time": credentials["Expiration"].isoformat(),
        }

    return refresh


def make_session(access: AwsAccess) -> boto3.Session:
    """A boto3 session for these settings; the role, if any, is assumed lazily."""
    base = boto3.Session(profile_name=access.profile or None, region_name=access.region or None)
    if not access.role_arn:
        return base
    assumed = botocore.session.Session()
    resolver = CredentialResolver(providers=[_AssumedRole(_role_refresher(base, access))])
    assumed.register_component("credential_provider", resolver)
    return boto3.Session(
        botocore_session=assumed, region_name=access.region or base.region_name or DEFAULT_REGION
    )


_lock = threading.Lock()


def _after_fork_in_child() -> None:
    global _lock
    _lock = threading.Lock()  # a listing thread may have held it at the fork


os.register_at_fork(after_in_child=_after_fork_in_child)
_sessions: dict[tuple[int, AwsAccess], boto3.Session] = {}
_clients: dict[tuple[int, AwsAccess, str, str], Any] = {}


def session_for(access: AwsAccess) -> boto3.Session:
    """This process's session for these settings (created on first use)."""
    key = (os.getpid(), access)
    with _lock:
        if key not in _sessions:
            _sessions[key] = make_session(access)
        return _sessions[key]


@overload
def client_for(access: AwsAccess, service: Literal["s3"], region: str = "") -> S3Client: ...
@overload
def client_for(
    access: AwsAccess, service: Literal["cloudtrail"], region: str = ""
) -> CloudTrailClient: ...
@overload
def client_for(access: AwsAccess, service: Literal["sts"], region: str = "") -> STSClient: ...
def client_for(access: AwsAccess, service: str, region: str = "") -> Any:
    """This process's client for a service and region (boto3 clients are thread-safe)."""
    pid = os.getpid()
    key = (pid, access, service, region)
    with _lock:
        cached = _clients.get(key)
    if cached is not None:
        return cached
    session = session_for(access)
    client = session.client(  # type: ignore[call-overload]
        service,
        region_name=region or session.region_name or DEFAULT_REGION,
        config=access.client_config(),
    )
    with _lock:
        return _clients.setdefault(key, client)


def forget_clients() -> None:
    """Drop every cached session and client (tests that change the environment)."""
    with _lock:
        _sessions.clear()
        _clients.clear()


def describe_error(exc: Exception) -> str:
    """``Code: message`` for botocore errors, with a hint for the usual ones."""
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        code = error.get("Code", "error")
        message = " ".join(str(error.get("Message", "")).split())[:200]
        status = exc.response.get("ResponseMetadata", {}).get("HTTPStatusCode")
        hint = {
            "NoSuchKey": "the object no longer exists",
            "AccessDenied": "the credentials may not read it (s3:GetObject, s3:ListBucket, "
            "kms:Decrypt)",
            "AccessDeniedException": "the credentials may not call it (cloudtrail:LookupEvents)",
            "SlowDown": "still throttled after retries",
            "ThrottlingException": "still throttled after retries",
            "NoSuchBucket": "the bucket does not exist",
        }.get(str(code), f"HTTP {status}" if status else "")
        return f"{code} ({'; '.join(p for p in (message, hint) if p)})"
    return f"{type(exc).__name__}: {exc}"
