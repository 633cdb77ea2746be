"""A trail's identity: its name within one account and region (names repeat across regions)."""

from __future__ import annotations

import re
from typing import NamedTuple

from auditor.events import Event

_TRAIL_ARN = re.compile(
    r"arn:(?P<partition>aws[a-z-]*):cloudtrail:(?P<region>[a-z0-9-]+):(?P<account>\d{12}):"
    r"trail/(?P<name>.+)"
)


class TrailId(NamedTuple):
    """Account, region and name: what tells two trails apart."""

    account: str
    region: str
    name: str
    partition: str = "aws"

    @property
    def arn(self) -> str:
        """The trail's ARN."""
        return f"arn:{self.partition}:cloudtrail:{self.region}:{self.account}:trail/{self.name}"


def trail_id(event: Event, parameter: str = "name") -> TrailId:
    """The trail a CloudTrail call names: its ARN's parts, or the name in the call's region."""
    value = str(event.param(parameter) or "unknown trail").strip()
    match = _TRAIL_ARN.fullmatch(value)
    if match is not None:
        return TrailId(match["account"], match["region"], match["name"], match["partition"])
    name = value.rsplit("/", 1)[-1]
    return TrailId(event.account_id, event.region, name, _partition(event))


def _partition(event: Event) -> str:
    arn = event.actor.arn or ""
    return arn.split(":", 2)[1] if arn.startswith("arn:") and arn.count(":") >= 2 else "aws"
