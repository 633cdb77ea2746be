"""Action sets as bit masks over the catalog, for diffs of many principals at once.

``allowed_actions`` answers with a frozenset of names, which costs thousands of string
operations per principal once policies grant whole services. A diff compares the
allowed actions of every changed principal before and after; with one bit per catalog
action (ordered by service, so a service is one contiguous range), union, difference
and counting are single integer operations, and the compact listing of a set is
computed once per distinct set. Actions outside the catalog (newer than the table)
ride along as a small set of names.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass

from auditor.policy.actions import ActionCatalog, is_unconditional_deny_on_all
from auditor.policy.document import PolicyDocument

_NONE: frozenset[str] = frozenset()
_NONZERO_RUN = re.compile(rb"[^\x00]+")


@dataclass(frozen=True, slots=True)
class ActionBits:
    """A set of actions: catalog actions as bits, and any others by name."""

    bits: int = 0
    extra: frozenset[str] = _NONE

    def __or__(self, other: ActionBits) -> ActionBits:
        if other is EMPTY_BITS:
            return self
        if self is EMPTY_BITS:
            return other
        return ActionBits(self.bits | other.bits, self.extra | other.extra)

    def __sub__(self, other: ActionBits) -> ActionBits:
        if other is EMPTY_BITS or self is EMPTY_BITS:
            return self
        bits = self.bits  # x ^ (x & y) is x & ~y without a negative big integer (4x faster)
        return ActionBits(bits ^ (bits & other.bits), self.extra - other.extra)

    def __len__(self) -> int:
        return self.bits.bit_count() + len(self.extra)


EMPTY_BITS = ActionBits()


class ActionIndex:
    """Bit positions for one catalog, with remembered conversions (one per diff).

    Each service starts on a byte boundary, so the listing reads a service's bits from
    a slice of the set's bytes instead of shifting the whole set.
    """

    def __init__(self, catalog: ActionCatalog) -> None:
        self.catalog = catalog
        ranges: list[tuple[str, int, int]] = []
        self._position: dict[str, int] = {}
        self._names: dict[int, str] = {}
        start = 0
        # services in the order of their names' "service:" prefix, case-insensitively, so
        # that listing the set bits in position order is already sorted by str.lower
        for service in sorted(catalog.services(), key=lambda name: f"{name}:".lower()):
            members = sorted(catalog.expand(f"{service}:*"), key=str.lower)
            for offset, name in enumerate(members):
                self._position[name] = start + offset
                self._names[start + offset] = name
            ranges.append((f"{service}:*", start, start + len(members)))
            start = (start + len(members) + 7) // 8 * 8
        self._ranges = ranges
        self._range_starts = [start >> 3 for _, start, _ in ranges]
        self._bytes = start // 8
        self._by_set: dict[int, tuple[frozenset[str], ActionBits]] = {}
        self._by_document: dict[int, tuple[PolicyDocument, ActionBits, ActionBits]] = {}
        self._listed: dict[ActionBits, list[str]] = {}
        self._segments: dict[tuple[int, int], list[str]] = {}

    def of(self, actions: frozenset[str]) -> ActionBits:
        """The bits of a set of action names (remembered per set object)."""
        found = self._by_set.get(id(actions))
        if found is not None and found[0] is actions:
            return found[1]
        flags = bytearray(self._bytes)
        extra: list[str] = []
        position = self._position
        for name in actions:
            index = position.get(name)
            if index is None:
                extra.append(name)
            else:
                flags[index >> 3] |= 1 << (index & 7)
        bits = ActionBits(int.from_bytes(flags, "little"), frozenset(extra))
        self._by_set[id(actions)] = (actions, bits)
        return bits

    def document(self, document: PolicyDocument) -> tuple[ActionBits, ActionBits]:
        """What one document allows, and what it denies unconditionally on everything."""
        found = self._by_document.get(id(document))
        if found is not None and found[0] is document:
            return found[1], found[2]
        allowed, denied = EMPTY_BITS, EMPTY_BITS
        for statement in document.statements:
            if statement.is_allow:
                allowed = allowed | self.of(self.catalog.statement_actions(statement))
            elif is_unconditional_deny_on_all(statement):
                denied = denied | self.of(self.catalog.statement_actions(statement))
        self._by_document[id(document)] = (document, allowed, denied)
        return allowed, denied

    def allowed(self, documents: Iterable[PolicyDocument]) -> ActionBits:
        """``allowed_actions`` of these documents, as bits."""
        allowed, denied = EMPTY_BITS, EMPTY_BITS
        for document in documents:
            more, less = self.document(document)
            allowed, denied = allowed | more, denied | less
        return allowed - denied

    def compact(self, actions: ActionBits) -> list[str]:
        """Sorted names (case-insensitively), ``service:*`` for every action of a whole service.

        Equal sets get the same list object (listings run to thousands of names):
        callers must not modify it.
        """
        if not actions.bits and not actions.extra:
            return []
        found = self._listed.get(actions)
        if found is None:
            found = self._listed[actions] = self._compact(actions)
        return found

    def _compact(self, actions: ActionBits) -> list[str]:
        out: list[str] = []
        data = actions.bits.to_bytes(self._bytes, "little")
        for star, start, end in self._touched_ranges(data):
            segment = int.from_bytes(data[start >> 3 : (end + 7) >> 3], "little")
            if segment == (1 << (end - start)) - 1:
                out.append(star)
                continue
            names = self._segments.get((start, segment))
            if names is None:
                names = self._segments[(start, segment)] = self._segment_names(start, segment)
            out.extend(names)
        for name in actions.extra:  # few: insert them rather than sort thousands of names
            bisect.insort(out, name, key=str.lower)
        return out

    def _touched_ranges(self, data: bytes) -> list[tuple[str, int, int]]:
        """The services with at least one bit set (found by runs of non-zero bytes)."""
        touched: list[tuple[str, int, int]] = []
        for run in _NONZERO_RUN.finditer(data):
            first = bisect.bisect_right(self._range_starts, run.start()) - 1
            last = bisect.bisect_right(self._range_starts, run.end() - 1) - 1
            for position in range(max(first, 0), last + 1):
                if not touched or touched[-1] is not self._ranges[position]:
                    touched.append(self._ranges[position])
        return touched

    def _segment_names(self, start: int, segment: int) -> list[str]:
        names: list[str] = []
        while segment:
            lowest = segment & -segment
            names.append(self._names[start + lowest.bit_length() - 1])
            segment ^= lowest
        return names
