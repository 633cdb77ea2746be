"""The Jinja2 environments: packaged templates, overridable by a user folder, by file name."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from jinja2 import (
    BaseLoader,
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    StrictUndefined,
    select_autoescape,
)

from auditor.timeutil import format_instant
from reports.filters import md_block, md_cell_code, md_code, md_diff, md_escape, md_finalize
from reports.graph_svg import short_name
from reports.shown import html_finalize


def _loader(template_dir: Path | None) -> BaseLoader:
    packaged = PackageLoader("reports", "templates")
    if template_dir is None:
        return packaged
    if not template_dir.is_dir():
        raise ValueError(f"template_dir {str(template_dir)!r} is not a folder")
    return ChoiceLoader([FileSystemLoader(str(template_dir)), packaged])


@lru_cache(maxsize=16)
def environment(fmt: str, template_dir: Path | None = None) -> Environment:
    """The environment for ``html`` or ``md``; every ``{{ ... }}`` output is made inert.

    HTML: autoescaped, and :func:`~reports.shown.html_finalize` caps each value and shows
    its control and invisible characters as escapes. Markdown: :func:`md_finalize` escapes
    each value that a filter did not already make safe.
    """
    if fmt == "html":
        env = Environment(
            loader=_loader(template_dir),
            autoescape=select_autoescape(enabled_extensions=("html", "j2"), default=True),
            finalize=html_finalize,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
    elif fmt == "md":
        env = Environment(
            loader=_loader(template_dir),
            autoescape=False,
            finalize=md_finalize,
            undefined=StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        env.filters.update(
            esc=md_escape, code=md_code, cell=md_cell_code, block=md_block, diff_block=md_diff
        )
    else:
        raise ValueError(f"no templates for format {fmt!r}")
    env.filters.update(short=short_name, instant=format_instant)
    return env
