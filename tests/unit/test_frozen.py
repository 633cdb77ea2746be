"""The positional builder of frozen slots dataclasses."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime

import pytest

from auditor.events import Actor, Event
from auditor.findings import ActorInfo, Change, new_change
from auditor.frozen import positional_builder


def _event_values() -> tuple[object, ...]:
    return (
        *("id-1", datetime(2025, 1, 1, tzinfo=UTC), "iam.amazonaws.com", "CreateUser"),
        *("us-east-1", "111122223333", Actor("IAMUser"), "198.51.100.7", "aws-cli"),
        *(None, None, {"userName": "u"}, None, None, "AwsApiCall", False, {}, {}, 4),
    )


def test_builds_an_instance_equal_to_the_constructors() -> None:
    built = positional_builder(Event)(*_event_values())
    assert type(built) is Event
    assert built == Event(*_event_values())  # type: ignore[arg-type]
    assert built.arrival == 4


def test_the_instance_stays_frozen() -> None:
    change = new_change(
        "added", "user", "arn", datetime(2025, 1, 1, tzinfo=UTC), (), ActorInfo(), {}
    )
    assert isinstance(change, Change)
    with pytest.raises(dataclasses.FrozenInstanceError):
        change.kind = "removed"  # type: ignore[misc]
    assert hash(ActorInfo.from_event(Event(*_event_values()))) == hash(  # type: ignore[arg-type]
        ActorInfo(None, "IAMUser", None, "198.51.100.7", None, "aws-cli")
    )


def test_every_field_is_required() -> None:
    with pytest.raises(TypeError):
        positional_builder(ActorInfo)("arn")


@dataclasses.dataclass(frozen=True, slots=True)
class _Checked:
    value: int

    def __post_init__(self) -> None:
        if self.value < 0:
            raise ValueError("negative")


@dataclasses.dataclass(frozen=True)
class _NoSlots:
    value: int


@pytest.mark.parametrize("kind", [_Checked, _NoSlots, int])
def test_refuses_classes_it_would_build_wrongly(kind: type[object]) -> None:
    with pytest.raises(TypeError):
        positional_builder(kind)
