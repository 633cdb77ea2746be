"""Turning a log file's bytes into JSON text: gunzip (with a bomb cap) and encodings.

python-isal is used when installed (about twice the standard library's speed). Every
gzip member is read (``cat a.gz b.gz`` is a valid gzip file), and every decompress
call is bounded by the bytes the cap still allows, so memory stays within the cap
(plus one joined copy when the text arrives in pieces) whatever the input.
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
_STREAM_CHUNK = 1 << 22  # compressed input handed to one decompress call
_PIECE = 1 << 26  # decompressed output one call may return past the trailer's hint
_UTF8_SLICE = 1 << 24  # text validated per step, so validation holds no full copy


class DecodeError(ValueError):
    """The bytes cannot be turned into text; the message says why."""


def _cap_error(max_inflated: int) -> DecodeError:
    return DecodeError(f"gzip inflates past the {max_inflated / 2**20:g} MiB cap")


def _member(
    view: memoryview, start: int, max_inflated: int, parts: list[bytes], total: int
) -> tuple[int, int]:
    """Inflate the gzip member at ``start`` into ``parts``; return its end and the new total."""
    decompressor = _zlib.decompressobj(31)
    want = int.from_bytes(view[-4:], "little") + 1  # the last member's size, a first guess
    position = start
    while position < len(view):
        chunk = view[position : position + _STREAM_CHUNK]
        pending: bytes | memoryview = chunk
        while pending:
            piece = decompressor.decompress(pending, max(1, min(want, max_inflated - total + 1)))
            want = _PIECE
            total += len(piece)
            if total > max_inflated:
                raise _cap_error(max_inflated)
            if piece:
                parts.append(piece)
            if decompressor.eof:
                return position + len(chunk) - len(decompressor.unused_data), total
            pending = decompressor.unconsumed_tail
        position += len(chunk)
    raise DecodeError("truncated gzip (stream ends before its end marker)")


def gunzip(data: bytes, max_inflated: int) -> bytes:
    """Decompress every member of gzip data, refusing to inflate past ``max_inflated`` bytes.

    Bytes after the last member are an error only when they are not zero padding
    (which some writers append).
    """
    if len(data) < 18:
        raise DecodeError("truncated gzip (shorter than a gzip header and trailer)")
    view = memoryview(data)
    parts: list[bytes] = []
    total = 0
    position = 0
    try:
        while position < len(data):
            if not data.startswith(GZIP_MAGIC, position):
                if data.count(0, position) == len(data) - position:
                    break
                raise DecodeError(f"data after the gzip stream at byte {position} is not gzip")
            position, total = _member(view, position, max_inflated, parts, total)
    except DecodeError:
        raise
    except Exception as exc:  # isal and zlib raise their own error types
        raise DecodeError(f"corrupt or truncated gzip: {exc}") from None
    if len(parts) == 1:
        return parts[0]  # the usual case: no joined copy
    joined = b"".join(parts)
    parts.clear()
    return joined


def _utf8_error_at(data: bytes) -> int | None:
    """Where ``data`` first stops being UTF-8, checked a slice at a time (no decoded copy)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    view = memoryview(data)
    for start in range(0, len(data) + 1, _UTF8_SLICE):
        held = len(decoder.getstate()[0])
        try:
            decoder.decode(
                view[start : start + _UTF8_SLICE], final=start + _UTF8_SLICE >= len(data)
            )
        except UnicodeDecodeError as exc:
            return start - held + exc.start
    return None


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
    if data.isascii():
        return data, None
    error_at = _utf8_error_at(data)
    if error_at is not None:
        fixed = data.decode("utf-8", errors="replace").encode("utf-8")
        return fixed, f"invalid UTF-8 at byte {error_at} replaced"
    return data, None


def inflate(data: bytes, max_inflated: int) -> bytes:
    """Gunzip when the bytes are gzip (a UTF-8 BOM before them is dropped); refuse
    anything larger than the cap."""
    if data.startswith(codecs.BOM_UTF8 + GZIP_MAGIC):
        data = data[len(codecs.BOM_UTF8) :]
    if data.startswith(GZIP_MAGIC):
        return gunzip(data, max_inflated)
    if len(data) > max_inflated:
        raise DecodeError(f"file is larger than the {max_inflated / 2**20:g} MiB cap")
    return data
