"""``docs/checks.md`` is the generated rule reference of the built-in pack, kept current."""

from __future__ import annotations

from auditor.cli.checks_cmd import rule_reference
from auditor.config import ChecksSettings
from auditor.rules.catalog import load_catalog
from tests.realdata import REPO


def test_docs_checks_md_is_up_to_date() -> None:
    expected = rule_reference(load_catalog(ChecksSettings()).checks)
    current = (REPO / "docs" / "checks.md").read_text(encoding="utf-8")
    assert current == expected, "regenerate: trailaudit checks list --format md > docs/checks.md"
