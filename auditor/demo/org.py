"""Who is who in the demo organization: accounts, regions, people, addresses, user agents."""

from __future__ import annotations

from datetime import UTC, datetime

from auditor.demo.ids import short_hex

ORG_ID = "o-demo12345"
MANAGEMENT = "111111111111"
PROD = "222222222222"
DEV = "333333333333"
ATTACKER = "999988887777"
DATADOG = "464622532012"

DEMO_ORGANIZATION_ACCOUNTS: tuple[str, ...] = (MANAGEMENT, PROD, DEV)
DEMO_KNOWN_ACCOUNTS: dict[str, str] = {DATADOG: "Datadog"}
DEMO_WINDOW: tuple[datetime, datetime] = (
    datetime(2026, 11, 2, tzinfo=UTC),
    datetime(2026, 11, 16, tzinfo=UTC),
)
BASELINE_AT = DEMO_WINDOW[0]

HOME_REGION = "us-east-1"
REGIONS: tuple[str, ...] = ("us-east-1", "eu-west-1")
TRAIL_NAME = "org-trail"
TRAIL_BUCKET = "acme-org-cloudtrail-logs"

# The usual addresses: the office / VPN egress range and the CI runners' NAT gateway, all US.
OFFICE_IPS: tuple[str, ...] = tuple(f"73.162.10.{n}" for n in (14, 23, 37, 52, 68, 91))
CI_IP = "44.192.17.30"
DATADOG_IP = "3.233.144.10"
# The intrusion: a Tor-exit-looking German address, then a Bulgarian one (both outside the US).
ATTACKER_PROBE_IP = "185.220.101.34"
ATTACKER_IP = "5.188.206.14"

BROWSER_AGENTS: tuple[str, ...] = (
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36",
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.6; rv:132.0) Gecko/20100101 Firefox/132.0",
)
TERRAFORM_AGENT = (
    "APN/1.0 HashiCorp/1.0 Terraform/1.5.7 (+https://www.terraform.io) "
    "terraform-provider-aws/5.31.0 (+https://registry.terraform.io/providers/hashicorp/aws) "
    "aws-sdk-go-v2/1.24.0 os/linux lang/go#1.21.5 md/GOOS#linux md/GOARCH#amd64 "
    "api/{api}#1.27.6"
)
CLI_AGENT = (
    "aws-cli/2.18.4 md/awscrt#0.22.0 ua/2.0 os/macos#23.6.0 md/arch#arm64 lang/python#3.12.6 "
    "md/pyimpl#CPython cfg/retry-mode#standard md/installer#source prompt/off "
    "md/command#{command}"
)
BOTO_AGENT = (
    "Boto3/1.35.36 md/Botocore#1.35.36 ua/2.0 os/linux#5.10.227 md/arch#x86_64 "
    "lang/python#3.11.10 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.35.36"
)
DATADOG_AGENT = "aws-sdk-go/1.55.5 (go1.22.7; linux; amd64) datadog-aws-integration"
IDENTITY_CENTER_REGION = "us-east-1"
SSO_PROVIDER = "AWSSSO_4f0d2a9c8b7e6d51_DO_NOT_DELETE"
SSO_ISSUER = (
    "https://portal.sso.us-east-1.amazonaws.com/saml/assertion/MTExMTExMTExMTExX2lucy03MjIzYjFhMGQ5"
)
# Identity Center users (session names) and their usual laptop address.
PEOPLE: dict[str, str] = {
    "maria.garcia@acme.example": OFFICE_IPS[0],
    "dev.patel@acme.example": OFFICE_IPS[1],
    "sam.okafor@acme.example": OFFICE_IPS[2],
    "lena.novak@acme.example": OFFICE_IPS[3],
}


def sso_role_name(account: str, permission_set: str) -> str:
    """`AWSReservedSSO_<permission set>_<16 hex>` as Identity Center names it in each account."""
    return f"AWSReservedSSO_{permission_set}_{short_hex(f'sso:{account}:{permission_set}')}"


SSO_ROLE_PATH = "/aws-reserved/sso.amazonaws.com/"


def role_arn(account: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account}:role{path}{name}"


def user_arn(account: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account}:user{path}{name}"


def policy_arn(account: str, name: str, path: str = "/") -> str:
    return f"arn:aws:iam::{account}:policy{path}{name}"


def aws_policy(name: str) -> str:
    """ARN of an AWS managed policy (`service-role/...` and `job-function/...` keep their path)."""
    return f"arn:aws:iam::aws:policy/{name}"
