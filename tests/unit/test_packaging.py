"""The wheel carries everything trailaudit reads at run time, and works outside the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.ingest.records import record, s3_path, write_trail_file
from tests.native import SCAN_EXPECTED

REPO = Path(__file__).resolve().parents[2]
NEEDED = (
    "checks/data/iam_actions.json.gz",
    "checks/data/aws_managed_policies.json.gz",
    "checks/data/privesc_paths.json",
    "checks/data/known_accounts.json",
    "checks/signin/signin_console_login_without_mfa/signin_console_login_without_mfa.toml",
    "checks/iam/iam_policy_admin_granted/iam_policy_admin_granted.py",
    "reports/templates/report.html.j2",
    "reports/templates/report.md.j2",
    "reports/schema/report.schema.json",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    leftover = not (REPO / "build").exists()
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO)],
        check=True, capture_output=True,
    )  # fmt: skip
    if leftover:  # setuptools builds inside the checkout; leave it as it was
        shutil.rmtree(REPO / "build", ignore_errors=True)
    return next(out.glob("trailaudit-*.whl"))


def test_the_wheel_holds_rules_templates_and_tables(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    missing = [name for name in NEEDED if name not in names]
    assert missing == []
    assert not any(name.startswith("tests/") or name.endswith(".pyc") for name in names)
    built = [
        name
        for name in names
        if name.startswith("auditor/ingest/_scan.") and name.endswith((".so", ".pyd"))
    ]
    assert bool(built) == SCAN_EXPECTED


def test_installed_outside_the_checkout_it_runs(wheel: Path, tmp_path: Path) -> None:
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # the dependencies come from the test environment; trailaudit itself only from the wheel
    site = subprocess.run(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    deps = Path(sysconfig.get_paths()["purelib"])
    (Path(site) / "test-dependencies.pth").write_text(f"{deps}\n", encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         "--force-reinstall", str(wheel)],
        check=True, capture_output=True,
    )  # fmt: skip
    logs = tmp_path / "logs"
    write_trail_file(s3_path(logs), [record("e1")])
    script = env_dir / "bin" / "trailaudit"
    help_text = subprocess.run([script, "--help"], cwd=tmp_path, capture_output=True, text=True)
    assert help_text.returncode == 0 and "ingest" in help_text.stdout
    ingest = subprocess.run(
        [script, "--db", "t.db", "ingest", "--json", str(logs)],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert ingest.returncode == 0, ingest.stderr
    checks = subprocess.run(
        [script, "checks", "validate"], cwd=tmp_path, capture_output=True, text=True
    )
    assert checks.returncode == 0, checks.stdout + checks.stderr
    where = subprocess.run(
        [python, "-c", "import auditor, checks; print(auditor.__file__, checks.__file__)\n"
         "from auditor.ingest.locate import NATIVE_SCAN; print(NATIVE_SCAN)"],
        cwd=tmp_path, capture_output=True, text=True,
    )  # fmt: skip
    assert str(REPO) not in where.stdout
    assert where.stdout.split()[-1] == str(SCAN_EXPECTED)
