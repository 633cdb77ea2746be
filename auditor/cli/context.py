"""What every command receives: settings, the store, the console and the clock."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import click
from rich.console import Console

from auditor.cli.safe_text import terminal_safe
from auditor.config import Settings
from auditor.errors import ConfigError
from auditor.store.event_store import EventStore
from auditor.timeutil import Clock, parse_instant, system_clock

PIPE_WIDTH = 240


def _console(stderr: bool) -> Console:
    """A rich console; wide when writing to a pipe or file, so tables stay whole."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else PIPE_WIDTH
    return Console(stderr=stderr, soft_wrap=True, width=width)


@dataclass
class AppContext:
    """Shared state of one command-line invocation."""

    settings: Settings
    db_path: str
    verbose: bool = False
    quiet: bool = False
    clock: Clock = system_clock
    out: Console = field(default_factory=lambda: _console(stderr=False))
    err: Console = field(default_factory=lambda: _console(stderr=True))
    _store: EventStore | None = None

    def store(self) -> EventStore:
        """The event store, opened on first use."""
        if self._store is None:
            self._store = EventStore.open(Path(self.db_path), self.clock)
        return self._store

    def close(self) -> None:
        """Close the store if it was opened."""
        if self._store is not None:
            self._store.close()
            self._store = None

    def say(self, message: str) -> None:
        """A progress or status line on stderr, unless ``--quiet``."""
        if not self.quiet:
            self.err.print(terminal_safe(message), highlight=False, markup=False)


pass_app = click.make_pass_decorator(AppContext)


class InstantType(click.ParamType):  # type: ignore[type-arg,unused-ignore]
    """An ISO 8601 time on the command line (a date alone means its start, UTC)."""

    name = "TIME"

    def convert(
        self, value: object, param: click.Parameter | None, ctx: click.Context | None
    ) -> datetime:
        """Parse the option's text, failing with a usage error that quotes it."""
        if isinstance(value, datetime):
            return value
        try:
            return parse_instant(str(value))
        except ValueError as exc:
            self.fail(str(exc), param, ctx)


INSTANT = InstantType()


def require(condition: bool, message: str) -> None:
    """Stop with a usage error (exit status 2) unless the condition holds."""
    if not condition:
        raise ConfigError(message)
