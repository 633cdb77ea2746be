"""The JSON report: the contract of DESIGN.md, versioned by ``schema_version``."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from importlib import resources
from pathlib import Path
from typing import Any

import orjson

from auditor.safe_json import dumps
from auditor.store.event_store import InputProblem
from auditor.timeutil import format_instant
from reports.context import problem_key
from reports.model import AssumptionSummary, ReportData, SignInSummary, TrendPoint

SCHEMA_VERSION = "1.0"
OPTIONS = orjson.OPT_SORT_KEYS | orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS
OPTIONS |= orjson.OPT_PASSTHROUGH_DATETIME


def _default(value: Any) -> Any:
    """JSON for what orjson does not encode itself: instants, sets, enums, paths."""
    if isinstance(value, datetime):
        return format_instant(value)
    if isinstance(value, set | frozenset):
        return sorted(value, key=str)
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot encode {type(value).__name__} in a report")


def _instant(moment: datetime | None) -> str | None:
    return format_instant(moment) if moment is not None else None


def problem_dict(problem: InputProblem) -> dict[str, Any]:
    """The JSON form of an input problem."""
    return {
        "location": problem.location,
        "record_index": problem.record_index,
        "reason": problem.reason,
        "detected_at": problem.detected_at,
    }


def sign_in_dict(item: SignInSummary) -> dict[str, Any]:
    """The JSON form of a sign-in summary (countries and addresses sorted)."""
    return {
        "principal": item.principal,
        "account_id": item.account_id,
        "successes": item.successes,
        "failures": item.failures,
        "without_mfa": item.without_mfa,
        "countries": sorted(item.countries),
        "source_ips": sorted(item.source_ips),
    }


def assumption_dict(item: AssumptionSummary) -> dict[str, Any]:
    """The JSON form of a role-assumption summary."""
    return {
        "caller": item.caller,
        "role_arn": item.role_arn,
        "count": item.count,
        "first": format_instant(item.first),
        "last": format_instant(item.last),
        "cross_account": item.cross_account,
    }


def trend_dict(point: TrendPoint) -> dict[str, Any]:
    """The JSON form of one trend point."""
    return {"label": point.label, "counts": dict(point.counts)}


def report_dict(data: ReportData) -> dict[str, Any]:
    """The report as plain JSON data, every list sorted."""
    return {
        "schema_version": SCHEMA_VERSION,
        "kind": data.kind,
        "title": data.title,
        "generated_at": format_instant(data.generated_at),
        "window": {"since": _instant(data.window.since), "until": _instant(data.window.until)},
        "findings": [f.to_dict() for f in sorted(data.findings, key=lambda f: f.sort_key)],
        "changes": [c.to_dict() for c in sorted(data.changes, key=lambda c: c.sort_key)],
        "input_problems": [problem_dict(p) for p in sorted(data.input_problems, key=problem_key)],
        "stats": dict(data.stats),
        "headline": dict(data.headline),
        "trends": [trend_dict(p) for p in sorted(data.trends, key=lambda p: p.label)],
        "sign_ins": [
            sign_in_dict(s)
            for s in sorted(data.sign_ins, key=lambda s: (s.account_id, s.principal))
        ],
        "assumptions": [
            assumption_dict(a)
            for a in sorted(data.assumptions, key=lambda a: (a.role_arn, a.caller, a.first))
        ],
        "action_data_source": data.action_data_source,
        "exit_statuses": list(data.exit_statuses),
    }


def render_json(data: ReportData) -> str:
    """The JSON report text: sorted keys, two-space indent, trailing newline.

    Every string is exactly the one in the data; control, bidi and invisible characters are
    written as ``\\u`` escapes, never raw.
    """
    return dumps(report_dict(data), option=OPTIONS, default=_default) + "\n"


def load_schema() -> dict[str, Any]:
    """The JSON Schema of the report (``reports/schema/report.schema.json``)."""
    text = resources.files("reports").joinpath("schema/report.schema.json").read_text("utf-8")
    schema: dict[str, Any] = orjson.loads(text)
    return schema
