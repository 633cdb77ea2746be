"""The configuration: ``config.toml`` read with tomllib into frozen, typed settings.

An unknown key or a value of the wrong type is a ``ConfigError`` naming the key and
the file. Secrets never live here: AWS credentials come from boto3's standard chain.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import re
import tomllib
import types
import typing
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as dt_time
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
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_DATE_TIME = re.compile(
    r"\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?([Zz]|[+-]\d{2}:\d{2})?"
)
_ACCOUNT = re.compile(r"\d{12}")
_ACCOUNT_PINNED = re.compile(r"arn:[a-z-]+:[a-z0-9-]*:[a-z0-9-]*:\d{12}:[^*?\[]")
_EVENT_SOURCE = re.compile(r"[a-z0-9][a-z0-9.-]*\.amazonaws\.com")
_EVENT_NAME = re.compile(r"[A-Za-z][A-Za-z0-9]*")
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-\d")
_ORG_ID = re.compile(r"o-[a-z0-9]{10,32}")
_ROLE_ARN = re.compile(r"arn:aws[a-z-]*:iam::\d{12}:role/[\w+=,.@/-]+")
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9 ._-]{0,63}")
_COUNTRY = re.compile(r"[A-Z]{2}")
_PRINCIPAL_GLOB = re.compile(
    r"arn:aws[a-z-]*:iam::(\d{12}|\*):(?P<kind>role|user)/(?P<name>[\w+=,.@/*?-]+)"
)


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
class AutomationSettings:
    """Principals that make changes on purpose (a pipeline): their findings are lowered."""

    name: str
    principals: tuple[str, ...]


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
    automation: tuple[AutomationSettings, ...] = ()
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


def parse_expiry(text: str) -> datetime:
    """The instant a suppression's ``expires`` ends it: a date lasts to the end of that day
    (UTC); a date-time (``Z`` or an offset; none means UTC) ends at that instant.

    Raises ValueError for anything else.
    """
    value = text.strip()
    if _DATE.fullmatch(value):
        day = date.fromisoformat(value)
        return datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(days=1)
    if not _DATE_TIME.fullmatch(value):
        raise ValueError(f"not a date (YYYY-MM-DD) or a date-time: {text!r}")
    moment = datetime.fromisoformat(value.replace("z", "Z"))
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _expiry_text(value: object, key: str, origin: str) -> object:
    """A TOML date or date-time literal as the text ``parse_expiry`` reads; else unchanged."""
    if isinstance(value, datetime):
        moment = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
        return moment.isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dt_time):
        raise ConfigError(f"{origin}: key '{key}' must be a date or a date-time, not a time")
    return value


def _with_expiry_text(data: dict[str, Any], origin: str) -> dict[str, Any]:
    entries = data.get("suppress")
    if not isinstance(entries, list):
        return data
    fixed = [
        {**e, "expires": _expiry_text(e["expires"], f"suppress[{i}].expires", origin)}
        if isinstance(e, dict) and "expires" in e
        else e
        for i, e in enumerate(entries)
    ]
    return {**data, "suppress": fixed}


# every numeric setting and its range (inclusive; None: unbounded)
NUMERIC_RANGES: dict[str, tuple[int, int | None]] = {
    "store.daily_snapshots_days": (0, None),
    "ingest.max_inflated_mb": (1, None),
    "ingest.workers": (0, 1024),
    "ingest.delivery_margin_hours": (0, 24 * 366),
    "ingest.commit_every_files": (1, None),
    "sources.max_concurrency": (1, 1024),
    "checks.failure_burst_threshold": (1, None),
    "checks.failure_burst_minutes": (1, 24 * 60),
}


def _numbers(settings: Settings) -> Iterator[tuple[str, int]]:
    for key in NUMERIC_RANGES:
        section, name = key.split(".")
        if section == "sources":
            for i, source in enumerate(settings.sources):
                yield f"sources[{i}].{name}", getattr(source, name)
        else:
            yield key, getattr(getattr(settings, section), name)


def _range_problems(settings: Settings) -> Iterator[str]:
    for key, value in _numbers(settings):
        low, high = NUMERIC_RANGES[re.sub(r"\[\d+\]", "", key)]
        if value < low or (high is not None and value > high):
            bound = f"between {low} and {high}" if high is not None else f"{low} or more"
            yield f"key '{key}' must be {bound}, got {value}"


def _ingest_problems(ingest: IngestSettings) -> Iterator[str]:
    for i, source in enumerate(ingest.event_sources):
        if not _EVENT_SOURCE.fullmatch(source):
            yield f"key 'ingest.event_sources[{i}]' is not an event source: {source!r}"
    missing = [s for s in DEFAULT_EVENT_SOURCES if s not in ingest.event_sources]
    if missing:
        yield (
            f"key 'ingest.event_sources' must keep {', '.join(missing)}: the checks read "
            "these sources (disable checks in [checks] instead)"
        )
    for i, entry in enumerate(ingest.control_events):
        source, _, name = entry.partition(":")
        if not _EVENT_SOURCE.fullmatch(source) or not _EVENT_NAME.fullmatch(name):
            yield f"key 'ingest.control_events[{i}]' must be 'source:EventName', got {entry!r}"
    dropped = [
        e
        for e in DEFAULT_CONTROL_EVENTS
        if not e.endswith(":CreateTrail")  # only lowers a finding: leaving it out hides nothing
        and e not in ingest.control_events
        and e.split(":")[0] not in ingest.event_sources
    ]
    if dropped:
        yield (
            f"key 'ingest.control_events' must keep {', '.join(dropped)}: the trail checks "
            "read them (disable checks in [checks] instead)"
        )


def _source_problems(i: int, source: SourceSettings) -> Iterator[str]:
    key = f"sources[{i}]"
    if source.kind not in SOURCE_KINDS:
        yield f"key '{key}.kind' must be one of {', '.join(SOURCE_KINDS)}"
    if source.kind == "local" and not [p for p in source.paths if p.strip()]:
        yield f"key '{key}.paths' must name at least one folder for kind 'local'"
    if source.kind == "s3" and not source.bucket.strip():
        yield f"key '{key}.bucket' must name the bucket for kind 's3'"
    for j, account in enumerate(source.accounts):
        if not _ACCOUNT.fullmatch(account):
            yield f"key '{key}.accounts[{j}]': account id {account!r} is not 12 digits"
    for j, region in enumerate(source.regions):
        if not _REGION.fullmatch(region):
            yield f"key '{key}.regions[{j}]' is not a region name: {region!r}"
    if source.organization_id and not _ORG_ID.fullmatch(source.organization_id):
        yield f"key '{key}.organization_id' is not an organization id (o-...)"
    if source.role_arn and not _ROLE_ARN.fullmatch(source.role_arn):
        yield f"key '{key}.role_arn' is not a role ARN: {source.role_arn!r}"


def _only_wildcards(pattern: str) -> bool:
    return pattern.strip("*?") == ""


# ids unlike one another in every position: a glob matching all of them matches any id
_SAMPLE_IDS = (
    "a_b_c",
    "zz_yy_xx",
    "q1_w2_e3_r4",
    "root_api_called",
    "iam_user_created",
    "sts_assume_role_first_time",
    "cloudtrail_trail_logging_stopped",
    "signin_console_login_without_mfa",
)


def _covers_every_check(pattern: str) -> bool:
    return all(fnmatch.fnmatchcase(check_id, pattern) for check_id in _SAMPLE_IDS)


def _suppress_problems(i: int, entry: Suppression) -> Iterator[str]:
    key = f"suppress[{i}]"
    if not entry.check.strip():
        yield f"key '{key}.check' must name a check id (or a glob of ids)"
    if not entry.reason.strip():
        yield f"key '{key}.reason' must say why the findings are suppressed"
    if not entry.resource.strip():
        yield f"key '{key}.resource' must be a resource or a glob ('*' for every resource)"
    if _covers_every_check(entry.check) and not _narrow_resource(entry.resource):
        yield (
            f"key '{key}' would suppress every finding (check {entry.check!r} and resource "
            f"{entry.resource!r}): name the checks, or one account's resources"
        )
    if entry.expires:
        try:
            parse_expiry(entry.expires)
        except ValueError as exc:
            yield f"key '{key}.expires': {exc}"


def _narrow_resource(pattern: str) -> bool:
    """A resource glob that names something: no wildcard, or pinned to one account."""
    if not any(c in pattern for c in "*?["):
        return bool(pattern.strip())
    return _ACCOUNT_PINNED.match(pattern) is not None


def _automation_problems(i: int, entry: AutomationSettings) -> Iterator[str]:
    key = f"automation[{i}]"
    if not _NAME.fullmatch(entry.name):
        yield f"key '{key}.name' must be a short name such as 'terraform-ci', got {entry.name!r}"
    if not entry.principals:
        yield f"key '{key}.principals' must list at least one role or user ARN (or glob)"
    for j, pattern in enumerate(entry.principals):
        match = _PRINCIPAL_GLOB.fullmatch(pattern)
        if match is None:
            yield (
                f"key '{key}.principals[{j}]' must be an IAM role or user ARN glob "
                f"(arn:aws:iam::<account>:role/<name>), got {pattern!r}"
            )
        elif _only_wildcards(match.group("name").rsplit("/", 1)[-1]):
            yield (
                f"key '{key}.principals[{j}]' matches every {match.group('kind')} of the "
                f"account: name the {match.group('kind')}s, got {pattern!r}"
            )


def _checks_problems(checks: ChecksSettings) -> Iterator[str]:
    for key, ids in (("checks.enable", checks.enable), ("checks.disable", checks.disable)):
        for i, check_id in enumerate(ids):
            if not check_id.strip():
                yield f"key '{key}[{i}]' is empty"
    both = sorted(set(checks.enable) & set(checks.disable))
    if both:
        yield f"key 'checks.disable' also names enabled checks: {', '.join(both)}"
    for check, severity in checks.severity.items():
        if severity not in SEVERITIES:
            yield f"key 'checks.severity.{check}' must be a severity"


def _report_problems(report: ReportSettings) -> Iterator[str]:
    if report.fail_on not in (*SEVERITIES, "never"):
        yield "key 'report.fail_on' must be a severity or 'never'"
    if not report.formats:
        yield f"key 'report.formats' must name at least one of {', '.join(REPORT_FORMATS)}"
    for fmt in report.formats:
        if fmt not in REPORT_FORMATS:
            yield f"key 'report.formats' has unknown format {fmt!r}"
    if not report.out_dir.strip():
        yield "key 'report.out_dir' must name a folder"


def _problems(settings: Settings) -> Iterator[str]:
    yield from _range_problems(settings)
    if not settings.store.path.strip():
        yield "key 'store.path' must name the event store file"
    yield from _ingest_problems(settings.ingest)
    for i, source in enumerate(settings.sources):
        yield from _source_problems(i, source)
    organization = settings.organization
    for account in (*organization.accounts, *organization.known_accounts):
        if not _ACCOUNT.fullmatch(account):
            yield f"key 'organization': account id {account!r} is not 12 digits"
    yield from _checks_problems(settings.checks)
    for i, suppression in enumerate(settings.suppress):
        yield from _suppress_problems(i, suppression)
    names = [declared.name for declared in settings.automation]
    for i, declared in enumerate(settings.automation):
        yield from _automation_problems(i, declared)
        if names.index(declared.name) != i:
            yield f"key 'automation[{i}].name' repeats {declared.name!r}"
    for i, country in enumerate(settings.geo.allowed_countries):
        if not _COUNTRY.fullmatch(country):
            yield f"key 'geo.allowed_countries[{i}]' must be an ISO code (DE), got {country!r}"
    yield from _report_problems(settings.report)


def _validate(settings: Settings) -> None:
    """Every value in its range and form, so that no setting silently disables auditing."""
    for problem in _problems(settings):
        raise ConfigError(f"{settings.origin}: {problem}")


def parse_settings(data: dict[str, Any], origin: str) -> Settings:
    """Build ``Settings`` from an already parsed TOML table."""
    settings: Settings = _build(Settings, _with_expiry_text(data, origin), "", origin)
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
