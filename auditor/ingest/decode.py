"""Turning a log file's bytes into JSON text: gunzip (with a bomb cap) and encodings.

python-isal is used when installed (about twice the standard library's speed); the
output buffer is presized from the gzip trailer, which CloudTrail's single-member
files carry exactly.
"""

from __future__ import annotations

import codecs
import zlib
from types import ModuleType

_zlib: ModuleType
try:
    from isal import isal_zlib as _zlib
except ImportError:  # pragma: no cover - exercised only without isal
    _zlib = zlib

GZIP_MAGIC = b"\x1f\x8b"
DEFLATE_MAX_RATIO = 1032  # deflate cannot expand one byte into more than ~1032 bytes
_STREAM_CHUNK = 1 << 22


class DecodeError(ValueError):
    """The bytes cannot be turned into text; the message says why."""


def gunzip(data: bytes, max_inflated: int) -> bytes:
    """Decompress gzip data, refusing to inflate past ``max_inflated`` bytes.

    Small inputs (which cannot exceed the cap whatever their trailer says) take a
    one-shot, presized path; larger ones stream with a hard output limit.
    """
    if len(data) < 18:
        raise DecodeError("truncated gzip (shorter than a gzip header and trailer)")
    if len(data) * DEFLATE_MAX_RATIO <= max_inflated:
        size_hint = int.from_bytes(data[-4:], "little") or len(data) * 8
        try:
            return bytes(_zlib.decompress(data, 31, min(size_hint + 1, max_inflated)))
        except Exception as exc:  # isal and zlib raise their own error types
            raise DecodeError(f"corrupt or truncated gzip: {exc}") from None
    decompressor = _zlib.decompressobj(31)
    parts: list[bytes] = []
    total = 0
    try:
        view = memoryview(data)
        for start in range(0, len(data), _STREAM_CHUNK):
            chunk = decompressor.decompress(view[start : start + _STREAM_CHUNK])
            total += len(chunk)
            if total > max_inflated:
                raise DecodeError(f"gzip inflates past the {max_inflated // 2**20} MiB cap")
            parts.append(chunk)
        parts.append(decompressor.flush())
    except DecodeError:
        raise
    except Exception as exc:
        raise DecodeError(f"corrupt or truncated gzip: {exc}") from None
    if not decompressor.eof:
        raise DecodeError("truncated gzip (stream ends before its end marker)")
    return b"".join(parts)


def to_utf8(data: bytes) -> tuple[bytes, str | None]:
    """Return UTF-8 bytes and a note when the input was re-encoded or repaired.

    UTF-8 BOMs and UTF-16 text are converted; invalid UTF-8 bytes are replaced by
    U+FFFD so the rest of the file stays readable, and the note says so.
    """
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8) :]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16").encode("utf-8"), "converted from UTF-16"
        except UnicodeDecodeError as exc:
            raise DecodeError(f"invalid UTF-16: {exc}") from None
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        fixed = data.decode("utf-8", errors="replace").encode("utf-8")
        return fixed, f"invalid UTF-8 at byte {exc.start} replaced"
    return data, None


def inflate(data: bytes, max_inflated: int) -> bytes:
    """Gunzip when the bytes are gzip; refuse anything larger than the cap."""
    if data.startswith(GZIP_MAGIC):
        return gunzip(data, max_inflated)
    if len(data) > max_inflated:
        raise DecodeError(f"file is larger than the {max_inflated // 2**20} MiB cap")
    return data
