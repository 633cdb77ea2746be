"""``trailaudit demo``: the bundled sample organization end to end, offline."""

from __future__ import annotations

from pathlib import Path

import click

from auditor.cli.context import AppContext, pass_app
from auditor.cli.safe_text import terminal_safe
from auditor.demo import DEMO_STORY
from auditor.workflow.demo import run_demo

TOP_FINDINGS = 12


@click.command()
@click.option(
    "--out", "out_dir", type=click.Path(file_okay=False, path_type=Path),
    default=Path("demo-report"), show_default=True, help="Folder for the reports (replaced).",
)  # fmt: skip
@pass_app
def demo(app: AppContext, out_dir: Path) -> int:
    """Run the bundled sample organization end to end (offline) and write every report."""
    app.say("trailaudit demo: a three-account organization over two weeks, with an intrusion")
    result = run_demo(out_dir)
    for ingest in result.ingests:
        app.say(
            f"ingested {ingest.files_read} files ({ingest.files_skipped.total()} skipped),"
            f" kept {ingest.records_kept} of {ingest.records_seen} records,"
            f" {ingest.duplicates} duplicate(s) ignored"
        )
    for label, paths in result.reports.items():
        click.echo(f"{label}:")
        for path in paths:
            click.echo(f"  {path}")
    outcome = result.intrusion_run
    if outcome is not None:
        data = outcome.data
        counts = data.stats.get("findings_by_severity", {})
        click.echo(
            "second-week nightly run: "
            + ", ".join(f"{n} {s}" for s, n in counts.items() if n)
            + f"; {len(data.changes)} IAM changes"
        )
        for finding in [f for f in data.findings if f.status != "suppressed"][:TOP_FINDINGS]:
            click.echo(terminal_safe(f"  [{finding.severity.value}] {finding.message}"))
    click.echo("the intrusion, as staged (compare with the reports):")
    for line in DEMO_STORY:
        click.echo(f"  {line}")
    return 0
