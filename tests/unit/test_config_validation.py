"""A configuration that would silently hide findings or switch auditing off is refused."""

from __future__ import annotations

from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from auditor.config import ChecksSettings, Suppression, load_settings, parse_settings
from auditor.errors import ConfigError
from auditor.rules.catalog import load_catalog
from auditor.suppress import is_expired
from tests.cli import run

ROLE = "arn:aws:iam::111122223333:role/terraform-ci"


def _refused(data: dict[str, Any], key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_settings(data, "my.toml")
    assert key in str(caught.value)
    assert "my.toml" in str(caught.value)


@pytest.mark.parametrize(
    ("section", "name", "value"),
    [
        ("ingest", "max_inflated_mb", 0),
        ("ingest", "max_inflated_mb", -5),
        ("ingest", "workers", -1),
        ("ingest", "delivery_margin_hours", -1),
        ("ingest", "commit_every_files", 0),
        ("checks", "failure_burst_threshold", 0),
        ("checks", "failure_burst_minutes", 0),
        ("checks", "failure_burst_minutes", -15),
        ("store", "daily_snapshots_days", -1),
    ],
)
def test_every_number_has_its_range(section: str, name: str, value: int) -> None:
    _refused({section: {name: value}}, f"{section}.{name}")


def test_source_concurrency_has_its_range() -> None:
    _refused({"sources": [{"kind": "s3", "bucket": "b", "max_concurrency": 0}]}, "max_concurrency")


@pytest.mark.parametrize(
    ("data", "key"),
    [
        ({"ingest": {"event_sources": []}}, "ingest.event_sources"),
        ({"ingest": {"event_sources": ["sts.amazonaws.com"]}}, "ingest.event_sources"),
        ({"ingest": {"event_sources": ["iam"]}}, "ingest.event_sources[0]"),
        ({"ingest": {"control_events": []}}, "ingest.control_events"),
        ({"ingest": {"control_events": ["StopLogging"]}}, "ingest.control_events[0]"),
        ({"report": {"formats": []}}, "report.formats"),
        ({"report": {"fail_on": "High"}}, "report.fail_on"),
        ({"report": {"fail_on": ""}}, "report.fail_on"),
        ({"report": {"out_dir": ""}}, "report.out_dir"),
        ({"store": {"path": " "}}, "store.path"),
        ({"sources": [{"kind": "local"}]}, "sources[0].paths"),
        ({"sources": [{"kind": "s3"}]}, "sources[0].bucket"),
        ({"sources": [{"kind": "s3", "bucket": "b", "accounts": ["1"]}]}, "accounts[0]"),
        ({"sources": [{"kind": "cloudtrail-api", "regions": ["Europe"]}]}, "regions[0]"),
        ({"geo": {"allowed_countries": ["de"]}}, "geo.allowed_countries[0]"),
        ({"checks": {"enable": ["a_b_c"], "disable": ["a_b_c"]}}, "checks.disable"),
        ({"checks": {"enable": [""]}}, "checks.enable[0]"),
    ],
)
def test_values_that_switch_auditing_off_are_refused(data: dict[str, Any], key: str) -> None:
    _refused(data, key)


def test_more_event_sources_and_no_create_trail_are_allowed() -> None:
    settings = parse_settings(
        {
            "ingest": {
                "event_sources": [
                    "iam.amazonaws.com",
                    "sts.amazonaws.com",
                    "signin.amazonaws.com",
                    "s3.amazonaws.com",
                ],
                "control_events": [
                    "cloudtrail.amazonaws.com:StopLogging",
                    "cloudtrail.amazonaws.com:DeleteTrail",
                    "cloudtrail.amazonaws.com:UpdateTrail",
                    "cloudtrail.amazonaws.com:PutEventSelectors",
                ],
            }
        },
        "my.toml",
    )
    assert "s3.amazonaws.com" in settings.ingest.event_sources


@pytest.mark.parametrize(
    ("entry", "key"),
    [
        ({"check": "*", "reason": ""}, "suppress[0].reason"),
        ({"check": "*", "reason": "   "}, "suppress[0].reason"),
        ({"check": "*", "reason": "all noise"}, "suppress[0]"),
        ({"check": "*", "resource": "*", "reason": "x"}, "suppress[0]"),
        ({"check": "**", "resource": "arn:*", "reason": "x"}, "suppress[0]"),
        ({"check": "?*", "resource": "arn:aws:iam::*:role/*", "reason": "x"}, "suppress[0]"),
        ({"check": "*_*", "reason": "x"}, "suppress[0]"),
        ({"check": "[a-z]*", "resource": "arn:aws:*", "reason": "x"}, "suppress[0]"),
        ({"check": "", "reason": "x"}, "suppress[0].check"),
        ({"check": "x_y_z", "reason": "x", "resource": ""}, "suppress[0].resource"),
        ({"check": "x_y_z", "reason": "x", "expires": "next year"}, "suppress[0].expires"),
        ({"check": "x_y_z", "reason": "x", "expires": "2027-6-30"}, "suppress[0].expires"),
        ({"check": "x_y_z", "reason": "x", "expires": "20270630"}, "suppress[0].expires"),
        ({"check": "x_y_z", "reason": "x", "expires": "2027-02-30"}, "suppress[0].expires"),
    ],
)
def test_suppressions_that_hide_everything_or_cannot_expire_are_refused(
    entry: dict[str, Any], key: str
) -> None:
    _refused({"suppress": [entry]}, key)


def test_a_suppression_of_every_check_on_one_accounts_resources_is_allowed() -> None:
    entry = {"check": "*", "resource": "arn:aws:iam::111122223333:role/sandbox-*", "reason": "x"}
    assert parse_settings({"suppress": [entry]}, "my.toml").suppress[0].check == "*"
    family = {"check": "sts_assume_role_*", "reason": "vendor roles reviewed"}
    assert parse_settings({"suppress": [family]}, "my.toml").suppress[0].resource == "*"


def test_toml_date_literals_and_date_time_strings_are_accepted(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[suppress]]\ncheck = "a_b_c"\nreason = "r"\nexpires = 2027-06-30\n'
        '[[suppress]]\ncheck = "a_b_c"\nreason = "r"\nexpires = 2027-06-30T12:00:00Z\n'
        '[[suppress]]\ncheck = "a_b_c"\nreason = "r"\nexpires = 2027-06-30T14:00:00+02:00\n'
        '[[suppress]]\ncheck = "a_b_c"\nreason = "r"\nexpires = "2027-06-30T00:00:00Z"\n',
        encoding="utf-8",
    )
    entries = load_settings(path).suppress
    assert [e.expires for e in entries] == [
        "2027-06-30",
        "2027-06-30T12:00:00Z",
        "2027-06-30T12:00:00Z",
        "2027-06-30T00:00:00Z",
    ]


def test_a_toml_time_literal_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[[suppress]]\ncheck = "a_b_c"\nreason = "r"\nexpires = 12:00:00\n')
    with pytest.raises(ConfigError, match=r"suppress\[0\]\.expires"):
        load_settings(path)


def _entry(expires: str) -> Suppression:
    return Suppression(check="a_b_c", reason="r", expires=expires)


def test_a_date_lasts_to_the_end_of_that_day_and_an_instant_ends_at_that_instant() -> None:
    day = _entry("2027-06-30")
    assert not is_expired(day, date(2027, 6, 30))
    assert not is_expired(day, datetime(2027, 6, 30, 23, 59, 59, tzinfo=UTC))
    assert is_expired(day, datetime(2027, 7, 1, tzinfo=UTC))
    assert is_expired(day, date(2027, 7, 1))
    instant = _entry("2027-06-30T00:00:00Z")
    assert not is_expired(instant, date(2026, 11, 28))  # was "already expired"
    assert not is_expired(instant, datetime(2027, 6, 29, 23, 59, tzinfo=UTC))
    assert is_expired(instant, datetime(2027, 6, 30, tzinfo=UTC))
    offset = _entry("2027-06-30T02:00:00+02:00")
    assert is_expired(offset, datetime(2027, 6, 30, 0, 0, tzinfo=UTC))
    assert not is_expired(offset, datetime(2027, 6, 29, 23, 59, tzinfo=UTC))


@pytest.mark.parametrize(
    ("declared", "key"),
    [
        ({"name": "ci", "principals": []}, "automation[0].principals"),
        ({"name": "", "principals": [ROLE]}, "automation[0].name"),
        ({"name": "ci", "principals": ["terraform-ci"]}, "automation[0].principals[0]"),
        ({"name": "ci", "principals": ["*"]}, "automation[0].principals[0]"),
        ({"name": "ci", "principals": ["arn:aws:iam::*:*"]}, "automation[0].principals[0]"),
        (
            {"name": "ci", "principals": ["arn:aws:iam::111122223333:role/*"]},
            "automation[0].principals[0]",
        ),
        (
            {"name": "ci", "principals": ["arn:aws:sts::111122223333:assumed-role/x/*"]},
            "automation[0].principals[0]",
        ),
        ({"principals": [ROLE]}, "automation"),
    ],
)
def test_declared_automation_is_validated(declared: dict[str, Any], key: str) -> None:
    _refused({"automation": [declared]}, key)


def test_declared_automation_loads_and_names_repeat_is_refused() -> None:
    entry = {"name": "terraform-ci", "principals": [ROLE, "arn:aws:iam::*:user/deploy-bot"]}
    settings = parse_settings({"automation": [entry]}, "my.toml")
    assert settings.automation[0].name == "terraform-ci"
    _refused({"automation": [entry, entry]}, "automation[1].name")


@pytest.mark.parametrize(
    ("checks", "key"),
    [
        (ChecksSettings(enable=("iam_user_creatd",)), "checks.enable"),
        (ChecksSettings(disable=("no_such_check",)), "checks.disable"),
        (ChecksSettings(disable=("iam_*",)), "checks.disable"),
        (ChecksSettings(severity={"no_such_check": "low"}), "checks.severity.no_such_check"),
    ],
)
def test_unknown_check_ids_are_configuration_errors(checks: ChecksSettings, key: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_catalog(checks)
    assert key in str(caught.value)


def test_disabling_every_rule_is_an_error() -> None:
    every = tuple(c.check_id for c in load_catalog(ChecksSettings()).checks)
    with pytest.raises(ConfigError, match=r"checks\.disable"):
        load_catalog(ChecksSettings(disable=every))


def test_an_unknown_enabled_id_stops_the_run_with_exit_2(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    config = tmp_path / "config.toml"
    config.write_text(
        '[[sources]]\nkind = "local"\npaths = ["logs"]\n[report]\nformats = ["json"]\n'
        '[checks]\nenable = ["cloudtrail_trail_loging_stopped"]\n',
        encoding="utf-8",
    )
    result = run("--config", str(config), "--db", "t.db", "run", "--out", "out", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "checks.enable" in result.stderr
