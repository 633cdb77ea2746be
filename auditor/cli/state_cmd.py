"""``trailaudit drift|diff|graph``: the IAM state compared, changed and drawn."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
import orjson
from rich.table import Table

from auditor.cli.baseline_cmd import captured_at, read_baseline_files
from auditor.cli.context import INSTANT, AppContext, pass_app, require
from auditor.cli.safe_text import cell, json_line
from auditor.findings import Change
from auditor.iam.baseline import read_authorization_details
from auditor.iam.drift import compute_drift
from auditor.iam.graph import GRAPH_FORMATS, render_graph
from auditor.iam.history import state_at
from auditor.timeutil import format_instant
from auditor.workflow.diff_report import build_diff_report
from reports import write_reports

DIFF_SCHEMA_VERSION = 1
DIFF_FORMATS = ("json", "md", "html")


def changes_document(changes: list[Change], since: datetime, until: datetime) -> dict[str, Any]:
    """The JSON document of a diff: window and changes."""
    return {
        "schema_version": DIFF_SCHEMA_VERSION,
        "window": {"since": format_instant(since), "until": format_instant(until)},
        "changes": [change.to_dict() for change in changes],
    }


def _summary(change: Change) -> str:
    details = change.details
    parts = [
        f"{key.split('_')[1]} {details[key]} actions"
        for key in ("actions_gained_count", "actions_lost_count")
        if details.get(key)
    ]
    for key in ("principals_gained", "principals_lost"):
        if details.get(key):
            names = ", ".join(f"{p['principal']} ({p['kind']})" for p in details[key])
            parts.append(f"{key.split('_')[1]} {names}")
    parts.extend(flag for flag in ("transient", "unattributed", "recreated") if details.get(flag))
    return "; ".join(parts)


def changes_table(changes: list[Change], title: str) -> Table:
    """One row per change: time, kind, entity, ARN, actor, summary."""
    table = Table(title=title)
    for column in ("time", "kind", "entity", "arn", "actor", "what"):
        table.add_column(column, overflow="fold")
    for change in changes:
        table.add_row(
            format_instant(change.time),
            cell(change.kind),
            cell(change.entity),
            cell(change.arn),
            cell(change.actor.arn),
            cell(_summary(change)),
        )
    return table


def _formats(value: str) -> tuple[str, ...]:
    formats = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = [fmt for fmt in formats if fmt not in DIFF_FORMATS]
    require(not unknown, f"--format: unknown format(s) {', '.join(unknown)}; use json, md, html")
    return formats


@click.command()
@click.option("--from", "t_from", type=INSTANT, required=True, help="Start instant.")
@click.option("--to", "t_to", type=INSTANT, required=True, help="End instant.")
@click.option("--format", "formats", default="json,md,html", show_default=True, help="json,md,html")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Write reports here.")
@click.option("--json", "as_json", is_flag=True, help="Print the changes as JSON.")
@pass_app
def diff(
    app: AppContext,
    t_from: datetime,
    t_to: datetime,
    formats: str,
    out: Path | None,
    as_json: bool,
) -> int:
    """IAM entities added, removed and modified between two instants, and by whom."""
    require(t_from <= t_to, "--from must not be after --to")
    wanted = _formats(formats)
    data = build_diff_report(app.store(), app.settings, app.clock, t_from, t_to)
    changes = list(data.changes)
    if out is not None:
        template = app.settings.report.template_dir
        for path in write_reports(data, out, wanted, Path(template) if template else None):
            app.say(str(path))
    if as_json:
        document = changes_document(changes, t_from, t_to)
        click.echo(json_line(document, orjson.OPT_INDENT_2))
    elif out is None:
        title = f"IAM changes {format_instant(t_from)} → {format_instant(t_to)}"
        app.out.print(changes_table(changes, title))
    return 0


@click.command()
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--at", "at", type=INSTANT, help="The snapshot's instant (else its captured_at).")
@click.option("--json", "as_json", is_flag=True, help="Print the differences as JSON.")
@pass_app
def drift(app: AppContext, files: tuple[Path, ...], at: datetime | None, as_json: bool) -> int:
    """Replayed state vs a newer snapshot: what the trail did not deliver."""
    moment = at or captured_at(files)
    require(moment is not None, "drift: give --at (the file has no captured_at)")
    assert moment is not None
    snapshot = read_authorization_details(read_baseline_files(files), moment)
    replayed = state_at(app.store(), moment)
    organization = app.settings.organization
    changes = compute_drift(
        replayed, snapshot, frozenset(organization.accounts), organization.known_accounts
    )
    if as_json:
        document = changes_document(changes, moment, moment)
        click.echo(json_line(document, orjson.OPT_INDENT_2))
    else:
        app.out.print(changes_table(changes, f"drift at {format_instant(moment)}"))
        app.say(f"{len(changes)} difference(s) the trail does not explain")
    return 0


@click.command()
@click.option("--at", "at", type=INSTANT, required=True, help="The instant to draw.")
@click.option(
    "--format", "fmt", type=click.Choice(GRAPH_FORMATS), default="json", show_default=True
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), help="Write to this file.")
@pass_app
def graph(app: AppContext, at: datetime, fmt: str, out: Path | None) -> int:
    """The IAM graph at an instant: principals, groups, policies, trust, observed use."""
    state = state_at(app.store(), at)
    text = render_graph(state, fmt, frozenset(app.settings.organization.accounts))
    if out is not None:
        out.write_text(text, encoding="utf-8")
    else:
        click.echo(text, nl=False)
    return 0
