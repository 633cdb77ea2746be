"""``trailaudit events``: list stored events."""

from __future__ import annotations

from datetime import datetime

import click
from rich.table import Table

from auditor.cli.context import INSTANT, AppContext, pass_app
from auditor.cli.safe_text import cell, json_line
from auditor.events import Event
from auditor.store.event_store import EventQuery
from auditor.timeutil import format_instant


def event_summary(event: Event) -> dict[str, object]:
    """The JSON line printed for one event."""
    return {
        "event_id": event.event_id,
        "event_time": format_instant(event.time),
        "event_source": event.source,
        "event_name": event.name,
        "account_id": event.account_id,
        "region": event.region,
        "actor_arn": event.actor.arn,
        "actor_type": event.actor.type,
        "source_ip": event.source_ip,
        "failed": event.failed,
        "error_code": event.error_code,
        "arrival": event.arrival,
    }


@click.command()
@click.option("--since", type=INSTANT, help="Events at or after this time.")
@click.option("--until", type=INSTANT, help="Events before this time.")
@click.option("--name", "names", multiple=True, help="Event name (repeatable).")
@click.option("--actor", help="Actor ARN (a role ARN also matches its sessions).")
@click.option("--failed", is_flag=True, help="Only failed (denied or erroring) calls.")
@click.option("--limit", type=click.IntRange(min=1), help="At most this many events.")
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@pass_app
def events(
    app: AppContext,
    since: datetime | None,
    until: datetime | None,
    names: tuple[str, ...],
    actor: str | None,
    failed: bool,
    limit: int | None,
    as_json: bool,
) -> int:
    """List stored events in event-time order."""
    query = EventQuery(
        since=since,
        until=until,
        names=names,
        actor_arn=actor,
        failed=True if failed else None,
        limit=limit,
    )
    found = app.store().iter_events(query)
    if as_json:
        for event in found:
            click.echo(json_line(event_summary(event)))
        return 0
    table = Table(show_lines=False)
    for column in ("time", "event", "actor", "source ip", "result", "arrival"):
        table.add_column(column)
    for event in found:
        result = event.error_code or ("failed" if event.failed else "ok")
        table.add_row(
            format_instant(event.time),
            cell(f"{event.service}:{event.name}"),
            cell(event.actor.label),
            cell(event.source_ip),
            cell(result),
            str(event.arrival),
        )
    app.out.print(table)
    return 0
