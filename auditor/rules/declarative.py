"""One-event checks written as data: a ``[match]`` table and ``[finding]`` templates."""

from __future__ import annotations

from collections.abc import Iterable

from auditor.events import Event
from auditor.findings import Finding
from auditor.rules.base import EventCheck, EventContext
from auditor.rules.match import Predicate, compile_match, render_template

DEFAULT_RESOURCE = "{userIdentity.arn}"
DEFAULT_MESSAGE = "{eventName} by {userIdentity.arn} from {sourceIPAddress}."


class DeclarativeCheck(EventCheck):
    """An ``EventCheck`` whose predicate is the rule's compiled ``[match]`` table."""

    include_failed = True

    def __init__(self, predicate: Predicate) -> None:
        self.predicate = predicate

    def check_event(self, event: Event, ctx: EventContext) -> Iterable[Finding]:
        """One finding when the raw record matches."""
        if not self.predicate(event.raw):
            return
        template = self.meta.finding
        resource = render_template(template.get("resource", DEFAULT_RESOURCE), event.raw)
        message = render_template(template.get("message", DEFAULT_MESSAGE), event.raw)
        yield self.finding(event=event, resource=resource, message=message)


def _literal(match: dict[str, object], key: str) -> frozenset[str]:
    """Plain string values of a top-level key (no modifiers): a cheap prefilter."""
    value = match.get(key)
    values = value if isinstance(value, list) else [value]
    if value is None or not all(isinstance(v, str) for v in values):
        return frozenset()
    return frozenset(str(v) for v in values)


def declarative_check(match: object) -> DeclarativeCheck:
    """Compile a ``[match]`` table into a check (raises ``MatchDefinitionError``)."""
    assert isinstance(match, dict)
    check = DeclarativeCheck(compile_match(match))
    check.event_sources = _literal(match, "eventSource")
    check.event_names = _literal(match, "eventName")
    return check
