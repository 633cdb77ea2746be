"""Attacker-controlled strings (user agents, session names, documents, errors) stay inert."""

from __future__ import annotations

import re
from dataclasses import replace

from auditor.findings import ActorInfo, Change, Finding, Severity
from auditor.store.event_store import InputProblem
from reports import render_report
from reports.model import ReportData, SignInSummary
from tests.reports.fixtures import ACCOUNT, GENERATED, T0, rich_report
from tests.reports.safety import HTML_TAGS, MARKDOWN_TAGS, audit_html, markdown_to_html

PAYLOADS = (
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "javascript:alert(1)",
    "[x](javascript:alert(1))",
    "![y](javascript:alert(2))",
    "<a href='javascript:alert(3)'>click</a>",
    "| a | b | ``` `tick` ``",
    "*bold* _under_ ~~strike~~ \n# heading\n- item",
    "https://evil.example/phish www.evil.example mail@evil.example",
    "&lt;script&gt;alert(4)&lt;/script&gt;",
    '"><svg onload=alert(5)>',
)


def hostile_report() -> ReportData:
    """Every log-derived field of the report filled with every payload."""
    joined = " ".join(PAYLOADS)
    actor = ActorInfo(
        arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/x/{joined}",
        type=joined,
        session_name=joined,
        source_ip=PAYLOADS[2],
        country=PAYLOADS[1],
        user_agent=joined,
    )
    document = {"Statement": [{"Action": list(PAYLOADS), "Resource": joined, joined: PAYLOADS[0]}]}
    findings = tuple(
        Finding(
            check_id=f"check-{index}",
            category="iam-change",
            severity=list(Severity)[index % 5],
            title=payload,
            message=payload,
            time=T0,
            account_id=ACCOUNT,
            region=payload,
            actor=actor,
            resource=payload,
            event_ids=(payload,),
            details={
                "policy_after": document,
                "actions_gained": list(PAYLOADS),
                "principals_gained": [payload],
                payload: payload,
            },
            status="suppressed" if index == 3 else "new",
        )
        for index, payload in enumerate(PAYLOADS)
    )
    changes = tuple(
        Change("modified", "role", payload, T0, (payload,), actor, {"policy_after": document})
        for payload in PAYLOADS
    )
    return replace(
        rich_report("weekly"),
        title=joined,
        findings=findings,
        changes=changes,
        input_problems=tuple(InputProblem(p, None, p, p) for p in PAYLOADS),
        sign_ins=(SignInSummary(joined, joined, 1, 1, 1, PAYLOADS, PAYLOADS),),
        stats={joined: joined},
        headline={joined: 1},
        action_data_source=joined,
        exit_statuses=PAYLOADS,
        generated_at=GENERATED,
    )


def test_html_has_only_expected_tags_and_no_links() -> None:
    html = render_report(hostile_report(), "html")
    assert audit_html(html, HTML_TAGS) == []
    assert "<script" not in html.lower()
    assert "<img" not in html.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_html_escapes_quotes_in_attributes() -> None:
    html = render_report(hostile_report(), "html")
    assert '"><svg onload' not in html
    assert "&#34;&gt;&lt;svg onload=alert(5)&gt;" in html


def test_markdown_renders_to_inert_html() -> None:
    markdown = render_report(hostile_report(), "md")
    rendered = markdown_to_html(markdown)
    assert audit_html(rendered, MARKDOWN_TAGS) == []
    assert "<a " not in rendered
    assert "<script" not in rendered.lower()


def test_markdown_tables_keep_their_columns() -> None:
    markdown = render_report(hostile_report(), "md")
    rendered = markdown_to_html(markdown)
    for table in rendered.split("<table>")[1:]:
        body = table.split("</table>")[0]
        header = len(re.findall(r"<th[ >]", body.split("</thead>")[0]))
        for row in body.split("<tbody>")[-1].split("<tr>")[1:]:
            assert len(re.findall(r"<td[ >]", row)) == header, row


def test_markdown_has_no_headings_or_lists_from_data() -> None:
    rendered = markdown_to_html(render_report(hostile_report(), "md"))
    assert "<h1>heading" not in rendered
    assert "<li>item" not in rendered
    assert "<strong>bold" not in rendered
    assert "<del>" not in rendered
