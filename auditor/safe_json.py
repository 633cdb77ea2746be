"""JSON text in which no control, bidi or invisible character appears raw.

orjson escapes only C0 controls; DEL, C1, the bidi controls, zero-width characters and
U+2028/U+2029 pass through raw (and it refuses lone surrogates). :func:`dumps` writes every
character :data:`~auditor.untrusted_text.UNSAFE` matches as a ``\\u`` escape: the text is
still valid JSON and decodes to the very same strings.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Mapping
from enum import Enum
from typing import Any

import orjson

from auditor.untrusted_text import UNSAFE

Default = Callable[[Any], Any]
# C0 is escaped by both encoders; what is left of UNSAFE can only occur inside strings
_RAW = re.compile(UNSAFE.pattern.replace("\x00-\x1f", "", 1))


def _json_escape(match: re.Match[str]) -> str:
    point = ord(match.group(0))
    if point < 0x10000:
        return f"\\u{point:04x}"
    point -= 0x10000
    return f"\\u{0xD800 + (point >> 10):04x}\\u{0xDC00 + (point & 0x3FF):04x}"


def escape_raw(text: str) -> str:
    """JSON text with its raw unsafe characters written as ``\\u`` escapes."""
    if text.isascii() and "\x7f" not in text:  # the common case, checked quickly
        return text
    return _RAW.sub(_json_escape, text)


def _key(key: Any, default: Default | None) -> str:
    if isinstance(key, str):
        return key
    if isinstance(key, bool) or key is None:
        return json.dumps(key)
    if isinstance(key, int | float):
        return str(key)
    return str(_plain(default(key), default)) if default is not None else str(key)


def _plain(value: Any, default: Default | None) -> Any:
    """``value`` as plain JSON data, as orjson would see it (for the stdlib encoder)."""
    if value is None or isinstance(value, str | int | float | bool):
        return value
    if isinstance(value, Mapping):
        return {_key(k, default): _plain(v, default) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(item, default) for item in value]
    if isinstance(value, Enum):
        return _plain(value.value, default)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
        return _plain(fields, default)
    if default is None:
        raise TypeError(f"cannot encode {type(value).__name__} as JSON")
    return _plain(default(value), default)


def _stdlib_dumps(value: Any, option: int, default: Default | None) -> str:
    """The orjson layout from the standard library, which accepts lone surrogates."""
    indent = 2 if option & orjson.OPT_INDENT_2 else None
    return json.dumps(
        _plain(value, default),
        ensure_ascii=False,
        sort_keys=bool(option & orjson.OPT_SORT_KEYS),
        indent=indent,
        separators=(",", ": ") if indent else (",", ":"),
    )


def dumps(value: Any, option: int = 0, default: Default | None = None) -> str:
    """``value`` as JSON text (orjson options and ``default``), every unsafe character escaped."""
    try:
        text = orjson.dumps(value, default=default, option=option).decode()
    except orjson.JSONEncodeError as error:
        if "surrogates" not in str(error):
            raise
        text = _stdlib_dumps(value, option, default)
    return escape_raw(text)
