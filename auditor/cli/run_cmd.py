"""``trailaudit run`` (nightly) and ``trailaudit report`` (any window, the weekly report)."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

import click

from auditor.cli.context import INSTANT, AppContext, pass_app, require
from auditor.cli.ingest_cmd import print_summary
from auditor.cli.progress import IngestProgressView
from auditor.cli.safe_text import terminal_safe
from auditor.config import REPORT_FORMATS
from auditor.workflow.analysis import Outcome
from auditor.workflow.nightly import run_nightly
from auditor.workflow.outcome import check_error_reasons, merge_reasons
from auditor.workflow.window import build_window_report
from reports import write_reports

OUT_OPTION = click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the reports (default: [report] out_dir).",
)  # fmt: skip
FORMAT_OPTION = click.option(
    "--format",
    "formats",
    help="Comma-separated formats: html, md, json (default: [report] formats).",
)


def parse_formats(app: AppContext, text: str | None) -> tuple[str, ...]:
    """The ``--format`` list, or the configured formats."""
    if not text:
        return app.settings.report.formats
    chosen = tuple(dict.fromkeys(part.strip() for part in text.split(",") if part.strip()))
    unknown = [f for f in chosen if f not in REPORT_FORMATS]
    require(not unknown and bool(chosen), f"--format takes {', '.join(REPORT_FORMATS)}")
    return chosen


def print_outcome(
    app: AppContext, outcome: Outcome, paths: Sequence[Path], reasons: Sequence[str]
) -> None:
    """A short summary of what the analysis found and where the reports are."""
    data = outcome.data
    counts = data.stats.get("findings_by_severity", {})
    shown = ", ".join(f"{count} {severity}" for severity, count in counts.items() if count)
    app.say(
        f"{data.stats.get('events_analyzed', 0)} events analyzed, {len(data.changes)} IAM changes,"
        f" findings: {shown or 'none'}"
    )
    for path in paths:
        click.echo(terminal_safe(path))
    for entry in data.stats.get("expired_suppressions", []):
        app.say(
            f"warning: suppression of {entry['check']} on {entry['resource']} expired on"
            f" {entry['expires']} ({entry['reason']}); its findings are reported again"
        )
    for error in data.stats.get("check_errors", []):
        app.say(f"check error: {error['check_id']} on event {error['event_id']}: {error['error']}")
    for reason in reasons:
        app.say(f"exit status reason: {reason}")


def with_check_errors(outcome: Outcome) -> Outcome:
    """A report whose checks raised is incomplete (exit status 3), and says so."""
    extra = check_error_reasons(outcome.analysis.errors, retried=False)
    status, texts = merge_reasons(outcome.status, outcome.data.exit_statuses, extra)
    data = dataclasses.replace(outcome.data, exit_statuses=texts)
    return dataclasses.replace(outcome, data=data, status=status)


@click.command()
@OUT_OPTION
@FORMAT_OPTION
@click.option("--no-ingest", is_flag=True, help="Analyze what is stored; read no source.")
@pass_app
def run(app: AppContext, out_dir: Path | None, formats: str | None, no_ingest: bool) -> int:
    """Nightly: ingest the sources, analyze what arrived since the last run, write reports."""
    chosen = parse_formats(app, formats)
    target = out_dir or Path(app.settings.report.out_dir)
    with IngestProgressView(app.err, enabled=not app.quiet) as view:
        result = run_nightly(
            app.store(), app.settings, app.clock, target, chosen, view, ingest=not no_ingest
        )
    if result.ingest is not None and not app.quiet:
        print_summary(app, result.ingest, as_json=False)
    for warning in result.warnings:
        app.say(f"warning: {warning}")
    print_outcome(app, result.outcome, result.reports, result.reasons)
    return int(result.status)


@click.command()
@click.option("--since", type=INSTANT, required=True, help="Window start (inclusive).")
@click.option("--until", type=INSTANT, required=True, help="Window end (exclusive).")
@click.option(
    "--kind", type=click.Choice(["weekly", "window"]),
    help="Report layout (default: weekly for windows of six days or more).",
)  # fmt: skip
@OUT_OPTION
@FORMAT_OPTION
@pass_app
def report(
    app: AppContext,
    since: datetime,
    until: datetime,
    kind: str | None,
    out_dir: Path | None,
    formats: str | None,
) -> int:
    """Any window (the weekly report); does not move the last-run mark."""
    require(since < until, "--since must be before --until")
    chosen = parse_formats(app, formats)
    outcome = with_check_errors(
        build_window_report(app.store(), app.settings, app.clock, since, until, kind)
    )
    target = out_dir or Path(app.settings.report.out_dir)
    template = Path(app.settings.report.template_dir) if app.settings.report.template_dir else None
    paths = write_reports(outcome.data, target, chosen, template)
    print_outcome(app, outcome, paths, outcome.data.exit_statuses)
    return int(outcome.status)
