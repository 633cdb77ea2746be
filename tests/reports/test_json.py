"""The JSON report: its schema, ordering and encoding."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import jsonschema
import orjson

from auditor.findings import CATEGORIES, CHANGE_KINDS
from reports import render_report
from reports.json_report import SCHEMA_VERSION, load_schema
from reports.model import Window
from tests.reports.fixtures import big_report, rich_report, weekly_report


def validate(text: str) -> dict[str, object]:
    document: dict[str, object] = orjson.loads(text)
    jsonschema.validate(document, load_schema(), cls=jsonschema.Draft202012Validator)
    return document


def test_schema_is_valid_and_matches_the_vocabulary() -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["properties"]["schema_version"]["const"] == SCHEMA_VERSION
    assert schema["$defs"]["finding"]["properties"]["category"]["enum"] == list(CATEGORIES)
    assert schema["$defs"]["change"]["properties"]["kind"]["enum"] == list(CHANGE_KINDS)


def test_reports_validate_against_the_schema() -> None:
    for data in (rich_report(), weekly_report(), big_report(200, 100)):
        validate(render_report(data, "json"))


def test_open_window_and_empty_report_validate() -> None:
    empty = replace(
        rich_report(),
        window=Window(None, None),
        findings=(),
        changes=(),
        input_problems=(),
        sign_ins=(),
        assumptions=(),
        stats={},
        exit_statuses=(),
    )
    document = validate(render_report(empty, "json"))
    assert document["window"] == {"since": None, "until": None}
    assert document["findings"] == []


def test_layout_sorting_and_trailing_newline() -> None:
    text = render_report(rich_report(), "json")
    assert text.endswith("}\n")
    assert text.startswith('{\n  "action_data_source"')
    document = orjson.loads(text)
    severities = [finding["severity"] for finding in document["findings"]]
    ranks = ["info", "low", "medium", "high", "critical"]
    assert [ranks.index(s) for s in severities] == sorted(
        (ranks.index(s) for s in severities), reverse=True
    )
    keys = [(c["entity"], c["arn"]) for c in document["changes"]]
    assert keys == sorted(keys)
    assert [p["location"] for p in document["input_problems"]] == sorted(
        p["location"] for p in document["input_problems"]
    )
    suppressed = [f for f in document["findings"] if f["status"] == "suppressed"]
    assert len(suppressed) == 1


def test_stats_with_instants_and_sets_encode() -> None:
    data = replace(
        rich_report(),
        stats={"last_run": datetime(2026, 1, 2, tzinfo=UTC), "checks": {"b", "a"}},
    )
    document = validate(render_report(data, "json"))
    assert document["stats"] == {"checks": ["a", "b"], "last_run": "2026-01-02T00:00:00Z"}
