"""Stable identifiers for the demo: every id is a pure function of a descriptive key.

Nothing here draws randomness or reads the clock, so two builds give the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import uuid

DEMO_NAMESPACE = uuid.UUID("6f1c2a3e-5d7b-4c1e-9a0f-2b8e4d6c7a15")

_ALNUM_UPPER = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
_ALNUM_MIXED = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def _digest(key: str) -> bytes:
    return hashlib.sha256(f"trailaudit-demo|{key}".encode()).digest()


def stable_uuid(key: str) -> str:
    """A UUID (version 5) derived from `key`: used for eventID, requestID, sharedEventID."""
    return str(uuid.uuid5(DEMO_NAMESPACE, key))


def _chars(key: str, alphabet: str, length: int) -> str:
    number = int.from_bytes(_digest(key), "big")
    out = []
    for _ in range(length):
        number, index = divmod(number, len(alphabet))
        out.append(alphabet[index])
    return "".join(out)


def unique_id(prefix: str, key: str) -> str:
    """An IAM unique id such as `AIDA…`/`AROA…`/`ANPA…` (prefix + 17 characters)."""
    return prefix + _chars(key, _ALNUM_UPPER, 17)


def access_key_id(prefix: str, key: str) -> str:
    """An access key id, `AKIA…` (long-term) or `ASIA…` (temporary): 20 characters."""
    return prefix + _chars(key, _ALNUM_UPPER, 16)


def file_suffix(key: str) -> str:
    """The 16-character unique part of a CloudTrail log file name."""
    return _chars(key, _ALNUM_MIXED, 16)


def short_hex(key: str, length: int = 16) -> str:
    """Lower-case hex, e.g. the hash part of `AWSReservedSSO_<set>_<hash>` or an instance id."""
    return _digest(key).hex()[:length]


def session_token(key: str) -> str:
    """A session-token-looking base64 blob (shorter than real ones, same alphabet)."""
    blob = b"".join(_digest(f"{key}|{n}") for n in range(5))
    return "IQoJb3JpZ2luX2Vj" + base64.b64encode(blob).decode()
