"""The declarative matcher of one-event rules (``[match]`` in a rule's TOML).

Keys are field paths into the CloudTrail record (``userIdentity.type``), optionally
with modifiers after ``|``: ``ci`` (case-insensitive), ``glob``, ``re``, ``contains``,
``startswith``, ``endswith``, ``exists``. A list value means any of its items. Keys in
one table are all required; ``[[match.any]]`` tables need at least one to match;
``[match.not]`` must not match. A path crossing a list matches if any element does.

The values tested are written by whoever writes the logs, so no pattern may take more
than linear time on them: ``re`` uses RE2 (no backreferences or lookarounds; a pattern
RE2 refuses is a definition error) and ``glob`` the IAM wildcard matcher (``*`` and
``?`` only, whole value).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import re2

from auditor.policy.wildcard import compile_wildcard

OPERATORS = ("equals", "glob", "re", "contains", "startswith", "endswith", "exists")
FLAGS = ("ci",)

Predicate = Callable[[Mapping[str, Any]], bool]
TextTest = Callable[[str], bool]
_MISSING = object()


class MatchDefinitionError(ValueError):
    """A ``[match]`` table that cannot be compiled; ``key`` names the culprit."""

    def __init__(self, key: str, message: str) -> None:
        super().__init__(f"match key '{key}': {message}")
        self.key = key


def resolve(record: Mapping[str, Any], path: str) -> Iterator[Any]:
    """Every value at ``path`` (dot-separated); lists along the way fan out."""
    values: list[Any] = [record]
    for part in path.split("."):
        found: list[Any] = []
        for value in values:
            if isinstance(value, Mapping):
                item = value.get(part, _MISSING)
                if item is not _MISSING:
                    found.append(item)
            elif isinstance(value, list):
                found.extend(
                    v.get(part, _MISSING) for v in value if isinstance(v, Mapping) and part in v
                )
        values = found
    for value in values:
        if isinstance(value, list):
            yield from value
        else:
            yield value


def _text(value: Any, fold: bool) -> str | None:
    if isinstance(value, bool) or value is None:
        return None if value is None else str(value).lower()
    if isinstance(value, str | int | float):
        text = str(value)
        return text.lower() if fold else text
    return None


@dataclass(frozen=True)
class _Condition:
    path: str
    operator: str
    fold: bool
    wanted: tuple[Any, ...]
    patterns: tuple[TextTest, ...]

    def __call__(self, record: Mapping[str, Any]) -> bool:
        values = list(resolve(record, self.path))
        if self.operator == "exists":
            present = any(v is not None for v in values)
            return present is bool(self.wanted[0])
        return any(self._test(value) for value in values)

    def _test(self, value: Any) -> bool:
        if self.operator == "equals" and not self.fold:
            return any(
                value == w and isinstance(value, bool) == isinstance(w, bool) for w in self.wanted
            )
        text = _text(value, self.fold)
        if text is None:
            return False
        if self.operator in ("glob", "re"):
            return any(test(text) for test in self.patterns)
        wanted = [str(w).lower() if self.fold else str(w) for w in self.wanted]
        if self.operator == "equals":
            return text in wanted
        if self.operator == "contains":
            return any(w in text for w in wanted)
        if self.operator == "startswith":
            return any(text.startswith(w) for w in wanted)
        return any(text.endswith(w) for w in wanted)


def _condition(key: str, value: Any) -> _Condition:
    path, *modifiers = key.split("|")
    if not path or any(not part for part in path.split(".")):
        raise MatchDefinitionError(key, "empty field path")
    operators = [m for m in modifiers if m in OPERATORS]
    unknown = [m for m in modifiers if m not in OPERATORS and m not in FLAGS]
    if unknown:
        raise MatchDefinitionError(
            key, f"unknown modifier {unknown[0]!r} (known: {', '.join(OPERATORS + FLAGS)})"
        )
    if len(operators) > 1:
        raise MatchDefinitionError(key, "more than one operator")
    operator = operators[0] if operators else "equals"
    wanted = tuple(value) if isinstance(value, list) else (value,)
    if not wanted:
        raise MatchDefinitionError(key, "empty list of values")
    if any(isinstance(w, dict | list) for w in wanted):
        raise MatchDefinitionError(key, "values must be strings, numbers or booleans")
    if operator == "exists" and (len(wanted) != 1 or not isinstance(wanted[0], bool)):
        raise MatchDefinitionError(key, "'exists' takes true or false")
    fold = "ci" in modifiers
    patterns: tuple[TextTest, ...] = ()
    if operator == "re":
        patterns = tuple(_regex_test(key, str(w), fold) for w in wanted)
    elif operator == "glob":
        patterns = tuple(compile_wildcard(str(w), fold=fold).matches for w in wanted)
    return _Condition(path, operator, fold, wanted, patterns)


def _regex_test(key: str, pattern: str, fold: bool) -> TextTest:
    """An RE2 search for ``pattern`` (linear in the text); refuses what RE2 cannot run."""
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not fold
    try:
        compiled = re2.compile(pattern, options)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", errors="replace")
        raise MatchDefinitionError(
            key,
            f"regular expression {pattern!r} rejected by RE2: {reason} (patterns must run in"
            " linear time: no backreferences, lookahead or lookbehind)",
        ) from None

    def test(text: str) -> bool:
        return compiled.search(text) is not None

    return test


def compile_match(table: Mapping[str, Any], where: str = "match") -> Predicate:
    """Compile a ``[match]`` table into a predicate over a raw record."""
    if not isinstance(table, Mapping) or not table:
        raise MatchDefinitionError(where, "must be a non-empty table")
    conditions: list[Predicate] = []
    for key, value in table.items():
        if key == "any":
            if not isinstance(value, list) or not value:
                raise MatchDefinitionError(f"{where}.any", "must be a non-empty array of tables")
            branches = [compile_match(t, f"{where}.any[{i}]") for i, t in enumerate(value)]
            conditions.append(_any_of(branches))
        elif key == "not":
            conditions.append(_none_of(compile_match(value, f"{where}.not")))
        else:
            conditions.append(_condition(key, value))
    return _all_of(conditions)


def _all_of(predicates: list[Predicate]) -> Predicate:
    def test(record: Mapping[str, Any]) -> bool:
        return all(predicate(record) for predicate in predicates)

    return test


def _any_of(predicates: list[Predicate]) -> Predicate:
    def test(record: Mapping[str, Any]) -> bool:
        return any(predicate(record) for predicate in predicates)

    return test


def _none_of(predicate: Predicate) -> Predicate:
    def test(record: Mapping[str, Any]) -> bool:
        return not predicate(record)

    return test


def render_template(template: str, record: Mapping[str, Any]) -> str:
    """Fill ``{field.path}`` placeholders from the record (``unknown`` when absent)."""

    def value(match: re.Match[str]) -> str:
        found = next((v for v in resolve(record, match.group(1)) if v is not None), None)
        return "unknown" if found is None else str(found)

    return re.sub(r"\{([A-Za-z0-9_.@-]+)\}", value, template)
