"""The HTML report in real headless Chromium: content, screenshots, and nothing executes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from reports import render_report
from tests.reports.fixtures import weekly_report
from tests.reports.test_hostile import hostile_report

ARTIFACTS = Path(__file__).resolve().parent.parent / "_artifacts"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

pytestmark = pytest.mark.browser


def _open(browser: Any, html: str, path: Path, viewport: dict[str, int]) -> tuple[Any, list[str]]:
    path.write_text(html, encoding="utf-8")
    page = browser.new_page(viewport=viewport)
    dialogs: list[str] = []

    def on_dialog(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return page, dialogs


def test_weekly_report_in_chromium(browser: Any, tmp_path: Path) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page, dialogs = _open(
        browser, render_report(weekly_report(), "html"), tmp_path / "report.html", DESKTOP
    )
    try:
        assert page.title() == "trailaudit weekly report, 2026-W47"
        assert page.locator("h1").inner_text() == "trailaudit weekly report, 2026-W47"
        assert page.locator("#week h2").inner_text() == "The week in numbers"
        summary = page.locator("#summary").inner_text()
        assert "6 (5 new, 1 recurring)" in summary
        assert page.locator("#sev-critical").inner_text().endswith("1 finding")
        assert page.locator("#sev-high").inner_text().endswith("2 findings")
        findings = page.locator("#findings").inner_text()
        assert "Policy ops-extra now grants iam:* to group ops." in findings
        assert page.locator("svg.chart").count() == 3
        assert page.locator("svg.graph").count() == 1
        assert page.locator("svg.graph").bounding_box()["height"] > 100
        assert page.locator("pre.doc span.gained").count() >= 3
        assert page.locator("script").count() == 0
        assert page.evaluate("document.scripts.length") == 0
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
        page.set_viewport_size(PHONE)
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"], "the page scrolls sideways on a phone"
        page.screenshot(path=str(ARTIFACTS / "report-phone.png"), full_page=True)
        assert dialogs == []
    finally:
        page.close()


def test_hostile_strings_stay_inert_in_chromium(browser: Any, tmp_path: Path) -> None:
    page, dialogs = _open(
        browser, render_report(hostile_report(), "html"), tmp_path / "hostile.html", DESKTOP
    )
    try:
        assert page.locator("script").count() == 0
        assert page.locator("img").count() == 0
        assert page.locator("main a").count() == 0
        assert page.locator("[onerror], [onload]").count() == 0
        text = page.locator("main").inner_text()
        assert "<script>alert(1)</script>" in text
        assert "<img src=x onerror=alert(1)>" in text
        page.mouse.click(200, 200)
        page.wait_for_timeout(200)
        assert dialogs == []
    finally:
        page.close()


def test_print_layout_renders(browser: Any, tmp_path: Path) -> None:
    page, dialogs = _open(
        browser, render_report(weekly_report(), "html"), tmp_path / "print.html", DESKTOP
    )
    try:
        page.emulate_media(media="print")
        assert page.locator("nav").is_hidden()
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF")
        assert dialogs == []
    finally:
        page.close()
