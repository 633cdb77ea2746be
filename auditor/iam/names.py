"""``NameIndex``: the ARNs of named IAM entities by family, account and name.

Replay turns a request's ``userName``, ``groupName``, ``roleName``... into an ARN on
nearly every event. The index nests small dicts (family, then account) around one dict
per account keyed by the bare name: a lookup builds and hashes no key tuple, and probes
only the last dict. Keyed by ``(family, account, name)`` tuples, that lookup was 15% of
replay time (each probe also reads the stored tuple and two of its strings).

A loaded snapshot rebuilds the index from its entities (``index_table``). Replay can
leave it elsewhere: odd input (an "origin unknown" entity renamed onto a taken name, then
deleted) can leave a name unindexed while an entity still bears it. A snapshot therefore
stores the few entries where the replayed index and the rebuilt one differ
(``exceptions``), and the loader applies them: a state continues the same way from a
snapshot as in memory.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

# families whose names are unique per account and looked up by name
NAMED_FAMILIES = ("user", "group", "role", "policy", "instance_profile")


class NameIndex:
    """``(family, account, name) -> ARN`` for the families of ``NAMED_FAMILIES``."""

    __slots__ = ("by_family",)

    def __init__(self) -> None:
        self.by_family: dict[str, dict[str, dict[str, str]]] = {
            family: {} for family in NAMED_FAMILIES
        }

    def get(self, family: str, account: str, name: str) -> str | None:
        """The ARN of the named entity, when indexed."""
        by_name = self.by_family[family].get(account)
        return by_name.get(name) if by_name is not None else None

    def of_account(self, family: str, account: str) -> dict[str, str]:
        """The writable ``name -> ARN`` dict of one family in one account."""
        by_account = self.by_family[family]
        by_name = by_account.get(account)
        if by_name is None:
            by_name = by_account[account] = {}
        return by_name

    def set(self, family: str, account: str, name: str, arn: str) -> None:
        """Index ``name`` as ``arn``."""
        self.of_account(family, account)[name] = arn

    def index_table(self, family: str, table: Mapping[str, Any]) -> None:
        """Index every entity of a freshly loaded table (AWS managed policies have no name
        of an account)."""
        by_account = self.by_family[family]
        for arn, entity in table.items():
            if not getattr(entity, "aws_managed", False):
                # ``of_account`` inlined: a snapshot load indexes 59,000 names
                by_name = by_account.get(entity.account)
                if by_name is None:
                    by_name = by_account[entity.account] = {}
                by_name[entity.name] = arn

    def exceptions(self, tables: Mapping[str, Mapping[str, Any]]) -> list[list[str | None]]:
        """``[family, account, name, arn or None]`` wherever this index differs from the one
        ``index_table`` rebuilds from ``tables`` (sorted; None: the name is not indexed)."""
        rebuilt = NameIndex()
        found: list[list[str | None]] = []
        for family in NAMED_FAMILIES:
            rebuilt.index_table(family, tables[family])
            mine, theirs = self.by_family[family], rebuilt.by_family[family]
            for account in mine.keys() | theirs.keys():
                ours, other = mine.get(account, {}), theirs.get(account, {})
                if ours != other:  # nearly always equal: one comparison in C
                    found += [
                        [family, account, name, ours.get(name)]
                        for name in ours.keys() | other.keys()
                        if ours.get(name) != other.get(name)
                    ]
        return sorted(found, key=lambda row: tuple(str(part) for part in row))

    def apply(self, exceptions: list[list[str | None]]) -> None:
        """Apply what ``exceptions`` gave to an index rebuilt by ``index_table``."""
        for family, account, name, arn in exceptions:
            if family is None or account is None or name is None:
                raise ValueError(f"not a name index exception: {[family, account, name, arn]}")
            by_name = self.of_account(family, account)
            if arn is None:
                by_name.pop(name, None)
            else:
                by_name[name] = arn

    def discard(self, family: str, account: str, name: str, arn: str) -> None:
        """Forget ``name`` when it still points at ``arn`` (a newer entity may hold it)."""
        by_name = self.by_family[family].get(account)
        if by_name is not None and by_name.get(name) == arn:
            del by_name[name]

    def items(self) -> Iterator[tuple[tuple[str, str, str], str]]:
        """Every ``((family, account, name), arn)``."""
        for family, by_account in self.by_family.items():
            for account, by_name in by_account.items():
                for name, arn in by_name.items():
                    yield (family, account, name), arn

    def copy(self) -> NameIndex:
        """An independent index (the per-account dicts are copied)."""
        other = NameIndex()
        other.by_family = {
            family: {account: by_name.copy() for account, by_name in by_account.items()}
            for family, by_account in self.by_family.items()
        }
        return other

    def of_accounts(self, accounts: frozenset[str]) -> NameIndex:
        """A copy holding only these accounts' names."""
        other = NameIndex()
        for family, by_account in self.by_family.items():
            for account in accounts & by_account.keys():
                other.by_family[family][account] = by_account[account].copy()
        return other

    def update(self, other: NameIndex) -> None:
        """Add every name of ``other`` (replacing equal keys)."""
        for (family, account, name), arn in other.items():
            self.set(family, account, name, arn)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, NameIndex):
            return NotImplemented
        return dict(self.items()) == dict(other.items())
