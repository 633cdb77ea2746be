"""Report renderers: HTML, Markdown and JSON from one ``ReportData``.

Pure functions of their input: no clock, no network, byte-identical output for equal data.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from auditor.errors import PublishError
from auditor.private_files import (
    make_private_folders,
    plan_staging,
    publish_staged,
    stage_files,
)
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
    "render_reports",
    "report_paths",
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


def render_reports(
    data: ReportData, formats: Sequence[str], template_dir: Path | None = None
) -> dict[str, bytes]:
    """Every format's bytes, by format (a bad format raises before anything is written)."""
    return {
        fmt: render_report(data, fmt, template_dir).encode("utf-8")
        for fmt in dict.fromkeys(formats)
    }


def report_paths(out_dir: Path, formats: Sequence[str], stem: str = "report") -> list[Path]:
    """Where each format's report goes: ``<out_dir>/<stem>.<format>``."""
    return [out_dir / f"{stem}.{fmt}" for fmt in dict.fromkeys(formats)]


def write_reports(
    data: ReportData,
    out_dir: Path,
    formats: Sequence[str],
    template_dir: Path | None = None,
    stem: str = "report",
) -> list[Path]:
    """Write one file per format (``report.html``, ``report.md``, ``report.json``) into ``out_dir``.

    Every report is rendered, then written to a new owner-only temporary file (never
    through an existing path) and fsynced; only when all are written are they renamed
    into place. A failure (a bad format, a full disk) leaves the reports already there
    as they were and raises ``PublishError``.
    """
    texts = render_reports(data, formats, template_dir)
    paths = report_paths(out_dir, formats, stem)
    try:
        make_private_folders(out_dir)
        staged = plan_staging(paths)
        stage_files(staged, list(texts.values()))
        publish_staged(staged)
    except OSError as exc:
        raise PublishError(
            f"cannot write the reports in {out_dir}: {exc.strerror or exc};"
            " the reports already there were left as they were"
        ) from exc
    return paths
