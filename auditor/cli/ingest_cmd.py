"""``trailaudit ingest``: load CloudTrail files into the store."""

from __future__ import annotations

from datetime import datetime, timedelta

import click
import orjson
from rich.table import Table

from auditor.cli.context import INSTANT, AppContext, pass_app
from auditor.cli.progress import IngestProgressView
from auditor.cli.safe_text import cell, json_line, terminal_safe
from auditor.config import SourceSettings
from auditor.ingest.pipeline import IngestSummary, ingest_files
from auditor.sources.layout import Window
from auditor.sources.resolve import list_all, sources_for_targets

MAX_PROBLEM_LINES = 200  # a trail of broken records must not flood the terminal


def summary_table(summary: IngestSummary) -> Table:
    """The end-of-ingest table: files, records, duplicates and problems."""
    table = Table(title="ingest summary", show_header=False)
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("files read", f"{summary.files_read:,}")
    for reason, count in sorted(summary.files_skipped.items()):
        table.add_row(cell(f"files skipped: {reason}"), f"{count:,}")
    table.add_row("MB read", f"{summary.bytes_read / 1e6:,.1f}")
    table.add_row("records seen", f"{summary.records_seen:,}")
    table.add_row("records kept", f"{summary.records_kept:,}")
    table.add_row("new events stored", f"{summary.new_events:,}")
    table.add_row("duplicates ignored", f"{summary.duplicates:,}")
    table.add_row("input problems", f"{len(summary.problems):,}")
    table.add_row("seconds", f"{summary.seconds:.2f}")
    return table


def print_summary(app: AppContext, summary: IngestSummary, as_json: bool) -> None:
    """Print the summary as a table (with each problem) or as JSON."""
    if as_json:
        click.echo(json_line(summary.to_dict(), orjson.OPT_INDENT_2))
        return
    app.out.print(summary_table(summary))
    for problem in summary.problems[:MAX_PROBLEM_LINES]:
        where = problem.location
        if problem.record_index is not None:
            where += f" [record {problem.record_index}]"
        line = terminal_safe(f"problem: {where}: {problem.reason}")
        app.err.print(line, highlight=False, markup=False)
    hidden = len(summary.problems) - MAX_PROBLEM_LINES
    if hidden > 0:
        app.err.print(
            f"problem: {hidden:,} more; --json and the reports list every one", highlight=False
        )


@click.command()
@click.argument("targets", nargs=-1, required=True)
@click.option("--since", type=INSTANT, help="Skip files delivered before this time.")
@click.option("--until", type=INSTANT, help="Skip files delivered well after this time.")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_app
def ingest(
    app: AppContext,
    targets: tuple[str, ...],
    since: datetime | None,
    until: datetime | None,
    as_json: bool,
) -> int:
    """Load CloudTrail files (paths, folders or s3://BUCKET/PREFIX); idempotent."""
    settings = app.settings
    template = next((s for s in settings.sources if s.kind == "s3"), SourceSettings(kind="s3"))
    margin = timedelta(hours=settings.ingest.delivery_margin_hours)
    window = Window(since, until, margin)
    listing = list_all(sources_for_targets(targets, template), window)
    with IngestProgressView(app.err, enabled=not app.quiet and not as_json) as view:
        remote = template.max_concurrency if any(t.startswith("s3://") for t in targets) else 0
        summary = ingest_files(listing, app.store(), settings.ingest, view, remote)
    print_summary(app, summary, as_json)
    return int(summary.exit_status)
