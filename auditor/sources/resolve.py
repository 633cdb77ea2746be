"""From command-line targets and ``[[sources]]`` to log sources."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from itertools import chain

from auditor.config import SourceSettings
from auditor.sources.interface import Listing, LogSource
from auditor.sources.layout import Window
from auditor.sources.local import LocalSource


def source_for_settings(settings: SourceSettings) -> LogSource:
    """The source a ``[[sources]]`` entry describes."""
    if settings.kind == "local":
        return LocalSource(settings.paths)
    if settings.kind == "s3":
        from auditor.sources.s3 import S3Source

        return S3Source.from_settings(settings)
    from auditor.sources.cloudtrail_api import CloudTrailApiSource

    return CloudTrailApiSource.from_settings(settings)


def sources_for_targets(targets: tuple[str, ...], template: SourceSettings) -> list[LogSource]:
    """Local paths become one local source; each ``s3://bucket/prefix`` an S3 source."""
    local = [t for t in targets if not t.startswith("s3://")]
    sources: list[LogSource] = [LocalSource(tuple(local))] if local else []
    for target in targets:
        if target.startswith("s3://"):
            bucket, _, prefix = target.removeprefix("s3://").partition("/")
            sources.append(
                source_for_settings(replace(template, kind="s3", bucket=bucket, prefix=prefix))
            )
    return sources


def list_all(sources: list[LogSource], window: Window) -> Listing:
    """Every source's listing, one after the other."""
    streams: Iterator[Listing] = (source.list_files(window) for source in sources)
    return chain.from_iterable(streams)
