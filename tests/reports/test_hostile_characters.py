"""Control, bidi, invisible and line-breaking characters from the logs in every report format.

Each log-derived field of a report holds every hostile class at once. No format may carry
one raw; HTML and Markdown show them as escapes on one line; JSON keeps the exact strings.
"""

from __future__ import annotations

import json
import re
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from auditor.findings import ActorInfo, Change, Finding, Severity
from auditor.store.event_store import InputProblem
from reports import render_report
from reports.filters import md_escape
from reports.model import AssumptionSummary, ReportData, SignInSummary, TrendPoint
from tests.reports.fixtures import ACCOUNT, T0, rich_report
from tests.reports.hostile_text import (
    EVERYTHING,
    WITH_SURROGATES,
    forged_lines,
    raw_unsafe,
)
from tests.reports.safety import HTML_TAGS, MARKDOWN_TAGS, audit_html, markdown_to_html

HUGE_AGENT = "aws-cli/2.15.0 " + "A" * 100_000
DOCUMENT: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": WITH_SURROGATES,
            "Effect": "Allow",
            "Action": ["iam:*", WITH_SURROGATES],
            "Resource": WITH_SURROGATES,
            "Condition": {"StringEquals": {WITH_SURROGATES: WITH_SURROGATES}},
        }
    ],
}
ACTOR = ActorInfo(
    arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/{EVERYTHING}",
    type=WITH_SURROGATES,
    session_name=WITH_SURROGATES,
    source_ip=WITH_SURROGATES,
    country=WITH_SURROGATES,
    user_agent=WITH_SURROGATES,
)


def hostile_characters_report() -> ReportData:
    """A weekly report whose every log-derived field holds every hostile character class."""
    findings = tuple(
        Finding(
            check_id=f"check-{index}-{EVERYTHING}",
            category="admin-access-granted",
            severity=severity,
            title=WITH_SURROGATES,
            message=WITH_SURROGATES,
            time=T0,
            account_id=ACCOUNT,
            region=WITH_SURROGATES,
            actor=replace(ACTOR, user_agent=HUGE_AGENT) if index == 4 else ACTOR,
            resource=f"arn:aws:iam::{ACCOUNT}:user/{EVERYTHING}-{index}",
            event_ids=(f"ev-{index}-{EVERYTHING}",),
            details={
                "policy_before": DOCUMENT,
                "policy_after": DOCUMENT,
                "actions_gained": [WITH_SURROGATES],
                "principals_gained": [WITH_SURROGATES],
                "error_message": WITH_SURROGATES,
                WITH_SURROGATES: [WITH_SURROGATES],
            },
            status="suppressed" if index == 5 else "new",
        )
        for index, severity in enumerate([*Severity, Severity.HIGH])
    )
    role = f"arn:aws:iam::{ACCOUNT}:role/{EVERYTHING}"
    changes = (
        Change(
            "modified",
            "role",
            role,
            T0,
            (f"ev-{EVERYTHING}",),
            ACTOR,
            {"policy_after": DOCUMENT, "principals_gained": [WITH_SURROGATES]},
        ),
        Change(
            "added",
            "user",
            f"arn:aws:iam::{ACCOUNT}:user/{EVERYTHING}",
            T0,
            (f"ev-{EVERYTHING}",),
            ACTOR,
            {"policies_attached": [f"arn:aws:iam::{ACCOUNT}:policy/{EVERYTHING}"]},
        ),
    )
    return replace(
        rich_report("weekly"),
        title=WITH_SURROGATES,
        findings=findings,
        changes=changes,
        input_problems=(
            InputProblem(f"s3://trail/{WITH_SURROGATES}.json.gz", None, WITH_SURROGATES, "x"),
            InputProblem(WITH_SURROGATES, 7, WITH_SURROGATES, WITH_SURROGATES),
        ),
        sign_ins=(
            SignInSummary(
                WITH_SURROGATES, ACCOUNT, 1, 2, 1, (WITH_SURROGATES,), (WITH_SURROGATES,)
            ),
        ),
        assumptions=(AssumptionSummary(WITH_SURROGATES, role, 3, T0, T0, True),),
        trends=(
            TrendPoint(WITH_SURROGATES, {"high": 2, WITH_SURROGATES: 3}),
            TrendPoint("2026-W47", {"high": 1, "critical": 1}),
        ),
        headline={WITH_SURROGATES: 4, "new_admin_principals": 1},
        stats={WITH_SURROGATES: WITH_SURROGATES, "events_analyzed": 3},
        action_data_source=WITH_SURROGATES,
        exit_statuses=(WITH_SURROGATES,),
    )


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    data = hostile_characters_report()
    return {fmt: render_report(data, fmt) for fmt in ("html", "md", "json")}


@pytest.mark.parametrize("fmt", ["html", "md", "json"])
def test_no_unsafe_character_reaches_the_report_raw(rendered: dict[str, str], fmt: str) -> None:
    assert raw_unsafe(rendered[fmt]) == []
    rendered[fmt].encode("utf-8")  # lone surrogates would make the file unwritable


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_values_stay_on_their_line_and_show_their_escapes(
    rendered: dict[str, str], fmt: str
) -> None:
    text = rendered[fmt]
    assert forged_lines(text) == []
    for escape in ("\\x1b[31m", "\\u202e", "\\x07", "\\x00", "\\x9b", "\\u2028", "\\ud800"):
        assert escape in text, escape
    assert "\\r\\n" in text and "\\U000e0041" in text


def test_json_keeps_every_string_exactly(rendered: dict[str, str]) -> None:
    report = json.loads(rendered["json"])
    first = report["findings"][0]
    assert first["message"] == WITH_SURROGATES
    assert first["actor"]["user_agent"] in (WITH_SURROGATES, HUGE_AGENT)
    assert first["details"]["policy_after"] == DOCUMENT
    assert first["details"]["error_message"] == WITH_SURROGATES
    assert first["actor"]["session_name"] == WITH_SURROGATES
    assert first["actor"]["source_ip"] == WITH_SURROGATES
    assert report["title"] == WITH_SURROGATES
    assert {p["reason"] for p in report["input_problems"]} == {WITH_SURROGATES}
    assert HUGE_AGENT in {f["actor"]["user_agent"] for f in report["findings"]}


@pytest.mark.parametrize("fmt", ["html", "md"])
def test_a_huge_user_agent_is_cut_with_a_note(rendered: dict[str, str], fmt: str) -> None:
    text = rendered[fmt]
    assert "A" * 5000 not in text
    assert "A" * 1000 in text
    assert re.search(r"… \(9\d,\d{3} more characters\)", text)


def test_markdown_tables_keep_their_columns_and_markup_stays_text(
    rendered: dict[str, str],
) -> None:
    html = markdown_to_html(rendered["md"])
    assert audit_html(html, MARKDOWN_TAGS) == []
    assert "<a " not in html and "<img" not in html and "<script" not in html
    tables = html.split("<table>")[1:]
    assert len(tables) >= 8
    for table in tables:
        body = table.split("</table>")[0]
        header = len(re.findall(r"<th[ >]", body.split("</thead>")[0]))
        for row in body.split("<tbody>")[-1].split("<tr>")[1:]:
            assert len(re.findall(r"<td[ >]", row)) == header, row


def test_html_is_inert(rendered: dict[str, str]) -> None:
    assert audit_html(rendered["html"], HTML_TAGS) == []
    assert "<script" not in rendered["html"] and "<img" not in rendered["html"]


def test_rendering_is_deterministic() -> None:
    data = hostile_characters_report()
    for fmt in ("html", "md", "json"):
        assert render_report(data, fmt) == render_report(data, fmt)


@pytest.mark.browser
def test_no_script_runs_in_chromium(browser: Any, tmp_path: Path, rendered: dict[str, str]) -> None:
    path = tmp_path / "hostile.html"
    path.write_text(rendered["html"], encoding="utf-8")
    page = browser.new_page()
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(path.as_uri())
        page.wait_for_load_state("load")
        page.mouse.click(300, 300)
        page.wait_for_timeout(300)
        assert page.evaluate("typeof window.pwned") == "undefined"
        assert page.evaluate("document.scripts.length") == 0
        assert page.locator("img").count() == 0
        assert page.locator("[onerror], [onload], [onclick]").count() == 0
        assert page.locator("main a").count() == 0
        assert raw_unsafe(page.evaluate("document.documentElement.textContent")) == []
        text = page.locator("body").inner_text()
        assert "\\u202eRLO" in text and "<script>window.pwned=2</script>" in text
        assert dialogs == [] and errors == []
    finally:
        page.close()


def test_markdown_hashes_are_literal_text() -> None:
    assert md_escape("see #12 and GH-3 ##") == "see \\#12 and GH-3 \\#\\#"
    assert markdown_to_html(f"#### {md_escape('evil ##')}\n") == "<h4>evil ##</h4>\n"
