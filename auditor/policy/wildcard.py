"""IAM wildcards (``*`` any run of characters, ``?`` exactly one) matched without backtracking.

Policy patterns are written by whoever wrote the policy, so matching must not depend on
their shape: a regex translation (``*`` to ``.*``) backtracks exponentially on patterns
such as ``*?*?*?...!``. Here a pattern is split at its stars into fixed-length segments;
the first must start the text, the last must end it, and each one between is taken at
its leftmost occurrence after the previous one. Because every segment has a fixed
length, the leftmost occurrence always leaves the most room for the rest, so the greedy
choice is exact and the text is read once per segment. A literal segment is found with
``str.find``; one with a few ``?`` by its longest literal run, then checked (a bounded
number of comparisons per candidate); one with more runs by bit-parallel shift-and,
O(len(text) * len(segment) / 64) word operations. A match is linear in the text for a
given pattern and never worse than O(len(pattern) * len(text) / 64).

Patterns are normalized first: a run of stars and question marks becomes its question
marks followed by one star (``*?*?`` and ``??*`` match the same texts), so equivalent
patterns share one compiled form and one cache entry.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

WILDCARD_CHARACTERS = frozenset("*?")
_COMPILED_CACHE_SIZE = 4096
_CACHED_PATTERN_LENGTH = 512  # longer patterns are compiled each time, never kept
_ANCHOR_SEARCH_PIECES = 4  # segments with more literal runs use shift-and


@dataclass(frozen=True, slots=True)
class _Segment:
    """A star-free piece of a pattern: its literal runs by offset, and shift-and masks."""

    text: str
    pieces: tuple[tuple[int, str], ...]  # (offset, literal) for each run between '?'
    anchor: tuple[int, str]  # the longest literal run, searched for first
    masks: dict[str, int]  # bit i set when text[i] is this character or '?'
    any_mask: int  # bits of the '?' positions (characters the segment does not name)

    @classmethod
    def of(cls, text: str) -> _Segment:
        pieces: list[tuple[int, str]] = []
        offset = 0
        for literal in text.split("?"):
            if literal:
                pieces.append((offset, literal))
            offset += len(literal) + 1
        anchor = max(pieces, key=lambda piece: len(piece[1]), default=(0, ""))
        any_mask = sum(1 << index for index, char in enumerate(text) if char == "?")
        masks: dict[str, int] = {}
        if len(pieces) > _ANCHOR_SEARCH_PIECES:
            for index, char in enumerate(text):
                if char != "?":
                    masks[char] = masks.get(char, any_mask) | 1 << index
        return cls(text, tuple(pieces), anchor, masks, any_mask)

    def at(self, text: str, index: int) -> bool:
        """Whether the segment matches ``text`` at ``index`` (the caller checks the length)."""
        return all(text.startswith(literal, index + offset) for offset, literal in self.pieces)

    def find(self, text: str, start: int, end: int) -> int:
        """The leftmost index in ``[start, end - len]`` where the segment matches, or -1."""
        size = len(self.text)
        if len(self.pieces) == 1 and self.anchor[1] == self.text:
            return text.find(self.text, start, end)
        if not self.pieces:  # only question marks
            return start if end - start >= size else -1
        if self.masks:
            return self._shift_and(text, start, end)
        offset, literal = self.anchor
        stop = end - (size - offset - len(literal))
        position = start + offset
        while True:
            found = text.find(literal, position, stop)
            if found < 0:
                return -1
            if self.at(text, found - offset):
                return found - offset
            position = found + 1

    def _shift_and(self, text: str, start: int, end: int) -> int:
        masks, any_mask = self.masks, self.any_mask
        done = 1 << (len(self.text) - 1)
        state = 0
        for index in range(start, end):
            state = ((state << 1) | 1) & masks.get(text[index], any_mask)
            if state & done:
                return index - len(self.text) + 1
        return -1


@dataclass(frozen=True, slots=True)
class Wildcard:
    """A compiled wildcard pattern; :meth:`matches` tests one text against all of it."""

    pattern: str  # normalized (lowercased when ``fold``)
    fold: bool
    head: _Segment
    middle: tuple[_Segment, ...]
    tail: _Segment | None  # None: the pattern has no star
    min_length: int

    @property
    def is_literal(self) -> bool:
        """Whether the pattern has neither ``*`` nor ``?``."""
        return not WILDCARD_CHARACTERS.intersection(self.pattern)

    @property
    def longest_literal(self) -> str:
        """The longest run without wildcards: every matching text contains it (a prefilter)."""
        segments = (self.head, *self.middle, *((self.tail,) if self.tail else ()))
        return max((segment.anchor[1] for segment in segments), key=len, default="")

    def matches(self, text: str) -> bool:
        """Whether the whole of ``text`` matches (lowercased first when ``fold``)."""
        if self.fold:
            text = text.lower()
        return self.matches_folded(text)

    def matches_folded(self, text: str) -> bool:
        """:meth:`matches` for a text already lowercased (or when not folding)."""
        size = len(text)
        head, tail = self.head, self.tail
        if tail is None:
            return size == len(head.text) and head.at(text, 0)
        if size < self.min_length or not head.at(text, 0):
            return False
        tail_start = size - len(tail.text)
        if not tail.at(text, tail_start):
            return False
        position = len(head.text)
        for segment in self.middle:
            found = segment.find(text, position, tail_start)
            if found < 0:
                return False
            position = found + len(segment.text)
        return True


def is_wildcard(text: str) -> bool:
    """Whether ``text`` holds ``*`` or ``?``."""
    return "*" in text or "?" in text


def normalize_wildcard(pattern: str) -> str:
    """The canonical spelling: each run of ``*``/``?`` with a star becomes ``?``s then ``*``."""
    if "*" not in pattern:
        return pattern
    out: list[str] = []
    run_marks = 0
    run_star = False
    for char in pattern:
        if char == "*":
            run_star = True
        elif char == "?":
            run_marks += 1
        else:
            if run_marks or run_star:
                out.append("?" * run_marks + ("*" if run_star else ""))
                run_marks, run_star = 0, False
            out.append(char)
    if run_marks or run_star:
        out.append("?" * run_marks + ("*" if run_star else ""))
    return "".join(out)


def compile_wildcard(pattern: str, *, fold: bool = True) -> Wildcard:
    """Compile ``pattern`` (case-insensitive when ``fold``); short patterns are remembered."""
    if len(pattern) <= _CACHED_PATTERN_LENGTH:
        return _compile_cached(pattern, fold)
    return _compile(pattern, fold)


def wildcard_match(pattern: str, text: str, *, fold: bool = True) -> bool:
    """Whether ``text`` matches the wildcard ``pattern`` as a whole."""
    return compile_wildcard(pattern, fold=fold).matches(text)


@functools.lru_cache(maxsize=_COMPILED_CACHE_SIZE)
def _compile_cached(pattern: str, fold: bool) -> Wildcard:
    return _compile(pattern, fold)


def _compile(pattern: str, fold: bool) -> Wildcard:
    normal = normalize_wildcard(pattern.lower() if fold else pattern)
    parts = normal.split("*")
    segments = [_Segment.of(part) for part in parts]
    if len(parts) == 1:
        return Wildcard(normal, fold, segments[0], (), None, len(normal))
    middle = tuple(segment for segment in segments[1:-1] if segment.text)
    min_length = len(normal) - (len(parts) - 1)
    return Wildcard(normal, fold, segments[0], middle, segments[-1], min_length)
