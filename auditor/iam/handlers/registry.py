"""The table of replay handlers: one function per ``(eventSource, eventName)``."""

from __future__ import annotations

from collections.abc import Callable

from auditor.events import Event
from auditor.iam.state import IamState

Handler = Callable[[IamState, Event], None]
IAM = "iam.amazonaws.com"
STS = "sts.amazonaws.com"
SIGNIN = "signin.amazonaws.com"

HANDLERS: dict[tuple[str, str], Handler] = {}
# handlers that also see failed events (observed activity such as failed sign-ins)
SEES_FAILURES: set[tuple[str, str]] = set()
# handlers that only record observed activity (assumptions, sign-ins), never declared state
OBSERVES_ONLY: set[tuple[str, str]] = set()


def handles(
    *names: str, source: str = IAM, failures: bool = False, observes: bool = False
) -> Callable[[Handler], Handler]:
    """Register the decorated function as the handler of each event name of ``source``.

    ``failures``: failed events reach it too; ``observes``: it records observed activity
    only, so a replay of declared state alone may skip it.
    """

    def register(handler: Handler) -> Handler:
        for name in names:
            HANDLERS[(source, name)] = handler
            if failures:
                SEES_FAILURES.add((source, name))
            if observes:
                OBSERVES_ONLY.add((source, name))
        return handler

    return register
