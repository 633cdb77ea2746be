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
import functools
from collections.abc import Iterable
from typing import NamedTuple

from auditor.policy.actions import ActionCatalog, is_unconditional_deny_on_all
from auditor.policy.document import PolicyDocument

_NONE: frozenset[str] = frozenset()


class ActionBits(NamedTuple):
    """A set of actions: catalog actions as bits, and any others by name.

    A named tuple rather than a frozen dataclass: a diff builds tens of thousands of
    these, and a tuple is built without a Python-level ``__init__``.
    """

    bits: int = 0
    extra: frozenset[str] = _NONE

    def __or__(self, other: ActionBits) -> ActionBits:
        if other is EMPTY_BITS:
            return self
        if self is EMPTY_BITS:
            return other
        extra = self.extra | other.extra if other.extra else self.extra  # nearly always empty
        return _new(ActionBits, (self.bits | other.bits, extra))

    def __sub__(self, other: ActionBits) -> ActionBits:
        if other is EMPTY_BITS or self is EMPTY_BITS:
            return self
        bits = self.bits  # x ^ (x & y) is x & ~y without a negative big integer (4x faster)
        extra = self.extra - other.extra if self.extra else self.extra
        return _new(ActionBits, (bits ^ (bits & other.bits), extra))

    @property
    def size(self) -> int:
        """How many actions the set holds."""
        return self.bits.bit_count() + len(self.extra)


_new = tuple.__new__
EMPTY_BITS = ActionBits()
_NOTHING: tuple[list[str], int] = ([], 0)


class _Service(NamedTuple):
    """A service's actions: ``star`` names them all; bytes ``first_byte:end_byte`` hold them."""

    star: str
    first_byte: int
    end_byte: int
    full: bytes  # the bytes when every action of the service is in the set
    none: bytes  # the bytes when none is


class _Layout(NamedTuple):
    """Where each catalog action sits: its bit position, and each service's bytes."""

    position: dict[str, int]
    names: dict[int, str]
    services: list[_Service]
    service_starts: list[int]  # first byte of each service, for bisection
    size: int  # bytes


@functools.lru_cache(maxsize=4)
def _layout(catalog: ActionCatalog) -> _Layout:
    """The bit layout of a catalog (computed once: a diff builds an index each time)."""
    services: list[_Service] = []
    position: dict[str, int] = {}
    names: dict[int, str] = {}
    start = 0
    # services in the order of their names' "service:" prefix, case-insensitively, so
    # that listing the set bits in position order is already sorted by str.lower
    for service in sorted(catalog.services(), key=lambda name: f"{name}:".lower()):
        members = sorted(catalog.expand(f"{service}:*"), key=str.lower)
        for offset, name in enumerate(members):
            position[name] = start + offset
            names[start + offset] = name
        end = start + len(members)
        width = (len(members) + 7) // 8
        full = ((1 << len(members)) - 1).to_bytes(width, "little")
        services.append(_Service(f"{service}:*", start >> 3, (end + 7) >> 3, full, bytes(width)))
        start = (end + 7) // 8 * 8
    return _Layout(position, names, services, [s.first_byte for s in services], start // 8)


def _lowest_bit(bits: int) -> int:
    """The position of the lowest set bit (-1 for none)."""
    return (bits & -bits).bit_length() - 1


class ActionIndex:
    """Bit positions for one catalog, with remembered conversions (one per diff).

    Each service starts on a byte boundary, so the listing reads a service's bits from
    a slice of the set's bytes instead of shifting the whole set.
    """

    def __init__(self, catalog: ActionCatalog) -> None:
        self.catalog = catalog
        layout = _layout(catalog)
        self._position = layout.position
        self._names = layout.names
        self._services = layout.services
        self._service_starts = layout.service_starts
        self._bytes = layout.size
        self._by_set: dict[int, tuple[frozenset[str], ActionBits]] = {}
        self._by_document: dict[int, tuple[PolicyDocument, ActionBits, ActionBits]] = {}
        self._listed: dict[ActionBits, tuple[list[str], int]] = {}
        self._segments: dict[bytes, tuple[_Service, list[str]]] = {}

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
        return self.listing(actions)[0]

    def listing(self, actions: ActionBits) -> tuple[list[str], int]:
        """``compact`` and the number of actions, remembered together per distinct set.

        Counting the bits of a set that spans the catalog walks all of it, as hashing it
        does: a diff lists each principal's gains and losses, many of them equal.
        """
        if not actions.bits and not actions.extra:
            return _NOTHING
        found = self._listed.get(actions)
        if found is None:
            found = self._listed[actions] = (self._compact(actions), actions.size)
        return found

    def _compact(self, actions: ActionBits) -> list[str]:
        out: list[str] = []
        bits = actions.bits
        data = bits.to_bytes(self._bytes, "little")
        segments = self._segments
        # every service between the lowest and the highest bit: sets that span far touch
        # most services in between, and two byte comparisons cost less than a search
        first = bisect.bisect_right(self._service_starts, _lowest_bit(bits) >> 3) - 1
        following = bisect.bisect_right(self._service_starts, (bits.bit_length() - 1) >> 3)
        for service in self._services[max(first, 0) : following]:
            chunk = data[service.first_byte : service.end_byte]
            if chunk == service.full:
                out.append(service.star)
            elif chunk != service.none:
                names = segments.get(chunk)
                if names is None or names[0] is not service:
                    names = segments[chunk] = (service, self._segment_names(service, chunk))
                out.extend(names[1])
        for name in actions.extra:  # few: insert them rather than sort thousands of names
            bisect.insort(out, name, key=str.lower)
        return out

    def _segment_names(self, service: _Service, chunk: bytes) -> list[str]:
        names: list[str] = []
        start = service.first_byte << 3
        segment = int.from_bytes(chunk, "little")
        while segment:
            lowest = segment & -segment
            names.append(self._names[start + lowest.bit_length() - 1])
            segment ^= lowest
        return names
