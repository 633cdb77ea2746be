"""Policy and trust documents as numbered lines, with gained or lost entries marked."""

from __future__ import annotations

import fnmatch
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

ACTION_KEYS = frozenset({"action", "notaction"})
PRINCIPAL_KEYS = frozenset({"principal", "notprincipal"})
MAX_LINES = 400
_ACCOUNT = re.compile(r"^\d{12}$")


@dataclass(frozen=True)
class DocLine:
    """One line of a pretty-printed document; ``mark`` is ``""``, ``gained`` or ``lost``."""

    text: str
    mark: str


@dataclass(frozen=True)
class DocumentView:
    """A document to show, with the lines that matter marked."""

    label: str
    lines: tuple[DocLine, ...]
    omitted_lines: int


class _Marker:
    """Decides whether a string under Action or Principal is one of the given entries."""

    def __init__(self, actions: Iterable[str], principals: Iterable[str]) -> None:
        self.actions = {str(a).lower() for a in actions}
        self.principals = {str(p) for p in principals}

    def action(self, value: str) -> bool:
        lowered = value.lower()
        if lowered in self.actions:
            return True
        if lowered == "*":
            return bool(self.actions)
        if "*" in lowered or "?" in lowered:
            return any(fnmatch.fnmatchcase(action, lowered) for action in self.actions)
        return False

    def principal(self, value: str) -> bool:
        if value in self.principals:
            return True
        return bool(_ACCOUNT.match(value)) and f"arn:aws:iam::{value}:root" in self.principals


def _scalar(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _emit(
    value: Any, indent: int, prefix: str, context: str, marker: _Marker, mark: str
) -> list[tuple[int, str, bool]]:
    """Lines ``(indent, text, marked)`` in the layout of ``json.dumps(indent=2)``."""
    if isinstance(value, dict):
        if not value:
            return [(indent, prefix + "{}", False)]
        rows = [(indent, prefix + "{", False)]
        for position, (key, item) in enumerate(value.items()):
            lowered = str(key).lower()
            inner = "action" if lowered in ACTION_KEYS else context
            inner = "principal" if lowered in PRINCIPAL_KEYS else inner
            child = _emit(item, indent + 1, f"{_scalar(str(key))}: ", inner, marker, mark)
            if position < len(value) - 1:
                last = child[-1]
                child[-1] = (last[0], last[1] + ",", last[2])
            rows.extend(child)
        rows.append((indent, "}", False))
        return rows
    if isinstance(value, list | tuple):
        if not value:
            return [(indent, prefix + "[]", False)]
        rows = [(indent, prefix + "[", False)]
        for position, item in enumerate(value):
            child = _emit(item, indent + 1, "", context, marker, mark)
            if position < len(value) - 1:
                last = child[-1]
                child[-1] = (last[0], last[1] + ",", last[2])
            rows.extend(child)
        rows.append((indent, "]", False))
        return rows
    marked = False
    if isinstance(value, str) and mark:
        if context == "action":
            marked = marker.action(value)
        elif context == "principal":
            marked = marker.principal(value)
    return [(indent, prefix + _scalar(value), marked)]


def document_lines(
    document: Any,
    mark: str = "",
    actions: Iterable[str] = (),
    principals: Iterable[str] = (),
    max_lines: int = MAX_LINES,
) -> tuple[tuple[DocLine, ...], int]:
    """Pretty-print ``document``, marking action or principal entries listed; cap the lines."""
    rows = _emit(document, 0, "", "", _Marker(actions, principals), mark)
    lines = tuple(
        DocLine("  " * indent + text, mark if marked else "") for indent, text, marked in rows
    )
    return lines[:max_lines], max(0, len(lines) - max_lines)


def string_list(value: Any) -> list[str]:
    """A details entry as a sorted list of strings (one string becomes a list of one)."""
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if isinstance(value, Iterable):
        return sorted({str(item) for item in value})
    return [str(value)]


def document_views(details: Any) -> tuple[DocumentView, ...]:
    """The before and after documents of a details mapping, gained and lost entries marked."""
    if not isinstance(details, dict):
        return ()
    views = []
    for key, label, mark, actions_key, principals_key in (
        ("policy_before", "Before", "lost", "actions_lost", "principals_lost"),
        ("policy_after", "After", "gained", "actions_gained", "principals_gained"),
    ):
        if key in details and details[key] is not None:
            lines, omitted = document_lines(
                details[key],
                mark,
                string_list(details.get(actions_key)),
                string_list(details.get(principals_key)),
            )
            views.append(DocumentView(label, lines, omitted))
    return tuple(views)
