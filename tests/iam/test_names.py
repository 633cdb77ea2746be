"""The name index replay resolves request names with."""

from __future__ import annotations

from auditor.iam.names import NameIndex

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
