"""``trailaudit baseline import|fetch``: store the IAM state of an instant."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import click
import orjson
from rich.table import Table

from auditor.cli.context import INSTANT, AppContext, pass_app
from auditor.cli.safe_text import cell, json_line
from auditor.iam.baseline import Baseline, BaselineError, read_authorization_details, read_pages
from auditor.iam.fetch import fetch_authorization_details, iam_client
from auditor.iam.history import import_baseline
from auditor.iam.state import FAMILIES
from auditor.timeutil import format_instant, parse_instant


def read_baseline_files(paths: tuple[Path, ...]) -> list[dict[str, Any]]:
    """Every page of every file (a page, a list of pages, or ``{"pages": [...]}``)."""
    pages: list[dict[str, Any]] = []
    for path in paths:
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError) as exc:
            raise BaselineError(f"{path}: cannot read: {exc}") from None
        pages.extend(dict(page) for page in read_pages(data))
    return pages


def captured_at(paths: tuple[Path, ...]) -> datetime | None:
    """The ``captured_at`` that ``baseline fetch --save`` writes, when a file has one."""
    for path in paths:
        try:
            data = orjson.loads(path.read_bytes())
        except (OSError, orjson.JSONDecodeError):
            continue
        if isinstance(data, dict) and isinstance(data.get("captured_at"), str):
            return parse_instant(data["captured_at"])
    return None


def baseline_summary(baseline: Baseline, ids: list[int]) -> dict[str, Any]:
    """What was stored: accounts, instant, counts per family and row ids."""
    return {
        "at": format_instant(baseline.at),
        "accounts": sorted(baseline.accounts),
        "covers": sorted(baseline.covers),
        "counts": {family: len(baseline.state.table(family)) for family in FAMILIES},
        "baseline_ids": ids,
    }


def _print(app: AppContext, summary: dict[str, Any], as_json: bool) -> None:
    if as_json:
        click.echo(json_line(summary, orjson.OPT_INDENT_2))
        return
    table = Table(title=f"baseline at {summary['at']}", show_header=False)
    table.add_column("what")
    table.add_column("value", justify="right")
    table.add_row("accounts", cell(", ".join(summary["accounts"])))
    for family, count in summary["counts"].items():
        if family in summary["covers"] or count:
            table.add_row(family, f"{count:,}")
    app.out.print(table)


@click.group()
def baseline() -> None:
    """Store the IAM state of an instant (the starting point of replay)."""


@baseline.command("import")
@click.argument(
    "files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path)
)
@click.option("--at", "at", type=INSTANT, required=True, help="The instant the files describe.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def import_command(app: AppContext, files: tuple[Path, ...], at: datetime, as_json: bool) -> int:
    """Load GetAccountAuthorizationDetails JSON (CLI or raw API shape, one or more pages)."""
    result = read_authorization_details(read_baseline_files(files), at)
    ids = import_baseline(app.store(), result, ", ".join(str(path) for path in files))
    _print(app, baseline_summary(result, ids), as_json)
    return 0


@baseline.command("fetch")
@click.option("--profile", help="AWS profile (default: the standard credential chain).")
@click.option("--at", "at", type=INSTANT, help="The instant to record (default: now).")
@click.option(
    "--save",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Also write the fetched pages to this file.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def fetch_command(
    app: AppContext, profile: str | None, at: datetime | None, save: Path | None, as_json: bool
) -> int:
    """Read GetAccountAuthorizationDetails live through boto3 and store it."""
    moment = at or app.clock()
    pages = fetch_authorization_details(iam_client(profile))
    if save is not None:
        document = {"captured_at": format_instant(moment), "pages": pages}
        save.write_bytes(orjson.dumps(document, option=orjson.OPT_INDENT_2))
    result = read_authorization_details(pages, moment)
    source = f"fetch{' --profile ' + profile if profile else ''}"
    ids = import_baseline(app.store(), result, source)
    _print(app, baseline_summary(result, ids), as_json)
    return 0
