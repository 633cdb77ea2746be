"""The generated and checked documentation stays in step with the code."""

from __future__ import annotations

import dataclasses
import typing
from pathlib import Path

from auditor.cli.reference import render_cli_reference
from auditor.config import Settings

REPO = Path(__file__).resolve().parents[2]


def test_docs_cli_md_is_the_commands_help() -> None:
    current = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    assert current == render_cli_reference(), (
        "regenerate: python -m auditor.cli.reference > docs/cli.md"
    )


def _keys(cls: type, prefix: str) -> list[str]:
    keys: list[str] = []
    hints = typing.get_type_hints(cls)
    for item in dataclasses.fields(cls):
        if item.name == "origin":
            continue
        hint = hints[item.name]
        inner = typing.get_args(hint)[0] if typing.get_origin(hint) is tuple else hint
        name = f"{prefix}{item.name}"
        if dataclasses.is_dataclass(inner):
            keys += _keys(typing.cast(type, inner), f"{name}.")
        else:
            keys.append(name)
    return keys


def test_docs_configuration_md_names_every_key() -> None:
    text = (REPO / "docs" / "configuration.md").read_text(encoding="utf-8")
    missing = [key for key in _keys(Settings, "") if f"`{key}`" not in text]
    assert missing == [], f"document these keys in docs/configuration.md: {missing}"
