"""``docs/iam-policy.json`` allows every AWS call the code under ``auditor/`` makes.

Calls are found by name: every operation of the services trailaudit talks to, in
its boto3 spelling (``.get_object(``, ``get_paginator("list_objects_v2")``), mapped
to the IAM action it needs.
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import Path

import boto3
import orjson
from botocore import xform_name

REPO = Path(__file__).resolve().parents[2]
SERVICES = {"s3": "s3", "cloudtrail": "cloudtrail", "iam": "iam", "sts": "sts", "kms": "kms"}
# operations whose IAM action is not "<service>:<OperationName>", or that need none
SPECIAL: dict[str, str | None] = {
    "list_objects_v2": "s3:ListBucket",
    "list_objects": "s3:ListBucket",
    "head_object": "s3:GetObject",
    "get_caller_identity": None,  # STS answers it for any valid credentials
}
# the calls the AWS sources are known to make; the scan must find at least these
EXPECTED = {"get_object", "list_objects_v2", "lookup_events", "assume_role"}


def operations() -> dict[str, str | None]:
    """boto3 method name -> IAM action, for every operation of the services used."""
    session = boto3.Session(region_name="us-east-1")
    table: dict[str, str | None] = {}
    for service, prefix in SERVICES.items():
        model = session._session.get_service_model(service)
        for name in model.operation_names:
            table[xform_name(name)] = f"{prefix}:{name}"
    table.update(SPECIAL)
    return table


def calls_in_code(known: dict[str, str | None]) -> dict[str, set[str]]:
    """Operation name -> files using it: ``.name`` (a call or a bound method passed on)
    or ``"name"`` (``get_paginator("name")``, a helper taking the operation's name)."""
    patterns = (re.compile(r"\.(\w+)\b"), re.compile(r"""["'](\w+)["']"""))
    found: dict[str, set[str]] = {}
    for path in sorted((REPO / "auditor").rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        for name in (m.group(1) for p in patterns for m in p.finditer(text)):
            if name in known and "_" in name:  # one-word names (get, tag) are too common
                found.setdefault(name, set()).add(str(path.relative_to(REPO)))
    return found


def allowed_actions() -> list[str]:
    policy = orjson.loads((REPO / "docs" / "iam-policy.json").read_bytes())
    actions: list[str] = []
    for statement in policy["Statement"]:
        assert statement["Effect"] == "Allow"
        value = statement["Action"]
        actions += [value] if isinstance(value, str) else value
    return actions


def test_policy_covers_every_aws_call_in_the_code() -> None:
    known = operations()
    found = calls_in_code(known)
    assert set(found) >= EXPECTED, f"scan missed calls: {EXPECTED - set(found)}"
    allowed = allowed_actions()
    missing = {
        f"{name} ({', '.join(sorted(files))}) needs {known[name]}"
        for name, files in found.items()
        if known[name] is not None
        and not any(fnmatch.fnmatchcase(str(known[name]), a) for a in allowed)
    }
    assert not missing, "docs/iam-policy.json lacks: " + "; ".join(sorted(missing))


def test_policy_is_minimal() -> None:
    """No wildcard, and nothing the code does not use (KMS is used through S3)."""
    known = operations()
    used = {known[name] for name in calls_in_code(known)} | {"kms:Decrypt"}
    allowed = set(allowed_actions())
    assert not any("*" in action for action in allowed)
    assert allowed <= used, f"allowed but never used: {allowed - used}"
