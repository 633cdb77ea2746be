"""The bundled, offline demo: a three-account organization's CloudTrail and IAM baselines.

Deterministic (no clock, fixed seeds): two builds write byte-identical files. The story the
demo report is read against is `DEMO_STORY`; the scenario itself is described in `scenario`.
"""

from auditor.demo.intrusion import DEMO_STORY
from auditor.demo.org import DEMO_KNOWN_ACCOUNTS, DEMO_ORGANIZATION_ACCOUNTS, DEMO_WINDOW
from auditor.demo.scenario import (
    build_demo_baselines,
    build_demo_records,
    write_demo_baselines,
    write_demo_trail,
)

__all__ = [
    "DEMO_KNOWN_ACCOUNTS",
    "DEMO_ORGANIZATION_ACCOUNTS",
    "DEMO_STORY",
    "DEMO_WINDOW",
    "build_demo_baselines",
    "build_demo_records",
    "write_demo_baselines",
    "write_demo_trail",
]
