"""The intrusion in prod on 2026-11-12 (UTC), the story the demo report is read against.

02:38–02:41 four failed ConsoleLogins from 185.220.101.34 (Germany): one unknown user name, three
for `alice`. 02:47 `alice` signs in from 5.188.206.14 (Bulgaria) without MFA. From her console
session: CreateUser `svc-backup`, CreateAccessKey for it; the new key is tried (GetCallerIdentity,
three IAM reads denied with AccessDenied); PutUserPolicy gives `svc-backup` an inline
iam:PassRole + lambda:CreateFunction + lambda:InvokeFunction policy; AttachUserPolicy gives it
AdministratorAccess; UpdateAssumeRolePolicy opens the baseline role `ops-automation` (admin) to
`arn:aws:iam::999988887777:root` with no ExternalId. 03:41 account 999988887777 assumes
`ops-automation` (delivered hours late) and reads secrets; 03:52 `svc-backup` calls StopLogging on
the regional trail in eu-west-1 (the organization trail keeps recording); 04:15 a second AssumeRole.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from auditor.demo.baseline import BACKDOORED_ROLE, OPS_AUTOMATION_TRUST
from auditor.demo.envelope import Recorder, aws_account, iam_user
from auditor.demo.iamcalls import (
    Caller,
    attach,
    create_access_key,
    create_user,
    iam_call,
    put_inline,
    read,
    update_trust,
)
from auditor.demo.ids import access_key_id, unique_id
from auditor.demo.org import ATTACKER, ATTACKER_IP, ATTACKER_PROBE_IP, PROD, aws_policy
from auditor.demo.sts import assume_role, console_login, get_caller_identity
from auditor.timeutil import format_instant

DAY = datetime(2026, 11, 12, tzinfo=UTC)
BACKDOOR_USER = "svc-backup"
ATTACKER_PRINCIPAL = unique_id("AIDA", f"{ATTACKER}:user:ops")
ATTACKER_SESSION = "backup-sync"
STOPPED_TRAIL = f"arn:aws:cloudtrail:eu-west-1:{PROD}:trail/prod-eu-west-1-audit"

# Attacker-controlled free text (user agents), hostile on purpose: reports must escape it.
PROBE_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0 "
    "<script>alert(1)</script>"
)
LOGIN_AGENT = "Mozilla/5.0 (X11; Linux x86_64) | `id` | AppleWebKit/537.36 Chrome/129.0.0.0"
KALI_CLI = (
    "aws-cli/2.13.25 Python/3.11.6 Linux/6.5.0-kali3-amd64 exe/x86_64.kali.2023 prompt/off "
    "command/{command}"
)

PRIVESC_POLICY: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        {
            "Sid": "PassAnyRole",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": "*",
        },
        {
            "Sid": "LambdaMaintenance",
            "Effect": "Allow",
            "Action": ["lambda:CreateFunction", "lambda:InvokeFunction"],
            "Resource": [
                f"arn:aws:lambda:*:{PROD}:function:*",
                f"arn:aws:lambda:us-east-1:{PROD}:function:<img src=x onerror=alert(1)>",
            ],
        },
    ],
}

BACKDOORED_TRUST: dict[str, Any] = {
    "Version": "2012-10-17",
    "Statement": [
        *OPS_AUTOMATION_TRUST["Statement"],
        {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{ATTACKER}:root"},
            "Action": "sts:AssumeRole",
        },
    ],
}


def _t(clock: str) -> datetime:
    hour, minute, second = (int(part) for part in clock.split(":"))
    return DAY.replace(hour=hour, minute=minute, second=second)


LOGIN_AT = _t("02:47:52")
STEPS: tuple[tuple[str, str], ...] = (
    (
        "02:38:51",
        "ConsoleLogin failure, unknown user name (HIDDEN_DUE_TO_SECURITY_REASONS), "
        "from 185.220.101.34 (DE)",
    ),
    ("02:40:12", "ConsoleLogin failures for alice (3 until 02:41:37) from 185.220.101.34 (DE)"),
    ("02:47:52", "ConsoleLogin success for alice, MFAUsed No, from 5.188.206.14 (BG), eu-west-1"),
    ("02:51:10", "alice's console session lists users and roles (ListUsers, ListRoles)"),
    ("02:58:14", "CreateUser svc-backup (delivered twice: same eventID in two files)"),
    ("02:59:02", "CreateAccessKey for svc-backup (a key for another user)"),
    ("03:04:40", "svc-backup's key used: GetCallerIdentity from 5.188.206.14"),
    ("03:05:02", "svc-backup: ListUsers, ListRoles, GetAccountAuthorizationDetails AccessDenied"),
    (
        "03:08:47",
        "PutUserPolicy svc-backup lambda-maintenance: iam:PassRole + "
        "lambda:CreateFunction + lambda:InvokeFunction",
    ),
    ("03:11:45", "AttachUserPolicy AdministratorAccess to svc-backup"),
    (
        "03:27:58",
        "UpdateAssumeRolePolicy ops-automation: trusts arn:aws:iam::999988887777:root, "
        "no ExternalId",
    ),
    (
        "03:41:19",
        "AssumeRole ops-automation from account 999988887777 (session backup-sync; "
        "delivered ~3 hours late)",
    ),
    ("03:44:02", "ops-automation session lists and reads secrets (secretsmanager)"),
    ("03:52:33", "StopLogging prod-eu-west-1-audit (eu-west-1) by svc-backup"),
    ("04:15:07", "AssumeRole ops-automation from account 999988887777 again"),
)
DEMO_STORY: tuple[str, ...] = tuple(f"{format_instant(_t(clock))}  {text}" for clock, text in STEPS)


def _alice_console() -> Caller:
    identity = {
        "type": "IAMUser",
        "principalId": unique_id("AIDA", f"{PROD}:user:alice"),
        "arn": f"arn:aws:iam::{PROD}:user/alice",
        "accountId": PROD,
        "accessKeyId": access_key_id("ASIA", "alice-console"),
        "userName": "alice",
        "sessionContext": {
            "sessionIssuer": {},
            "webIdFederationData": {},
            "attributes": {"creationDate": format_instant(LOGIN_AT), "mfaAuthenticated": "false"},
        },
    }
    return Caller(identity, PROD, ATTACKER_IP, "AWS Internal", tls=False, console=True)


def _backdoor_cli(command: str) -> Caller:
    key = access_key_id("AKIA", f"{PROD}:key:{BACKDOOR_USER}")
    identity = iam_user(PROD, BACKDOOR_USER, key)
    return Caller(identity, PROD, ATTACKER_IP, KALI_CLI.format(command=command))


def _denied(user: str, action: str, resource: str) -> tuple[str, str]:
    return (
        "AccessDenied",
        f"User: arn:aws:iam::{PROD}:user/{user} is not authorized to perform: {action} on "
        f"resource: {resource} because no identity-based policy allows the {action} action",
    )


def _sign_ins(rec: Recorder) -> None:
    hidden = {
        "type": "IAMUser",
        "accountId": PROD,
        "accessKeyId": "",
        "userName": "HIDDEN_DUE_TO_SECURITY_REASONS",
    }
    console_login(
        rec,
        at=_t("02:38:51"),
        identity=hidden,
        account=PROD,
        region="us-east-1",
        ip=ATTACKER_PROBE_IP,
        agent=PROBE_AGENT,
        mfa_used=False,
        failure="No username found in supplied account",
    )
    alice = {
        "type": "IAMUser",
        "principalId": unique_id("AIDA", f"{PROD}:user:alice"),
        "accountId": PROD,
        "accessKeyId": "",
        "userName": "alice",
    }
    for clock in ("02:40:12", "02:40:55", "02:41:37"):
        console_login(
            rec,
            at=_t(clock),
            identity=alice,
            account=PROD,
            region="us-east-1",
            ip=ATTACKER_PROBE_IP,
            agent=PROBE_AGENT,
            mfa_used=False,
            failure="Failed authentication",
        )
    success = {**alice, "arn": f"arn:aws:iam::{PROD}:user/alice"}
    success = {
        key: success[key]
        for key in ("type", "principalId", "arn", "accountId", "accessKeyId", "userName")
    }
    console_login(
        rec,
        at=LOGIN_AT,
        identity=success,
        account=PROD,
        region="eu-west-1",
        ip=ATTACKER_IP,
        agent=LOGIN_AGENT,
        mfa_used=False,
    )


def _persistence(rec: Recorder) -> None:
    alice = _alice_console()
    read(rec, alice, _t("02:51:10"), "ListUsers")
    read(rec, alice, _t("02:51:38"), "ListRoles")
    read(rec, alice, _t("02:52:04"), "GetAccountSummary")
    create_user(rec, alice, _t("02:58:14"), BACKDOOR_USER, duplicate=True)
    create_access_key(rec, alice, _t("02:59:02"), BACKDOOR_USER)
    get_caller_identity(
        rec,
        at=_t("03:04:40"),
        identity=_backdoor_cli("").identity,
        account=PROD,
        region="us-east-1",
        ip=ATTACKER_IP,
        agent=KALI_CLI.format(command="sts.get-caller-identity"),
    )
    denied = (
        ("03:05:02", "ListUsers", "iam.list-users", f"arn:aws:iam::{PROD}:user/"),
        ("03:05:09", "ListRoles", "iam.list-roles", f"arn:aws:iam::{PROD}:role/"),
        (
            "03:05:31",
            "GetAccountAuthorizationDetails",
            "iam.get-account-authorization-details",
            "*",
        ),
    )
    for clock, name, command, resource in denied:
        iam_call(
            rec,
            _backdoor_cli(command),
            _t(clock),
            name,
            read_only=True,
            error=_denied(BACKDOOR_USER, f"iam:{name}", resource),
        )
    put_inline(
        rec,
        alice,
        _t("03:08:47"),
        "user",
        BACKDOOR_USER,
        "lambda-maintenance",
        PRIVESC_POLICY,
        pretty=True,
    )
    attach(rec, alice, _t("03:11:45"), "user", BACKDOOR_USER, aws_policy("AdministratorAccess"))
    read(rec, alice, _t("03:26:30"), "GetRole", roleName=BACKDOORED_ROLE)
    update_trust(rec, alice, _t("03:27:58"), BACKDOORED_ROLE, BACKDOORED_TRUST, pretty=True)


def _outside(rec: Recorder) -> None:
    caller = aws_account(ATTACKER, ATTACKER_PRINCIPAL)
    agent = KALI_CLI.format(command="sts.assume-role")
    assume_role(
        rec,
        at=_t("03:41:19"),
        identity=caller,
        account=PROD,
        role=BACKDOORED_ROLE,
        session=ATTACKER_SESSION,
        region="us-east-1",
        ip=ATTACKER_PROBE_IP,
        agent=agent,
        late_by=timedelta(hours=3, minutes=4),
    )
    session = _ops_session(_t("03:41:19"))
    for clock, name, request in (
        ("03:44:02", "ListSecrets", {"maxResults": 100}),
        (
            "03:44:40",
            "GetSecretValue",
            {"secretId": f"arn:aws:secretsmanager:us-east-1:{PROD}:secret:prod/orders/db-AbC123"},
        ),
    ):
        rec.add(
            at=_t(clock),
            identity=session,
            source="secretsmanager.amazonaws.com",
            name=name,
            region="us-east-1",
            account=PROD,
            ip=ATTACKER_PROBE_IP,
            agent=KALI_CLI.format(command=f"secretsmanager.{name.lower()}"),
            request=request,
            read_only=True,
            tls_host="secretsmanager.us-east-1.amazonaws.com",
            version="1.10",
        )
    stop = _backdoor_cli("cloudtrail.stop-logging")
    rec.add(
        at=_t("03:52:33"),
        identity=stop.identity,
        source="cloudtrail.amazonaws.com",
        name="StopLogging",
        region="eu-west-1",
        account=PROD,
        ip=ATTACKER_IP,
        agent=stop.agent,
        request={"name": STOPPED_TRAIL},
        tls_host="cloudtrail.eu-west-1.amazonaws.com",
        version="1.10",
    )
    assume_role(
        rec,
        at=_t("04:15:07"),
        identity=caller,
        account=PROD,
        role=BACKDOORED_ROLE,
        session=ATTACKER_SESSION,
        region="us-east-1",
        ip=ATTACKER_PROBE_IP,
        agent=agent,
    )


def _ops_session(assumed_at: datetime) -> dict[str, Any]:
    key = f"{PROD}:{BACKDOORED_ROLE}:{ATTACKER_SESSION}:{assumed_at.isoformat()}"
    role_id = unique_id("AROA", f"{PROD}:role:{BACKDOORED_ROLE}")
    return {
        "type": "AssumedRole",
        "principalId": f"{role_id}:{ATTACKER_SESSION}",
        "arn": f"arn:aws:sts::{PROD}:assumed-role/{BACKDOORED_ROLE}/{ATTACKER_SESSION}",
        "accountId": PROD,
        "accessKeyId": access_key_id("ASIA", key),
        "sessionContext": {
            "sessionIssuer": {
                "type": "Role",
                "principalId": role_id,
                "arn": f"arn:aws:iam::{PROD}:role/{BACKDOORED_ROLE}",
                "accountId": PROD,
                "userName": BACKDOORED_ROLE,
            },
            "webIdFederationData": {},
            "attributes": {"creationDate": format_instant(assumed_at), "mfaAuthenticated": "false"},
        },
    }


def build_intrusion() -> Recorder:
    """Every record of the intrusion, in time order."""
    rec = Recorder("intrusion")
    _sign_ins(rec)
    _persistence(rec)
    _outside(rec)
    return rec
