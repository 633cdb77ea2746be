"""The configuration: ``config.toml`` read with tomllib into frozen, typed settings.

An unknown key or a value of the wrong type is a ``ConfigError`` naming the key and
the file. Secrets never live here: AWS credentials come from boto3's standard chain.
"""

from __future__ import annotations

import dataclasses
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin

from auditor.errors import ConfigError

DEFAULT_EVENT_SOURCES = ("iam.amazonaws.com", "sts.amazonaws.com", "signin.amazonaws.com")
DEFAULT_CONTROL_EVENTS = (
    "cloudtrail.amazonaws.com:StopLogging",
    "cloudtrail.amazonaws.com:DeleteTrail",
    "cloudtrail.amazonaws.com:UpdateTrail",
    "cloudtrail.amazonaws.com:PutEventSelectors",
    "cloudtrail.amazonaws.com:CreateTrail",
)
SEVERITIES = ("info", "low", "medium", "high", "critical")
REPORT_FORMATS = ("html", "md", "json")
SOURCE_KINDS = ("local", "s3", "cloudtrail-api")


@dataclass(frozen=True)
class StoreSettings:
    """Where the SQLite event store lives, and how long it keeps daily IAM snapshots."""

    path: str = "trailaudit.db"
    daily_snapshots_days: int = 0


@dataclass(frozen=True)
class IngestSettings:
    """What ingest keeps and how hard it works."""

    event_sources: tuple[str, ...] = DEFAULT_EVENT_SOURCES
    control_events: tuple[str, ...] = DEFAULT_CONTROL_EVENTS
    max_inflated_mb: int = 1024
    workers: int = 0
    delivery_margin_hours: int = 24
    commit_every_files: int = 256


@dataclass(frozen=True)
class SourceSettings:
    """One place CloudTrail logs are read from."""

    kind: str = "local"
    paths: tuple[str, ...] = ()
    bucket: str = ""
    prefix: str = ""
    organization_id: str = ""
    accounts: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    profile: str = ""
    role_arn: str = ""
    requester_pays: bool = False
    max_concurrency: int = 8


@dataclass(frozen=True)
class OrganizationSettings:
    """Your own accounts, and outside accounts you know by name."""

    accounts: tuple[str, ...] = ()
    known_accounts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ChecksSettings:
    """Which rules run and how loud they are."""

    paths: tuple[str, ...] = ()
    enable: tuple[str, ...] = ()
    disable: tuple[str, ...] = ()
    severity: dict[str, str] = field(default_factory=dict)
    learn_on_first_run: bool = True
    quiet_service_callers: bool = True
    failure_burst_threshold: int = 5
    failure_burst_minutes: int = 15


@dataclass(frozen=True)
class Suppression:
    """A finding to keep but not alert on, with a reason and an optional expiry."""

    check: str
    reason: str
    resource: str = "*"
    expires: str = ""


@dataclass(frozen=True)
class GeoSettings:
    """Offline IP geolocation."""

    database: str = ""
    allowed_countries: tuple[str, ...] = ()


@dataclass(frozen=True)
class ReportSettings:
    """Where reports go, in which formats, and which severity fails the run."""

    out_dir: str = "reports-out"
    formats: tuple[str, ...] = REPORT_FORMATS
    fail_on: str = "high"
    template_dir: str = ""
    title: str = "trailaudit report"


@dataclass(frozen=True)
class Settings:
    """Everything ``config.toml`` can say."""

    store: StoreSettings = field(default_factory=StoreSettings)
    ingest: IngestSettings = field(default_factory=IngestSettings)
    sources: tuple[SourceSettings, ...] = ()
    organization: OrganizationSettings = field(default_factory=OrganizationSettings)
    checks: ChecksSettings = field(default_factory=ChecksSettings)
    suppress: tuple[Suppression, ...] = ()
    geo: GeoSettings = field(default_factory=GeoSettings)
    report: ReportSettings = field(default_factory=ReportSettings)
    origin: str = "built-in defaults"


def _type_name(hint: Any) -> str:
    origin = get_origin(hint)
    if origin is tuple:
        return f"a list of {_type_name(get_args(hint)[0])}"
    if origin is dict:
        return "a table"
    if dataclasses.is_dataclass(hint):
        return "a table"
    return {str: "a string", int: "an integer", bool: "true or false", float: "a number"}.get(
        hint, str(hint)
    )


def _convert(value: Any, hint: Any, key: str, origin: str) -> Any:
    def fail() -> typing.NoReturn:
        raise ConfigError(f"{origin}: key '{key}' must be {_type_name(hint)}, got {value!r}")

    kind = get_origin(hint)
    if kind in (Union, types.UnionType):
        return _convert(value, next(a for a in get_args(hint) if a is not type(None)), key, origin)
    if kind is tuple:
        if not isinstance(value, list):
            fail()
        item = get_args(hint)[0]
        return tuple(_convert(v, item, f"{key}[{i}]", origin) for i, v in enumerate(value))
    if kind is dict:
        if not isinstance(value, dict):
            fail()
        return {str(k): _convert(v, str, f"{key}.{k}", origin) for k, v in value.items()}
    if dataclasses.is_dataclass(hint):
        if not isinstance(value, dict):
            fail()
        return _build(hint, value, key, origin)
    if hint is bool:
        if not isinstance(value, bool):
            fail()
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            fail()
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            fail()
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            fail()
        return value
    fail()


def _build(cls: Any, data: dict[str, Any], prefix: str, origin: str) -> Any:
    hints = typing.get_type_hints(cls)
    names = {f.name for f in dataclasses.fields(cls) if f.name != "origin"}
    for key in data:
        if key not in names:
            where = f"{prefix}.{key}" if prefix else key
            raise ConfigError(f"{origin}: unknown key '{where}'")
    values = {}
    for name in names:
        if name in data:
            where = f"{prefix}.{name}" if prefix else name
            values[name] = _convert(data[name], hints[name], where, origin)
    try:
        return cls(**values)
    except TypeError as exc:
        raise ConfigError(f"{origin}: section '{prefix}' is incomplete: {exc}") from None


def _validate(settings: Settings) -> None:
    origin = settings.origin
    if settings.store.daily_snapshots_days < 0:
        raise ConfigError(f"{origin}: key 'store.daily_snapshots_days' must be 0 or more")
    for i, source in enumerate(settings.sources):
        if source.kind not in SOURCE_KINDS:
            raise ConfigError(
                f"{origin}: key 'sources[{i}].kind' must be one of {', '.join(SOURCE_KINDS)}"
            )
    if settings.report.fail_on not in (*SEVERITIES, "never"):
        raise ConfigError(f"{origin}: key 'report.fail_on' must be a severity or 'never'")
    for fmt in settings.report.formats:
        if fmt not in REPORT_FORMATS:
            raise ConfigError(f"{origin}: key 'report.formats' has unknown format {fmt!r}")
    for check, severity in settings.checks.severity.items():
        if severity not in SEVERITIES:
            raise ConfigError(f"{origin}: key 'checks.severity.{check}' must be a severity")
    for account in (*settings.organization.accounts, *settings.organization.known_accounts):
        if not (len(account) == 12 and account.isdigit()):
            raise ConfigError(f"{origin}: account id {account!r} is not 12 digits")


def parse_settings(data: dict[str, Any], origin: str) -> Settings:
    """Build ``Settings`` from an already parsed TOML table."""
    settings: Settings = _build(Settings, data, "", origin)
    settings = dataclasses.replace(settings, origin=origin)
    _validate(settings)
    return settings


def load_settings(path: Path | None) -> Settings:
    """Read a config file; ``None`` means ``./config.toml`` when present, else defaults."""
    if path is None:
        default = Path("config.toml")
        if not default.is_file():
            return Settings()
        path = default
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: configuration file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read configuration: {exc}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: invalid TOML: {exc}") from None
    return parse_settings(data, str(path))
