"""Privilege-escalation paths (pathfinding.cloud) matched against a set of allowed actions.

Matching is by action names only (resource-agnostic). Pass the union of every policy a
principal holds to catch paths split across policies.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass, field

from auditor.policy.tables import TableSource, load_table

PRIVESC_TABLE = "privesc_paths.json"


@dataclass(frozen=True, slots=True)
class PrivescPath:
    """One escalation technique and the actions it needs, all of them."""

    id: str
    title: str
    category: str
    required: tuple[str, ...]
    link: str
    target_dependent: bool
    required_lower: frozenset[str] = field(default=frozenset(), repr=False, compare=False)


@dataclass(frozen=True, slots=True)
class PrivescMatch:
    """A path whose required actions are all allowed."""

    path_id: str
    title: str
    category: str
    actions: tuple[str, ...]
    link: str
    target_dependent: bool


@functools.cache
def load_privesc_paths() -> tuple[PrivescPath, ...]:
    """The shipped escalation paths, in id order."""
    table = load_table(PRIVESC_TABLE)
    return tuple(
        PrivescPath(
            id=entry["id"],
            title=entry["title"],
            category=entry["category"],
            required=tuple(entry["required"]),
            link=entry["link"],
            target_dependent=bool(entry.get("target_dependent", False)),
            required_lower=frozenset(action.lower() for action in entry["required"]),
        )
        for entry in table["paths"]
    )


def privesc_source() -> TableSource:
    """Where the escalation paths come from."""
    return TableSource.from_header(load_table(PRIVESC_TABLE).get("source"))


def find_privesc_paths(
    actions: Iterable[str], *, include_target_dependent: bool = True
) -> tuple[PrivescMatch, ...]:
    """Paths whose every required action is in ``actions`` (case-insensitive).

    ``target_dependent`` paths (sts:AssumeRole alone, or abusing an existing resource that
    already runs with a role) need a suitable target to exist; leave them out with
    ``include_target_dependent=False``.
    """
    held = actions if isinstance(actions, set | frozenset) else frozenset(actions)
    lowered: set[str] | None = None
    found: list[PrivescMatch] = []
    for path in load_privesc_paths():
        if path.target_dependent and not include_target_dependent:
            continue
        if not all(action in held for action in path.required):
            if lowered is None:  # other spellings than the catalog's: compare lowercased
                lowered = {action.lower() for action in held}
            if not path.required_lower <= lowered:
                continue
        found.append(
            PrivescMatch(
                path_id=path.id,
                title=path.title,
                category=path.category,
                actions=path.required,
                link=path.link,
                target_dependent=path.target_dependent,
            )
        )
    return tuple(found)
