"""Report renderers: HTML, Markdown and JSON from one ``ReportData``.

Pure functions of their input: no clock, no network, byte-identical output for equal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from reports.html import render_html
from reports.json_report import render_json
from reports.markdown import render_markdown
from reports.model import (
    AssumptionSummary,
    ReportData,
    SignInSummary,
    TrendPoint,
    Window,
)

FORMATS = ("html", "md", "json")
__all__ = [
    "FORMATS",
    "AssumptionSummary",
    "ReportData",
    "SignInSummary",
    "TrendPoint",
    "Window",
    "render_report",
    "write_reports",
]


def render_report(data: ReportData, fmt: str, template_dir: Path | None = None) -> str:
    """Render ``data`` in ``fmt`` (one of :data:`FORMATS`); user templates override by name."""
    if fmt == "json":
        return render_json(data)
    if fmt == "html":
        return render_html(data, template_dir)
    if fmt == "md":
        return render_markdown(data, template_dir)
    raise ValueError(f"unknown report format {fmt!r}; expected one of {', '.join(FORMATS)}")


def write_reports(
    data: ReportData,
    out_dir: Path,
    formats: Sequence[str],
    template_dir: Path | None = None,
    stem: str = "report",
) -> list[Path]:
    """Write one file per format (``report.html``, ``report.md``, ``report.json``) into ``out_dir``.

    All formats are rendered before any file is written, so a bad format writes nothing.
    """
    texts = {fmt: render_report(data, fmt, template_dir) for fmt in dict.fromkeys(formats)}
    out_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for fmt, text in texts.items():
        path = out_dir / f"{stem}.{fmt}"
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(text, encoding="utf-8", newline="\n")
        temporary.replace(path)
        paths.append(path)
    return paths
