"""The IAM wildcard matcher: fnmatch semantics for ``*`` and ``?``, without backtracking."""

from __future__ import annotations

import fnmatch

from hypothesis import given
from hypothesis import strategies as st

from auditor.policy.bounded_cache import BoundedCache
from auditor.policy.wildcard import compile_wildcard, normalize_wildcard, wildcard_match

PATTERNS = st.text(alphabet="ab?*", max_size=24)
TEXTS = st.text(alphabet="ab", max_size=24)


@given(PATTERNS, TEXTS)
def test_it_agrees_with_fnmatch(pattern: str, text: str) -> None:
    assert wildcard_match(pattern, text, fold=False) == fnmatch.fnmatchcase(text, pattern)


@given(st.text(alphabet="ab?a?b?*", max_size=40), TEXTS)
def test_segments_with_many_question_marks_agree_with_fnmatch(pattern: str, text: str) -> None:
    assert wildcard_match(pattern, text, fold=False) == fnmatch.fnmatchcase(text, pattern)


@given(PATTERNS, TEXTS)
def test_the_normalized_pattern_matches_the_same_texts(pattern: str, text: str) -> None:
    assert wildcard_match(normalize_wildcard(pattern), text, fold=False) == wildcard_match(
        pattern, text, fold=False
    )


def test_folding_and_literal_characters() -> None:
    assert wildcard_match("IAM:Get*", "iam:getuser")
    assert not wildcard_match("IAM:Get*", "iam:getuser", fold=False)
    assert wildcard_match("arn:aws:s3:::b/[x]*", "arn:aws:s3:::b/[x]y")  # no character classes
    assert not wildcard_match("a?c", "abbc")
    assert normalize_wildcard("*?*?**x?*") == "??*x?*"


def test_hostile_shapes_answer() -> None:
    text = "a" * 20_000
    assert not wildcard_match("*?" * 5_000 + "*!", text)
    assert not wildcard_match("a*" * 5_000 + "b", text)
    assert not wildcard_match("*" + "a?" * 2_000 + "b*", text)
    assert wildcard_match("*" + "a?" * 2_000 + "*", text)
    assert compile_wildcard("x" * 100 + "*").min_length == 100


def test_a_bounded_cache_keeps_its_entry_and_weight_limits() -> None:
    cache: BoundedCache[str, frozenset[str]] = BoundedCache(3, 10, lambda k, v: len(v))
    for index in range(100):
        cache.put(f"k{index}", frozenset({"a", "b"}))
        assert len(cache) <= 3 and cache.weight <= 10
    assert cache.get("k99") is not None and cache.get("k0") is None
    assert cache.put("big", frozenset(str(i) for i in range(11))) and cache.get("big") is None
