"""Text from the logs made fit for a reader: every control or invisible character shown.

User agents, session names, policy documents and error messages are written by whoever
made the API call. Raw, their control characters would drive a terminal (ESC, BEL), forge
lines (CR, LF, U+2028), reorder what a reader sees (the bidi controls U+202A-U+202E,
U+2066-U+2069), hide text (zero-width characters, U+E0000 tags) or make a file unreadable
(NUL, lone surrogates are not even encodable). :func:`visible` writes each of them as an
escape (``\\x1b``, ``\\u202e``) so the evidence stays readable and nothing acts on it.
"""

from __future__ import annotations

import re

UNSAFE = re.compile(
    "["
    "\x00-\x1f\x7f-\x9f"  # C0, DEL, C1 (0x9b is CSI to some terminals)
    "\xad\u061c\u180e"  # soft hyphen, Arabic letter mark, Mongolian vowel separator
    "\u200b-\u200f"  # zero-width space, joiners, LRM, RLM
    "\u2028-\u202e"  # line and paragraph separators, bidi embeddings and overrides
    "\u2060-\u2064\u2066-\u206f"  # word joiner, invisible operators, bidi isolates
    "\ufeff\ufff9-\ufffb\ufffe\uffff"  # BOM, interlinear annotation, non-characters
    "\ud800-\udfff"  # lone surrogates
    "\U000e0000-\U000e007f"  # tag characters (invisible ASCII)
    "]"
)
UNSAFE_OR_BACKSLASH = re.compile(UNSAFE.pattern[:-1] + "\\\\]")
TRUNCATION = "… ({} more characters)"
SHORT_ESCAPES = {"\t": "\\t", "\n": "\\n", "\r": "\\r"}


def escape_of(char: str) -> str:
    """The escape that shows ``char``: ``\\n``, ``\\x1b``, ``\\u202e`` or ``\\U000e0041``."""
    if char in SHORT_ESCAPES:
        return SHORT_ESCAPES[char]
    point = ord(char)
    if point < 0x100:
        return f"\\x{point:02x}"
    if point < 0x10000:
        return f"\\u{point:04x}"
    return f"\\U{point:08x}"


def _escape_match(match: re.Match[str]) -> str:
    return escape_of(match.group(0))


def _exact_match(match: re.Match[str]) -> str:
    char = match.group(0)
    return "\\\\" if char == "\\" else escape_of(char)


def visible(text: str) -> str:
    """``text`` on one line with every control, bidi or invisible character escaped."""
    return UNSAFE.sub(_escape_match, text)


def visible_exact(text: str) -> str:
    """Like :func:`visible`, and ``\\`` doubled, so distinct texts stay distinct."""
    return UNSAFE_OR_BACKSLASH.sub(_exact_match, text)


def capped(text: str, limit: int) -> str:
    """``text`` cut to ``limit`` characters, saying how many more there were."""
    if len(text) <= limit:
        return text
    return text[:limit] + TRUNCATION.format(f"{len(text) - limit:,}")


def shown(value: object, limit: int) -> str:
    """A value as text to show: capped to ``limit`` characters, then made :func:`visible`."""
    return visible(capped("" if value is None else str(value), limit))
