"""Splitting JSON text into its records without parsing them, so each is parsed alone.

One record the parser refuses (nested too deep, a raw control character) then costs
only that record, and memory holds one parsed record at a time, not a whole file's.
The scanner matches whole strings with one regular expression and counts brackets, so
it is linear in the text and has no depth limit.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_TOKEN = re.compile(rb'"(?:[^"\\]++|\\.)*+"|[\[\]{}]|"')
_RECORDS_OPEN = re.compile(rb'\s*\{\s*"Records"\s*:\s*\[')
_SPACE = b" \t\r\n"
_OPENERS = frozenset(b"[{")


def value_end(text: bytes, start: int) -> int:
    """Where the JSON value starting at ``start`` ends (-1 when it never does).

    Scalars end at the next ``,``, ``]`` or ``}``; only structure is checked here.
    """
    if text[start] not in _OPENERS and text[start] != 0x22:
        ends = [p for p in (text.find(b",", start), text.find(b"]", start)) if p != -1]
        return min(ends) if ends else -1
    depth = 0
    for match in _TOKEN.finditer(text, start):
        first = text[match.start()]
        if first == 0x22:
            if match.end() - match.start() == 1:
                return -1  # a string that never closes
            if depth == 0:
                return match.end()
        elif first in _OPENERS:
            depth += 1
        else:
            depth -= 1
            if depth == 0:
                return match.end()
    return -1


def records_array(text: bytes) -> int | None:
    """Where the elements of ``{"Records": [...]}`` begin, when the text has that shape."""
    match = _RECORDS_OPEN.match(text)
    return match.end() if match else None


def array_elements(text: bytes, start: int) -> Iterator[tuple[int, int]]:
    """(start, end) of each element of the array whose elements begin at ``start``.

    Stops at the closing ``]``; an element that never ends is yielded to the end of the
    text (for its parse to fail and be reported) and ends the array.
    """
    position = start
    size = len(text)
    while True:
        while position < size and text[position] in _SPACE:
            position += 1
        if position >= size or text[position] == 0x5D:  # ]
            return
        end = value_end(text, position)
        if end == -1:
            yield position, size
            return
        yield position, end
        position = end
        while position < size and text[position] in _SPACE:
            position += 1
        if position < size and text[position] == 0x2C:  # ,
            position += 1
