"""The command-line reference (``docs/cli.md``), generated from the click commands themselves.

Regenerate with ``python -m auditor.cli.reference > docs/cli.md``; a test keeps it current.
"""

from __future__ import annotations

import click

from auditor.cli.main import cli

WIDTH = 100
HEADER = """# Command-line reference

Generated from the commands' own help (`python -m auditor.cli.reference > docs/cli.md`); a test
keeps it current. What each command does in depth: [usage.md](usage.md). Exit statuses:
[the README](../README.md#exit-status).
"""


def _commands(
    command: click.Command, context: click.Context
) -> list[tuple[str, click.Command, click.Context]]:
    found = [(context.command_path, command, context)]
    if isinstance(command, click.Group):
        for name in command.list_commands(context):
            child = command.get_command(context, name)
            if child is not None:
                sub = click.Context(child, info_name=name, parent=context, terminal_width=WIDTH)
                sub.max_content_width = WIDTH
                found += _commands(child, sub)
    return found


def render_cli_reference() -> str:
    """Markdown: every command's help text, in the documented order."""
    root = click.Context(cli, info_name="trailaudit", terminal_width=WIDTH)
    root.max_content_width = WIDTH
    parts = [HEADER]
    for path, command, context in _commands(cli, root):
        parts.append(f"\n## `{path}`\n\n```text\n{command.get_help(context).rstrip()}\n```\n")
    return "".join(parts)


if __name__ == "__main__":  # pragma: no cover - the documented regeneration command
    click.echo(render_cli_reference(), nl=False)
