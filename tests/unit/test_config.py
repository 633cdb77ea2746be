"""Configuration: the documented file loads, and every mistake names its key and file."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from auditor.config import Settings, load_settings, parse_settings
from auditor.errors import ConfigError

REPO = Path(__file__).resolve().parents[2]


def test_repository_config_loads_and_matches_defaults_where_documented() -> None:
    settings = load_settings(REPO / "config.toml")
    defaults = Settings()
    assert settings.ingest == defaults.ingest
    assert settings.checks == defaults.checks
    assert settings.report == defaults.report
    assert settings.sources[0].kind == "local"


def _leaf_keys(cls: type, prefix: str = "") -> set[str]:
    keys: set[str] = set()
    for field in dataclasses.fields(cls):
        if field.name == "origin":
            continue
        hint = field.type if isinstance(field.type, type) else None
        default = field.default_factory() if callable(field.default_factory) else field.default
        if dataclasses.is_dataclass(default):
            keys |= _leaf_keys(type(default), f"{prefix}{field.name}.")
        else:
            keys.add(f"{prefix}{field.name}")
        del hint
    return keys


def test_every_key_is_documented_in_config_toml() -> None:
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    for key in sorted(_leaf_keys(Settings)):
        assert key.rsplit(".", 1)[-1] in text, f"{key} is not documented in config.toml"


@pytest.mark.parametrize(
    ("data", "needle"),
    [
        ({"store": {"paht": "x"}}, "unknown key 'store.paht'"),
        ({"ingest": {"workers": "two"}}, "key 'ingest.workers' must be an integer"),
        ({"report": {"formats": ["pdf"]}}, "unknown format 'pdf'"),
        ({"report": {"fail_on": "severe"}}, "report.fail_on"),
        ({"sources": [{"kind": "ftp"}]}, "sources[0].kind"),
        ({"organization": {"accounts": ["123"]}}, "not 12 digits"),
        ({"checks": {"severity": {"x": "urgent"}}}, "checks.severity.x"),
        ({"suppress": [{"check": "x"}]}, "suppress"),
        ({"ingest": {"workers": True}}, "ingest.workers"),
        ({"store": {"daily_snapshots_days": -1}}, "key 'store.daily_snapshots_days'"),
    ],
)
def test_mistakes_name_the_key_and_file(data: dict[str, object], needle: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(data, "my.toml")
    assert needle in str(caught.value)
    assert "my.toml" in str(caught.value)


def test_snapshot_retention_defaults_to_keeping_everything() -> None:
    assert Settings().store.daily_snapshots_days == 0
    assert parse_settings({}, "my.toml").store.daily_snapshots_days == 0
    assert load_settings(REPO / "config.toml").store.daily_snapshots_days == 0
    store = {"daily_snapshots_days": 14}
    assert parse_settings({"store": store}, "my.toml").store.daily_snapshots_days == 14


def test_invalid_toml_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("[store\npath = 1", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"bad\.toml"):
        load_settings(path)
