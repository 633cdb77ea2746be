"""The declarative matcher."""

from __future__ import annotations

import pytest

from auditor.rules.match import MatchDefinitionError, compile_match, render_template

RECORD = {
    "eventName": "ConsoleLogin",
    "userIdentity": {"type": "IAMUser", "arn": "arn:aws:iam::1:user/Alice"},
    "additionalEventData": {"MFAUsed": "NO"},
    "resources": [{"ARN": "arn:a"}, {"ARN": "arn:b"}],
    "readOnly": False,
}


@pytest.mark.parametrize(
    ("table", "expected"),
    [
        ({"eventName": "ConsoleLogin"}, True),
        ({"eventName": ["CreateUser", "ConsoleLogin"]}, True),
        ({"additionalEventData.MFAUsed": "no"}, False),
        ({"additionalEventData.MFAUsed|ci": "no"}, True),
        ({"userIdentity.arn|glob": "*:user/*"}, True),
        ({"userIdentity.arn|glob|ci": "*:USER/alice"}, True),
        ({"userIdentity.arn|re": r"user/[A-Z]"}, True),
        ({"userIdentity.arn|endswith": "/Alice"}, True),
        ({"userIdentity.arn|contains": "iam::1"}, True),
        ({"errorCode|exists": False}, True),
        ({"errorCode|exists": True}, False),
        ({"resources.ARN": "arn:b"}, True),
        ({"readOnly": False}, True),
        ({"readOnly": "false"}, False),
        ({"eventName": "ConsoleLogin", "not": {"userIdentity.type": "IAMUser"}}, False),
        ({"any": [{"eventName": "X"}, {"userIdentity.type": "IAMUser"}]}, True),
        ({"any": [{"eventName": "X"}, {"userIdentity.type": "Root"}]}, False),
    ],
)
def test_matcher(table: dict[str, object], expected: bool) -> None:
    assert compile_match(table)(RECORD) is expected


@pytest.mark.parametrize(
    "table",
    [
        {},
        {"a|nope": 1},
        {"a|re": "("},
        {"a|exists": "yes"},
        {"a": []},
        {"a": {"b": 1}},
        {"any": []},
    ],
)
def test_bad_definitions_are_rejected(table: dict[str, object]) -> None:
    with pytest.raises(MatchDefinitionError):
        compile_match(table)


def test_templates_fill_fields_and_leave_unknowns_visible() -> None:
    text = render_template("{userIdentity.arn} did {eventName} ({missing.field}).", RECORD)
    assert text == "arn:aws:iam::1:user/Alice did ConsoleLogin (unknown)."
