"""The IAM action catalog: wildcard expansion, access levels and allowed-action sets.

``allowed_actions`` is resource-agnostic: an Allow counts whatever its Resource and
Condition, and only unconditional Deny statements on Resource ``*`` are subtracted. It
answers "which actions could this principal call on something", not "on what".
"""

from __future__ import annotations

import bisect
import functools
import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from auditor.policy.bounded_cache import BoundedCache
from auditor.policy.document import PolicyDocument, Statement
from auditor.policy.tables import TableSource, load_table
from auditor.policy.wildcard import Wildcard, compile_wildcard, is_wildcard, normalize_wildcard

CATALOG_TABLE = "iam_actions.json.gz"
ACCESS_LEVELS = {
    "L": "List",
    "R": "Read",
    "W": "Write",
    "P": "Permissions management",
    "T": "Tagging",
}
_LEVEL_LETTERS = {name: letter for letter, name in ACCESS_LEVELS.items()}
# Expansions are remembered per distinct pattern (and per distinct Action/NotAction list),
# bounded by entries and by weight: the actions held plus the characters of the keys.
CACHE_ENTRIES = 65_536
CACHE_WEIGHT = 2_000_000
StatementKey = tuple[tuple[str, ...], tuple[str, ...]]


@dataclass(frozen=True, slots=True)
class ActionDelta:
    """Actions a change of policies made newly allowed, and those it took away."""

    gained: tuple[str, ...]
    lost: tuple[str, ...]


class ActionCatalog:
    """Every known ``service:Action`` with its access level; expands wildcards fast."""

    def __init__(self, levels: Mapping[str, str], source: TableSource) -> None:
        """``levels`` maps canonical ``service:Action`` names to access-level letters."""
        self.source = source
        self._levels = {action.lower(): letter for action, letter in levels.items()}
        self._canonical = {action.lower(): action for action in levels}
        self._all = frozenset(levels)
        by_service: dict[str, dict[str, str]] = {}
        for action in levels:
            service = action.partition(":")[0].lower()
            by_service.setdefault(service, {})[action.lower()] = action
        self._by_service = by_service
        self._service_all = {svc: frozenset(names.values()) for svc, names in by_service.items()}
        self._names_by_service = {
            svc: tuple((lowered[len(svc) + 1 :], action) for lowered, action in names.items())
            for svc, names in by_service.items()
        }
        by_name: dict[str, list[tuple[str, str]]] = {}
        for svc, names in self._names_by_service.items():
            for lowered, action in names:
                by_name.setdefault(lowered, []).append((svc, action))
        self._by_name = {name: tuple(actions) for name, actions in sorted(by_name.items())}
        self._names = list(self._by_name)
        self._joined = "\n".join(self._names)  # found by str.find, mapped back by offset
        self._starts = list(itertools.accumulate((len(n) + 1 for n in self._names[:-1]), initial=0))
        self._expanded: BoundedCache[str, frozenset[str]] = BoundedCache(
            CACHE_ENTRIES, CACHE_WEIGHT, self._expansion_weight
        )
        self._statement_cache: BoundedCache[StatementKey, frozenset[str]] = BoundedCache(
            CACHE_ENTRIES, CACHE_WEIGHT, self._statement_weight
        )

    def __len__(self) -> int:
        return len(self._all)

    def all_actions(self) -> frozenset[str]:
        """Every action in the catalog (precomputed)."""
        return self._all

    def services(self) -> frozenset[str]:
        """Every service prefix, lowercase."""
        return frozenset(self._by_service)

    def canonical(self, action: str) -> str:
        """The catalog spelling of an action; unknown actions keep theirs."""
        return self._canonical.get(action.strip().lower(), action.strip())

    def access_level(self, action: str) -> str | None:
        """``List``, ``Read``, ``Write``, ``Permissions management`` or ``Tagging``."""
        letter = self._levels.get(action.strip().lower())
        return ACCESS_LEVELS[letter] if letter else None

    def actions_with_access_level(self, level: str) -> frozenset[str]:
        """Every action whose access level is ``level`` (full name, e.g. ``Read``)."""
        return self._actions_with_letter(_LEVEL_LETTERS.get(level, level))

    @functools.cache  # noqa: B019 - catalogs are few and live as long as the process
    def _actions_with_letter(self, letter: str) -> frozenset[str]:
        return frozenset(
            self._canonical[action] for action, got in self._levels.items() if got == letter
        )

    def expand(self, pattern: str) -> frozenset[str]:
        """Actions matching ``pattern`` (case-insensitive ``*`` and ``?``; ``*`` = all).

        A literal action missing from the catalog expands to itself, so newer actions are
        not lost; a pattern without ``service:`` (other than ``*``) matches nothing. Each
        distinct pattern (spelled canonically) is matched against the catalog once while
        it stays in the bounded cache.
        """
        stripped = pattern.strip()
        key = normalize_wildcard(stripped.lower())
        if key == "*":
            return self._all
        hit = self._expanded.get(key)
        if hit is None:
            hit = self._expanded.put(key, self._expand(key, stripped))
        return hit

    def _expand(self, key: str, original: str) -> frozenset[str]:
        service, sep, name = key.partition(":")
        if not sep or not service or not name:
            return frozenset()
        if is_wildcard(service):
            service_pattern = compile_wildcard(service, fold=False)
            services = [svc for svc in self._by_service if service_pattern.matches_folded(svc)]
        elif service in self._by_service:
            services = [service]
        else:
            literal = not is_wildcard(name)
            return frozenset({f"{service}:{original.partition(':')[2]}"} if literal else ())
        if name == "*":
            if len(services) == 1:
                return self._service_all[services[0]]
            return frozenset().union(*(self._service_all[svc] for svc in services))
        if not is_wildcard(name):
            found = [self._by_service[svc].get(f"{svc}:{name}") for svc in services]
            matches = {action for action in found if action}
            if not matches and len(services) == 1:
                matches = {f"{service}:{original.partition(':')[2]}"}
            return frozenset(matches)
        name_pattern = compile_wildcard(name, fold=False)
        if len(services) == 1:
            return frozenset(
                canonical
                for lowered, canonical in self._names_by_service[services[0]]
                if name_pattern.matches_folded(lowered)
            )
        return self._across_services(name_pattern, services)

    def _across_services(self, name_pattern: Wildcard, services: list[str]) -> frozenset[str]:
        """Matches of ``name_pattern`` in several services: each distinct name tested once.

        Names that lack the pattern's longest literal run are skipped before matching.
        """
        candidates = self._names_holding(name_pattern.longest_literal)
        matched = [n for n in candidates if name_pattern.matches_folded(n)]
        wanted = None if len(services) == len(self._by_service) else frozenset(services)
        return frozenset(
            action
            for name in matched
            for svc, action in self._by_name[name]
            if wanted is None or svc in wanted
        )

    def _names_holding(self, literal: str) -> list[str]:
        """Distinct action names (lowercase, no service) containing ``literal``, in order."""
        if not literal:
            return self._names
        text, starts = self._joined, self._starts
        found: list[str] = []
        position = text.find(literal)
        while position >= 0:
            index = bisect.bisect_right(starts, position) - 1
            found.append(self._names[index])
            # skip the rest of this name: the next one starts after its newline
            position = text.find(
                literal, starts[index + 1] if index + 1 < len(starts) else len(text)
            )
        return found

    def statement_actions(self, statement: Statement) -> frozenset[str]:
        """The actions a statement names: Action expanded, or all minus NotAction."""
        key = (statement.actions, statement.not_actions)
        hit = self._statement_cache.get(key)
        if hit is None:
            hit = self._statement_cache.put(key, self._statement_actions(statement))
        return hit

    def _expansion_weight(self, key: str, actions: frozenset[str]) -> int:
        return len(key) + (1 if actions is self._all else len(actions))

    def _statement_weight(self, key: StatementKey, actions: frozenset[str]) -> int:
        text = sum(len(pattern) for patterns in key for pattern in patterns)
        return text + (1 if actions is self._all else len(actions))

    def _statement_actions(self, statement: Statement) -> frozenset[str]:
        if statement.not_actions:
            excluded = self._union(statement.not_actions)
            return self._all - excluded if excluded else self._all
        return self._union(statement.actions)

    def _union(self, patterns: Iterable[str]) -> frozenset[str]:
        sets = [self.expand(pattern) for pattern in patterns]
        if any(found is self._all for found in sets):
            return self._all
        if len(sets) == 1:
            return sets[0]
        return frozenset().union(*sets)


def action_matches(pattern: str, action: str) -> bool:
    """Whether an Action pattern (``*`` and ``?`` wildcards) matches one action name."""
    return compile_wildcard(pattern.strip()).matches(action)


@functools.cache
def load_action_catalog() -> ActionCatalog:
    """The shipped action catalog (loaded once per process)."""
    table = load_table(CATALOG_TABLE)
    levels: dict[str, str] = {}
    for service, actions in table["services"].items():
        for name, letter in actions.items():
            levels[f"{service}:{name}"] = letter
    return ActionCatalog(levels, TableSource.from_header(table.get("source")))


def allowed_actions(
    documents: Iterable[PolicyDocument], catalog: ActionCatalog | None = None
) -> frozenset[str]:
    """Actions allowed by any Allow, minus unconditional Deny on Resource ``*``.

    Resource-agnostic: an Allow counts whatever its Resource or Condition.
    """
    catalog = catalog or load_action_catalog()
    allowed: set[str] = set()
    denied: set[str] = set()
    for document in documents:
        for statement in document.statements:
            if statement.is_allow:
                allowed |= catalog.statement_actions(statement)
            elif is_unconditional_deny_on_all(statement):
                denied |= catalog.statement_actions(statement)
    return frozenset(allowed - denied) if denied else frozenset(allowed)


def is_unconditional_deny_on_all(statement: Statement) -> bool:
    """Whether a statement is a Deny with no Condition whose Resource covers everything."""
    return statement.is_deny and not statement.conditions and statement.covers_all_resources


def action_delta(
    before: Iterable[PolicyDocument],
    after: Iterable[PolicyDocument],
    catalog: ActionCatalog | None = None,
) -> ActionDelta:
    """Actions gained and lost between two sets of policies (sorted)."""
    catalog = catalog or load_action_catalog()
    old = allowed_actions(before, catalog)
    new = allowed_actions(after, catalog)
    return ActionDelta(gained=tuple(sorted(new - old)), lost=tuple(sorted(old - new)))
