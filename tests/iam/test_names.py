"""The name index replay resolves request names with."""

from __future__ import annotations

from typing import Any

from auditor.iam.model import Role, User
from auditor.iam.names import NAMED_FAMILIES, NameIndex

A, B = "111122223333", "444455556666"


def test_names_resolve_per_family_and_account() -> None:
    index = NameIndex()
    index.set("user", A, "alice", f"arn:aws:iam::{A}:user/alice")
    index.set("role", A, "alice", f"arn:aws:iam::{A}:role/alice")
    assert index.get("user", A, "alice") == f"arn:aws:iam::{A}:user/alice"
    assert index.get("role", A, "alice") == f"arn:aws:iam::{A}:role/alice"
    assert index.get("user", B, "alice") is None
    assert index.get("group", A, "alice") is None


def test_discard_leaves_a_name_that_now_points_elsewhere() -> None:
    index = NameIndex()
    index.set("user", A, "bob", "arn:new")
    index.discard("user", A, "bob", "arn:old")  # a rename already gave the name away
    assert index.get("user", A, "bob") == "arn:new"
    index.discard("user", A, "bob", "arn:new")
    assert index.get("user", A, "bob") is None
    index.discard("user", B, "nobody", "arn:x")  # unknown account: nothing to do


def test_copies_are_independent_and_equality_ignores_emptied_accounts() -> None:
    index = NameIndex()
    index.set("group", A, "admins", "arn:g")
    copy = index.copy()
    copy.set("group", A, "ops", "arn:o")
    assert index.get("group", A, "ops") is None
    copy.discard("group", A, "ops", "arn:o")
    assert copy == index
    empty = NameIndex()
    empty.set("user", B, "x", "arn:x")
    empty.discard("user", B, "x", "arn:x")
    assert empty == NameIndex()


def test_split_by_account_and_merge_back() -> None:
    index = NameIndex()
    index.set("user", A, "a", "arn:a")
    index.set("user", B, "b", "arn:b")
    index.set("policy", B, "p", "arn:p")
    part_a, part_b = index.of_accounts(frozenset({A})), index.of_accounts(frozenset({B}))
    assert dict(part_a.items()) == {("user", A, "a"): "arn:a"}
    assert part_b.get("policy", B, "p") == "arn:p"
    merged = NameIndex()
    merged.update(part_a)
    merged.update(part_b)
    assert merged == index


def test_exceptions_restore_a_replayed_index_over_a_rebuilt_one() -> None:
    # two users named "alice" (an "origin unknown" one renamed onto the name), the indexed
    # one deleted: replay leaves "alice" unindexed, a rebuild would index the other one
    kept = f"arn:aws:iam::{A}:user/x/alice"
    tables: dict[str, dict[str, Any]] = {family: {} for family in NAMED_FAMILIES}
    tables["user"][kept] = User(kept, "alice", "/x/", A)
    tables["role"]["arn:r"] = Role("arn:r", "r", "/", A)
    replayed = NameIndex()
    replayed.set("role", A, "r", "arn:r")
    replayed.set("role", A, "gone", "arn:gone")  # a stale entry: kept as it was
    exceptions = replayed.exceptions(tables)
    assert exceptions == [["role", A, "gone", "arn:gone"], ["user", A, "alice", None]]
    rebuilt = NameIndex()
    for family, table in tables.items():
        rebuilt.index_table(family, table)
    rebuilt.apply(exceptions)
    assert rebuilt == replayed
    assert NameIndex().exceptions(tables) != [] and replayed.exceptions(tables) == exceptions
