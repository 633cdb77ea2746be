"""``trailaudit``: the entry point, global options and the mapping of errors to exit codes."""

from __future__ import annotations

import importlib
import sys
import traceback
from pathlib import Path
from typing import Any

import click

from auditor import __version__
from auditor.cli.context import AppContext
from auditor.cli.safe_text import terminal_safe
from auditor.config import load_settings
from auditor.errors import AuditorError, ExitStatus

# command name -> "module:attribute"; modules are imported only when their command runs
COMMANDS: dict[str, str] = {
    "ingest": "auditor.cli.ingest_cmd:ingest",
    "events": "auditor.cli.events_cmd:events",
    "baseline": "auditor.cli.baseline_cmd:baseline",
    "drift": "auditor.cli.state_cmd:drift",
    "diff": "auditor.cli.state_cmd:diff",
    "graph": "auditor.cli.state_cmd:graph",
    "checks": "auditor.cli.checks_cmd:checks",
    "run": "auditor.cli.run_cmd:run",
    "report": "auditor.cli.run_cmd:report",
    "demo": "auditor.cli.demo_cmd:demo",
}


class LazyGroup(click.Group):
    """A group whose subcommands live in their own modules, imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        """Every command whose module can be imported, in the documented order."""
        return [name for name in COMMANDS if self.get_command(ctx, name) is not None]

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        """Import and return the named command, or None when unknown or not installed."""
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, _, attribute = target.partition(":")
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name == module_name:
                return None
            raise
        command = getattr(module, attribute)
        assert isinstance(command, click.Command)
        return command


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="trailaudit")
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Configuration file (default: ./config.toml when present, else built-in defaults).",
)
@click.option("--db", "db_path", type=click.Path(dir_okay=False), help="Event store (SQLite).")
@click.option("-v", "--verbose", is_flag=True, help="More detail; tracebacks on errors.")
@click.option("-q", "--quiet", is_flag=True, help="Only results and errors.")
@click.pass_context
def cli(
    ctx: click.Context, config_path: Path | None, db_path: str | None, verbose: bool, quiet: bool
) -> None:
    """trailaudit: what changed in IAM, who did it, and what it allows now."""
    settings = load_settings(config_path)
    app = AppContext(settings, db_path or settings.store.path, verbose=verbose, quiet=quiet)
    ctx.obj = app
    ctx.call_on_close(app.close)


def quote_safely(error: click.ClickException) -> None:
    """Escape what a usage error quotes (a file name may come from the trail bucket)."""
    # click declares these Final; they are plain attributes, read again by ``show()``
    setattr(error, "message", terminal_safe(error.message))  # noqa: B010
    if isinstance(error, click.FileError):
        setattr(error, "ui_filename", terminal_safe(error.ui_filename))  # noqa: B010


def main(argv: list[str] | None = None) -> Any:
    """Run the CLI; every error becomes one line on stderr and a documented exit status."""
    verbose = "-v" in (argv or sys.argv) or "--verbose" in (argv or sys.argv)
    try:
        result = cli.main(args=argv, prog_name="trailaudit", standalone_mode=False)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        quote_safely(exc)
        exc.show()
        sys.exit(ExitStatus.USAGE)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(ExitStatus.USAGE)
    except AuditorError as exc:
        if verbose:
            traceback.print_exc()
        click.echo(terminal_safe(f"trailaudit: error: {exc}"), err=True)
        sys.exit(exc.exit_status)
    except KeyboardInterrupt:
        click.echo("trailaudit: interrupted", err=True)
        sys.exit(130)
    except Exception as exc:
        if verbose:
            traceback.print_exc()
        message = f"trailaudit: internal error: {type(exc).__name__}: {exc}"
        click.echo(terminal_safe(message) + " (run with -v for details)", err=True)
        sys.exit(ExitStatus.USAGE)
    sys.exit(int(result or 0))
